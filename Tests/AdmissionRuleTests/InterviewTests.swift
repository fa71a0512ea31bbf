import Foundation
import LVVRules
import RuleDSL
import Testing

/// `rule-check interview`, driven through standard input as a script would: only questions that
/// can still change the decision, answers people type, `onbekend`, skipping, bad answers asked
/// again, the verdict at the end, and nothing written when the interview is cut short.
@Suite struct InterviewTests {
    /// The questions a transcript asked, by fact name (`[fact]` ends each question line).
    static func asked(_ stdout: String) -> [String] {
        stdout.split(separator: "\n").filter { $0.hasPrefix("Vraag ") || $0.hasPrefix("Question ") }.compactMap {
            line in
            guard let open = line.lastIndex(of: "["), let close = line.lastIndex(of: "]") else { return nil }
            return String(line[line.index(after: open)..<close])
        }
    }

    /// Answers for an adult who meets every criterion of Groningen, by fact.
    static let admitted: [String: String] = [
        "reference_date": "01-05-2022", "lawful_residence": "nee", "reception_entitlement": "1",
        "birth_date": "15-06-1990",
        "entry_ban_years": "0", "declared_undesirable": "nee", "nationality": "SY", "dublin_claimant": "nee",
        "binding_province": "Groningen", "binding_municipality": "Groningen", "identity_doubt": "nee",
        "v_number": "1234567890", "willing_to_cooperate": "ja", "safe_country_national": "nee",
        "previously_in_bbb": "nee",
    ]

    /// Runs an interview answering each question from `answers` by its fact (in the order asked):
    /// the tool picks the order, so the script answers by fact, as a person would.
    static func interview(_ arguments: [String], answers: [String: String], extra: [String] = []) throws -> (
        CommandLineTests.Run, [String]
    ) {
        // First pass: learn the order of the questions with the full answers.
        var input = ""
        var order: [String] = []
        for _ in 0..<40 {
            let run = try CommandLineTests.run(["interview"] + arguments, stdin: input)
            let asked = Self.asked(run.stdout)
            if asked.count <= order.count || run.status == 0 { return (run, asked) }
            let next = asked[asked.count - 1]
            order.append(next)
            input +=
                (extra.first { $0.hasPrefix(next + "=") }.map { String($0.dropFirst(next.count + 1)) } ?? answers[next]
                    ?? "onbekend") + "\n"
        }
        Issue.record("interview did not end")
        return (try CommandLineTests.run(["interview"] + arguments, stdin: input), order)
    }

    @Test func fullIntakeEndsInAnAdmissionAndWritesTheCase() throws {
        let dir = try CommandLineTests.Scratch()
        let out = dir.url("case.json").path
        let (run, asked) = try Self.interview(["--pilot", "groningen", "--out", out], answers: Self.admitted)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(asked.first == "reference_date", "the required reference date is asked first")
        #expect(Set(asked).count == asked.count, "no question twice")
        #expect(run.stdout.contains("Besluit: De persoon kan worden toegelaten tot de LVV."))
        let written = try String(contentsOfFile: out, encoding: .utf8)
        let program = try Pilots.program(.groningen)
        guard case .success(let input) = CaseReader(program: program).read(written) else {
            Issue.record("the written case does not read: \(written)")
            return
        }
        #expect(VerdictBuilder(program: program).verdict(for: input).decision == "admit")
        #expect(written.contains("\"reference_date\":\"2022-05-01\""))
        #expect(written.contains("\"birth_date\":\"1990-06-15\""))
    }

    @Test func stopsEarlyWhenAnExclusionIsCertain() throws {
        var answers = Self.admitted
        answers["dublin_claimant"] = "ja"
        let (run, asked) = try Self.interview(["--pilot", "groningen"], answers: answers)
        #expect(run.status == 0)
        #expect(asked.contains("dublin_claimant"))
        #expect(asked.last == "dublin_claimant", "nothing is asked once the exclusion is certain")
        #expect(Set(asked) != Set(Self.admitted.keys).union(["admission_date"]), "not every question was needed")
        #expect(run.stdout.contains("Het besluit staat vast"))
        #expect(run.stdout.contains("Besluit: De persoon wordt niet toegelaten tot de LVV."))
    }

    @Test func onlyQuestionsThatCanChangeTheDecisionFromAPartialCase() throws {
        let dir = try CommandLineTests.Scratch()
        let partial = try dir.write(
            "partial.json", Cases.intake(.groningen, ["entry_ban_years": nil, "dublin_claimant": nil]))
        let (run, asked) = try Self.interview(["--pilot", "groningen", "--case", partial], answers: Self.admitted)
        #expect(run.status == 0)
        #expect(Set(asked) == ["entry_ban_years", "dublin_claimant"])
        #expect(run.stdout.contains("Besluit: De persoon kan worden toegelaten tot de LVV."))
    }

