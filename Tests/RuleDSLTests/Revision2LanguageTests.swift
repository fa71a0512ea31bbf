import RuleDSL
import Testing

@testable import RuleAnalysis
@testable import RuleMachine
@testable import RuleSemantics
@testable import RuleSyntax
@testable import RuleValues

/// The language features of domain revision 2, machine against reference (`Equivalence`, as in
/// `ConditionGraphTests`), the checker's typing, and the prover's candidates: `is_blank(t)` and
/// `only_because(d, {codes})`.
@Suite("revision 2: is_blank, only_because")
struct Revision2LanguageTests {
    /// Texts the rule set knows and texts only the case holds (local texts), blank or not,
    /// absent, unknown: the same results and traces in both evaluators, on every combination.
    @Test func isBlankMachineEqualsReference() throws {
        let source = """
            fact t: text, optional
            fact u: text
            fact b: bool
            \(Equivalence.decisions([
                ("blank", "is_blank(t)"),
                ("not_blank", "not is_blank(t)"),
                ("either", "is_blank(t) or b = true"),
                ("both", "is_blank(u) and b = true"),
                ("known_text", #"is_blank(u) or u = "x" or u = " ""#),
                ("absent_or_blank", "t is none or is_blank(t)"),
            ]))
            let u_blank = is_blank(u)
            """
        let program = try RuleTest.program(source)
        let texts: [Value?] = [
            .text(""), .text(" "), .text("\t\n"), .text("\u{00A0}\u{2003}"), .text(" x "),
            .text("x"), .text("1234567890"),
        ]
        let report = Equivalence.check(
            program,
            [
                "t": texts + [Value.none], "u": texts + [nil], "b": Equivalence.bools,
            ])
        Equivalence.expect(report, compared: 8 * 8 * 3)
        // `is_blank` of a fact is one test of its own in a condition graph, like a comparison.
        #expect(Equivalence.testKinds(program)["blank"] == [.factBlank])
        #expect(Equivalence.testKinds(program)["either"]?.contains(.factBlank) == true)
        Equivalence.expectEveryOutcome(report, of: program, except: ["d_blank", "d_not_blank", "d_absent_or_blank"])
    }

    /// The value itself, in both evaluators: absent and blank texts are blank, unknown stays
    /// unknown, a text with anything but white space is not blank.
    @Test(arguments: [
        (Value?.some(.text("")), Truth.true), (.some(.text("   ")), .true), (.some(.text("\t\r\n")), .true),
        (.some(.text("\u{00A0}")), .true), (.some(.text("\u{3000}")), .true), (.some(Value.none), .true),
        (.some(.text("0")), .false), (.some(.text(" 12 ")), .false), (.some(.text("é")), .false),
        (nil, .unknown),
    ])
    func isBlankValues(value: Value?, expected: Truth) throws {
        let program = try RuleTest.program(
            """
            vocabulary reasons blank
            fact t: text, optional
            decision d
              outcomes yes, no
              stage s gives yes
              otherwise no
            rule r
              stage d.s
              when is_blank(t)
              reason blank
            """)
        let facts: [Value?] = program.facts.map { $0.name == "t" ? value : nil }
        let outcome = expected == .true ? "yes" : expected == .false ? "no" : nil
        #expect(ReferenceEvaluator(program: program).evaluate(facts).results.first?.outcome == outcome)
        #expect(MachineEvaluator(program: program).evaluate(facts).results.first?.outcome == outcome)
    }

    /// One text argument, a truth value as result; anything else is a located error.
    @Test(arguments: [
        ("is_blank(t)", [String]()),
        ("is_blank(n) ", ["type-mismatch"]),
        ("is_blank(t, t)", ["wrong-arguments"]),
        ("is_blank(t) = 1", ["type-mismatch"]),
        ("is_blank()", ["wrong-arguments"]),
    ])
    func isBlankTyping(condition: String, codes: [String]) {
        let result = RuleTest.load(
            """
            vocabulary reasons blank
            fact t: text, optional
            fact n: number
            decision d
              outcomes yes, no
              stage s gives yes
              otherwise no
            rule r
              stage d.s
              when \(condition)
              reason blank
            """)
        #expect(result.errors.filter { $0.severity == .error }.map(\.code) == codes, "\(condition)")
    }

    /// The prover tries a blank text for a fact under `is_blank`, so an invariant about blank
    /// texts is refuted with a blank counterexample, and proven where it holds.
    @Test func proverTriesABlankText() throws {
        let program = try RuleTest.program(
            """
            vocabulary reasons missing
            fact t: text, optional
            decision d
              outcomes yes, no
              stage s gives yes
              otherwise no
            rule r
              stage d.s
              when t is present and is_blank(t)
              reason missing
            invariant never_yes
              never d = yes
            invariant blank_is_yes
              always not (t is present and is_blank(t)) or d = yes
            """)
        let prover = Prover(program: program)
        let slot = try #require(program.factSlots["t"])
        guard case .violated(let counterexample, _) = prover.check(program.invariants[0]) else {
            Issue.record("`never_yes` should be violated by a blank text")
            return
        }
        guard case .text(let text)? = counterexample[slot] else {
            Issue.record("the counterexample gives no text")
            return
        }
        #expect(TextBlank.isBlank(text))
        guard case .proven = prover.check(program.invariants[1]) else {
            Issue.record("`blank_is_yes` holds for every case")
            return
        }
    }

