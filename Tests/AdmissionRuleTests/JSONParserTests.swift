import Testing

@testable import LVVRules

/// A document the parser must accept, with the tree it must produce.
struct JSONValidCase: Sendable, CustomTestStringConvertible {
    let json: String
    let expected: JSONValue
    var testDescription: String { json.debugDescription }
}

/// A document the parser must reject, with the exact error it must report.
struct JSONInvalidCase: Sendable, CustomTestStringConvertible {
    let bytes: [UInt8]
    let message: String
    let offset: Int
    let key: String?
    init(_ json: String, _ message: String, at offset: Int, key: String? = nil) {
        self.init(bytes: Array(json.utf8), message, at: offset, key: key)
    }
    init(bytes: [UInt8], _ message: String, at offset: Int, key: String? = nil) {
        self.bytes = bytes
        self.message = message
        self.offset = offset
        self.key = key
    }
    var testDescription: String { String(decoding: bytes.prefix(60), as: UTF8.self).debugDescription }
}

private func parse(_ bytes: [UInt8], maxDepth: Int = 64) -> Result<JSONValue, JSONError> {
    bytes.withUnsafeBufferPointer { JSONParser.parse($0, maxDepth: maxDepth) }
}

private func member(_ key: String, _ value: JSONValue, _ offset: Int) -> JSONMember {
    JSONMember(key: key, value: value, offset: offset)
}

extension JSONValue {
    /// The same tree with every member offset set to 0, for comparing content across re-serialisation.
    fileprivate var withoutOffsets: JSONValue {
        switch self {
        case .array(let elements): return .array(elements.map(\.withoutOffsets))
        case .object(let members):
            return .object(members.map { JSONMember(key: $0.key, value: $0.value.withoutOffsets, offset: 0) })
        default: return self
        }
    }
}