    @Test func badAnswersAreAskedAgainAndOnbekendIsAnAnswer() throws {
        let dir = try CommandLineTests.Scratch()
        let partial = try dir.write(
            "partial.json",
            Cases.intake(.groningen, ["entry_ban_years": nil, "birth_date": nil, "reception_entitlement": nil]))
        // The order is the tool's; answer each kind with something bad first.
        let first = try CommandLineTests.run(["interview", "--pilot", "groningen", "--case", partial], stdin: "")
        let order = Self.asked(first.stdout)
        #expect(order.count == 1)
        #expect(first.status != 0)
        let bad: [String: String] = [
            "entry_ban_years": "tien", "birth_date": "31-02-1990", "reception_entitlement": "7",
        ]
        let good: [String: String] = [
            "entry_ban_years": "onbekend", "birth_date": "1990-06-15", "reception_entitlement": "none",
        ]
        var input = ""
        var seen: [String] = []
        for _ in 0..<3 {
            let run = try CommandLineTests.run(["interview", "--pilot", "groningen", "--case", partial], stdin: input)
            let asked = Self.asked(run.stdout)
            guard asked.count > seen.count, let next = asked.last else { break }
            seen.append(next)
            input += "\(bad[next]!)\n\n\(good[next]!)\n"
        }
        let run = try CommandLineTests.run(["interview", "--pilot", "groningen", "--case", partial], stdin: input)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("geen geldig getal; probeer het opnieuw"))
        #expect(run.stdout.contains("geen geldige datum"))
        #expect(run.stdout.contains("geen van de opties"))
        #expect(run.stdout.contains("geen antwoord gegeven"))
        // entry_ban_years stays unknown: the verdict is undetermined and names it.
        #expect(run.stdout.contains("Besluit: Er kan nog niet worden besloten"))
        #expect(run.stdout.contains("entry_ban_years"))
    }

    @Test func skippedQuestionIsNotAskedAgain() throws {
        let dir = try CommandLineTests.Scratch()
        let partial = try dir.write(
            "partial.json", Cases.intake(.groningen, ["entry_ban_years": nil, "dublin_claimant": nil]))
        let run = try CommandLineTests.run(
            ["interview", "--pilot", "groningen", "--case", partial], stdin: "overslaan\noverslaan\n")
        #expect(run.status == 0)
        #expect(Self.asked(run.stdout).count == 2)
        #expect(run.stdout.contains("Er zijn geen vragen meer"))
        #expect(run.stdout.contains("Besluit: Er kan nog niet worden besloten"))
    }

    @Test func endOfInputWritesNothingAndSaysHowFar() throws {
        let dir = try CommandLineTests.Scratch()
        let out = dir.url("case.json").path
        let run = try CommandLineTests.run(
            ["interview", "--pilot", "groningen", "--out", out], stdin: "01-05-2022\ngeen\n")
        #expect(run.status == 1)
        #expect(run.stderr.contains("interview afgebroken na 2 beantwoorde vragen; er is niets geschreven"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func interruptWritesNothing() throws {
        let executable = try #require(CommandLineTests.executable)
        let dir = try CommandLineTests.Scratch()
        let out = dir.url("case.json").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["interview", "--pilot", "groningen", "--out", out]
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
        let input = Pipe()
        let stdout = dir.url("stdout")
        let stderr = dir.url("stderr")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: stdout)
        let errHandle = try FileHandle(forWritingTo: stderr)
        process.standardInput = input
        process.standardOutput = outHandle
        process.standardError = errHandle
        try process.run()
        input.fileHandleForWriting.write(Data("01-05-2022\n".utf8))
        // Wait (at most a minute, the machine may be busy) for the second question, then
        // interrupt as Ctrl-C would.
        for _ in 0..<600 {
            if String(decoding: (try? Data(contentsOf: stdout)) ?? Data(), as: UTF8.self).contains("Vraag 2") { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        kill(process.processIdentifier, SIGINT)
        for _ in 0..<300 where process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            Issue.record("the interview did not end on SIGINT")
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        try input.fileHandleForWriting.close()
        try outHandle.close()
        try errHandle.close()
        let message = String(decoding: try Data(contentsOf: stderr), as: UTF8.self)
        #expect(process.terminationStatus == 130)
        #expect(message.contains("interview afgebroken na 1 beantwoorde vragen; er is niets geschreven"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func answersPeopleType() throws {
        let program = try Pilots.program(.groningen)
        let interview = Interview(program: program)
        let slot = { (name: String) in program.factSlots[name]! }
        #expect(interview.parse("Ja", for: slot("dublin_claimant")) == .value(.bool(true)))
        #expect(interview.parse(" nee ", for: slot("dublin_claimant")) == .value(.bool(false)))
        #expect(
            interview.parse("15-06-2021", for: slot("birth_date"))
                == .value(.date(CivilDate(year: 2021, month: 6, day: 15)!)))
        #expect(
            interview.parse("2021-06-15", for: slot("birth_date"))
                == .value(.date(CivilDate(year: 2021, month: 6, day: 15)!)))
        #expect(interview.parse("2", for: slot("reception_entitlement")) == .value(.text("coa")))
        #expect(interview.parse("VBL", for: slot("reception_entitlement")) == .value(.text("vbl")))
        #expect(interview.parse("onbekend", for: slot("dublin_claimant")) == .unknown)
        #expect(interview.parse("overslaan", for: slot("dublin_claimant")) == .skip)
        #expect(interview.parse("geen", for: slot("v_number")) == .value(.none))
        #expect(
            interview.parse("2,5", for: slot("entry_ban_years")) == .value(.number(DecimalNumber(scaled: 2_500_000))))
        if case .bad = interview.parse("misschien", for: slot("dublin_claimant")) {
        } else {
            Issue.record("`misschien` is no yes/no")
        }
        if case .bad = interview.parse("-3", for: slot("entry_ban_years")) {
        } else {
            Issue.record("below `at least 0`")
        }
        if case .bad = interview.parse("nl", for: slot("nationality")) {} else { Issue.record("not of the form AA") }
        if case .bad = interview.parse("onbekend", for: slot("reference_date")) {
        } else {
            Issue.record("the reference date is required")
        }
    }
}
