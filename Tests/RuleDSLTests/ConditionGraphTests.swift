import RuleDSL
import Testing

@testable import RuleAnalysis
@testable import RuleMachine
@testable import RuleSemantics
@testable import RuleSyntax
@testable import RuleValues

/// The machine's condition graphs (`ConditionGraph.swift`, walked by `MachineRun.walk` in runs
/// without a trace) and `ReadAnalysis.byLeft` against the plain `ReferenceEvaluator`, on small
/// rule sets that reach the corners the shipped rule files never do: optional `bool` facts
/// (`none`, the graph's "other" outcome) inside `and`/`or`/`not`, conditions over the size limit,
/// fact-vs-fact comparisons, decisions read as values, constants in conditions.
///
/// The checker now refuses an optional `bool` as a truth value by itself (`optional-truth-value`);
/// the machine still handles `none` there, so these tests load their rules with that refusal
/// switched off (`Checker.refusesOptionalTruthValues`, internal) to keep the machine and the
/// reference equal on it.
///
/// Each test compiles its rules through the normal parse + check pipeline, then compares machine
/// and reference on every combination of the facts' values (or, where there are too many, on a
/// few thousand seeded random ones), with and without a trace: the same results (outcomes,
/// reasons with the facts they read, referrals, actions, missing facts) and the same trace.
/// Each test also checks that its vectors reach the outcomes it is about, so a rule set that
/// came out always undetermined could not pass unnoticed.
@Suite("condition graphs: machine = reference")
struct ConditionGraphTests {
    // MARK: - Logic

    /// `and`, `or` and `not` nested to several depths over plain `bool` facts (true, false,
    /// unknown): every edge of the `and`/`or` graphs (left true, false, unknown; right copies
    /// after true/false and after unknown) and `not` swapping true and false under them.
    @Test func nestedLogic() throws {
        let source = """
            fact a: bool
            fact b: bool
            fact c: bool
            fact d: bool
            \(Equivalence.decisions([
                ("not_and", "not (a and b)"),
                ("not_or", "not (a or b)"),
                ("and_or_not", "a and (b or not c)"),
                ("or_of_ands", "(a and b) or (c and d)"),
                ("and_of_ors", "(a or b) and (c or d)"),
                ("precedence", "not a and b or c and not d"),
                ("deep_not", "not (a and (b or not (c and d)))"),
                ("double_not", "not not a"),
                ("not_of_mixed", "not ((a or b) and not (c or d))"),
                ("all", "a and b and c and d"),
                ("any", "a or b or c or d"),
                ("mixed", "(not a or b) and (c or not (d and a))"),
                ("right_deep", "a or (b and (c or (d and not a)))"),
                ("same_fact", "(a or b) and (not a or c)"),
            ]))
            """
        let program = try RuleTest.program(source)
        let report = Equivalence.check(
            program,
            [
                "a": Equivalence.bools, "b": Equivalence.bools, "c": Equivalence.bools, "d": Equivalence.bools,
            ])
        Equivalence.expect(report, compared: 81)
        Equivalence.expectEveryOutcome(report, of: program)
    }

    /// Optional `bool` facts, which the checker accepts anywhere a condition goes: a `none` is a
    /// known value that is not a truth value (the graph's fourth, "other" outcome), which `and`
    /// takes as true, `or` as false, `not` keeps, and a condition's root counts as unknown. On
    /// either side of `and`/`or`, under `not`, and through derived values that can be `none`:
    /// a small one (written out where used, tested as a whole) and a larger one (kept as a
    /// derived value). Testable derived values too large to be written out are compiled inline
    /// with the edges of their place, the "other" outcome passed along (`mixed`; `deep_not_p`,
    /// nine `not`s over `p`, whose value is `none` when `p` is). Also a group's presence fact, a
    /// `bool` fact of its own.
    @Test func optionalBools() throws {
        let source = """
            fact p: bool, optional
            fact q: bool, optional
            fact a: bool
            fact g.flag: bool, optional
            let p_if_a = if a then p else none
            let larger = if a and q then p else (if q then none else p)
            let mixed = (p or a) and not (q and a) and (p or q)
            let deep_not_p = not not not not not not not not not p
            \(Equivalence.decisions([
                ("p", "p"),
                ("not_p", "not p"),
                ("p_and_a", "p and a"),
                ("a_and_p", "a and p"),
                ("p_or_a", "p or a"),
                ("a_or_p", "a or p"),
                ("not_p_and_a", "not p and a"),
                ("a_or_not_p", "a or not p"),
                ("not_p_and", "not (p and a)"),
                ("not_p_or", "not (p or a)"),
                ("p_and_q", "p and q"),
                ("p_or_q", "p or q"),
                ("not_pq_or_a", "not (p and q) or a"),
                ("ors_in_and", "(p or a) and (q or not a)"),
                ("a_and_or", "a and (p or not q)"),
                ("double", "not (not p or q)"),
                ("compare_p", "p = true or q != false"),
                ("none_p", "p is none and not q"),
                ("small_and", "p_if_a and q"),
                ("small_not", "not p_if_a or a"),
                ("small_or", "p_if_a or q"),
                ("larger_and", "larger and a"),
                ("larger_not", "not larger"),
                ("larger_or", "a or larger"),
                ("mixed", "mixed"),
                ("not_mixed", "not mixed or q"),
                ("a_and_mixed", "a and mixed"),
                ("deep_not_and", "deep_not_p and a"),
                ("deep_not_or", "deep_not_p or a"),
                ("not_deep_not", "not deep_not_p and (a or q)"),
                ("choice", "(if a then p else q) or not q"),
                ("group", "g is present and (g.flag or not a)"),
                ("group_not", "not (g is none or g.flag) and p"),
            ]))
            """
        let program = try RuleTest.programAllowingOptionalTruthValues(source)
        let report = Equivalence.check(
            program,
            [
                "p": Equivalence.optionalBools, "q": Equivalence.optionalBools, "a": Equivalence.bools,
                "g.flag": Equivalence.optionalBools,
            ])
        // p, q, g.flag: 4 values each; a: 3; the group's presence: 2.
        Equivalence.expect(report, compared: 4 * 4 * 3 * 4 * 2)
        Equivalence.expectEveryOutcome(report, of: program)
        // By hand, where the "other" outcome decides (p, q none): `p and a` with a true holds, as
        // `and` takes none as true; `p or a` with a false does not; `p` alone is open.
        let evaluator = MachineEvaluator(program: program)
        var facts = [Value?](repeating: nil, count: program.facts.count)
        facts[program.factSlots["p"]!] = Value.none
        facts[program.factSlots["q"]!] = Value.none
        facts[program.factSlots["g.flag"]!] = Value.none
        facts[program.factSlots["g"]!] = .bool(false)
        facts[program.factSlots["a"]!] = .bool(true)
        let withA = evaluator.evaluate(facts, trace: false)
        facts[program.factSlots["a"]!] = .bool(false)
        let withoutA = evaluator.evaluate(facts, trace: false)
        #expect(Equivalence.outcome(withA, program, "d_p_and_a") == "yes")
        #expect(Equivalence.outcome(withoutA, program, "d_p_or_a") == "no")
        #expect(Equivalence.outcome(withA, program, "d_p") == "undetermined")
        #expect(Equivalence.outcome(withA, program, "d_not_p_and_a") == "yes")
        // Two `none`s under `and` are both taken as true.
        #expect(Equivalence.outcome(withA, program, "d_p_and_q") == "yes")
        // `mixed` and `deep_not_p` are compiled inline (fact tests only); `larger` is one test.
        let kinds = Equivalence.testKinds(program)
        #expect(kinds["mixed"] == [.factValue] && kinds["deep_not_and"] == [.factValue], "not inline")
        #expect(kinds["larger_and"]?.contains(.value) == true)
    }

