import Foundation
import RuleDSL
import Testing

@testable import RuleAnalysis
@testable import RuleMachine
@testable import RuleSemantics
@testable import RuleSyntax
@testable import RuleValues

/// Seeded mutation fuzzing of the shipped rule files through the whole loader
/// (`RuleSetLoader.load(chain:)`: lex, parse, compose, check). Deterministic: a fixed seed per
/// file, so a failure names a mutant that reproduces on every run.
///
/// For every mutant: the loader returns (no trap, no hang); every diagnostic lies inside its
/// file and renders; and a mutant that parses without errors prints (`ASTPrinter`) to a text
/// that parses again without errors and prints the same (print ∘ parse is idempotent).
@Suite struct RuleFileFuzzTests {
    /// Mutants per shipped file; 6 files. See `mutantsPerFile` for the measured runtime.
    static let files = RulePaths.shippedRuleFiles().map(\.lastPathComponent)

    /// 6 files × 300 = 1,800 mutants by default. The target was ~20,000 (6 × 3,334), but that
    /// measured 202 s in a debug build on the development machine (6 files in parallel; a mutant
    /// that still parses goes through the full checker of national + pilot), far over the 40 s
    /// budget; 600 per file measured 45 s, 450 per file 40 s, 300 per file 15 s (measured). For a long run set
    /// `RULE_FILE_FUZZ_MUTANTS=3334` (or more) in the environment.
    static let mutantsPerFile: Int =
        ProcessInfo.processInfo.environment["RULE_FILE_FUZZ_MUTANTS"].flatMap { Int($0) } ?? 300

    /// Mutants that break print ∘ parse are written here for replay (`rule-check check`, the tests).
    static let findingsFolder = FileManager.default.temporaryDirectory.appendingPathComponent("rule-file-fuzz-findings")

    /// Tokens that the mutator drops in at random places: openers and closers, keywords,
    /// quotes, bad bytes (NUL, 0xFF, a lone UTF-8 continuation byte) and line breaks.
    static let tokens: [[UInt8]] =
        [
            "(", ")", "{", "}", "\"", "when", "rule", "not", ".", ",", ":", "and", "or", "in", "is", "unknown",
            "exception", "override", "disable", "extends", "ruleset", "fact", "decision", "test", "expect", "given",
            "-", "+", "<=", "!=", "2024-02-30", "99999999999999999999.9999999", "1e5", "\n", "\r\n", "\t", "#", "é",
            "🚀",
        ].map { Array($0.utf8) } + [[0x00], [0xFF], [0x80], [0xC3], [0xEF, 0xBB, 0xBF]]

