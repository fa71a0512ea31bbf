import RuleValues

/// A problem found in a rule file, as a value: stages return these, only the command line prints.
public struct Diagnostic: Sendable, Equatable {
    /// An error stops a rule set from loading; a warning does not.
    public enum Severity: String, Sendable {
        case error
        case warning
    }
    /// Whether the problem stops the rule set from loading.
    public let severity: Severity
    /// A stable identifier (e.g. `unknown-name`), so tests and tools need not match message text.
    public let code: String
    /// One line, lower case, no final period; user text in backticks.
    public let message: String
    /// Where in the rule file the problem is; the renderer puts a caret under it.
    public let range: SourceRange
    /// What to do about it ("did you mean `entry_ban_years`?"), if we know.
    public let help: String?

    /// A diagnostic of any severity; `error` and `warning` read better at call sites.
    public init(
        _ severity: Severity, _ code: String, _ message: String, at range: SourceRange,
        help: String? = nil
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.range = range
        self.help = help
    }

    /// A problem that stops the rule set from loading.
    public static func error(_ code: String, _ message: String, at range: SourceRange, help: String? = nil)
        -> Diagnostic
    {
        Diagnostic(.error, code, message, at: range, help: help)
    }

    /// A problem worth fixing that does not stop the rule set from loading.
    public static func warning(_ code: String, _ message: String, at range: SourceRange, help: String? = nil)
        -> Diagnostic
    {
        Diagnostic(.warning, code, message, at: range, help: help)
    }
}

/// Suggestions by edit distance, for "did you mean" help on names, keys, pilots and flags.
public enum Suggestion {
    /// Names at most this many edits away are offered; farther ones would be guesses.
    public static let maximumDistance = 3

    /// The closest candidate within `maximumDistance` (and within half the name's length).
    public static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
        var best: (String, Int)?
        let limit = min(maximumDistance, max(1, name.count / 2))
        for candidate in candidates {
            let distance = editDistance(name, candidate)
            if distance <= limit, distance < (best?.1 ?? Int.max) || (distance == best?.1 && candidate < best!.0) {
                best = (candidate, distance)
            }
        }
        return best?.0
    }

    /// "did you mean `x`?" or nil.
    public static func didYouMean(_ name: String, in candidates: some Sequence<String>) -> String? {
        closest(to: name, in: candidates).map { "did you mean `\($0)`?" }
    }

    /// Edit distance over Unicode scalars, where swapping two neighbouring letters is one edit
    /// (optimal string alignment): `tset` is one typo away from `test`, not two, so it is not
    /// taken for `let`. Names are short, so the quadratic table is fine.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        if abs(a.count - b.count) > 64 { return abs(a.count - b.count) }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var distance = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    distance = min(distance, beforePrevious[j - 2] + 1)
                }
                current[j] = distance
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }
}
