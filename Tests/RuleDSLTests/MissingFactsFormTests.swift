import RuleDSL
import Testing

@testable import RuleAnalysis

/// Tests for `MissingFacts.freeFacts(of:regionTexts:)`: the facts a rule is shown, by its form, to be free in
/// when they alone leave it open, so exact missing facts need no run for them. The table may
/// leave a fact out (a run then decides), but must never list one that cannot move its rule:
/// each case below is checked against the brute-force definition as well.
@Suite struct MissingFactsFormTests {
    private let source = """
        vocabulary reasons r
        fact t: text
        fact k: one of (p, q)
        fact a: bool
        fact b: bool
        decision d
          outcomes yes, no
          stage s gives yes
          otherwise no
        exception e
          when b and a
          lifts lifted, lifted_reads
        rule twice
          stage d.s
          when t = "x" and t = "y"
          reason r
        rule always
          stage d.s
          when k in {p, q}
          reason r
        rule once
          stage d.s
          when not (t = "x") or a
          reason r
        rule lifted
          stage d.s
          when k = p
          reason r
        rule lifted_reads
          stage d.s
          when a and k = q
          reason r
        """

    private func freeAlone(_ runner: CaseRunner, _ rule: String) -> [String] {
        let index = runner.program.rules.firstIndex { $0.id == rule }!
        let free = MissingFacts.Tables(runner.program).freeFacts[index]
        return free.once.union(free.byTable).slots.map { runner.program.facts[$0].name }.sorted()
    }

    @Test func theTableListsOnlyFactsThatOccurOnceInATestThatGoesBothWays() throws {
        let runner = try CaseRunner(source)
        #expect(freeAlone(runner, "twice") == [])
        #expect(freeAlone(runner, "always") == [])
        #expect(freeAlone(runner, "once") == ["a", "t"])
        #expect(freeAlone(runner, "lifted") == ["k"])
        #expect(freeAlone(runner, "lifted_reads") == ["k"])
    }

    /// With one fact unknown, the exact missing facts agree with trying every value of it.
    @Test(
        arguments: [
            ["k": Value.text("q"), "a": .bool(false), "b": .bool(false)],
            ["t": .text("y"), "a": .bool(false), "b": .bool(false)],
            ["t": .text("y"), "k": .text("q"), "b": .bool(false)],
            ["t": .text("x"), "k": .text("p"), "a": .bool(false)],
            ["t": .text("x"), "k": .text("q"), "a": .bool(false)],
        ] as [[String: Value]])
    func missingFactsAgreeWithEveryValue(known: [String: Value]) throws {
        let runner = try CaseRunner(source)
        let given = known.mapValues { Value?.some($0) }
        let unknown = ["t", "k", "a", "b"].filter { known[$0] == nil }
        #expect(unknown.count == 1)
        let fact = unknown[0]
        let values: [Value] =
            switch fact {
            case "t": [.text("x"), .text("y"), .text("z")]
            case "k": [.text("p"), .text("q")]
            default: [.bool(false), .bool(true)]
            }
        let outcomes = Set(values.map { runner.outcome("d", given.merging([fact: $0]) { $1 }) })
        let result = runner.result("d", given)
        #expect(runner.missing(result) == (outcomes.count > 1 ? [fact] : []), "fact \(fact)")
    }
}