    /// One random mutation of `bytes` in place.
    static func mutate(_ bytes: inout [UInt8], using g: inout SeededGenerator) {
        let position = Int.random(in: 0...bytes.count, using: &g)
        switch Int.random(in: 0..<10, using: &g) {
        case 0, 1:  // byte flip: one bit, or a whole random byte
            guard !bytes.isEmpty else { fallthrough }
            let i = min(position, bytes.count - 1)
            if Bool.random(using: &g) {
                bytes[i] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &g)
            } else {
                bytes[i] = UInt8.random(in: 0...255, using: &g)
            }
        case 2:  // deletion of a slice
            let length = Int.random(in: 1...80, using: &g)
            bytes.removeSubrange(position..<min(bytes.count, position + length))
        case 3:  // duplication of a random slice at a random place
            guard !bytes.isEmpty else { fallthrough }
            let start = Int.random(in: 0..<bytes.count, using: &g)
            let slice = bytes[start..<min(bytes.count, start + Int.random(in: 1...300, using: &g))]
            bytes.insert(contentsOf: Array(slice), at: position)
        case 4, 5, 6:  // a random token, with or without spaces around it
            var token = tokens.randomElement(using: &g)!
            if Bool.random(using: &g) { token = [0x20] + token + [0x20] }
            bytes.insert(contentsOf: token, at: position)
        case 7:  // a very long identifier, around the 1,024-character token limit or far past it
            let length = [1_023, 1_024, 1_025, 5_000].randomElement(using: &g)!
            bytes.insert(contentsOf: [UInt8](repeating: UInt8(ascii: "x"), count: length), at: position)
        case 8:  // deep nesting: 200 levels of `(` or `{`, closed or not
            let opener = Bool.random(using: &g) ? UInt8(ascii: "(") : UInt8(ascii: "{")
            var deep = [UInt8](repeating: opener, count: 200) + Array(" a ".utf8)
            if Bool.random(using: &g) {
                deep += [UInt8](
                    repeating: opener == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "}"), count: 200)
            }
            bytes.insert(contentsOf: deep, at: position)
        default:  // truncation
            bytes.removeSubrange(position...)
        }
    }

    @Test(arguments: files)
    func mutatedRuleFilesLoadWithoutTrapsAndWithValidDiagnostics(name: String) throws {
        let national = try RulePaths.source(RulePaths.rulesFolder.appendingPathComponent("national.rules"))
        let original = try RulePaths.source(RulePaths.rulesFolder.appendingPathComponent(name))
        let isNational = name == "national.rules"
        // A fixed seed per file (not `hashValue`, which is randomised per process).
        let seed = name.utf8.reduce(UInt64(0xF022)) { $0 &* 31 &+ UInt64($1) }
        var g = SeededGenerator(seed: seed)
        var clean = 0
        var parsedClean = 0
        var withErrors = 0
        var printParseFindings: [String] = []

        for index in 0..<Self.mutantsPerFile {
            var bytes = original.bytes
            for _ in 0..<Int.random(in: 1...3, using: &g) { Self.mutate(&bytes, using: &g) }
            let mutant = SourceFile(path: name, bytes: bytes)
            let chain = isNational ? [mutant] : [national, mutant]
            let result = RuleSetLoader.load(chain: chain)

            #expect(result.files.count == chain.count)
            if result.errors.isEmpty {
                #expect(result.program != nil, "\(name) mutant \(index): no errors but no program")
                clean += 1
            } else {
                withErrors += 1
            }
            for diagnostic in result.diagnostics {
                let range = diagnostic.range
                let size = range.file >= 0 && range.file < chain.count ? chain[range.file].bytes.count : -1
                let valid = size >= 0 && 0 <= range.start && range.start <= range.end && range.end <= size
                #expect(valid, "\(name) mutant \(index): \(diagnostic.code) has range \(range), file size \(size)")
                #expect(
                    !diagnostic.message.isEmpty && !diagnostic.message.contains("\n"),
                    "\(name) mutant \(index): \(diagnostic.code)")
            }
            // Rendering never traps and gives every diagnostic its `file:line:col:` line.
            let rendered = DiagnosticRenderer(files: result.files).render(result.diagnostics)
            let located = rendered.split(separator: "\n").filter { line in
                chain.contains { line.hasPrefix($0.path + ":") }
            }
            #expect(located.count >= result.diagnostics.count, "\(name) mutant \(index)")

            // print ∘ parse: what parses prints to text that parses again to the same print.
            let (file, parseDiagnostics) = Parser.parse(mutant, fileIndex: isNational ? 0 : 1)
            if !parseDiagnostics.contains(where: { $0.severity == .error }) {
                parsedClean += 1
                let printed = ASTPrinter.print(file)
                let (again, againDiagnostics) = Parser.parse(SourceFile(path: "printed.rules", text: printed))
                let reparses = !againDiagnostics.contains { $0.severity == .error }
                if !reparses || ASTPrinter.print(again) != printed {
                    let saved = Self.findingsFolder.appendingPathComponent("print-parse-\(name)-\(index).rules")
                    try? FileManager.default.createDirectory(at: Self.findingsFolder, withIntermediateDirectories: true)
                    try? Data(bytes).write(to: saved)
                    try? Data(printed.utf8).write(to: saved.appendingPathExtension("printed"))
                    let why =
                        reparses
                        ? "prints differently when printed again"
                        : "printed text does not parse: \(againDiagnostics.map(\.message))"
                    printParseFindings.append("\(name) mutant \(index) (\(saved.path)): \(why)")
                }
            }
        }
        #expect(printParseFindings.isEmpty, "print ∘ parse is not idempotent: \(printParseFindings.prefix(3))")
        // The mutator must exercise both sides: mutants that still parse and mutants that do not.
        #expect(withErrors > Self.mutantsPerFile / 4, "\(name): only \(withErrors) mutants had errors")
        #expect(parsedClean > 0, "\(name): no mutant parsed cleanly")
        _ = clean
    }
}