    /// The literals `true` and `false`, and a `const` holding one, in conditions: the graph
    /// turns them into edges without a test, and a condition decided before any test becomes one
    /// whole-condition test.
    @Test func constantsInConditions() throws {
        let source = """
            const ON = true
            const OFF = false
            fact a: bool
            fact p: bool, optional
            \(Equivalence.decisions([
                ("always", "true"),
                ("never", "false"),
                ("not_true", "not true"),
                ("a_and_true", "a and true"),
                ("true_and_a", "true and a"),
                ("a_or_false", "a or false"),
                ("false_or_a", "false or a"),
                ("a_and_false", "a and false"),
                ("a_or_true", "a or true"),
                ("not_a_and_true", "not (a and true)"),
                ("const_on", "ON and a"),
                ("const_off", "OFF or not a"),
                ("p_and_true", "p and true"),
                ("p_or_false", "p or false"),
                ("not_p_or_off", "not (p or OFF)"),
                ("true_and_p", "true and not p"),
            ]))
            """
        let program = try RuleTest.programAllowingOptionalTruthValues(source)
        let report = Equivalence.check(program, ["a": Equivalence.bools, "p": Equivalence.optionalBools])
        Equivalence.expect(report, compared: 12)
        #expect(report.outcomes["d_always"] == ["yes"])
        #expect(report.outcomes["d_never"] == ["no"])
        #expect(report.outcomes["d_not_true"] == ["no"])
        #expect(report.outcomes["d_a_and_false"] == ["no"])
        #expect(report.outcomes["d_a_or_true"] == ["yes"])
        Equivalence.expectEveryOutcome(
            report, of: program,
            except: [
                "d_always", "d_never", "d_not_true", "d_a_and_false", "d_a_or_true",
            ])
    }

    // MARK: - Derived values and decisions

