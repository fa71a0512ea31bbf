import RuleDSL
import Testing

@testable import RuleAnalysis
@testable import RuleMachine
@testable import RuleSemantics
@testable import RuleSyntax
@testable import RuleValues

/// Tests for `DecimalNumber`: JSON-syntax parsing, canonical text and exact arithmetic.
@Suite struct DecimalNumberTests {
    /// Shorthand for a number known to parse.
    private func number(_ text: String) -> DecimalNumber {
        guard case .value(let value) = DecimalNumber.parse(text) else { fatalError("bad test number \(text)") }
        return value
    }

    // MARK: Parsing

    @Test(
        arguments: [
            ("0", 0), ("-0", 0), ("12", 12_000_000), ("-12", -12_000_000), ("0.5", 500_000),
            ("-3.25", -3_250_000), ("1.5e2", 150_000_000), ("1.5E2", 150_000_000), ("1.5e+2", 150_000_000),
            ("2500e-3", 2_500_000), ("1.2500000", 1_250_000), ("0e999999", 0), ("-0e-999999", 0),
            ("0.000000", 0), ("0.000001", 1), ("-0.000001", -1), ("1e-6", 1), ("10e-7", 1),
            ("123456.123456", 123_456_123_456), ("999999999999", 999_999_999_999_000_000),
            ("-999999999999", -999_999_999_999_000_000), ("999999999999.000000000", 999_999_999_999_000_000),
            ("9.99999999999e11", 999_999_999_999_000_000), ("1e11", 100_000_000_000_000_000),
            ("0.1e1", 1_000_000), ("100e-2", 1_000_000), ("1000000", 1_000_000_000_000),
            ("0.00000000000000000000000000000001e32", 1_000_000), ("1e0", 1_000_000), ("5e-0", 5_000_000),
        ] as [(String, Int64)])
    func parsesValidNumbers(text: String, scaled: Int64) {
        #expect(DecimalNumber.parse(text) == .value(DecimalNumber(scaled: scaled)))
    }

    @Test(arguments: [
        "", "-", "+1", "01", "-01", "00", ".5", "1.", "1e", "1e+", "1E-", "NaN", "nan", "Infinity",
        "-Infinity", "inf", " 1", "1 ", "1,5", "1.5.5", "1e5.5", "0x10", "1_000", "--1", "1..2",
        "e5", "-.5", "00000000000000000000e0", "1ee5", "١", "1e++5", "0.", "-e1", "12a",
    ])
    func rejectsInvalidSyntax(text: String) {
        #expect(DecimalNumber.parse(text) == .invalidSyntax)
    }

    @Test(arguments: [
        "1e400", "1e12", "1000000000000", "-1000000000000", "999999999999.5", "999999999999.0000001",
        "-999999999999.000001", "1e999999999999", "1e99999999999999999999999999999999", "12345678901234567890",
        "0.1e13",
    ])
    func rejectsOutOfRange(text: String) {
        #expect(DecimalNumber.parse(text) == .outOfRange)
    }

    @Test(arguments: [
        "1e-7", "0.1234567", "-0.0000001", "1.0000001", "1e-400", "1e-999999999999", "12345e-10",
        "1e-99999999999999999999999999999999",
    ])
    func rejectsTooPrecise(text: String) {
        #expect(DecimalNumber.parse(text) == .tooPrecise)
    }

    @Test func parsesSubstringsAndBuffers() {
        let line = "[12.5,x]"
        let start = line.index(after: line.startIndex)
        let end = line.index(start, offsetBy: 4)
        #expect(DecimalNumber.parse(line[start..<end]) == .value(DecimalNumber(scaled: 12_500_000)))

        let bytes = Array("x-0.75y".utf8)
        let result = bytes.withUnsafeBufferPointer {
            DecimalNumber.parse(utf8: UnsafeBufferPointer(rebasing: $0[1..<6]))
        }
        #expect(result == .value(DecimalNumber(scaled: -750_000)))
    }

    // MARK: The whole-number fast path against the general parser

    private static func parsed(_ text: String) -> (fast: DecimalNumber.ParseResult, general: DecimalNumber.ParseResult)
    {
        Array(text.utf8).withUnsafeBufferPointer { (DecimalNumber.parse(utf8: $0), DecimalNumber.parseAny(utf8: $0)) }
    }

