import Testing

@testable import RuleDSL

/// The language features of domain revision 2, machine against reference (`Equivalence`, as in
/// `ConditionGraphTests`), the checker's typing, and the prover's candidates: `is_blank(t)`.
@Suite("revision 2: is_blank")
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
        let texts: [Value?] = [.text(""), .text(" "), .text("\t\n"), .text("\u{00A0}\u{2003}"), .text(" x "),
                               .text("x"), .text("1234567890")]
        let report = Equivalence.check(program, [
            "t": texts + [Value.none], "u": texts + [nil], "b": Equivalence.bools,
        ])
        Equivalence.expect(report, compared: 8 * 8 * 3)
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
        let program = try RuleTest.program("""
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
        #expect(Evaluator(program: program).evaluate(facts).results.first?.outcome == outcome)
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
        let result = RuleTest.load("""
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
        let program = try RuleTest.program("""
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
}