    /// Derived values in conditions. A `bool` one made only of tests and too large to be
    /// written out (`eligible`) is compiled inline into each graph that uses it, by several rules
    /// and through another derived value (`chained`); a small one (`small`) is written out where
    /// used. Values that are not made of tests are compared with constants (`age` from
    /// `years_between`, `months` from an optional date, so sometimes `none`) or tested as a whole
    /// (`score`, arithmetic; `old_or_big`, a comparison of a computed value), and a fact is
    /// compared with a derived date (`opt_day > due`).
    @Test func derivedValues() throws {
        let source = """
            fact n: number
            fact m: number
            fact flag: bool
            fact t: text
            fact birth: date
            fact ref: date
            fact opt_day: date, optional
            let eligible = (n >= 10 and flag) or (t in {"NL", "BE"} and not (m < 3))
            let small = flag and m < 3
            let chained = eligible and not small
            let age = years_between(birth, ref)
            let score = n * 2 + m
            let months = months_between(birth, opt_day)
            let due = add_months(birth, 6)
            let adult = age >= 18 and flag
            let old_or_big = years_between(birth, ref) >= 65 or n > 10
            \(Equivalence.decisions([
                ("eligible", "eligible"),
                ("not_eligible", "not eligible"),
                ("eligible_and", "eligible and m > 5"),
                ("eligible_or", "eligible or flag"),
                ("chained", "chained"),
                ("not_chained", "not chained or n = 10"),
                ("small_or_eligible", "small or eligible"),
                ("age_ge", "age >= 18"),
                ("age_lt", "age < 18"),
                ("age_eq", "age = 18"),
                ("age_ne", "age != 18"),
                ("age_le", "age <= 65"),
                ("age_gt", "age > 65"),
                ("age_in", "age in {17, 18}"),
                ("age_not_in", "not (age not in {18}) or n = 9"),
                ("score_ge", "score >= 22"),
                ("score_lt", "score < 22 and flag"),
                ("months_ge", "months >= 6"),
                ("months_ne", "months != 6"),
                ("months_lt", "months < 6 or flag"),
                ("after_due", "opt_day > due"),
                ("adult", "adult"),
                ("not_adult", "not adult and eligible"),
                ("old_or_big", "old_or_big and not flag"),
                ("not_old_or_big", "not old_or_big"),
            ]))
            """
        let program = try RuleTest.program(source)
        let report = Equivalence.check(
            program,
            [
                "n": [nil, .number(9), .number(10), .number(11)],
                "m": [nil, .number(2), .number(3), .number(6)],
                "flag": Equivalence.bools,
                "t": [nil, .text("NL"), .text("DE")],
                "birth": [nil, .date("2006-05-01"), .date("2006-05-02"), .date("1958-05-01")],
                "ref": [nil, .date("2024-05-01")],
                "opt_day": [nil, Value.none, .date("2006-11-01"), .date("2006-10-31")],
            ])
        Equivalence.expect(report, compared: 4 * 4 * 3 * 3 * 4 * 2 * 4)
        Equivalence.expectEveryOutcome(report, of: program)
        // What the graphs are made of: `eligible` inline (no whole-value test of it), `age` a
        // comparison of a derived value, `score` a whole-expression test.
        let kinds = Equivalence.testKinds(program)
        #expect(kinds["eligible"]?.contains(.value) == false && kinds["eligible"]?.contains(.factInTexts) == true)
        #expect(kinds["age_ge"] == [.compareDerived])
        #expect(kinds["score_ge"] == [.value])
        #expect(kinds["old_or_big"]?.contains(.value) == true)
    }

    /// A decision's outcome read as a value (`intake = exclude`) by rules placed after it and by
    /// the rules after another decision, inside compound conditions, under `not`, next to an
    /// optional `bool` fact, and while the decision is undetermined or does not apply (its
    /// value is then `none`). Both decisions' `when` are compound.
    @Test func decisionsAsValues() throws {
        let source = """
            vocabulary reasons banned, doubt, stopped, flagged, not_admitted, follow, crossed
            vocabulary actions risk_analysis, follow_up
            fact banned: bool
            fact doubt: bool
            fact resident: bool
            fact risk: bool, optional

            decision intake
              when not (resident and banned) or risk
              outcomes admit, exclude, refer
              stage exclusion gives exclude
              stage identification gives refer, overriding unknowns
              otherwise admit

            rule banned
              stage intake.exclusion
              when banned and not risk
              reason banned

            rule doubt
              stage intake.identification
              when doubt
              reason doubt

            decision review
              when resident or (banned and not doubt)
              outcomes keep, stop
              stage stopping gives stop
              otherwise keep

            rule stop_on_doubt
              stage review.stopping
              when doubt and (not resident or banned)
              reason stopped

            rule risk_analysis
              after intake
              when intake = exclude and risk
              action risk_analysis

            rule excluded_or_referred
              after intake
              when intake = exclude or intake = refer
              reason flagged

            rule not_admitted
              after intake
              when not (intake = admit) and (risk or banned)
              reason not_admitted

            rule follow_up
              after review
              when review = stop or intake != admit
              reason follow
              action follow_up

            rule crossed
              after review
              when not (intake = exclude and review = keep)
              reason crossed
            """
        let program = try RuleTest.programAllowingOptionalTruthValues(source)
        let report = Equivalence.check(
            program,
            [
                "banned": Equivalence.bools, "doubt": Equivalence.bools, "resident": Equivalence.bools,
                "risk": Equivalence.optionalBools,
            ])
        Equivalence.expect(report, compared: 3 * 3 * 3 * 4)
        #expect(report.outcomes["intake"] == ["admit", "exclude", "refer", "undetermined", "-"])
        #expect(report.outcomes["review"] == ["keep", "stop", "undetermined", "-"])
        for code in ["flagged", "not_admitted", "follow", "crossed"] {
            #expect(report.reasonFacts[code] != nil, "reason \(code) never given")
        }
        #expect(Equivalence.testKinds(program)["excluded_or_referred"] == [.compareDecision])
    }

    // MARK: - Comparisons

