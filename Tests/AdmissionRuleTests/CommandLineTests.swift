import Foundation
import Testing

/// End to end through the built `rule-check` executable: CONTRACT.md section 3 (commands, output
/// and exit statuses), run from the repository root like a user would.
@Suite struct CommandLineTests {
    // MARK: - Running the tool

    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String

        var stdoutLines: [String] {
            stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLastIfEmpty()
        }
        var stderrLines: [String] {
            stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLastIfEmpty()
        }
    }

    /// The `rule-check` built next to this test bundle: walk up from the test binary to the build
    /// products folder that holds it.
    static let executable: String? = {
        var starts: [URL] = [Bundle.main.bundleURL]
        if let path = Bundle.main.executablePath { starts.append(URL(fileURLWithPath: path)) }
        if let first = CommandLine.arguments.first { starts.append(URL(fileURLWithPath: first)) }
        for start in starts {
            var folder = start.standardizedFileURL
            for _ in 0..<8 {
                let candidate = folder.appendingPathComponent("rule-check").path
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                    FileManager.default.isExecutableFile(atPath: candidate)
                {
                    return candidate
                }
                folder = folder.deletingLastPathComponent()
            }
        }
        return nil
    }()

    /// Runs `rule-check` with the arguments, from the repository root, with `stdin` as input.
    static func run(
        _ arguments: [String], stdin: String? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> Run {
        let executable = try #require(
            Self.executable, "rule-check not found next to the test bundle", sourceLocation: sourceLocation)
        let scratch = try Scratch()
        let out = scratch.url("stdout")
        let err = scratch.url("stderr")
        let input = scratch.url("stdin")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        _ = FileManager.default.createFile(atPath: input.path, contents: Data((stdin ?? "").utf8))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
        let outHandle = try FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        let inHandle = try FileHandle(forReadingFrom: input)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = inHandle
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        try inHandle.close()
        #expect(process.terminationReason == .exit, "rule-check must never crash", sourceLocation: sourceLocation)
        return Run(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }

    /// A temporary folder, removed when the value goes away.
    final class Scratch {
        let folder: URL
        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("admission-cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(at: folder) }
        func url(_ name: String) -> URL { folder.appendingPathComponent(name) }
        func write(_ name: String, _ text: String) throws -> String {
            try Data(text.utf8).write(to: url(name))
            return url(name).path
        }
    }

    static func object(_ line: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> [String:
        Any]
    {
        let value = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(value as? [String: Any], "not a JSON object: \(line)", sourceLocation: sourceLocation)
    }

    static let contractKeys: Set<String> = [
        "case_id", "pilot", "question", "decision", "exceptional", "reasons", "referrals", "actions", "missing_facts",
        "ruleset",
    ]

    // MARK: - eval

    @Test func evalJSONHasEveryContractKey() throws {
        let scratch = try Scratch()
        let path = try scratch.write(
            "case.json", Cases.intake(.groningen, ["entry_ban_years": 12], ["case_id": "GRN-0001"]))
        let run = try Self.run(["eval", "--pilot", "groningen", path, "--format", "json"])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
        #expect(run.stdoutLines.count == 1, "one verdict object on one line")
        let verdict = try Self.object(run.stdout)
        #expect(Set(verdict.keys) == Self.contractKeys.union(["trace"]), "intake: no scenario_advice")
        #expect(verdict["case_id"] as? String == "GRN-0001")
        #expect(verdict["pilot"] as? String == "groningen")
        #expect(verdict["question"] as? String == "intake")
        #expect(verdict["decision"] as? String == "exclude")
        #expect(verdict["exceptional"] as? Bool == false)
        #expect(verdict["referrals"] as? [String] == [])
        #expect(verdict["actions"] as? [String] == ["risk_analysis", "notify_partners"])
        #expect(verdict["missing_facts"] as? [String] == [])
        let reasons = try #require(verdict["reasons"] as? [[String: Any]])
        #expect(reasons.count == 1)
        let reason = try #require(reasons.first)
        #expect(Set(reason.keys).isSuperset(of: ["code", "rule", "title", "source", "facts"]))
        #expect(reason["code"] as? String == "entry_ban_10y")
        #expect((reason["rule"] as? String)?.isEmpty == false)
        #expect((reason["title"] as? String)?.isEmpty == false)
        #expect((reason["source"] as? String)?.isEmpty == false)
        let facts = try #require(reason["facts"] as? [String: Any])
        #expect((facts["entry_ban_years"] as? NSNumber)?.intValue == 12)
        let ruleset = try #require(verdict["ruleset"] as? [String: Any])
        #expect(ruleset["name"] as? String == "groningen")
        let hash = try #require(ruleset["sha256"] as? String)
        #expect(hash.count == 64 && hash.allSatisfy { "0123456789abcdef".contains($0) })
        let trace = try #require(verdict["trace"] as? [Any])
        #expect(!trace.isEmpty)
    }

    @Test func evalJSONOfAReviewHasScenarioAdvice() throws {
        let scratch = try Scratch()
        let path = try scratch.write("review.json", Cases.review(.rotterdam, ["new_asylum_grounds": true]))
        let run = try Self.run(["eval", "--pilot", "rotterdam", path, "--format", "json", "--no-trace"])
        #expect(run.status == 0)
        let verdict = try Self.object(run.stdout)
        #expect(Set(verdict.keys) == Self.contractKeys.union(["scenario_advice"]))
        #expect(verdict["question"] as? String == "review")
        #expect(verdict["decision"] as? String == "continue")
        let advice = try #require(verdict["scenario_advice"] as? [String: Any])
        #expect(Set(advice.keys) == ["scenario", "reasons", "missing_facts"])
        #expect(advice["scenario"] as? String == "legalisation")
        #expect(advice["reasons"] as? [String] == ["new_asylum_grounds", "scenario_differs"])
        #expect(advice["missing_facts"] as? [String] == [])
        #expect(verdict["actions"] as? [String] == ["scenario_discussion"])
    }

    @Test func evalJSONWithAnOpenAdviceHasANullScenario() throws {
        let scratch = try Scratch()
        let path = try scratch.write("review.json", Cases.review(.amsterdam, ["pending_procedure": nil]))
        let run = try Self.run(["eval", "--pilot", "amsterdam", path, "--format", "json", "--no-trace"])
        #expect(run.status == 0)
        let advice = try #require(try Self.object(run.stdout)["scenario_advice"] as? [String: Any])
        #expect(advice["scenario"] is NSNull)
        #expect(advice["missing_facts"] as? [String] == ["pending_procedure"])
    }

    @Test func theTraceShowsEveryRuleAndWhatAnExceptionOverrode() throws {
        let scratch = try Scratch()
        // The exception lifts the entry ban, but the reception entitlement stands.
        let path = try scratch.write(
            "case.json",
            Cases.intake(
                .groningen,
                [
                    "entry_ban_years": 12, "reception_entitlement": "coa",
                    "exceptional_admission": Cases.exception(date: "2022-01-01"),
                ]))
        let run = try Self.run(["eval", "--pilot", "groningen", path, "--format", "json"])
        #expect(run.status == 0)
        let verdict = try Self.object(run.stdout)
        #expect(verdict["decision"] as? String == "exclude")
        let reasons = try #require(verdict["reasons"] as? [[String: Any]])
        #expect(reasons.compactMap { $0["code"] as? String } == ["reception_entitlement"])
        let trace = try #require(verdict["trace"] as? [[String: Any]])
        let rules = trace.compactMap { $0["rule"] as? String }
        // Every national intake rule and Groningen's own rules are considered.
        for rule in [
            "lawful_residence", "reception_entitlement", "minor", "entry_ban", "declared_undesirable", "eu_citizen",
            "dublin_claimant", "regional_binding", "safe_country",
        ] {
            #expect(rules.contains(rule), "trace lacks \(rule)")
        }
        let entryBan = try #require(trace.first { $0["rule"] as? String == "entry_ban" })
        #expect(entryBan["facts"] as? [String: Any] != nil)
        #expect(run.stdout.contains("exceptional_admission"), "the overriding exception shows in the trace")
        #expect(
            String(describing: entryBan).contains("exceptional_admission"),
            "the entry ban shows what lifted it: \(entryBan)")
    }

    @Test func textOutputHasATraceUnlessNoTrace() throws {
        let scratch = try Scratch()
        let path = try scratch.write("case.json", Cases.intake(.amsterdam, ["declared_undesirable": true]))
        let with = try Self.run(["eval", "--pilot", "amsterdam", path])
        let without = try Self.run(["eval", "--pilot", "amsterdam", path, "--no-trace"])
        #expect(with.status == 0 && without.status == 0)
        // The letter names the reason by its title; the trace by its fact.
        #expect(with.stdout.contains("Ongewenstverklaard") && without.stdout.contains("Ongewenstverklaard"))
        #expect(
            with.stdout.contains("declared_undesirable=true") && !without.stdout.contains("declared_undesirable=true"))
        #expect(with.stdout.count > without.stdout.count)
        #expect(
            with.stdout.hasPrefix(without.stdout.trimmingCharacters(in: .newlines)),
            "the trace comes after the explanation")
    }

    @Test func noTraceOmitsTheTrace() throws {
        let scratch = try Scratch()
        let path = try scratch.write("case.json", Cases.intake(.amsterdam))
        let run = try Self.run(["eval", "--pilot", "amsterdam", "--no-trace", "--format", "json", path])
        #expect(run.status == 0)
        let verdict = try Self.object(run.stdout)
        #expect(verdict["trace"] == nil)
        #expect(Set(verdict.keys) == Self.contractKeys)
        #expect(verdict["decision"] as? String == "admit")
    }

    /// Each decision with a case that gives it and how the letter's first sentence says it, in
    /// Dutch (the rule set's language) and English (`--lang en`).
    static let textCases: [(String, Overrides, String, String)] = [
        ("exclude", ["dublin_claimant": true], "De persoon wordt niet toegelaten", "The person is not admitted"),
        ("admit", [:], "De persoon kan worden toegelaten", "The person can be admitted"),
        ("refer", ["v_number": nil], "eerst moet de politie de identiteit", "the police must first establish"),
        ("undetermined", ["birth_date": nil], "Er kan nog niet worden besloten", "This cannot be decided yet"),
    ]

    @Test(arguments: textCases)
    func textOutputStartsWithTheDecision(decision: String, overrides: Overrides, dutch: String, english: String) throws
    {
        let scratch = try Scratch()
        let path = try scratch.write("case.json", Cases.intake(.utrecht, overrides))
        for (extra, word, sentence) in [
            ([], "Besluit: ", dutch), (["--format", "text"], "Besluit: ", dutch),
            (["--lang", "en"], "Decision: ", english),
        ] {
            let run = try Self.run(["eval", "--pilot", "utrecht", path] + extra)
            #expect(run.status == 0)
            #expect(run.stderr.isEmpty)
            let lines = run.stdoutLines
            // The heading names the case, the rule set and the question; the decision comes right
            // after it, in one sentence.
            #expect(
                lines.prefix(5).contains { $0.hasPrefix(word) && $0.contains(sentence) },
                "\(decision): \(lines.prefix(5))")
            #expect(run.stdout.contains("TEST-0001"))
        }
    }

    @Test func langIsNlOrEn() throws {
        let scratch = try Scratch()
        let path = try scratch.write("case.json", Cases.intake(.utrecht))
        let run = try Self.run(["eval", "--pilot", "utrecht", path, "--lang", "fr"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("`--lang` is `nl` or `en`, not `fr`"))
        // JSON is language-neutral: the same bytes whatever the language.
        let nl = try Self.run(["eval", "--pilot", "utrecht", path, "--format", "json", "--lang", "nl"])
        let en = try Self.run(["eval", "--pilot", "utrecht", path, "--format", "json", "--lang", "en"])
        #expect(nl.status == 0 && nl.stdout == en.stdout)
    }

    @Test func textOutputExplainsReasonsAndMissingFacts() throws {
        let scratch = try Scratch()
        let excluded = try Self.run([
            "eval", "--pilot", "groningen",
            try scratch.write("a.json", Cases.intake(.groningen, ["entry_ban_years": 12])),
        ])
        #expect(excluded.stdout.contains("Zwaar inreisverbod van tien jaar of meer"))
        #expect(excluded.stdout.contains("Voer een risicoanalyse uit"))
        let open = try Self.run([
            "eval", "--pilot", "groningen", try scratch.write("b.json", Cases.intake(.groningen, ["nationality": nil])),
        ])
        #expect(open.stdout.contains("nationality"))
    }

    static let badCases: [(Overrides, String)] = [
        (["favourite_colour": "blue"], "favourite_colour"),
        (["entry_ban_years": "ten"], "entry_ban_years"),
        (["reference_date": "2023-02-29"], "reference_date"),
        (["entry_ban_years": -3], "entry_ban_years"),
        (["case_id": nil], "case_id"),
        (["exceptional_admission": ["decided_by": "lso", "reason": "x"]], "reason"),
    ]

    @Test(arguments: badCases)
    func evalWithABadCaseFileNamesTheKey(overrides: Overrides, key: String) throws {
        let scratch = try Scratch()
        let path = try scratch.write("bad.json", Cases.intake(.groningen, overrides))
        let run = try Self.run(["eval", "--pilot", "groningen", path, "--format", "json"])
        #expect(run.status == 3)
        #expect(run.stdout.isEmpty)
        #expect(run.stderrLines.count == 1, "one line: \(run.stderr)")
        #expect(run.stderr.contains(key))
    }

    @Test func evalWithMalformedJSONIsBadInput() throws {
        let scratch = try Scratch()
        let path = try scratch.write("bad.json", "{\"case_id\": \"A\", \"reference_date\": \"2022-05-01\",")
        let run = try Self.run(["eval", "--pilot", "groningen", path])
        #expect(run.status == 3)
        #expect(run.stderrLines.count == 1)
        #expect(run.stdout.isEmpty)
    }

    @Test func evalWithATwoLineJSONLFileIsBadInput() throws {
        let scratch = try Scratch()
        let text = Cases.intake(.groningen, ["case_id": "A"]) + "\n" + Cases.intake(.groningen, ["case_id": "B"]) + "\n"
        let path = try scratch.write("cases.jsonl", text)
        let run = try Self.run(["eval", "--pilot", "groningen", path, "--format", "json"])
        #expect(run.status == 3)
        #expect(run.stdout.isEmpty)
        #expect(run.stderrLines.count == 1)
    }

    @Test func evalWithAOneLineJSONLFileDecides() throws {
        let scratch = try Scratch()
        let path = try scratch.write("case.jsonl", Cases.intake(.eindhoven) + "\n")
        let run = try Self.run(["eval", "--pilot", "eindhoven", path, "--format", "json"])
        #expect(run.status == 0)
        #expect(try Self.object(run.stdout)["decision"] as? String == "admit")
    }

    @Test func evalWithAMissingCaseFileIsBadInput() throws {
        let run = try Self.run(["eval", "--pilot", "groningen", "/nonexistent/folder/case.json"])
        #expect(run.status == 3)
        #expect(run.stderrLines.count == 1)
        #expect(run.stderr.contains("/nonexistent/folder/case.json"))
        #expect(run.stdout.isEmpty)
    }

    @Test(arguments: ["eval", "batch"])
    func anUnknownPilotIsAUsageError(command: String) throws {
        let scratch = try Scratch()
        let path = try scratch.write("case.json", Cases.intake(.groningen))
        let run = try Self.run(
            command == "eval" ? ["eval", "--pilot", "gronigen", path] : ["batch", "--pilot", "gronigen"],
            stdin: command == "batch" ? Cases.intake(.groningen) + "\n" : nil)
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("gronigen"))
        #expect(run.stderr.contains("did you mean"))
        #expect(run.stderr.contains("groningen"))
    }

    @Test(arguments: [
        ["eval", "--pilot", "groningen", "--fromat", "json", "examples/groningen-intake.json"],
        ["eval", "--pilot", "groningen", "--verbose", "examples/groningen-intake.json"],
        ["batch", "--pilot", "groningen", "--no-trac"],
        ["check", "--strict"],
        ["test", "--pilot", "groningen"],
        ["evaluate", "--pilot", "groningen"],
        ["evl", "--pilot", "groningen"],
        ["frobnicate"],
        [],
        ["eval", "examples/groningen-intake.json"],  // no --pilot
        ["eval", "--pilot", "groningen"],  // no case file
        ["eval", "--pilot"],  // --pilot without a value
        ["batch"],
        ["eval", "--pilot", "groningen", "--format", "xml", "examples/groningen-intake.json"],
    ])
    func usageErrorsExitWithTwo(arguments: [String]) throws {
        let run = try Self.run(arguments, stdin: "")
        #expect(run.status == 2, "\(arguments): \(run.stderr)")
        #expect(!run.stderr.isEmpty)
        #expect(run.stdout.isEmpty)
    }

    @Test func anUnknownFlagIsNamedWithASuggestion() throws {
        let run = try Self.run(["eval", "--pilot", "groningen", "--fromat", "json", "examples/groningen-intake.json"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--fromat"))
        #expect(run.stderr.contains("--format"))
    }

    @Test func anUnknownCommandIsNamedWithASuggestion() throws {
        let run = try Self.run(["evl"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("evl"))
        #expect(run.stderr.contains("eval"))
    }

    // MARK: - Broken rule files

    /// A copy of the shipped rules with one broken file.
    static func brokenRules(_ scratch: Scratch, broken: String = "groningen") throws -> String {
        let folder = scratch.url("rules")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for pilot in Pilot.allCases {
            var text = try String(contentsOfFile: repositoryRoot + "/rules/\(pilot.rawValue).rules", encoding: .utf8)
            if pilot.rawValue == broken { text += "\nrule broken_rule\n  when this is not ( valid\n" }
            try Data(text.utf8).write(to: folder.appendingPathComponent("\(pilot.rawValue).rules"))
        }
        return folder.path
    }

    @Test func evalWithABrokenRuleFileExitsWithOne() throws {
        let scratch = try Scratch()
        let rules = try Self.brokenRules(scratch)
        let casePath = try scratch.write("case.json", Cases.intake(.groningen))
        let run = try Self.run(["eval", "--pilot", "groningen", "--rules", rules, casePath, "--format", "json"])
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("groningen.rules"))
        // The other pilots in that folder still load.
        let other = try Self.run(["eval", "--pilot", "amsterdam", "--rules", rules, casePath, "--format", "json"])
        #expect(other.status == 0)
    }

    @Test func aBrokenNationalFileBreaksEveryPilot() throws {
        let scratch = try Scratch()
        let rules = try Self.brokenRules(scratch, broken: "national")
        let casePath = try scratch.write("case.json", Cases.intake(.utrecht))
        for pilot in Pilot.allCases {
            let run = try Self.run(["eval", "--pilot", pilot.rawValue, "--rules", rules, casePath])
            #expect(run.status == 1, "\(pilot)")
        }
    }

    @Test func batchCheckAndTestWithABrokenRuleFileExitWithOne() throws {
        let scratch = try Scratch()
        let rules = try Self.brokenRules(scratch)
        let batch = try Self.run(
            ["batch", "--pilot", "groningen", "--rules", rules], stdin: Cases.intake(.groningen) + "\n")
        #expect(batch.status == 1)
        #expect(batch.stdout.isEmpty)
        let check = try Self.run(["check", "--rules", rules])
        #expect(check.status == 1)
        #expect(check.stdout.contains("groningen.rules:"))
        #expect(check.stdout.contains("error"))
        let test = try Self.run(["test", "--rules", rules])
        #expect(test.status == 1)
    }

    // MARK: - batch

    static func batchLines(_ run: Run) throws -> [[String: Any]] {
        try run.stdoutLines.map { try object($0) }
    }

    @Test func batchGivesOneLinePerCaseInOrder() throws {
        let ids = (1...25).map { String(format: "B-%03d", $0) }
        let input = ids.map { Cases.intake(.rotterdam, ["case_id": .string($0)]) }.joined(separator: "\n") + "\n"
        let run = try Self.run(["batch", "--pilot", "rotterdam", "--no-trace"], stdin: input)
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
        let lines = try Self.batchLines(run)
        #expect(lines.map { $0["case_id"] as? String } == ids)
        #expect(lines.allSatisfy { $0["decision"] as? String == "admit" && $0["trace"] == nil })
        #expect(lines.allSatisfy { Set($0.keys) == Self.contractKeys })
    }

    @Test func batchDecidesEachLineOnItsOwn() throws {
        let input = [
            Cases.intake(.amsterdam, ["case_id": "X1"]),
            Cases.intake(.amsterdam, ["case_id": "X2", "safe_country_national": true]),
            Cases.review(.amsterdam, ["case_id": "X3", "lso_consensus": false]),
            Cases.intake(.amsterdam, ["case_id": "X4", "v_number": nil]),
        ].joined(separator: "\n")
        let run = try Self.run(["batch", "--pilot", "amsterdam"], stdin: input)
        #expect(run.status == 0)
        let lines = try Self.batchLines(run)
        #expect(lines.map { $0["decision"] as? String } == ["admit", "exclude", "escalate_mrt", "refer"])
        #expect(lines.map { $0["question"] as? String } == ["intake", "intake", "review", "intake"])
        #expect(lines.allSatisfy { $0["trace"] != nil }, "the trace is on unless --no-trace")
    }

    @Test func batchSkipsBlankLinesAndReportsBadLinesWithTheirNumber() throws {
        let input =
            [
                "",  // 1: blank
                Cases.intake(.utrecht, ["case_id": "L2"]),  // 2
                "   \t ",  // 3: blank
                Cases.intake(.utrecht, ["case_id": "L4", "colour": "blue"]),  // 4: unknown key
                Cases.intake(.utrecht, ["case_id": "L5", "dublin_claimant": true]),  // 5
                "{not json",  // 6
                "",  // 7: blank
                Cases.intake(.utrecht, ["case_id": "L8", "birth_date": "2023-02-29"]),  // 8: bad date
                Cases.intake(.utrecht, ["case_id": "L9"]),  // 9
            ].joined(separator: "\n") + "\n"
        let run = try Self.run(["batch", "--pilot", "utrecht", "--no-trace"], stdin: input)
        #expect(run.status == 3, "exit 3 when any line was bad")
        let lines = try Self.batchLines(run)
        #expect(lines.count == 6, "one output line per non-blank input line")
        guard lines.count == 6 else { return }
        #expect(lines[0]["case_id"] as? String == "L2")
        #expect(Set(lines[1].keys) == ["line", "error"])
        #expect((lines[1]["line"] as? NSNumber)?.intValue == 4)
        #expect((lines[1]["error"] as? String)?.contains("colour") == true)
        #expect(lines[2]["case_id"] as? String == "L5")
        #expect(lines[2]["decision"] as? String == "exclude")
        #expect((lines[3]["line"] as? NSNumber)?.intValue == 6)
        #expect((lines[3]["error"] as? String)?.isEmpty == false)
        #expect((lines[4]["line"] as? NSNumber)?.intValue == 8)
        #expect((lines[4]["error"] as? String)?.contains("birth_date") == true)
        #expect(lines[5]["case_id"] as? String == "L9")
    }

    @Test func batchReadsCRLFLinesAndALastLineWithoutNewline() throws {
        let input =
            Cases.intake(.eindhoven, ["case_id": "C1"]) + "\r\n" + "\r\n"
            + Cases.intake(.eindhoven, ["case_id": "C2", "lawful_residence": true]) + "\r\n"
            + Cases.intake(.eindhoven, ["case_id": "C3"])
        let run = try Self.run(["batch", "--pilot", "eindhoven", "--no-trace"], stdin: input)
        #expect(run.status == 0)
        let lines = try Self.batchLines(run)
        #expect(lines.map { $0["case_id"] as? String } == ["C1", "C2", "C3"])
        #expect(lines.map { $0["decision"] as? String } == ["admit", "exclude", "admit"])
        #expect(run.stdout.hasSuffix("\n"))
    }

    @Test func aBadLastLineWithoutNewlineIsReportedWithItsNumber() throws {
        let input = Cases.intake(.eindhoven, ["case_id": "C1"]) + "\r\n{\"case_id\": 5}"
        let run = try Self.run(["batch", "--pilot", "eindhoven", "--no-trace"], stdin: input)
        #expect(run.status == 3)
        let lines = try Self.batchLines(run)
        #expect(lines.count == 2)
        #expect((lines.last?["line"] as? NSNumber)?.intValue == 2)
    }

    @Test(arguments: ["", "\n", "\n\n  \n", "\r\n"])
    func emptyInputGivesEmptyOutput(input: String) throws {
        let run = try Self.run(["batch", "--pilot", "groningen"], stdin: input)
        #expect(run.status == 0)
        #expect(run.stdout.isEmpty)
    }

    @Test func batchVerdictsEqualEvalVerdicts() throws {
        let scratch = try Scratch()
        let cases = [
            Cases.intake(.groningen, ["case_id": "E1", "safe_country_national": true]),
            Cases.review(
                .groningen,
                ["case_id": "E2", "entry_ban_years": 12, "exceptional_admission": Cases.exception(date: "2021-01-01")]),
        ]
        let batch = try Self.run(["batch", "--pilot", "groningen", "--no-trace"], stdin: cases.joined(separator: "\n"))
        #expect(batch.status == 0)
        for (index, text) in cases.enumerated() {
            let path = try scratch.write("e\(index).json", text)
            let eval = try Self.run(["eval", "--pilot", "groningen", "--no-trace", "--format", "json", path])
            #expect(eval.stdoutLines.first == batch.stdoutLines[index], "the same verdict, byte for byte")
        }
    }

    // MARK: - check and test

    @Test func checkTheShippedRulesIsClean() throws {
        let run = try Self.run(["check"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(!run.stdout.contains("error:"))
        let single = try Self.run(["check", "rules/groningen.rules"])
        #expect(single.status == 0)
    }

    @Test func testTheShippedRulesPasses() throws {
        let run = try Self.run(["test"])
        #expect(run.status == 0, "\(run.stdout)")
        let last = try #require(run.stdoutLines.last)
        let match = try #require(last.wholeMatch(of: /(\d+) passed, 0 failed/), "last line: \(last)")
        #expect((Int(match.1) ?? 0) > 0)
        #expect(!run.stdout.contains("FAIL"))
    }

    // MARK: - --ruleset-hash

    @Test func rulesetHashGuardsTheRulesAVerdictWasMadeWith() throws {
        let scratch = try Scratch()
        let path = try scratch.write("case.json", Cases.intake(.utrecht, ["willing_to_cooperate": false]))
        let first = try Self.run(["eval", "--pilot", "utrecht", path, "--format", "json", "--no-trace"])
        #expect(first.status == 0)
        let ruleset = try #require(try Self.object(first.stdout)["ruleset"] as? [String: Any])
        let hash = try #require(ruleset["sha256"] as? String)

        let right = try Self.run([
            "eval", "--pilot", "utrecht", path, "--format", "json", "--no-trace", "--ruleset-hash", hash,
        ])
        #expect(right.status == 0)
        #expect(right.stdout == first.stdout, "decides as before")

        let wrongHash = String(hash.reversed())
        let wrong = try Self.run(["eval", "--pilot", "utrecht", path, "--format", "json", "--ruleset-hash", wrongHash])
        #expect(wrong.status != 0, "refuses to decide with other rules")
        #expect(wrong.stdout.isEmpty)
        #expect(!wrong.stderr.isEmpty)

        // Another pilot's hash is a wrong hash too.
        let amsterdam = try Self.run(["eval", "--pilot", "amsterdam", path, "--format", "json", "--ruleset-hash", hash])
        #expect(amsterdam.status != 0)
        #expect(amsterdam.stdout.isEmpty)
    }
}

extension Array where Element == String {
    /// Lines of output without the empty string after the final newline.
    func dropLastIfEmpty() -> [String] {
        if last == "" { return Array(dropLast()) }
        return self
    }
}
