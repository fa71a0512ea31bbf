/// Strict RFC 8259 JSON parser working directly on UTF-8 bytes.
///
/// Why not `JSONDecoder`: it is slow, accepts duplicate keys and loses positions. This parser rejects
/// everything RFC 8259 does not allow (comments, trailing commas, single quotes, NaN, leading zeros,
/// lone surrogates, invalid UTF-8, ...) and reports the byte offset and top-level key of the fault.
/// It is iterative (an explicit stack instead of recursion), so hostile nesting cannot overflow the stack.
public enum JSONParser {
    /// Upper bound applied to `maxDepth`: the tree's own `deinit` and `==` recurse once per level,
    /// so an unbounded depth would just move the stack overflow from the parser to the caller.
    public static let depthCeiling = 1_000

    /// Parses exactly one JSON value from `bytes` (leading/trailing JSON whitespace allowed, incl. a trailing "\r").
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = 64) -> Result<JSONValue, JSONError> {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            return .failure(JSONError(message: "empty input", offset: 0))
        }
        var parser = Parser(base: base, count: bytes.count, maxDepth: min(max(maxDepth, 0), depthCeiling))
        do {
            return .success(try parser.parseDocument())
        } catch {
            // Errors are raised without a key; the parser's open frames still say where we were.
            if error.key != nil { return .failure(error) }
            return .failure(JSONError(message: error.message, offset: error.offset, key: parser.enclosingKey()))
        }
    }

    /// Parses exactly one JSON value from the UTF-8 of `text`; offsets in errors are UTF-8 byte offsets.
    public static func parse(_ text: String, maxDepth: Int = 64) -> Result<JSONValue, JSONError> {
        var text = text
        return text.withUTF8 { parse($0, maxDepth: maxDepth) }
    }
}

/// The structural half: open containers, members and duplicate detection, driving a `Scanner`.
private struct Parser {
    /// One open array or object; its pending children live in the shared `values` / `members` stacks from `start` on.
    struct Frame {
        var isObject = false
        var start = 0
        /// Key whose value is being parsed, valid while `hasKey`; a flag rather than an Optional so that clearing
        /// it costs no String traffic. Between members it is false, which is how error keys are found.
        var key = ""
        var hasKey = false
        var keyOffset = 0
        var keyPrint: UInt64 = 0
        /// One bit per plain key seen (picked by its fingerprint): a clear bit proves a new key is not a duplicate
        /// without scanning the members at all.
        var keyBloom: UInt64 = 0
        /// Whether a key without fingerprint (escapes or non-ASCII) was seen, which voids the bloom shortcut.
        var hasUnprintedKey = false
        /// Built only for large objects, where a linear duplicate scan would go quadratic.
        var seenKeys: Set<String>? = nil
    }

    var s: Scanner
    let maxDepth: Int
    /// Number of open containers. The innermost is `top`, a stored property rather than an array element
    /// because nearly every step touches it; `outer` holds the ones around it, outermost first.
    var depth = 0
    var top = Frame()
    var outer: [Frame] = []
    /// Children of all open arrays, innermost last; shared so each closed array is allocated once at its final size.
    var values: [JSONValue] = []
    /// Members of all open objects, innermost last.
    var members: [JSONMember] = []
    /// Parallel to `members`: each key's fingerprint (see `Scanner.fingerprint`), so duplicate scans rarely compare Strings.
    var keyPrints: [UInt64] = []
    /// Decoded bytes of a string that contains escapes (the escape-free fast path never copies).
    var scratch: [UInt8] = []

    /// Objects with more members than this get a hash set for the duplicate check.
    static let linearKeyScanLimit = 16

    init(base: UnsafePointer<UInt8>, count: Int, maxDepth: Int) {
        s = Scanner(base: base, count: count)
        self.maxDepth = maxDepth
    }

    /// The key of the outermost object member that is still open, i.e. the top-level field the cursor is in.
    func enclosingKey() -> String? {
        for frame in outer where frame.isObject && frame.hasKey { return frame.key }
        if depth > 0 && top.isObject && top.hasKey { return top.key }
        return nil
    }

