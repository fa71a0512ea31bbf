import RuleDSL
import Testing

@testable import RuleAnalysis
@testable import RuleMachine
@testable import RuleSemantics
@testable import RuleSyntax
@testable import RuleValues

/// Tests for `CivilDate`: parsing, calendar round trips and date arithmetic.
@Suite struct CivilDateTests {
    /// Shorthand for a date known to be valid.
    private func date(_ text: String) -> CivilDate {
        guard let date = CivilDate.parse(text) else { fatalError("bad test date \(text)") }
        return date
    }

    // MARK: Parsing

    @Test(arguments: [
        ("2024-02-29", 2024, 2, 29),
        ("2023-02-28", 2023, 2, 28),
        ("1970-01-01", 1970, 1, 1),
        ("2000-02-29", 2000, 2, 29),
        ("0001-01-01", 1, 1, 1),
        ("9999-12-31", 9999, 12, 31),
        ("2024-12-31", 2024, 12, 31),
        ("2024-04-30", 2024, 4, 30),
    ])
    func parsesValidDates(text: String, year: Int, month: Int, day: Int) {
        let parsed = CivilDate.parse(text)
        #expect(parsed == CivilDate(year: year, month: month, day: day))
        #expect(parsed?.year == year)
        #expect(parsed?.month == month)
        #expect(parsed?.day == day)
        #expect(parsed?.description == text)
    }

    @Test(arguments: [
        "2023-02-29", "1900-02-29", "2024-13-01", "2024-00-10", "2024-01-32", "2024-04-31",
        "2024-01-00", "0000-01-01", "2024-1-01", "2024-01-1", " 2024-01-01", "2024-01-01 ",
        "2024-01-01x", "", "2024/01/01", "2024-01-0a", "+024-01-01", "-024-01-01", "20240101",
        "2024-01-01T00:00", "２０２４-01-01", "2024-0１-01", "2024--1-01", "abcd-ef-gh",
    ])
    func rejectsInvalidText(text: String) {
        #expect(CivilDate.parse(text) == nil)
        #expect(CivilDate.parse(Substring(text)) == nil)
    }

    @Test func parsesSubstringsAndBuffers() {
        let line = "born=2004-02-29;"
        let start = line.index(line.startIndex, offsetBy: 5)
        let end = line.index(start, offsetBy: 10)
        #expect(CivilDate.parse(line[start..<end]) == CivilDate(year: 2004, month: 2, day: 29))

        let bytes = Array("xx2024-05-10yy".utf8)
        let parsed = bytes.withUnsafeBufferPointer {
            CivilDate.parse(utf8: UnsafeBufferPointer(rebasing: $0[2..<12]))
        }
        #expect(parsed == CivilDate(year: 2024, month: 5, day: 10))
        let tooLong = bytes.withUnsafeBufferPointer {
            CivilDate.parse(utf8: UnsafeBufferPointer(rebasing: $0[2..<13]))
        }
        #expect(tooLong == nil)
    }

    @Test(arguments: [
        (2024, 2, 30), (2023, 2, 29), (2024, 0, 1), (2024, 13, 1), (2024, 1, 0), (0, 1, 1),
        (10000, 1, 1), (-1, 1, 1), (2024, 6, 31),
    ])
    func rejectsInvalidFields(year: Int, month: Int, day: Int) {
        #expect(CivilDate(year: year, month: month, day: day) == nil)
    }

    // MARK: The fast parser against a reference

