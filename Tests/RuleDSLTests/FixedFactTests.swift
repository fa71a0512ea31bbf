import RuleDSL
import Testing

@testable import RuleAnalysis
@testable import RuleMachine
@testable import RuleSemantics
@testable import RuleSyntax
@testable import RuleValues

/// The `fixed` fact modifier: parsed, printed back, carried into the program (a group is fixed
/// with its members), and offered by the "did you mean" help.
@Suite struct FixedFactTests {
    static let text = """
        ruleset t
        vocabulary reasons r
        fact born: date, fixed title "geboortedatum"
        fact ban: number, at least 0
        fact past.date: date, optional, fixed
        decision d
          outcomes yes, no
          stage s gives no
          otherwise yes
        rule r
          stage d.s
          when ban >= 10 or born > 2000-01-01 or past.date is present
          reason r
        """

    @Test func parsedPrintedAndCompiled() throws {
        let (file, diagnostics) = RuleTest.parse(Self.text)
        #expect(diagnostics.isEmpty)
        let facts = file.declarations.compactMap { d -> FactDeclaration? in
            if case .fact(let f) = d { return f } else { return nil }
        }
        #expect(facts.map(\.isFixed) == [true, false, true])
        let printed = ASTPrinter.print(file)
        #expect(printed.contains("fact born: date, fixed title \"geboortedatum\""))
        #expect(printed.contains("fact ban: number, at least 0\n"))
        let program = try RuleTest.program(Self.text)
        #expect(program.facts[program.factSlots["born"]!].isFixed)
        #expect(!program.facts[program.factSlots["ban"]!].isFixed)
        #expect(program.facts[program.factSlots["past"]!].isFixed, "the group's presence is fixed with its members")
    }

    @Test func misspeltModifierSuggestsFixed() {
        let (_, diagnostics) = RuleTest.parse("fact a: bool, fixd\n")
        #expect(diagnostics.contains { $0.code == "unknown-modifier" && ($0.help ?? "").contains("fixed") })
    }
}
