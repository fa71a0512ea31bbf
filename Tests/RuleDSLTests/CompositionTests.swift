import RuleDSL
import Testing

@testable import RuleAnalysis
@testable import RuleMachine
@testable import RuleSemantics
@testable import RuleSyntax
@testable import RuleValues

/// Tests for composition: a pilot file extending a base file, adding, overriding and switching
/// off rules, and inserting stages into a decision of the base.
@Suite struct CompositionTests {
    static let base = """
        ruleset base
        vocabulary reasons entry_ban_10y, declared_undesirable, no_regional_binding, identity_doubt, return_only
        vocabulary referrals police_identification
        vocabulary actions risk_analysis
        fact entry_ban_years: number, whole, at least 0
        fact declared_undesirable: bool
        fact identity_doubt: bool
        fact binding_province: text
        fact pending_procedure: bool
        decision intake
          outcomes admit, exclude, refer
          stage exclusion gives exclude
          stage identification gives refer
          otherwise admit
        decision advice
          outcomes return, legalisation
          stage procedure gives legalisation
          stage onward gives legalisation
          otherwise return
        rule entry_ban
          kind exclusion
          stage intake.exclusion
          when entry_ban_years >= 10
          reason entry_ban_10y
        rule declared_undesirable
          kind exclusion
          stage intake.exclusion
          when declared_undesirable = true
          reason declared_undesirable
        rule identity_doubt
          stage intake.identification
          when identity_doubt = true
          reason identity_doubt
          refer police_identification
        rule pending_procedure
          stage advice.procedure
          when pending_procedure = true
          reason entry_ban_10y
        test "base test, not run for a pilot"
          given entry_ban_years = 0, declared_undesirable = false, identity_doubt = false
          expect intake admit

        """

    /// Facts of an ordinary admissible case.
    static let ordinary: [String: Value?] = [
        "entry_ban_years": .number(0), "declared_undesirable": .bool(false), "identity_doubt": .bool(false),
        "binding_province": .text("Groningen"), "pending_procedure": .bool(false),
    ]

    private func pilot(_ text: String) throws -> CaseRunner {
        try CaseRunner(chain: [Self.base, "ruleset pilot extends base\n" + text])
    }

    private func with(_ changes: [String: Value?]) -> [String: Value?] {
        Self.ordinary.merging(changes) { $1 }
    }

    @Test func baseAloneRunsItsOwnTests() throws {
        let program = try RuleTest.program(Self.base)
        #expect(program.tests.map(\.title) == ["base test, not run for a pilot"])
        #expect(program.rules.allSatisfy { $0.origin == .declared(file: 0) })
    }

