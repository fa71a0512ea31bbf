import LVVRules
import RuleDSL

/// Reading a person's typed answers in the interview: the words accepted and the messages for a
/// bad answer come from the one catalogue (`FrameText`), so this lives with the presentation.
extension Interview {
    /// Reads what a person typed: ja/nee, a date as `15-06-2021` or `2021-06-15`, an option by
    /// number or name, a number, a text; `onbekend`, `overslaan`, and `geen` for a fact that may
    /// be absent. Dutch and English words are both accepted.
    public func parse(_ typed: String, for slot: Int, words w: FrameText.InterviewWords = FrameText(.nl).interview)
        -> Answer
    {
        let text = String(
            typed.unicodeScalars.drop { $0.properties.isWhitespace }.reversed()
                .drop { $0.properties.isWhitespace }.reversed().map(Character.init))
        let word = text.lowercased()
        let fact = program.facts[slot]
        if word.isEmpty { return .bad(w.empty) }
        if ["onbekend", "unknown", "?"].contains(word) {
            if fact.isRequired { return .bad(w.requiredFact) }
            // An optional fact not known is absent: "ontbreekt = geen bekend", as the case
            // format has it.
            return fact.isOptional && fact.group == nil ? .value(.none) : .unknown
        }
        if ["overslaan", "skip", "-"].contains(word) {
            return fact.isRequired ? .bad(w.requiredFact) : .skip
        }
        if fact.isOptional, ["geen", "none"].contains(word) { return .value(.none) }
        switch fact.type {
        case .bool:
            if ["ja", "j", "yes", "y", "true"].contains(word) { return .value(.bool(true)) }
            if ["nee", "n", "no", "false"].contains(word) { return .value(.bool(false)) }
            return .bad(w.badBool)
        case .date:
            if let date = Interview.date(text) { return .value(.date(date)) }
            return .bad(w.badDate)
        case .enumeration(let options):
            if let n = Int(word), n >= 1, n <= options.count { return .value(.text(options[n - 1])) }
            if let match = options.first(where: { $0.lowercased() == word }) { return .value(.text(match)) }
            return .bad(w.badOption + " 1-\(options.count)")
        case .number:
            let normal = word.replacingOccurrences(",", with: ".")
            guard case .value(let n) = DecimalNumber.parse(Substring(normal)) else { return .bad(w.badNumber) }
            if let least = fact.atLeast, n < least { return .bad(w.badNumber + " (≥ \(least))") }
            if let most = fact.atMost, most < n { return .bad(w.badNumber + " (≤ \(most))") }
            if fact.isWhole, n.scaled % DecimalNumber.scale != 0 { return .bad(w.badNumber) }
            return .value(.number(n))
        case .text:
            if let format = fact.format, !format.matches(text) { return .bad(w.badFormat + " `\(format.pattern)`") }
            return .value(.text(text))
        case .set, .none, .unresolved:
            return .bad(w.badAnswer)
        }
    }
}
