// Golden diagnostics: every `Fixtures/diagnostics/<name>.rules` is loaded (with the file it
// extends, found in the same folder, as `RuleSetLoader.load(chain: [base, pilot])`) and its
// rendered diagnostics (`DiagnosticRenderer(files:).render(...)`: `file:line:col: severity: text`,
// the source line, the caret line, `help:`) must equal `<name>.expected` byte for byte. Paths
// are relative to the fixtures folder, so the expected output does not depend on the machine.
//
// To re-record the expected files after an intended change, run
//
//     RECORD_GOLDEN=1 swift test --filter CheckerTests
//
// which rewrites every `.expected` file instead of comparing and FAILS (so nobody records by
// accident); then review them as a diff and run the tests again without `RECORD_GOLDEN`.

import Foundation
import RuleDSL
import Testing

@testable import RuleAnalysis
@testable import RuleMachine
@testable import RuleSemantics
@testable import RuleSyntax
@testable import RuleValues

@Suite struct CheckerTests {
    // MARK: Golden files

    static let fixtureNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: RulePaths.diagnosticsFixtures.path)) ?? []
        return names.filter { $0.hasSuffix(".rules") }.map { String($0.dropLast(".rules".count)) }.sorted()
    }()

    static var isRecording: Bool { ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" }

    /// Loads a fixture, with its base from the same folder when its header says `extends`.
    static func loadFixture(_ name: String) throws -> RuleSetLoader.Result {
        let folder = RulePaths.diagnosticsFixtures
        let top = try RulePaths.source(folder.appendingPathComponent(name + ".rules"))
        let (parsed, _) = Parser.parse(top)
        guard let base = parsed.header?.base?.text else { return RuleSetLoader.load(chain: [top]) }
        let baseFile = try RulePaths.source(folder.appendingPathComponent(base + ".rules"))
        return RuleSetLoader.load(chain: [baseFile, top])
    }

    @Test func thereAreFixtures() {
        #expect(Self.fixtureNames.count >= 20)
    }

    @Test(arguments: fixtureNames)
    func goldenDiagnostics(fixture: String) throws {
        let result = try Self.loadFixture(fixture)
        let rendered = DiagnosticRenderer(files: result.files).render(result.diagnostics)
        let expectedURL = RulePaths.diagnosticsFixtures.appendingPathComponent(fixture + ".expected")
        if Self.isRecording {
            try rendered.write(to: expectedURL, atomically: true, encoding: .utf8)
            Issue.record("recorded golden file \(fixture).expected; re-read it and run again without RECORD_GOLDEN")
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(
            rendered == expected,
            "rendered diagnostics differ from \(fixture).expected; see the comment at the top of CheckerTests.swift to re-record"
        )
    }

    /// What each fixture is for: the severity and code of every diagnostic it must produce, in
    /// order. Guards the golden files against recording something other than the intended check.
    @Test(arguments: [
        // The `never-fires` warnings after an error are a known bug (see `failedConditionIsNotAlsoNeverFiring`).
        ("unknown_fact", ["warning unused-fact", "error unknown-name"]),
        ("bad_format", ["error bad-format", "error bad-format"]),
        ("format_checks", ["error format-on-non-text", "error out-of-range"]),
        ("unknown_enum_value", ["error unknown-value", "error type-mismatch"]),
        ("date_compared_with_number", ["error type-mismatch"]),
        ("order_on_text", ["error not-ordered"]),
        ("non_boolean_condition", ["error not-a-condition"]),
        ("unknown_reason", ["error unknown-reasons"]),
        ("unknown_referral", ["error unknown-referrals"]),
        ("unknown_action", ["error unknown-actions"]),
        // The second `exclusion` is dropped, so the fact only it reads is unused.
        ("duplicate_rule_id", ["warning unused-fact", "error duplicate-rule"]),
        ("unknown_stage", ["error unknown-stage", "error unknown-decision"]),
        ("missing_reason", ["error missing-reason"]),
        ("is_none_not_optional", ["error not-optional"]),
        ("decision_in_rule", ["error decision-in-rule"]),
        ("validity_without_reference", ["error no-reference-date"]),
        ("out_of_range_constant", ["error out-of-range"]),
        ("repeated_given", ["error cycle", "error repeated-fact"]),
        (
            "invisible_character",
            ["warning invisible-character", "warning invisible-character", "warning invisible-character"]
        ),
        ("expression_too_deep", ["error too-deep"]),
        ("let_chain_too_deep", ["error too-deep"]),
        ("never_fires", ["warning never-fires", "warning never-fires"]),
        ("unused_fact", ["warning unused-fact", "warning unused-fact"]),
        (
            "test_case_errors",
            [
                "error unknown-example", "error unknown-fact", "error type-mismatch", "error type-mismatch",
                "error unknown-outcome", "error none-for-required", "error out-of-range",
            ]
        ),
        ("pilot_base", []),
        ("override_unknown_rule", ["error unknown-override", "error unknown-override"]),
        ("disable_unknown_rule", ["error unknown-disable", "error unknown-disable"]),
        ("override_changes_nothing", ["warning override-changes-nothing"]),
        (
            "duplicate_across_files",
            [
                "error duplicate-fact", "error duplicate-decision", "error duplicate-stage", "error duplicate-rule",
            ]
        ),
        ("extend_unknown_stage", ["error unknown-stage", "error unknown-decision", "error unknown-stage"]),
        (
            "lexical_and_syntax_errors",
            [
                "error invalid-escape", "error unexpected-character", "error invalid-date",
                "error expected-declaration",
                "error unexpected-clause",
            ]
        ),
        (
            "misc_checks",
            [
                "error unknown-outcome", "error unknown-function", "error wrong-arguments", "error unknown-in-rule",
                "error missing-stage", "error exception-lifts-nothing", "error unknown-rule",
            ]
        ),
    ])
    func fixtureProducesItsDiagnostics(fixture: String, expected: [String]) throws {
        let result = try Self.loadFixture(fixture)
        #expect(
            result.diagnostics.map { "\($0.severity.rawValue) \($0.code)" } == expected,
            "\(DiagnosticRenderer(files: result.files).render(result.diagnostics))")
        #expect((result.program == nil) == expected.contains { $0.hasPrefix("error") })
    }

    @Test func letCycleReportsTheCycle() throws {
        let result = try Self.loadFixture("let_cycle")
        #expect(result.diagnostics.filter { $0.code == "cycle" }.count == 1)
        #expect(result.program == nil)
    }

    @Test
    func letCycleIsTheOnlyError() throws {
        let result = try Self.loadFixture("let_cycle")
        #expect(result.diagnostics.map(\.code) == ["cycle"])
    }

    // MARK: Focused checks

    private func codes(_ text: String) -> [String] {
        RuleTest.load(text).diagnostics.map(\.code)
    }

    /// A minimal clean file with a decision; `extra` is appended.
    private func file(_ extra: String) -> String {
        """
        vocabulary reasons r
        fact a: bool
        fact n: number
        fact d: date
        fact t: text
        fact o: number, optional
        fact e: one of (x, y, none)
        decision dec
          outcomes yes, no
          stage s gives yes
          otherwise no
        \(extra)
        """
    }

    @Test(arguments: [
        ("a = true and n > 1 and d < 2024-01-01 and t = \"x\" and o is none and e = x", [String]()),
        ("e = none", []),
        ("o = none", []),
        ("n + 1 > 2 * n - 3", []),
        ("d = 5", ["type-mismatch"]),
        ("t < \"b\"", ["not-ordered"]),
        ("a < true", ["not-ordered"]),
        ("e > x", ["not-ordered"]),
        ("n", ["not-a-condition"]),
        ("nn > 1", ["unknown-name"]),
        ("e = z", ["unknown-value"]),
        ("e = \"x\"", ["type-mismatch"]),
        ("n is none", ["not-optional"]),
        ("d + 1 > n", ["type-mismatch"]),
        ("a in {1, 2}", ["type-mismatch", "type-mismatch"]),
        ("t in {\"a\", t}", ["set-not-constant"]),
        ("n in t", ["not-a-set"]),
        ("{1} = n", ["set-outside-in"]),
        ("dec = yes", ["decision-in-rule"]),
        ("years_between(d) > 1", ["wrong-arguments"]),
        ("years_between(d, n) > 1", ["type-mismatch"]),
        ("unknown", ["unknown-in-rule"]),
        ("(if a then n else t) = 1", ["type-mismatch"]),
        ("not n", ["not-a-condition"]),
    ])
    func conditionChecks(condition: String, expected: [String]) {
        let text = file("rule x\n  stage dec.s\n  when \(condition)\n  reason r\n")
        // `unused-fact` warnings are beside the point here; `never-fires` after an error is a known
        // bug with a test of its own (`failedConditionIsNotAlsoNeverFiring`).
        #expect(codes(text).filter { $0 != "unused-fact" && $0 != "never-fires" } == expected)
    }

    @Test(
        arguments: ["nn > 1", "e = z", "n in t", "years_between(d) > 1", "unknown"])
    func failedConditionIsNotAlsoNeverFiring(condition: String) {
        let text = file("rule x\n  stage dec.s\n  when \(condition)\n  reason r\n")
        #expect(!codes(text).contains("never-fires"))
    }

    @Test
    func unknownActionMessageReadsWell() throws {
        let result = try Self.loadFixture("unknown_action")
        #expect(result.diagnostics.first?.message == "`risk_analyse` is not an action in the vocabulary")
    }

    @Test
    func negativeTestValuesAreCheckedLikeOthers() {
        let text = file(
            """
            fact delta: number, whole, at most -3
            rule x
              stage dec.s
              when delta < 0
              reason r
            test "t"
              given delta = -2.5
              expect dec yes
            """)
        #expect(codes(text).filter { $0 == "out-of-range" }.count == 2)
    }

    @Test func testValuesAreCheckedAgainstTheFactsBounds() {
        let text = file(
            """
            fact years: number, whole, at least 0, at most 20
            rule x
              stage dec.s
              when years > 10
              reason r
            test "t"
              given years = 25
              expect dec yes
            test "u"
              given years = 2.5
              expect dec no
            test "v"
              given years = -1
              expect dec no
            """)
        #expect(codes(text).filter { $0 == "out-of-range" }.count == 3)
    }

    @Test func didYouMeanForUnknownNames() {
        let result = RuleTest.load(file("rule x\n  stage dec.s\n  when entry_ban > 1 or nn > 2\n  reason r\n"))
        let unknown = result.diagnostics.filter { $0.code == "unknown-name" }
        #expect(unknown.map(\.message) == ["unknown name `entry_ban`", "unknown name `nn`"])
        // `nn` is one edit from `n`; `entry_ban` is too far from every name to guess.
        #expect(unknown.map(\.help) == ["declare it with `fact`, `let` or `const`", "did you mean `n`?"])
    }

    @Test(
        arguments: [
            ("entry_ban_yaers", ["entry_ban_years", "birth_date"], "entry_ban_years"),
            ("intke", ["intake", "review"], "intake"),
            ("ab", ["xy"], nil),
            ("completely_different", ["entry_ban_years"], nil),
            // Two letters swapped are one typo: nearer than a word one letter shorter.
            ("tset", ["let", "test"], "test"),
            ("rlue", ["rule", "let"], "rule"),
        ] as [(String, [String], String?)])
    func suggestions(name: String, candidates: [String], expected: String?) {
        #expect(Suggestion.closest(to: name, in: candidates) == expected)
    }

    @Test(
        arguments: [
            ("tset", "test", 1), ("test", "tset", 1), ("abcd", "badc", 2), ("ca", "abc", 3),
            ("kitten", "sitting", 3), ("", "abc", 3), ("same", "same", 0),
        ] as [(String, String, Int)])
    func editDistanceCountsASwapAsOneEdit(a: String, b: String, expected: Int) {
        #expect(Suggestion.editDistance(a, b) == expected)
    }

    @Test func unusedMembersOfAnOptionalGroupAreWarningsNotErrors() throws {
        let result = RuleTest.load(
            file(
                """
                fact exceptional_admission.date: date, optional
                fact exceptional_admission.decided_by: text, optional
                rule x
                  stage dec.s
                  when a
                  reason r
                """))
        #expect(result.errors.isEmpty)
        #expect(result.program != nil)
        let unused = result.diagnostics.filter { $0.code == "unused-fact" }.map(\.message)
        #expect(unused.contains("fact `exceptional_admission.date` is never used by a rule"))
    }

    @Test func constantsMustNotDependOnFacts() {
        #expect(
            codes(file("const LIMIT = n + 1\nrule x\n  stage dec.s\n  when n > LIMIT\n  reason r\n"))
                .filter { $0 != "unused-fact" } == ["constant-not-constant"])
    }

    @Test func decisionsNeedOutcomesAndOtherwise() {
        let result = RuleTest.load(
            "decision d\n  stage s gives yes\ndecision undetermined_one\n  outcomes undetermined\n  otherwise undetermined\n"
        )
        #expect(
            result.diagnostics.map(\.code) == [
                "no-outcomes", "no-otherwise", "reserved-outcome",
            ])
    }

    @Test func warningsAloneStillGiveAProgram() throws {
        let result = try Self.loadFixture("unused_fact")
        #expect(result.errors.isEmpty)
        #expect(!result.diagnostics.isEmpty)
        #expect(result.program != nil)
    }

    @Test func checkingStopsAfterParseErrors() {
        // `nn` is an unknown name, but the syntax error stops the pipeline before checking.
        let result = RuleTest.load(file("rule x\n  stage dec.s\n  when nn > 1\n  reason r\nfact : bool\n"))
        #expect(result.diagnostics.map(\.code) == ["expected-name"])
        #expect(result.program == nil)
    }

    // MARK: Limits

    private func factsFile(count: Int) -> String {
        (0..<count).map { "fact f\($0): bool, recorded\n" }.joined()
    }

    @Test func twoHundredFiftySixFactsAreAccepted() {
        let result = RuleTest.load(factsFile(count: FactSet.capacity))
        #expect(result.errors.isEmpty)
        #expect(result.program?.facts.count == 256)
    }

    @Test func theTwoHundredFiftySeventhFactIsRefused() {
        let text = factsFile(count: FactSet.capacity + 1)
        let result = RuleTest.load(text)
        let start = text.utf8.count - "f256: bool, recorded\n".utf8.count
        #expect(
            result.diagnostics.map(Spot.init) == [
                Spot("too-many-facts", SourceRange(file: 0, start: start, end: start + 4))
            ])
        #expect(result.diagnostics.first?.message == "a rule set holds at most 256 facts")
    }

    @Test func filesLargerThanFourMebibytesAreRefused() {
        let limit = RuleSetLoader.maximumFileSize
        #expect(limit == 4 * 1024 * 1024)
        let line = "# " + String(repeating: "x", count: 1_021) + "\n"  // 1,024 bytes
        // A file of comments only declares nothing (an error of its own), so one line declares a fact.
        let declaration = "fact a: bool, recorded # " + String(repeating: "x", count: 998) + "\n"  // 1,024 bytes
        let atLimit = declaration + String(repeating: line, count: limit / 1_024 - 1)
        #expect(atLimit.utf8.count == limit)
        #expect(RuleTest.load(atLimit).diagnostics.isEmpty)
        let tooLarge = RuleTest.load(atLimit + " ")
        #expect(tooLarge.diagnostics.map(\.code) == ["file-too-large"])
        #expect(tooLarge.diagnostics.first?.message == "rule file is 4194305 bytes; the limit is 4194304")
        #expect(tooLarge.program == nil)
    }

    @Test
    func checkerErrorsAreCappedPerFile() {
        let rules = (0..<150).map { "rule x\($0)\n  stage dec.s\n  when unknown_\($0)\n  reason r\n" }.joined()
        let result = RuleTest.load(file(rules))
        #expect(result.errors.count <= Parser.maximumErrors)
    }

    // MARK: Resolving bases by name

    @Test func loadResolvesTheBaseByName() throws {
        let base = SourceFile(path: "base.rules", text: "ruleset base\nvocabulary reasons r\nfact a: bool\n")
        let pilot = SourceFile(
            path: "pilot.rules",
            text:
                "ruleset pilot extends base\ndecision d\n  outcomes y, n\n  stage s gives y\n  otherwise n\nrule x\n  stage d.s\n  when a\n  reason r\n"
        )
        var asked: [String] = []
        let result = RuleSetLoader.load(pilot) { name in
            asked.append(name)
            return name == "base" ? base : nil
        }
        #expect(asked == ["base"])
        #expect(result.errors.isEmpty)
        #expect(result.files.map(\.path) == ["base.rules", "pilot.rules"])
        #expect(result.program?.name == "pilot")
    }

    @Test func unknownBaseAndExtendsCycles() {
        let source = MarkedSource("ruleset pilot extends 1️⃣nowhere2️⃣\n")
        let missing = RuleSetLoader.load(source.source()) { _ in nil }
        #expect(missing.diagnostics.map(Spot.init) == [Spot("unknown-base", source.range("1️⃣", "2️⃣"))])
        #expect(missing.diagnostics.first?.help == "put `nowhere.rules` next to this file")

        let a = SourceFile(path: "a.rules", text: "ruleset a extends b\n")
        let b = SourceFile(path: "b.rules", text: "ruleset b extends a\n")
        let cycle = RuleSetLoader.load(a) { $0 == "a" ? a : b }
        #expect(cycle.diagnostics.map(\.code) == ["extends-cycle"])
        #expect(cycle.program == nil)
    }
}
