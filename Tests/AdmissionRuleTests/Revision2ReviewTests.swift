import Foundation
import LVVPresentation
import LVVRules
import RuleDSL
import Testing

/// Revision 2 of the domain at review (DOMAIN.md "Continuation" and "Precedence at review (rev 2
/// in full)"), for every pilot: progress judged only on a recorded scenario and not in the
/// research phase of the new inflow, stabilisation, the MRT's advice, outflow classed as durable
/// or temporary in the rule files, and the choices marked in the rules' sources.
@Suite struct Revision2ReviewTests {
    // MARK: - 7. Progress is judged on a scenario

    @Test(arguments: Pilot.allCases)
    func noProgressWithoutARecordedScenarioDoesNotEndTheStay(pilot: Pilot) throws {
        for scenario: CaseJSON? in [nil, .null] {
            let v = try review(pilot, ["progress": false, "scenario": scenario])
            #expect(v.decision == "continue")
            #expect(v.reasons.isEmpty)
            #expect(v.missingFacts.isEmpty)
        }
        for scenario: CaseJSON in ["return", "onward_migration", "legalisation"] {
            let v = try review(pilot, ["progress": false, "scenario": scenario])
            #expect(v.decision == "end")
            #expect(v.codes == ["no_progress"])
        }
    }

    /// The research-phase person of issue 14: admitted in the new inflow, no scenario yet.
    @Test(arguments: Pilot.allCases)
    func researchPhaseWithoutAScenarioIsNotEndedForNoProgress(pilot: Pilot) throws {
        let v = try review(
            pilot,
            [
                "reference_date": "2024-05-01", "admission_date": "2024-03-10", "last_review_date": nil,
                "phase": "research", "scenario": nil, "progress": false,
            ])
        #expect(v.decision == "continue")
        #expect(v.reasons.isEmpty)
        #expect(v.actions.isEmpty, "no scenario is required in the research phase")
    }

    /// (admission date, phase, judged?): the phases belong to the inflow from 2024-03-01.
    static let phases: [(String, String, Bool)] = [
        ("2024-03-01", "research", false),  // the first day of the new inflow
        ("2024-04-15", "research", false),
        ("2024-03-01", "reception", true),
        ("2024-02-29", "research", true),  // admitted the day before: only a scenario is needed
        ("2023-06-01", "research", true),
        ("2023-06-01", "reception", true),
    ]

    @Test(arguments: Pilot.allCases, phases)
    func researchPhaseOfTheNewInflowIsNotJudged(pilot: Pilot, phase: (String, String, Bool)) throws {
        let (admission, name, judged) = phase
        let v = try review(
            pilot,
            [
                "reference_date": "2024-05-01", "admission_date": .string(admission), "last_review_date": "2024-04-20",
                "phase": .string(name), "progress": false,
            ])
        if judged {
            #expect(v.decision == "end")
            #expect(v.codes == ["no_progress"])
        } else {
            #expect(v.decision == "continue")
            #expect(v.reasons.isEmpty)
        }
    }

    @Test(arguments: Pilot.allCases)
    func anUnknownPhaseMattersOnlyForTheNewInflow(pilot: Pilot) throws {
        let newInflow = try review(
            pilot,
            [
                "reference_date": "2024-05-01", "admission_date": "2024-03-01", "last_review_date": nil, "phase": nil,
                "progress": false,
            ])
        #expect(newInflow.decision == "undetermined")
        #expect(newInflow.missingFacts == ["phase"])
        let earlier = try review(pilot, ["phase": nil, "progress": false])
        #expect(earlier.decision == "end")
        #expect(earlier.codes == ["no_progress"])
        #expect(earlier.missingFacts.isEmpty)
    }

    static let notGoingWell: [Overrides] = [
        ["progress": false], ["cooperating": false], ["progress": false, "cooperating": false],
    ]

    @Test(arguments: Pilot.allCases, notGoingWell.indices)
    func stabilisationKeepsNoProgressAndNoCooperationFromEndingTheStay(pilot: Pilot, index: Int) throws {
        let facts = Self.notGoingWell[index]
        let stabilising = try decide(pilot, Cases.review(pilot, facts, ["stabilisation": true]))
        #expect(stabilising.decision == "continue")
        #expect(stabilising.reasons.isEmpty)
        // None recorded (false, null or absent): they end the stay as before.
        for stabilisation: CaseJSON? in [false, .null, nil] {
            let v = try decide(pilot, Cases.review(pilot, facts, ["stabilisation": stabilisation]))
            #expect(v.decision == "end")
            #expect(!v.codes.isEmpty && v.codes.allSatisfy { ["no_progress", "not_cooperating"].contains($0) })
        }
    }

