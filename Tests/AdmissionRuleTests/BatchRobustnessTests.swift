import Foundation
import Testing

@testable import LVVRules

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `rule-check batch` end to end through the built executable (like `CommandLineTests`):
/// determinism, a hard kill mid-stream leaving only whole lines, and no personal data in a
/// verdict that the case did not give.
@Suite(.serialized) struct BatchRobustnessTests {
    /// Case lines: the fuzz seeds (generated cases), repeated with fresh ids.
    static func caseLines(_ count: Int) -> [String] {
        let base = CaseFuzzTests.seeds
        return (0..<count).map { i in
            let line = base[i % base.count]
            guard i >= base.count else { return line }
            // Repeats get their own case id, so every output line is different.
            return line.replacingOccurrences(of: "\"case_id\":\"", with: "\"case_id\":\"R\(i / base.count)-")
        }
    }

    static func lines(_ data: Data) -> [Data] {
        data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map { Data($0) }
    }

    /// Starts `rule-check` with stdin from `input` and stdout to `output` (files).
    static func start(_ arguments: [String], input: URL, output: URL) throws -> (Process, [FileHandle]) {
        let executable = try #require(CommandLineTests.executable, "rule-check not found next to the test bundle")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
        let inHandle = try FileHandle(forReadingFrom: input)
        let outHandle = try FileHandle(forWritingTo: output)
        process.standardInput = inHandle
        process.standardOutput = outHandle
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, [inHandle, outHandle])
    }

    static func runToEnd(_ arguments: [String], input: URL, output: URL) throws -> Data {
        let (process, handles) = try start(arguments, input: input, output: output)
        process.waitUntilExit()
        for handle in handles { try handle.close() }
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        return try Data(contentsOf: output)
    }

    @Test func sameInputGivesByteIdenticalOutput() throws {
        let scratch = try CommandLineTests.Scratch()
        let input = scratch.url("cases.jsonl")
        try Data(Self.caseLines(2_000).joined(separator: "\n").utf8 + [UInt8(ascii: "\n")]).write(to: input)
        let first = try Self.runToEnd(
            ["batch", "--pilot", "groningen"], input: input, output: scratch.url("first.jsonl"))
        let second = try Self.runToEnd(
            ["batch", "--pilot", "groningen"], input: input, output: scratch.url("second.jsonl"))
        #expect(Self.lines(first).count == 2_000)
        #expect(first == second, "two runs on the same input differ")
    }

    @Test func killedRunLeavesOnlyWholeLinesThatArePrefixOfAFullRun() throws {
        let scratch = try CommandLineTests.Scratch()
        let input = scratch.url("cases.jsonl")
        try Data(Self.caseLines(20_000).joined(separator: "\n").utf8 + [UInt8(ascii: "\n")]).write(to: input)
        let arguments = ["batch", "--pilot", "groningen"]  // with trace: large output, many flushes

        let killedOutput = scratch.url("killed.jsonl")
        let (process, handles) = try Self.start(arguments, input: input, output: killedOutput)
        usleep(400_000)
        let finishedEarly = !process.isRunning
        if !finishedEarly { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        for handle in handles { try handle.close() }
        if !finishedEarly {
            #expect(process.terminationReason == .uncaughtSignal)
            #expect(process.terminationStatus == SIGKILL)
        }

        let killed = try Data(contentsOf: killedOutput)
        #expect(killed.isEmpty || killed.last == UInt8(ascii: "\n"), "a half line was left behind")
        let killedLines = Self.lines(killed)
        for (index, line) in killedLines.enumerated() {
            let parsed = line.withUnsafeBytes { raw in
                JSONParser.parse(raw.bindMemory(to: UInt8.self), maxDepth: 1_000)
            }
            guard case .success(.object) = parsed else {
                Issue.record("line \(index + 1) of the killed run is not a JSON object")
                break
            }
        }

        let full = try Self.runToEnd(arguments, input: input, output: scratch.url("full.jsonl"))
        let fullLines = Self.lines(full)
        #expect(fullLines.count == 20_000)
        #expect(killedLines.count <= fullLines.count)
        #expect(
            Array(fullLines.prefix(killedLines.count)) == killedLines,
            "the killed run's lines are not a prefix of a full run")
        // Record how far the killed run got (visible with --verbose), e.g. to tune the delay.
        print(
            "killed run: \(killedLines.count) of \(fullLines.count) lines\(finishedEarly ? " (finished before the kill)" : "")"
        )
    }

    @Test func verdictsHoldOnlyFactsTheCaseGave() throws {
        // Cases without binding_municipality, binding_province, v_number and birth_date: no verdict
        // (trace included) may carry those keys with a value, and every reason's facts must be
        // facts the case gave, with the value it gave.
        let personal = ["binding_municipality", "binding_province", "v_number", "birth_date"]
        var cases: [String] = []
        for line in Self.caseLines(200) {
            guard case .success(.object(let members)) = JSONParser.parse(line) else { continue }
            let kept = members.filter { !personal.contains($0.key) }
            cases.append(
                "{"
                    + kept.map { CaseFuzzTests.quote($0.key) + ":" + CaseFuzzTests.serialize($0.value) }.joined(
                        separator: ",") + "}")
        }
        let run = try CommandLineTests.run(
            ["batch", "--pilot", "groningen"], stdin: cases.joined(separator: "\n") + "\n")
        let outputs = run.stdoutLines
        #expect(outputs.count == cases.count)
        for (caseLine, verdictLine) in zip(cases, outputs) {
            guard case .success(.object(let given)) = JSONParser.parse(caseLine),
                case .success(let verdict) = JSONParser.parse(verdictLine, maxDepth: 1_000)
            else {
                Issue.record("unreadable: \(verdictLine.prefix(200))")
                continue
            }
            let givenValues = Dictionary(given.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            var leaks: [String] = []
            Self.walk(verdict) { key, value in
                if personal.contains(key), value != .null { leaks.append("\(key)=\(value)") }
            }
            #expect(
                leaks.isEmpty, "verdict carries facts the case did not give: \(leaks) in \(verdictLine.prefix(200))")
            guard case .object(let top) = verdict,
                case .array(let reasons)? = top.first(where: { $0.key == "reasons" })?.value
            else {
                Issue.record("no reasons in \(verdictLine.prefix(200))")
                continue
            }
            for case .object(let reason) in reasons {
                guard case .object(let facts)? = reason.first(where: { $0.key == "facts" })?.value else { continue }
                // A fact the case did not give may appear only as unknown (`null`).
                for fact in facts {
                    #expect(
                        givenValues[fact.key] == fact.value || (givenValues[fact.key] == nil && fact.value == .null),
                        "reason fact \(fact.key)=\(fact.value) not given so in \(caseLine)")
                }
            }
        }
    }

    /// Calls `visit` for every object member anywhere in `value`.
    static func walk(_ value: JSONValue, _ visit: (String, JSONValue) -> Void) {
        switch value {
        case .array(let items): for item in items { walk(item, visit) }
        case .object(let members):
            for member in members {
                visit(member.key, member.value)
                walk(member.value, visit)
            }
        default: break
        }
    }
}