@Suite("JSONParser")
struct JSONParserTests {
    static let validCases: [JSONValidCase] = [
        .init(json: "null", expected: .null),
        .init(json: "true", expected: .bool(true)),
        .init(json: "false", expected: .bool(false)),
        .init(json: "0", expected: .number("0")),
        .init(json: "-0", expected: .number("-0")),
        .init(json: "1.5e2", expected: .number("1.5e2")),
        .init(json: "-12.25E-10", expected: .number("-12.25E-10")),
        .init(json: "1e+2", expected: .number("1e+2")),
        // Out of Double range: kept as text, range checking is the caller's job.
        .init(json: "1e400", expected: .number("1e400")),
        .init(json: "123456789012345678901234567890", expected: .number("123456789012345678901234567890")),
        .init(json: #""""#, expected: .string("")),
        .init(json: #""plain""#, expected: .string("plain")),
        .init(json: #""\"\\\/\b\f\n\r\t""#, expected: .string("\"\\/\u{8}\u{C}\n\r\t")),
        .init(json: #""\u00e9\u00E9""#, expected: .string("éé")),
        .init(json: #""\ud83d\ude00""#, expected: .string("😀")),
        .init(json: #""\u0000""#, expected: .string("\u{0}")),
        .init(json: #""héllo wörld 日本 😀""#, expected: .string("héllo wörld 日本 😀")),
        .init(json: #""a/b""#, expected: .string("a/b")),
        .init(json: "[]", expected: .array([])),
        .init(json: "{}", expected: .object([])),
        .init(
            json: "[1,[2,[3,[]]],{}]",
            expected: .array([
                .number("1"), .array([.number("2"), .array([.number("3"), .array([])])]), .object([]),
            ])),
        .init(
            json: #"{"a":1,"b":[true,null],"c":{"d":"e"}}"#,
            expected: .object([
                member("a", .number("1"), 1),
                member("b", .array([.bool(true), .null]), 7),
                member("c", .object([member("d", .string("e"), 28)]), 23),
            ])),
        .init(
            json: " \t\n\r{ \"a\" : [ 1 , 2 ] }\r\n",
            expected: .object([
                member("a", .array([.number("1"), .number("2")]), 6)
            ])),
        // JSONL lines written on Windows end in CRLF; a bare trailing CR is tolerated too.
        .init(json: "{\"a\":1}\r\n", expected: .object([member("a", .number("1"), 1)])),
        .init(json: "{\"a\":1}\r", expected: .object([member("a", .number("1"), 1)])),
        // A UTF-8 BOM is skipped; offsets still count it.
        .init(json: "\u{FEFF}{\"a\":true}", expected: .object([member("a", .bool(true), 4)])),
        // Keys that differ only in case or by escape-free spelling are distinct.
        .init(
            json: #"{"a":1,"A":2,"ab":3,"ba":4}"#,
            expected: .object([
                member("a", .number("1"), 1), member("A", .number("2"), 7),
                member("ab", .number("3"), 13), member("ba", .number("4"), 20),
            ])),
    ]

    @Test("valid documents", arguments: validCases)
    func valid(_ c: JSONValidCase) {
        #expect(JSONParser.parse(c.json) == .success(c.expected))
    }

    static let invalidCases: [JSONInvalidCase] = [
        .init("", "empty input", at: 0),
        .init(" \r\n", "empty input", at: 3),
        .init(#"{"a":1,"b":{"c":tru}}"#, "invalid literal `tru`", at: 16, key: "b"),
        .init(#"[{"a":tru}]"#, "invalid literal `tru`", at: 6, key: "a"),
        .init(
            #"{"birth_date":"2001-09-24","birth_date":"2001-09-25"}"#, "duplicate key `birth_date`", at: 27,
            key: "birth_date"),
        .init(#"{"p":{"x":1,"y":2,"x":3}}"#, "duplicate key `x`", at: 18, key: "p"),
        .init(#"[{"x":1,"x":2}]"#, "duplicate key `x`", at: 8, key: "x"),
        // Escapes are decoded before comparing, and Swift's canonical equivalence applies ("é" == "e\u0301").
        .init(#"{"a":1,"\u0061":2}"#, "duplicate key `a`", at: 7, key: "a"),
        .init(#"{"é":1,"e\u0301":2}"#, "duplicate key `é`", at: 8, key: "é"),
        .init(#"{"K":1,"\u212A":2}"#, "duplicate key `\u{212A}`", at: 7, key: "\u{212A}"),  // Kelvin sign == "K"
        .init(#""abc"#, "unterminated string", at: 0),
        .init(#"{"name":"abc}"#, "unterminated string", at: 8, key: "name"),
        .init(#""abc\"#, "unterminated string", at: 0),
        .init(#"{"a":1 "b":2}"#, "expected `,` or `}` after object member", at: 7, key: "a"),
        .init("[1 2]", "expected `,` or `]` after array element", at: 3),
        .init(#"{"a" 1}"#, "expected `:` after object key", at: 5, key: "a"),
        .init(#"{1:2}"#, "expected string key, found `1`", at: 1),
        .init(
            String(repeating: "[", count: 65) + String(repeating: "]", count: 65),
            "nesting deeper than 64 levels", at: 64),
        .init(#"{"a":"\q"}"#, #"invalid escape `\q` in string"#, at: 6, key: "a"),
        .init(#""\u12""#, #"invalid `\u` escape in string: expected 4 hex digits"#, at: 1),
        .init(#""\uZZZZ""#, #"invalid `\u` escape in string: expected 4 hex digits"#, at: 1),
        .init(#""\ud800""#, #"unpaired surrogate `\ud800` in string"#, at: 1),
        .init(#""\udc00\ud800""#, #"unpaired surrogate `\udc00` in string"#, at: 1),
        .init(#""\ud800\u0041""#, #"unpaired surrogate `\ud800` in string"#, at: 1),
        .init(#""x\ud800x""#, #"unpaired surrogate `\ud800` in string"#, at: 2),
        .init(bytes: [0x22, 0xC3, 0x28, 0x22], "invalid UTF-8 in string", at: 1),
        .init(bytes: [0x22, 0xC0, 0x80, 0x22], "invalid UTF-8 in string", at: 1),  // overlong NUL
        .init(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], "invalid UTF-8 in string", at: 1),  // encoded surrogate
        .init(bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], "invalid UTF-8 in string", at: 1),  // above U+10FFFF
        .init(bytes: [0x22, 0x61, 0xE2, 0x82], "invalid UTF-8 in string", at: 2),  // cut off by end of input
        .init(bytes: [0x22, 0x80, 0x22], "invalid UTF-8 in string", at: 1),  // lone continuation byte
        .init(bytes: [0x22, 0xFF, 0x22], "invalid UTF-8 in string", at: 1),
        .init(bytes: [0xFF], "invalid UTF-8", at: 0),
        .init(bytes: [0x5B, 0xC3], "invalid UTF-8", at: 1),
        .init("\"a\u{1}b\"", "control character in string must be escaped", at: 2),
        .init("\"a\tb\"", "control character in string must be escaped", at: 2),
        .init("{\"a\":\"line\nbreak\"}", "control character in string must be escaped", at: 10, key: "a"),
        .init("[1,2", "unexpected end of input", at: 4),
        .init(#"{"a":"#, "unexpected end of input", at: 5, key: "a"),
        .init(#"{"a""#, "unexpected end of input", at: 4, key: "a"),
        .init("{", "unexpected end of input", at: 1),
        .init("-", "expected digit after `-` in number", at: 1),
        .init(#"{"a":1}x"#, "unexpected text after the JSON value", at: 7),
        .init(#"{"a":1} {"b":2}"#, "unexpected text after the JSON value", at: 8),
        .init("[1,]", "trailing comma in array", at: 2),
        .init(#"{"a":1,}"#, "trailing comma in object", at: 6),
        .init("// note\n1", "comments are not allowed", at: 0),
        .init("[1,/* note */2]", "comments are not allowed", at: 3),
        .init("{'a':1}", "strings must use double quotes", at: 1),
        .init("['a']", "strings must use double quotes", at: 1),
        .init("NaN", "invalid literal `NaN`", at: 0),
        .init("[Infinity]", "invalid literal `Infinity`", at: 1),
        .init("-Infinity", "expected digit after `-` in number", at: 1),
        .init("True", "invalid literal `True`", at: 0),
        .init("nul", "invalid literal `nul`", at: 0),
        .init("truex", "invalid literal `truex`", at: 0),
        .init("01", "leading zero in number", at: 0),
        .init("-007", "leading zero in number", at: 1),
        .init("+1", "numbers may not start with `+`", at: 0),
        .init(".5", "numbers may not start with `.`", at: 0),
        .init("1.", "expected digit after `.` in number", at: 2),
        .init("1.e5", "expected digit after `.` in number", at: 2),
        .init("1e", "expected digit in exponent of number", at: 2),
        .init("1e+", "expected digit in exponent of number", at: 3),
        .init("0x1F", "unexpected text after the JSON value", at: 1),
        .init("[,]", "expected a value, found `,`", at: 1),
        .init(#"{"a":}"#, "expected a value, found `}`", at: 5, key: "a"),
        .init("]", "expected a value, found `]`", at: 0),
        .init("[\u{1}]", "expected a value, found byte 0x01", at: 1),
        .init("«»", "expected a value, found `«`", at: 0),
    ]

    @Test("invalid documents: message, offset and key", arguments: invalidCases)
    func invalid(_ c: JSONInvalidCase) {
        let result = parse(c.bytes)
        #expect(result == .failure(JSONError(message: c.message, offset: c.offset, key: c.key)))
    }

    @Test func errorDescriptionNamesOffsetAndKey() {
        guard case .failure(let error) = JSONParser.parse(#"{"a":1,"b":{"c":tru}}"#) else {
            Issue.record("expected an error")
            return
        }
        #expect(error.description == "invalid literal `tru` at byte 16 (in `b`)")
        #expect(JSONError(message: "empty input", offset: 0).description == "empty input at byte 0")
    }

    @Test func memberOffsetsPointAtKeyQuotes() throws {
        let text = #"{"case_id": "GRN-1", "nested": {"x": 1}}"#
        guard case .success(.object(let members)) = JSONParser.parse(text) else {
            Issue.record("expected an object")
            return
        }
        let bytes = Array(text.utf8)
        for m in members { #expect(bytes[m.offset] == UInt8(ascii: "\"")) }
        #expect(members.map(\.offset) == [1, 21])
        guard case .object(let inner) = members[1].value else {
            Issue.record("expected nested object")
            return
        }
        #expect(inner[0].offset == 32)
    }

    @Test("nesting up to maxDepth is fine, one more is an error", arguments: [1, 2, 64, 200, JSONParser.depthCeiling])
    func depthLimit(maxDepth: Int) {
        let ok = String(repeating: "[", count: maxDepth) + String(repeating: "]", count: maxDepth)
        #expect((try? JSONParser.parse(ok, maxDepth: maxDepth).get()) != nil)
        let deep = String(repeating: "{\"k\":", count: maxDepth + 1) + "1" + String(repeating: "}", count: maxDepth + 1)
        #expect(
            JSONParser.parse(deep, maxDepth: maxDepth)
                == .failure(
                    JSONError(message: "nesting deeper than \(maxDepth) levels", offset: 5 * maxDepth, key: "k")))
    }

    @Test func maxDepthZeroAllowsOnlyScalars() {
        #expect(JSONParser.parse("42", maxDepth: 0) == .success(.number("42")))
        #expect(
            JSONParser.parse("[]", maxDepth: 0)
                == .failure(JSONError(message: "nesting deeper than 0 levels", offset: 0)))
    }

    @Test func hostileNestingFailsFastWithoutRecursion() {
        let start = ContinuousClock.now
        let brackets = String(repeating: "[", count: 100_000)
        #expect(JSONParser.parse(brackets) == .failure(JSONError(message: "nesting deeper than 64 levels", offset: 64)))
        // Even a caller asking for unlimited depth gets the ceiling, not a stack overflow later in deinit or ==.
        let ceiling = JSONParser.depthCeiling
        #expect(
            JSONParser.parse(brackets, maxDepth: .max)
                == .failure(JSONError(message: "nesting deeper than \(ceiling) levels", offset: ceiling)))
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test func megabyteStrings() {
        // 1 MB of mixed ASCII, escapes and multi-byte UTF-8, as value and as key.
        var text = ""
        var expected = ""
        while text.utf8.count < 1_000_000 {
            text += #"abc\"\\\n\u00e9é日😀\ud83d\ude00/ "#
            expected += "abc\"\\\néé日😀😀/ "
        }
        #expect(JSONParser.parse("\"\(text)\"") == .success(.string(expected)))
        #expect(JSONParser.parse("{\"\(text)\":true}") == .success(.object([member(expected, .bool(true), 1)])))
        let plain = String(repeating: "x", count: 1 << 20)
        #expect(JSONParser.parse("[\"\(plain)\"]") == .success(.array([.string(plain)])))
        #expect(JSONParser.parse("\"\(plain)") == .failure(JSONError(message: "unterminated string", offset: 0)))
    }

    @Test func largeObjectsStillCatchDuplicates() {
        // Past the linear-scan limit the parser switches to a hash set; duplicates must still be found.
        let keys = (0..<500).map { "\"field_\($0)\":\($0)" }
        let ok = "{" + keys.joined(separator: ",") + "}"
        guard case .success(.object(let members)) = JSONParser.parse(ok) else {
            Issue.record("expected an object")
            return
        }
        #expect(members.count == 500)
        #expect(members[499].key == "field_499")
        let dup = "{" + keys.joined(separator: ",") + ",\"field_7\":0}"
        #expect(
            JSONParser.parse(dup)
                == .failure(JSONError(message: "duplicate key `field_7`", offset: ok.utf8.count, key: "field_7")))
        // Escaped keys take the slow comparison path even in small objects.
        #expect(
            JSONParser.parse(#"{"\u0062":1,"a":2,"b":3}"#)
                == .failure(JSONError(message: "duplicate key `b`", offset: 18, key: "b")))
    }

    @Test func arraysOfObjectsKeepTheirOwnMembers() {
        // Nested containers share the parser's stacks; each must come out with exactly its own children.
        let items = (0..<1_000).map { #"{"id":\#($0),"tags":["t\#($0)",{"deep":[\#($0)]}],"ok":true}"# }
        guard case .success(.array(let objects)) = JSONParser.parse("[" + items.joined(separator: ",") + "]") else {
            Issue.record("expected an array")
            return
        }
        #expect(objects.count == 1_000)
        for (n, object) in objects.enumerated() {
            #expect(
                object.withoutOffsets
                    == .object([
                        member("id", .number("\(n)"), 0),
                        member(
                            "tags",
                            .array([.string("t\(n)"), .object([member("deep", .array([.number("\(n)")]), 0)])]), 0),
                        member("ok", .bool(true), 0),
                    ]))
        }
    }

    @Test func emptyBufferWithoutBaseAddress() {
        #expect(
            JSONParser.parse(UnsafeBufferPointer<UInt8>(start: nil, count: 0))
                == .failure(JSONError(message: "empty input", offset: 0)))
    }

    @Test func caseLineParses() {
        let line =
            #"{"case_id":"GRN-000001","reference_date":"2024-03-30","identity_doubt":false,"birth_date":"2001-09-24","nationality":"SD","safe_country_national":false,"lawful_residence":false,"reception_entitlement":"vbl","entry_ban_years":10,"declared_undesirable":false,"dublin_claimant":false,"binding_municipality":"Pekela","binding_province":"Groningen","previously_in_bbb":false,"willing_to_cooperate":false}"#
        guard case .success(.object(let members)) = JSONParser.parse(line) else {
            Issue.record("expected an object")
            return
        }
        #expect(members.count == 15)
        #expect(members.first { $0.key == "entry_ban_years" }?.value == .number("10"))
        #expect(members.first { $0.key == "binding_province" }?.value == .string("Groningen"))
    }
}

/// Deterministic PRNG (JSONFuzzRNG) so fuzz failures reproduce from the seed.
private struct JSONFuzzRNG: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("JSONParser fuzzing")
struct JSONParserFuzzTests {
    static let seeds: [String] = [
        #"{"case_id":"GRN-000001","reference_date":"2024-03-30","identity_doubt":false,"entry_ban_years":10,"nationality":"SD"}"#,
        #"[1,-0,1.5e2,1e400,true,false,null,"",{"a":[{}]},[[[]]]]"#,
        #"{"s":"\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00","é":"日本 😀","n":-12.5E-3}"#,
        " { \"a\" : [ 1 , 2 ] , \"b\" : { } }\r\n",
    ]

    /// Parses `bytes` and checks the result is sane: errors point inside the input, successes survive a write/parse round trip.
    static func check(_ bytes: [UInt8]) {
        switch parse(bytes) {
        case .failure(let error):
            #expect(error.offset >= 0 && error.offset <= bytes.count, "offset out of range for \(bytes)")
            #expect(!error.message.isEmpty)
        case .success(let value):
            var writer = JSONWriter()
            writer.appendValue(value)
            let again = parse(writer.bytes).map(\.withoutOffsets)
            #expect(again == .success(value.withoutOffsets), "round trip failed for \(bytes)")
        }
    }

    @Test func mutatedDocumentsNeverCrash() {
        var rng = JSONFuzzRNG(state: 0x5EED_0001)
        let interesting =
            Array(#"{}[]":,\/"0123456789-+.eEtrufalsn "#.utf8) + [
                0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xFF,
            ]
        for _ in 0..<20_000 {
            var bytes = Array(Self.seeds.randomElement(using: &rng)!.utf8)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let k = Int.random(in: 0..<max(bytes.count, 1), using: &rng)
                switch Int.random(in: 0..<6, using: &rng) {
                case 0 where !bytes.isEmpty: bytes[k] = interesting.randomElement(using: &rng)!
                case 1: bytes.insert(interesting.randomElement(using: &rng)!, at: min(k, bytes.count))
                case 2 where !bytes.isEmpty: bytes.remove(at: k)
                case 3: bytes = Array(bytes.prefix(k))
                case 4 where !bytes.isEmpty: bytes[k] = UInt8.random(in: 0...255, using: &rng)
                default:
                    // Duplicate a slice, which tends to create duplicate keys and deeper nesting.
                    let end = min(bytes.count, k + Int.random(in: 1...12, using: &rng))
                    bytes.insert(contentsOf: bytes[k..<end], at: end)
                }
            }
            Self.check(bytes)
        }
    }

    @Test func randomBytesNeverCrash() {
        var rng = JSONFuzzRNG(state: 0x5EED_0002)
        for _ in 0..<5_000 {
            let count = Int.random(in: 0...64, using: &rng)
            Self.check((0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) })
        }
    }
}