    /// An intake like the national one, small: two exclusions (one liftable), an identification
    /// stage that overrides unknowns, after-rules reading the decision's reasons.
    static let onlyBecauseSource = """
        vocabulary reasons ra, rb, rc, rd
        vocabulary referrals only_a, only_ab, only_c, only_lifted, not_only_a
        fact a: bool
        fact b: bool
        fact c: bool
        fact e: bool
        decision intake
          outcomes admit, exclude, refer
          stage exclusion gives exclude
          stage identification gives refer, overriding unknowns
          otherwise admit
        rule ra
          kind narrowing
          stage intake.exclusion
          when a = true
          reason ra
        rule rb
          stage intake.exclusion
          when b = true
          reason rb
        rule rc
          stage intake.identification
          when c = true
          reason rc
        exception ex
          when e = true
          lifts kind narrowing
          reason rd
        rule only_a
          after intake
          when intake = exclude and only_because(intake, {ra})
          refer only_a
        rule only_ab
          after intake
          when only_because(intake, {ra, rb})
          refer only_ab
        rule only_c
          after intake
          when only_because(intake, {rc})
          refer only_c
        rule only_lifted
          after intake
          when only_because(intake, {rd, ra})
          refer only_lifted
        rule not_only_a
          after intake
          when not only_because(intake, {ra})
          refer not_only_a
        """

    /// Machine and reference agree on every combination (outcomes, referrals, missing facts and
    /// the trace, which shows the facts each after-rule read).
    @Test func onlyBecauseMachineEqualsReference() throws {
        let program = try RuleTest.program(Self.onlyBecauseSource)
        let report = Equivalence.check(
            program,
            [
                "a": Equivalence.bools, "b": Equivalence.bools, "c": Equivalence.bools, "e": Equivalence.bools,
            ])
        Equivalence.expect(report, compared: 81)
    }

    /// What it means, case by case: the reasons that hold whatever the unknown facts are.
    @Test(
        arguments: [
            // a certain, nothing else possible: only `ra` (so also only `ra` or `rb`, `rd` or `ra`)
            (["a": true, "b": false, "c": false, "e": false], "exclude", ["only_a", "only_ab", "only_lifted"]),
            // `rb` may still hold: not only `ra` (unknown), but only `ra` or `rb`
            (["a": true, "b": nil, "c": false, "e": false], "exclude", ["only_ab"]),
            // `rb` holds too: certainly not only `ra`
            (["a": true, "b": true, "c": false, "e": false], "exclude", ["only_ab", "not_only_a"]),
            // the exception may lift `ra`: undetermined, nothing certain
            (["a": true, "b": false, "c": false, "e": nil], "undetermined", []),
            // lifted: admitted by exception, reasons `rd` and the lifted `ra`
            (["a": true, "b": false, "c": false, "e": true], "admit", ["only_lifted", "not_only_a"]),
            // refer overrides the open exclusion stage: only `rc`
            (["a": nil, "b": false, "c": true, "e": false], "refer", ["only_c", "not_only_a"]),
            // admitted without reasons: no `only_because` holds
            (["a": false, "b": false, "c": false, "e": false], "admit", ["not_only_a"]),
        ] as [([String: Bool?], String, [String])])
    func onlyBecauseMeaning(given: [String: Bool?], outcome: String, referrals: [String]) throws {
        let runner = try CaseRunner(Self.onlyBecauseSource)
        let facts = given.mapValues { $0.map(Value.bool) }
        #expect(runner.outcome("intake", facts) == outcome)
        #expect(runner.result("intake", facts)?.referrals == referrals)
        let reference = ReferenceEvaluator(program: runner.program).evaluate(runner.facts(facts))
        #expect(reference.results.first?.referrals == referrals)
    }

    /// Only a rule placed after the decision may read its reasons; the set holds reason codes.
    @Test(arguments: [
        ("after intake", "only_because(intake, {ra})", [String]()),
        ("after intake", "only_because(intake, {ra, nope})", ["unknown-reasons"]),
        ("after intake", "only_because(intake, ra)", ["wrong-arguments"]),
        ("after intake", "only_because(intak, {ra})", ["unknown-decision"]),
        ("after intake", "only_because(intake, {\"ra\"})", ["type-mismatch"]),
        ("stage intake.exclusion", "only_because(intake, {ra})", ["only-because-outside-after"]),
    ])
    func onlyBecauseTyping(placement: String, condition: String, codes: [String]) {
        let result = RuleTest.load(
            """
            vocabulary reasons ra
            vocabulary referrals x
            fact a: bool
            decision intake
              outcomes admit, exclude
              stage exclusion gives exclude
              otherwise admit
            rule ra
              stage intake.exclusion
              when a = true
              reason ra
            rule r
              \(placement)
              when \(condition)
              reason ra
              refer x
            """)
        #expect(result.errors.filter { $0.severity == .error }.map(\.code) == codes, "\(condition)")
    }
}