    mutating func parseDocument() throws(JSONError) -> JSONValue {
        // A UTF-8 BOM is tolerated because editors on Windows add it to .json files.
        if s.count >= 3 && s.base[0] == 0xEF && s.base[1] == 0xBB && s.base[2] == 0xBF { s.i = 3 }
        s.skipWhitespace()
        if s.i == s.count { throw JSONError(message: "empty input", offset: s.i) }
        let value = try parseTree()
        s.skipWhitespace()
        if s.i != s.count { throw JSONError(message: "unexpected text after the JSON value", offset: s.i) }
        return value
    }

    /// Parses one value at the cursor, containers included, without recursion.
    mutating func parseTree() throws(JSONError) -> JSONValue {
        var value: JSONValue
        nextValue: while true {
            // Here the cursor is at a value (whitespace skipped); scalars and empty containers end up in `value`.
            guard s.i < s.count else { throw JSONError(message: "unexpected end of input", offset: s.i) }
            switch s.base[s.i] {
            case UInt8(ascii: "{"):
                try open(isObject: true)
                s.skipWhitespace()
                if s.i < s.count && s.base[s.i] == UInt8(ascii: "}") {
                    s.i += 1
                    close()
                    value = .object([])
                } else {
                    try parseKey(afterComma: nil)
                    continue nextValue
                }
            case UInt8(ascii: "["):
                try open(isObject: false)
                s.skipWhitespace()
                if s.i < s.count && s.base[s.i] == UInt8(ascii: "]") {
                    s.i += 1
                    close()
                    value = .array([])
                } else {
                    continue nextValue
                }
            default:
                value = try s.parseScalar(scratch: &scratch)
            }

            // Hand the finished value to the innermost open container; closing it finishes another value.
            // The value joins its container only once a valid `,` or closer follows, so an error right after
            // a member value still reports that member's key.
            while depth > 0 {
                s.skipWhitespace()
                guard s.i < s.count else { throw JSONError(message: "unexpected end of input", offset: s.i) }
                let b = s.base[s.i]
                if top.isObject {
                    guard b == UInt8(ascii: ",") || b == UInt8(ascii: "}") else {
                        throw JSONError(message: "expected `,` or `}` after object member", offset: s.i)
                    }
                    s.i += 1
                    // Move key and value in rather than copy them: saves a retain/release pair per member.
                    var key = ""
                    swap(&key, &top.key)
                    members.append(JSONMember(key: key, value: value, offset: top.keyOffset))
                    keyPrints.append(top.keyPrint)
                    top.hasKey = false
                    if b == UInt8(ascii: ",") {
                        s.skipWhitespace()
                        try parseKey(afterComma: s.i - 1)
                        continue nextValue
                    }
                    let start = top.start
                    close()
                    value = .object(Self.popSuffix(from: &members, start: start, isRoot: depth == 0))
                    keyPrints.removeSubrange(start...)
                } else {
                    guard b == UInt8(ascii: ",") || b == UInt8(ascii: "]") else {
                        throw JSONError(message: "expected `,` or `]` after array element", offset: s.i)
                    }
                    s.i += 1
                    values.append(value)
                    if b == UInt8(ascii: ",") {
                        s.skipWhitespace()
                        if s.i < s.count && s.base[s.i] == UInt8(ascii: "]") {
                            throw JSONError(message: "trailing comma in array", offset: s.i - 1)
                        }
                        continue nextValue
                    }
                    let start = top.start
                    close()
                    value = .array(Self.popSuffix(from: &values, start: start, isRoot: depth == 0))
                }
            }
            return value
        }
    }

    /// Opens a container at the cursor's bracket, refusing to go deeper than `maxDepth`.
    mutating func open(isObject: Bool) throws(JSONError) {
        guard depth < maxDepth else { throw JSONError(message: "nesting deeper than \(maxDepth) levels", offset: s.i) }
        if depth > 0 { outer.append(top) }
        if isObject && members.capacity == 0 {
            // One allocation up front instead of five doublings for a typical 10-20 field case line.
            members.reserveCapacity(16)
            keyPrints.reserveCapacity(16)
        }
        top = Frame(isObject: isObject, start: isObject ? members.count : values.count)
        depth += 1
        s.i += 1
    }