    /// `parse(utf8:)` as it was written first, byte by byte: the specification of the fast one.
    private static func referenceParse(_ bytes: [UInt8]) -> CivilDate? {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10) else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }

    /// Both ways in: through a buffer of exactly the bytes, and at a pointer into a longer line.
    private static func fastParses(_ bytes: [UInt8]) -> (CivilDate?, CivilDate?) {
        let buffered = bytes.withUnsafeBufferPointer { CivilDate.parse(utf8: $0) }
        guard bytes.count == 10 else { return (buffered, buffered) }
        let line = [UInt8(ascii: "\"")] + bytes + [UInt8(ascii: "\"")]
        let atPointer = line.withUnsafeBufferPointer { CivilDate.parse(tenBytesAt: $0.baseAddress! + 1) }
        return (buffered, atPointer)
    }

    private static func text(_ year: Int, _ month: Int, _ day: Int) -> [UInt8] {
        func padded(_ value: Int, _ width: Int) -> String {
            String(repeating: "0", count: max(0, width - String(value).count)) + String(value)
        }
        return Array("\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))".utf8)
    }

    /// Every month 0...13 and day 0...32 of years around every leap-year rule (divisible by 4,
    /// by 100, by 400, neither), the first and the last, and the epoch.
    @Test(arguments: [
        0, 1, 2, 3, 4, 99, 100, 400, 1582, 1600, 1700, 1800, 1899, 1900, 1969, 1970, 1999, 2000,
        2001, 2023, 2024, 2100, 2400, 9996, 9998, 9999,
    ])
    func fastParserAgreesOnEveryDayOfTheYear(year: Int) {
        for month in 0...13 {
            for day in 0...32 {
                let bytes = Self.text(year, month, day)
                let expected = Self.referenceParse(bytes)
                let (buffered, atPointer) = Self.fastParses(bytes)
                if buffered != expected || atPointer != expected {
                    let shown = String(decoding: bytes, as: UTF8.self)
                    let got = "\(String(describing: buffered)), \(String(describing: atPointer))"
                    Issue.record("\(shown): \(got) instead of \(String(describing: expected))")
                }
            }
        }
    }

    /// The last days of February and of the year, and 1 March, of every year 0...9999: the leap
    /// rule and the day count across all of them.
    @Test func fastParserAgreesOnEveryYear() {
        var wrong = 0
        for year in 0...9999 {
            for (month, day) in [(1, 1), (2, 28), (2, 29), (3, 1), (12, 31)] {
                let bytes = Self.text(year, month, day)
                let expected = Self.referenceParse(bytes)
                let (buffered, atPointer) = Self.fastParses(bytes)
                if buffered != expected || atPointer != expected { wrong += 1 }
            }
        }
        #expect(wrong == 0)
        #expect(CivilDate.parse("2000-02-29") != nil && CivilDate.parse("1900-02-29") == nil)
    }

    /// Each of the ten bytes of valid dates replaced by each interesting byte (digits, dashes,
    /// the neighbours of `0`, `9` and `-` in ASCII, letters, space, control and high bytes), and
    /// every length but ten.
    @Test func fastParserAgreesOnDamagedBytes() {
        let replacements: [UInt8] =
            Array("0123456789-/:,. +aAzZ\"".utf8) + [0x00, 0x09, 0x1F, 0x7F, 0x80, 0xB0, 0xC3, 0xFF]
        let bases = ["2024-02-29", "2023-12-31", "0001-01-01", "9999-12-31", "1970-01-01", "2000-10-19"]
            .map { Array($0.utf8) }
        var checked = 0
        for base in bases {
            for position in 0..<10 {
                for byte in replacements {
                    var bytes = base
                    bytes[position] = byte
                    let expected = Self.referenceParse(bytes)
                    let (buffered, atPointer) = Self.fastParses(bytes)
                    #expect(
                        buffered == expected && atPointer == expected,
                        "\(bytes): \(String(describing: buffered)), \(String(describing: atPointer))")
                    checked += 1
                }
            }
            for length in 0...12 where length != 10 {
                let bytes = Array((base + base).prefix(length))
                #expect(Self.fastParses(bytes).0 == nil)
            }
        }
        #expect(checked == bases.count * 10 * replacements.count)
    }

    // MARK: Day numbers

    @Test(arguments: [
        ("1970-01-01", 0), ("1970-01-02", 1), ("1969-12-31", -1), ("2000-03-01", 11_017),
        ("2024-01-01", 19_723), ("2024-02-29", 19_782), ("1900-01-01", -25_567),
        ("0001-01-01", -719_162), ("9999-12-31", 2_932_896),
    ])
    func knownDayNumbers(text: String, dayNumber: Int32) {
        #expect(date(text).dayNumber == dayNumber)
        #expect(CivilDate(dayNumber: dayNumber).description == text)
    }

    /// Walks every day from 1900 to 2100 with a naive calendar and checks that the day
    /// numbers are consecutive and that fields, description and parse all round trip.
    @Test func everyDayFrom1900To2100RoundTrips() {
        var expected = CivilDate(year: 1900, month: 1, day: 1)!.dayNumber
        for year in 1900...2100 {
            for month in 1...12 {
                let length = [
                    31, CivilDate.isLeapYear(year) ? 29 : 28, 31, 30, 31, 30,
                    31, 31, 30, 31, 30, 31,
                ][month - 1]
                for day in 1...length {
                    let fromFields = CivilDate(year: year, month: month, day: day)
                    let fromNumber = CivilDate(dayNumber: expected)
                    if fromFields?.dayNumber != expected || fromNumber.year != year
                        || fromNumber.month != month || fromNumber.day != day
                        || CivilDate.parse(fromNumber.description) != fromNumber
                    {
                        Issue.record("round trip failed at \(year)-\(month)-\(day)")
                        return
                    }
                    expected += 1
                }
            }
        }
        #expect(CivilDate(dayNumber: expected).description == "2101-01-01")
    }

    /// The division-free conversion (Neri and Schneider) against Hinnant's era by era: every
    /// day of years 1...9999, a stride through the rest of the 32-bit day numbers, and both
    /// ends of the fast form's range, where it hands over to the other.
    @Test func fastConversionAgreesWithErasEverywhere() {
        func agrees(_ days: Int) -> Bool {
            CivilDate.civilFromDays(days) == CivilDate.civilFromDaysByEras(days)
        }
        let first = CivilDate(year: 1, month: 1, day: 1)!.dayNumber
        let last = CivilDate(year: 9999, month: 12, day: 31)!.dayNumber
        var failures = 0
        for days in Int(first)...Int(last) where !agrees(days) { failures += 1 }
        for days in stride(from: Int(Int32.min), through: Int(Int32.max), by: 65_537) where !agrees(days) {
            failures += 1
        }
        let low = -12_699_422
        let high = 1_073_741_823 - 12_699_422
        for days in [low - 2, low - 1, low, low + 1, high - 2, high - 1, high, high + 1] where !agrees(days) {
            failures += 1
        }
        #expect(failures == 0)
        #expect(CivilDate.civilFromDays(0) == (1970, 1, 1))
        #expect(CivilDate.civilFromDays(-1) == (1969, 12, 31))
    }

    @Test func ordersByDayNumber() {
        #expect(date("2023-12-31") < date("2024-01-01"))
        #expect(date("2024-02-29") == CivilDate(dayNumber: 19_782))
        #expect(Set([date("2024-01-01"), date("2024-01-01")]).count == 1)
    }

    // MARK: Arithmetic

    @Test(arguments: [
        ("2023-12-31", 1, "2024-01-01"), ("2024-02-28", 1, "2024-02-29"), ("2023-02-28", 1, "2023-03-01"),
        ("2024-03-01", -1, "2024-02-29"), ("2024-01-01", 366, "2025-01-01"), ("1970-01-01", -1, "1969-12-31"),
        ("2024-05-10", 0, "2024-05-10"),
    ])
    func addsDays(start: String, days: Int, expected: String) {
        #expect(date(start).addingDays(days) == date(expected))
    }

    @Test(arguments: [
        ("2023-11-30", 3, "2024-02-29"), ("2022-11-30", 3, "2023-02-28"), ("2024-01-31", 1, "2024-02-29"),
        ("2023-01-31", 1, "2023-02-28"), ("2024-03-31", 1, "2024-04-30"), ("2024-01-15", 12, "2025-01-15"),
        ("2024-03-31", -1, "2024-02-29"), ("2024-01-31", -2, "2023-11-30"), ("2024-01-10", -13, "2022-12-10"),
        ("2024-05-31", -15, "2023-02-28"), ("2024-12-31", 0, "2024-12-31"), ("2024-10-15", 3, "2025-01-15"),
    ])
    func addsMonthsClampingToMonthEnd(start: String, months: Int, expected: String) {
        #expect(date(start).addingMonths(months) == date(expected))
    }

    @Test(arguments: [
        ("2024-02-29", 1, "2025-02-28"), ("2024-02-29", 4, "2028-02-29"), ("2024-02-29", -1, "2023-02-28"),
        ("2023-06-15", 10, "2033-06-15"),
    ])
    func addsYears(start: String, years: Int, expected: String) {
        #expect(date(start).addingYears(years) == date(expected))
    }

    @Test(arguments: [
        ("2024-01-01", "2025-01-01", 366), ("2023-01-01", "2024-01-01", 365),
        ("2024-02-28", "2024-03-01", 2), ("2023-02-28", "2023-03-01", 1),
        ("2025-01-01", "2024-01-01", -366), ("2000-01-01", "2100-01-01", 36_525),
        ("1900-01-01", "2000-01-01", 36_524), ("2024-05-10", "2024-05-10", 0),
    ])
    func countsDaysAcrossLeapYears(from: String, to: String, days: Int) {
        #expect(CivilDate.daysBetween(date(from), date(to)) == days)
    }

    @Test(arguments: [
        ("2024-01-31", "2024-02-29", 1), ("2024-01-31", "2024-02-28", 0), ("2024-01-15", "2024-02-14", 0),
        ("2024-01-15", "2024-02-15", 1), ("2024-01-15", "2025-01-15", 12), ("2024-01-15", "2025-01-14", 11),
        ("2023-11-30", "2024-02-29", 3), ("2024-05-10", "2024-05-10", 0), ("2024-02-29", "2024-01-31", -1),
        ("2025-01-15", "2024-01-15", -12), ("2024-03-31", "2024-04-30", 1), ("2024-03-31", "2024-04-29", 0),
    ])
    func countsWholeMonths(from: String, to: String, months: Int) {
        #expect(CivilDate.wholeMonthsBetween(date(from), date(to)) == months)
    }

    @Test(arguments: [
        ("2004-02-29", "2022-02-28", 17), ("2004-02-29", "2022-03-01", 18), ("2004-02-29", "2024-02-28", 19),
        ("2004-02-29", "2024-02-29", 20), ("2006-05-10", "2024-05-09", 17), ("2006-05-10", "2024-05-10", 18),
        ("2006-05-10", "2006-05-10", 0), ("2006-12-31", "2007-01-01", 0), ("2022-03-01", "2004-02-29", -18),
        ("2024-05-10", "2006-05-10", -18),
    ])
    func computesAgesWithLeapDayRule(birth: String, on: String, age: Int) {
        #expect(CivilDate.wholeYearsBetween(date(birth), date(on)) == age)
    }

    /// `wholeYearsBetween` works on years from 1 March; this holds it to the rule its
    /// documentation states, on calendar dates from Hinnant's conversion: every pair of days
    /// near the end of February in 1995-2020 (six leap days), one pair in 29 of all pairs of days
    /// in those years (each day against its own comb of dates), and pairs across the edges of
    /// the fast conversion's range.
    @Test func agesFollowTheMonthAndDayRule() {
        func byRule(_ a: Int, _ b: Int) -> Int {
            if a > b { return -byRule(b, a) }
            let (ay, am, ad) = CivilDate.civilFromDaysByEras(a)
            let (by, bm, bd) = CivilDate.civilFromDaysByEras(b)
            return by - ay - ((bm, bd) < (am, ad) ? 1 : 0)
        }
        var failures = 0
        var pairs = 0
        func check(_ a: Int, _ b: Int) {
            guard let a32 = Int32(exactly: a), let b32 = Int32(exactly: b) else { return }
            pairs += 1
            if CivilDate.wholeYearsBetween(CivilDate(dayNumber: a32), CivilDate(dayNumber: b32)) != byRule(a, b) {
                failures += 1
            }
        }
        let endsOfFebruary = (1995...2020).flatMap { year -> [Int] in
            let march = Int(CivilDate(year: year, month: 3, day: 1)!.dayNumber)
            return Array(march - 4...march + 3)
        }
        for a in endsOfFebruary { for b in endsOfFebruary { check(a, b) } }
        let first = Int(date("1995-01-01").dayNumber)
        let last = Int(date("2020-12-31").dayNumber)
        for a in first...last {
            for b in stride(from: first + (a - first) % 29, through: last, by: 29) { check(a, b) }
        }
        let low = -12_699_422
        let high = 1_073_741_823 - 12_699_422
        for edge in [low, high] {
            for a in edge - 800...edge + 800 {
                for b in [edge - 400, edge - 1, edge, edge + 365, edge + 1_200] { check(a, b) }
            }
        }
        #expect(pairs > 3_000_000)
        #expect(failures == 0)
    }
}
