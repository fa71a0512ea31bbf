import Foundation
import LVVPresentation
import LVVRules
import RuleDSL
import Testing

/// `eval --why-not`: every listed set of changes flips the decision, none has a proper subset
/// (of its facts, with any value) that flips it too, no fixed fact is ever proposed, and a
/// brute-force oracle over small domains of values finds no smaller set the search missed.
@Suite struct WhyNotTests {
    /// Small domains per fact, chosen by hand (not from the rules' comparisons): the oracle's
    /// values. Numbers 0-25 cover every bound the rules use; texts: every province and the
    /// pilots' municipalities, a blank and an ordinary V-number.
    static func domain(_ program: Program, _ slot: Int, reference: CivilDate?) -> [Value] {
        let fact = program.facts[slot]
        var values: [Value] = fact.isOptional ? [.none] : []
        switch fact.type {
        case .bool: values += [.bool(false), .bool(true)]
        case .enumeration(let options): values += options.map { .text($0) }
        case .number: values += (0...25).map { .number(DecimalNumber(integer: $0)) }
        case .text:
            values += [
                "Groningen", "Noord-Holland", "Zuid-Holland", "Utrecht", "Noord-Brabant", "Drenthe", "Friesland",
                "Overijssel", "Amsterdam", "Rotterdam", "Eindhoven", "Pekela", "", "  ", "1234567890",
            ].map { .text($0) }
        case .date:
            if let r = reference {
                values += [-400, -120, -95, -92, -91, -90, -60, -29, -28, -1, 0, 1].map { .date(r.addingDays($0)) }
                // Birth dates: an adult, and either side of an 18th birthday.
                values += [r.addingYears(-40), r.addingYears(-18), r.addingYears(-18).addingDays(1)].map { .date($0) }
            }
        case .set, .none, .unresolved: break
        }
        return values
    }

    static func outcome(_ program: Program, _ facts: [Value?], _ decision: Int) -> String? {
        MachineEvaluator(program: program).evaluate(facts, trace: false).result(for: decision)?.outcome
    }

    /// An individual exception on the reference date, as the oracle's one way to grant one.
    static func exceptionFacts(_ program: Program, _ facts: [Value?]) -> [(Int, Value?)] {
        guard let reference = program.referenceFact.flatMap({ facts[$0] }) else { return [] }
        var out: [(Int, Value?)] = []
        for (slot, fact) in program.facts.enumerated()
        where fact.group == "exceptional_admission" || fact.name == "exceptional_admission" {
            if fact.isGroupPresence {
                out.append((slot, .bool(true)))
            } else if fact.name.hasSuffix(".date") {
                out.append((slot, reference))
            } else if case .enumeration(let options) = fact.type {
                out.append((slot, .text(options[0])))
            }
        }
        return out
    }

    /// Whether some assignment of the oracle's domains to `slots` (plus the exception, if asked)
    /// gives `target`.
    static func oracleFlips(
        _ program: Program, _ facts: [Value?], _ decision: Int, target: String, slots: [Int],
        exception: Bool, reference: CivilDate?
    ) -> Bool {
        var base = facts
        if exception { for (s, v) in exceptionFacts(program, facts) { base[s] = v } }
        func walk(_ k: Int, _ trial: inout [Value?]) -> Bool {
            if k == slots.count { return outcome(program, trial, decision) == target }
            for value in domain(program, slots[k], reference: reference) where value != facts[slots[k]] {
                trial[slots[k]] = value
                if walk(k + 1, &trial) { return true }
            }
            trial[slots[k]] = facts[slots[k]]
            return false
        }
        return walk(0, &base)
    }

    /// Non-admit intake cases of the generator, and review cases that end or escalate.
    static func cases(_ pilot: Pilot, count: Int) throws -> [[Value?]] {
        let program = try Pilots.program(pilot)
        let builder = VerdictBuilder(program: program)
        var generator = CaseGenerator(seed: 7)
        var out: [[Value?]] = []
        var index = 0
        while out.count < count && index < 2000 {
            index += 1
            let json = generator.nextCase(index: index)
            guard case .success(let input) = CaseReader(program: program).read(json) else { continue }
            let v = builder.verdict(for: input, trace: false)
            if v.decision != "admit" { out.append(input.facts) }
        }
        let reviews: [Overrides] = [
            ["progress": false], ["cooperating": false, "progress": false], ["reception_entitlement": "coa"],
            ["lso_consensus": false], ["lso_consensus": false, "mrt_advice": "end"], ["outcome": "departed"],
            ["progress": false, "phase": "research", "stabilisation": false], ["reference_date": "2025-02-01"],
            ["progress": false, "lso_consensus": nil],
            ["reception_entitlement": "family_location", "previously_in_bbb": true],
        ]
        for layer in reviews { out.append(try readCase(pilot, Cases.review(pilot, layer)).facts) }
        return out
    }

