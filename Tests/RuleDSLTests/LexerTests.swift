import RuleDSL
import Testing

@testable import RuleAnalysis
@testable import RuleMachine
@testable import RuleSemantics
@testable import RuleSyntax
@testable import RuleValues

/// Tests for `Lexer`: the tokens of each kind, and lexical errors at their exact spans.
@Suite struct LexerTests {
    private func tokens(_ text: String) -> ([Token], [Diagnostic]) {
        tokens(bytes: Array(text.utf8))
    }

    private func tokens(bytes: [UInt8]) -> ([Token], [Diagnostic]) {
        var lexer = Lexer(source: SourceFile(path: "test.rules", bytes: bytes), fileIndex: 0)
        let tokens = lexer.tokenize()
        return (tokens, lexer.diagnostics)
    }

    /// Kind and text of every token but the final end of file.
    private func shapes(_ text: String) -> [String] {
        let (tokens, diagnostics) = tokens(text)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
        #expect(tokens.last?.kind == .endOfFile)
        #expect(tokens.filter { $0.kind == .endOfFile }.count == 1)
        return tokens.dropLast().map { "\($0.kind):\($0.text)" }
    }

    // MARK: Tokens

    @Test(arguments: [
        ("fact entry_ban_years", ["identifier:fact", "identifier:entry_ban_years"]),
        ("_private x1 A_b_C", ["identifier:_private", "identifier:x1", "identifier:A_b_C"]),
        ("0 10 3.25 007 12.000001", ["number:0", "number:10", "number:3.25", "number:007", "number:12.000001"]),
        // A dot not followed by a digit ends the number: `1.` is a number and a dot.
        ("1.x", ["number:1", "symbol:.", "identifier:x"]),
        ("2024-02-29 0001-01-01 9999-12-31", ["date:2024-02-29", "date:0001-01-01", "date:9999-12-31"]),
        // A date is exactly DDDD-DD-DD; anything else is numbers and minus signs.
        ("2024-2-29", ["number:2024", "symbol:-", "number:2", "symbol:-", "number:29"]),
        ("exceptional_admission.date", ["identifier:exceptional_admission", "symbol:.", "identifier:date"]),
        (
            "= != < <= > >= ( ) { } , : . + - *",
            [
                "symbol:=", "symbol:!=", "symbol:<", "symbol:<=", "symbol:>", "symbol:>=", "symbol:(", "symbol:)",
                "symbol:{", "symbol:}", "symbol:,", "symbol::", "symbol:.", "symbol:+", "symbol:-", "symbol:*",
            ]
        ),
        // Longest match: `<=` and `>=` are one token, `=<` is two.
        ("a<=b=<c", ["identifier:a", "symbol:<=", "identifier:b", "symbol:=", "symbol:<", "identifier:c"]),
        ("# a comment\nfact # another\n# last line without newline", ["identifier:fact"]),
        ("# comment with é and 🚀 is fine\nx", ["identifier:x"]),
        ("\u{FEFF}ruleset x", ["identifier:ruleset", "identifier:x"]),
        ("a\r\n\tb", ["identifier:a", "identifier:b"]),
        ("", []),
    ])
    func tokenKinds(source: String, expected: [String]) {
        #expect(shapes(source) == expected)
    }

