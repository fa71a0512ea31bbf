import Foundation
import RuleDSL
import Testing

@testable import RuleAnalysis
@testable import RuleMachine
@testable import RuleSemantics
@testable import RuleSyntax
@testable import RuleValues

/// Rule files written to break the tool (issue 16, the rule-file half): each test generates its
/// hostile input, and checks that it gives a located diagnostic, or runs through every pass
/// (checker, plan, both evaluators with and without a trace, tests, prover, diff, printer)
/// without a crash and without blowing up. Limits: docs/hardening.md.
struct HostileRuleFileTests {
    /// A small rule set to append hostile declarations to.
    static let base = """
        ruleset hostile
        vocabulary reasons r, s
        fact a: bool
        fact b: bool
        fact n: number
        fact d: date
        fact o: number, optional
        decision q
          outcomes yes, no
          stage s gives yes
          otherwise no

        """

    static func rule(_ condition: String, id: String = "x") -> String {
        "rule \(id)\n  stage q.s\n  when \(condition)\n  reason r\n"
    }

    /// Byte offset of the `k`-th (1-based) occurrence of `needle` in `text`.
    static func offset(of needle: String, occurrence k: Int, in text: String) -> Int {
        var count = 0
        var index = text.startIndex
        while let found = text.range(of: needle, range: index..<text.endIndex) {
            count += 1
            if count == k { return text.utf8.distance(from: text.startIndex, to: found.lowerBound) }
            index = found.upperBound
        }
        preconditionFailure("only \(count) of \(needle)")
    }

    /// Every evaluation pass over a program: machine and reference agree with and without a
    /// trace on a few cases, the file's tests run, the prover and a diff against itself finish.
    static func runEveryPass(_ program: Program, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let machine = MachineEvaluator(program: program)
        let reference = ReferenceEvaluator(program: program)
        let cases: [[Value?]] = [
            program.facts.map { _ in nil },
            program.facts.map { fact in fact.type == .bool ? .bool(true) : (fact.type == .number ? .number(3) : nil) },
            program.facts.map { fact in fact.type == .bool ? .bool(false) : (fact.type == .number ? .number(0) : nil) },
        ]
        for facts in cases {
            #expect(Self.difference(machine, reference, facts) == nil, sourceLocation: sourceLocation)
        }
        _ = TestRunner(program: program).run()
        var prover = Prover(program: program)
        prover.maximumSteps = 200_000
        for invariant in program.invariants { _ = prover.check(invariant) }
        var diff = DecisionDiff(old: program, new: program)
        diff.maximumSteps = 200_000
        _ = diff.regions()
        for rule in program.rules { _ = ASTPrinter.print(rule: rule.declaration, asOverride: false) }
    }

    /// Where the machine and the reference evaluator differ on `facts`, with and without a
    /// trace; nil when they agree.
    static func difference(_ machine: MachineEvaluator, _ reference: ReferenceEvaluator, _ facts: [Value?]) -> String? {
        for trace in [true, false] {
            let fast = machine.evaluate(facts, trace: trace)
            let plain = reference.evaluate(facts, trace: trace)
            if fast.results != plain.results { return "results differ (trace: \(trace))" }
            if fast.trace != plain.trace { return "traces differ" }
        }
        return nil
    }

    // MARK: 1. Long operator chains

    @Test(arguments: [" or ", " and ", " + ", " - ", " * "])
    func aChainOfThousandsOfTermsIsOneLocatedError(op: String) {
        let term = op == " or " || op == " and " ? "a" : "n"
        let chain = Array(repeating: term, count: 6_000).joined(separator: op) + (term == "n" ? " > 1" : "")
        let text = Self.base + Self.rule(chain)
        let result = RuleTest.load(text)
        #expect(result.program == nil)
        #expect(result.errors.map(\.code) == ["too-deep"], "\(RuleTest.rendered(result).prefix(500))")
        if op == " or " {
            // The 256th `or` makes the tree 257 levels high.
            let at = Self.offset(of: " or ", occurrence: 256, in: text) + 1
            #expect(result.errors.first?.range == SourceRange(file: 0, start: at, end: at + 2))
        }
    }