    @Test(arguments: Pilot.allCases)
    func everyListedSetFlipsIsMinimalAndNeverFixed(pilot: Pilot) throws {
        let program = try Pilots.program(pilot)
        let whyNot = WhyNot(program: program)
        let builder = VerdictBuilder(program: program)
        var checkedSets = 0
        for facts in try Self.cases(pilot, count: 40) {
            let verdict = builder.verdict(for: CaseInput(caseID: "t", facts: facts), trace: false)
            guard let c = whyNot.explain(verdict), case .flips(let target) = c.kind else { continue }
            let decision = c.decision
            let reference = program.referenceFact.flatMap { facts[$0] }.flatMap { v -> CivilDate? in
                if case .date(let d) = v { return d } else { return nil }
            }
            #expect(c.complete, "the search finished within its budget")
            var previousSize = 0
            for set in c.sets {
                checkedSets += 1
                #expect(set.changes.count >= previousSize, "smallest first")
                previousSize = set.changes.count
                var trial = facts
                for change in set.changes {
                    if let slot = change.fact {
                        #expect(!program.facts[slot].isFixed, "fixed fact `\(program.facts[slot].name)` proposed")
                        #expect(change.now == facts[slot])
                    }
                    for (slot, value) in change.assignment { trial[slot] = value }
                }
                #expect(Self.outcome(program, trial, decision) == target, "the set flips the decision")
                // No proper subset of its facts, with any value of the small domains, flips it.
                let units = set.changes
                for drop in units.indices {
                    let rest = units.enumerated().filter { $0.offset != drop }.map(\.element)
                    let slots = rest.compactMap(\.fact)
                    let exception = rest.contains { $0.exception != nil }
                    #expect(
                        !Self.oracleFlips(
                            program, facts, decision, target: target, slots: slots, exception: exception,
                            reference: reference),
                        "a proper subset of \(units.compactMap { $0.fact.map { program.facts[$0].name } ?? "exception" }) flips too"
                    )
                }
            }
        }
        #expect(checkedSets > 10)
    }

    @Test(arguments: Pilot.allCases)
    func bruteForceFindsNoSmallerSet(pilot: Pilot) throws {
        let program = try Pilots.program(pilot)
        let whyNot = WhyNot(program: program)
        let builder = VerdictBuilder(program: program)
        var compared = 0
        for facts in try Self.cases(pilot, count: 15) {
            let verdict = builder.verdict(for: CaseInput(caseID: "t", facts: facts), trace: false)
            guard let c = whyNot.explain(verdict), case .flips(let target) = c.kind else { continue }
            let reference = program.referenceFact.flatMap { facts[$0] }.flatMap { v -> CivilDate? in
                if case .date(let d) = v { return d } else { return nil }
            }
            let changeable = whyNot.search.factsRead(by: c.decision).filter {
                !program.facts[$0].isFixed && !program.facts[$0].isGroupPresence && program.facts[$0].group == nil
            }.sorted()
            let smallest = c.sets.first?.changes.count ?? (c.searchedUpTo + 1)
            // Every set of fewer facts (up to two, with or without an exception) must not flip.
            for size in 0..<min(smallest, 3) {
                for slots in combinations(changeable, size) {
                    for exception in [false, true] where size + (exception ? 1 : 0) < smallest {
                        #expect(
                            !Self.oracleFlips(
                                program, facts, c.decision, target: target, slots: slots, exception: exception,
                                reference: reference),
                            "oracle: \(slots.map { program.facts[$0].name }) exception \(exception) flips; the tool's smallest has \(smallest)"
                        )
                    }
                }
            }
            // At the smallest size (one or two facts, no exception): every set the oracle finds is listed.
            if smallest <= 2, !c.hasMore {
                for slots in combinations(changeable, smallest)
                where Self.oracleFlips(
                    program, facts, c.decision, target: target, slots: slots, exception: false, reference: reference)
                {
                    #expect(
                        c.sets.contains { Set($0.changes.compactMap(\.fact)) == Set(slots) && !$0.viaException },
                        "oracle set \(slots.map { program.facts[$0].name }) is missing")
                }
            }
            compared += 1
        }
        #expect(compared > 5)
    }

    @Test(arguments: Pilot.allCases)
    func undeterminedCasesGetSettlingSets(pilot: Pilot) throws {
        let program = try Pilots.program(pilot)
        let whyNot = WhyNot(program: program)
        var checked = 0
        for layer: Overrides in [
            ["entry_ban_years": nil], ["birth_date": nil, "dublin_claimant": nil], ["lawful_residence": nil],
        ] {
            let facts = try readCase(pilot, Cases.intake(pilot, layer)).facts
            let verdict = VerdictBuilder(program: program).verdict(
                for: CaseInput(caseID: "t", facts: facts), trace: false)
            guard verdict.decision == "undetermined", let c = whyNot.explain(verdict) else { continue }
            #expect(c.kind == .settles)
            let reference = program.referenceFact.flatMap { facts[$0] }.flatMap { v -> CivilDate? in
                if case .date(let d) = v { return d } else { return nil }
            }
            #expect(!c.sets.isEmpty)
            for set in c.sets {
                let slots = set.changes.compactMap(\.fact)
                #expect(
                    Set(slots).isSubset(
                        of: Set(verdict.evaluation.results.first { $0.decision == c.decision }!.missing.slots)))
                // Every value of the oracle's domains for these facts decides the case.
                #expect(settles(program, facts, c.decision, slots, reference))
                for drop in slots.indices {
                    let rest = slots.enumerated().filter { $0.offset != drop }.map(\.element)
                    #expect(!settles(program, facts, c.decision, rest, reference), "a proper subset settles too")
                }
                #expect(Set(set.outcomes.map(\.outcome)).count >= 1)
                checked += 1
            }
        }
        #expect(checked >= 1)
    }

    func settles(_ program: Program, _ facts: [Value?], _ decision: Int, _ slots: [Int], _ reference: CivilDate?)
        -> Bool
    {
        func walk(_ k: Int, _ trial: inout [Value?]) -> Bool {
            if k == slots.count { return Self.outcome(program, trial, decision) != nil }
            for value in Self.domain(program, slots[k], reference: reference) {
                trial[slots[k]] = value
                if !walk(k + 1, &trial) { return false }
            }
            return true
        }
        var trial = facts
        return walk(0, &trial)
    }

    @Test func dutchTextNamesTheChangesAndTheException() throws {
        let program = try Pilots.program(.groningen)
        let json = Cases.intake(.groningen, ["dublin_claimant": true, "binding_province": "Drenthe"])
        let verdict = VerdictBuilder(program: program).verdict(for: try readCase(.groningen, json))
        let whyNot = WhyNot(program: program)
        let c = try #require(whyNot.explain(verdict))
        let text = WhyNotText.render(c, program: program, search: whyNot.search)
        #expect(text.contains("Wat zou er anders moeten zijn"))
        #expect(text.contains("`dublin_claimant` (Dublinclaimant) nee in plaats van ja"))
        #expect(
            text.contains(
                "`binding_province` (provincie van aantoonbare regiobinding) `Groningen` in plaats van `Drenthe`"))
        #expect(text.contains("alleen via een individuele uitzondering"))
        #expect(text.contains("zou het besluit `admit` zijn"))
    }

    @Test func jsonHasCounterfactualsOnlyWhenAsked() throws {
        let dir = try CommandLineTests.Scratch()
        let path = try dir.write("case.json", Cases.intake(.groningen, ["dublin_claimant": true]))
        let plain = try CommandLineTests.run(["eval", "--pilot", "groningen", "--format", "json", path])
        let asked = try CommandLineTests.run(["eval", "--pilot", "groningen", "--format", "json", "--why-not", path])
        #expect(!plain.stdout.contains("counterfactuals"))
        #expect(asked.stdout.contains("\"counterfactuals\":{\"kind\":\"flip\",\"target\":\"admit\""))
        // Without the field the two verdicts are the same bytes.
        let stripped = asked.stdout.replacingOccurrences(
            of: #","counterfactuals":\{.*?"complete":(true|false)\}"#, with: "", options: .regularExpression)
        #expect(stripped == plain.stdout)
    }
}

/// The k-element subsets of `items`, in order.
func combinations(_ items: [Int], _ k: Int) -> [[Int]] {
    if k == 0 { return [[]] }
    guard items.count >= k else { return [] }
    var out: [[Int]] = []
    for (i, item) in items.enumerated() {
        for rest in combinations(Array(items[(i + 1)...]), k - 1) { out.append([item] + rest) }
    }
    return out
}
