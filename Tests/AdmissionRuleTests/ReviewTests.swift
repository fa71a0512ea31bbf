import LVVRules
import RuleDSL
import Testing

/// Review (may the stay go on?) against DOMAIN.md "Continuation" and the review choices
/// (precedence at review, review actions), for every pilot.
@Suite struct ReviewTests {
    // MARK: - The base case and the question

    @Test(arguments: Pilot.allCases)
    func residentWithProgressAndCooperationContinues(pilot: Pilot) throws {
        let v = try review(pilot)
        #expect(v.question == "review")
        #expect(v.decision == "continue")
        #expect(v.exceptional == false)
        #expect(v.reasons.isEmpty)
        #expect(v.referrals.isEmpty)
        #expect(v.actions.isEmpty)
        #expect(v.missingFacts.isEmpty)
        #expect(v.scenarioAdvice != nil, "a review carries scenario advice")
    }

    @Test(arguments: Pilot.allCases)
    func questionIsReviewExactlyWhenAdmissionDateIsKnown(pilot: Pilot) throws {
        #expect(try review(pilot).question == "review")
        #expect(try review(pilot, ["admission_date": nil]).question == "intake")
        #expect(try review(pilot, ["admission_date": .null]).question == "intake")
        #expect(try review(pilot, ["admission_date": nil]).scenarioAdvice == nil)
        // Review facts alone do not make a review.
        #expect(
            try intake(pilot, ["phase": "reception", "lso_consensus": true, "outcome": "departed"]).question == "intake"
        )
        // A review does not depend on the intake facts: a minimal review case is a review.
        let minimal = CaseJSON.object([
            ("case_id", "R-1"), ("reference_date", "2022-05-01"), ("admission_date", "2022-01-10"),
        ]).text
        #expect(try decide(pilot, minimal).question == "review")
    }

    @Test(arguments: Pilot.allCases)
    func reviewDoesNotReadIntakeExclusions(pilot: Pilot) throws {
        // An entry ban, a nationality, an unknown birth date: questions of intake, not of review.
        let v = try review(
            pilot,
            ["entry_ban_years": 12, "nationality": "PL", "birth_date": nil, "v_number": nil, "identity_doubt": nil])
        #expect(v.decision == "continue")
        #expect(v.reasons.isEmpty)
        #expect(v.missingFacts.isEmpty)
    }

    // MARK: - Outflow and the programme period end a stay

    static let outcomes = [
        "residence_granted", "departed", "onward_migrated", "asylum_followup_coa", "art64_postponement",
        "left_unknown", "returned_bbb", "forced_termination",
    ]

    @Test(arguments: Pilot.allCases, outcomes)
    func everyOutflowEndsTheStay(pilot: Pilot, outcome: String) throws {
        let plain = try review(pilot, ["outcome": .string(outcome)])
        #expect(plain.decision == "end")
        #expect(plain.codes == ["outflow"])
        #expect(plain.referrals.isEmpty)
        // An outflow goes before everything else at review, and unknowns do not matter.
        let busy = try review(
            pilot,
            [
                "outcome": .string(outcome), "lso_consensus": false, "progress": false, "cooperating": nil,
                "reception_entitlement": "coa", "safe_country_national": true,
            ])
        #expect(busy.decision == "end")
        #expect(busy.codes == ["outflow"])
        #expect(busy.referrals.isEmpty, "no MRT and no COA referral after an outflow")
        #expect(busy.missingFacts.isEmpty)
    }

    @Test(arguments: Pilot.allCases)
    func nullOrAbsentOutcomeIsNoOutflow(pilot: Pilot) throws {
        #expect(try review(pilot, ["outcome": .null]).decision == "continue")
        #expect(try review(pilot, ["outcome": nil]).decision == "continue")
    }

    /// (reference date, admission date, last review, within the programme?)
    static let periods: [(String, String, String?, Bool)] = [
        ("2019-03-31", "2019-03-01", nil, false),
        ("2019-04-01", "2019-04-01", nil, true),
        ("2024-12-31", "2024-01-10", "2024-10-01", true),
        ("2025-01-01", "2024-01-10", "2024-12-01", false),
        ("2025-06-30", "2024-01-10", "2025-04-01", false),
    ]

    @Test(arguments: Pilot.allCases, periods)
    func reviewOutsideTheProgrammePeriodEndsTheStay(pilot: Pilot, period: (String, String, String?, Bool)) throws {
        let (reference, admission, lastReview, within) = period
        let last: CaseJSON? = lastReview.map { .string($0) }
        let v = try review(
            pilot,
            [
                "reference_date": .string(reference), "admission_date": .string(admission), "last_review_date": last,
            ])
        if within {
            #expect(v.decision == "continue")
            #expect(v.reasons.isEmpty)
        } else {
            #expect(v.decision == "end")
            #expect(v.codes == ["outside_programme_period"])
        }
        // Even without LSO consensus: the programme ended (or had not begun).
        let noConsensus = try review(
            pilot,
            [
                "reference_date": .string(reference), "admission_date": .string(admission), "last_review_date": last,
                "lso_consensus": false,
            ])
        #expect(noConsensus.decision == (within ? "escalate_mrt" : "end"))
    }

    @Test(arguments: Pilot.allCases)
    func outflowAfterTheProgrammeListsBothReasons(pilot: Pilot) throws {
        let v = try review(
            pilot,
            [
                "reference_date": "2025-01-02", "last_review_date": "2024-12-01", "outcome": "departed",
            ])
        #expect(v.decision == "end")
        #expect(v.codes == ["outflow", "outside_programme_period"])
    }

    // MARK: - LSO consensus, reception entitlement, progress and cooperation

    @Test(arguments: Pilot.allCases)
    func noLSOConsensusEscalatesToTheMRT(pilot: Pilot) throws {
        let v = try review(pilot, ["lso_consensus": false])
        #expect(v.decision == "escalate_mrt")
        #expect(v.codes == ["no_lso_consensus"])
        #expect(v.referrals == ["mrt"])
    }

    @Test(arguments: Pilot.allCases)
    func noLSOConsensusGoesBeforeEveryReasonToEnd(pilot: Pilot) throws {
        let v = try review(
            pilot,
            [
                "lso_consensus": false, "reception_entitlement": "coa", "progress": false, "cooperating": false,
                "safe_country_national": true, "admission_date": "2021-06-01",
            ])
        #expect(v.decision == "escalate_mrt", "never end rather than escalate without consensus (4.6, 5.2)")
        #expect(v.codes == ["no_lso_consensus"])
        #expect(v.referrals == ["mrt"])
        // Whatever the later facts are.
        let unknowns = try review(
            pilot,
            [
                "lso_consensus": false, "reception_entitlement": nil, "progress": nil, "cooperating": nil,
                "safe_country_national": nil,
            ])
        #expect(unknowns.decision == "escalate_mrt")
        #expect(unknowns.missingFacts.isEmpty)
    }

    @Test(arguments: Pilot.allCases, ["coa", "family_location", "vbl"])
    func aReceptionEntitlementEndsTheStayWithItsReferral(pilot: Pilot, entitlement: String) throws {
        // Admitted in 2022: after Utrecht's family inflow stopped, so Utrecht too ends the stay.
        let v = try review(
            pilot, ["reception_entitlement": .string(entitlement), "progress": false, "cooperating": false])
        #expect(v.decision == "end")
        #expect(v.codes == ["reception_entitlement"])
        #expect(v.referrals == [entitlement])
    }

    @Test(arguments: Pilot.allCases)
    func noProgressEndsTheStay(pilot: Pilot) throws {
        let v = try review(pilot, ["progress": false])
        #expect(v.decision == "end")
        #expect(v.codes == ["no_progress"])
        #expect(v.referrals.isEmpty)
    }

    @Test(arguments: Pilot.allCases)
    func notCooperatingEndsTheStay(pilot: Pilot) throws {
        let v = try review(pilot, ["cooperating": false])
        #expect(v.decision == "end")
        #expect(v.codes == ["not_cooperating"])
    }

    @Test(arguments: Pilot.allCases)
    func noProgressAndNotCooperatingListBothReasons(pilot: Pilot) throws {
        let v = try review(pilot, ["progress": false, "cooperating": false])
        #expect(v.decision == "end")
        #expect(v.codes == ["no_progress", "not_cooperating"])
    }

    @Test(arguments: Pilot.allCases)
    func oneCertainReasonToEndIsEnoughBesideAnUnknownOne(pilot: Pilot) throws {
        let a = try review(pilot, ["progress": false, "cooperating": nil])
        #expect(a.decision == "end")
        #expect(a.codes == ["no_progress"])
        #expect(a.missingFacts.isEmpty)
        let b = try review(pilot, ["progress": .null, "cooperating": false])
        #expect(b.decision == "end")
        #expect(b.codes == ["not_cooperating"])
        #expect(b.missingFacts.isEmpty)
    }

    /// (unknown fact, other overrides) → undetermined with exactly that fact missing.
    static let reviewUnknowns: [(String, Overrides)] = [
        ("lso_consensus", [:]),
        ("lso_consensus", ["progress": false]),  // escalate or end
        ("reception_entitlement", [:]),
        ("progress", [:]),
        ("cooperating", [:]),
    ]

    @Test(arguments: Pilot.allCases, reviewUnknowns.indices)
    func unknownReviewFactsThatMatter(pilot: Pilot, index: Int) throws {
        let (fact, others) = Self.reviewUnknowns[index]
        let v = try review(pilot, others, [fact: nil])
        #expect(v.decision == "undetermined")
        #expect(v.missingFacts == [fact])
        #expect(v.referrals.isEmpty)
    }

    // MARK: - Rotterdam: safe-country nationals at most three months

    /// (admission, reference, ends?): the stay ends strictly after admission + 3 calendar months.
    static let threeMonths: [(String, String, Bool)] = [
        ("2024-01-15", "2024-04-15", false),  // the day of: still within
        ("2024-01-15", "2024-04-16", true),  // the day after
        ("2023-11-30", "2024-02-29", false),  // 30 November + 3 months = 29 February
        ("2023-11-30", "2024-03-01", true),
        ("2022-11-30", "2023-02-28", false),  // … = 28 February in a common year
        ("2022-11-30", "2023-03-01", true),
    ]

    @Test(arguments: Pilot.allCases, threeMonths)
    func safeCountryNationalsStayAtMostThreeMonthsInRotterdam(pilot: Pilot, dates: (String, String, Bool)) throws {
        let (admission, reference, over) = dates
        let v = try review(
            pilot,
            [
                "safe_country_national": true, "admission_date": .string(admission),
                "reference_date": .string(reference),
                "last_review_date": .string(reference),
            ])
        if pilot == .rotterdam && over {
            #expect(v.decision == "end")
            #expect(v.codes == ["max_stay_exceeded"])
        } else {
            #expect(v.decision == "continue")
            #expect(v.reasons.isEmpty)
        }
    }

    @Test func rotterdamsThreeMonthsAreOnlyForSafeCountryNationals() throws {
        let notSafe = try review(.rotterdam, ["safe_country_national": false, "admission_date": "2021-01-10"])
        #expect(notSafe.decision == "continue")
        // Unknown nationality status matters only once the three months are over.
        let unknownLate = try review(.rotterdam, ["safe_country_national": nil, "admission_date": "2021-01-10"])
        #expect(unknownLate.decision == "undetermined")
        #expect(unknownLate.missingFacts == ["safe_country_national"])
        let unknownEarly = try review(.rotterdam, ["safe_country_national": nil, "admission_date": "2022-03-01"])
        #expect(unknownEarly.decision == "continue")
        #expect(unknownEarly.missingFacts.isEmpty)
    }

    @Test func rotterdamsThreeMonthsInThePrecedenceAtReview() throws {
        let over: Overrides = [
            "safe_country_national": true, "admission_date": "2022-01-10", "reference_date": "2022-05-01",
        ]
        // Before no progress: only max_stay_exceeded is listed.
        let progress = try decide(
            .rotterdam, Cases.review(.rotterdam, over, ["progress": false, "cooperating": false]))
        #expect(progress.decision == "end")
        #expect(progress.codes == ["max_stay_exceeded"])
        // After a reception entitlement.
        let entitled = try decide(.rotterdam, Cases.review(.rotterdam, over, ["reception_entitlement": "vbl"]))
        #expect(entitled.decision == "end")
        #expect(entitled.codes == ["reception_entitlement"])
        #expect(entitled.referrals == ["vbl"])
        // After no consensus.
        let noConsensus = try decide(.rotterdam, Cases.review(.rotterdam, over, ["lso_consensus": false]))
        #expect(noConsensus.decision == "escalate_mrt")
        #expect(noConsensus.codes == ["no_lso_consensus"])
        // After an outflow.
        let outflow = try decide(.rotterdam, Cases.review(.rotterdam, over, ["outcome": "departed"]))
        #expect(outflow.codes == ["outflow"])
    }

    // MARK: - Utrecht's families at review

    /// Utrecht's deviation (rev 2) covers only families from its former BBB: the family
    /// entitlement does not end their stay when it began before 2020-11-17; any other family's
    /// stay ends as elsewhere.
    @Test(
        arguments: Pilot.allCases,
        [("2020-06-01", true), ("2020-11-16", true), ("2020-11-17", false), ("2021-01-10", false)])
    func familyEntitlementAtReview(pilot: Pilot, admitted: (String, Bool)) throws {
        let fromBBB = try review(
            pilot,
            [
                "reception_entitlement": "family_location", "previously_in_bbb": true,
                "admission_date": .string(admitted.0),
            ])
        let notFromBBB = try review(
            pilot,
            [
                "reception_entitlement": "family_location", "previously_in_bbb": false,
                "admission_date": .string(admitted.0),
            ])
        #expect(notFromBBB.decision == "end")
        #expect(notFromBBB.referrals == ["family_location"])
        let v = fromBBB
        if pilot == .utrecht && admitted.1 {
            #expect(
                v.decision == "continue", "a stay that began before 2020-11-17 is not ended by the family entitlement")
            #expect(v.reasons.isEmpty)
            #expect(v.referrals.isEmpty)
        } else {
            #expect(v.decision == "end")
            #expect(v.codes == ["reception_entitlement"])
            #expect(v.referrals == ["family_location"])
        }
    }

    @Test(arguments: ["coa", "vbl"])
    func utrechtEndsOtherEntitlementsWhateverTheAdmissionDate(entitlement: String) throws {
        let v = try review(.utrecht, ["reception_entitlement": .string(entitlement), "admission_date": "2020-06-01"])
        #expect(v.decision == "end")
        #expect(v.codes == ["reception_entitlement"])
        #expect(v.referrals == [entitlement])
    }

    // MARK: - Review actions under the two-phase model (from 2024-03-01)

    /// (reference date, admission date, last review date or nil, overdue?)
    static let reviewMoments: [(String, String, String?, Bool)] = [
        ("2024-03-01", "2023-11-30", nil, true),  // 30 November + 3 months = 29 February
        ("2024-02-29", "2023-11-29", nil, false),  // before the model, and not overdue anyway
        ("2024-02-29", "2023-06-01", "2023-08-01", false),  // long overdue, but before 2024-03-01
        ("2024-02-29", "2022-01-10", nil, false),
        ("2024-03-01", "2023-06-01", "2023-08-01", true),  // the first day of the model
        ("2024-03-01", "2023-06-01", "2023-12-01", false),  // exactly three months: on time
        ("2024-03-02", "2023-06-01", "2023-12-01", true),
        ("2024-03-01", "2023-06-01", "2023-11-30", true),  // last review 30 November
        ("2024-03-01", "2023-06-01", "2023-12-02", false),
        ("2024-07-01", "2023-06-01", "2024-04-01", false),
        ("2024-07-02", "2023-06-01", "2024-04-01", true),
        ("2024-05-29", "2023-06-01", "2024-02-29", false),  // 29 February + 3 months = 29 May
        ("2024-05-30", "2023-06-01", "2024-02-29", true),
        ("2024-08-31", "2023-06-01", "2024-05-31", false),  // 31 May + 3 months = 31 August
        ("2024-09-01", "2023-06-01", "2024-05-31", true),
        ("2024-06-01", "2020-01-01", "2024-04-01", false),  // the last review counts, not the admission
        ("2024-06-01", "2024-04-01", nil, false),  // no review yet: counted from admission
        ("2024-08-01", "2024-04-01", nil, true),
    ]

    @Test(arguments: Pilot.allCases, reviewMoments)
    func reviewOverdueUnderTheTwoPhaseModel(pilot: Pilot, moment: (String, String, String?, Bool)) throws {
        let (reference, admission, lastReview, overdue) = moment
        let v = try review(
            pilot,
            [
                "reference_date": .string(reference), "admission_date": .string(admission),
                "last_review_date": lastReview.map { .string($0) } ?? .null,
            ])
        #expect(v.decision == "continue")
        if overdue {
            #expect(v.codes == ["review_overdue"])
            #expect(v.actions == ["review_due"])
        } else {
            #expect(v.reasons.isEmpty)
            #expect(v.actions.isEmpty)
        }
    }

    @Test(arguments: Pilot.allCases)
    func absentAndNullLastReviewCountFromAdmission(pilot: Pilot) throws {
        for last: CaseJSON? in [nil, .null] {
            let v = try review(
                pilot, ["reference_date": "2024-03-01", "admission_date": "2023-11-30", "last_review_date": last])
            #expect(v.actions == ["review_due"])
        }
    }

    static let otherDecisions: [(String, Overrides, String, [String])] = [
        ("end by outflow", ["outcome": "left_unknown"], "end", ["outflow"]),
        // Without a scenario there is no progress to judge (rev 2): end by not cooperating instead.
        ("end by not cooperating", ["cooperating": false], "end", ["not_cooperating"]),
        ("escalate", ["lso_consensus": false], "escalate_mrt", ["no_lso_consensus"]),
        ("end by entitlement", ["reception_entitlement": "coa"], "end", ["reception_entitlement"]),
    ]

    @Test(arguments: Pilot.allCases, otherDecisions.indices)
    func reviewActionReasonsAreListedWhateverTheDecision(pilot: Pilot, index: Int) throws {
        let (what, others, decision, codes) = Self.otherDecisions[index]
        let moment: Overrides = [
            "reference_date": "2024-09-02", "admission_date": "2023-06-01", "last_review_date": "2024-04-01",
            "scenario": nil,
        ]
        let v = try decide(pilot, Cases.review(pilot, moment, others))
        #expect(v.decision == decision, "\(what)")
        #expect(v.codes == (codes + ["review_overdue", "no_scenario"]).bag)
        #expect(v.actions.bag == ["review_due", "scenario_required"].bag)
    }

    /// (reference date, phase, scenario, required?)
    static let scenarioMoments: [(String, String, CaseJSON?, Bool)] = [
        ("2024-05-01", "reception", nil, true),
        ("2024-05-01", "reception", .null, true),
        ("2024-03-01", "reception", nil, true),
        ("2024-02-29", "reception", nil, false),  // before the two-phase model
        ("2022-05-01", "reception", nil, false),
        ("2024-05-01", "research", nil, false),  // not in the research phase
        ("2024-05-01", "reception", "return", false),
        ("2024-05-01", "reception", "legalisation", false),
    ]

    @Test(arguments: Pilot.allCases, scenarioMoments.indices)
    func noScenarioInTheReceptionPhase(pilot: Pilot, index: Int) throws {
        let (reference, phase, scenario, required) = Self.scenarioMoments[index]
        let v = try review(
            pilot,
            [
                "reference_date": .string(reference), "last_review_date": .string(reference), "phase": .string(phase),
                "scenario": scenario, "pending_procedure": false, "onward_option": false,
            ])
        #expect(v.decision == "continue")
        if required {
            #expect(v.codes.contains("no_scenario"))
            #expect(v.actions.contains("scenario_required"))
        } else {
            #expect(!v.codes.contains("no_scenario"))
            #expect(!v.actions.contains("scenario_required"))
        }
    }
}
