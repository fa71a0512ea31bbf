import Testing

@testable import LanguageServer

/// Byte offsets to LSP positions and back, in both encodings, across `\n`, `\r\n` and `\r`.
@Suite struct LineTableTests {
    /// Text, the byte offset of `x` in it, and its position in UTF-16 and in UTF-8.
    @Test(arguments: [
        ("x", 0, 0, 0, 0),
        ("title \"geëvalueerd\" x", 21, 0, 20, 21),
        ("# 😀 x", 7, 0, 5, 7),
        ("a\r\nbë x", 7, 1, 3, 4),
        ("a\rb\r\n\"ë😀\" x", 14, 2, 6, 9),
    ])
    func positionsRoundTrip(text: String, offset: Int, line: Int, utf16: Int, utf8: Int) {
        let table = LineTable(Array(text.utf8))
        #expect(Array(text.utf8)[offset] == UInt8(ascii: "x"))
        #expect(table.position(of: offset, encoding: .utf16) == Position(line: line, character: utf16))
        #expect(table.position(of: offset, encoding: .utf8) == Position(line: line, character: utf8))
        #expect(table.offset(of: Position(line: line, character: utf16), encoding: .utf16) == offset)
        #expect(table.offset(of: Position(line: line, character: utf8), encoding: .utf8) == offset)
    }

    @Test func positionsPastTheEndAreClamped() {
        let table = LineTable(Array("ab\r\ncd".utf8))
        #expect(
            table.offset(of: Position(line: 0, character: 99), encoding: .utf16) == 2, "end of the line, before CR LF")
        #expect(table.offset(of: Position(line: 7, character: 0), encoding: .utf16) == 6, "end of the text")
        #expect(table.position(of: 3, encoding: .utf16) == Position(line: 0, character: 2), "inside CR LF: end of line")
    }
}
