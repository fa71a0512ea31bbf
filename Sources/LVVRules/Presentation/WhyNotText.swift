import LVVRules
import RuleDSL

/// Renders counterfactuals as text for a person, and as the `counterfactuals` JSON field.
public enum WhyNotText {
    /// The explanation in lines, for the text here and the intake page's list: a heading, the
    /// sets (each with the outcomes per value, for `undetermined`) and notes on the search.
    public struct Lines: Sendable {
        /// The heading: what would have to change, or, for an undetermined case, which missing facts decide it.
        public let heading: String
        /// Each way found, as a line and (for `undetermined`) the outcome per value under it.
        public let items: [(text: String, details: [String])]
        /// Notes on the search: more ways exist than shown, or it stopped before trying larger sets.
        public let notes: [String]
    }

    /// - Parameter language: the reader's language; nil means the rule set's own. The frame
    ///   words come from `FrameText`, fact and exception titles from the rule files.
    public static func lines(_ c: Counterfactuals, program: Program, language: TextLanguage? = nil) -> Lines {
        let language = language ?? program.texts.language
        let w = FrameText(language).whyNot
        var items: [(text: String, details: [String])] = []
        var notes: [String] = []
        let heading: String
        switch c.kind {
        case .flips(let target):
            heading = w.heading
            if c.sets.isEmpty { notes.append(fill(w.none, c.searchedUpTo, target)) }
            for set in c.sets {
                let parts = set.changes.map { change -> String in
                    if let e = change.exception {
                        let exception = program.exceptions[e]
                        return
                            "\(w.viaException) (`\(exception.id)`: \(program.texts.text(.rule(exception.id), in: language) ?? exception.title ?? exception.id))"
                    }
                    guard let slot = change.fact else { return "" }
                    let fact = program.facts[slot]
                    return
                        "`\(fact.name)` (\(program.texts.text(.fact(fact.name), in: language) ?? fact.title ?? fact.name)) \(needed(change.needed, w)) \(w.instead) \(value(change.now, w))"
                }
                var text = parts.joined(separator: w.and) + ": " + fill(w.then, 0, target)
                if set.viaException && set.changes.count > 1 { text += " (\(w.viaException))" }
                items.append((text, []))
            }
        case .settles:
            heading = w.settleHeading
            if c.sets.isEmpty { notes.append(fill(w.settleNone, c.searchedUpTo, "")) }
            for set in c.sets {
                let names = set.changes.compactMap { $0.fact }.map { "`\(program.facts[$0].name)`" }
                var details: [String] = []
                // The rarer outcomes row by row; the most common one, when there are many rows,
                // as "in every other case".
                var counts: [String: Int] = [:]
                for row in set.outcomes { counts[row.outcome, default: 0] += 1 }
                let common = set.outcomes.count > 4 ? counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key : nil
                for row in set.outcomes where row.outcome != common {
                    let values = zip(set.changes, row.values).map { change, needed in
                        "\(change.fact.map { program.facts[$0].name } ?? "") \(self.needed(needed, w))"
                    }
                    details.append(values.joined(separator: ", ") + " \(w.gives) `\(row.outcome)`")
                }
                if let common { details.append(fill(w.otherwise, 0, common)) }
                items.append(("\(w.whenKnown) " + names.joined(separator: w.and), details))
            }
        }
        if c.hasMore { notes.append(fill(w.more, c.sets.count, "", c.searchedUpTo)) }
        if !c.complete { notes.append(fill(w.incomplete, c.searchedUpTo, "")) }
        return Lines(heading: heading, items: items, notes: notes)
    }

    /// The explanation as `eval --why-not` prints it, after the verdict.
    public static func render(
        _ c: Counterfactuals, program: Program, search: CounterfactualSearch,
        language: TextLanguage? = nil
    ) -> String {
        let lines = lines(c, program: program, language: language)
        var out = "\n\(lines.heading)\n"
        // With no set, the note that says so comes first (the items are empty then).
        for (i, item) in lines.items.enumerated() {
            out += "  \(i + 1). \(item.text)\n"
            for detail in item.details { out += "     - \(detail)\n" }
        }
        for note in lines.notes { out += "  \(note)\n" }
        return out
    }

    /// `%d` and `%@` in order, without Foundation.
    static func fill(_ pattern: String, _ number: Int, _ text: String, _ second: Int? = nil) -> String {
        var out = pattern
        if let r = out.firstRange(of: "%d") { out.replaceSubrange(r, with: String(number)) }
        if let second, let r = out.firstRange(of: "%d") { out.replaceSubrange(r, with: String(second)) }
        if let r = out.firstRange(of: "%@") { out.replaceSubrange(r, with: TerminalText.escape(text)) }
        return out
    }

    static func value(_ v: Value?, _ w: FrameText.WhyNotWords) -> String {
        switch v {
        case nil: return w.unknown
        case .bool(let b)?: return b ? w.yes : w.no
        case .none?: return w.absent
        case .text(let t)?: return "`\(TerminalText.escape(t))`"
        case .number(let n)?: return n.description
        case .date(let d)?: return d.description
        }
    }

    static func needed(_ n: Counterfactuals.Needed, _ w: FrameText.WhyNotWords) -> String {
        guard n.isRange else { return value(n.value, w) }
        switch (n.from, n.to) {
        case (nil, .number(let to)?) where to.scaled % DecimalNumber.scale == DecimalNumber.scale - 1:
            // A region ending just below a whole number: "less than 10", not "at most 9.999999".
            return "\(w.below) \(DecimalNumber(scaled: to.scaled + 1))"
        case (nil, .date(let to)?): return "\(w.onOrBefore) \(to)"
        case (.date(let from)?, nil): return "\(w.onOrAfter) \(from)"
        case (nil, let to?): return "\(w.atMost) \(value(to, w))"
        case (let from?, nil): return "\(w.atLeast) \(value(from, w))"
        case (let from?, let to?): return "\(w.from) \(value(from, w)) \(w.through) \(value(to, w))"
        case (nil, nil): return value(n.value, w)
        }
    }
}
