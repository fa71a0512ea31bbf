// A calendar date without time zone or time of day, for rules such as
// "applicant is at least 18 on the application date". Pure integer arithmetic,
// no Foundation: a date is one Int32 day count, so comparisons are integer compares.

/// A proleptic Gregorian calendar date (no time zone), stored as days since 1970-01-01.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before it). The only stored property, so
    /// equality, hashing and ordering are exactly those of the day count.
    public let dayNumber: Int32

    /// The years a date can be written in (four digits, `YYYY-MM-DD`) or built from fields.
    public static let supportedYears: ClosedRange<Int> = 1...9999

    /// Wraps a raw day count. Any Int32 is accepted; only years 1...9999 can be
    /// built from fields or parsed, but arithmetic may step outside that range.
    public init(dayNumber: Int32) {
        self.dayNumber = dayNumber
    }

    /// Builds a date from its fields; nil unless 1 <= year <= 9999, 1 <= month <= 12
    /// and the day exists in that month (so 2023-02-29 is nil, 2024-02-29 is not).
    public init?(year: Int, month: Int, day: Int) {
        guard Self.supportedYears.contains(year), (1...12).contains(month),
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

    /// Earlier dates first: validity periods and date comparisons in rules rely on it.
    @inlinable
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
    @inlinable
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        guard bytes.count == 10, let start = bytes.baseAddress else { return nil }
        return parse(tenBytesAt: start)
    }

    /// `parse(utf8:)` on the ten bytes at `p`: the dashes and the digits are checked eight bytes
    /// at a time, the calendar with a few compares, and the day count is computed directly; no
    /// loop, no call. Inlinable, so a reader that knows where a date stands pays no call either.
    @inlinable @inline(__always)
    public static func parse(tenBytesAt p: UnsafePointer<UInt8>) -> CivilDate? {
        let raw = UnsafeRawPointer(p)
        // Bytes 0...7 (`YYYY-MM-`) little-endian: byte k is bits 8k..<8k+8.
        let word = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
        let dayBytes = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        // The dashes (bytes 4 and 7); then they are turned into `0` so that all eight bytes
        // can be tested as digits at once.
        guard word & 0xFF00_00FF_0000_0000 == 0x2D00_002D_0000_0000 else { return nil }
        let digits = word ^ 0x1D00_001D_0000_0000
        // A byte is a digit iff its high nibble is 3 and stays 3 when 6 is added (0x3A...0x3F
        // carry into it). A carry out of a byte only comes from a byte whose high nibble is not
        // 3, which fails the test itself, so the words can be tested whole.
        let high: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        guard digits & high == 0x3030_3030_3030_3030,
            (digits &+ 0x0606_0606_0606_0606) & high == 0x3030_3030_3030_3030
        else { return nil }
        let d0 = UInt(truncatingIfNeeded: dayBytes & 0xFF) &- 0x30
        let d1 = UInt(truncatingIfNeeded: dayBytes >> 8) &- 0x30
        guard d0 < 10, d1 < 10 else { return nil }
        // Digit values (the dashes are 0 now); then ten times byte k plus byte k + 1 (at most 99:
        // no carry between bytes): byte 0 is the century, byte 2 the year in it, byte 5 the month.
        let values = digits & 0x0F0F_0F0F_0F0F_0F0F
        let pairs = values &* 10 &+ (values >> 8)
        let year = UInt(truncatingIfNeeded: pairs & 0xFF) &* 100 &+ UInt(truncatingIfNeeded: (pairs >> 16) & 0xFF)
        let month = UInt(truncatingIfNeeded: (pairs >> 40) & 0xFF)
        let day = d0 &* 10 &+ d1
        // Unsigned: month 0 and day 0 wrap around and fail the upper bounds.
        guard year != 0, month &- 1 < 12, day &- 1 < 31, day <= 28 || day <= daysInValidMonth(year: year, month: month)
        else { return nil }
        return CivilDate(dayNumber: Int32(truncatingIfNeeded: daysFromValidCivil(year: year, month: month, day: day)))
    }

    /// `daysInMonth(year:month:)` for a valid month, without a table: February by the leap-year
    /// rule; otherwise 31 for January, March, May, July, August, October, December (the months
    /// whose number's lowest bit differs from its bit 3), 30 for the rest.
    @inlinable @inline(__always)
    static func daysInValidMonth(year: UInt, month: UInt) -> UInt {
        if month == 2 { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28 }
        return 30 | ((month ^ (month >> 3)) & 1)
    }

    /// `daysFromCivil` for a valid date of years 1...9999. With the year shifted to start on
    /// 1 March (never negative here), the days before it are 365y + y/4 - y/100 + y/400, which is
    /// `daysFromCivil`'s era sum written out; all unsigned and wrapping, none of it can overflow.
    @inlinable @inline(__always)
    static func daysFromValidCivil(year: UInt, month: UInt, day: UInt) -> Int {
        let y = month <= 2 ? year &- 1 : year
        let centuries = y / 100
        let shiftedMonth = month > 2 ? month &- 3 : month &+ 9  // 0 = March
        let dayOfYear = (153 &* shiftedMonth &+ 2) / 5 &+ day &- 1  // 0...365
        let days = y &* 365 &+ y / 4 &- centuries &+ centuries / 4 &+ dayOfYear
        return Int(bitPattern: days) &- 719_468
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
    ///
    /// Computed on years that start on 1 March (`marchYear`), where it needs no month or day:
    /// moving January and February to the end of the year before moves both dates alike, so
    /// it changes no count; and in such a year every day but 29 February, the last, has the
    /// same place in common and leap years, so "before the anniversary" is "earlier in the
    /// year". The tests hold it equal to the rule above (`agesFollowTheMonthAndDayRule`).
    /// Inlinable: `age` computes it once per case on the machine's hot path.
    @inlinable
    public static func wholeYearsBetween(_ a: CivilDate, _ b: CivilDate) -> Int {
        if a > b { return -wholeYearsBetween(b, a) }
        let (ay, ad) = marchYear(Int(a.dayNumber))
        let (by, bd) = marchYear(Int(b.dayNumber))
        return by - ay - (bd < ad ? 1 : 0)
    }

    // MARK: Calendar algorithms (Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms")

    /// Days since 1970-01-01 for a proleptic Gregorian date; valid for any year.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        // Shift the year to start on 1 March so the leap day is the last day of the year.
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yearOfEra = y - era * 400  // 0...399
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1  // 0...365
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear  // 0...146096
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `daysFromCivil`. Ages and periods convert two dates per case, so this is
    /// on the machine's hot path: for day numbers within some 2.9 million years of 1970 it is
    /// Neri and Schneider's division-free form ("Euclidean affine functions and their
    /// application to calendar algorithms", 2022); the tests hold it equal to Hinnant's form,
    /// which covers the rest.
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let (marchYear, dayOfYear) = marchYear(days)
        let n3 = 2_141 &* UInt32(truncatingIfNeeded: dayOfYear) &+ 197_913
        let month = Int(n3 >> 16)  // 3...14: March to February of the next year
        let day = Int((n3 & 0xFFFF) / 2_141) + 1
        let january = dayOfYear >= 306
        return (marchYear + (january ? 1 : 0), january ? month - 12 : month, day)
    }

    /// The year that starts on the 1 March on or before day `days`, and the day's place in it
    /// (0 = 1 March, 365 = a 29 February). Neri and Schneider's form; Hinnant's era by era
    /// outside its range.
    @inlinable
    static func marchYear(_ days: Int) -> (year: Int, dayOfYear: Int) {
        // Shifted by 82 eras of 400 years so the computation is on non-negative 32-bit numbers.
        let shifted = days + 12_699_422  // 719_468 (0000-03-01 to 1970-01-01) + 82 * 146_097
        guard shifted >= 0, shifted < 1_073_741_823 else { return marchYearByEras(days) }
        let n1 = UInt32(shifted) &* 4 &+ 3
        let century = n1 / 146_097
        let dayOfCentury = n1 % 146_097 / 4
        let p2 = UInt64(2_939_745) &* UInt64(4 &* dayOfCentury &+ 3)
        let yearOfCentury = UInt32(truncatingIfNeeded: p2 >> 32)
        let dayOfYear = UInt32(truncatingIfNeeded: p2) / 2_939_745 / 4
        return (Int(100 &* century &+ yearOfCentury) - 32_800, Int(dayOfYear))
    }

    /// `civilFromDays` for any day number, era by era (Hinnant).
    static func civilFromDaysByEras(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let (marchYear, dayOfYear) = marchYearByEras(days)
        let shiftedMonth = (5 * dayOfYear + 2) / 153  // 0 = March
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (marchYear + (month <= 2 ? 1 : 0), month, day)
    }

    /// `marchYear` for any day number, era by era (Hinnant).
    @usableFromInline
    static func marchYearByEras(_ days: Int) -> (year: Int, dayOfYear: Int) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let dayOfEra = z - era * 146_097  // 0...146096
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // 0 = March
        return (yearOfEra + era * 400, dayOfYear)
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
