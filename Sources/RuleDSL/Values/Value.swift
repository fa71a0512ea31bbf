/// A known value of a fact or expression. Unknown is not a value: it is the absence of one,
/// tracked by the evaluator together with the facts it depends on.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case bool(Bool)
    case number(DecimalNumber)
    /// Text, and also the values of enumerations (`coa`, `exclude`), compared by name.
    case text(String)
    case date(CivilDate)
    /// An optional fact known to be absent (no V-number known, no exception decided).
    case none

    /// The value as traces and messages show it (a text without quotes).
    public var description: String {
        switch self {
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n.description
        case .text(let t): return t
        case .date(let d): return d.description
        case .none: return "none"
        }
    }
}

/// The static type of a value, as the checker knows it.
public indirect enum ValueType: Sendable, Hashable, CustomStringConvertible {
    case bool
    case number
    case text
    case date
    /// An enumeration: its values, in declared order.
    case enumeration([String])
    case set(ValueType)
    /// A bare `none`; compatible with the optional facts it is compared with.
    case none
    /// A bare name that may still turn out to be an enumeration value, or an error already reported.
    case unresolved

    /// The type in words ("a yes/no value"), as diagnostics name it.
    public var description: String {
        switch self {
        case .bool: return "a yes/no value"
        case .number: return "a number"
        case .text: return "text"
        case .date: return "a date"
        case .enumeration(let values):
            return "one of (\(values.prefix(6).joined(separator: ", "))\(values.count > 6 ? ", …" : ""))"
        case .set(let element): return "a set of \(element)"
        case .none: return "`none`"
        case .unresolved: return "an unknown name"
        }
    }

    /// Whether values of the two types can be compared with `=`.
    public func isComparable(with other: ValueType) -> Bool {
        switch (self, other) {
        case (.unresolved, _), (_, .unresolved), (.none, _), (_, .none): return true
        case (.enumeration(let a), .enumeration(let b)): return !Set(a).isDisjoint(with: b)
        case (.bool, .bool), (.number, .number), (.text, .text), (.date, .date): return true
        default: return false
        }
    }
}

/// Kleene's three truth values.
public enum Truth: String, Sendable, Hashable {
    case `true`
    case `false`
    case unknown
}