    /// Fact-vs-fact comparisons (one `compareFacts` test each), every operator on numbers and
    /// on dates, with either side unknown, and with an optional side that is `none` (ordered
    /// against nothing, equal only to `none`); inside `and`/`or`/`not` too.
    @Test func factVersusFactNumbersAndDates() throws {
        let source = """
            fact x: number
            fact y: number
            fact o: number, optional
            fact d: date
            fact e: date
            fact od: date, optional
            \(Equivalence.decisions([
                ("x_eq_y", "x = y"), ("x_ne_y", "x != y"), ("x_lt_y", "x < y"),
                ("x_le_y", "x <= y"), ("x_gt_y", "x > y"), ("x_ge_y", "x >= y"),
                ("d_eq_e", "d = e"), ("d_ne_e", "d != e"), ("d_lt_e", "d < e"),
                ("d_le_e", "d <= e"), ("d_gt_e", "d > e"), ("d_ge_e", "d >= e"),
                ("o_eq_x", "o = x"), ("o_ne_x", "o != x"), ("o_lt_x", "o < x"), ("x_ge_o", "x >= o"),
                ("od_eq_d", "od = d"), ("od_ne_d", "od != d"), ("od_le_d", "od <= d"), ("e_gt_od", "e > od"),
                ("both", "x < y and d >= e"),
                ("either", "not (x = y) or d < e"),
                ("none_ordered", "not (o < x or o >= x)"),
                ("antisymmetric", "x <= y and y <= x and not (x != y)"),
                ("mixed_or", "(o = y or od > e) and not (x > y)"),
            ]))
            """
        let program = try RuleTest.program(source)
        let dates: [Value?] = [nil, .date("2024-02-29"), .date("2024-03-01"), .date("2025-01-01")]
        let report = Equivalence.check(
            program,
            [
                "x": [nil, .number(1), .number(2), .number(3)],
                "y": [nil, .number(1), .number(2), .number(3)],
                "o": [nil, Value.none, .number(1), .number(2)],
                "d": dates, "e": dates,
                "od": [nil, Value.none, .date("2024-02-29"), .date("2024-03-01")],
            ])
        Equivalence.expect(report, compared: 4 * 4 * 4 * 4 * 4 * 4)
        Equivalence.expectEveryOutcome(report, of: program)
        let kinds = Equivalence.testKinds(program)
        for id in ["x_eq_y", "x_lt_y", "d_ge_e", "o_lt_x", "e_gt_od"] { #expect(kinds[id] == [.compareFacts], "\(id)") }
    }

    /// Fact-vs-fact `=` and `!=` on texts (known to the rule set or not, so table and local
    /// texts, equal or not) and on enumerations with different value lists.
    @Test func factVersusFactTextsAndEnumerations() throws {
        let source = """
            fact s: text
            fact t: text
            fact k: one of (coa, vbl, none)
            fact l: one of (coa, vbl, other)
            \(Equivalence.decisions([
                ("s_eq_t", "s = t"), ("s_ne_t", "s != t"), ("k_eq_l", "k = l"), ("k_ne_l", "k != l"),
                ("known_text", #"s = "NL" or not (s != t)"#),
                ("mixed", "(s = t and k != l) or (k = l and s != t)"),
            ]))
            """
        let program = try RuleTest.program(source)
        let report = Equivalence.check(
            program,
            [
                "s": [nil, .text("NL"), .text("XX")],
                "t": [nil, .text("NL"), .text("XX"), .text("YY")],
                "k": [nil, .text("coa"), .text("vbl"), .text("none")],
                "l": [nil, .text("coa"), .text("vbl"), .text("other")],
            ])
        Equivalence.expect(report, compared: 3 * 4 * 4 * 4)
        Equivalence.expectEveryOutcome(report, of: program)
    }

    /// A number fact (and an optional one) compared with constants: every operator (each its own
    /// test kind), a decimal, the constant on the left and a negative constant (both tested
    /// as a whole), `in` and `not in` a set of numbers, `is present` / `is none`, `= none`.
    @Test func numberConstants() throws {
        let source = """
            fact n: number
            fact on: number, optional
            \(Equivalence.decisions([
                ("eq", "n = 10"), ("ne", "n != 10"), ("lt", "n < 10"), ("le", "n <= 10"),
                ("gt", "n > 10"), ("ge", "n >= 10"), ("decimal", "n = 2.5"),
                ("negative", "n > -1"), ("left_constant", "10 < n"),
                ("in", "n in {1, 2.5, 10}"), ("not_in", "n not in {1, 10}"),
                ("o_eq", "on = 10"), ("o_ne", "on != 10"), ("o_lt", "on < 10"), ("o_le", "on <= 10"),
                ("o_gt", "on > 10"), ("o_ge", "on >= 10"), ("o_in", "on in {10}"), ("o_not_in", "on not in {10}"),
                ("o_present", "on is present"), ("o_none", "on is none"),
                ("o_eq_none", "on = none"), ("o_ne_none", "on != none"),
                ("compound", "n >= 10 and not (on < 10)"),
                ("compound_or", "n in {1, 10} or on is none"),
            ]))
            """
        let program = try RuleTest.program(source)
        let report = Equivalence.check(
            program,
            [
                "n": [
                    nil, .number(-1), .number(1), .number(DecimalNumber(scaled: 2_500_000)), .number(9), .number(10),
                    .number(11),
                ],
                "on": [nil, Value.none, .number(9), .number(10), .number(11)],
            ])
        Equivalence.expect(report, compared: 7 * 5)
        Equivalence.expectEveryOutcome(report, of: program)
        let kinds = Equivalence.testKinds(program)
        let expected: [String: ConditionTest.Kind] = [
            "eq": .factEquals, "ne": .factNotEquals, "lt": .factLess, "le": .factLessOrEqual,
            "gt": .factGreater, "ge": .factGreaterOrEqual, "in": .factMember, "o_present": .factPresence,
            "negative": .value, "left_constant": .value,
        ]
        for (id, kind) in expected { #expect(kinds[id] == [kind], "\(id)") }
    }

    /// A date fact (and an optional one) compared with date constants, every operator, and `in`
    /// a set of dates.
    @Test func dateConstants() throws {
        let source = """
            fact day: date
            fact oday: date, optional
            \(Equivalence.decisions([
                ("eq", "day = 2024-03-01"), ("ne", "day != 2024-03-01"), ("lt", "day < 2024-03-01"),
                ("le", "day <= 2024-03-01"), ("gt", "day > 2024-03-01"), ("ge", "day >= 2024-03-01"),
                ("in", "day in {2024-03-01, 2024-12-31}"), ("not_in", "day not in {2024-03-01}"),
                ("o_eq", "oday = 2024-03-01"), ("o_ne", "oday != 2024-03-01"), ("o_lt", "oday < 2024-03-01"),
                ("o_ge", "oday >= 2024-03-01"), ("o_none", "oday is none"),
                ("compound", "day < 2024-03-01 or (oday is present and not (oday > 2024-02-29))"),
            ]))
            """
        let program = try RuleTest.program(source)
        let days: [Value?] = [nil, .date("2024-02-29"), .date("2024-03-01"), .date("2024-03-02"), .date("2024-12-31")]
        let report = Equivalence.check(
            program,
            [
                "day": days, "oday": [nil, Value.none, .date("2024-02-29"), .date("2024-03-01"), .date("2024-03-02")],
            ])
        Equivalence.expect(report, compared: 5 * 5)
        Equivalence.expectEveryOutcome(report, of: program)
    }

    /// Text and enumeration facts (and optional ones) compared with constants: `=`, `!=`, `in` and
    /// `not in` sets of texts (literal and `const`), texts the rule set does not know, `none` as
    /// an enumeration's own value and as an absent optional enumeration.
    @Test func textAndEnumerationConstants() throws {
        let source = """
            const BENELUX = {"NL", "BE", "LU"}
            fact t: text
            fact ot: text, optional
            fact e: one of (none, coa, vbl, family)
            fact oe: one of (coa, vbl), optional
            \(Equivalence.decisions([
                ("eq", #"t = "NL""#), ("ne", #"t != "NL""#), ("in", #"t in {"NL", "BE"}"#),
                ("not_in", #"t not in {"NL", "BE"}"#), ("in_const", "t in BENELUX"),
                ("o_eq", #"ot = "NL""#), ("o_ne", #"ot != "NL""#), ("o_in", #"ot in {"NL"}"#),
                ("o_not_in", #"ot not in {"NL"}"#), ("o_present", "ot is present"), ("o_none", "ot is none"),
                ("o_eq_none", "ot = none"),
                ("e_eq", "e = coa"), ("e_ne", "e != coa"), ("e_none_value", "e = none"),
                ("e_in", "e in {coa, vbl}"), ("e_not_in", "e not in {coa}"),
                ("oe_eq", "oe = coa"), ("oe_ne", "oe != vbl"), ("oe_none", "oe is none"),
                ("oe_in", "oe in {coa}"), ("oe_not_in", "oe not in {coa}"), ("oe_eq_none", "oe = none"),
                ("compound", "(t in BENELUX or ot is none) and not (e in {coa, vbl} and oe != coa)"),
            ]))
            """
        let program = try RuleTest.program(source)
        let report = Equivalence.check(
            program,
            [
                "t": [nil, .text("NL"), .text("BE"), .text("XX"), .text("")],
                "ot": [nil, Value.none, .text("NL"), .text("XX")],
                "e": [nil, .text("none"), .text("coa"), .text("vbl"), .text("family")],
                "oe": [nil, Value.none, .text("coa"), .text("vbl")],
            ])
        Equivalence.expect(report, compared: 5 * 4 * 5 * 4)
        Equivalence.expectEveryOutcome(report, of: program)
        let kinds = Equivalence.testKinds(program)
        #expect(kinds["in"] == [.factInTexts] && kinds["not_in"] == [.factInTexts] && kinds["e_in"] == [.factInTexts])
    }

    // MARK: - The size limit

    /// Conditions longer than the graph may make (`ConditionGraphCompiler.limit` tests): an `and`
    /// chain of `or`s, whose right sides are built twice (after true, after unknown), so tests
    /// multiply. Over the limit the condition becomes one test evaluating it whole, checked here
    /// on the plan: in a rule, an exception and a decision's `when`, with optional `bool` facts
    /// in it. A condition just under the limit keeps its graph. Random vectors, with true
    /// weighted so the long conjunctions come out true, false and unknown.
    @Test func overTheLimit() throws {
        let clauses = (1...12).map { "(f\(2 * $0 - 1) or f\(2 * $0))" }
        let over = clauses.joined(separator: " and ") + " and (p1 or not p2)"
        let under = clauses.prefix(11).joined(separator: " and ")
        let source = """
            vocabulary reasons lifted_it
            \((1...24).map { "fact f\($0): bool" }.joined(separator: "\n"))
            \((1...4).map { "fact p\($0): bool, optional" }.joined(separator: "\n"))
            \(Equivalence.decisions([
                ("over", over),
                ("over_or", "(\(over)) or (p3 and f1)"),
                ("under", under),
                ("not_over", "not (\(over))"),
                ("liftable", "f1 or p4"),
            ]))
            exception long
              when \(clauses.reversed().joined(separator: " and ")) and not p3
              lifts liftable
              reason lifted_it
            decision guarded
              when \(over)
              outcomes yes, no
              stage s gives yes
              otherwise no
            rule guarded
              stage guarded.s
              when f2 and not p1
              reason guarded_held
            vocabulary reasons guarded_held
            """
        let program = try RuleTest.programAllowingOptionalTruthValues(source)
        // Drawn uniformly from these lists, so true comes 3 times in 5 (twice for p).
        var domains: [String: [Value?]] = [:]
        for i in 1...24 { domains["f\(i)"] = [.bool(true), .bool(true), .bool(true), .bool(false), nil] }
        for i in 1...4 { domains["p\(i)"] = [.bool(true), .bool(true), .bool(false), Value.none, nil] }
        let report = Equivalence.check(program, domains, random: 4000, seed: 17)
        Equivalence.expect(report, compared: 4000)
        Equivalence.expectEveryOutcome(report, of: program, except: ["guarded"])
        #expect(report.outcomes["guarded"] == ["yes", "no", "undetermined", "-"])

        // The fallback happened: over the limit, a rule's, the exception's and the question's
        // condition is one whole-condition test; under it, a graph of many tests.
        let plan = CompiledRuleSet(program).plan
        for id in ["over", "over_or", "not_over"] {
            let r = program.rules.firstIndex { $0.id == id }!
            let entry = plan.tests[Int(plan.ruleTest[r])]
            #expect(entry.kind == .value && entry.a == plan.rules[r].condition, "\(id) is not one whole test")
            #expect(Equivalence.graphSize(plan, plan.rules[r].condition) == 1, "\(id)")
        }
        let exceptionEntry = plan.tests[Int(plan.exceptionTest[0])]
        #expect(exceptionEntry.kind == .value && exceptionEntry.a == plan.exceptions[0].condition)
        let guarded = program.decisionIndex(named: "guarded")!
        let guardEntry = plan.tests[Int(plan.decisionTest[guarded])]
        #expect(guardEntry.kind == .value && guardEntry.a == plan.decisions[guarded].condition)
        let underRule = program.rules.firstIndex { $0.id == "under" }!
        #expect(plan.tests[Int(plan.ruleTest[underRule])].kind == .factValue)
        let underSize = Equivalence.graphSize(plan, plan.rules[underRule].condition)
        // Each `(f or g)` is 3 tests (f, and g after f false and after f unknown); each clause
        // after the first is built twice (after true, after unknown): 3 + 6 × 10 = 63 tests for
        // 11 clauses, within the limit; 12 clauses would take 69.
        #expect(ConditionGraphCompiler.limit == 64)
        #expect(underSize == 63)
    }

    // MARK: - Exceptions, decisions' questions, facts shown

    /// Exceptions with compound conditions (a group's presence, a fact compared with the
    /// reference date, an optional `bool`, a period in force) lifting rules by id and by kind; rules
    /// with compound conditions and a period in force; a decision whose `when` is compound and
    /// reads an optional `bool`; an overriding stage. Too many combinations: seeded random vectors.
    @Test func exceptionsAndQuestions() throws {
        let source = """
            vocabulary reasons banned, undesirable, minor_ban, doubt, exception_granted, mayor_ok, admitted_default
            fact reference_date: date, reference
            fact ban_years: number
            fact undesirable: bool
            fact minor: bool
            fact approved: bool, optional
            fact steering: bool
            fact doubt: bool
            fact admitted: bool, optional
            fact exc.date: date, optional
            fact exc.by: one of (mayor, lso), optional

            decision intake
              when not (admitted and doubt) or steering
              outcomes admit, exclude, refer
              stage exclusion gives exclude
              stage identification gives refer, overriding unknowns
              otherwise admit reason admitted_default

            rule ban
              kind exclusion
              stage intake.exclusion
              when ban_years >= 10 or (undesirable and not minor)
              reason banned

            rule undesirable
              kind exclusion
              stage intake.exclusion
              when not (undesirable or ban_years < 5)
              reason undesirable
              valid from 2024-06-01

            rule minor_rule
              kind narrowing
              stage intake.exclusion
              when minor and (approved or ban_years > 0)
              reason minor_ban

            rule doubt
              stage intake.identification
              when doubt and not (steering and approved)
              reason doubt

            exception exceptional
              when exc is present and (exc.date <= reference_date or exc.by = mayor)
              lifts kind exclusion
              reason exception_granted

            exception mayor_word
              when approved or (steering and not minor)
              lifts minor_rule, ban
              reason mayor_ok
              valid until 2024-12-31
            """
        let program = try RuleTest.programAllowingOptionalTruthValues(source)
        let report = Equivalence.check(
            program,
            [
                "reference_date": [nil, .date("2024-05-01"), .date("2024-07-01"), .date("2025-01-01")],
                "ban_years": [nil, .number(4), .number(7), .number(10)],
                "undesirable": Equivalence.bools, "minor": Equivalence.bools, "approved": Equivalence.optionalBools,
                "steering": Equivalence.bools, "doubt": Equivalence.bools, "admitted": Equivalence.optionalBools,
                "exc.date": [nil, Value.none, .date("2024-06-01"), .date("2024-08-01")],
                "exc.by": [nil, Value.none, .text("mayor"), .text("lso")],
            ], random: 5000, seed: 3)
        Equivalence.expect(report, compared: 5000)
        #expect(report.outcomes["intake"] == ["admit", "exclude", "refer", "undetermined", "-"])
        #expect(report.exceptional, "no case was decided through an exception")
        for code in ["exception_granted", "mayor_ok", "banned", "undesirable", "minor_ban", "doubt"] {
            #expect(report.reasonFacts[code] != nil, "reason \(code) never given")
        }
    }

    /// Rules with a reason whose condition is `x or y`, or `not (x and y)` (an `and` held
    /// false), directly or through a derived value: the facts shown with the reason are chosen
    /// by testing `x` alone (`ReadAnalysis.byLeft`, `Plan.leftTest`): `x`'s facts when `x`
    /// decides, else both sides'. `x` is a fact comparison, a presence test, an optional `bool`
    /// (whose `none` does not decide) or a derived value; some rules are lifted (their facts
    /// are shown too) and one is placed after a decision.
    @Test func factsShownByLeft() throws {
        let source = """
            vocabulary reasons lifted
            fact n: number
            fact m: number
            fact s: text
            fact a: bool
            fact p: bool, optional
            fact d: date
            fact od: date, optional
            fact lift: bool
            let age = years_between(d, 2024-05-01)
            let either = n > 5 or m < 3
            let either_big = age >= 18 or (n > 5 and m < 3)
            \(Equivalence.decisions([
                ("plain_or", "n > 5 or m < 3"),
                ("or_and", "n > 5 or (m < 3 and a)"),
                ("not_and", "not (n > 5 and m < 3)"),
                ("not_and_or", "not (n > 5 and (m < 3 or a))"),
                ("not_and_not", #"not (a and not (m < 3 and s = "NL"))"#),
                ("p_or", "p or a"),
                ("not_p_and", "not (p and a)"),
                ("p_or_and", "p or (n > 5 and a)"),
                ("member_or", #"s in {"NL", "BE"} or age >= 18"#),
                ("presence_or", "od is present or n = 1"),
                ("via_let", "either"),
                ("via_big_let", "either_big"),
                ("not_or", "not (n > 5 or m < 3)"),
            ]))
            exception lifting
              when lift
              lifts plain_or, not_and, p_or
              reason lifted
            vocabulary reasons after_held
            rule after_or
              after d_or_and
              when m < 3 or (p and a)
              reason after_held
            """
        let program = try RuleTest.programAllowingOptionalTruthValues(source)
        let report = Equivalence.check(
            program,
            [
                "n": [nil, .number(1), .number(6)],
                "m": [nil, .number(2), .number(4)],
                "s": [nil, .text("NL"), .text("XX")],
                "a": Equivalence.bools, "p": Equivalence.optionalBools,
                "d": [nil, .date("2000-01-01"), .date("2010-01-01")],
                "od": [nil, Value.none, .date("2024-01-01")],
                "lift": Equivalence.bools,
            ])
        Equivalence.expect(report, compared: 3 * 3 * 3 * 3 * 4 * 3 * 3 * 3)
        Equivalence.expectEveryOutcome(report, of: program)
        // These rules take the byLeft path; each showed both sets of facts: x's alone, and both sides'.
        let byLeft: [String: ([String], [String])] = [
            "plain_or": (["n"], ["m", "n"]),
            "or_and": (["n"], ["a", "m", "n"]),
            "not_and": (["n"], ["m", "n"]),
            "not_and_or": (["n"], ["a", "m", "n"]),
            "not_and_not": (["a"], ["a", "m", "s"]),
            "p_or": (["p"], ["a", "p"]),
            "not_p_and": (["p"], ["a", "p"]),
            "p_or_and": (["p"], ["a", "n", "p"]),
            "member_or": (["s"], ["d", "s"]),
            "presence_or": (["od"], ["n", "od"]),
            "via_let": (["n"], ["m", "n"]),
            "via_big_let": (["d"], ["d", "m", "n"]),
            "after_or": (["m"], ["a", "m", "p"]),
        ]
        for (id, (alone, both)) in byLeft {
            let rule = program.rules.firstIndex { $0.id == id }!
            #expect(CompiledRuleSet(program).plan.rules[rule].readsByLeft, "\(id) does not take the byLeft path")
            let code = id == "after_or" ? "after_held" : "\(id)_held"
            #expect(report.reasonFacts[code] == [alone, both], "\(id): \(report.reasonFacts[code] ?? [])")
        }
        let notOr = program.rules.firstIndex { $0.id == "not_or" }!
        let plan = CompiledRuleSet(program).plan
        #expect(!plan.rules[notOr].readsByLeft && plan.rules[notOr].readsWhenTrue)
        #expect(report.lifted.isSuperset(of: ["plain_or_held", "not_and_held", "p_or_held"]))
    }
}

// MARK: - Support

/// Runs machine and reference on fact vectors and collects what they gave.
enum Equivalence {
    static let bools: [Value?] = [.bool(true), .bool(false), nil]
    static let optionalBools: [Value?] = [.bool(true), .bool(false), Value.none, nil]
    /// Up to this many combinations, every one is compared.
    static let exhaustiveLimit = 20_000

    struct Report {
        var compared = 0
        var differences: [String] = []
        /// Per decision, the outcomes the reference gave: `undetermined`, `-` when it did not apply.
        var outcomes: [String: Set<String>] = [:]
        /// Per reason code, the sets of facts (by name, sorted) it was shown with.
        var reasonFacts: [String: Set<[String]>] = [:]
        /// Reason codes shown as lifted.
        var lifted: Set<String> = []
        /// Whether some decision was exceptional.
        var exceptional = false
    }

    /// One decision per condition, so a condition's truth is its decision's outcome: `yes` (true),
    /// `no` (false), undetermined (unknown). Rule `ID` of decision `d_ID` gives reason `ID_held`,
    /// so results also show the facts the condition read.
    static func decisions(_ conditions: [(String, String)]) -> String {
        conditions.map { id, condition in
            """
            vocabulary reasons \(id)_held
            decision d_\(id)
              outcomes yes, no
              stage s gives yes
              otherwise no
            rule \(id)
              stage d_\(id).s
              when \(condition)
              reason \(id)_held
            """
        }.joined(separator: "\n")
    }

    /// Compares machine and reference on every combination of `domains` (each fact's values by
    /// name; nil is unknown; a group's presence fact is true or false unless given), or on
    /// `random` seeded vectors when there are more than `exhaustiveLimit` combinations.
    static func check(_ program: Program, _ domains: [String: [Value?]], random: Int = 3000, seed: UInt64 = 1) -> Report
    {
        for name in domains.keys { precondition(program.factSlots[name] != nil, "no fact \(name)") }
        let values: [[Value?]] = program.facts.map { fact in
            if let values = domains[fact.name] { return values }
            precondition(fact.isGroupPresence, "no values for fact \(fact.name)")
            return [.bool(true), .bool(false)]
        }
        let machine = MachineEvaluator(program: program)
        let reference = ReferenceEvaluator(program: program)
        var report = Report()
        func compare(_ facts: [Value?]) {
            report.compared += 1
            if report.differences.count < 3, let difference = difference(machine, reference, facts) {
                let given = zip(program.facts, facts).map { "\($0.name) = \($1.map(\.description) ?? "unknown")" }
                report.differences.append("facts: \(given.joined(separator: ", "))\n\(difference)")
            }
            record(reference.evaluate(facts, trace: false), program, into: &report)
        }
        let combinations = values.reduce(1) { product, values in
            let (next, overflow) = product.multipliedReportingOverflow(by: values.count)
            return overflow ? .max : next
        }
        if combinations <= exhaustiveLimit {
            var digits = Array(repeating: 0, count: values.count)
            for _ in 0..<combinations {
                compare(zip(values, digits).map { $0[$1] })
                for k in digits.indices {
                    digits[k] += 1
                    if digits[k] < values[k].count { break }
                    digits[k] = 0
                }
            }
        } else {
            var generator = SeededGenerator(seed: seed)
            for _ in 0..<random { compare(values.map { $0.randomElement(using: &generator)! }) }
        }
        return report
    }

    /// The first difference between machine and reference on one case, with and without a
    /// trace (as `MachineEquivalenceTests.difference`), as the decisions (or trace event) that differ.
    static func difference(_ machine: MachineEvaluator, _ reference: ReferenceEvaluator, _ facts: [Value?]) -> String? {
        let program = machine.program
        for trace in [true, false] {
            let fast = machine.evaluate(facts, trace: trace)
            let plain = reference.evaluate(facts, trace: trace)
            if fast.results != plain.results {
                var lines = ["results differ (trace: \(trace)):"]
                for index in program.decisions.indices where fast.result(for: index) != plain.result(for: index) {
                    lines.append("  machine   \(describe(fast.result(for: index), index, program))")
                    lines.append("  reference \(describe(plain.result(for: index), index, program))")
                }
                return lines.joined(separator: "\n")
            }
            if fast.trace != plain.trace {
                let (a, b) = (fast.trace.events, plain.trace.events)
                let at = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
                return "traces differ at event \(at):\n  machine   \(at < a.count ? "\(a[at])" : "(end)")\n"
                    + "  reference \(at < b.count ? "\(b[at])" : "(end)")"
            }
        }
        return nil
    }

    /// A decision's result in one line, with fact names.
    static func describe(_ result: DecisionResult?, _ index: Int, _ program: Program) -> String {
        let name = program.decisions[index].name
        guard let result else { return "\(name): does not apply" }
        func names(_ facts: FactSet) -> String { facts.slots.map { program.facts[$0].name }.joined(separator: ", ") }
        let reasons = result.reasons.map { "\($0.code)\($0.isLifted ? " (lifted)" : "") {\(names($0.facts))}" }
        return "\(name): \(result.outcome ?? "undetermined"), reasons [\(reasons.joined(separator: ", "))], "
            + "referrals \(result.referrals), actions \(result.actions), missing {\(names(result.missing))}, "
            + "exceptional \(result.exceptional)"
    }

    private static func record(_ evaluation: Evaluation, _ program: Program, into report: inout Report) {
        for (index, decision) in program.decisions.enumerated() {
            let outcome = evaluation.result(for: index).map { $0.outcome ?? "undetermined" } ?? "-"
            report.outcomes[decision.name, default: []].insert(outcome)
        }
        for result in evaluation.results {
            if result.exceptional { report.exceptional = true }
            for reason in result.reasons {
                let facts = reason.facts.slots.map { program.facts[$0].name }.sorted()
                report.reasonFacts[reason.code, default: []].insert(facts)
                if reason.isLifted { report.lifted.insert(reason.code) }
            }
        }
    }

    static func outcome(_ evaluation: Evaluation, _ program: Program, _ decision: String) -> String {
        evaluation.result(for: program.decisionIndex(named: decision)!).map { $0.outcome ?? "undetermined" } ?? "-"
    }

    /// No difference, and `compared` vectors compared.
    static func expect(_ report: Report, compared: Int, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        for difference in report.differences {
            Issue.record("machine and reference differ\n\(difference)", sourceLocation: sourceLocation)
        }
        #expect(report.compared == compared, sourceLocation: sourceLocation)
    }

    /// Every decision (but `except`) came out yes, no and undetermined on some vector.
    static func expectEveryOutcome(
        _ report: Report, of program: Program, except: Set<String> = [],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        for decision in program.decisions where !except.contains(decision.name) {
            let seen = report.outcomes[decision.name] ?? []
            #expect(
                seen.isSuperset(of: ["yes", "no", "undetermined"]), "\(decision.name): only \(seen.sorted())",
                sourceLocation: sourceLocation)
        }
    }

    /// The kinds of the tests in each rule's graph, by rule id (following edges from its entry).
    static func testKinds(_ program: Program) -> [String: Set<ConditionTest.Kind>] {
        let plan = CompiledRuleSet(program).plan
        var kinds: [String: Set<ConditionTest.Kind>] = [:]
        for (r, rule) in program.rules.enumerated() {
            var seen = Set<Int32>()
            var pending = [plan.ruleTest[r]]
            while let at = pending.popLast() {
                guard at >= 0, seen.insert(at).inserted else { continue }
                kinds[rule.id, default: []].insert(plan.tests[Int(at)].kind)
                pending += (0..<4).map { plan.testEdges[Int(at) * 4 + $0] }
            }
        }
        return kinds
    }

    /// How many tests a fresh compiler makes for condition node `n` (1 when it falls back to
    /// one whole-condition test).
    static func graphSize(_ plan: Plan, _ n: Int32) -> Int {
        var compiler = ConditionGraphCompiler(nodes: Array(plan.nodes), derived: Array(plan.derived))
        _ = compiler.compile(n)
        return compiler.tests.count
    }
}

extension RuleTest {
    /// `program(_:)` with the checker's refusal of optional truth values switched off.
    static func programAllowingOptionalTruthValues(
        _ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> Program {
        try Checker.$refusesOptionalTruthValues.withValue(false) {
            try program(text, sourceLocation: sourceLocation)
        }
    }
}
