// Not `indirect`: Array already boxes the recursion, and boxing every scalar too made parsing a case line ~20% slower.
/// A parsed JSON value. Numbers are kept as their exact source text (no Double), so the caller can parse them exactly.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// Exact source text, e.g. "-0", "1.5e2"; range checking is the caller's job.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in source order; duplicate keys are a parse error, so a key names at most one member.
    case object([JSONMember])
}

/// One `"key": value` pair of a JSON object, with where its key starts in the source.
public struct JSONMember: Sendable, Equatable {
    /// The member's key, unescaped.
    public let key: String
    /// The member's value.
    public let value: JSONValue
    /// Byte offset of the key's opening quote, so callers can point at the member in their own messages.
    public let offset: Int

    /// A member whose key starts at byte `offset` of the source.
    public init(key: String, value: JSONValue, offset: Int) {
        self.key = key
        self.value = value
        self.offset = offset
    }
}

/// Why a JSON text was rejected: a short lower-case message, the byte offset, and the top-level key it sits under.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Lower case, no final period, e.g. "duplicate key `birth_date`".
    public let message: String
    /// Byte offset in the parsed bytes (a leading BOM counts) where the problem was found.
    public let offset: Int
    /// The top-level member name (the key of the outermost object member) the error lies in, if any,
    /// so an intake message can say which field is broken even when the fault is deep inside it.
    public let key: String?

    /// An error at byte `offset`, under the top-level key `key` if known.
    public init(message: String, offset: Int, key: String? = nil) {
        self.message = message
        self.offset = offset
        self.key = key
    }

    /// The message with its byte offset and key, for the error lines of `batch` and `eval`.
    public var description: String {
        if let key { return "\(message) at byte \(offset) (in `\(key)`)" }
        return "\(message) at byte \(offset)"
    }
}
