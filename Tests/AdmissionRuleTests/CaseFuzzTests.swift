import Foundation
import RuleDSL
import Testing

@testable import LVVRules
@testable import RuleAnalysis
@testable import RuleMachine
@testable import RuleSemantics
@testable import RuleSyntax
@testable import RuleValues

/// Seeded mutation fuzzing of case lines through `BatchProcessor.process` (what `rule-check batch`
/// does per line) for the groningen pilot. Deterministic (fixed seed).
///
/// Every output must be exactly one line ending in `\n` that parses as a JSON object and is
/// either a verdict (`case_id`, `decision`) or `{"line": N, "error": "…"}` whose error is not
/// empty and names a key (in backticks) or a byte position.
@Suite struct CaseFuzzTests {
    static let mutants = 20_000

    /// 400 valid case lines: 200 generated intake and review cases, and 200 Groningen intakes
    /// built here that vary a few facts at a time.
    static let seeds: [String] = {
        generatedCaseLines(200)
            + (1...200).map { i in
                """
                {"case_id":"GRN-\(i)","reference_date":"2024-03-\(10 + i % 19)","v_number":"\(1_000_000_000 + i)",\
                "identity_doubt":\(i % 7 == 0),"birth_date":"19\(60 + i % 40)-0\(1 + i % 9)-1\(i % 10)","nationality":"SD",\
                "lawful_residence":false,"reception_entitlement":"none","entry_ban_years":\(i % 13),"declared_undesirable":false,\
                "dublin_claimant":\(i % 5 == 0),"binding_municipality":"Groningen","binding_province":"Groningen",\
                "safe_country_national":false,"previously_in_bbb":\(i % 3 == 0),"willing_to_cooperate":true}
                """
            }
    }()

    static func processor() throws -> BatchProcessor {
        BatchProcessor(program: try Pilots.program(.groningen), trace: true)
    }

    // MARK: Mutating

    /// A case line as members with their values as JSON text, so mutations can work per member.
    typealias Members = [(key: String, value: String)]

    static func members(_ line: String) -> Members? {
        guard case .success(.object(let members)) = JSONParser.parse(line) else { return nil }
        return members.map { ($0.key, serialize($0.value)) }
    }

    static func serialize(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let text): return text
        case .string(let s): return quote(s)
        case .array(let items): return "[" + items.map(serialize).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { quote($0.key) + ":" + serialize($0.value) }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20:
                out +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static let numbers = [
        "1e400", "-1e400", "-3", "NaN", "-0", "-0.0", "0.0000001", "1.123456", "1.1234567", "1234567890123",
        "123456789012.123456", "12345678901234567890", "+1", "01", "1.", ".5", "Infinity", "1e-400", "0x10", "2.5",
        "1E2",
    ]
    static let dates = [
        "2023-02-29", "2024-13-01", "2024-02-30", "2024-00-10", "2024-1-1", "0000-01-01", "9999-12-31", "2024-02-29",
        "2024-04-31", "24-01-01", "2024-01-01T00:00:00Z", "",
    ].map(quote)
    static let otherValues = [
        "null", "true", "false", "\"true\"", "\"\"", "[]", "{}", "0", "\"x\"", "[1,2]", "{\"a\":1}",
    ]
    static let otherKeys = [
        "case_id", "reference_date", "admission_date", "phase", "outcome", "scenario", "exceptional_admission",
        "entry_ban_years", "Case_ID", "binding_municipality", "binding_province", "", "é", "__proto__",
    ]

