import Foundation
import LVVRules
import RuleDSL
import Testing

/// `rule-check generate` end to end through the built executable: the same population for the
/// same seed, intake and review taking turns with `mixed`, usage errors, and its output read by
/// `batch` and by `diff --cases` (review cases included).
@Suite struct GenerateCommandTests {
    @Test func theSameSeedGivesTheSamePopulation() throws {
        let a = try CommandLineTests.run([
            "generate", "--pilot", "rotterdam", "--cases", "40", "--question", "mixed", "--seed", "9",
        ])
        let b = try CommandLineTests.run([
            "generate", "--pilot", "rotterdam", "--cases", "40", "--question", "mixed", "--seed", "9",
        ])
        let other = try CommandLineTests.run([
            "generate", "--pilot", "rotterdam", "--cases", "40", "--question", "mixed", "--seed", "10",
        ])
        #expect(a.status == 0 && a.stderr.isEmpty)
        #expect(a.stdout == b.stdout)
        #expect(a.stdout != other.stdout)
        let lines = a.stdoutLines
        #expect(lines.count == 40)
        // Odd lines are intake cases, even lines review cases (they carry an admission date).
        for (index, line) in lines.enumerated() {
            #expect(line.contains("\"admission_date\"") == ((index + 1) % 2 == 0), "\(line)")
        }
    }

    @Test(arguments: [
        ["generate", "--pilot", "groningen", "--cases", "5", "--question", "maybe"],
        ["generate", "--pilot", "groningen", "--cases", "0"],
        ["generate", "--pilot", "groningen", "--cases", "5", "--seed", "-1"],
        ["generate", "--pilot", "groningen"],
    ])
    func usageErrorsExitWithTwo(arguments: [String]) throws {
        let run = try CommandLineTests.run(arguments)
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(!run.stderr.isEmpty)
    }

    @Test func batchDecidesEveryGeneratedCase() throws {
        let cases = try CommandLineTests.run([
            "generate", "--pilot", "groningen", "--cases", "200", "--question", "mixed",
        ])
        let run = try CommandLineTests.run(["batch", "--pilot", "groningen", "--no-trace"], stdin: cases.stdout)
        #expect(run.status == 0)
        let verdicts = run.stdoutLines
        #expect(verdicts.count == 200)
        let questions = try verdicts.map { try CommandLineTests.object($0)["question"] as? String }
        #expect(questions.filter { $0 == "intake" }.count == 100)
        #expect(questions.filter { $0 == "review" }.count == 100)
    }

    @Test func diffWithCasesMeasuresAReviewChangeOnGeneratedReviewCases() throws {
        let folder = try RuleChange.rotterdamCapSixMonths.folder()
        let scratch = try CommandLineTests.Scratch()
        let cases = try CommandLineTests.run([
            "generate", "--pilot", "rotterdam", "--cases", "2000", "--question", "review",
        ])
        let path = try scratch.write("review.jsonl", cases.stdout)
        let run = try CommandLineTests.run([
            "diff", "--pilot", "rotterdam", "--rules", folder, "--against", "rules", "--cases", path, "--lang", "en",
        ])
        #expect(run.status == 0)
        #expect(run.stdoutLines.first?.hasPrefix("2000 cases compared: ") == true)
        #expect(run.stdout.contains("  end → continue: "))
        #expect(!run.stdout.contains("error"))
    }
}
