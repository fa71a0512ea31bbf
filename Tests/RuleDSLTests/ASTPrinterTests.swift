import Foundation
import RuleDSL
import Testing

@testable import RuleAnalysis
@testable import RuleMachine
@testable import RuleSemantics
@testable import RuleSyntax
@testable import RuleValues

/// Tests for `ASTPrinter`: printing a parsed file gives text that parses to the same tree, so
/// print ∘ parse is idempotent, and the shipped rule files behave the same after a round trip.
@Suite struct ASTPrinterTests {
    /// The shipped rule files and the diagnostics fixtures that parse without errors.
    static let parsableFiles: [String] = {
        var paths = RulePaths.shippedRuleFiles().map { "rules/" + $0.lastPathComponent }
        let fixtures = (try? FileManager.default.contentsOfDirectory(atPath: RulePaths.diagnosticsFixtures.path)) ?? []
        for name in fixtures.sorted() where name.hasSuffix(".rules") {
            let url = RulePaths.diagnosticsFixtures.appendingPathComponent(name)
            guard let source = try? RulePaths.source(url), Parser.parse(source).1.isEmpty else { continue }
            paths.append("Tests/RuleDSLTests/Fixtures/diagnostics/" + name)
        }
        return paths
    }()

    static func text(_ relativePath: String) throws -> String {
        let source = try RulePaths.source(RulePaths.repository.appendingPathComponent(relativePath))
        return String(decoding: source.bytes, as: UTF8.self)
    }

    @Test func thereAreFilesToRoundTrip() {
        #expect(Self.parsableFiles.filter { $0.hasPrefix("rules/") }.count >= 2)
        #expect(Self.parsableFiles.count > 20)
    }

    @Test(arguments: parsableFiles)
    func printParseIsIdempotent(path: String) throws {
        let (parsed, diagnostics) = RuleTest.parse(try Self.text(path))
        #expect(diagnostics.isEmpty)
        let printed = ASTPrinter.print(parsed)
        let (reparsed, again) = RuleTest.parse(printed)
        #expect(again.isEmpty, "printed text does not parse: \(again.map(\.message))")
        #expect(ASTPrinter.print(reparsed) == printed)
        // The trees agree too, declaration by declaration (ranges aside, which the printed
        // declarations show through their printed form).
        #expect(reparsed.declarations.count == parsed.declarations.count)
        #expect(reparsed.header?.name.text == parsed.header?.name.text)
        #expect(reparsed.header?.base?.text == parsed.header?.base?.text)
        for (a, b) in zip(parsed.declarations, reparsed.declarations) {
            #expect(ASTPrinter.print(a) == ASTPrinter.print(b))
        }
    }

    /// Loads a shipped file with its base, from the original texts or printed round trips.
    private func load(_ name: String, printed: Bool) throws -> Program {
        var chain = [name]
        if name != "national" { chain.insert("national", at: 0) }
        let texts = try chain.map { file -> String in
            let text = try Self.text("rules/\(file).rules")
            return printed ? ASTPrinter.print(RuleTest.parse(text).0) : text
        }
        return try RuleTest.program(chain: texts)
    }

    @Test(arguments: RulePaths.shippedRuleFiles().map { $0.deletingPathExtension().lastPathComponent })
    func shippedRuleFilesBehaveTheSameAfterARoundTrip(name: String) throws {
        let original = try load(name, printed: false)
        let roundTripped = try load(name, printed: true)
        let before = TestRunner(program: original).run()
        let after = TestRunner(program: roundTripped).run()
        #expect(before.results.count > 0)
        #expect(before.failed == 0)
        #expect(after.results.map(\.test.title) == before.results.map(\.test.title))
        #expect(after.results.map(\.failures) == before.results.map(\.failures))
        // Not just pass and fail: every result and trace is the same (same declaration order,
        // so rule and fact indices agree).
        let a = MachineEvaluator(program: original)
        let b = MachineEvaluator(program: roundTripped)
        for test in original.tests {
            let x = a.evaluate(test.facts)
            let y = b.evaluate(test.facts)
            #expect(x.results == y.results, "\(test.title)")
            #expect(x.trace == y.trace, "\(test.title)")
        }
    }

    /// Expressions whose printing needs care: the printed text must parse to the same tree.
    @Test(arguments: [
        "not a and b or c",
        "not (a and b)",
        "not (not a)",
        "(a or b) and (c or d)",
        "a - (b - c)",
        "(a - b) - c",
        "-(-a)",
        "-a * -b",
        "-(a + b)",
        "(a = b) = c",
        "not (x is present)",
        "(x is none) = false",
        "x not in {\"a\", \"b\"} or y in EU",
        "if a then (if b then 1 else 2) else 3",
        "(if a then 1 else 2) + 3 > x",
        "if x is present then x else add_months(y, -3)",
        "years_between(birth_date, reference_date) * 12 >= months_between(a, b) + 1",
        "t = \"quote \\\" backslash \\\\ newline \\n tab \\t é\"",
        "d = 2024-02-29 and n = 0.5 and m = 12.000001",
        "e = none or f = true or g = false",
    ])
    func expressionsSurviveTheRoundTrip(expression: String) throws {
        let (file, diagnostics) = RuleTest.parse("let v = " + expression)
        #expect(diagnostics.isEmpty)
        let printed = ASTPrinter.print(file)
        let (again, againDiagnostics) = RuleTest.parse(printed)
        #expect(againDiagnostics.isEmpty, "\(printed)")
        guard case .derived(let original)? = file.declarations.first,
            case .derived(let reparsed)? = again.declarations.first
        else {
            Issue.record("not a `let`")
            return
        }
        #expect(ExpressionDump.dump(reparsed.value) == ExpressionDump.dump(original.value), "printed as \(printed)")
    }

    @Test func printedFormIsReadable() {
        let (file, _) = RuleTest.parse(
            """
            ruleset pilot extends national
              title "Pilot"
              valid from 2024-01-01
            # comments are not kept
            fact v: text, optional title "V"
            rule r
              title "T"
              kind k
              stage d.s
              when not a and b
              reason x
              refer to coa
            test "t"
              given adult, v = none
              expect d admit
              reasons none
            """)
        #expect(
            ASTPrinter.print(file) == """
                ruleset pilot extends national
                  title "Pilot"
                  valid from 2024-01-01

                fact v: text, optional title "V"

                rule r
                  title "T"
                  kind k
                  stage d.s
                  when (not a) and b
                  reason x
                  refer coa

                test "t"
                  given adult, v = none
                  expect d admit
                  reasons none


                """)
    }
}