    static func mutate(_ members: inout Members, using g: inout CaseFuzzRNG) {
        if members.isEmpty {
            members.append(("case_id", "\"x\""))
            return
        }
        let i = Int.random(in: 0..<members.count, using: &g)
        switch Int.random(in: 0..<100, using: &g) {
        case 0..<12:  // key rename
            let key = members[i].key
            switch Int.random(in: 0..<4, using: &g) {
            case 0: members[i].key = key + "x"
            case 1: members[i].key = key.uppercased()
            case 2: members[i].key = String(key.dropLast())
            default: members[i].key = otherKeys.randomElement(using: &g)!
            }
        case 12..<30:  // type swap: true → "true", "text" → text, number → "number", or any other type
            let value = members[i].value
            if value == "true" || value == "false" || value.first?.isNumber == true {
                members[i].value = quote(value)
            } else if value.hasPrefix("\""), value.count >= 2 {
                members[i].value = String(value.dropFirst().dropLast())
            } else {
                members[i].value = otherValues.randomElement(using: &g)!
            }
        case 30..<45:  // numbers
            if let n = members.firstIndex(where: { $0.key == "entry_ban_years" }), Bool.random(using: &g) {
                members[n].value = numbers.randomElement(using: &g)!
            } else {
                members[i].value = numbers.randomElement(using: &g)!
            }
        case 45..<58:  // dates
            let dateKeys = members.indices.filter { members[$0].key.hasSuffix("_date") }
            members[dateKeys.randomElement(using: &g) ?? i].value = dates.randomElement(using: &g)!
        case 58..<66:  // duplicate key
            members.insert(members[i], at: Int.random(in: 0...members.count, using: &g))
        case 66..<74:  // delete a member
            members.remove(at: i)
        case 74..<80:  // another value
            members[i].value = otherValues.randomElement(using: &g)!
        case 80..<86:  // nested object for exceptional_admission, sometimes with faults
            let inner = [
                "{\"decided_by\":\"mayor\",\"grounds\":\"humanitarian\",\"date\":\"2024-01-02\"}",
                "{\"decided_by\":\"king\",\"grounds\":\"humanitarian\",\"date\":\"2024-01-02\"}",
                "{\"decided_by\":\"lso\",\"grounds\":\"public_order\",\"date\":\"2023-02-29\"}",
                "{\"decided_by\":\"lso\",\"extra\":1}", "{}", "null", "[]",
            ]
            members.append(("exceptional_admission", inner.randomElement(using: &g)!))
        case 86..<92:  // review facts
            members.append(("admission_date", quote("2023-0\(Int.random(in: 1...9, using: &g))-15")))
            members.append(("phase", Bool.random(using: &g) ? "\"research\"" : "\"reception\""))
        case 92..<96:  // nesting `[[[[…]]]]` 10,000 deep, or 70 levels (just past the limit of 64)
            let depth = Bool.random(using: &g) ? 10_000 : 70
            members[i].value = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        case 96..<98:  // a 1 MB string value
            members[i].value = "\"" + String(repeating: "a", count: 1 << 20) + "\""
        default:  // unknown key
            members.append(("unknown_key_\(Int.random(in: 0..<10, using: &g))", "1"))
        }
    }

