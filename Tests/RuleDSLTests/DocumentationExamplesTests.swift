import Foundation
import RuleDSL
import Testing

@testable import RuleAnalysis
@testable import RuleMachine
@testable import RuleSemantics
@testable import RuleSyntax
@testable import RuleValues

/// Every ```rules block of `docs/language.md` is a test. A block that is a complete file (its
/// first line that is not blank or a comment starts with `ruleset`) must load without errors,
/// with the base it extends taken from another block of the document or from `rules/`, and its
/// own tests must pass. Any other block is a fragment: wrapped after `prelude` below it must
/// parse without errors, and loaded as a pilot extending the prelude it must check without
/// errors and its tests must pass. Prelude declarations a fragment declares itself (a fact, a
/// rule, a decision of the same name) are left out of the prelude, so a fragment may show a
/// declaration the prelude also needs.
@Suite struct DocumentationExamplesTests {
    /// A small national-like rule set the fragments of the reference are written against. Keep it
    /// and the examples in the document consistent: the examples use these names.
    static let prelude = """
        ruleset prelude
          title "prelude for the examples of docs/language.md"

        vocabulary reasons lawful_residence, reception_entitlement, minor, entry_ban_10y, declared_undesirable,
          eu_citizen, no_v_number, identity_doubt, exception_granted, no_regional_binding, max_stay_exceeded,
          review_overdue, pending_procedure, return_default, return_only
        vocabulary referrals coa, family_location, vbl, police_identification
        vocabulary actions risk_analysis, review_due

        fact reference_date: date, required, reference
        fact v_number: text, optional
        fact identity_doubt: bool
        fact birth_date: date
        fact nationality: text
        fact lawful_residence: bool
        fact reception_entitlement: one of (none, coa, family_location, vbl)
        fact entry_ban_years: number, whole, at least 0
        fact declared_undesirable: bool
        fact binding_province: text, recorded
        fact exceptional_admission.decided_by: one of (stuurgroep, lso, mayor), optional
        fact exceptional_admission.date: date, optional
        fact admission_date: date, optional
        fact last_review_date: date, optional
        fact pending_procedure: bool

        const EU_MEMBER_STATES = {"AT", "BE", "DE", "FR", "NL", "PL"}
        const MAXIMUM_STAY_DAYS = 730

        let age = years_between(birth_date, reference_date)
        let is_eu_citizen = nationality in EU_MEMBER_STATES
        let review_base = if last_review_date is present then last_review_date else admission_date

        decision intake
          when admission_date is none
          outcomes admit, exclude, refer
          stage exclusion gives exclude
          stage identification gives refer, overriding unknowns
          otherwise admit

        decision review
          when admission_date is present
          outcomes continue, end
          stage time_limit gives end
          otherwise continue

        decision scenario_advice
          when admission_date is present
          outcomes return, legalisation
          stage procedure gives legalisation
          otherwise return reason return_default

        rule lawful_residence
          kind eligibility
          stage intake.exclusion
          when lawful_residence = true
          reason lawful_residence

        rule reception_entitlement
          kind entitlement
          stage intake.exclusion
          when reception_entitlement != none
          reason reception_entitlement
          refer reception_entitlement

        rule minor
          kind entitlement
          stage intake.exclusion
          when age < 18
          reason minor

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

        rule eu_citizen
          kind exclusion
          stage intake.exclusion
          when is_eu_citizen
          reason eu_citizen

        rule no_v_number
          kind identification
          stage intake.identification
          when v_number is none
          reason no_v_number
          refer police_identification

        rule identity_doubt
          kind identification
          stage intake.identification
          when identity_doubt = true
          reason identity_doubt
          refer police_identification

        rule max_stay
          stage review.time_limit
          when days_between(admission_date, reference_date) > MAXIMUM_STAY_DAYS
          reason max_stay_exceeded

        rule advice_pending_procedure
          stage scenario_advice.procedure
          when pending_procedure = true
          reason pending_procedure

        exception exceptional_admission
          when exceptional_admission is present and exceptional_admission.date <= reference_date
          lifts kind exclusion
          reason exception_granted

        example adult: reference_date = 2022-05-01, v_number = "1234567890", identity_doubt = false,
          birth_date = 1990-06-15, nationality = "SY", lawful_residence = false, reception_entitlement = none,
          entry_ban_years = 0, declared_undesirable = false

        example resident: adult, admission_date = 2022-01-10, pending_procedure = false

        test "prelude: an adult is admitted"
          given adult
          expect intake admit
          missing none

        test "prelude: a resident stays"
          given resident
          expect review continue
          expect scenario_advice return
          reasons return_default

        """

