/// Generates realistic intake cases, deterministically, for `rule-check bench`: mostly complete
/// cases, some facts unknown, every exclusion represented, a few exceptions, dates inside the
/// programme period; shaped like `shared/data/intake-sample-10k.jsonl` (about 0.4 KB a case).
public struct CaseGenerator: Sendable {
    private var state: UInt64

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

    private static let nationalities = ["SY", "ER", "AF", "IQ", "IR", "SD", "SO", "NG", "MA", "DZ", "GE", "AL", "TR", "PL", "RO", "GB", "XX", "ET", "YE", "LY"]
    private static let safeNationalities: Set<String> = ["MA", "DZ", "GE", "AL", "TR"]
    private static let provinces = ["Groningen", "Groningen", "Groningen", "Groningen", "Drenthe", "Friesland", "Noord-Holland", "Zuid-Holland", "Utrecht", "Noord-Brabant"]
    private static let municipalities = ["Groningen", "Pekela", "Delfzijl", "Assen", "Leeuwarden", "Haarlem", "Amsterdam", "Rotterdam", "Utrecht", "Eindhoven"]

    /// One case as a JSON line (no newline).
    public mutating func nextCase(index: Int) -> String {
        let year = number(2019...2024)
        let month = year == 2019 ? number(4...12) : number(1...12)
        let reference = date(year, month, number(1...28))
        var fields: [String] = ["\"case_id\":\"GEN-\(String(index).leftPadded(7))\"", "\"reference_date\":\"\(reference)\""]
        func add(_ key: String, _ json: String) { fields.append("\"\(key)\":\(json)") }
        if !chance(5) { add("v_number", "\"\(number(1_000_000_000...9_999_999_999))\"") }
        if !chance(4) { add("identity_doubt", chance(4) ? "true" : "false") }
        let adult = !chance(5)
        if !chance(3) { add("birth_date", "\"\(date(adult ? number(1960...2003) : year - number(14...17), number(1...12), number(1...28)))\"") }
        let nationality = pick(CaseGenerator.nationalities)
        if !chance(3) { add("nationality", "\"\(nationality)\"") }
        if !chance(3) { add("safe_country_national", CaseGenerator.safeNationalities.contains(nationality) ? "true" : "false") }
        if !chance(3) { add("lawful_residence", chance(4) ? "true" : "false") }
        if !chance(3) { add("reception_entitlement", chance(88) ? "\"none\"" : "\"\(pick(["coa", "family_location", "vbl"]))\"") }
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
            add("exceptional_admission", "{\"decided_by\":\"\(pick(["stuurgroep", "lso", "mayor"]))\",\"grounds\":\"\(pick(["humanitarian", "public_order"]))\",\"date\":\"\(date(year, month, 1))\"}")
        }
        return "{" + fields.joined(separator: ",") + "}"
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
