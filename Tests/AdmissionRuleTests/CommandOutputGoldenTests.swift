// Golden command output: the built `rule-check` is run from the repository root with each
// command line below (as `CommandLineTests` runs it), and its standard output must equal
// `Fixtures/command-output/<name>.expected` byte for byte; the exit status must be the one in
// the table and standard error must stay empty. The texts are what case workers (`eval`,
// `eval --why-not`), policy staff (`comply`) and rule authors (`test`) read, so a change to
// them is reviewed as a diff. The only thing left out is the time `comply` took (`(… ms)`).
//
// To re-record after an intended change, run
//
//     RECORD_GOLDEN=1 swift test --filter CommandOutputGoldenTests
//
// which rewrites the `.expected` files and FAILS (so nobody records by accident); then review
// them with `git diff` and run the tests again without `RECORD_GOLDEN`.

import Foundation
import Testing

@Suite struct CommandOutputGoldenTests {
    static let folder = repositoryRoot + "/Tests/AdmissionRuleTests/Fixtures/command-output"
    static var isRecording: Bool { ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" }

    /// One golden run: the file it is compared with, the command line, the exit status.
    struct Golden: Sendable {
        let name: String
        let arguments: [String]
        let status: Int32
    }

    static let goldens: [Golden] = [
        // `eval`: the explanation with the trace (the default), and in English.
        Golden(
            name: "eval-groningen-intake",
            arguments: ["eval", "--pilot", "groningen", "examples/groningen-intake.json"], status: 0),
        Golden(
            name: "eval-groningen-intake-en",
            arguments: ["eval", "--pilot", "groningen", "examples/groningen-intake.json", "--lang", "en"], status: 0),
        Golden(
            name: "eval-groningen-exception",
            arguments: ["eval", "--pilot", "groningen", "examples/groningen-exception.json"], status: 0),
        Golden(
            name: "eval-rotterdam-review",
            arguments: ["eval", "--pilot", "rotterdam", "examples/rotterdam-review.json"], status: 0),
        // `eval --why-not`: what would have to differ, for an exclusion, an undetermined case
        // (missing facts) and a review.
        Golden(
            name: "whynot-groningen-intake",
            arguments: ["eval", "--pilot", "groningen", "examples/groningen-intake.json", "--why-not", "--no-trace"],
            status: 0),
        Golden(
            name: "whynot-groningen-intake-en",
            arguments: [
                "eval", "--pilot", "groningen", "examples/groningen-intake.json", "--why-not", "--no-trace", "--lang",
                "en",
            ], status: 0),
        Golden(
            name: "whynot-groningen-missing",
            arguments: ["eval", "--pilot", "groningen", "examples/groningen-missing.json", "--why-not", "--no-trace"],
            status: 0),
        Golden(
            name: "whynot-amsterdam-undetermined",
            arguments: [
                "eval", "--pilot", "amsterdam", "examples/amsterdam-undetermined.json", "--why-not", "--no-trace",
            ], status: 0),
        Golden(
            name: "whynot-rotterdam-review",
            arguments: ["eval", "--pilot", "rotterdam", "examples/rotterdam-review.json", "--why-not"], status: 0),
        // `comply`: every pilot (Utrecht breaks the convenant on purpose: status 1).
        Golden(name: "comply-national", arguments: ["comply", "--pilot", "national"], status: 0),
        Golden(name: "comply-groningen", arguments: ["comply", "--pilot", "groningen"], status: 0),
        Golden(name: "comply-amsterdam", arguments: ["comply", "--pilot", "amsterdam"], status: 0),
        Golden(name: "comply-rotterdam", arguments: ["comply", "--pilot", "rotterdam"], status: 0),
        Golden(name: "comply-utrecht", arguments: ["comply", "--pilot", "utrecht"], status: 1),
        Golden(name: "comply-eindhoven", arguments: ["comply", "--pilot", "eindhoven"], status: 0),
        Golden(name: "comply-utrecht-en", arguments: ["comply", "--pilot", "utrecht", "--lang", "en"], status: 1),
        // `test`: the shipped rule files (a coverage warning included), verbose, and a file
        // with a failing test.
        Golden(name: "test-rules", arguments: ["test", "rules"], status: 0),
        Golden(name: "test-rules-verbose", arguments: ["test", "rules", "--verbose"], status: 0),
        Golden(
            name: "test-failing", arguments: ["test", "Tests/AdmissionRuleTests/Fixtures/failing_test.rules"], status: 1
        ),
        Golden(
            name: "test-failing-en",
            arguments: ["test", "Tests/AdmissionRuleTests/Fixtures/failing_test.rules", "--lang", "en"], status: 1),
    ]

    /// The output with what differs from run to run (the time `comply` took) replaced.
    static func stable(_ output: String) -> String {
        output.replacing(/\(\d+(\.\d+)? ms\)/, with: "(… ms)")
    }

    @Test(arguments: goldens.map(\.name))
    func output(name: String) throws {
        let golden = try #require(Self.goldens.first { $0.name == name })
        let run = try CommandLineTests.run(golden.arguments)
        #expect(run.status == golden.status, "`rule-check \(golden.arguments.joined(separator: " "))`: \(run.stderr)")
        #expect(run.stderr.isEmpty, "\(run.stderr)")
        let rendered = Self.stable(run.stdout)
        let path = Self.folder + "/\(name).expected"
        if Self.isRecording {
            try FileManager.default.createDirectory(atPath: Self.folder, withIntermediateDirectories: true)
            try rendered.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("recorded golden file \(name).expected; re-read it and run again without RECORD_GOLDEN")
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(
            rendered == expected,
            "the output of `rule-check \(golden.arguments.joined(separator: " "))` differs from \(name).expected; see the top of this file to re-record"
        )
    }

    /// Every golden file belongs to a run in the table, so none is left behind unchecked.
    @Test func everyGoldenFileIsChecked() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder).filter {
            $0.hasSuffix(".expected")
        }
        #expect(Set(files) == Set(Self.goldens.map { $0.name + ".expected" }))
    }

    /// The runs show what their names say, so a re-recording cannot quietly change the subject.
    @Test func goldenFilesShowWhatTheyAreNamedFor() throws {
        func golden(_ name: String) throws -> String {
            try String(contentsOfFile: Self.folder + "/\(name).expected", encoding: .utf8)
        }
        #expect(try golden("eval-groningen-intake").contains("Spoor ("), "with the trace")
        #expect(try golden("eval-groningen-intake-en").contains("Decision: "))
        #expect(try golden("whynot-groningen-intake").contains("Wat zou er anders moeten zijn"))
        #expect(try !golden("whynot-groningen-intake").contains("Spoor ("), "without the trace")
        #expect(try golden("comply-utrecht").contains("GESCHONDEN"))
        #expect(try golden("comply-groningen").contains("(… ms)"))
        #expect(try golden("test-rules").hasSuffix(" passed, 0 failed\n"))
        #expect(try golden("test-failing").hasSuffix("1 passed, 1 failed\n"))
    }
}
