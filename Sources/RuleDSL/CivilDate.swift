// A calendar date without time zone or time of day, for rules such as
// "applicant is at least 18 on the application date". Pure integer arithmetic,
// no Foundation: a date is one Int32 day count, so comparisons are integer compares.

/// A proleptic Gregorian calendar date (no time zone), stored as days since 1970-01-01.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before it). The only stored property, so
    /// equality, hashing and ordering are exactly those of the day count.
    public let dayNumber: Int32

    /// Wraps a raw day count. Any Int32 is accepted; only years 1...9999 can be
    /// built from fields or parsed, but arithmetic may step outside that range.
    public init(dayNumber: Int32) {
        self.dayNumber = dayNumber
    }

    /// Builds a date from its fields; nil unless 1 <= year <= 9999, 1 <= month <= 12
    /// and the day exists in that month (so 2023-02-29 is nil, 2024-02-29 is not).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= Self.daysInMonth(year: year, month: month)
        else { return nil }
        // Years 1...9999 give day counts far inside Int32, so this cannot trap.
        self.dayNumber = Int32(Self.daysFromCivil(year: year, month: month, day: day))
    }

    // MARK: Fields

    /// The calendar year (1...9999 for parsed or field-built dates).
    public var year: Int { Self.civilFromDays(Int(dayNumber)).year }
    /// The month, 1...12.
    public var month: Int { Self.civilFromDays(Int(dayNumber)).month }
    /// The day of the month, 1...31.
    public var day: Int { Self.civilFromDays(Int(dayNumber)).day }

    /// Year, month and day at once (one conversion instead of three).
    public var components: (year: Int, month: Int, day: Int) { Self.civilFromDays(Int(dayNumber)) }

    /// `YYYY-MM-DD`, zero padded; the exact format `parse` accepts.
    public var description: String {
        let (year, month, day) = Self.civilFromDays(Int(dayNumber))
        // Years outside 1...9999 only arise from arithmetic; keep them readable.
        let sign = year < 0 ? "-" : ""
        return sign + Self.padded(abs(year), width: 4) + "-"
            + Self.padded(month, width: 2) + "-" + Self.padded(day, width: 2)
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        lhs.dayNumber < rhs.dayNumber
    }

    // MARK: Parsing

    /// Parses strict `YYYY-MM-DD`: exactly 10 ASCII bytes, digits and two dashes in
    /// place, a valid date in years 1...9999. No whitespace or signs; anything else is nil.
    public static func parse(_ text: Substring) -> CivilDate? {
        // withUTF8 is free for native strings (the only kind on Linux); it copies
        // only a bridged, non-contiguous string.
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// `String` convenience for `parse(_: Substring)`.
    public static func parse(_ text: String) -> CivilDate? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// Parses strict `YYYY-MM-DD` straight from UTF-8 bytes, without allocating;
    /// meant for streaming readers that hold a slice of their input buffer.
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        guard bytes.count == 10,
              bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = digits(bytes, 0, 4),
              let month = digits(bytes, 5, 7),
              let day = digits(bytes, 8, 10)
        else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }

    /// The decimal value of bytes[start..<end], or nil if any byte is not an ASCII digit.
    @inline(__always)
    private static func digits(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var value = 0
        for index in start..<end {
            // Wrapping subtraction maps every non-digit byte to 10...255.
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    // MARK: Arithmetic

    /// The date `n` days later (earlier if negative). Traps if the result leaves Int32.
    public func addingDays(_ n: Int) -> CivilDate {
        CivilDate(dayNumber: Int32(Int(dayNumber) + n))
    }

    /// The same day `n` calendar months later (earlier if negative), clamped to the
    /// target month's last day: 2024-01-31 + 1 month = 2024-02-29,
    /// 2023-11-30 + 3 months = 2024-02-29, 2022-11-30 + 3 months = 2023-02-28.
    public func addingMonths(_ n: Int) -> CivilDate {
        let (year, month, day) = Self.civilFromDays(Int(dayNumber))
        // Count months from year 0 so that floor division handles negative n.
        let total = year * 12 + (month - 1) + n
        let newYear = Self.floorDiv(total, 12)
        let newMonth = total - newYear * 12 + 1
        let newDay = min(day, Self.daysInMonth(year: newYear, month: newMonth))
        return CivilDate(dayNumber: Int32(Self.daysFromCivil(year: newYear, month: newMonth, day: newDay)))
    }

    /// `addingMonths(12 * n)`, so 2024-02-29 + 1 year = 2025-02-28.
    public func addingYears(_ n: Int) -> CivilDate {
        addingMonths(12 * n)
    }

    /// Signed day difference `b - a`.
    public static func daysBetween(_ a: CivilDate, _ b: CivilDate) -> Int {
        Int(b.dayNumber) - Int(a.dayNumber)
    }

    /// Whole calendar months from `a` to `b`. For a <= b it is the largest m with
    /// `a.addingMonths(m) <= b` (so 2024-01-31 → 2024-02-29 is 1 month, with clamping,
    /// and 2024-01-31 → 2024-02-28 is 0). For a > b it is `-wholeMonthsBetween(b, a)`,
    /// so the sign gives the direction and the magnitude does not depend on it.
    public static func wholeMonthsBetween(_ a: CivilDate, _ b: CivilDate) -> Int {
        if a > b { return -wholeMonthsBetween(b, a) }
        let (ay, am, _) = civilFromDays(Int(a.dayNumber))
        let (by, bm, _) = civilFromDays(Int(b.dayNumber))
        // a + candidate months lands in b's month; addingMonths is strictly increasing,
        // so if that overshoots b, one month fewer is the answer.
        let candidate = (by - ay) * 12 + (bm - am)
        return a.addingMonths(candidate) <= b ? candidate : candidate - 1
    }

    /// Completed years from `a` to `b`: the age on date `b` of a person born on `a`.
    ///
    /// Rule: `b.year - a.year`, minus 1 if `(b.month, b.day) < (a.month, a.day)`.
    /// So someone born on 29 February turns a year older on 1 March in a common year
    /// (born 2004-02-29: 17 on 2022-02-28, 18 on 2022-03-01) and on 29 February in a
    /// leap year. This deliberately differs from `addingYears`, which clamps to
    /// 28 February, so it is not always `wholeMonthsBetween / 12`.
    /// For a > b the result is `-wholeYearsBetween(b, a)`.
    public static func wholeYearsBetween(_ a: CivilDate, _ b: CivilDate) -> Int {
        if a > b { return -wholeYearsBetween(b, a) }
        let (ay, am, ad) = civilFromDays(Int(a.dayNumber))
        let (by, bm, bd) = civilFromDays(Int(b.dayNumber))
        let beforeAnniversary = (bm, bd) < (am, ad)
        return by - ay - (beforeAnniversary ? 1 : 0)
    }

    // MARK: Calendar algorithms (Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms")

    /// Days since 1970-01-01 for a proleptic Gregorian date; valid for any year.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        // Shift the year to start on 1 March so the leap day is the last day of the year.
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yearOfEra = y - era * 400                                       // 0...399
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1  // 0...365
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear  // 0...146096
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `daysFromCivil`.
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let dayOfEra = z - era * 146_097                                    // 0...146096
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153                        // 0 = March
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Gregorian leap-year rule.
    static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// Number of days in `month` (1...12) of `year`.
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Division rounding toward negative infinity (Swift's `/` truncates toward zero).
    private static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// `value` (non-negative) in decimal, left-padded with zeros to `width`.
    private static func padded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
