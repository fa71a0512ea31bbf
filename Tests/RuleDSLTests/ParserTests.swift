import RuleDSL
import Testing

@testable import RuleAnalysis
@testable import RuleMachine
@testable import RuleSemantics
@testable import RuleSyntax
@testable import RuleValues

/// Tests for `Parser`: every declaration form, operator precedence, error recovery, the nesting
/// limit, and progress on garbage input.
@Suite struct ParserTests {
    /// Parses a file that must have no diagnostics.
    private func parseClean(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> RuleFile {
        let (file, diagnostics) = RuleTest.parse(text)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))", sourceLocation: sourceLocation)
        return file
    }

    /// The only declaration of a file.
    private func single(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Declaration? {
        let file = parseClean(text, sourceLocation: sourceLocation)
        #expect(file.declarations.count == 1, sourceLocation: sourceLocation)
        return file.declarations.first
    }

    private func names(_ names: [Name]?) -> [String]? {
        names?.map(\.text)
    }

    // MARK: Declarations

    @Test func rulesetHeader() throws {
        let source = MarkedSource(
            """
            ruleset 1️⃣groningen2️⃣ extends 3️⃣national4️⃣
              title "Pilot \\"Groningen\\""
              source "002 uitvoeringsplan"
              valid from 2019-04-01 until 2024-12-31
            """)
        let (file, diagnostics) = Parser.parse(source.source())
        #expect(diagnostics.isEmpty)
        let header = try #require(file.header)
        #expect(header.name == Name("groningen", source.range("1️⃣", "2️⃣")))
        #expect(header.base == Name("national", source.range("3️⃣", "4️⃣")))
        #expect(header.title == "Pilot \"Groningen\"")
        #expect(header.source == "002 uitvoeringsplan")
        #expect(
            header.validity
                == Validity(
                    from: CivilDate(year: 2019, month: 4, day: 1),
                    until: CivilDate(year: 2024, month: 12, day: 31)))
        #expect(file.declarations.isEmpty)
    }

    @Test func headerWithOpenEndedValidity() throws {
        let file = parseClean("ruleset pilot\n  valid until 2024-12-31\n")
        let header = try #require(file.header)
        #expect(header.base == nil)
        #expect(header.title == nil)
        #expect(header.validity == Validity(from: nil, until: CivilDate(year: 2024, month: 12, day: 31)))
    }

    @Test(arguments: VocabularyDeclaration.Kind.allCases)
    func vocabulary(kind: VocabularyDeclaration.Kind) throws {
        guard case .vocabulary(let v) = single("vocabulary \(kind.rawValue) a, b_2,\n  c") else {
            Issue.record("not a vocabulary")
            return
        }
        #expect(v.kind == kind)
        #expect(names(v.words) == ["a", "b_2", "c"])
    }

    @Test func factWithEveryModifier() throws {
        let source = MarkedSource(
            "1️⃣fact 2️⃣entry_ban_years3️⃣: number, whole, at least 0, at most 99, required title \"jaren\"4️⃣")
        let (file, diagnostics) = Parser.parse(source.source())
        #expect(diagnostics.isEmpty)
        guard case .fact(let fact)? = file.declarations.first else {
            Issue.record("not a fact")
            return
        }
        #expect(fact.name == Name("entry_ban_years", source.range("2️⃣", "3️⃣")))
        #expect(fact.type == .number)
        #expect(fact.isWhole && fact.isRequired)
        #expect(!fact.isOptional && !fact.isReference && !fact.isRecorded)
        #expect(fact.atLeast == DecimalNumber(integer: 0))
        #expect(fact.atMost == DecimalNumber(integer: 99))
        #expect(fact.title == "jaren")
        #expect(fact.range == source.range("1️⃣", "4️⃣"))
    }

    /// Fact source, expected type, and flags optional/required/reference/recorded.
    @Test(arguments: [
        ("fact reference_date: date, required, reference", TypeExpression.date, [false, true, true, false]),
        ("fact v_number: text, optional", .text, [true, false, false, false]),
        ("fact flag: bool", .bool, [false, false, false, false]),
        ("fact binding: text, recorded", .text, [false, false, false, true]),
        ("fact delta: number, at least -5", .number, [false, false, false, false]),
    ])
    func factTypesAndFlags(source: String, type: TypeExpression, flags: [Bool]) throws {
        guard case .fact(let fact) = single(source) else {
            Issue.record("not a fact")
            return
        }
        #expect(fact.type == type)
        #expect([fact.isOptional, fact.isRequired, fact.isReference, fact.isRecorded] == flags)
        if source.hasSuffix("-5") { #expect(fact.atLeast == DecimalNumber(integer: -5)) }
    }

    @Test func dottedFactWithEnumeration() throws {
        guard
            case .fact(let fact) = single(
                """
                fact exceptional_admission.decided_by: one of (stuurgroep, lso,
                  mayor), optional title "besloten door"
                """)
        else {
            Issue.record("not a fact")
            return
        }
        #expect(fact.name.text == "exceptional_admission.decided_by")
        guard case .oneOf(let values) = fact.type else {
            Issue.record("not an enumeration")
            return
        }
        #expect(names(values) == ["stuurgroep", "lso", "mayor"])
        #expect(fact.isOptional)
        #expect(fact.title == "besloten door")
    }

    @Test func constantAndDerivedValues() {
        let file = parseClean(
            """
            const EU = {"NL", "BE"} title "lidstaten"
            const START = 2019-04-01
            let age = years_between(birth_date, reference_date) title "leeftijd"
            """)
        #expect(file.declarations.count == 3)
        guard case .constant(let eu) = file.declarations[0], case .constant(let start) = file.declarations[1],
            case .derived(let age) = file.declarations[2]
        else {
            Issue.record("wrong declarations: \(file.declarations)")
            return
        }
        #expect(eu.name.text == "EU")
        #expect(ExpressionDump.dump(eu.value) == "{\"NL\" \"BE\"}")
        #expect(eu.title == "lidstaten")
        #expect(ExpressionDump.dump(start.value) == "2019-04-01")
        #expect(start.title == nil)
        #expect(age.name.text == "age")
        #expect(ExpressionDump.dump(age.value) == "(call years_between birth_date reference_date)")
        #expect(age.title == "leeftijd")
    }

    @Test func decisionWithEveryClause() throws {
        guard
            case .decision(let d) = single(
                """
                decision intake
                  title "Toelating"
                  when admission_date is none
                  outcomes admit, exclude, refer
                  stage exclusion gives exclude
                  stage identification gives refer, overriding unknowns
                  otherwise admit reason default_admit
                """)
        else {
            Issue.record("not a decision")
            return
        }
        #expect(d.name.text == "intake")
        #expect(d.title == "Toelating")
        #expect(d.condition.map(ExpressionDump.dump) == "(none? admission_date)")
        #expect(names(d.outcomes) == ["admit", "exclude", "refer"])
        #expect(d.stages.map(\.name.text) == ["exclusion", "identification"])
        #expect(d.stages.map(\.outcome.text) == ["exclude", "refer"])
        #expect(d.stages.map(\.overridesUnknowns) == [false, true])
        #expect(d.stages.map(\.placement) == [.end, .end])
        #expect(d.otherwise?.text == "admit")
        #expect(d.otherwiseReason?.text == "default_admit")
    }

    @Test func extendDecision() throws {
        guard
            case .extendDecision(let e) = single(
                """
                extend decision scenario_advice
                  stage return_only gives return before procedure
                  stage late gives return, overriding unknowns after onward
                  stage last gives legalisation
                """)
        else {
            Issue.record("not an extension")
            return
        }
        #expect(e.decision.text == "scenario_advice")
        #expect(e.stages.map(\.name.text) == ["return_only", "late", "last"])
        #expect(e.stages.map(\.overridesUnknowns) == [false, true, false])
        guard case .before(let anchor) = e.stages[0].placement, case .after(let other) = e.stages[1].placement else {
            Issue.record("wrong placements")
            return
        }
        #expect(anchor.text == "procedure")
        #expect(other.text == "onward")
        #expect(e.stages[2].placement == .end)
    }

    @Test func ruleWithEveryClause() throws {
        let source = MarkedSource(
            """
            1️⃣rule 2️⃣no_v_number3️⃣
              title "Geen V-nummer"
              source "000 art. 3.3"
              kind identification
              stage 4️⃣intake5️⃣.6️⃣identification7️⃣
              when v_number is none
              reason no_v_number
              refer to police_identification, coa
              action risk_analysis, review_due
              valid from 2024-03-01 until 2024-12-31
              deviation "zoals in de praktijk"8️⃣
            """)
        let (file, diagnostics) = Parser.parse(source.source())
        #expect(diagnostics.isEmpty)
        guard case .rule(let rule)? = file.declarations.first else {
            Issue.record("not a rule")
            return
        }
        #expect(rule.id == Name("no_v_number", source.range("2️⃣", "3️⃣")))
        #expect(rule.role == .rule)
        #expect(!rule.isOverride)
        #expect(rule.title == "Geen V-nummer")
        #expect(rule.source == "000 art. 3.3")
        #expect(rule.kind?.text == "identification")
        #expect(
            rule.placement
                == .stage(
                    decision: Name("intake", source.range("4️⃣", "5️⃣")),
                    stage: Name("identification", source.range("6️⃣", "7️⃣"))))
        #expect(rule.condition.map(ExpressionDump.dump) == "(none? v_number)")
        #expect(rule.reason?.text == "no_v_number")
        #expect(names(rule.referrals) == ["police_identification", "coa"])
        #expect(names(rule.actions) == ["risk_analysis", "review_due"])
        #expect(
            rule.validity
                == Validity(
                    from: CivilDate(year: 2024, month: 3, day: 1),
                    until: CivilDate(year: 2024, month: 12, day: 31)))
        #expect(rule.deviation == "zoals in de praktijk")
        #expect(rule.lifts.isEmpty)
        #expect(rule.range == source.range("1️⃣", "8️⃣"))
    }

    @Test func afterRule() throws {
        guard
            case .rule(let rule) = single(
                """
                rule risk
                  after intake
                  when intake = exclude
                  action risk_analysis
                """)
        else {
            Issue.record("not a rule")
            return
        }
        guard case .after(let decision)? = rule.placement else {
            Issue.record("not placed after")
            return
        }
        #expect(decision.text == "intake")
        #expect(rule.reason == nil)
        #expect(names(rule.actions) == ["risk_analysis"])
    }

    @Test func exceptionWithLifts() throws {
        guard
            case .rule(let exception) = single(
                """
                exception exceptional_admission
                  when exceptional_admission is present
                  lifts kind exclusion, entry_ban, kind narrowing
                  reason exception_granted
                """)
        else {
            Issue.record("not an exception")
            return
        }
        #expect(exception.role == .exception)
        #expect(exception.id.text == "exceptional_admission")
        #expect(exception.placement == nil)
        #expect(exception.lifts.count == 3)
        guard case .kind(let k1) = exception.lifts[0], case .rule(let r) = exception.lifts[1],
            case .kind(let k2) = exception.lifts[2]
        else {
            Issue.record("wrong lift targets \(exception.lifts)")
            return
        }
        #expect([k1.text, r.text, k2.text] == ["exclusion", "entry_ban", "narrowing"])
        #expect(exception.reason?.text == "exception_granted")
    }

    @Test(arguments: [("rule", RuleDeclaration.Role.rule), ("exception", .exception)])
    func override(word: String, role: RuleDeclaration.Role) throws {
        guard case .rule(let rule) = single("override \(word) x\n  when a\n") else {
            Issue.record("not a rule")
            return
        }
        #expect(rule.isOverride)
        #expect(rule.role == role)
        #expect(rule.id.text == "x")
    }

    @Test(arguments: [("rule", RuleDeclaration.Role.rule), ("exception", .exception)])
    func disable(word: String, role: RuleDeclaration.Role) throws {
        guard case .disable(let d) = single("disable \(word) safe_country because \"not in Utrecht\"") else {
            Issue.record("not a disable")
            return
        }
        #expect(d.role == role)
        #expect(d.id.text == "safe_country")
        #expect(d.because == "not in Utrecht")
    }

    @Test func example() throws {
        guard
            case .example(let e) = single(
                """
                example resident: adult, admission_date = 2022-01-10, phase = reception,
                  exceptional_admission.date = 2022-01-01, entry_ban_years = -1, v_number = none, x = unknown
                """)
        else {
            Issue.record("not an example")
            return
        }
        #expect(e.name.text == "resident")
        #expect(names(e.bases) == ["adult"])
        #expect(
            e.assignments.map(\.fact.text) == [
                "admission_date", "phase", "exceptional_admission.date", "entry_ban_years", "v_number", "x",
            ])
        #expect(
            e.assignments.map { ExpressionDump.dump($0.value) } == [
                "2022-01-10", "reception", "2022-01-01", "(neg 1)", "none", "unknown",
            ])
    }

    @Test func testWithEveryClause() throws {
        guard
            case .test(let t) = single(
                """
                test "uitzondering heft inreisverbod op"
                  given adult, entry_ban_years = 15
                  given resident
                  expect intake admit
                  reasons exception_granted, entry_ban_10y
                  referrals none
                  actions risk_analysis
                  missing exceptional_admission.date, birth_date
                  exceptional true
                  expect review undetermined
                  exceptional false
                  violates never_admit_minor, never_admit_entitled
                """)
        else {
            Issue.record("not a test")
            return
        }
        #expect(t.title == "uitzondering heft inreisverbod op")
        #expect(names(t.bases) == ["adult", "resident"])
        #expect(t.assignments.map(\.fact.text) == ["entry_ban_years"])
        #expect(t.expectations.count == 2)
        let first = t.expectations[0]
        #expect(first.decision.text == "intake")
        #expect(first.outcome.text == "admit")
        #expect(names(first.reasons) == ["exception_granted", "entry_ban_10y"])
        #expect(names(first.referrals) == [])
        #expect(names(first.actions) == ["risk_analysis"])
        #expect(names(first.missing) == ["exceptional_admission.date", "birth_date"])
        #expect(first.exceptional == true)
        let second = t.expectations[1]
        #expect(second.outcome.text == "undetermined")
        #expect(second.reasons == nil && second.referrals == nil && second.actions == nil && second.missing == nil)
        #expect(second.exceptional == false)
        #expect(names(t.violates) == ["never_admit_minor", "never_admit_entitled"])
    }

    @Test(arguments: [("never", true), ("always", false)])
    func invariant(word: String, isNever: Bool) throws {
        guard
            case .invariant(let i) = single(
                """
                invariant no_minors
                  title "Nooit een minderjarige"
                  source "001"
                  \(word) intake = admit and age < 18
                """)
        else {
            Issue.record("not an invariant")
            return
        }
        #expect(i.id.text == "no_minors")
        #expect(i.title == "Nooit een minderjarige")
        #expect(i.source == "001")
        #expect(i.isNever == isNever)
        #expect(ExpressionDump.dump(i.expression) == "(and (= intake admit) (< age 18))")
    }

    @Test func responsibilities() throws {
        let file = parseClean(
            """
            responsible "INLIA" for v_number, exceptional_admission.date source "002"
            responsible "IND" for other facts
            """)
        guard case .responsibility(let inlia) = file.declarations[0],
            case .responsibility(let ind) = file.declarations[1]
        else {
            Issue.record("not responsibilities")
            return
        }
        #expect(inlia.party == "INLIA")
        #expect(names(inlia.facts) == ["v_number", "exceptional_admission.date"])
        #expect(inlia.source == "002")
        #expect(ind.party == "IND")
        #expect(ind.facts.isEmpty)
        #expect(ind.source == nil)
    }

    @Test func declarationsKeepFileOrder() {
        let file = parseClean(
            """
            vocabulary reasons r
            fact a: bool
            decision d
              outcomes y, n
              otherwise n
            rule x
              stage d.s
              when a
            """)
        #expect(file.declarations.map(Self.keyword) == ["vocabulary", "fact", "decision", "rule"])
    }

    static func keyword(_ declaration: Declaration) -> String {
        switch declaration {
        case .vocabulary: return "vocabulary"
        case .fact: return "fact"
        case .constant: return "const"
        case .derived: return "let"
        case .decision: return "decision"
        case .extendDecision: return "extend"
        case .rule(let r): return r.role.rawValue
        case .disable: return "disable"
        case .example: return "example"
        case .test: return "test"
        case .invariant: return "invariant"
        case .responsibility: return "responsible"
        }
    }

    // MARK: Expressions and precedence

    /// Parses `let v = <expression>` and dumps the expression.
    private func expression(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
        guard case .derived(let value)? = single("let v = " + text, sourceLocation: sourceLocation) else {
            Issue.record("not parsed as one `let`", sourceLocation: sourceLocation)
            return ""
        }
        return ExpressionDump.dump(value.value)
    }

    @Test(arguments: [
        // not > and > or
        ("not a and b or c", "(or (and (not a) b) c)"),
        ("a or b and c", "(or a (and b c))"),
        ("a or not b and c", "(or a (and (not b) c))"),
        ("not not a", "(not (not a))"),
        ("(a or b) and c", "(and (or a b) c)"),
        ("a and b and c", "(and (and a b) c)"),
        // comparisons bind tighter than not, and and or
        ("not a = b", "(not (= a b))"),
        ("a = b and c != d", "(and (= a b) (!= c d))"),
        ("x < 1 or x <= 2 or x > 3 or x >= 4", "(or (or (or (< x 1) (<= x 2)) (> x 3)) (>= x 4))"),
        ("intake = admit", "(= intake admit)"),
        ("d = 2024-01-01", "(= d 2024-01-01)"),
        ("t != \"NL\"", "(!= t \"NL\")"),
        ("x = none and y = true", "(and (= x none) (= y true))"),
        // in and not in
        ("n in {\"NL\", \"BE\",}", "(in n {\"NL\" \"BE\"})"),
        ("n in EU_MEMBER_STATES", "(in n EU_MEMBER_STATES)"),
        ("n not in {1, 2} and b", "(and (not in n {1 2}) b)"),
        ("not n in S", "(not (in n S))"),
        ("n in {}", "(in n {})"),
        // presence
        ("x is present or y is none", "(or (present x) (none? y))"),
        (
            "exceptional_admission is present and exceptional_admission.date <= reference_date",
            "(and (present exceptional_admission) (<= exceptional_admission.date reference_date))"
        ),
        ("not x is none", "(not (none? x))"),
        // arithmetic: * over + and -, left associative, unary minus tightest
        ("a + b * c - d", "(- (+ a (* b c)) d)"),
        ("a - b - c", "(- (- a b) c)"),
        ("a - (b - c)", "(- a (- b c))"),
        ("-a * b", "(* (neg a) b)"),
        ("- -a", "(neg (neg a))"),
        ("x < y + 1", "(< x (+ y 1))"),
        ("2 * 3.5", "(* 2 3.5)"),
        // calls
        ("add_months(review_base, 3) >= reference_date", "(>= (call add_months review_base 3) reference_date)"),
        ("years_between(birth_date, reference_date) < 18", "(< (call years_between birth_date reference_date) 18)"),
        ("f()", "(call f)"),
        // if then else: the whole expression, or in parentheses
        ("if a then 1 else 2", "(if a 1 2)"),
        ("if a and b then x + 1 else y", "(if (and a b) (+ x 1) y)"),
        ("if a then b else if c then d else e", "(if a b (if c d e))"),
        ("(if a then 1 else 2) > x", "(> (if a 1 2) x)"),
        (
            "if last_review_date is present then last_review_date else admission_date",
            "(if (present last_review_date) last_review_date admission_date)"
        ),
    ])
    func precedence(source: String, tree: String) {
        #expect(expression(source) == tree)
    }

    @Test func expressionRangesJoinTheirOperands() throws {
        let source = MarkedSource("let v = 1️⃣not a and b2️⃣ or 3️⃣c is present4️⃣")
        let (file, diagnostics) = Parser.parse(source.source())
        #expect(diagnostics.isEmpty)
        guard case .derived(let value)? = file.declarations.first,
            case .binary(.or, let left, let right, let range) = value.value
        else {
            Issue.record("not an `or`")
            return
        }
        #expect(left.range == source.range("1️⃣", "2️⃣"))
        #expect(right.range == source.range("3️⃣", "4️⃣"))
        #expect(range == source.range("1️⃣", "4️⃣"))
    }

    @Test func comparisonsDoNotChain() {
        let source = MarkedSource("let v = a = b 1️⃣=2️⃣ c")
        let (_, diagnostics) = Parser.parse(source.source())
        #expect(diagnostics.map(Spot.init) == [Spot("expected-declaration", source.range("1️⃣", "2️⃣"))])
    }

    // MARK: Error recovery

    @Test func severalMistakesAreEachReportedOnceAndGoodDeclarationsStillParse() throws {
        let source = MarkedSource(
            """
            vocabulary reasons r
            fact 1️⃣:2️⃣ bool
            fact b: 3️⃣nmber4️⃣
            fact c: bool, 5️⃣optinal6️⃣
            7️⃣rul8️⃣ first
              stage d.s
              when b
            decision d
              outcomes yes, no
              stage s gives yes
              otherwise no
            rule second
              stage d.s
              9️⃣whn🔟 c = true
              reason r
            🅰test🅱 "expects nothing"
              given c = true
            rule third
              stage d.s
              when (c and b
              🅲reason🅳 r
            fact title: text, optional title 🅴"🅵unterminated
            rule fourth
              stage d.s
              when c
              reason r
            """)
        let (file, diagnostics) = Parser.parse(source.source())
        #expect(
            diagnostics.map(Spot.init) == [
                Spot("expected-name", source.range("1️⃣", "2️⃣")),
                Spot("unknown-type", source.range("3️⃣", "4️⃣")),
                Spot("unknown-modifier", source.range("5️⃣", "6️⃣")),
                Spot("expected-declaration", source.range("7️⃣", "8️⃣")),
                Spot("unexpected-clause", source.range("9️⃣", "🔟")),
                Spot("test-without-expect", source.range("🅰", "🅱")),
                Spot("expected-symbol", source.range("🅲", "🅳")),
                Spot("unterminated-string", source.range("🅴", "🅵")),
            ])
        #expect(
            diagnostics.map(\.help) == [
                nil,
                "did you mean `number`?",
                "did you mean `optional`?",
                "did you mean `rule`?",
                "did you mean `when`?",
                "add a line such as `expect intake admit`",
                nil,
                "add a closing `\"` on the same line",
            ])
        // Every good declaration after a mistake is still there, with its clauses.
        let rules = file.declarations.compactMap { declaration -> RuleDeclaration? in
            if case .rule(let r) = declaration { return r }
            return nil
        }
        #expect(rules.map(\.id.text) == ["second", "third", "fourth"])
        #expect(rules.map { $0.reason?.text } == ["r", "r", "r"])
        #expect(rules.map { $0.condition.map(ExpressionDump.dump) } == [nil, "(and c b)", "c"])
        #expect(
            file.declarations.map(Self.keyword) == [
                "vocabulary", "fact", "fact", "fact", "decision", "rule", "test", "rule", "fact", "rule",
            ])
        guard case .decision(let d) = file.declarations[4] else {
            Issue.record("decision lost")
            return
        }
        #expect(names(d.outcomes) == ["yes", "no"])
        #expect(d.otherwise?.text == "no")
    }

    @Test func misspelledKeywordAfterADecisionIsOneError() {
        let source = MarkedSource(
            """
            decision d
              outcomes y, n
              stage s gives y
              otherwise n
            1️⃣rul2️⃣ x
              stage d.s
              when a
            """)
        let (_, diagnostics) = Parser.parse(source.source())
        #expect(diagnostics.map(Spot.init) == [Spot("expected-declaration", source.range("1️⃣", "2️⃣"))])
    }

    /// Whatever declaration comes before it, a misspelled keyword is one error at that word; the
    /// lines of the misspelled declaration are skipped, not read as clauses of the one before.
    @Test(arguments: [
        "rule a\n  stage d.s\n  when b\n",
        "exception a\n  when b\n  lifts kind k\n",
        "fact a: bool, optional title \"a\"\n",
        "test \"t\"\n  given a = true\n  expect d y\n",
        "invariant i\n  never d = y\n",
        "extend decision d\n  stage t gives y\n",
        "ruleset r\n  title \"r\"\n",
        "",  // the start of the file
    ])
    func misspelledKeywordAfterAnyDeclarationIsOneError(before: String) {
        let source = MarkedSource(before + "1️⃣rul2️⃣ x\n  stage d.s\n  when a\n  reason r\n")
        let (_, diagnostics) = Parser.parse(source.source())
        #expect(diagnostics.map(Spot.init) == [Spot("expected-declaration", source.range("1️⃣", "2️⃣"))])
        #expect(diagnostics.map(\.help) == ["did you mean `rule`?"])
    }

    @Test func ruleBeforeAMisspelledRuleKeepsItsOwnClauses() throws {
        let (file, diagnostics) = RuleTest.parse("rule a\n  when b\nrul x\n  stage d.s\n  when c\n")
        #expect(diagnostics.map(\.code) == ["expected-declaration"])
        guard case .rule(let rule)? = file.declarations.first else {
            Issue.record("rule lost")
            return
        }
        #expect(file.declarations.count == 1)
        #expect(rule.placement == nil)
        #expect(rule.condition.map(ExpressionDump.dump) == "b")
    }

    @Test func testBeforeAMisspelledTestKeepsItsOwnClauses() throws {
        let source = MarkedSource(
            """
            test "first"
              expect d y
            1️⃣tst2️⃣ "second"
              given a = true
              expect d n
            """)
        let (file, diagnostics) = Parser.parse(source.source())
        #expect(diagnostics.map(Spot.init) == [Spot("expected-declaration", source.range("1️⃣", "2️⃣"))])
        #expect(diagnostics.map(\.help) == ["did you mean `test`?"])
        guard case .test(let test)? = file.declarations.first else {
            Issue.record("test lost")
            return
        }
        #expect(file.declarations.count == 1)
        #expect(test.assignments.isEmpty)
        #expect(test.expectations.map(\.outcome.text) == ["y"])
    }

    /// A word nearer to a clause word than to any declaration keyword stays in its declaration,
    /// so the clauses after it still count.
    @Test func misspelledClauseInADecisionIsOneErrorAndTheDecisionGoesOn() throws {
        let source = MarkedSource(
            """
            decision d
              outcomes y, n
              1️⃣stag2️⃣ s gives y
              stage t gives n
              otherwise n
            """)
        let (file, diagnostics) = Parser.parse(source.source())
        #expect(diagnostics.map(Spot.init) == [Spot("unexpected-clause", source.range("1️⃣", "2️⃣"))])
        #expect(diagnostics.map(\.help) == ["did you mean `stage`?"])
        guard case .decision(let d)? = file.declarations.first else {
            Issue.record("decision lost")
            return
        }
        #expect(d.stages.map(\.name.text) == ["t"])
        #expect(d.otherwise?.text == "n")
    }

    @Test
    func messagesAreOneLine() {
        let (_, diagnostics) = RuleTest.parse("fact a: bool\n\"two\\nlines\"\n")
        #expect(diagnostics.count == 1)
        #expect(diagnostics.allSatisfy { !$0.message.contains("\n") })
    }

    @Test
    func setsHoldNegativeNumbers() {
        let (file, diagnostics) = RuleTest.parse("let v = n in {-1, 2}")
        #expect(diagnostics.isEmpty)
        guard case .derived(let value)? = file.declarations.first else { return }
        #expect(ExpressionDump.dump(value.value) == "(in n {(neg 1) 2})")
    }

    @Test func misplacedAndDuplicateRuleset() {
        let source = MarkedSource("fact a: bool\nruleset 1️⃣x2️⃣\nruleset 3️⃣y4️⃣\n")
        let (file, diagnostics) = Parser.parse(source.source())
        #expect(
            diagnostics.map(Spot.init) == [
                Spot("misplaced-ruleset", source.range("1️⃣", "2️⃣")),
                Spot("duplicate-ruleset", source.range("3️⃣", "4️⃣")),
            ])
        #expect(file.header?.name.text == "x")
    }

    @Test func errorsAreCappedPerFile() {
        let text = String(repeating: "fact : bool\n", count: 150)
        let (file, diagnostics) = RuleTest.parse(text)
        #expect(diagnostics.count == Parser.maximumErrors)
        #expect(diagnostics.allSatisfy { $0.code == "expected-name" })
        #expect(file.declarations.count >= Parser.maximumErrors)
    }

    @Test func diagnosticsAreSortedByLocation() {
        let (_, diagnostics) = RuleTest.parse("fact a: nmber\nfact xé: bool\nrul x\nfact b: bool, optinal\n")
        #expect(diagnostics.count == 4)
        #expect(diagnostics.map(\.range.start) == diagnostics.map(\.range.start).sorted())
    }

    // MARK: Nesting

    private func ruleFile(condition: String) -> String {
        """
        vocabulary reasons r
        fact a: bool
        decision d
          outcomes y, n
          stage s gives y
          otherwise n
        rule x
          stage d.s
          when \(condition)
          reason r
        rule after_it
          stage d.s
          when a
          reason r

        """
    }

    /// Depth 1 is the expression itself; each `(`, `not` or unary `-` adds one.
    @Test(arguments: ["(", "not ", "- "])
    func nestingUpToTheLimitIsAccepted(opener: String) {
        let depth = Parser.maximumNesting - 1
        let closer = opener == "(" ? ")" : ""
        let (_, diagnostics) = RuleTest.parse(
            ruleFile(
                condition: String(repeating: opener, count: depth) + "a" + String(repeating: closer, count: depth)))
        #expect(diagnostics.isEmpty)
    }

    @Test(arguments: [64, 10_000])
    func deepNotGivesOneErrorAtTheFirstTooDeepWord(count: Int) {
        let prefix = "vocabulary reasons r\nrule x\n  when "
        let text = prefix + String(repeating: "not ", count: count) + "a\nrule y\n  when a\n"
        let (file, diagnostics) = RuleTest.parse(text)
        // The 64th `not` is one level too deep: the error points at the word after it.
        let tooDeepAt = prefix.utf8.count + 4 * Parser.maximumNesting
        let length = count == Parser.maximumNesting ? 1 : 3  // `a`, or the 65th `not`
        #expect(
            diagnostics.map(Spot.init) == [
                Spot("too-deep", SourceRange(file: 0, start: tooDeepAt, end: tooDeepAt + length))
            ])
        #expect(diagnostics.first?.message == "expression nested deeper than 64 levels")
        // Parsing resumes at the next declaration.
        #expect(file.declarations.count == 3)
    }

    @Test func deepParenthesesDoNotCrashAndParsingResumes() {
        let text = ruleFile(condition: String(repeating: "(", count: 10_000) + "a")
        let (file, diagnostics) = RuleTest.parse(text)
        #expect(diagnostics.filter { $0.code == "too-deep" }.count == 1)
        #expect(diagnostics.count <= Parser.maximumErrors)
        #expect(file.declarations.count >= 3)
    }

    @Test(arguments: [65, 100, 10_000])
    func deepParenthesesGiveExactlyOneError(count: Int) {
        // Balanced parentheses: the only mistake is the depth.
        let balanced = String(repeating: "(", count: count) + "a" + String(repeating: ")", count: count)
        let (_, diagnostics) = RuleTest.parse(ruleFile(condition: balanced))
        #expect(diagnostics.map(\.code) == ["too-deep"])
        let (_, unbalanced) = RuleTest.parse(ruleFile(condition: String(repeating: "(", count: count)))
        #expect(unbalanced.map(\.code) == ["too-deep"])
    }

    @Test
    func deepSetsGiveOneErrorAndNoCrash() {
        let (_, diagnostics) = RuleTest.parse(ruleFile(condition: "a in " + String(repeating: "{", count: 100_000)))
        #expect(diagnostics.filter { $0.code == "too-deep" }.count == 1)
    }

    // MARK: Progress on garbage

    static let soupWords: [String] = [
        // declaration keywords and clause words
        "ruleset", "vocabulary", "fact", "const", "let", "decision", "extend", "rule", "exception", "override",
        "disable", "example", "test", "invariant", "responsible", "extends", "title", "source", "valid", "from",
        "until", "reasons", "referrals", "actions", "optional", "required", "reference", "whole", "recorded", "at",
        "least", "most", "one", "of", "bool", "number", "text", "date", "when", "outcomes", "stage", "gives",
        "overriding", "unknowns", "before", "after", "otherwise", "reason", "kind", "refer", "to", "action",
        "deviation", "lifts", "because", "given", "expect", "missing", "exceptional", "violates", "never", "always",
        "for", "other", "facts", "and", "or", "not", "in", "is", "present", "none", "unknown", "true", "false", "if",
        "then", "else",
        // names, literals, symbols, trivia and bad bytes
        "a", "b", "d", "s", "x.y", "intake", "add_months", "0", "10", "3.5", "99999999999999999", "-1",
        "2024-02-29", "2023-02-29", "\"t\"", "\"a\\qb\"", "\"open", "=", "!=", "<", "<=", ">", ">=", "(", ")", "{",
        "}", ",", ":", ".", "+", "-", "*", "!", "\n", "\n", "\n", "# comment\n", "é", "\u{0}", "🚀",
    ]

    @Test func parserTerminatesOnTokenSoupAndDiagnosticsHaveValidRanges() {
        var generator = SeededGenerator(seed: 2024)
        var withErrors = 0
        for _ in 0..<2_000 {
            let count = Int.random(in: 1...120, using: &generator)
            var text = ""
            for _ in 0..<count {
                text += Self.soupWords.randomElement(using: &generator)!
                text += Bool.random(using: &generator) ? " " : ""
            }
            let source = SourceFile(path: "soup.rules", text: text)
            let (file, diagnostics) = Parser.parse(source)
            if !diagnostics.isEmpty { withErrors += 1 }
            #expect(diagnostics.count <= Parser.maximumErrors)
            for diagnostic in diagnostics {
                let range = diagnostic.range
                let valid =
                    range.file == 0 && 0 <= range.start && range.start <= range.end
                    && range.end <= source.bytes.count
                #expect(valid, "bad range \(range) for \(diagnostic.code) in \(text.debugDescription)")
                #expect(!diagnostic.message.isEmpty)
            }
            // Rendering never fails and starts every diagnostic with its location.
            let rendered = DiagnosticRenderer(files: [source]).render(diagnostics)
            #expect(
                rendered.components(separatedBy: "\n").filter { $0.hasPrefix("soup.rules:") }.count >= diagnostics.count
            )
            // A soup that happens to parse prints back to a text that parses to the same print.
            if diagnostics.isEmpty {
                let printed = ASTPrinter.print(file)
                let (again, againDiagnostics) = RuleTest.parse(printed)
                #expect(againDiagnostics.isEmpty, "\(printed.debugDescription)")
                #expect(ASTPrinter.print(again) == printed)
            }
        }
        // The soup is garbage: nearly every case must have been reported.
        #expect(withErrors > 1_900)
    }

    @Test func loaderSurvivesMutatedRuleFiles() throws {
        // Start from the real national file and damage it: drop, duplicate or swap a few lines.
        let national = try RulePaths.source(RulePaths.rulesFolder.appendingPathComponent("national.rules"))
        let lines = String(decoding: national.bytes, as: UTF8.self).components(separatedBy: "\n")
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<200 {
            var mutated = lines
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let i = Int.random(in: 0..<mutated.count, using: &generator)
                let j = Int.random(in: 0..<mutated.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: mutated.remove(at: i)
                case 1: mutated.insert(mutated[j], at: i)
                case 2: mutated.swapAt(i, j)
                default:
                    let words = mutated[i].split(separator: " ", omittingEmptySubsequences: false)
                    mutated[i] = words.shuffled(using: &generator).joined(separator: " ")
                }
            }
            let text = mutated.joined(separator: "\n")
            let result = RuleTest.load(text)
            let size = text.utf8.count
            for diagnostic in result.diagnostics {
                #expect(diagnostic.range.start >= 0 && diagnostic.range.end <= size)
            }
            _ = RuleTest.rendered(result)
            if let program = result.program {
                _ = TestRunner(program: program).run()
            }
        }
    }
}
