import RuleDSL
import Testing

@testable import RuleAnalysis

/// Tests for the exact missing facts of rules `MissingFacts.freeFacts(of:regionTexts:)` shows free beyond a fact
/// tested once: a fact tested more than once, shown free by a truth table (while the facts the
/// rule's other parts read are known), and a rule left open by several facts, each tested once.
/// The tables are checked as such, and every answer against the brute-force definition, on the
/// machine and on the reference evaluator.
@Suite struct MissingFactsTableTests {
    private let source = """
        vocabulary reasons r
        fact day: date, required, reference
        fact t: text
        fact k: one of (p, q)
        fact a: bool
        fact c: bool
        decision d
          outcomes yes, maybe, no
          stage s gives yes
          stage m gives maybe
          otherwise no
        decision e
          outcomes yes, maybe, no
          stage s gives yes
          stage m gives maybe
          otherwise no
        decision f
          outcomes yes, no
          stage s gives yes
          otherwise no
        rule table
          stage d.s
          when t in {"x"} or (t = "y" and day <= 2020-12-31)
          reason r
        rule both
          stage d.m
          when k = p and c
          reason r
        rule table_known
          stage e.s
          when t != "z" and not (t = "y" and a)
          reason r
        rule never
          stage f.s
          when t = "w" and t = "x"
          reason r
        rule either
          stage e.m
          when k = q or c
          reason r
        """

    private func table(_ runner: CaseRunner, _ rule: String) -> (free: [String], needsKnown: [String], once: [String]) {
        let index = runner.program.rules.firstIndex { $0.id == rule }!
        let free = MissingFacts.Tables(runner.program).freeFacts[index]
        let names = { (set: FactSet) in set.slots.map { runner.program.facts[$0].name }.sorted() }
        return (names(free.once.union(free.byTable)), names(free.needsKnown), names(free.once))
    }

    @Test func aFactTestedTwiceIsFreeWhenItsTruthTableGoesBothWays() throws {
        let runner = try CaseRunner(source)
        // `day` is required, so always known: nothing to check on the case.
        #expect(table(runner, "table").free == ["t"])
        #expect(table(runner, "table").needsKnown == [])
        #expect(table(runner, "table").once == [])
        // `a` is not required: the table for `t` holds while `a` is known (`a`, tested once,
        // is free by form).
        #expect(table(runner, "table_known").free == ["a", "t"])
        #expect(table(runner, "table_known").needsKnown == ["a"])
        #expect(table(runner, "table_known").once == ["a"])
        // Never true, whatever `t` is: not free, though Kleene leaves it open.
        #expect(table(runner, "never").free == [])
    }

    @Test func factsTestedOnceAreFreeTogether() throws {
        let runner = try CaseRunner(source)
        #expect(table(runner, "both").once == ["c", "k"])
        #expect(table(runner, "either").once == ["c", "k"])
        #expect(table(runner, "table").once == [])
    }

    /// Every set of unknown facts on every known background: the missing facts of each decision
    /// are those for which some completion of the other unknown facts gives two of their values
    /// different outcomes.
    @Test func missingFactsAgreeWithEveryCompletion() throws {
        let runner = try CaseRunner(source)
        let program = runner.program
        let reference = ReferenceEvaluator(program: program)
        let machine = MachineEvaluator(program: program)
        let domains: [(String, [Value])] = [
            ("t", ["x", "y", "z", "w", "v"].map { Value.text($0) }), ("k", [.text("p"), .text("q")]),
            ("a", [.bool(false), .bool(true)]), ("c", [.bool(false), .bool(true)]),
        ]
        let slots = domains.map { program.factSlots[$0.0]! }
        let blank = runner.facts([:])
        var undetermined = 0
        var narrowed = 0
        for day in [Value.date("2020-06-01"), .date("2021-06-01")] {
            var base = blank
            base[program.factSlots["day"]!] = day
            for known in completions(domains.indices.map { (slots[$0], domains[$0].1) }, base: base) {
                for mask in 1..<(1 << domains.count) {
                    var facts = known
                    let unknown = domains.indices.filter { mask & (1 << $0) != 0 }
                    for i in unknown { facts[slots[i]] = nil }
                    let evaluation = reference.evaluate(facts, trace: false)
                    #expect(machine.evaluate(facts, trace: false).results == evaluation.results)
                    for result in evaluation.results where result.outcome == nil {
                        undetermined += 1
                        let oracle = unknown.filter { i in
                            let others = unknown.filter { $0 != i }.map { (slots[$0], domains[$0].1) }
                            return completions(others, base: facts).contains { completion in
                                let outcomes = Set(
                                    domains[i].1.map { value in
                                        var trial = completion
                                        trial[slots[i]] = value
                                        return reference.evaluate(trial, trace: false).results
                                            .first { $0.decision == result.decision }?.outcome ?? "undetermined"
                                    })
                                return outcomes.count > 1
                            }
                        }.map { slots[$0] }.sorted()
                        if oracle.count < unknown.count { narrowed += 1 }
                        #expect(result.missing.slots == oracle, "unknown \(unknown.map { domains[$0].0 })")
                    }
                }
            }
        }
        #expect(undetermined > 100)
        #expect(narrowed > 0)
    }

    private func completions(_ facts: [(Int, [Value])], base: [Value?]) -> [[Value?]] {
        var all: [[Value?]] = [base]
        for (slot, values) in facts {
            all = all.flatMap { partial in
                values.map { value in
                    var completion = partial
                    completion[slot] = value
                    return completion
                }
            }
        }
        return all
    }
}