    @Test(arguments: Pilot.allCases)
    func stabilisationLiftsNothingElse(pilot: Pilot) throws {
        let entitled = try review(pilot, ["stabilisation": true, "reception_entitlement": "coa"])
        #expect(entitled.decision == "end")
        #expect(entitled.codes == ["reception_entitlement"])
        let outflow = try review(pilot, ["stabilisation": true, "outcome": "departed"])
        #expect(outflow.codes == ["outflow"])
        let advised = try review(pilot, ["stabilisation": true, "lso_consensus": false, "mrt_advice": "end"])
        #expect(advised.decision == "end")
        #expect(advised.codes == ["mrt_advice"])
        let noConsensus = try review(pilot, ["stabilisation": true, "lso_consensus": false])
        #expect(noConsensus.decision == "escalate_mrt")
    }

    // MARK: - 8. The MRT's advice

    /// (referral date or nil, overdue on 2022-05-01?): more than 28 days (000 5.2 "binnen vier weken").
    static let referrals: [(String?, Bool)] = [
        (nil, false),
        ("2022-05-01", false),
        ("2022-04-03", false),  // 28 days: still within four weeks
        ("2022-04-02", true),  // 29 days
        ("2021-01-01", true),
    ]

    @Test(arguments: Pilot.allCases, referrals)
    func withoutConsensusAndAdviceTheCaseIsEscalatedAndAnOverdueAdviceChased(pilot: Pilot, referral: (String?, Bool))
        throws
    {
        let (date, overdue) = referral
        let v = try review(pilot, ["lso_consensus": false, "mrt_referral_date": date.map { .string($0) }])
        #expect(v.decision == "escalate_mrt")
        #expect(v.codes == ["no_lso_consensus"])
        #expect(v.referrals == ["mrt"])
        #expect(v.actions == (overdue ? ["mrt_advice_overdue"] : []))
    }

    @Test(arguments: Pilot.allCases)
    func anOverdueAdviceIsChasedOnlyForAnEscalatedCase(pilot: Pilot) throws {
        let late: Overrides = ["mrt_referral_date": "2021-01-01"]
        for others: Overrides in [
            ["lso_consensus": true],  // the LSO agrees again
            ["lso_consensus": false, "outcome": "departed"],  // the stay ended
            ["lso_consensus": false, "mrt_advice": "continue"],  // the MRT has advised
            // the programme ended
            ["lso_consensus": false, "reference_date": "2025-01-02", "last_review_date": "2024-12-01"],
        ] {
            let v = try decide(pilot, Cases.review(pilot, late, others))
            #expect(v.decision != "escalate_mrt")
            #expect(!v.actions.contains("mrt_advice_overdue"), "\(others)")
        }
    }

    @Test(arguments: Pilot.allCases)
    func anAdviceToEndEndsTheStayWithoutConsensus(pilot: Pilot) throws {
        let v = try review(pilot, ["lso_consensus": false, "mrt_advice": "end", "mrt_referral_date": "2022-03-01"])
        #expect(v.decision == "end")
        #expect(v.codes == ["mrt_advice"])
        #expect(v.referrals.isEmpty)
        #expect(v.actions.isEmpty)
    }

    @Test(arguments: Pilot.allCases, notGoingWell.indices)
    func anAdviceToContinueSettlesTheDisputeAboutProgress(pilot: Pilot, index: Int) throws {
        let v = try decide(
            pilot, Cases.review(pilot, Self.notGoingWell[index], ["lso_consensus": false, "mrt_advice": "continue"]))
        #expect(v.decision == "continue")
        #expect(v.codes == ["mrt_advice"])
        #expect(v.referrals.isEmpty)
        // Steps 6-7 are not judged: their unknown facts do not matter.
        let unknowns = try review(
            pilot,
            ["lso_consensus": false, "mrt_advice": "continue", "progress": nil, "cooperating": nil, "phase": nil])
        #expect(unknowns.decision == "continue")
        #expect(unknowns.missingFacts.isEmpty)
    }

