import LVVRules
import RuleDSL
import Testing

/// CONTRACT: `missing_facts` lists exactly the unknown facts whose value could change the
/// decision. Checked against a brute-force oracle on the shipped rules, for every pilot, intake
/// and review (with its scenario advice): a fact is missing when some completion of the other
/// unknown facts exists in which two of its values give different outcomes (docs/why.md). The
/// oracle enumerates every completion over small domains that cover every comparison the rules
/// make on these facts; the reference evaluator and the machine must both give its set.
@Suite struct MissingFactsOracleTests {
    /// Facts made unknown, each with the values a completion tries (every value of a yes/no fact
    /// or an enumeration; for texts and numbers one value per class the rules tell apart).
    static let intakeDomains: [(String, [Value])] = [
        ("identity_doubt", bools), ("lawful_residence", bools), ("reception_entitlement", entitlements),
        ("entry_ban_years", [.number(DecimalNumber(integer: 0)), .number(DecimalNumber(integer: 10))]),
        ("declared_undesirable", bools), ("dublin_claimant", bools), ("safe_country_national", bools),
        ("previously_in_bbb", bools), ("willing_to_cooperate", bools), ("binding_province", provinces),
        ("nationality", [.text("DE"), .text("GB"), .text("SY")]),
    ]
    static let reviewDomains: [(String, [Value])] = [
        ("lso_consensus", bools), ("progress", bools), ("cooperating", bools),
        ("reception_entitlement", entitlements), ("phase", [.text("research"), .text("reception")]),
        ("safe_country_national", bools), ("pending_procedure", bools), ("new_asylum_grounds", bools),
        ("no_fault_obstacle", bools), ("onward_option", bools), ("previously_in_bbb", bools),
    ]
    static let bools: [Value] = [.bool(false), .bool(true)]
    static let entitlements: [Value] = ["none", "coa", "family_location", "vbl"].map { .text($0) }
    static let provinces: [Value] = [
        "Groningen", "Noord-Holland", "Zuid-Holland", "Utrecht", "Noord-Brabant", "Drenthe",
    ]
    .map { .text($0) }

    /// Known backgrounds the unknown facts are set in: admitted, no V-number, another province;
    /// at review: continuing, no progress, and Rotterdam's cap passed under the two-phase model.
    static func bases(_ pilot: Pilot) -> [(question: String, json: String, domains: [(String, [Value])])] {
        [
            ("intake", Cases.intake(pilot), intakeDomains),
            ("intake", Cases.intake(pilot, ["v_number": nil]), intakeDomains),
            ("intake", Cases.intake(pilot, ["binding_province": "Drenthe"]), intakeDomains),
            ("review", Cases.review(pilot), reviewDomains),
            ("review", Cases.review(pilot, ["progress": false]), reviewDomains),
            (
                "review",
                Cases.review(
                    pilot,
                    [
                        "admission_date": "2024-01-15", "last_review_date": "2024-03-01",
                        "reference_date": "2024-07-02", "safe_country_national": true,
                    ]), reviewDomains
            ),
        ]
    }

    @Test(arguments: Pilot.allCases)
    func missingFactsAreExactlyTheOracles(pilot: Pilot) throws {
        let program = try Pilots.program(pilot)
        let reference = ReferenceEvaluator(program: program)
        let machine = MachineEvaluator(program: program)
        var undetermined = 0
        var narrowed = 0
        for base in Self.bases(pilot) {
            let known = try readCase(pilot, base.json).facts
            let domains = base.domains.compactMap { name, values in program.factSlots[name].map { ($0, values) } }
            // Every set of one to three unknown facts.
            for subset in Self.subsets(of: domains.indices, upTo: 3) {
                var facts = known
                for i in subset { facts[domains[i].0] = nil }
                let evaluation = reference.evaluate(facts, trace: false)
                #expect(
                    machine.evaluate(facts, trace: false).results == evaluation.results,
                    "machine and reference differ, \(pilot.rawValue) \(base.question)")
                for result in evaluation.results where result.outcome == nil {
                    undetermined += 1
                    let oracle = Self.oracle(
                        reference, facts, decision: result.decision, unknown: subset.map { domains[$0] })
                    let all = subset.map { domains[$0].0 }.filter { facts[$0] == nil }
                    if oracle.count < all.count { narrowed += 1 }
                    let names = { (set: [Int]) in set.map { program.facts[$0].name } }
                    #expect(
                        result.missing.slots == oracle,
                        "\(pilot.rawValue) \(program.decisions[result.decision].name): engine \(names(result.missing.slots)), oracle \(names(oracle)), unknown \(names(all))"
                    )
                }
            }
        }
        // The oracle saw undetermined decisions, and some where a fact could not change the outcome.
        #expect(undetermined > 50)
        #expect(narrowed > 0)
    }

    /// The facts of `unknown` for which some completion of the others gives two of its values
    /// different outcomes of the decision, sorted by slot.
    static func oracle(
        _ evaluator: ReferenceEvaluator, _ facts: [Value?], decision: Int, unknown: [(Int, [Value])]
    ) -> [Int] {
        var result: [Int] = []
        for (k, (slot, values)) in unknown.enumerated() {
            let others = unknown.enumerated().filter { $0.offset != k }.map(\.element)
            var found = false
            for completion in completions(of: others, base: facts) where !found {
                var outcomes = Set<String>()
                for value in values {
                    var trial = completion
                    trial[slot] = value
                    let r = evaluator.evaluate(trial, trace: false).results.first { $0.decision == decision }
                    outcomes.insert(r.map { $0.outcome ?? "undetermined" } ?? "does not apply")
                }
                found = outcomes.count > 1
            }
            if found { result.append(slot) }
        }
        return result.sorted()
    }

    static func completions(of facts: [(Int, [Value])], base: [Value?]) -> [[Value?]] {
        var all: [[Value?]] = [base]
        for (slot, values) in facts {
            all = all.flatMap { partial in
                values.map { v in
                    var c = partial
                    c[slot] = v
                    return c
                }
            }
        }
        return all
    }

    static func subsets(of indices: Range<Int>, upTo size: Int) -> [[Int]] {
        var result: [[Int]] = [[]]
        for i in indices {
            result += result.filter { $0.count < size }.map { $0 + [i] }
        }
        return result.filter { !$0.isEmpty }
    }
}
