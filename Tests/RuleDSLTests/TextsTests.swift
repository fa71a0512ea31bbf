import RuleDSL
import Testing

@testable import RuleAnalysis
@testable import RuleMachine
@testable import RuleSemantics
@testable import RuleSyntax
@testable import RuleValues

/// The bilingual texts of a rule file (`title "…" en "…"`, `ask`, `option`, `outcome`,
/// `closing`, texts on vocabulary words and parties): parsed, printed back, collected per
/// language, and checked for missing translations once the rule set declares its language.
@Suite struct TextsTests {
    static let file = """
        ruleset t
          language nl
          title "Toets" en "Test"

        vocabulary reasons r
        vocabulary referrals coa "naar het COA" en "to the COA", vbl
        vocabulary actions a "Doe iets." en "Do something."

        fact x: bool title "een feit" en "a fact"
          ask "Is het zo?" en "Is it so?"
        fact kind: one of (p, q) title "soort"
          en "kind"
          option p "pee" en "pea"

        decision d
          title "Vraag" en "Question"
          outcomes yes, no
          outcome yes "Ja." en "Yes."
          outcome no "Nee."
          closing "De gemeente beslist." en "The municipality decides."
          stage s gives no
          otherwise yes

        rule rule_x
          title "Regel" en "Rule"
          stage d.s
          when x = true and kind = p
          reason r
          refer vbl
          action a

        responsible "politie (AVIM)" en "police (AVIM)" for x
        responsible "IND" en "IND" for other facts
        """

    static func load(_ text: String) -> RuleSetLoader.Result {
        RuleSetLoader.load(chain: [SourceFile(path: "t.rules", text: text)])
    }

    @Test func textsAreReadInBothLanguages() throws {
        let result = Self.load(Self.file)
        let program = try #require(result.program, "\(result.diagnostics)")
        let texts = program.texts
        #expect(texts.language == .nl && texts.isDeclared)
        #expect(texts.text(.ruleset, in: .en) == "Test")
        #expect(texts.text(.fact("kind"), in: .en) == "kind")
        #expect(texts.question(for: "x", in: .nl) == "Is het zo?")
        #expect(texts.question(for: "x", in: .en) == "Is it so?")
        #expect(texts.question(for: "kind", in: .en) == "kind", "without `ask`, the title")
        #expect(texts.option("p", of: "kind", in: .en) == "pea")
        #expect(texts.option("q", of: "kind", in: .en) == nil)
        #expect(texts.text(.outcome(decision: "d", outcome: "yes"), in: .en) == "Yes.")
        #expect(
            texts.text(.outcome(decision: "d", outcome: "no"), in: .en) == "Nee.", "a missing translation falls back")
        #expect(texts.text(.closing("d"), in: .en) == "The municipality decides.")
        #expect(texts.text(.rule("rule_x"), in: .nl) == "Regel")
        #expect(texts.text(.word(.referrals, "coa"), in: .en) == "to the COA")
        #expect(texts.text(.word(.referrals, "vbl"), in: .en) == nil)
        #expect(texts.text(.word(.actions, "a"), in: .nl) == "Doe iets.")
        #expect(texts.text(.party("politie (AVIM)"), in: .en) == "police (AVIM)")
    }

    /// Exactly the one text without its English form is reported, located, with its code.
    @Test func aMissingTranslationIsAWarningNamingTheText() {
        let result = Self.load(Self.file)
        let warnings = result.diagnostics.filter { $0.code == "missing-translation" }
        #expect(warnings.count == 1)
        #expect(warnings.first?.severity == .warning)
        #expect(warnings.first?.message == "the text of outcome `no` of `d` (\"Nee.\") has no English form")
        let file = result.files[0]
        #expect(warnings.first.map { file.location(of: $0.range.start).line } == 19)
    }

    @Test func withoutALanguageNoTranslationIsAskedFor() {
        let result = Self.load(Self.file.replacingOccurrences(of: "  language nl\n", with: ""))
        #expect(result.program != nil)
        #expect(!result.diagnostics.contains { $0.code == "missing-translation" })
        #expect(result.program?.texts.isDeclared == false)
    }

    @Test(arguments: [
        ("  option p \"pee\" en \"pea\"", "  option z \"zed\"", "unknown-option"),
        ("  outcome no \"Nee.\"", "  outcome maybe \"Misschien.\"", "unknown-outcome"),
        ("  language nl", "  language fr", "unknown-language"),
        ("title \"Regel\" en \"Rule\"", "title \"Regel\" en \"Rule\" en \"Again\"", "duplicate-translation"),
    ])
    func badTextsAreErrors(original: String, replacement: String, code: String) {
        let result = Self.load(Self.file.replacingOccurrences(of: original, with: replacement))
        #expect(result.program == nil)
        #expect(
            result.diagnostics.contains { $0.code == code && $0.severity == .error },
            "\(result.diagnostics.map(\.code))")
    }

    /// Printing a file with texts gives text that parses to the same tree.
    @Test func textsPrintBack() {
        let (parsed, diagnostics) = Parser.parse(SourceFile(path: "t.rules", text: Self.file))
        #expect(diagnostics.isEmpty)
        let printed = ASTPrinter.print(parsed)
        let (again, againDiagnostics) = Parser.parse(SourceFile(path: "t.rules", text: printed))
        #expect(againDiagnostics.isEmpty)
        #expect(ASTPrinter.print(again) == printed)
        #expect(printed.contains("title \"Toets\" en \"Test\""))
        #expect(printed.contains("option p \"pee\" en \"pea\""))
        #expect(printed.contains("vocabulary referrals coa \"naar het COA\" en \"to the COA\", vbl"))
    }

    /// The shipped rule files are bilingual: every printed text has its English form.
    @Test func shippedRulesHaveEveryTranslation() throws {
        let national = try RulePaths.source(RulePaths.rulesFolder.appendingPathComponent("national.rules"))
        for pilot in ["national", "groningen", "amsterdam", "rotterdam", "utrecht", "eindhoven"] {
            let top = try RulePaths.source(RulePaths.rulesFolder.appendingPathComponent(pilot + ".rules"))
            let result = RuleSetLoader.load(chain: pilot == "national" ? [national] : [national, top])
            #expect(result.program?.texts.language == .nl)
            #expect(!result.diagnostics.contains { $0.code == "missing-translation" }, "\(pilot)")
        }
    }
}