    @Test(arguments: Pilot.allCases, ["continue", "end"])
    func anOutflowAndAReceptionEntitlementGoBeforeTheAdvice(pilot: Pilot, advice: String) throws {
        let advised: Overrides = ["lso_consensus": false, "mrt_advice": .string(advice)]
        let outflow = try decide(pilot, Cases.review(pilot, advised, ["outcome": "returned_bbb"]))
        #expect(outflow.decision == "end")
        #expect(outflow.codes == ["outflow"])
        for entitlement in ["coa", "family_location", "vbl"] {
            // Admitted in 2022: after Utrecht's family inflow stopped, so Utrecht too ends the stay.
            let v = try decide(pilot, Cases.review(pilot, advised, ["reception_entitlement": .string(entitlement)]))
            #expect(v.decision == "end")
            #expect(v.codes == ["reception_entitlement"])
            #expect(v.referrals == [entitlement])
        }
    }

    @Test(arguments: Pilot.allCases)
    func withConsensusTheAdviceIsNotRead(pilot: Pilot) throws {
        let adviceToEnd = try review(pilot, ["lso_consensus": true, "mrt_advice": "end"])
        #expect(adviceToEnd.decision == "continue")
        #expect(adviceToEnd.reasons.isEmpty)
        let adviceToContinue = try review(pilot, ["lso_consensus": true, "mrt_advice": "continue", "progress": false])
        #expect(adviceToContinue.decision == "end")
        #expect(adviceToContinue.codes == ["no_progress"])
    }

    @Test(arguments: Pilot.allCases)
    func anUnknownConsensusBesideAnAdviceToContinue(pilot: Pilot) throws {
        // With consensus the LSO's own judgment (no progress) ends the stay; without, the advice continues it.
        let v = try review(pilot, ["lso_consensus": nil, "mrt_advice": "continue", "progress": false])
        #expect(v.decision == "undetermined")
        #expect(v.missingFacts == ["lso_consensus"])
        // Both ways the stay goes on: decided.
        let same = try review(pilot, ["lso_consensus": nil, "mrt_advice": "continue"])
        #expect(same.decision == "continue")
        #expect(same.missingFacts.isEmpty)
    }

    /// Step 4 before step 5: Rotterdam's three months end the stay whatever the MRT advises.
    @Test(arguments: Pilot.allCases, ["continue", "end"])
    func rotterdamsCapGoesBeforeTheAdvice(pilot: Pilot, advice: String) throws {
        let v = try review(
            pilot,
            [
                "safe_country_national": true, "admission_date": "2024-01-15", "last_review_date": "2024-04-01",
                "reference_date": "2024-04-16", "lso_consensus": false, "mrt_advice": .string(advice),
            ])
        if pilot == .rotterdam {
            #expect(v.decision == "end")
            #expect(v.codes == ["max_stay_exceeded"])
        } else {
            #expect(v.decision == advice)
            #expect(v.codes == ["mrt_advice"])
        }
        // Without an advice yet the case goes to the MRT first (step 2), in Rotterdam too.
        let first = try review(
            pilot,
            [
                "safe_country_national": true, "admission_date": "2024-01-15", "last_review_date": "2024-04-01",
                "reference_date": "2024-04-16", "lso_consensus": false,
            ])
        #expect(first.decision == "escalate_mrt")
    }

    /// The national invariant allows ending without consensus once the MRT has advised, and
    /// `comply` still proves it for every pilot.
    @Test(arguments: Pilot.allCases)
    func neverEndWithoutConsensusIsProvenForEveryPilot(pilot: Pilot) throws {
        let report = ComplianceReport(program: try Pilots.program(pilot))
        let result = try #require(report.invariants.first { $0.id == "never_end_without_consensus" })
        #expect(result.status == .proven)
    }