    mutating func close() {
        depth -= 1
        if depth > 0 { top = outer.removeLast() }
    }

    /// Moves `array[start...]` out as its own array. The root container takes the whole stack buffer without a
    /// copy (the common one-object JSONL line); nested ones get an exact-size copy, so that an array of a million
    /// small objects does not keep a million half-empty 16-slot buffers alive.
    static func popSuffix<T>(from array: inout [T], start: Int, isRoot: Bool) -> [T] {
        if isRoot {
            var whole: [T] = []
            swap(&whole, &array)
            return whole
        }
        let suffix = Array(array[start...])
        array.removeSubrange(start...)
        return suffix
    }

    /// Reads `"key":` into `top`, rejecting duplicates; `afterComma` is the offset of the comma before it, if any.
    mutating func parseKey(afterComma comma: Int?) throws(JSONError) {
        guard s.i < s.count else { throw JSONError(message: "unexpected end of input", offset: s.i) }
        guard s.base[s.i] == UInt8(ascii: "\"") else {
            if let comma, s.base[s.i] == UInt8(ascii: "}") {
                throw JSONError(message: "trailing comma in object", offset: comma)
            }
            if s.base[s.i] == UInt8(ascii: "'") {
                throw JSONError(message: "strings must use double quotes", offset: s.i)
            }
            throw JSONError(message: "expected string key, found \(s.describeByte(at: s.i))", offset: s.i)
        }
        let offset = s.i
        let (key, isPlainASCII) = try s.parseString(scratch: &scratch)
        let print = isPlainASCII ? s.fingerprint(from: offset + 1, to: s.i - 1) : 0
        if isDuplicate(key, print: print) {
            // At top level no member is open, so the duplicate itself is the key to report.
            throw JSONError(message: "duplicate key `\(key)`", offset: offset, key: enclosingKey() ?? key)
        }
        top.key = key
        top.hasKey = true
        top.keyOffset = offset
        top.keyPrint = print
        s.skipWhitespace()
        guard s.i < s.count else { throw JSONError(message: "unexpected end of input", offset: s.i) }
        guard s.base[s.i] == UInt8(ascii: ":") else {
            throw JSONError(message: "expected `:` after object key", offset: s.i)
        }
        s.i += 1
        s.skipWhitespace()
    }

    /// Whether `key` already names a member of the object `top`.
    mutating func isDuplicate(_ key: String, print: UInt64) -> Bool {
        if top.seenKeys != nil { return !top.seenKeys!.insert(key).inserted }
        let start = top.start
        if members.count - start >= Parser.linearKeyScanLimit {
            // Large object: switch to a hash set so the check stays linear overall.
            var seen = Set(members[start...].lazy.map(\.key))
            let inserted = seen.insert(key).inserted
            top.seenKeys = seen
            return !inserted
        }
        if print == 0 {
            top.hasUnprintedKey = true
        } else {
            let bit: UInt64 = 1 << (print >> 58)
            let bitWasSet = top.keyBloom & bit != 0
            top.keyBloom |= bit
            if !bitWasSet && !top.hasUnprintedKey { return false }
        }
        // Swift `==` (canonical equivalence) is deliberate: keys a Swift caller cannot tell apart count as duplicates.
        for k in start..<members.count {
            let other = keyPrints[k]
            if print != 0 && other != 0 && print != other { continue }
            if members[k].key == key { return true }
        }
        return false
    }
}

/// The lexical half: a cursor over the bytes and the grammar of scalars (strings, numbers, literals).
/// It holds no reference-counted state, so calling its methods never copies or retains anything.
private struct Scanner {
    let base: UnsafePointer<UInt8>
    let count: Int
    var i = 0

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    @inline(__always)
    mutating func skipWhitespace() {
        i = JSONWhitespace.skip(base, count, from: i)
    }