    /// `-?(0|[1-9][0-9]{0,11})`, by hand: the literals the fast path reads itself.
    private static func referenceWhole(_ text: String) -> Int64? {
        var digits = Substring(text)
        let negative = digits.first == "-"
        if negative { digits = digits.dropFirst() }
        guard (1...12).contains(digits.count), digits.allSatisfy({ ("0"..."9").contains($0) }),
            digits.first != "0" || digits.count == 1, let value = Int64(digits)
        else { return nil }
        return (negative ? -value : value) * 1_000_000
    }

    /// Whole numbers of every length around the limit, both signs, leading zeros, and the same
    /// digits with a fraction, an exponent or a stray byte: `parse(utf8:)` (fast path first) gives
    /// exactly what the general parser gives, and the fast path takes exactly the whole ones.
    @Test func wholeNumberFastPathAgreesWithTheGeneralParser() {
        var texts: [String] = [
            "", "-", "--1", "+1", "0", "-0", "00", "-00", "01", "-01", "0.0", "1.", ".1", "1e0", "1E2",
            "1e-1", "10e-1", "9", "-9", "12 ", " 12", "1,2", "1x", "x1", "١٢",
        ]
        var digits = ""
        for length in 1...15 {
            digits += String((length * 7) % 10)
            let nonZero = "1" + digits.dropFirst()
            let nines = String(repeating: "9", count: length)
            let zeros = "1" + String(repeating: "0", count: length - 1)
            for body in [digits, nonZero, nines, zeros] {
                texts += [
                    body, "-" + body, body + ".0", body + ".5", body + "e0", body + "e1", body + "e-1", body + "a",
                    "0" + body,
                ]
            }
        }
        var g: UInt64 = 0x5EED
        for _ in 0..<20_000 {
            // SplitMix64: random digit strings, some with a sign or a stray byte.
            g &+= 0x9E37_79B9_7F4A_7C15
            var z = (g ^ (g >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            let length = Int(z % 15)
            var text = z & (1 << 20) != 0 ? "-" : ""
            var bits = z >> 4
            for _ in 0..<length {
                text += String(bits % 10)
                bits /= 10
                if bits == 0 { bits = z &* 31 }
            }
            if z & (1 << 21) != 0, !text.isEmpty {
                text.insert(".", at: text.index(text.startIndex, offsetBy: Int(z % UInt64(text.count))))
            }
            texts.append(text)
        }
        var fastOnes = 0
        for text in texts {
            let (fast, general) = Self.parsed(text)
            #expect(fast == general, "\(text): \(fast) instead of \(general)")
            let whole = Self.referenceWhole(text)
            let taken = Array(text.utf8).withUnsafeBufferPointer { DecimalNumber.parseWhole(utf8: $0) }
            #expect(taken?.scaled == whole, "\(text): the fast path took \(String(describing: taken))")
            if let whole { #expect(fast == .value(DecimalNumber(scaled: whole))) }
            if taken != nil { fastOnes += 1 }
        }
        #expect(fastOnes > 5_000)
        #expect(Self.parsed("999999999999").fast == .value(DecimalNumber(scaled: 999_999_999_999_000_000)))
        #expect(Self.parsed("-999999999999").fast == .value(DecimalNumber(scaled: -999_999_999_999_000_000)))
        #expect(Self.parsed("1000000000000").fast == .outOfRange)
        #expect(Self.parsed("-0").fast == .value(.zero))
    }

    /// Long inputs stay linear and exact: a million leading zeros before the digit.
    @Test func handlesVeryLongMantissas() {
        let text = "0." + String(repeating: "0", count: 1_000_000) + "1e1000001"
        #expect(DecimalNumber.parse(text) == .value(DecimalNumber(scaled: 1_000_000)))
        let long = "1." + String(repeating: "0", count: 100_000)
        #expect(DecimalNumber.parse(long) == .value(DecimalNumber(integer: 1)))
    }

    // MARK: Text

    @Test(arguments: [
        ("12", "12"), ("0.5", "0.5"), ("-3.25", "-3.25"), ("1000000", "1000000"), ("1e6", "1000000"),
        ("-0", "0"), ("0.000001", "0.000001"), ("-0.000001", "-0.000001"), ("1.2500000", "1.25"),
        ("2500e-3", "2.5"), ("10.10", "10.1"), ("999999999998.999999", "999999999998.999999"),
        ("0.0101", "0.0101"),
    ])
    func describesCanonically(text: String, canonical: String) {
        let value = number(text)
        #expect(value.description == canonical)
        #expect(DecimalNumber.parse(value.description) == .value(value))
    }

    @Test(
        arguments: [
            0, 1, -1, 5, 10, 999_999, 1_000_000, 123_456_789, -987_654_321_012, 999_999_999_999_000_000,
            -999_999_999_999_000_000, 999_999_999_998_999_999, 100_000, 120, 7,
        ] as [Int64])
    func descriptionRoundTrips(scaled: Int64) {
        let value = DecimalNumber(scaled: scaled)
        #expect(DecimalNumber.parse(value.description) == .value(value))
    }

    @Test func minusZeroEqualsZero() {
        #expect(number("-0") == number("0"))
        #expect(number("-0").hashValue == DecimalNumber.zero.hashValue)
        #expect(number("-0.000e5").description == "0")
    }

    @Test func integerProperties() {
        #expect(number("12").isInteger)
        #expect(number("12").integerValue == 12)
        #expect(number("-1.5e1").integerValue == -15)
        #expect(!number("0.5").isInteger)
        #expect(number("0.5").integerValue == nil)
        #expect(number("-2.000001").integerValue == nil)
        #expect(DecimalNumber(integer: 42).scaled == 42_000_000)
        #expect(DecimalNumber(integer: -999_999_999_999).description == "-999999999999")
    }

    @Test func comparesByValue() {
        #expect(number("0.5") < number("1"))
        #expect(number("-1") < number("-0.5"))
        #expect(number("1.50") == number("1.5"))
        #expect([number("2"), number("-3"), number("0.1")].sorted().map(\.description) == ["-3", "0.1", "2"])
    }

    // MARK: Arithmetic

    @Test(arguments: [
        ("0.1", "0.2", "0.3"), ("1", "-1", "0"), ("-2.5", "-2.5", "-5"), ("999999999998", "1", "999999999999"),
        ("999999999998.999998", "0.000001", "999999999998.999999"),
        ("999999999998.5", "0.5", "999999999999"),
    ])
    func adds(a: String, b: String, sum: String) {
        #expect(number(a).adding(number(b)) == number(sum))
        #expect(number(sum).subtracting(number(b)) == number(a))
    }

    @Test(arguments: [
        ("999999999999", "1"), ("999999999999", "0.000001"), ("-999999999999", "-1"),
        ("-999999999999", "-0.000001"),
        ("999999999999", "999999999999"),
    ])
    func addingOverflowIsNil(a: String, b: String) {
        #expect(number(a).adding(number(b)) == nil)
        #expect(number(a).subtracting(number(b).negated) == nil)
    }

    @Test(arguments: [
        ("1.5", "2", "3"), ("-1.5", "2", "-3"), ("-1.5", "-2", "3"), ("0.1", "0.1", "0.01"),
        ("0.001", "0.001", "0.000001"), ("123456.789", "1000", "123456789"), ("0", "-999999999999", "0"),
        ("999999999999", "1", "999999999999"), ("999999", "1000000", "999999000000"),
        // Rounding to 6 digits, half to even (exact product in the comment).
        ("0.001", "0.0005", "0"),  // 0.0000005 → ties to even 0
        ("0.001", "0.0015", "0.000002"),  // 0.0000015 → ties to even 0.000002
        ("0.001", "0.0025", "0.000002"),  // 0.0000025 → ties to even 0.000002
        ("0.001", "0.0026", "0.000003"),  // 0.0000026 → up
        ("0.001", "0.0024", "0.000002"),  // 0.0000024 → down
        ("-0.001", "0.0015", "-0.000002"),  // symmetric for negatives
        ("-0.001", "0.0025", "-0.000002"),
        ("0.333333", "3", "0.999999"), ("0.123456", "0.654321", "0.08078"),  // 0.080779853376 → up
    ])
    func multiplies(a: String, b: String, product: String) {
        #expect(number(a).multiplied(by: number(b)) == number(product))
        #expect(number(b).multiplied(by: number(a)) == number(product))
    }

    @Test(arguments: [
        ("999999999999", "2"), ("1000000", "1000000"), ("-999999999999", "999999999999"),
        ("999999999999", "999999999999"), ("500000000000", "2.000001"),
        ("999999.999999", "1000000.000001"),  // 10^12 - 10^-12 rounds up past the limit
    ])
    func multiplyingOverflowIsNil(a: String, b: String) {
        #expect(number(a).multiplied(by: number(b)) == nil)
    }

    @Test func negates() {
        #expect(number("1.5").negated == number("-1.5"))
        #expect(number("0").negated == number("0"))
        #expect(number("-999999999999").negated.description == "999999999999")
    }
}