    @Test func endingWithoutConsensusBeforeTheAdviceIsStillAViolation() throws {
        // A planted pilot that lets an advice-less case without consensus fall through to no progress.
        let program = try ComplianceTests.planted(
            "planted_mrt",
            """
            override rule no_lso_consensus
              title "Alleen opschalen als de MRT al is ingeschakeld (geplante fout)"
              source "test"
              kind escalation
              stage review.no_consensus
              when lso_consensus = false and mrt_advice is none and mrt_referral_date is present
              reason no_lso_consensus
              refer mrt
            """)
        let report = ComplianceReport(program: program)
        let result = try #require(report.invariants.first { $0.id == "never_end_without_consensus" })
        #expect(result.status == .violated)
        let json = try #require(result.counterexample)
        let input = try CaseReader(program: program).read(json).get()
        let verdict = VerdictBuilder(program: program).verdict(for: input)
        #expect(verdict.decision == "end")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(
            object["mrt_advice"] == nil || object["mrt_advice"] is NSNull, "the counterexample has no advice: \(json)")
    }

    // MARK: - The review actions (two-phase model) still come whatever the decision

    static let rev2Decisions: [(String, Overrides, String, [String])] = [
        ("no progress without a scenario", ["progress": false], "continue", []),
        ("stabilisation", ["cooperating": false, "stabilisation": true], "continue", []),
        ("MRT advises end", ["lso_consensus": false, "mrt_advice": "end"], "end", ["mrt_advice"]),
        (
            "MRT advises continue", ["lso_consensus": false, "mrt_advice": "continue", "cooperating": false],
            "continue", ["mrt_advice"]
        ),
        (
            "escalated, advice overdue", ["lso_consensus": false, "mrt_referral_date": "2024-07-01"], "escalate_mrt",
            ["no_lso_consensus"]
        ),
    ]

    @Test(arguments: Pilot.allCases, rev2Decisions.indices)
    func reviewDueAndScenarioRequiredWhateverTheDecision(pilot: Pilot, index: Int) throws {
        let (what, others, decision, codes) = Self.rev2Decisions[index]
        // Reception phase without a scenario, last review more than three months ago.
        let moment: Overrides = [
            "reference_date": "2024-09-02", "admission_date": "2023-06-01", "last_review_date": "2024-04-01",
            "phase": "reception", "scenario": nil,
        ]
        let v = try decide(pilot, Cases.review(pilot, moment, others))
        #expect(v.decision == decision, "\(what)")
        #expect(v.codes == (codes + ["review_overdue", "no_scenario"]).bag, "\(what)")
        let chase = decision == "escalate_mrt" ? ["mrt_advice_overdue"] : []
        #expect(v.actions.bag == (["review_due", "scenario_required"] + chase).bag, "\(what)")
    }

    // MARK: - 9. Outflow, durable or temporary, classed in the rule files

    static let durableOutcomes = ["residence_granted", "departed", "onward_migrated"]
    static let temporaryOutcomes = [
        "asylum_followup_coa", "art64_postponement", "left_unknown", "returned_bbb", "forced_termination",
    ]

    @Test(arguments: Pilot.allCases)
    func theRuleFilesClassEveryOutcome(pilot: Pilot) throws {
        let classification = OutflowClassification(programs: [pilot.rawValue: .success(try Pilots.program(pilot))])
        #expect(classification.problem(pilot: pilot.rawValue) == nil)
        for outcome in Self.durableOutcomes {
            #expect(classification.durability(pilot: pilot.rawValue, outcome: outcome) == .durable, "\(outcome)")
        }
        for outcome in Self.temporaryOutcomes {
            #expect(classification.durability(pilot: pilot.rawValue, outcome: outcome) == .temporary, "\(outcome)")
        }
        // Not an outcome of the contract, another pilot, no rules: the report cannot say.
        #expect(classification.durability(pilot: pilot.rawValue, outcome: "emigrated") == .unclassified)
        #expect(classification.durability(pilot: "elsewhere", outcome: "departed") == .unclassified)
        #expect(OutflowClassification().durability(pilot: pilot.rawValue, outcome: "departed") == .unclassified)
        #expect(Self.durableOutcomes.count + Self.temporaryOutcomes.count == ReviewTests.outcomes.count)
    }

    @Test func theClassificationComesFromTheRuleFileNotFromSwift() throws {
        // The same national file with art. 64 postponement counted as durable.
        let national = try String(contentsOfFile: repositoryRoot + "/rules/national.rules", encoding: .utf8)
        let edited = national.replacingOccurrences(
            of: "const DURABLE_OUTFLOW = {residence_granted, departed, onward_migrated}",
            with: "const DURABLE_OUTFLOW = {residence_granted, departed, onward_migrated, art64_postponement}")
        #expect(edited != national)
        let scratch = try CommandLineTests.Scratch()
        let path = try scratch.write("national.rules", edited)
        let program = try RuleLibrary(directory: scratch.folder.path).load(path: path)
        let classification = OutflowClassification(programs: ["national": .success(program)])
        #expect(classification.durability(pilot: "national", outcome: "art64_postponement") == .durable)
        #expect(classification.durability(pilot: "national", outcome: "left_unknown") == .temporary)
        // Rules without `durable_outflow` cannot class outflow, and the report says why.
        let without = try ComplianceTests.planted("plain", "")
        let bare = OutflowClassification(programs: ["plain": .success(without)])
        #expect(bare.problem(pilot: "plain") == nil, "inherited from national")
        let noRules = OutflowClassification(programs: ["x": .failure(.init("cannot read `rules/x.rules`"))])
        #expect(noRules.problem(pilot: "x")?.message == "cannot read `rules/x.rules`")
        #expect(noRules.durability(pilot: "x", outcome: "departed") == .unclassified)
    }

    /// Verdicts of three pilots: outflows of each kind, stays without outflow, an intake, with and without trace.
    static func outflowVerdicts() throws -> (lines: [String], expected: [String: (durable: Int, temporary: Int)]) {
        var lines: [String] = []
        var expected: [String: (durable: Int, temporary: Int)] = [:]
        let plan: [(Pilot, [String])] = [
            (.groningen, ["departed", "departed", "left_unknown", "residence_granted"]),
            (
                .rotterdam,
                ["onward_migrated", "forced_termination", "returned_bbb", "asylum_followup_coa", "art64_postponement"]
            ),
            (.utrecht, ["left_unknown"]),
        ]
        for (pilot, outcomes) in plan {
            let program = try Pilots.program(pilot)
            for (i, outcome) in outcomes.enumerated() {
                let verdict = try review(
                    pilot, ["outcome": .string(outcome), "lso_consensus": i % 2 == 0 ? false : true])
                lines.append(
                    String(decoding: VerdictJSON.encode(verdict, program: program, trace: i % 2 == 1), as: UTF8.self))
                let durable = Self.durableOutcomes.contains(outcome)
                expected[pilot.rawValue, default: (0, 0)].durable += durable ? 1 : 0
                expected[pilot.rawValue, default: (0, 0)].temporary += durable ? 0 : 1
            }
            for verdict in [try review(pilot), try review(pilot, ["progress": false]), try intake(pilot)] {
                lines.append(
                    String(decoding: VerdictJSON.encode(verdict, program: program, trace: true), as: UTF8.self))
            }
        }
        return (lines, expected)
    }

    @Test func reportCountsDurableAndTemporaryOutflowPerPilot() throws {
        let (lines, expected) = try Self.outflowVerdicts()
        var summary = CaseSummary()
        for (number, line) in lines.enumerated() { summary.add(line: line, number: number + 1) }
        #expect(Set(summary.outflow.keys) == ["groningen", "rotterdam", "utrecht"])
        var programs: [String: Result<Program, OutflowClassification.Problem>] = [:]
        for pilot in [Pilot.groningen, .rotterdam, .utrecht] {
            programs[pilot.rawValue] = .success(try Pilots.program(pilot))
        }
        let rows = summary.outflowRows(OutflowClassification(programs: programs))
        #expect(rows.map(\.pilot) == ["groningen", "rotterdam", "utrecht", "all"])
        for row in rows.dropLast() {
            let want = try #require(expected[row.pilot])
            #expect(row.durable == want.durable, "\(row.pilot)")
            #expect(row.temporary == want.temporary, "\(row.pilot)")
            #expect(row.unclassified == 0)
        }
        #expect(rows.last?.durable == 4)
        #expect(rows.last?.temporary == 6)

        // Through the command: the text table and the HTML table.
        let scratch = try CommandLineTests.Scratch()
        let path = try scratch.write("verdicts.jsonl", lines.joined(separator: "\n") + "\n")
        let run = try CommandLineTests.run(["report", path])
        #expect(run.status == 0, "\(run.stderr)")
        let table = run.stdout.components(separatedBy: "Outflow per pilot").last ?? ""
        let rowsText = table.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rowsText.contains(["groningen", "3", "1", "0", "75.0%"]), "\(table)")
        #expect(rowsText.contains(["rotterdam", "1", "4", "0", "20.0%"]), "\(table)")
        #expect(rowsText.contains(["utrecht", "0", "1", "0", "0.0%"]), "\(table)")
        #expect(rowsText.contains(["all", "4", "6", "0", "40.0%"]), "\(table)")
        #expect(!table.contains("note:"))

        let out = scratch.url("report.html").path
        let html = try CommandLineTests.run(["report", path, "--out", out])
        #expect(html.status == 0, "\(html.stderr)")
        let page = try String(contentsOfFile: out, encoding: .utf8)
        #expect(MarkupChecker(page, mode: .html).problems.isEmpty)
        let section = try RulebookTests.block(page, start: "<section id=\"outflow\">", end: "</section>")
        #expect(
            section.contains(
                "<tr><td><code>groningen</code></td><td class=\"num\">3</td><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">75.0%</td></tr>"
            ))
        #expect(section.contains("<tr><td><code>all</code></td><td class=\"num\">4</td><td class=\"num\">6</td>"))
    }

    @Test func reportWithoutTheRulesSaysSoAndFails() throws {
        let (lines, _) = try Self.outflowVerdicts()
        let scratch = try CommandLineTests.Scratch()
        let path = try scratch.write("verdicts.jsonl", lines.joined(separator: "\n") + "\n")
        // The English summary (`--lang en`): the notes and the table's heading as the monitor reads them.
        let run = try CommandLineTests.run(["report", path, "--rules", scratch.url("nowhere").path, "--lang", "en"])
        #expect(run.status == 1, "rule files that do not load")
        #expect(run.stdout.contains("note: outflow of `groningen` not classed: cannot read"))
        #expect(run.stderr.contains("cannot class the outflow of `groningen`"))
        let table = run.stdout.components(separatedBy: "Outflow per pilot").last ?? ""
        #expect(
            table.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.contains([
                "groningen", "0", "0", "4", "0.0%",
            ]))
        // A pilot the contract does not know stays unclassified, noted, without failing.
        let strange = lines[0].replacingOccurrences(of: "\"pilot\":\"groningen\"", with: "\"pilot\":\"zwolle\"")
        #expect(strange != lines[0])
        let other = try scratch.write("strange.jsonl", strange + "\n")
        let unknown = try CommandLineTests.run(["report", other, "--lang", "en"])
        #expect(unknown.status == 0, "\(unknown.stderr)")
        #expect(unknown.stdout.contains("note: outflow of `zwolle` not classed: unknown pilot `zwolle`"))
        // Verdicts made with other rules than those loaded now: classed, with a note.
        let sha = try Pilots.program(.groningen).sha256
        let older = lines[0].replacingOccurrences(of: sha, with: String(repeating: "0", count: 64))
        #expect(older != lines[0])
        let olderPath = try scratch.write("older.jsonl", older + "\n")
        let noted = try CommandLineTests.run(["report", olderPath, "--lang", "en"])
        #expect(noted.status == 0, "\(noted.stderr)")
        #expect(
            noted.stdout.contains(
                "note: verdicts of `groningen` were made with rules sha256 \(String(repeating: "0", count: 64))"))
        #expect(
            noted.stdout.split(separator: "\n").contains {
                $0.split(separator: " ").map(String.init) == ["groningen", "1", "0", "0", "100.0%"]
            })
    }

    // MARK: - 10. Choices are marked in the sources

    @Test(arguments: Pilot.allCases)
    func reviewChoicesSayKeuzeAndEveryReviewRuleCitesASeed(pilot: Pilot) throws {
        let program = try Pilots.program(pilot)
        let review = try #require(program.decisionIndex(named: "review"))
        let rules = program.rules.filter { $0.decision == review }
        #expect(rules.count >= 9)
        for rule in rules {
            let source = try #require(rule.source, "\(rule.id) has a source")
            #expect(
                source.range(of: #"00[0-4] "#, options: .regularExpression) != nil, "\(rule.id) names a seed: \(source)"
            )
            #expect(
                source.range(of: #"(art\. \d|regels? \d)"#, options: .regularExpression) != nil,
                "\(rule.id) names an article or line: \(source)")
        }
        for id in ["review_reception_entitlement", "not_cooperating"] {
            let rule = try #require(rules.first { $0.id == id })
            #expect(rule.source?.contains("keuze") == true, "\(id) is a choice: \(rule.source ?? "")")
        }
        let notCooperating = try #require(rules.first { $0.id == "not_cooperating" })
        #expect(notCooperating.source?.contains("geen artikel van het convenant") == true)
    }
}