    /// One ```rules block of the document.
    struct Block: Sendable, CustomTestStringConvertible {
        let line: Int
        let text: String
        var testDescription: String { "docs/language.md:\(line)" }

        /// The `ruleset` name when the block is a complete file.
        var rulesetName: String? {
            for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                let words = trimmed.split(separator: " ")
                return words.first == "ruleset" && words.count > 1 ? String(words[1]) : nil
            }
            return nil
        }
    }

    /// The ```rules blocks of the language reference, in order.
    static let blocks: [Block] = {
        guard let data = try? Data(contentsOf: RulePaths.languageReference) else { return [] }
        let lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
        var blocks: [Block] = []
        var current: (line: Int, lines: [String])?
        for (index, line) in lines.enumerated() {
            if var open = current {
                if line.trimmingCharacters(in: .whitespaces) == "```" {
                    blocks.append(Block(line: open.line, text: open.lines.joined(separator: "\n") + "\n"))
                    current = nil
                } else {
                    open.lines.append(line)
                    current = open
                }
            } else if line.trimmingCharacters(in: .whitespaces) == "```rules" {
                current = (index + 2, [])  // 1-based line of the block's first line
            }
        }
        return blocks
    }()

    @Test func theReferenceHasExamples() {
        #expect(Self.blocks.count >= 25)
        #expect(Self.blocks.filter { $0.rulesetName != nil }.count >= 4)
    }

    @Test func preludeLoadsAndItsTestsPass() throws {
        let program = try RuleTest.program(Self.prelude)
        let report = TestRunner(program: program).run()
        #expect(report.results.count == 2)
        #expect(report.results.map(\.failures) == [[], []])
    }

    @Test(arguments: blocks)
    func exampleWorks(block: Block) throws {
        if block.rulesetName != nil {
            try checkCompleteFile(block)
        } else {
            try checkFragment(block)
        }
    }

    private func checkCompleteFile(_ block: Block) throws {
        // Named as its rule set, as a file must be (`ruleset-name`).
        let top = SourceFile(path: "\(block.rulesetName ?? "example").rules", text: block.text)
        let result = RuleSetLoader.load(top) { name in
            if let other = Self.blocks.first(where: { $0.rulesetName == name }) {
                return SourceFile(path: "\(name).rules", text: other.text)
            }
            return try? RulePaths.source(RulePaths.rulesFolder.appendingPathComponent("\(name).rules"))
        }
        #expect(DiagnosticRenderer(files: result.files).render(result.errors) == "")
        let program = try #require(result.program)
        for test in TestRunner(program: program).run().results {
            #expect(test.failures == [], "test \"\(test.test.title)\"")
        }
    }

    private func checkFragment(_ block: Block) throws {
        // At least: the fragment parses when wrapped into the prelude's file.
        let (_, parseDiagnostics) = RuleTest.parse(Self.prelude + "\n" + block.text)
        #expect(parseDiagnostics.isEmpty, "\(parseDiagnostics.map(\.message))")

        // And it checks and its tests pass as a pilot over the prelude.
        let (fragment, _) = RuleTest.parse(block.text)
        let declared = Set(fragment.declarations.compactMap(Self.declaredName))
        let (preludeFile, _) = RuleTest.parse(Self.prelude)
        let base = RuleFile(
            header: preludeFile.header,
            declarations: preludeFile.declarations.filter {
                Self.declaredName($0).map { !declared.contains($0) } ?? true
            })
        let result = RuleSetLoader.load(chain: [
            SourceFile(path: "prelude.rules", text: ASTPrinter.print(base)),
            SourceFile(path: "example.rules", text: "ruleset example extends prelude\n" + block.text),
        ])
        #expect(DiagnosticRenderer(files: result.files).render(result.errors) == "")
        let program = try #require(result.program)
        for test in TestRunner(program: program).run().results {
            #expect(test.failures == [], "test \"\(test.test.title)\"")
        }
    }

    /// The name a declaration introduces, if any (an override replaces, it does not introduce).
    static func declaredName(_ declaration: Declaration) -> String? {
        switch declaration {
        case .fact(let f): return "fact " + f.name.text
        case .constant(let c): return "value " + c.name.text
        case .derived(let d): return "value " + d.name.text
        case .decision(let d): return "decision " + d.name.text
        case .rule(let r): return r.isOverride ? nil : "rule " + r.id.text
        case .example(let e): return "example " + e.name.text
        case .invariant(let i): return "invariant " + i.id.text
        case .vocabulary, .extendDecision, .disable, .test, .responsibility: return nil
        }
    }
}
