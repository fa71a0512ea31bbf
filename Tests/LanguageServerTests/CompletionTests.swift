import Foundation
import RuleDSL
import Testing

@testable import LanguageServer

/// Completion by context, one table row per place in a file: `‸` marks the cursor; the pilot
/// text is completed on top of the fixture's national file.
@Suite struct CompletionTests {
    static func labels(_ marked: String) -> [String] {
        let text = "ruleset pilot extends national\n\n" + marked
        let cursor = text.utf8.count - (text.components(separatedBy: "‸").last ?? "").utf8.count - "‸".utf8.count
        let bytes = Array(text.replacingOccurrences(of: "‸", with: "").utf8)
        let national = Parser.parse(SourceFile(path: "national.rules", text: Fixture.national), fileIndex: 0).0
        let pilot = Parser.parse(SourceFile(path: "pilot.rules", bytes: bytes), fileIndex: 1).0
        var seen = Set<String>()
        return Completion(index: SymbolIndex(files: [national, pilot])).items(in: bytes, at: cursor)
            .map(\.label).filter { seen.insert($0).inserted }
    }

    @Test(arguments: [
        // Declarations have no end mark: a blank line after the header may still continue it.
        ("‸", ["extends", "title", "source", "valid"] + Completion.declarationKeywords),
        ("rule x\n  when age < 18\n\nr‸", ["reason", "refer", "ruleset", "rule", "responsible"]),
        ("ov‸", ["override"]),
        ("override ‸", ["rule", "exception"]),
        ("override rule ‸", ["entry_ban", "minor"]),
        ("disable rule m‸", ["minor"]),
        ("rule x\n  st‸", ["stage"]),
        ("rule x\n  stage ‸", ["intake.exclusion"]),
        ("rule x\n  after ‸", ["intake"]),
        ("rule x\n  reason ‸", ["entry_ban_10y", "minor"]),
        ("rule x\n  refer ‸", ["coa", "vbl", "to"]),
        ("rule x\n  refer to ‸", ["coa", "vbl", "to"]),
        (
            "rule x\n  when age < ‸",
            [
                "reference_date", "birth_date", "entry_ban_years", "reception_entitlement", "age", "ADULT_AGE",
                "intake", "years_between", "months_between", "days_between", "add_days", "add_months",
                "add_years", "is_blank", "not", "if", "true", "false", "none",
            ]
        ),
        ("rule x\n  when age ‸", ["and", "or", "in", "not", "is", "present", "then", "else"]),
        ("rule x\n  when birth_date is ‸", ["present", "none"]),
        ("rule x\n  when reception_entitlement in {coa, ‸", ["none", "coa", "vbl"]),
        ("rule x\n  when intake = ‸", ["admit", "exclude"]),
        ("exception x\n  lifts ‸", ["entry_ban", "minor", "kind"]),
        ("exception x\n  lifts kind ‸", ["exclusion"]),
        ("extend decision intake\n  stage late gives ‸", ["admit", "exclude"]),
        ("extend decision intake\n  stage late gives exclude before ‸", ["exclusion"]),
        ("test \"t\"\n  given ‸", ["reference_date", "birth_date", "entry_ban_years", "reception_entitlement"]),
        (
            "test \"t\"\n  given entry_ban_years = 3, reception_entitlement = ‸",
            ["none", "coa", "vbl", "true", "false", "unknown"]
        ),
        ("test \"t\"\n  expect ‸", ["intake"]),
        ("test \"t\"\n  expect intake ‸", ["admit", "exclude", "undetermined"]),
        (
            "test \"t\"\n  expect intake admit\n  missing ‸",
            ["reference_date", "birth_date", "entry_ban_years", "reception_entitlement", "none"]
        ),
        (
            "test \"t\"\n  expect intake admit\n  ‸",
            [
                "given", "expect", "reasons", "referrals", "actions", "missing", "exceptional",
                "violates",
            ] + Completion.declarationKeywords
        ),
        ("test \"t\" # reason ‸", []),
        ("rule x\n  title \"reason ‸", []),
        ("vocabulary ‸", ["reasons", "referrals", "actions"]),
        ("fact x: ‸", ["bool", "number", "text", "date", "one"]),
    ])
    func candidatesFollowTheGrammar(marked: String, expected: [String]) {
        #expect(Self.labels(marked) == expected, "\(marked.debugDescription)")
    }
}