    /// Describes the byte at `offset` for "found ..." messages: printable ASCII as is, other bytes in hex.
    func describeByte(at offset: Int) -> String {
        let b = base[offset]
        if b > 0x20 && b < 0x7F { return "`\(Character(Unicode.Scalar(b)))`" }
        if b >= 0x80, let length = utf8SequenceLength(at: offset) {
            return "`\(String(decoding: UnsafeBufferPointer(start: base + offset, count: length), as: UTF8.self))`"
        }
        let hex = Array("0123456789ABCDEF".utf8)
        return "byte 0x" + String(decoding: [hex[Int(b >> 4)], hex[Int(b & 0xF)]], as: UTF8.self)
    }

    /// Parses a string, number or literal at the cursor, naming the usual non-JSON habits in the error.
    mutating func parseScalar(scratch: inout [UInt8]) throws(JSONError) -> JSONValue {
        switch base[i] {
        case UInt8(ascii: "\""):
            return .string(try parseString(scratch: &scratch).value)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        case _ where isLetter(base[i]):
            return try parseLiteral()
        case UInt8(ascii: "+"):
            throw JSONError(message: "numbers may not start with `+`", offset: i)
        case UInt8(ascii: "."):
            throw JSONError(message: "numbers may not start with `.`", offset: i)
        case UInt8(ascii: "'"):
            throw JSONError(message: "strings must use double quotes", offset: i)
        case UInt8(ascii: "/"):
            throw JSONError(message: "comments are not allowed", offset: i)
        case 0x80...0xFF where utf8SequenceLength(at: i) == nil:
            throw JSONError(message: "invalid UTF-8", offset: i)
        default:
            throw JSONError(message: "expected a value, found \(describeByte(at: i))", offset: i)
        }
    }

    /// `true`, `false` or `null`; any other word (NaN, Infinity, tru, nul, True) is named in the error.
    mutating func parseLiteral() throws(JSONError) -> JSONValue {
        let start = i
        // Take the whole word, so `truex` is reported as one bad literal rather than `true` plus junk.
        while i < count && (isLetter(base[i]) || isDigit(base[i]) || base[i] == UInt8(ascii: "_")) { i += 1 }
        let word = UnsafeBufferPointer(start: base + start, count: i - start)
        if word.count == 4 && word[0] == UInt8(ascii: "t") && word[1] == UInt8(ascii: "r")
            && word[2] == UInt8(ascii: "u") && word[3] == UInt8(ascii: "e")
        {
            return .bool(true)
        }
        if word.count == 5 && word[0] == UInt8(ascii: "f") && word[1] == UInt8(ascii: "a")
            && word[2] == UInt8(ascii: "l") && word[3] == UInt8(ascii: "s") && word[4] == UInt8(ascii: "e")
        {
            return .bool(false)
        }
        if word.count == 4 && word[0] == UInt8(ascii: "n") && word[1] == UInt8(ascii: "u")
            && word[2] == UInt8(ascii: "l") && word[3] == UInt8(ascii: "l")
        {
            return .null
        }
        var shown = String(decoding: word.prefix(24), as: UTF8.self)
        if word.count > 24 { shown += "…" }
        throw JSONError(message: "invalid literal `\(shown)`", offset: start)
    }

