import LVVRules
import RuleDSL
import Testing

/// Scenario advice at review against DOMAIN.md "Scenario advice": the national paths (first match
/// wins), `scenario_differs`, Groningen's `return_only`, and unknown scenario facts.
@Suite struct ScenarioAdviceTests {
    /// (scenario facts that hold, expected advice, expected codes); all other scenario facts false.
    static let paths: [([String], String, [String])] = [
        ([], "return", ["return_default"]),
        (["pending_procedure"], "legalisation", ["pending_procedure"]),
        (["new_asylum_grounds"], "legalisation", ["new_asylum_grounds"]),
        (["pending_procedure", "new_asylum_grounds"], "legalisation", ["pending_procedure", "new_asylum_grounds"]),
        (["no_fault_obstacle"], "legalisation", ["no_fault_obstacle"]),
        (["onward_option"], "onward_migration", ["onward_option"]),
        // First match wins.
        (["pending_procedure", "no_fault_obstacle"], "legalisation", ["pending_procedure"]),
        (["new_asylum_grounds", "no_fault_obstacle"], "legalisation", ["new_asylum_grounds"]),
        (["pending_procedure", "onward_option"], "legalisation", ["pending_procedure"]),
        (["new_asylum_grounds", "onward_option"], "legalisation", ["new_asylum_grounds"]),
        (["no_fault_obstacle", "onward_option"], "legalisation", ["no_fault_obstacle"]),
        (["pending_procedure", "no_fault_obstacle", "onward_option"], "legalisation", ["pending_procedure"]),
        (
            ["pending_procedure", "new_asylum_grounds", "no_fault_obstacle", "onward_option"], "legalisation",
            ["pending_procedure", "new_asylum_grounds"]
        ),
    ]

    static let scenarioFacts = ["pending_procedure", "new_asylum_grounds", "no_fault_obstacle", "onward_option"]

    static func facts(holding: [String]) -> Overrides {
        // Four fixed keys; values set from `holding`.
        [
            "pending_procedure": .bool(holding.contains("pending_procedure")),
            "new_asylum_grounds": .bool(holding.contains("new_asylum_grounds")),
            "no_fault_obstacle": .bool(holding.contains("no_fault_obstacle")),
            "onward_option": .bool(holding.contains("onward_option")),
        ]
    }

    @Test(arguments: Pilot.allCases, paths.indices)
    func everyAdvicePathAndTheOrderBetweenThem(pilot: Pilot, index: Int) throws {
        let (holding, advice, codes) = Self.paths[index]
        // The recorded scenario equals the advice, so no scenario_differs.
        let v = try review(pilot, Self.facts(holding: holding), ["scenario": .string(advice)])
        let scenarioAdvice = try #require(v.scenarioAdvice)
        #expect(scenarioAdvice.scenario == advice)
        #expect(v.adviceCodes == codes.bag)
        #expect(scenarioAdvice.missingFacts.isEmpty)
        #expect(!v.actions.contains("scenario_discussion"))
        #expect(v.decision == "continue", "advice does not change the review decision")
    }

    /// (facts that hold, recorded scenario) → differs when the recorded scenario is not the advice.
    static let recorded: [([String], CaseJSON?)] = [
        ([], "return"), ([], "onward_migration"), ([], "legalisation"), ([], nil), ([], .null),
        (["onward_option"], "return"), (["onward_option"], "onward_migration"), (["onward_option"], "legalisation"),
        (["onward_option"], nil),
        (["pending_procedure"], "return"), (["pending_procedure"], "onward_migration"),
        (["pending_procedure"], "legalisation"),
        (["no_fault_obstacle"], "onward_migration"), (["no_fault_obstacle"], "legalisation"),
    ]

    @Test(arguments: Pilot.allCases, recorded.indices)
    func aRecordedScenarioThatDiffersFromTheAdviceIsDiscussed(pilot: Pilot, index: Int) throws {
        let (holding, scenario) = Self.recorded[index]
        let v = try review(pilot, Self.facts(holding: holding), ["scenario": scenario])
        let advice = try #require(v.scenarioAdvice?.scenario)
        let recordedScenario: String? = if case .string(let s)? = scenario { s } else { nil }
        let differs = recordedScenario != nil && recordedScenario != advice
        #expect(v.adviceCodes.contains("scenario_differs") == differs)
        #expect(v.actions.contains("scenario_discussion") == differs)
        #expect(v.decision == "continue")
        #expect(!v.codes.contains("scenario_differs"), "scenario_differs belongs to the advice's reasons")
    }

