import RuleDSL

/// Generates realistic intake and review cases, deterministically, for `rule-check bench`,
/// `rule-check generate` and the tests: mostly complete cases, some facts unknown, every
/// exclusion represented, a few exceptions, dates inside the programme period; shaped like the
/// generated 10,000-case intake sample the project started from (about 0.4 KB a case).
public struct CaseGenerator: Sendable {
    private var state: UInt64

    /// A generator starting from `seed`: the same seed always gives the same cases.
    public init(seed: UInt64 = 20_190_401) {
        state = seed
    }

    /// SplitMix64: small, fast and the same on every machine.
    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func chance(_ percent: UInt64) -> Bool { next() % 100 < percent }
    private mutating func pick<T>(_ values: [T]) -> T { values[Int(next() % UInt64(values.count))] }
    private mutating func number(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    private static let nationalities = [
        "SY", "ER", "AF", "IQ", "IR", "SD", "SO", "NG", "MA", "DZ", "GE", "AL", "TR", "PL", "RO", "GB", "XX", "ET",
        "YE", "LY",
    ]
    private static let safeNationalities: Set<String> = ["MA", "DZ", "GE", "AL", "TR"]
    private static let provinces = [
        "Groningen", "Groningen", "Groningen", "Groningen", "Drenthe", "Friesland", "Noord-Holland", "Zuid-Holland",
        "Utrecht", "Noord-Brabant",
    ]
    private static let municipalities = [
        "Groningen", "Pekela", "Delfzijl", "Assen", "Leeuwarden", "Haarlem", "Amsterdam", "Rotterdam", "Utrecht",
        "Eindhoven",
    ]

    /// Which question the generated cases ask: intake, review, or the two taking turns.
    public enum Question: String, Sendable, CaseIterable {
        case intake, review, mixed
    }

    /// The next case for `question` as a JSON line (no newline); `mixed` makes every second case
    /// (even indices) a review case.
    public mutating func nextCase(index: Int, question: Question) -> String {
        switch question {
        case .intake: return nextCase(index: index)
        case .review: return nextReviewCase(index: index)
        case .mixed: return index % 2 == 0 ? nextReviewCase(index: index) : nextCase(index: index)
        }
    }

    /// `count` cases with indices 1…count: what `rule-check generate` writes, and the population
    /// the tests use instead of a sample file.
    public mutating func cases(_ count: Int, question: Question) -> [String] {
        count > 0 ? (1...count).map { nextCase(index: $0, question: question) } : []
    }

    /// One intake case as a JSON line (no newline).
    public mutating func nextCase(index: Int) -> String {
        let year = number(2019...2024)
        let month = year == 2019 ? number(4...12) : number(1...12)
        let day = number(1...28)
        let reference = date(year, month, day)
        lastReference = CivilDate(year: year, month: month, day: day)
        var fields: [String] = [
            "\"case_id\":\"GEN-\(String(index).leftPadded(7))\"", "\"reference_date\":\"\(reference)\"",
        ]
        func add(_ key: String, _ json: String) { fields.append("\"\(key)\":\(json)") }
        if !chance(5) { add("v_number", "\"\(number(1_000_000_000...9_999_999_999))\"") }
        if !chance(4) { add("identity_doubt", chance(4) ? "true" : "false") }
        let adult = !chance(5)
        if !chance(3) {
            add(
                "birth_date",
                "\"\(date(adult ? number(1960...2003) : year - number(14...17), number(1...12), number(1...28)))\"")
        }
        let nationality = pick(CaseGenerator.nationalities)
        if !chance(3) { add("nationality", "\"\(nationality)\"") }
        if !chance(3) {
            add("safe_country_national", CaseGenerator.safeNationalities.contains(nationality) ? "true" : "false")
        }
        if !chance(3) { add("lawful_residence", chance(4) ? "true" : "false") }
        if !chance(3) {
            add("reception_entitlement", chance(88) ? "\"none\"" : "\"\(pick(["coa", "family_location", "vbl"]))\"")
        }
        if !chance(4) { add("entry_ban_years", chance(85) ? "0" : String(number(1...20))) }
        if !chance(3) { add("declared_undesirable", chance(3) ? "true" : "false") }
        if !chance(4) { add("dublin_claimant", chance(5) ? "true" : "false") }
        if !chance(3) {
            let i = number(0...(CaseGenerator.provinces.count - 1))
            add("binding_municipality", "\"\(CaseGenerator.municipalities[i])\"")
            add("binding_province", "\"\(CaseGenerator.provinces[i])\"")
        }
        if !chance(5) { add("previously_in_bbb", chance(30) ? "true" : "false") }
        if !chance(5) { add("willing_to_cooperate", chance(90) ? "true" : "false") }
        if chance(3) {
            add(
                "exceptional_admission",
                "{\"decided_by\":\"\(pick(["stuurgroep", "lso", "mayor"]))\",\"grounds\":\"\(pick(["humanitarian", "public_order"]))\",\"date\":\"\(date(year, month, 1))\"}"
            )
        }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// The reference date of the case made last (review facts are placed before it).
    private var lastReference: CivilDate?

    /// A review case as a JSON line: someone admitted to the LVV some months before the reference
    /// date, with the review facts of revision 2 and the scenario facts. The intake facts are
    /// those of `nextCase`, so the stream of intake cases for a seed is unchanged.
    public mutating func nextReviewCase(index: Int) -> String {
        var line = nextCase(index: index)
        line.removeLast()
        let start = CivilDate(year: 2019, month: 4, day: 1)!
        let reference = lastReference ?? start
        func before(_ date: CivilDate, days: Int) -> CivilDate {
            let d = date.addingDays(-days)
            return d < start ? start : d
        }
        var fields: [String] = []
        func add(_ key: String, _ json: String) { fields.append("\"\(key)\":\(json)") }
        // Stays of a few weeks to two and a half years.
        let admission = before(reference, days: number(14...900))
        add("admission_date", "\"\(admission)\"")
        let stay = max(0, Int(reference.dayNumber) - Int(admission.dayNumber))
        if !chance(3) { add("phase", stay < 60 ? "\"research\"" : (chance(85) ? "\"reception\"" : "\"research\"")) }
        if !chance(12), stay > 30 {
            add("last_review_date", "\"\(before(reference, days: number(1...min(stay, 150))))\"")
        }
        if !chance(20) {
            add("scenario", "\"\(pick(["return", "return", "onward_migration", "legalisation", "legalisation"]))\"")
        }
        if !chance(5) { add("progress", chance(55) ? "true" : "false") }
        if !chance(5) { add("cooperating", chance(85) ? "true" : "false") }
        if !chance(5) { add("lso_consensus", chance(80) ? "true" : "false") }
        if chance(25) { add("stabilisation", chance(60) ? "true" : "false") }
        if chance(12), stay > 14 {
            add("mrt_referral_date", "\"\(before(reference, days: number(1...min(stay, 60))))\"")
            if chance(60) { add("mrt_advice", chance(70) ? "\"continue\"" : "\"end\"") }
        }
        if chance(8) {
            add(
                "outcome",
                "\"\(pick(["residence_granted", "departed", "onward_migrated", "asylum_followup_coa", "art64_postponement", "left_unknown", "returned_bbb", "forced_termination"]))\""
            )
        }
        if !chance(10) { add("pending_procedure", chance(25) ? "true" : "false") }
        if !chance(10) { add("new_asylum_grounds", chance(8) ? "true" : "false") }
        if !chance(10) { add("no_fault_obstacle", chance(12) ? "true" : "false") }
        if !chance(10) { add("onward_option", chance(10) ? "true" : "false") }
        return line + "," + fields.joined(separator: ",") + "}"
    }

    private func date(_ y: Int, _ m: Int, _ d: Int) -> String {
        "\(y)-\(String(m).leftPadded(2))-\(String(d).leftPadded(2))"
    }
}

extension String {
    /// Zero-padded on the left to `width`.
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