    @Test func pilotAddsARule() throws {
        let runner = try pilot(
            """
            rule regional_binding
              kind narrowing
              stage intake.exclusion
              when binding_province != "Groningen"
              reason no_regional_binding
            """)
        #expect(runner.outcome("intake", with(["binding_province": .text("Drenthe")])) == "exclude")
        #expect(
            runner.reasons(runner.result("intake", with(["binding_province": .text("Drenthe")]))) == [
                "no_regional_binding"
            ])
        #expect(runner.outcome("intake", Self.ordinary) == "admit")
        let program = runner.program
        let origins = Dictionary(uniqueKeysWithValues: program.rules.map { ($0.id, $0.origin) })
        #expect(origins["regional_binding"] == .declared(file: 1))
        #expect(origins["entry_ban"] == .inherited(file: 0))
        // Only the pilot's tests are kept: the base's tests check the base on its own.
        #expect(program.tests.isEmpty)
        #expect(program.name == "pilot")
        #expect(program.files.map(\.path) == ["file0.rules", "file1.rules"])
    }

    @Test func pilotOverridesARuleById() throws {
        let runner = try pilot(
            """
            override rule entry_ban
              kind exclusion
              stage intake.exclusion
              when entry_ban_years >= 5
              reason entry_ban_10y
              deviation "strenger dan landelijk"
            """)
        let rule = try #require(runner.program.rules.first { $0.id == "entry_ban" })
        #expect(rule.origin == .overridden(file: 1, baseFile: 0))
        #expect(rule.deviation == "strenger dan landelijk")
        #expect(runner.program.rules.filter { $0.id == "entry_ban" }.count == 1)
        #expect(runner.outcome("intake", with(["entry_ban_years": .number(6)])) == "exclude")
        #expect(runner.outcome("intake", with(["entry_ban_years": .number(4)])) == "admit")
    }

    @Test func overrideKeepsTheRuleLiftableByKind() throws {
        let runner = try pilot(
            """
            vocabulary reasons granted
            fact granted: bool
            override rule declared_undesirable
              kind exclusion
              stage intake.exclusion
              when declared_undesirable = true and entry_ban_years > 0
              reason declared_undesirable
            exception granted
              when granted = true
              lifts kind exclusion
              reason granted
            """)
        let facts = with(["declared_undesirable": .bool(true), "entry_ban_years": .number(1), "granted": .bool(true)])
        let result = runner.result("intake", facts)
        #expect(result?.outcome == "admit")
        #expect(result?.exceptional == true)
    }

    @Test func overrideWithTheWrongRoleIsAnError() {
        let result = RuleTest.load(chain: [
            Self.base,
            "ruleset pilot extends base\noverride exception entry_ban\n  when entry_ban_years > 1\n  lifts identity_doubt\n",
        ])
        #expect(result.diagnostics.map(\.code).contains("override-role"))
        #expect(
            result.diagnostics.first { $0.code == "override-role" }?.message
                == "`entry_ban` is a rule, not an exception")
    }

    @Test func pilotDisablesARule() throws {
        let runner = try pilot("disable rule declared_undesirable because \"in deze pilot niet toegepast\"\n")
        #expect(runner.outcome("intake", with(["declared_undesirable": .bool(true)])) == "admit")
        #expect(!runner.program.rules.contains { $0.id == "declared_undesirable" })
        let disabled = try #require(runner.program.disabled.first)
        #expect(runner.program.disabled.count == 1)
        #expect(disabled.id == "declared_undesirable")
        #expect(disabled.because == "in deze pilot niet toegepast")
        #expect(disabled.declaration.reason?.text == "declared_undesirable")
        #expect(disabled.range.file == 1)
        // Other rules are untouched.
        #expect(runner.outcome("intake", with(["entry_ban_years": .number(10)])) == "exclude")
    }

    @Test func disablingALiftedRuleBreaksTheLiftByIdButNotByKind() {
        let byId = RuleTest.load(chain: [
            Self.base + "exception waiver\n  when identity_doubt = false\n  lifts entry_ban\n",
            "ruleset pilot extends base\ndisable rule entry_ban because \"x\"\n",
        ])
        #expect(byId.diagnostics.map(\.code) == ["unknown-rule"])
        let byKind = RuleTest.load(chain: [
            Self.base + "exception waiver\n  when identity_doubt = false\n  lifts kind exclusion\n",
            "ruleset pilot extends base\ndisable rule entry_ban because \"x\"\n",
        ])
        #expect(byKind.errors.isEmpty)
    }

    @Test
    func disableWithTheWrongRoleIsAnError() {
        let result = RuleTest.load(chain: [
            Self.base, "ruleset pilot extends base\ndisable exception entry_ban because \"x\"\n",
        ])
        #expect(!result.errors.isEmpty)
    }

    @Test func extendDecisionInsertsStagesWhereAsked() throws {
        let runner = try pilot(
            """
            vocabulary reasons binding
            extend decision advice
              stage return_only gives return before procedure
              stage late gives return after procedure
              stage last gives legalisation
            extend decision intake
              stage binding gives exclude after identification
            rule return_only
              stage advice.return_only
              when entry_ban_years >= 10
              reason return_only
            rule binding
              stage intake.binding
              when binding_province != "Groningen"
              reason binding
            """)
        let program = runner.program
        let advice = try #require(program.decisionIndex(named: "advice"))
        #expect(program.decisions[advice].stages.map(\.name) == ["return_only", "procedure", "late", "onward", "last"])
        let intake = try #require(program.decisionIndex(named: "intake"))
        #expect(program.decisions[intake].stages.map(\.name) == ["exclusion", "identification", "binding"])
        // The inserted first stage wins over the base's first stage.
        let both = with(["entry_ban_years": .number(12), "pending_procedure": .bool(true)])
        #expect(runner.outcome("advice", both) == "return")
        #expect(runner.reasons(runner.result("advice", both)) == ["return_only"])
        #expect(runner.outcome("advice", with(["pending_procedure": .bool(true)])) == "legalisation")
        // The stage added after identification comes after it: identification decides first.
        let doubtAndNoBinding = with(["identity_doubt": .bool(true), "binding_province": .text("Drenthe")])
        #expect(runner.outcome("intake", doubtAndNoBinding) == "refer")
    }

    @Test func extendDecisionErrors() {
        let source = MarkedSource(
            """
            ruleset pilot extends base
            extend decision 1️⃣advise2️⃣
              stage x gives return
            extend decision advice
              stage y gives return before 3️⃣procedur4️⃣
              stage 5️⃣procedure6️⃣ gives return
            """)
        let result = RuleSetLoader.load(chain: [
            SourceFile(path: "base.rules", text: Self.base), source.source(path: "pilot.rules"),
        ])
        #expect(
            result.diagnostics.map(Spot.init) == [
                Spot("unknown-decision", source.range("1️⃣", "2️⃣", file: 1)),
                Spot("unknown-stage", source.range("3️⃣", "4️⃣", file: 1)),
                Spot("duplicate-stage", source.range("5️⃣", "6️⃣", file: 1)),
            ])
        #expect(
            result.diagnostics.map(\.help) == [
                "did you mean `advice`?", "did you mean `procedure`?",
                "the first declaration stays; rename or remove this one",
            ])
    }

    @Test func duplicatesAcrossFilesAreErrorsInThePilot() {
        let source = MarkedSource(
            """
            ruleset pilot extends base
            fact 1️⃣identity_doubt2️⃣: bool
            decision 3️⃣intake4️⃣
              outcomes admit
              otherwise admit
            rule 5️⃣entry_ban6️⃣
              stage intake.exclusion
              when entry_ban_years > 1
              reason entry_ban_10y
            """)
        let result = RuleSetLoader.load(chain: [
            SourceFile(path: "base.rules", text: Self.base), source.source(path: "pilot.rules"),
        ])
        #expect(
            result.diagnostics.map(Spot.init) == [
                Spot("duplicate-fact", source.range("1️⃣", "2️⃣", file: 1)),
                Spot("duplicate-decision", source.range("3️⃣", "4️⃣", file: 1)),
                Spot("duplicate-rule", source.range("5️⃣", "6️⃣", file: 1)),
            ])
        #expect(result.diagnostics.last?.help == "write `override rule entry_ban` to replace it")
        #expect(result.program == nil)
    }

    @Test func unknownOverrideAndDisableAreErrors() {
        let source = MarkedSource(
            """
            ruleset pilot extends base
            override rule 1️⃣entry_bans2️⃣
              stage intake.exclusion
              when entry_ban_years > 1
              reason entry_ban_10y
            disable rule 3️⃣identity4️⃣ because "x"
            """)
        let result = RuleSetLoader.load(chain: [
            SourceFile(path: "base.rules", text: Self.base), source.source(path: "pilot.rules"),
        ])
        #expect(
            result.diagnostics.map(Spot.init) == [
                Spot("unknown-override", source.range("1️⃣", "2️⃣", file: 1)),
                Spot("unknown-disable", source.range("3️⃣", "4️⃣", file: 1)),
            ])
        #expect(result.diagnostics.first?.help == "did you mean `entry_ban`?")
    }

    @Test func pilotValidityNarrowsItsOwnRulesOnly() throws {
        let base = Self.base.replacingOccurrences(
            of: "fact pending_procedure: bool",
            with: "fact pending_procedure: bool\nfact reference_date: date, reference")
        let program = try RuleTest.program(chain: [
            base,
            """
            ruleset pilot extends base
              valid from 2020-01-01 until 2020-12-31
            rule binding
              stage intake.exclusion
              when binding_province != "Groningen"
              reason no_regional_binding
            """,
        ])
        let binding = try #require(program.rules.first { $0.id == "binding" })
        #expect(
            binding.validity
                == Validity(
                    from: CivilDate(year: 2020, month: 1, day: 1),
                    until: CivilDate(year: 2020, month: 12, day: 31)))
        #expect(program.rules.first { $0.id == "entry_ban" }?.validity.isAlways == true)
    }

    @Test func pilotExamplesReplaceTheBasesAndPilotTestsUseThem() throws {
        let result = RuleTest.load(chain: [
            Self.base + "example adult: entry_ban_years = 0, declared_undesirable = false, identity_doubt = false\n",
            """
            ruleset pilot extends base
            example adult: entry_ban_years = 12, declared_undesirable = false, identity_doubt = false
            test "the pilot's example wins"
              given adult
              expect intake exclude
            """,
        ])
        let program = try #require(result.program)
        #expect(TestRunner(program: program).run().failed == 0)
    }

    @Test func pilotInvariantsAndBaseInvariantsBothHold() throws {
        let program = try RuleTest.program(chain: [
            Self.base + "invariant no_admit_with_ban\n  never intake = admit and entry_ban_years >= 10\n",
            """
            ruleset pilot extends base
            invariant refer_on_doubt
              always identity_doubt = false or intake != admit
            override rule entry_ban
              kind exclusion
              stage intake.exclusion
              when entry_ban_years >= 20
              reason entry_ban_10y
            test "a ban of 12 years is admitted by the pilot: it breaks the base invariant"
              given entry_ban_years = 12, declared_undesirable = false, identity_doubt = false
              expect intake admit
              violates no_admit_with_ban
            """,
        ])
        #expect(program.invariants.map(\.id) == ["no_admit_with_ban", "refer_on_doubt"])
        #expect(program.invariants.map(\.origin) == [.inherited(file: 0), .declared(file: 1)])
        let report = TestRunner(program: program).run()
        #expect(report.results.map(\.failures) == [[]])
    }
}