    @Test func aChainJustUnderTheLimitRunsThroughEveryPass() throws {
        let chain = (0..<250).map { $0 % 2 == 0 ? "a" : "b" }.joined(separator: " or ")
        let sum = Array(repeating: "n", count: 200).joined(separator: " + ") + " > 400"
        let text =
            Self.base + Self.rule(chain) + Self.rule(sum, id: "y")
            + "invariant i\n  never q = yes and not a and not b and n < 1\n"
        let program = try RuleTest.program(text)
        Self.runEveryPass(program)
        // Printed and parsed again, a chain stays a chain (no parentheses as deep as it is long).
        let (file, _) = RuleTest.parse(text)
        let printed = ASTPrinter.print(file)
        let (again, diagnostics) = RuleTest.parse(printed)
        #expect(diagnostics.isEmpty)
        #expect(ASTPrinter.print(again) == printed)
    }

    // MARK: 2. Long `let` and `example` chains

    @Test(arguments: [false, true])
    func aLongLetChainIsATooDeepError(backwards: Bool) {
        var lines = ["let l0 = a"] + (1...10_000).map { "let l\($0) = l\($0 - 1) or a" }
        if backwards { lines.reverse() }
        let result = RuleTest.load(Self.base + lines.joined(separator: "\n") + "\n" + Self.rule("l10000"))
        #expect(result.program == nil)
        #expect(!result.errors.isEmpty)
        #expect(result.errors.allSatisfy { $0.code == "too-deep" }, "\(RuleTest.rendered(result).prefix(500))")
        #expect(result.errors.count <= 3)
    }

    @Test func aLetChainUnderTheLimitRunsThroughEveryPassWithATrace() throws {
        let lines = ["let l0 = a"] + (1...120).map { "let l\($0) = l\($0 - 1) or b" }
        let text =
            Self.base + lines.joined(separator: "\n") + "\n" + Self.rule("l120 and n > 2")
            + "test \"chain\"\n  given a = true, n = 3\n  expect q yes\n"
        let program = try RuleTest.program(text)
        Self.runEveryPass(program)
        #expect(TestRunner(program: program).run().failed == 0)
    }

    @Test func thirtyThousandChainedExamplesAreWorkedOutWithoutRecursion() throws {
        let examples = ["example e0: a = true"] + (1...30_000).map { "example e\($0): e\($0 - 1)" }
        let text =
            Self.base + examples.joined(separator: "\n") + "\n" + Self.rule("a")
            + "test \"deep\"\n  given e30000, n = 1\n  expect q yes\n"
        let program = try RuleTest.program(text)
        let test = try #require(program.tests.first)
        #expect(test.facts[program.factSlots["a"]!] == .bool(true))
        #expect(TestRunner(program: program).run().failed == 0)
    }

    // MARK: 3. Shared definitions

    @Test func sharedLetsConstsAndExamplesAreNotExpandedIntoTrees() throws {
        // Each doubles the tree written out; 60 levels would be 2^60 nodes.
        let lets = ["let l0 = a"] + (1...60).map { "let l\($0) = l\($0 - 1) or l\($0 - 1)" }
        let consts = ["const c0 = 1"] + (1...60).map { "const c\($0) = c\($0 - 1) + c\($0 - 1) - c\($0 - 1)" }
        let examples = ["example e0: a = true"] + (1...60).map { "example e\($0): e\($0 - 1), e\($0 - 1)" }
        let conditionals = ["let k0 = a"] + (1...60).map { "let k\($0) = if b then k\($0 - 1) else not k\($0 - 1)" }
        let text =
            Self.base + (lets + consts + examples + conditionals).joined(separator: "\n") + "\n"
            + Self.rule("l60 and n > c60") + Self.rule("k60", id: "y")
            + "test \"shared\"\n  given e60, b = false, n = 2\n  expect q yes\n"
            + "invariant i\n  never q = yes and not a\n"
        let program = try RuleTest.program(text)
        Self.runEveryPass(program)
        #expect(TestRunner(program: program).run().failed == 0)
    }

