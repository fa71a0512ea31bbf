// Exact decimal numbers for rules about money and quantities: no binary floating
// point, so 0.1 + 0.2 == 0.3. Values are fixed point with 6 fraction digits.

/// An exact decimal fixed-point number: `scaled` is the value × 1_000_000.
public struct DecimalNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The value × `scale`. Equality, hashing and ordering are those of this integer,
    /// so there is a single zero (`-0` parses to it).
    public let scaled: Int64

    /// 10^6: six fraction digits.
    public static let scale: Int64 = 1_000_000

    /// Largest allowed magnitude of the value (not scaled): 999_999_999_999.
    public static let maxMagnitude: Int64 = 999_999_999_999

    /// `maxMagnitude` × `scale`, about 10^18, which leaves headroom below Int64.max
    /// (~9.2 × 10^18) so adding two in-range values can never overflow.
    static let maxScaled: Int64 = maxMagnitude * scale

    /// Zero.
    public static let zero = DecimalNumber(scaled: 0)

    /// The result of parsing a number literal.
    public enum ParseResult: Sendable, Equatable {
        /// A valid number within range and precision.
        case value(DecimalNumber)
        /// Not JSON number syntax (e.g. `+1`, `01`, `.5`, `1.`, `1e`, `NaN`).
        case invalidSyntax
        /// Well formed, but |value| > 999_999_999_999.
        case outOfRange
        /// Well formed and in range, but has a non-zero digit beyond 6 fraction digits.
        case tooPrecise
    }

    /// The integer `integer`; traps if |integer| > 999_999_999_999.
    public init(integer: Int) {
        precondition(
            UInt64(integer.magnitude) <= UInt64(Self.maxMagnitude),
            "DecimalNumber out of range: \(integer)")
        self.scaled = Int64(integer) * Self.scale
    }

    /// The value `scaled / 1_000_000`; traps if its magnitude exceeds the limit.
    public init(scaled: Int64) {
        precondition(scaled.magnitude <= UInt64(Self.maxScaled), "DecimalNumber out of range")
        self.scaled = scaled
    }

    /// Numeric order, as rules compare numbers.
    public static func < (lhs: DecimalNumber, rhs: DecimalNumber) -> Bool {
        lhs.scaled < rhs.scaled
    }

    // MARK: Properties

    /// True when there is no fractional part.
    public var isInteger: Bool { scaled % Self.scale == 0 }

    /// The value as an `Int`, or nil if it has a fractional part.
    public var integerValue: Int? {
        isInteger ? Int(scaled / Self.scale) : nil
    }

    /// Canonical shortest form: `12`, `0.5`, `-3.25`, `1000000` (no exponent,
    /// no trailing fraction zeros, no `-0`). It parses back to the same value.
    public var description: String {
        let magnitude = scaled.magnitude
        let whole = magnitude / UInt64(Self.scale)
        var fraction = magnitude % UInt64(Self.scale)
        var text = scaled < 0 ? "-" + String(whole) : String(whole)
        guard fraction != 0 else { return text }
        // Drop trailing zeros, remembering how many of the 6 digits are left.
        var width = 6
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        let digits = String(fraction)
        text += "." + String(repeating: "0", count: width - digits.count) + digits
        return text
    }

    // MARK: Arithmetic

    /// `self + other`, or nil if the result's magnitude exceeds the limit.
    public func adding(_ other: DecimalNumber) -> DecimalNumber? {
        let (sum, overflow) = scaled.addingReportingOverflow(other.scaled)
        return overflow ? nil : Self.checked(sum)
    }

    /// `self - other`, or nil if the result's magnitude exceeds the limit.
    public func subtracting(_ other: DecimalNumber) -> DecimalNumber? {
        let (difference, overflow) = scaled.subtractingReportingOverflow(other.scaled)
        return overflow ? nil : Self.checked(difference)
    }

    /// `self × other`. Exact when the product has at most 6 fraction digits; otherwise
    /// rounded to 6 fraction digits, half to even (banker's rounding, so no drift
    /// over repeated operations). Nil if the magnitude exceeds the limit.
    public func multiplied(by other: DecimalNumber) -> DecimalNumber? {
        // Work on magnitudes in 128 bits: each factor is < 2^60, the product < 2^120.
        let (high, low) = scaled.magnitude.multipliedFullWidth(by: other.scaled.magnitude)
        let divisor = UInt64(Self.scale)
        // The product has 12 fraction digits; dividing by 10^6 leaves 6. The quotient
        // fits 64 bits only if high < divisor (and dividingFullWidth traps otherwise).
        guard high < divisor else { return nil }
        var (quotient, remainder) = divisor.dividingFullWidth((high, low))
        // Half to even on the magnitude is symmetric, so it is right for both signs.
        let half = divisor / 2
        if remainder > half || (remainder == half && quotient & 1 == 1) {
            quotient += 1
        }
        guard quotient <= UInt64(Self.maxScaled) else { return nil }
        let negative = (scaled < 0) != (other.scaled < 0)
        let magnitude = Int64(quotient)
        return DecimalNumber(scaled: negative ? -magnitude : magnitude)
    }

    /// `-self`; always in range because the limit is symmetric.
    public var negated: DecimalNumber {
        DecimalNumber(scaled: -scaled)
    }

    /// Wraps `scaled` if within the limit.
    private static func checked(_ scaled: Int64) -> DecimalNumber? {
        scaled.magnitude <= UInt64(maxScaled) ? DecimalNumber(scaled: scaled) : nil
    }

    // MARK: Parsing

    /// Parses exactly JSON number syntax, `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`,
    /// evaluating the exponent exactly: `1.5e2` = 150, `2500e-3` = 2.5, `1.2500000` = 1.25,
    /// `0e999999` = 0, `-0` = 0. Too many significant fraction digits (`1e-7`) gives
    /// `.tooPrecise`; a magnitude above the limit (`1e400`) gives `.outOfRange`, which
    /// wins if both apply.
    public static func parse(_ text: Substring) -> ParseResult {
        // withUTF8 is free for native strings; it copies only bridged ones.
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// `String` convenience for `parse(_: Substring)`.
    public static func parse(_ text: String) -> ParseResult {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// Same rules as `parse(_: Substring)`, straight from UTF-8 bytes, without allocating.
    /// Runs in time linear in the input, however large the exponent.
    ///
    /// Inlinable: the common literal, a whole number of at most 12 digits (`0`, `3`, `-12`), is
    /// read in place without a call; anything else goes to the general parser.
    @inlinable @inline(__always)
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> ParseResult {
        if let whole = parseWhole(utf8: bytes) { return .value(whole) }
        return parseAny(utf8: bytes)
    }

    /// `-?(0|[1-9][0-9]{0,11})` exactly, which is always a valid value (at most 999_999_999_999 in
    /// magnitude, no fraction); nil for anything else, valid or not, which `parseAny` judges.
    @inlinable @inline(__always)
    static func parseWhole(utf8 bytes: UnsafeBufferPointer<UInt8>) -> DecimalNumber? {
        guard let p = bytes.baseAddress else { return nil }
        let count = bytes.count
        let negative = count > 0 && p[0] == UInt8(ascii: "-")
        var i = negative ? 1 : 0
        let digitCount = count - i
        guard digitCount >= 1, digitCount <= 12 else { return nil }
        let first = p[i] &- UInt8(ascii: "0")
        // A leading zero stands alone: `0` is whole, `01` is not JSON (and `parseAny` says so).
        guard first < 10, first != 0 || digitCount == 1 else { return nil }
        var magnitude = Int64(first)
        i += 1
        while i < count {
            let digit = p[i] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            magnitude = magnitude &* 10 &+ Int64(digit)
            i += 1
        }
        // At most 12 digits: below 10^12, so × 10^6 stays within `maxScaled`. `scale` is written
        // as a literal: this is inlined into the case scanner, where a literal folds.
        let scaled = magnitude &* 1_000_000
        return DecimalNumber(scaled: negative ? 0 &- scaled : scaled)
    }

    /// The general parser behind `parse(utf8:)`: the two passes below, for every input.
    @usableFromInline
    static func parseAny(utf8 bytes: UnsafeBufferPointer<UInt8>) -> ParseResult {
        // Pass 1: check the syntax and note where the integer and fraction digits are.
        let count = bytes.count
        var i = 0
        let negative = i < count && bytes[i] == UInt8(ascii: "-")
        if negative { i += 1 }

        guard i < count, isDigit(bytes[i]) else { return .invalidSyntax }
        let intStart = i
        if bytes[i] == UInt8(ascii: "0") {
            i += 1  // A leading zero must stand alone: "01" is rejected below.
        } else {
            while i < count, isDigit(bytes[i]) { i += 1 }
        }
        let intEnd = i

        var fracStart = i
        var fracEnd = i
        if i < count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            fracStart = i
            while i < count, isDigit(bytes[i]) { i += 1 }
            fracEnd = i
            guard fracEnd > fracStart else { return .invalidSyntax }
        }

        var exponent = 0
        if i < count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var exponentNegative = false
            if i < count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            let exponentStart = i
            // Saturate: any |exponent| >= 2^56 already dwarfs every digit position an
            // in-memory input can have, so the verdict is unchanged and nothing overflows.
            let cap = 1 << 56
            while i < count, isDigit(bytes[i]) {
                if exponent < cap { exponent = min(exponent * 10 + Int(bytes[i] &- 48), cap) }
                i += 1
            }
            guard i > exponentStart else { return .invalidSyntax }
            if exponentNegative { exponent = -exponent }
        }
        guard i == count else { return .invalidSyntax }

        // Pass 2: the mantissa digits form one sequence (integer then fraction digits);
        // digit k of it is worth 10^(intLength - 1 - k + exponent).
        let intLength = intEnd - intStart
        let digitCount = intLength + (fracEnd - fracStart)
        @inline(__always) func digit(_ k: Int) -> UInt64 {
            UInt64(bytes[k < intLength ? intStart + k : fracStart + (k - intLength)] &- 48)
        }

        // Only the span from the first to the last non-zero digit matters.
        var first = 0
        while first < digitCount, digit(first) == 0 { first += 1 }
        guard first < digitCount else { return .value(.zero) }  // All zeros: 0, whatever the exponent.
        var last = digitCount - 1
        while digit(last) == 0 { last -= 1 }

        // Powers of ten of the leading and trailing significant digits.
        let leadPower = intLength - 1 - first + exponent
        let trailPower = intLength - 1 - last + exponent
        // A leading digit worth >= 10^12 means the magnitude is > 999_999_999_999.
        guard leadPower < 12 else { return .outOfRange }

        // Accumulate the digits worth at least 10^-6, i.e. the scaled value truncated.
        // With leadPower <= 11 that is at most 18 digits, below 10^18: no overflow.
        let used = max(0, min(last - first + 1, leadPower + 7))
        var truncated: UInt64 = 0
        for k in first..<(first + used) { truncated = truncated * 10 + digit(k) }
        // Then scale up so the last used digit sits at its place (10^-6 is units).
        // used == 0 means every digit is below 10^-6 and truncated stays 0.
        if used > 0 {
            for _ in 0..<(leadPower - used + 7) { truncated *= 10 }
        }

        let tooPrecise = trailPower < -6
        let limit = UInt64(maxScaled)
        // A dropped non-zero tail on top of exactly the limit still exceeds it.
        guard truncated < limit || (truncated == limit && !tooPrecise) else { return .outOfRange }
        guard !tooPrecise else { return .tooPrecise }
        let magnitude = Int64(truncated)
        return .value(DecimalNumber(scaled: negative ? -magnitude : magnitude))
    }

    /// ASCII `0`...`9`.
    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }
}
