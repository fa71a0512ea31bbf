import Foundation
import LVVRules
import RuleDSL
import Testing

/// The rule files shipped in `rules/`: they load cleanly, their own tests pass, and each pilot's
/// ruleset hash is the SHA-256 of the files it was built from (CONTRACT.md section 2, `ruleset`).
@Suite struct ShippedRuleFilesTests {
    static let rulesFolder = repositoryRoot + "/rules"

    static let shippedFiles: [String] = (try? RuleLibrary.ruleFiles(in: rulesFolder)) ?? []

    @Test func everyPilotOfTheContractHasARuleFile() throws {
        let names = Set(Self.shippedFiles.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent })
        #expect(names.isSuperset(of: Pilot.allCases.map(\.rawValue)))
        #expect(Set(RuleLibrary.pilots) == Set(Pilot.allCases.map(\.rawValue)))
    }

    @Test(arguments: shippedFiles)
    func ruleFileLoadsWithoutErrorsOrWarnings(path: String) throws {
        let result = try RuleLibrary(directory: Self.rulesFolder).loadResult(path: path)
        let rendered = DiagnosticRenderer(files: result.files).render(result.diagnostics)
        #expect(result.errors.isEmpty, "\(rendered)")
        #expect(result.diagnostics.isEmpty, "no warnings either:\n\(rendered)")
        #expect(result.program != nil)
    }

    @Test(arguments: shippedFiles)
    func ruleFilesOwnTestsAllPass(path: String) throws {
        let program = try RuleLibrary(directory: Self.rulesFolder).load(path: path)
        let report = TestRunner(program: program).run()
        // Only the file's own tests: a pilot's program also carries the national tests.
        let own = report.results.filter { $0.test.file == program.files.count - 1 }
        #expect(!own.isEmpty, "\(path) has tests of its own")
        for result in report.results where !result.passed {
            Issue.record("\(path): test “\(result.test.title)” failed: \(result.failures.joined(separator: "; "))")
        }
        #expect(report.failed == 0)
        #expect(report.passed == report.results.count)
    }

    @Test(arguments: Pilot.allCases)
    func pilotLoadsByNameWithItsOwnName(pilot: Pilot) throws {
        let program = try RuleLibrary(directory: Self.rulesFolder).load(pilot: pilot.rawValue)
        #expect(program.name == pilot.rawValue)
        let expectedFiles = pilot == .national ? ["national.rules"] : ["national.rules", "\(pilot.rawValue).rules"]
        #expect(program.files.map { URL(fileURLWithPath: $0.path).lastPathComponent } == expectedFiles)
    }

    /// The bytes of the files a pilot is built from, base first.
    static func bytes(of pilot: Pilot) throws -> [UInt8] {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: rulesFolder + "/national.rules")))
        if pilot != .national {
            bytes += [UInt8](try Data(contentsOf: URL(fileURLWithPath: rulesFolder + "/\(pilot.rawValue).rules")))
        }
        return bytes
    }

    @Test(arguments: Pilot.allCases)
    func rulesetHashIsTheSHA256OfNationalAndPilotFilesConcatenated(pilot: Pilot) throws {
        let program = try RuleLibrary(directory: Self.rulesFolder).load(pilot: pilot.rawValue)
        let bytes = try Self.bytes(of: pilot)
        #expect(program.sha256 == SHA256.hexDigest(bytes))
        // The verdict carries the same hash.
        let verdict = try intake(pilot)
        #expect(verdict.rulesetSHA256 == program.sha256)
        #expect(verdict.rulesetName == pilot.rawValue)
    }

    /// The same hash computed by the system's `sha256sum`, independently of the engine's SHA-256.
    static let sha256sum = ["/usr/bin/sha256sum", "/bin/sha256sum"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(.enabled(if: sha256sum != nil, "needs sha256sum"), arguments: Pilot.allCases)
    func rulesetHashMatchesTheSystemsSHA256(pilot: Pilot) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.sha256sum))
        let files = pilot == .national ? ["national.rules"] : ["national.rules", "\(pilot.rawValue).rules"]
        // `sha256sum` of the concatenation: feed both files through standard input.
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        for file in files {
            input.fileHandleForWriting.write(try Data(contentsOf: URL(fileURLWithPath: Self.rulesFolder + "/" + file)))
        }
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let digest = String(text.prefix { !$0.isWhitespace })
        let program = try RuleLibrary(directory: Self.rulesFolder).load(pilot: pilot.rawValue)
        #expect(digest.count == 64)
        #expect(program.sha256 == digest)
    }

    @Test func pilotsHaveDifferentHashes() throws {
        let hashes = try Pilot.allCases.map { try Pilots.program($0).sha256 }
        #expect(Set(hashes).count == hashes.count)
    }
}
