// The formatter's guarantees, each tested on its own (not by trusting the check `RuleFormatter`
// makes itself): the formatted text parses to the same tree (source ranges left out), keeps
// every comment, and formats to itself. Held on every shipped rule file, every fixture that
// parses, and the rule-file fuzzer's mutants that parse.
//
// Golden files: every `Fixtures/format/<name>.rules` must format to `<name>.expected` byte for
// byte. To re-record them after an intended change of layout, run
//
//     RECORD_GOLDEN=1 swift test --filter RuleFormatterTests
//
// which rewrites every `.expected` file and then FAILS on purpose (so a recording run can never
// pass by accident); review the rewritten files as a diff, then run the tests again.

import Foundation
import RuleDSL
import Testing

@testable import RuleAnalysis
@testable import RuleMachine
@testable import RuleSemantics
@testable import RuleSyntax
@testable import RuleValues

@Suite struct RuleFormatterTests {
    static let formatFixtures = RulePaths.testsFolder.appendingPathComponent("Fixtures/format")
    static var isRecording: Bool { ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" }

    static let goldenNames: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: formatFixtures.path)) ?? []
        return names.filter { $0.hasSuffix(".rules") }.map { String($0.dropLast(".rules".count)) }.sorted()
    }()

    /// Every `.rules` file under `Fixtures/`, in any folder.
    static let allFixtures: [URL] = {
        let root = RulePaths.testsFolder.appendingPathComponent("Fixtures")
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        var found: [URL] = []
        while let url = walker?.nextObject() as? URL {
            if url.pathExtension == "rules" { found.append(url) }
        }
        return found.sorted { $0.path < $1.path }
    }()

    /// Mutants per shipped file (6 files); `RULE_FORMAT_FUZZ_MUTANTS=5000` for a long run.
    static let mutantsPerFile: Int =
        ProcessInfo.processInfo.environment["RULE_FORMAT_FUZZ_MUTANTS"].flatMap { Int($0) } ?? 200

    // MARK: The guarantees

    /// The comments of a text, in order, without trailing blanks.
    static func comments(_ source: SourceFile) -> [String] {
        var lexer = Lexer(source: source, fileIndex: 0)
        lexer.keepsComments = true
        _ = lexer.tokenize()
        return lexer.comments.map { RuleFormatter.commentText(source, $0) }
    }

    /// Formats `source` and checks meaning, comments and idempotence; returns the text.
    @discardableResult
    static func checkGuarantees(
        _ source: SourceFile, _ label: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> String? {
        guard case .success(let formatted) = RuleFormatter.format(source) else {
            Issue.record("\(label): does not format: \(RuleFormatter.format(source))", sourceLocation: sourceLocation)
            return nil
        }
        let (before, beforeDiagnostics) = Parser.parse(source)
        let output = SourceFile(path: "formatted.rules", text: formatted)
        let (after, afterDiagnostics) = Parser.parse(output)
        // A warning about the text itself (an invisible character inside quotes) comes along;
        // the formatting must add none.
        let known = Set(beforeDiagnostics.map { "\($0.code): \($0.message)" })
        let added = afterDiagnostics.filter { !known.contains("\($0.code): \($0.message)") }
        #expect(added.isEmpty, "\(label): the formatted text has new diagnostics", sourceLocation: sourceLocation)
        #expect(
            after.strippingLocations == before.strippingLocations, "\(label): the meaning changed",
            sourceLocation: sourceLocation)
        #expect(
            comments(output).sorted() == comments(source).sorted(), "\(label): comments changed",
            sourceLocation: sourceLocation)
        let again = RuleFormatter.format(output)
        #expect(again == .success(formatted), "\(label): formatting twice differs", sourceLocation: sourceLocation)
        return formatted
    }

    @Test(arguments: RulePaths.shippedRuleFiles().map(\.lastPathComponent))
    func shippedRuleFilesKeepTheirMeaningAndFormatToThemselves(name: String) throws {
        let source = try RulePaths.source(RulePaths.rulesFolder.appendingPathComponent(name))
        guard let formatted = Self.checkGuarantees(source, name) else { return }
        // Nothing but quoted text and comments passes the line limit.
        for line in formatted.split(separator: "\n") where line.count > RuleFormatter.lineLimit {
            let trimmed = line.drop { $0 == " " }
            let allowed =
                trimmed.hasPrefix("#") || trimmed.hasPrefix("title \"") || trimmed.hasPrefix("source \"")
                || trimmed.hasPrefix("deviation \"") || trimmed.hasPrefix("test \"")
                || Self.isTextClause(trimmed)
            #expect(allowed, "\(name): line longer than \(RuleFormatter.lineLimit): \(line)")
        }
    }

    /// A line that is one quoted text after at most two words (`en "…"`, `ask "…"`,
    /// `outcome admit "…"`, `option coa "…"`, a vocabulary word's `coa "…",`).
    static func isTextClause(_ line: Substring) -> Bool {
        let head = line.prefix { $0 != "\"" }
        guard head.count < line.count, !head.contains(","), head.split(separator: " ").count <= 2 else { return false }
        return line.hasSuffix("\"") || line.hasSuffix("\",")
    }

    @Test func everyFixtureThatParsesKeepsItsMeaningAndFormatsToItself() throws {
        var formatted = 0
        for url in Self.allFixtures {
            let source = try RulePaths.source(url)
            if Parser.parse(source).1.contains(where: { $0.severity == .error }) {
                guard case .failure(.invalid) = RuleFormatter.format(source) else {
                    Issue.record("\(url.lastPathComponent): has parse errors but was formatted")
                    continue
                }
                continue
            }
            Self.checkGuarantees(source, url.lastPathComponent)
            formatted += 1
        }
        #expect(formatted >= 20, "only \(formatted) fixtures parse")
    }

    /// The rule-file fuzzer's mutations (`RuleFileFuzzTests.mutate`) of every shipped file: those
    /// that parse keep the guarantees; those that do not are refused with the parser's diagnostics.
    @Test(arguments: RulePaths.shippedRuleFiles().map(\.lastPathComponent))
    func fuzzedMutantsThatParseKeepTheirMeaningAndFormatToThemselves(name: String) throws {
        let original = try RulePaths.source(RulePaths.rulesFolder.appendingPathComponent(name))
        var g = SeededGenerator(seed: name.utf8.reduce(UInt64(0xF0_4D47)) { $0 &* 31 &+ UInt64($1) })
        var parsed = 0
        var refused = 0
        for index in 0..<Self.mutantsPerFile {
            var bytes = original.bytes
            for _ in 0..<Int.random(in: 1...3, using: &g) { RuleFileFuzzTests.mutate(&bytes, using: &g) }
            let mutant = SourceFile(path: name, bytes: bytes)
            let (_, diagnostics) = Parser.parse(mutant)
            if diagnostics.contains(where: { $0.severity == .error }) {
                guard case .failure(.invalid(let refusedWith)) = RuleFormatter.format(mutant) else {
                    Issue.record("\(name) mutant \(index): has parse errors but was formatted")
                    continue
                }
                #expect(refusedWith == diagnostics, "\(name) mutant \(index): refused with other diagnostics")
                refused += 1
            } else {
                Self.checkGuarantees(mutant, "\(name) mutant \(index)")
                parsed += 1
            }
        }
        #expect(
            parsed > Self.mutantsPerFile / 10 && refused > Self.mutantsPerFile / 10,
            "\(name): \(parsed) mutants parsed, \(refused) refused")
    }

    // MARK: Golden files

    @Test func thereAreGoldenFiles() {
        #expect(Self.goldenNames.count >= 4)
    }

    @Test(arguments: goldenNames)
    func goldenLayout(name: String) throws {
        let source = try RulePaths.source(Self.formatFixtures.appendingPathComponent(name + ".rules"))
        let formatted = try #require(Self.checkGuarantees(source, name))
        let expectedURL = Self.formatFixtures.appendingPathComponent(name + ".expected")
        if Self.isRecording {
            try formatted.write(to: expectedURL, atomically: true, encoding: .utf8)
            Issue.record("recorded golden file \(name).expected; re-read it and run again without RECORD_GOLDEN")
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(
            formatted == expected,
            "\(name) formats differently from \(name).expected; see the top of RuleFormatterTests.swift")
    }

    // MARK: Details

    @Test func aFileWithParseErrorsIsRefusedWithItsDiagnostics() {
        let source = SourceFile(path: "bad.rules", text: "rule x\n  when a =\n")
        guard case .failure(.invalid(let diagnostics)) = RuleFormatter.format(source) else {
            Issue.record("formatted a file with errors")
            return
        }
        #expect(diagnostics.map(\.code) == ["expected-expression"])
        #expect(DiagnosticRenderer(files: [source]).render(diagnostics).hasPrefix("bad.rules:3:1: error: "))
    }

    @Test(arguments: [
        ("", ""),
        ("# only a comment\n\n\n", "# only a comment\n"),
        ("fact a: bool\r\nfact b: bool # crlf\r\n", "fact a: bool\nfact b: bool # crlf\n"),
        ("\u{FEFF}fact a: bool\n", "fact a: bool\n"),
        ("let x = (a or b) and c\n", "let x = (a or b) and c\n"),
        ("let x = a or b and c\n", "let x = a or (b and c)\n"),
        ("let x = a - (b - c) - d\n", "let x = a - (b - c) - d\n"),
        ("let x = not not a\n", "let x = not not a\n"),
        ("let x = -(-a)\n", "let x = - -a\n"),
        ("let x = (a is none) = true\n", "let x = (a is none) = true\n"),
        ("let x = f(a or b, {(1 + 2)})\n", "let x = f(a or b, {(1 + 2)})\n"),
        ("let x = \"tab\\there \\\"q\\\" back\\\\slash\"\n", "let x = \"tab\\there \\\"q\\\" back\\\\slash\"\n"),
        ("let x = 1.50 + 7.000\n", "let x = 1.5 + 7\n"),
        ("rule r refer to to\n", "rule r\n  refer to to\n"),
        // Bilingual texts: `language`, `ask`, `option`, `outcome` and `closing` clauses, and an
        // `en "…"` kept on the line while it fits; outcomes in the order they are declared.
        (
            "ruleset n title \"T\" en \"E\" language nl\nvocabulary actions a, b \"B\" en \"BE\", c\n"
                + "fact f: one of (x, y) title \"F\" en \"FE\" option y \"Y\" en \"YE\" ask \"Q\" en \"QE\" option x \"X\"\n"
                + "decision d outcomes p, q closing \"C\" en \"CE\" outcome q \"Q\" outcome p \"P\" en \"PE\" otherwise p\n"
                + "responsible \"R\" en \"RE\" for f\n",
            "ruleset n\n  language nl\n  title \"T\" en \"E\"\n\nvocabulary actions a,\n  b \"B\" en \"BE\",\n  c\n"
                + "fact f: one of (x, y) title \"F\" en \"FE\"\n  ask \"Q\" en \"QE\"\n  option x \"X\"\n  option y \"Y\" en \"YE\"\n\n"
                + "decision d\n  outcomes p, q\n  outcome p \"P\" en \"PE\"\n  outcome q \"Q\"\n  closing \"C\" en \"CE\"\n"
                + "  otherwise p\n\nresponsible \"R\" en \"RE\" for f\n"
        ),
        // An `en "…"` that does not fit goes on a continuation line, two spaces deeper.
        (
            "decision d outcomes p outcome p \"\(String(repeating: "p", count: 80))\" en \"\(String(repeating: "e", count: 20))\"\n",
            "decision d\n  outcomes p\n  outcome p \"\(String(repeating: "p", count: 80))\"\n    en \"\(String(repeating: "e", count: 20))\"\n"
        ),
    ])
    func layoutOf(input: String, expected: String) {
        #expect(RuleFormatter.format(SourceFile(path: "t.rules", text: input)) == .success(expected))
    }

    /// Keeping comments does not change what the lexer and parser produce.
    @Test(arguments: RulePaths.shippedRuleFiles().map(\.lastPathComponent))
    func recordingLayoutChangesNothingInTheParse(name: String) throws {
        let source = try RulePaths.source(RulePaths.rulesFolder.appendingPathComponent(name))
        let input = RuleFormatter.read(source)
        var lexer = Lexer(source: source, fileIndex: 0)
        let tokens = lexer.tokenize()
        #expect(tokens == input.tokens)
        #expect(Parser.parse(source).0 == input.file)
        #expect(!input.comments.isEmpty && !input.marks.isEmpty)
    }
}

extension RuleFormatter.Failure: Equatable {
    /// Two failures are equal when they are of one kind with equal details: what the tests compare.
    public static func == (a: RuleFormatter.Failure, b: RuleFormatter.Failure) -> Bool {
        switch (a, b) {
        case (.invalid(let x), .invalid(let y)): return x == y
        case (.changesMeaning(let x), .changesMeaning(let y)): return x == y
        case (.invalid, _), (.changesMeaning, _): return false
        }
    }
}