    // MARK: 4. Budgets and sizes

    @Test func theProverAndTheDiffStopAtTheirBudgetAndSaySo() throws {
        let rules = (0..<300).map { Self.rule("n > \($0) and a", id: "r\($0)") }.joined()
        let text = Self.base + rules + "invariant i\n  never q = yes and not a\n"
        let program = try RuleTest.program(text)
        var prover = Prover(program: program)
        prover.maximumSteps = 1_000
        guard case .unproven(let reason, _) = prover.check(program.invariants[0]) else {
            Issue.record("a search past its budget must be unproven")
            return
        }
        #expect(reason.hasPrefix("budget:"))
        let changed = try RuleTest.program(text.replacingOccurrences(of: "n > 7 and a", with: "n > 8 and a"))
        var diff = DecisionDiff(old: program, new: changed)
        diff.maximumSteps = 1_000
        let result = diff.regions()
        #expect(!result.complete)
        #expect(result.cutShort.contains { $0.contains(": budget: the search passed 1000 evaluation steps") })
    }

    @Test func tenThousandRulesLoad() throws {
        let rules = (0..<10_000).map { Self.rule("n > \($0)", id: "r\($0)") }.joined()
        let program = try RuleTest.program(Self.base + rules)
        #expect(program.rules.count == 10_000)
    }

    @Test func aLongChainOfDecisionsReadingEachOtherIsAnError() {
        var text = Self.base
        for k in 0..<12 {
            text += "decision d\(k)\n  outcomes yes, no\n  otherwise no\n"
            if k > 0 { text += "rule after\(k)\n  after d\(k)\n  when d\(k - 1) = no\n  reason r\n" }
        }
        let result = RuleTest.load(text)
        #expect(result.errors.map(\.code) == ["too-deep"], "\(RuleTest.rendered(result))")
    }

    // MARK: 11. Numbers beyond the range

    @Test func aConstantBeyondTheRangeIsAnError() {
        let source = MarkedSource(Self.base + "rule x\n  stage q.s\n  when 1️⃣999999999999 + 12️⃣ > 1\n  reason r\n")
        let result = RuleTest.load(source.text)
        #expect(result.errors.map(Spot.init) == [Spot("out-of-range", source.range("1️⃣", "2️⃣"))])
        #expect(!result.diagnostics.contains { $0.code == "never-fires" })
    }

    @Test func arithmeticBeyondTheRangeIsUnknownNeverFalse() throws {
        let text =
            Self.base + Self.rule("not (n * 999999999999 > 1)") + Self.rule("n * 999999999999 < 1", id: "y")
            + Self.rule("years_between(add_days(d, n * 1000000), d) > 1", id: "z")
        let program = try RuleTest.program(text)
        let facts: [Value?] = program.facts.map { fact in
            switch fact.name {
            case "n": return .number(5)
            case "d": return .date("2020-01-01")
            case "a", "b": return .bool(false)
            default: return fact.isOptional ? Value.none : nil
            }
        }
        let machine = MachineEvaluator(program: program)
        let evaluation = machine.evaluate(facts)
        // Neither `> 1` nor `< 1` is false: the decision is undetermined, not `no`.
        #expect(evaluation.result(for: 0)?.outcome == nil)
        #expect(Self.difference(machine, ReferenceEvaluator(program: program), facts) == nil)
        #expect(machine.evaluate(facts, trace: false).result(for: 0)?.outcome == nil)
    }

    // MARK: 12, 13, 17. Names, line ends, NUL, invisible characters

    @Test func aRuleSetNamedOtherwiseThanItsFileIsAnError() {
        let source = MarkedSource("ruleset 1️⃣amsterdam2️⃣\nfact a: bool, recorded\n")
        let result = RuleSetLoader.load(SourceFile(path: "rules/groningen.rules", text: source.text)) { _ in nil }
        #expect(result.program == nil)
        #expect(result.errors.map(Spot.init) == [Spot("ruleset-name", source.range("1️⃣", "2️⃣"))])
        #expect(result.errors.first?.message == "the rule set is called `amsterdam`, but its file is `groningen.rules`")
        let right = RuleSetLoader.load(SourceFile(path: "rules/amsterdam.rules", text: source.text)) { _ in nil }
        #expect(right.errors.isEmpty)
    }

