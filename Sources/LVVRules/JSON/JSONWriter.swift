/// Appends JSON text to a byte buffer: fast, no Foundation, deterministic.
public struct JSONWriter: Sendable {
    /// The JSON text written so far.
    public var bytes: [UInt8]

    /// An empty writer with room for `reservingCapacity` bytes.
    public init(reservingCapacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(reservingCapacity)
    }

    /// Appends `s` quoted and escaped per RFC 8259: \" \\ \n \r \t \b \f, other control characters as \u00XX;
    /// non-ASCII UTF-8 and "/" are written as is, which keeps output short and byte-for-byte predictable.
    public mutating func appendString(_ s: String) {
        // Native Swift strings expose their UTF-8 directly; only bridged or exotic ones need a copy.
        if s.utf8.withContiguousStorageIfAvailable({ appendQuoted($0) }) == nil {
            Array(s.utf8).withUnsafeBufferPointer { appendQuoted($0) }
        }
    }

    private mutating func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        JSONWriter.appendQuoted(utf8, to: &bytes)
    }

    /// Appends UTF-8 text quoted and escaped, as `appendString` does, to any byte buffer.
    public static func appendQuoted<Sink: ByteSink>(_ utf8: UnsafeBufferPointer<UInt8>, to bytes: inout Sink) {
        bytes.append(UInt8(ascii: "\""))
        // Copy unescaped runs in one go; only the rare byte that needs an escape is handled alone.
        var runStart = 0
        for k in utf8.indices {
            let b = utf8[k]
            if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") { continue }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<k]))
            appendEscape(b, to: &bytes)
            runStart = k + 1
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        bytes.append(UInt8(ascii: "\""))
    }

    private static func appendEscape<Sink: ByteSink>(_ b: UInt8, to bytes: inout Sink) {
        let short: UInt8
        switch b {
        case UInt8(ascii: "\""): short = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): short = UInt8(ascii: "\\")
        case 0x0A: short = UInt8(ascii: "n")
        case 0x0D: short = UInt8(ascii: "r")
        case 0x09: short = UInt8(ascii: "t")
        case 0x08: short = UInt8(ascii: "b")
        case 0x0C: short = UInt8(ascii: "f")
        default:
            // Lower-case hex, as JavaScript's JSON.stringify writes it.
            for byte in "\\u00".utf8 { bytes.append(byte) }
            bytes.append(hexDigit(b >> 4))
            bytes.append(hexDigit(b & 0xF))
            return
        }
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(short)
    }

    private static func hexDigit(_ d: UInt8) -> UInt8 {
        d < 10 ? UInt8(ascii: "0") + d : UInt8(ascii: "a") + d - 10
    }

    /// Appends `s` unchanged, e.g. a number literal or `null`; the caller vouches that it is valid JSON.
    public mutating func appendRaw(_ s: String) {
        bytes.append(contentsOf: s.utf8)
    }

    /// Appends one byte unchanged, e.g. a `{` or `,`; the caller vouches that the result is valid JSON.
    public mutating func appendRaw(_ byte: UInt8) {
        bytes.append(byte)
    }

    /// Appends `"key":`, the string followed by a colon.
    public mutating func appendKey(_ key: String) {
        appendString(key)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Appends `"key":` as a member of the object being written: after a comma, unless it is the
    /// object's first (the last byte is its `{`).
    public mutating func appendMember(_ key: String) {
        if bytes.last != UInt8(ascii: "{") { bytes.append(UInt8(ascii: ",")) }
        appendKey(key)
    }

    /// Appends member `key` with a string value.
    public mutating func appendMember(_ key: String, _ value: String) {
        appendMember(key)
        appendString(value)
    }

    /// Appends member `key` with `true` or `false`.
    public mutating func appendMember(_ key: String, _ value: Bool) {
        appendMember(key)
        appendRaw(value ? "true" : "false")
    }

    /// Appends a compact serialisation of `v`: no whitespace, keys in stored order, numbers as their text.
    public mutating func appendValue(_ v: JSONValue) {
        switch v {
        case .null: appendRaw("null")
        case .bool(let b): appendRaw(b ? "true" : "false")
        case .number(let text): appendRaw(text)
        case .string(let s): appendString(s)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            var first = true
            for element in elements {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                appendValue(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            var first = true
            for member in members {
                if !first { bytes.append(UInt8(ascii: ",")) }
                first = false
                appendKey(member.key)
                appendValue(member.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }
}