    @Test(arguments: Pilot.allCases)
    func scenarioAdviceIsGivenWhateverTheReviewDecision(pilot: Pilot) throws {
        let ended = try review(pilot, ["outcome": "departed", "onward_option": true, "scenario": "return"])
        #expect(ended.decision == "end")
        #expect(ended.adviceScenario == "onward_migration")
        #expect(ended.adviceCodes == ["onward_option", "scenario_differs"])
        #expect(ended.actions.contains("scenario_discussion"))
        let escalated = try review(
            pilot, ["lso_consensus": false, "pending_procedure": true, "scenario": "legalisation"])
        #expect(escalated.decision == "escalate_mrt")
        #expect(escalated.adviceScenario == "legalisation")
        #expect(escalated.adviceCodes == ["pending_procedure"])
    }

    @Test(arguments: Pilot.allCases)
    func noScenarioAdviceAtIntake(pilot: Pilot) throws {
        let v = try intake(pilot, ["pending_procedure": true, "onward_option": true, "scenario": "return"])
        #expect(v.question == "intake")
        #expect(v.scenarioAdvice == nil)
        #expect(!v.actions.contains("scenario_discussion"))
    }

    // MARK: - Unknown scenario facts

    /// (unknown facts, facts that hold; the rest false) → advice nil with exactly those facts missing.
    static let unsettled: [([String], [String], [String])] = [
        (["pending_procedure"], [], ["pending_procedure"]),
        (["new_asylum_grounds"], [], ["new_asylum_grounds"]),
        (["no_fault_obstacle"], [], ["no_fault_obstacle"]),
        (["onward_option"], [], ["onward_option"]),
        (["pending_procedure", "no_fault_obstacle"], [], ["pending_procedure", "no_fault_obstacle"]),
        (["pending_procedure"], ["onward_option"], ["pending_procedure"]),  // legalisation or onward migration
        (["no_fault_obstacle"], ["onward_option"], ["no_fault_obstacle"]),
        (scenarioFacts, [], scenarioFacts),
    ]

    @Test(arguments: Pilot.allCases, unsettled.indices)
    func unknownScenarioFactsThatMatterLeaveTheAdviceOpen(pilot: Pilot, index: Int) throws {
        let (unknown, holding, missing) = Self.unsettled[index]
        var overrides = Self.facts(holding: holding).map { ($0.key, $0.value) }
        for fact in unknown { overrides.removeAll { $0.0 == fact } }
        let json = Cases.merge(
            Cases.adultMembers(pilot) + Cases.residentMembers.filter { !unknown.contains($0.0) }, overrides)
        let v = try decide(pilot, json)
        let advice = try #require(v.scenarioAdvice)
        #expect(advice.scenario == nil)
        #expect(v.adviceMissing == missing.bag)
        #expect(advice.reasons.isEmpty)
        #expect(!v.actions.contains("scenario_discussion"), "no scenario_differs without an advice")
        #expect(v.decision == "continue", "the review decision does not wait for scenario facts")
        #expect(v.missingFacts.isEmpty)
    }

    /// (unknown facts, facts that hold, advice): the advice holds whatever the unknowns are.
    static let settled: [([String], [String], String)] = [
        (["new_asylum_grounds", "no_fault_obstacle", "onward_option"], ["pending_procedure"], "legalisation"),
        (["pending_procedure", "no_fault_obstacle", "onward_option"], ["new_asylum_grounds"], "legalisation"),
        (["pending_procedure", "new_asylum_grounds", "onward_option"], ["no_fault_obstacle"], "legalisation"),
        (["onward_option"], ["no_fault_obstacle"], "legalisation"),
    ]

    @Test(arguments: Pilot.allCases, settled.indices)
    func unknownScenarioFactsThatDoNotMatter(pilot: Pilot, index: Int) throws {
        let (unknown, holding, expected) = Self.settled[index]
        let json = Cases.merge(
            Cases.adultMembers(pilot) + Cases.residentMembers.filter { !unknown.contains($0.0) },
            Self.facts(holding: holding).map { ($0.key, $0.value) }.filter { !unknown.contains($0.0) } + [
                ("scenario", .string(expected))
            ])
        let v = try decide(pilot, json)
        #expect(v.adviceScenario == expected)
        #expect(v.adviceMissing.isEmpty)
        #expect(!v.adviceCodes.contains("scenario_differs"))
    }

    @Test(arguments: Pilot.allCases)
    func theAdviceDoesNotDependOnFactsOutsideTheScenarioFacts(pilot: Pilot) throws {
        let v = try review(pilot, ["progress": nil, "cooperating": nil, "phase": nil, "scenario": nil])
        #expect(v.adviceScenario == "return")
        #expect(v.adviceCodes == ["return_default"])
        #expect(v.adviceMissing.isEmpty)
    }

    // MARK: - Groningen: return only after an exception despite a heavy entry ban (000 6.1)