    /// Validates the RFC 8259 number grammar and returns its exact text.
    mutating func parseNumber() throws(JSONError) -> String {
        let start = i
        if base[i] == UInt8(ascii: "-") {
            i += 1
            guard i < count, isDigit(base[i]) else {
                throw JSONError(message: "expected digit after `-` in number", offset: i)
            }
        }
        if base[i] == UInt8(ascii: "0") {
            i += 1
            if i < count && isDigit(base[i]) { throw JSONError(message: "leading zero in number", offset: i - 1) }
        } else {
            skipDigits()
        }
        if i < count && base[i] == UInt8(ascii: ".") {
            i += 1
            guard i < count, isDigit(base[i]) else {
                throw JSONError(message: "expected digit after `.` in number", offset: i)
            }
            skipDigits()
        }
        if i < count && (base[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            if i < count && (base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-")) { i += 1 }
            guard i < count, isDigit(base[i]) else {
                throw JSONError(message: "expected digit in exponent of number", offset: i)
            }
            skipDigits()
        }
        return String(decoding: UnsafeBufferPointer(start: base + start, count: i - start), as: UTF8.self)
    }

    @inline(__always) func isDigit(_ b: UInt8) -> Bool { b &- UInt8(ascii: "0") < 10 }
    @inline(__always) func isLetter(_ b: UInt8) -> Bool { (b | 0x20) &- UInt8(ascii: "a") < 26 }

    @inline(__always) mutating func skipDigits() {
        while i < count && isDigit(base[i]) { i += 1 }
    }

    // MARK: Strings

    /// Parses a string at the cursor's opening quote; escape-free strings are made straight from the input bytes.
    /// `isPlainASCII` says the source bytes had no escapes and no non-ASCII, i.e. they are exactly the value's UTF-8
    /// (what `fingerprint` needs for keys).
    mutating func parseString(scratch: inout [UInt8]) throws(JSONError) -> (value: String, isPlainASCII: Bool) {
        let quote = i
        i += 1
        let start = i
        var plainASCII = true
        while true {
            skipPlainStringBytes()
            guard i < count else { break }
            let b = base[i]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(start: base + start, count: i - start), as: UTF8.self)
                i += 1
                return (s, plainASCII)
            } else if b == UInt8(ascii: "\\") {
                return (try parseEscapedString(quote: quote, start: start, scratch: &scratch), false)
            } else if b < 0x20 {
                throw JSONError(message: "control character in string must be escaped", offset: i)
            } else {
                // b >= 0x80: the only other byte `skipPlainStringBytes` stops at.
                guard let length = utf8SequenceLength(at: i) else {
                    throw JSONError(message: "invalid UTF-8 in string", offset: i)
                }
                i += length
                plainASCII = false
            }
        }
        throw JSONError(message: "unterminated string", offset: quote)
    }