    @Test(arguments: [
        (#""plain""#, "plain"),
        (#""""#, ""),
        (#""say \"hi\"""#, #"say "hi""#),
        (#""back\\slash""#, #"back\slash"#),
        (#""two\nlines""#, "two\nlines"),
        (#""a\tb""#, "a\tb"),
        (#""reëel vooruitzicht 🚀""#, "reëel vooruitzicht 🚀"),
        ("\"# not a comment\"", "# not a comment"),
    ])
    func stringsAreDecoded(source: String, decoded: String) {
        let (tokens, diagnostics) = tokens(source)
        #expect(diagnostics.isEmpty)
        #expect(tokens.count == 2)
        #expect(tokens[0].kind == .string)
        #expect(tokens[0].text == decoded)
        // The range covers the whole literal, quotes included.
        #expect(tokens[0].range == SourceRange(file: 0, start: 0, end: source.utf8.count))
    }

    @Test func rangesCoverTheSourceText() {
        let source = MarkedSource("1️⃣rule2️⃣ 3️⃣x_1 4️⃣\n  5️⃣when6️⃣ 7️⃣2024-03-018️⃣ 9️⃣<=")
        let (tokens, diagnostics) = tokens(source.text)
        #expect(diagnostics.isEmpty)
        #expect(tokens[0].range == source.range("1️⃣", "2️⃣"))
        #expect(tokens[1].range == SourceRange(file: 0, start: source["3️⃣"], end: source["4️⃣"] - 1))
        #expect(tokens[2].range == source.range("5️⃣", "6️⃣"))
        #expect(tokens[3].range == source.range("7️⃣", "8️⃣"))
        #expect(tokens[4].range == SourceRange(file: 0, start: source["9️⃣"], end: source["9️⃣"] + 2))
        // The end of file sits at the end of the text, with an empty range.
        #expect(tokens[5].kind == .endOfFile)
        #expect(tokens[5].range == SourceRange(file: 0, start: source.text.utf8.count, end: source.text.utf8.count))
    }

    @Test func fileIndexIsCarriedIntoRanges() {
        var lexer = Lexer(source: SourceFile(path: "pilot.rules", text: "a 1 \"t\""), fileIndex: 3)
        #expect(lexer.tokenize().allSatisfy { $0.range.file == 3 })
    }

    @Test func tokensUpToTheLengthLimitAreAccepted() {
        let name = String(repeating: "a", count: Lexer.maximumTokenLength)
        #expect(shapes(name) == ["identifier:" + name])
    }

    // MARK: Errors at exact spans

    /// One lexical error case: marked source, code, message, and where it must point.
    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let name: String
        let marked: String
        let code: String
        let message: String
        var testDescription: String { name }
    }

    @Test(arguments: [
        ErrorCase(
            name: "unterminated string", marked: "fact x: text title 1️⃣\"2️⃣abc\nfact y: bool",
            code: "unterminated-string", message: "text is not closed"),
        ErrorCase(
            name: "unterminated string at end of file", marked: "title 1️⃣\"2️⃣abc",
            code: "unterminated-string", message: "text is not closed"),
        ErrorCase(
            name: "bad escape", marked: "title \"a1️⃣\\q2️⃣b\"",
            code: "invalid-escape", message: "unknown escape `\\q` in text"),
        ErrorCase(
            name: "invalid date", marked: "valid from 1️⃣2023-02-292️⃣ until 2024-01-01",
            code: "invalid-date", message: "`2023-02-29` is not a valid date"),
        ErrorCase(
            name: "month 13", marked: "when d = 1️⃣2024-13-012️⃣",
            code: "invalid-date", message: "`2024-13-01` is not a valid date"),
        ErrorCase(
            name: "non-ASCII letter in a name", marked: "fact 1️⃣é2️⃣: bool",
            code: "unexpected-character", message: "unexpected character `é`"),
        ErrorCase(
            name: "emoji outside text", marked: "when a = 1️⃣🚀2️⃣",
            code: "unexpected-character", message: "unexpected character `🚀`"),
        ErrorCase(
            name: "NUL byte", marked: "fact x1️⃣\u{0}2️⃣: bool",
            code: "unexpected-character", message: "unexpected NUL byte"),
        ErrorCase(
            name: "control character", marked: "fact 1️⃣\u{7}2️⃣x: bool",
            code: "unexpected-character", message: "unexpected control character"),
        ErrorCase(
            name: "lone exclamation mark", marked: "when 1️⃣!2️⃣ a",
            code: "unexpected-character", message: "unexpected character `!`"),
        ErrorCase(
            name: "digits then letters", marked: "when 1️⃣10years2️⃣ > 1",
            code: "invalid-number", message: "`10years` is not a number"),
    ])
    func lexicalError(_ example: ErrorCase) {
        let source = MarkedSource(example.marked)
        let (_, diagnostics) = tokens(source.text)
        #expect(diagnostics.map(Spot.init) == [Spot(example.code, source.range("1️⃣", "2️⃣"))])
        #expect(diagnostics.first?.message == example.message)
        #expect(diagnostics.first?.severity == .error)
    }

    @Test func nonASCIIOutsideTextGetsHelp() {
        let (_, diagnostics) = tokens("fact naïef: bool")
        #expect(
            diagnostics.first?.help
                == "names are written in plain letters, digits and `_`; put other text in double quotes")
    }

    @Test func lexerCarriesOnAfterAnError() {
        let source = MarkedSource("fact 1️⃣é2️⃣x: bool 3️⃣\u{0}4️⃣ title \"a5️⃣\\q6️⃣\"")
        let (tokens, diagnostics) = tokens(source.text)
        #expect(
            diagnostics.map(Spot.init) == [
                Spot("unexpected-character", source.range("1️⃣", "2️⃣")),
                Spot("unexpected-character", source.range("3️⃣", "4️⃣")),
                Spot("invalid-escape", source.range("5️⃣", "6️⃣")),
            ])
        #expect(tokens.map(\.text) == ["fact", "x", ":", "bool", "title", "a", ""])
    }

    @Test func invalidUTF8InAComment() {
        let source = MarkedSource("# a comment with a bad byte 1️⃣\u{01}2️⃣ here\nfact x: bool")
        let (tokens, diagnostics) = tokens(bytes: source.bytes(with: 0xFF))
        #expect(diagnostics.map(Spot.init) == [Spot("invalid-utf8", source.range("1️⃣", "2️⃣"))])
        #expect(diagnostics.first?.message == "the file is not valid UTF-8 here")
        #expect(diagnostics.first?.help == "save the rule file as UTF-8")
        // The comment still ends at the line break.
        #expect(tokens.map(\.text) == ["fact", "x", ":", "bool", ""])
    }

    @Test func truncatedUTF8SequenceInAComment() {
        // 0xC3 starts a two-byte sequence, but a space follows: the error points at 0xC3.
        let source = MarkedSource("# caf1️⃣\u{01}2️⃣ au lait\nx")
        let (_, diagnostics) = tokens(bytes: source.bytes(with: 0xC3))
        #expect(diagnostics.map(Spot.init) == [Spot("invalid-utf8", source.range("1️⃣", "2️⃣"))])
    }

    @Test func invalidUTF8InText() {
        let source = MarkedSource("title \"ab1️⃣\u{01}2️⃣c\"")
        let (tokens, diagnostics) = tokens(bytes: source.bytes(with: 0xFE))
        #expect(diagnostics.map(Spot.init) == [Spot("invalid-utf8", source.range("1️⃣", "2️⃣"))])
        #expect(tokens[1].kind == .string)
    }

    @Test func invalidUTF8OutsideTextIsAnUnexpectedCharacter() {
        let source = MarkedSource("fact 1️⃣\u{01}2️⃣x: bool")
        let (_, diagnostics) = tokens(bytes: source.bytes(with: 0xFF))
        #expect(diagnostics.map(Spot.init) == [Spot("unexpected-character", source.range("1️⃣", "2️⃣"))])
    }

    @Test func nameLongerThanTheLimit() {
        let long = String(repeating: "a", count: Lexer.maximumTokenLength + 1)
        let source = MarkedSource("fact 1️⃣a2️⃣\(long.dropFirst()): bool")
        let (tokens, diagnostics) = tokens(source.text)
        // The error points at the first character; the token still spans the whole name.
        #expect(diagnostics.map(Spot.init) == [Spot("too-long", source.range("1️⃣", "2️⃣"))])
        #expect(diagnostics.first?.message == "name or number longer than 1024 characters")
        #expect(tokens[1].kind == .identifier)
        #expect(tokens[1].range == SourceRange(file: 0, start: source["1️⃣"], end: source["1️⃣"] + long.utf8.count))
        #expect(tokens.map(\.text).suffix(3) == [":", "bool", ""])
    }

    @Test func numberLongerThanTheLimit() {
        let digits = String(repeating: "9", count: Lexer.maximumTokenLength + 1)
        let (_, diagnostics) = tokens("when x > \(digits)")
        #expect(diagnostics.map(Spot.init) == [Spot("too-long", SourceRange(file: 0, start: 9, end: 10))])
    }

    @Test func textLongerThanItsLimit() {
        let limit = Lexer.maximumTokenLength * 16
        let source = MarkedSource("title 1️⃣\"\(String(repeating: "x", count: limit + 1))\"2️⃣")
        let (_, diagnostics) = tokens(source.text)
        #expect(diagnostics.map(Spot.init) == [Spot("too-long", source.range("1️⃣", "2️⃣"))])
        let (_, fine) = tokens("title \"\(String(repeating: "x", count: limit))\"")
        #expect(fine.isEmpty)
    }

    @Test
    func backslashAtTheEndOfALine() {
        let source = MarkedSource("title \"ab1️⃣\\2️⃣\nfact x: bool")
        let (tokens, diagnostics) = tokens(source.text)
        #expect(diagnostics.allSatisfy { !$0.message.contains("\n") })
        // The text ends at the line break, like any unterminated text; `fact` starts a new line.
        #expect(diagnostics.map(\.code).contains("unterminated-string"))
        #expect(tokens.map(\.text).contains("fact"))
    }

    @Test func rendererPutsTheCaretUnderTheMarkedSpan() {
        let source = MarkedSource("fact x: text\n\ttitle \"reëel 1️⃣\\q2️⃣\"")
        let (_, diagnostics) = tokens(source.text)
        let rendered = DiagnosticRenderer(files: [source.source()]).render(diagnostics)
        #expect(
            rendered == """
                test.rules:2:15: error: unknown escape `\\q` in text
                  \ttitle "reëel \\q"
                  \t             ^~
                  help: use `\\"`, `\\\\`, `\\n` or `\\t`

                """)
    }
}
