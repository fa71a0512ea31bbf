import RuleDSL
import Testing

@testable import LVVRules

/// A string and the exact JSON text `appendString` must produce for it.
struct JSONEscapeCase: Sendable, CustomTestStringConvertible {
    let input: String
    let json: String
    var testDescription: String { input.debugDescription }
}

@Suite("JSONWriter")
struct JSONWriterTests {
    private static func written(_ body: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        body(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    static let escapeCases: [JSONEscapeCase] = [
        .init(input: "", json: #""""#),
        .init(input: "plain", json: #""plain""#),
        .init(input: "quote \" and backslash \\", json: #""quote \" and backslash \\""#),
        .init(input: "\n\r\t\u{8}\u{C}", json: #""\n\r\t\b\f""#),
        .init(input: "\u{0}\u{1}\u{1F}", json: #""\u0000\u0001\u001f""#),
        .init(input: "a/b", json: #""a/b""#),  // "/" needs no escape
        .init(input: "\u{7F}", json: "\"\u{7F}\""),  // DEL is not a control character in JSON
        .init(input: "héllo 日本 😀 e\u{301}", json: "\"héllo 日本 😀 e\u{301}\""),  // non-ASCII as is
    ]

    @Test("appendString escapes per RFC 8259", arguments: escapeCases)
    func escapes(_ c: JSONEscapeCase) {
        #expect(Self.written { $0.appendString(c.input) } == c.json)
        #expect(JSONParser.parse(c.json) == .success(.string(c.input)))
    }

    /// The verdict writer quotes a case's own texts straight into its `ByteBuffer`: the same
    /// bytes as into an array, escapes included.
    @Test("appendQuoted writes alike into a ByteBuffer", arguments: escapeCases)
    func quotedIntoByteBuffer(_ c: JSONEscapeCase) {
        var buffer = ByteBuffer(capacity: 4)  // small: the quoting must grow it
        defer { buffer.free() }
        buffer.append(UInt8(ascii: "x"))
        Array(c.input.utf8).withUnsafeBufferPointer { JSONWriter.appendQuoted($0, to: &buffer) }
        #expect(Array(buffer.bytes) == Array(("x" + c.json).utf8))
    }

    @Test func everyControlCharacterRoundTrips() {
        let all = String(decoding: Array(0..<0x20) + Array("x\"\\/é😀".utf8), as: UTF8.self)
        var writer = JSONWriter()
        writer.appendString(all)
        #expect(!writer.bytes.contains { $0 < 0x20 }, "no raw control byte may be written")
        #expect(writer.bytes.withUnsafeBufferPointer { JSONParser.parse($0) } == .success(.string(all)))
        for byte in UInt8(0)..<0x20 {
            let s = String(decoding: [byte], as: UTF8.self)
            var w = JSONWriter()
            w.appendString(s)
            #expect(w.bytes.withUnsafeBufferPointer { JSONParser.parse($0) } == .success(.string(s)))
        }
    }

    @Test func keysRawAndBytes() {
        let text = Self.written {
            $0.appendRaw(UInt8(ascii: "{"))
            $0.appendKey("n")
            $0.appendRaw("1.50")
            $0.appendRaw(UInt8(ascii: ","))
            $0.appendKey("say \"hi\"")
            $0.appendRaw("null")
            $0.appendRaw(UInt8(ascii: "}"))
        }
        #expect(text == #"{"n":1.50,"say \"hi\"":null}"#)
    }

    static let compactDocuments = [
        #"{"case_id":"GRN-000001","entry_ban_years":10,"flags":[true,false,null],"nested":{"x":-0,"y":1e400},"e":{},"a":[]}"#,
        #"[1.5e2,"\u0000\n\"\\",{"é":"日本😀"}]"#,
        #""solo""#,
        "-12.25E-10",
    ]

    @Test("appendValue reproduces compact documents exactly", arguments: compactDocuments)
    func compactRoundTrip(_ json: String) throws {
        // These inputs are already compact and use the writer's escapes, so the output must be byte-identical.
        let value = try JSONParser.parse(json).get()
        #expect(Self.written { $0.appendValue(value) } == json)
    }

    @Test func appendValueExactText() {
        let value = JSONValue.object([
            JSONMember(key: "b", value: .number("-0"), offset: 0),
            JSONMember(key: "a", value: .array([.bool(true), .null, .string("x\ny")]), offset: 0),
        ])
        #expect(Self.written { $0.appendValue(value) } == #"{"b":-0,"a":[true,null,"x\ny"]}"#)
    }

    @Test func megabyteStringRoundTrips() {
        let big = String(repeating: "ab\u{1}\"\\é😀", count: 100_000)
        var writer = JSONWriter(reservingCapacity: 0)
        writer.appendString(big)
        #expect(writer.bytes.withUnsafeBufferPointer { JSONParser.parse($0) } == .success(.string(big)))
    }

    /// The batch writer keeps its own copy of the decimal scale (a constant it can fold); it
    /// must be the language's, and write numbers as their `description` does.
    @Test func numberTextUsesTheDecimalScale() throws {
        #expect(NumberText.scale == UInt64(DecimalNumber.scale))
        for text in ["0", "12", "-3.25", "0.000001", "999999999998.5", "-999999999999"] {
            guard case .value(let number) = Array(text.utf8).withUnsafeBufferPointer({ DecimalNumber.parse(utf8: $0) })
            else {
                Issue.record("`\(text)` does not parse")
                continue
            }
            var buffer = ByteBuffer()
            NumberText.append(number, to: &buffer)
            #expect(String(decoding: buffer.bytes, as: UTF8.self) == number.description)
            buffer.free()
        }
    }
}