    @Test func bareCarriageReturnsAreRefusedWhereTheFirstIs() {
        let text = "# pilot\rruleset hostile\rfact a: bool, recorded\r"
        let result = RuleTest.load(text)
        #expect(result.errors.map(Spot.init) == [Spot("bare-cr", SourceRange(file: 0, start: 7, end: 8))])
        // CRLF is fine.
        #expect(RuleTest.load("# pilot\r\nruleset hostile\r\nfact a: bool, recorded\r\n").errors.isEmpty)
    }

    @Test(arguments: ["", "# only a comment\n# and another\n", "\n\n  \n"])
    func aFileThatDeclaresNothingIsAnErrorNamingIt(text: String) {
        let result = RuleSetLoader.load(chain: [SourceFile(path: "rules/groningen.rules", text: text)])
        #expect(result.errors.map(\.code) == ["empty-file"])
        #expect(result.errors.first?.message == "`groningen.rules` declares nothing")
    }

    @Test func aNULByteAnywhereIsAnErrorAtItsPlace() {
        let text = "ruleset hostile\n# a comment with \u{0} in it\nfact a: bool, recorded\n"
        let at = Self.offset(of: "\u{0}", occurrence: 1, in: text)
        let result = RuleTest.load(text)
        #expect(result.errors.map(Spot.init) == [Spot("nul-byte", SourceRange(file: 0, start: at, end: at + 1))])
    }

    @Test(arguments: [
        "\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{202A}", "\u{202E}", "\u{2066}", "\u{2069}",
    ])
    func anInvisibleCharacterInATextIsAWarningAtItsPlace(character: String) throws {
        let text =
            Self.base + "fact p: text title \"Noord\(character)-Brabant\"\n"
            + Self.rule("p = \"Noord\(character)-Brabant\"")
        let result = RuleTest.load(text)
        #expect(result.program != nil)
        let first = Self.offset(of: character, occurrence: 1, in: text)
        let second = Self.offset(of: character, occurrence: 2, in: text)
        let warnings = result.diagnostics.filter { $0.code == "invisible-character" }
        #expect(
            warnings.map(\.range) == [
                SourceRange(file: 0, start: first, end: first + 3),
                SourceRange(file: 0, start: second, end: second + 3),
            ])
        #expect(warnings.allSatisfy { $0.severity == .warning })
    }

    // MARK: Smaller points

    @Test func aFactGivenTwiceIsAnError() {
        let source = MarkedSource(
            Self.base + Self.rule("a") + "test \"t\"\n  given a = true, 1️⃣a2️⃣ = false\n  expect q yes\n")
        let result = RuleTest.load(source.text)
        #expect(result.errors.map(Spot.init) == [Spot("repeated-fact", source.range("1️⃣", "2️⃣"))])
    }

    @Test func aCyclicExampleNoTestUsesIsAnError() {
        let source = MarkedSource(Self.base + Self.rule("a") + "example e1: e2, a = true\nexample e2: 1️⃣e12️⃣\n")
        let result = RuleTest.load(source.text)
        #expect(result.errors.map(Spot.init) == [Spot("cycle", source.range("1️⃣", "2️⃣"))])
    }

    @Test func extendsWithAPathSaysABaseIsAName() {
        let source = MarkedSource("ruleset groningen extends 1️⃣.2️⃣./../etc/passwd\n")
        let result = RuleSetLoader.load(SourceFile(path: "groningen.rules", text: source.text)) { _ in nil }
        #expect(result.errors.first.map(Spot.init) == Spot("base-not-a-name", source.range("1️⃣", "2️⃣")))
        #expect(!result.errors.contains { $0.code == "unknown-base" })
    }
}