    static func mutateBytes(_ bytes: inout [UInt8], using g: inout CaseFuzzRNG) {
        guard !bytes.isEmpty else {
            bytes = [UInt8(ascii: "{")]
            return
        }
        let i = Int.random(in: 0..<bytes.count, using: &g)
        switch Int.random(in: 0..<6, using: &g) {
        case 0: bytes[i] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &g)
        case 1: bytes[i] = UInt8.random(in: 0...255, using: &g)
        case 2: bytes.removeSubrange(i..<bytes.count)  // truncation
        case 3: bytes.remove(at: i)
        case 4:
            bytes.insert(
                [0x00, 0xFF, 0x80, UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "{"), UInt8(ascii: "]")]
                    .randomElement(using: &g)!, at: i)
        default:  // a CRLF remnant, or trailing blanks
            bytes += Bool.random(using: &g) ? [UInt8(ascii: "\r")] : Array(" \t".utf8)
        }
    }

    // MARK: Checking

    /// Checks one output line; returns true for a verdict, false for an error line.
    @discardableResult
    static func check(
        _ output: [UInt8], lineNumber: Int, input: [UInt8], sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> Bool? {
        let shown = String(decoding: input.prefix(200), as: UTF8.self).debugDescription
        guard output.last == UInt8(ascii: "\n"), !output.dropLast().contains(UInt8(ascii: "\n")) else {
            Issue.record("not exactly one line for \(shown)", sourceLocation: sourceLocation)
            return nil
        }
        let parsed = Array(output.dropLast()).withUnsafeBufferPointer { JSONParser.parse($0, maxDepth: 1_000) }
        guard case .success(.object(let members)) = parsed else {
            Issue.record(
                "output is not a JSON object for \(shown): \(String(decoding: output.prefix(300), as: UTF8.self))",
                sourceLocation: sourceLocation)
            return nil
        }
        let keys = members.map(\.key)
        if keys.contains("case_id") && keys.contains("decision") { return true }
        guard keys == ["line", "error"], members[0].value == .number(String(lineNumber)),
            case .string(let message) = members[1].value
        else {
            Issue.record(
                "neither a verdict nor an error line for \(shown): \(String(decoding: output.prefix(300), as: UTF8.self))",
                sourceLocation: sourceLocation)
            return nil
        }
        let namesKey = message.contains("`")
        let namesPosition = message.range(of: #"at byte [0-9]+"#, options: .regularExpression) != nil
        #expect(!message.isEmpty, "empty error for \(shown)", sourceLocation: sourceLocation)
        #expect(
            namesKey || namesPosition, "error names neither key nor position: \(message) for \(shown)",
            sourceLocation: sourceLocation)
        #expect(
            message.utf8.count < 2_000, "error message of \(message.utf8.count) bytes for \(shown)",
            sourceLocation: sourceLocation)
        return false
    }

    static func run(_ processor: BatchProcessor, _ bytes: [UInt8], lineNumber: Int) -> [UInt8] {
        var output: [UInt8] = []
        _ = bytes.withUnsafeBufferPointer { processor.process($0, lineNumber: lineNumber, into: &output) }
        return output
    }

    // MARK: Tests

    @Test func seedCasesGiveVerdicts() throws {
        let processor = try Self.processor()
        for (index, line) in Self.seeds.enumerated() {
            #expect(
                Self.check(
                    Self.run(processor, Array(line.utf8), lineNumber: index + 1), lineNumber: index + 1,
                    input: Array(line.utf8)) == true)
        }
    }

    @Test func minusZeroCRLFAndNoFinalNewlineAreAccepted() throws {
        let processor = try Self.processor()
        var members = try #require(Self.members(Self.seeds[0]))
        let n = try #require(members.firstIndex { $0.key == "entry_ban_years" })
        members[n].value = "-0"
        let line = "{" + members.map { Self.quote($0.key) + ":" + $0.value }.joined(separator: ",") + "}"
        // `-0` is zero; a CR left from CRLF is whitespace; the processor never sees a newline.
        for variant in [line, line + "\r", " " + line + " \r"] {
            let bytes = Array(variant.utf8)
            #expect(
                Self.check(Self.run(processor, bytes, lineNumber: 3), lineNumber: 3, input: bytes) == true,
                "\(variant.debugDescription)")
        }
    }

    /// 20,000 seeded mutants. Measured: see docs/hardening.md (a few seconds in a debug build).
    @Test func mutatedCasesGiveOneJSONLineEach() throws {
        let processor = try Self.processor()
        let seeds = Self.seeds.map { Self.members($0)! }
        var g = CaseFuzzRNG(seed: 0xCA5E)
        var verdicts = 0
        var errors = 0
        var blank = 0
        for index in 0..<Self.mutants {
            var members = seeds[index % seeds.count]
            var bytes: [UInt8]
            let structural = Int.random(in: 0...3, using: &g)
            for _ in 0..<structural { Self.mutate(&members, using: &g) }
            bytes = Array(("{" + members.map { Self.quote($0.key) + ":" + $0.value }.joined(separator: ",") + "}").utf8)
            if structural == 0 || Int.random(in: 0..<3, using: &g) == 0 {
                for _ in 0..<Int.random(in: 1...3, using: &g) { Self.mutateBytes(&bytes, using: &g) }
            }
            // Batch skips blank lines (and a newline byte would split the line before it gets here).
            let line =
                bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).first.map(Array.init) ?? []
            if line.withUnsafeBufferPointer(BatchProcessor.isBlank) {
                blank += 1
                continue
            }
            let lineNumber = index + 1
            switch Self.check(Self.run(processor, line, lineNumber: lineNumber), lineNumber: lineNumber, input: line) {
            case true?: verdicts += 1
            case false?: errors += 1
            case nil: break
            }
        }
        // Both outcomes must be well exercised.
        #expect(verdicts > Self.mutants / 20, "only \(verdicts) verdicts")
        #expect(errors > Self.mutants / 4, "only \(errors) errors")
        _ = blank
    }
}

/// SplitMix64: a fixed seed gives the same mutants on every run and platform.
struct CaseFuzzRNG: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