    static let exception = Cases.exception(date: "2021-12-01")

    @Test(arguments: [10, 12, 25], paths.indices)
    func groningenReturnOnlyWhateverElseHolds(ban: Int, index: Int) throws {
        let (holding, _, _) = Self.paths[index]
        let v = try review(
            .groningen, Self.facts(holding: holding),
            [
                "entry_ban_years": .number(String(ban)), "exceptional_admission": Self.exception, "scenario": "return",
            ])
        #expect(v.adviceScenario == "return")
        #expect(v.adviceCodes == ["return_only"])
        #expect(v.adviceMissing.isEmpty)
        #expect(!v.actions.contains("scenario_discussion"))
    }

    @Test func groningenReturnOnlyWithAnotherRecordedScenarioIsDiscussed() throws {
        let v = try review(
            .groningen,
            [
                "entry_ban_years": 12, "exceptional_admission": Self.exception, "pending_procedure": true,
                "scenario": "legalisation",
            ])
        #expect(v.adviceScenario == "return")
        #expect(v.adviceCodes == ["return_only", "scenario_differs"])
        #expect(v.actions == ["scenario_discussion"])
    }

    @Test func groningenReturnOnlyWhateverTheScenarioFactsAre() throws {
        // Every national scenario fact unknown: return_only still holds.
        let json = Cases.merge(
            Cases.adultMembers(.groningen) + Cases.residentMembers.filter { !Self.scenarioFacts.contains($0.0) },
            [("entry_ban_years", 12), ("exceptional_admission", Self.exception)])
        let v = try decide(.groningen, json)
        #expect(v.adviceScenario == "return")
        #expect(v.adviceCodes == ["return_only"])
        #expect(v.adviceMissing.isEmpty)
    }

    @Test func groningenWithoutTheExceptionOrWithALighterBanGetsTheNationalAdvice() throws {
        let lighter = try review(
            .groningen, ["entry_ban_years": 9, "exceptional_admission": Self.exception, "onward_option": true])
        #expect(lighter.adviceScenario == "onward_migration")
        #expect(lighter.adviceCodes.contains("onward_option"))
        #expect(!lighter.adviceCodes.contains("return_only"))
        let noException = try review(.groningen, ["entry_ban_years": 12, "pending_procedure": true])
        #expect(noException.adviceScenario == "legalisation")
        #expect(noException.adviceCodes.contains("pending_procedure"))
        #expect(!noException.adviceCodes.contains("return_only"))
    }

    @Test func groningenUnknownEntryBanMattersOnlyWhenTheNationalAdviceIsNotReturn() throws {
        let open = try review(
            .groningen, ["entry_ban_years": nil, "exceptional_admission": Self.exception, "onward_option": true])
        #expect(open.adviceScenario == nil)
        #expect(open.adviceMissing == ["entry_ban_years"])
        // Return either way: the advice holds whatever the ban is.
        let settled = try review(.groningen, ["entry_ban_years": nil, "exceptional_admission": Self.exception])
        #expect(settled.adviceScenario == "return")
        #expect(settled.adviceMissing.isEmpty)
    }

    /// Return either way, but for a reason that depends on the unknown ban (return_only when it is
    /// 10 years or more, return_default otherwise): CONTRACT.md 2, "listed reasons are those that
    /// hold whatever the unknown values are", so neither may be listed.
    @Test func groningenUnknownEntryBanListsNoReasonThatDependsOnIt() throws {
        let v = try review(.groningen, ["entry_ban_years": nil, "exceptional_admission": Self.exception])
        #expect(v.adviceScenario == "return")
        #expect(!v.adviceCodes.contains("return_only"))
        #expect(!v.adviceCodes.contains("return_default"))
    }

    /// An `exceptional_admission` object records that an exception was decided (CONTRACT.md 1);
    /// with a heavy entry ban Groningen's advice is return "whatever else holds" (DOMAIN.md).
    @Test func groningenReturnOnlyWithAnExceptionRecordedWithoutDetails() throws {
        let v = try review(.groningen, ["entry_ban_years": 12, "exceptional_admission": [:], "onward_option": true])
        #expect(v.adviceScenario == "return")
        #expect(v.adviceCodes.contains("return_only"))
        #expect(v.adviceMissing.isEmpty)
    }

    @Test(arguments: Pilot.allCases.filter { $0 != .groningen })
    func noReturnOnlyOutsideGroningen(pilot: Pilot) throws {
        let v = try review(
            pilot,
            [
                "entry_ban_years": 12, "exceptional_admission": Self.exception, "pending_procedure": true,
                "scenario": "legalisation",
            ])
        #expect(v.adviceScenario == "legalisation")
        #expect(v.adviceCodes == ["pending_procedure"])
    }
}