    /// Advances over printable ASCII other than `"` and `\`, eight bytes at a time where possible (SWAR):
    /// this loop is where most of a case line's bytes are spent.
    @inline(__always)
    mutating func skipPlainStringBytes() {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= count {
            let w = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            // A byte's high bit ends up set if it is < 0x20, == '"', == '\\' or >= 0x80. Borrows can only flag
            // bytes above a truly flagged one, so the lowest flagged byte is always a real stop.
            let flagged =
                ((w &- ones &* 0x20) | ((w ^ (ones &* 0x22)) &- ones) | ((w ^ (ones &* 0x5C)) &- ones) | w) & highs
            if flagged != 0 {
                i += flagged.trailingZeroBitCount >> 3
                return
            }
            i += 8
        }
        while i < count {
            let b = base[i]
            if b < 0x20 || b >= 0x80 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return }
            i += 1
        }
    }

    /// Slow path from the first backslash on: decodes into `scratch`.
    mutating func parseEscapedString(quote: Int, start: Int, scratch: inout [UInt8]) throws(JSONError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(start: base + start, count: i - start))
        while i < count {
            let b = base[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: scratch, as: UTF8.self)
            } else if b == UInt8(ascii: "\\") {
                try decodeEscape(quote: quote, into: &scratch)
            } else if b < 0x20 {
                throw JSONError(message: "control character in string must be escaped", offset: i)
            } else if b < 0x80 {
                scratch.append(b)
                i += 1
            } else {
                guard let length = utf8SequenceLength(at: i) else {
                    throw JSONError(message: "invalid UTF-8 in string", offset: i)
                }
                scratch.append(contentsOf: UnsafeBufferPointer(start: base + i, count: length))
                i += length
            }
        }
        throw JSONError(message: "unterminated string", offset: quote)
    }

    /// Decodes one escape at the cursor's backslash into `out`.
    mutating func decodeEscape(quote: Int, into out: inout [UInt8]) throws(JSONError) {
        let escape = i
        guard i + 1 < count else { throw JSONError(message: "unterminated string", offset: quote) }
        let c = base[i + 1]
        i += 2
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(c)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            guard let unit = hex4(at: i) else {
                throw JSONError(message: "invalid `\\u` escape in string: expected 4 hex digits", offset: escape)
            }
            i += 4
            var scalar = UInt32(unit)
            if unit >= 0xD800 && unit <= 0xDFFF {
                // A surrogate is only valid as a high half immediately followed by an escaped low half.
                guard unit <= 0xDBFF, i + 1 < count, base[i] == UInt8(ascii: "\\"), base[i + 1] == UInt8(ascii: "u"),
                    let low = hex4(at: i + 2), low >= 0xDC00 && low <= 0xDFFF
                else {
                    let text = String(decoding: UnsafeBufferPointer(start: base + escape, count: 6), as: UTF8.self)
                    throw JSONError(message: "unpaired surrogate `\(text)` in string", offset: escape)
                }
                i += 6
                scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            }
            Self.appendUTF8(scalar, to: &out)
        default:
            if c > 0x20 && c < 0x7F {
                throw JSONError(message: "invalid escape `\\\(Character(Unicode.Scalar(c)))` in string", offset: escape)
            }
            throw JSONError(message: "invalid escape in string", offset: escape)
        }
    }

    /// Four hex digits at `offset` as a UTF-16 code unit, or nil if any is missing or not hex.
    func hex4(at offset: Int) -> UInt16? {
        guard offset + 4 <= count else { return nil }
        var unit: UInt16 = 0
        for k in 0..<4 {
            let b = base[offset + k]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: return nil
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Length of the well-formed UTF-8 sequence starting at `offset`, or nil (see `UTF8Sequence`).
    func utf8SequenceLength(at offset: Int) -> Int? {
        UTF8Sequence.length(base, count: count, at: offset)
    }

    /// A cheap non-zero fingerprint of a plain-ASCII key's bytes `start..<end` (0 is kept for "no fingerprint").
    /// Plain ASCII keys are equal exactly when their bytes are, so two differing prints prove the keys differ
    /// without a String comparison. Length plus the first and last eight bytes separate real field names.
    func fingerprint(from start: Int, to end: Int) -> UInt64 {
        let n = end - start
        var head: UInt64 = 0
        var tail: UInt64 = 0
        if n >= 8 {
            head = UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self)
            tail = UnsafeRawPointer(base + end - 8).loadUnaligned(as: UInt64.self)
        } else {
            for k in 0..<n { head |= UInt64(base[start + k]) << (8 * k) }
        }
        return ((head &* 0x9E37_79B9_7F4A_7C15) ^ (tail &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(n)) | 1  // never 0
    }
}

/// JSON's whitespace (space, tab, CR, LF), as both JSON readers skip it.
enum JSONWhitespace {
    /// The first place at or after `i` that holds no whitespace (`count` if none).
    @inline(__always)
    static func skip(_ base: UnsafePointer<UInt8>, _ count: Int, from i: Int) -> Int {
        var i = i
        // Compact JSON has none: one test for the common case.
        guard i < count, base[i] <= 0x20 else { return i }
        while i < count {
            switch base[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i &+= 1
            default: return i
            }
        }
        return i
    }
}

/// The UTF-8 rule both JSON readers apply (`JSONParser` and `CaseScanner`), in one place.
enum UTF8Sequence {
    /// Length of the well-formed UTF-8 sequence starting at `offset` (RFC 3629: no overlongs, no
    /// surrogates, nothing above U+10FFFF), or nil if it is malformed or cut off by the end.
    static func length(_ base: UnsafePointer<UInt8>, count: Int, at offset: Int) -> Int? {
        let lead = base[offset]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF  // allowed range of the second byte
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            high = 0x9F
        case 0xF0:
            length = 4
            low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            high = 0x8F
        default: return nil
        }
        guard offset + length <= count else { return nil }
        let second = base[offset + 1]
        guard second >= low && second <= high else { return nil }
        for k in 2..<length where base[offset + k] & 0xC0 != 0x80 { return nil }
        return length
    }
}
