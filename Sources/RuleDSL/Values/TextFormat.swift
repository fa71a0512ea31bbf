/// The form a text fact's value must have, declared on the fact (`fact nationality: text,
/// format "AA"`): one character class per position, so the length is fixed too. `A` is an
/// upper-case letter A–Z, `a` a lower-case letter a–z, `9` a digit 0–9; nothing else, so a value
/// of the right form is plain ASCII. A case whose value has another form is bad input, for the
/// strict reader and the fast scanner alike (both call `matches`).
public struct TextFormat: Sendable, Equatable, CustomStringConvertible {
    /// The format as written, e.g. `AA`.
    public let pattern: String
    private let classes: [UInt8]

    /// The longest format: a code, not a text.
    public static let maximumLength = 64

    /// The format written as `pattern`; nil when it is empty, longer than `maximumLength`, or
    /// holds a character other than `A`, `a` and `9`.
    public init?(_ pattern: String) {
        let bytes = Array(pattern.utf8)
        guard !bytes.isEmpty, bytes.count <= Self.maximumLength,
            bytes.allSatisfy({ $0 == UInt8(ascii: "A") || $0 == UInt8(ascii: "a") || $0 == UInt8(ascii: "9") })
        else { return nil }
        self.pattern = pattern
        classes = bytes
    }

    /// The format as written, so a fact's `format "AA"` prints back the same.
    public var description: String { pattern }

    /// How many characters a value has.
    public var length: Int { classes.count }

    /// Whether `text` has this form: the right length and each character in its position's class.
    public func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { matches($0) }
    }

    /// Whether the UTF-8 bytes of a value have the form.
    @inline(__always)
    public func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count == classes.count else { return false }
        for (byte, form) in zip(bytes, classes) {
            switch form {
            case UInt8(ascii: "A"): guard byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") else { return false }
            case UInt8(ascii: "a"): guard byte >= UInt8(ascii: "a"), byte <= UInt8(ascii: "z") else { return false }
            default: guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return false }
            }
        }
        return true
    }

    /// A value of the form, made of the last character of each class (`ZZ` for `AA`): the
    /// prover's "any other value" for a fact with a format, so a counterexample is a valid case.
    public var filler: String {
        String(
            decoding: classes.map {
                $0 == UInt8(ascii: "A")
                    ? UInt8(ascii: "Z") : $0 == UInt8(ascii: "a") ? UInt8(ascii: "z") : UInt8(ascii: "9")
            }, as: UTF8.self)
    }

    /// The form in words, for a message: `` `AA` (`A`: an upper-case letter A–Z) ``.
    public var explanation: String {
        var parts: [String] = []
        if classes.contains(UInt8(ascii: "A")) { parts.append("`A`: an upper-case letter A–Z") }
        if classes.contains(UInt8(ascii: "a")) { parts.append("`a`: a lower-case letter a–z") }
        if classes.contains(UInt8(ascii: "9")) { parts.append("`9`: a digit 0–9") }
        return "`\(pattern)` (\(parts.joined(separator: ", ")))"
    }
}
