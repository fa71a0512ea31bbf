/// A value as the compiled program reads it: sixteen bytes and no reference counting, so the
/// machine copies values freely. `Value` is the readable form; this is the fast one. Texts are
/// numbers into the rule set's `TextTable`; a text the rule set never mentions (a V-number)
/// lives in the case's own `CaseFacts.localTexts` and is `localText`.
public struct Scalar: Sendable, Equatable {
    /// What the bits hold.
    public enum Kind: UInt8, Sendable {
        case unknown, none, bool, number, date, text, localText
    }

    /// What `bits` hold.
    public var kind: Kind
    /// bool: 0/1; number: `DecimalNumber.scaled`; date: `CivilDate.dayNumber`; text: table id;
    /// localText: index into the case's local texts (`localIndex`), with `blankFlag` set when the
    /// text is blank, so `is_blank` needs no bytes.
    public var bits: Int64

    /// A scalar of `kind` with `bits` as they are (see `bits`).
    @inlinable public init(kind: Kind, bits: Int64) {
        self.kind = kind
        self.bits = bits
    }

    // Computed and inlinable rather than stored: the machine is another module, and a stored
    // static there is read through an accessor call on every use.
    /// A fact not given, or a value the facts leave open.
    @inlinable public static var unknown: Scalar { Scalar(kind: .unknown, bits: 0) }
    /// An optional fact given as absent (`none`).
    @inlinable public static var none: Scalar { Scalar(kind: .none, bits: 0) }
    /// The truth values.
    @inlinable public static var `true`: Scalar { Scalar(kind: .bool, bits: 1) }
    /// The truth value false.
    @inlinable public static var `false`: Scalar { Scalar(kind: .bool, bits: 0) }

    /// A known value of each kind.
    @inlinable public static func bool(_ b: Bool) -> Scalar { Scalar(kind: .bool, bits: b ? 1 : 0) }
    /// A known number, stored as its scaled integer.
    @inlinable public static func number(_ n: DecimalNumber) -> Scalar { Scalar(kind: .number, bits: n.scaled) }
    /// A known date, stored as its day number.
    @inlinable public static func date(_ d: CivilDate) -> Scalar { Scalar(kind: .date, bits: Int64(d.dayNumber)) }
    /// A known text, by the id its text table gave it.
    @inlinable public static func text(_ id: Int32) -> Scalar { Scalar(kind: .text, bits: Int64(id)) }

    /// Whether the value is known (`none` is known: the fact was given as absent).
    @inlinable @inline(__always) public var isKnown: Bool { kind != .unknown }

    /// Set in a local text's bits when the text is blank (`TextBlank`). Equal texts are one local
    /// text, so their bits, flag included, stay equal.
    @inlinable public static var blankFlag: Int64 { 1 << 40 }

    /// Local text `index` of the case; `isBlank`: whether its bytes are blank.
    @inlinable public static func localText(_ index: Int, isBlank: Bool) -> Scalar {
        Scalar(kind: .localText, bits: Int64(index) | (isBlank ? blankFlag : 0))
    }

    /// A local text's index into the case's local texts.
    @inlinable public var localIndex: Int { Int(bits & (Scalar.blankFlag - 1)) }

    // Equality is that of kind and bits, which is exact for texts too: reading a case interns
    // every text it can and keeps one local text per distinct text, so equal texts share an id.

    @inlinable package var truth: Truth {
        guard kind == .bool else { return .unknown }
        return bits != 0 ? .true : .false
    }
}

/// Every text a rule set can produce or compare with, numbered once: enumeration values,
/// vocabulary words, decision outcomes and text constants. Comparing two texts is then
/// comparing two numbers, and a verdict writes each from bytes encoded once.
public struct TextTable: Sendable {
    /// The texts by id.
    public private(set) var texts: [String] = []
    private var ids: [String: Int32] = [:]
    /// Open addressing over the UTF-8 bytes, so a reader finds a text without making a String.
    private var slots: [Int32] = []

    package init() {}

    /// How many texts the rule set knows.
    public var count: Int { texts.count }

    @discardableResult
    package mutating func intern(_ text: String) -> Int32 {
        if let id = ids[text] { return id }
        let id = Int32(texts.count)
        texts.append(text)
        ids[text] = id
        return id
    }

    /// Builds the byte index; call once all texts are interned.
    package mutating func seal() {
        var capacity = 16
        while capacity < texts.count * 4 { capacity *= 2 }
        slots = Array(repeating: -1, count: capacity)
        for (id, text) in texts.enumerated() {
            let h = Array(text.utf8).withUnsafeBufferPointer { TextTable.hash($0) }
            var i = Int(truncatingIfNeeded: h) & (capacity - 1)
            while slots[i] >= 0 { i = (i + 1) & (capacity - 1) }
            slots[i] = Int32(id)
        }
    }

    /// The id of `text`, if the rule set knows it.
    public func id(of text: String) -> Int32? { ids[text] }

    /// The id of the text with these UTF-8 bytes, if the rule set knows it.
    public func id(of bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: TextTable.hash(bytes)) & mask
        while true {
            let id = slots[i]
            if id < 0 { return nil }
            let candidate = texts[Int(id)].utf8
            if candidate.count == bytes.count, candidate.elementsEqual(bytes) { return id }
            i = (i + 1) & mask
        }
    }

    /// FNV-1a: short texts, few collisions, no setup.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h ^ (h >> 29)
    }
}

/// One case's facts as the machine reads them: a scalar per fact slot, and the texts the rule set
/// does not know, by value. Reused from case to case, so reading a case allocates nothing.
public struct CaseFacts: Sendable {
    /// One scalar per fact slot (`unknown` for a fact not given).
    public var slots: [Scalar]
    /// The bytes of every local text, one after another; `localRanges[i]` is text i.
    public private(set) var localBytes: [UInt8] = []
    /// Where each local text lies in `localBytes`, by text index.
    public private(set) var localRanges: [Range<Int>] = []

    /// Facts for a rule set with `count` fact slots, every one unknown.
    public init(count: Int) {
        slots = Array(repeating: .unknown, count: count)
    }

    /// Converts readable values (nil: unknown) to scalars, interning texts in `table`.
    public init(_ values: [Value?], table: TextTable) {
        self.init(count: values.count)
        for (slot, value) in values.enumerated() {
            slots[slot] = scalar(value, table: table)
        }
    }

    /// Forgets every value: all unknown, no local texts. Keeps the storage.
    public mutating func reset() {
        // An empty array may share storage, which the mutable pointer would first copy.
        if !slots.isEmpty {
            slots.withUnsafeMutableBufferPointer { slots in
                if let base = slots.baseAddress { base.update(repeating: .unknown, count: slots.count) }
            }
        }
        // Emptying an array that is already empty is not free: test first.
        if !localBytes.isEmpty { localBytes.removeAll(keepingCapacity: true) }
        if !localRanges.isEmpty { localRanges.removeAll(keepingCapacity: true) }
    }

    /// The scalar for a text: its table id, or a local text (one per distinct text in the case).
    public mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, table: TextTable) -> Scalar {
        if let id = table.id(of: bytes) { return .text(id) }
        return localText(bytes)
    }

    /// The scalar for a text the caller knows the rule set's table does not hold (so
    /// `text(_:table:)` would give the same): the local text with these bytes, added if the case
    /// has none yet. The bytes are copied; nothing refers to the caller's buffer afterwards.
    public mutating func localText(_ bytes: UnsafeBufferPointer<UInt8>) -> Scalar {
        let count = bytes.count
        // One local text per distinct text, so equal texts compare equal as scalars.
        let existing = localRanges.withUnsafeBufferPointer { ranges -> Int in
            localBytes.withUnsafeBufferPointer { stored -> Int in
                for index in ranges.indices where ranges[index].count == count {
                    let start = ranges[index].lowerBound
                    var k = 0
                    while k < count, stored[start + k] == bytes[k] { k += 1 }
                    if k == count { return index }
                }
                return -1
            }
        }
        if existing >= 0 { return .localText(existing, isBlank: TextBlank.isBlank(bytes)) }
        let start = localBytes.count
        localBytes.append(contentsOf: bytes)
        localRanges.append(start..<(start + count))
        return .localText(localRanges.count - 1, isBlank: TextBlank.isBlank(bytes))
    }

    /// Replaces every local text at once, for a reader that gathered a case's texts itself:
    /// text i becomes `bytes[ranges[i]]`. The ranges must cover `bytes` one after another, from 0
    /// (as `localText` lays them out; checked), and the caller gives each distinct text once, as
    /// `localText` keeps them. The bytes are copied: two array writes, instead of two per text.
    public mutating func setLocalTexts(_ bytes: UnsafeBufferPointer<UInt8>, ranges: UnsafeBufferPointer<Range<Int>>) {
        var end = 0
        for range in ranges {
            precondition(range.lowerBound == end, "local texts one after another")
            end = range.upperBound
        }
        precondition(end == bytes.count, "local texts cover their bytes")
        // One write per array, keeping its storage; in place when the count stays.
        Self.replace(&localBytes, with: bytes)
        Self.replace(&localRanges, with: ranges)
    }

    private static func replace<T>(_ array: inout [T], with elements: UnsafeBufferPointer<T>) {
        if array.count == elements.count {
            guard let from = elements.baseAddress else { return }
            array.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: from, count: elements.count) }
        } else {
            array.replaceSubrange(array.indices, with: elements)
        }
    }

    /// The scalar for a readable value (nil: unknown); a text the table lacks becomes a local text.
    public mutating func scalar(_ value: Value?, table: TextTable) -> Scalar {
        switch value {
        case nil: return .unknown
        case .none?: return .none
        case .bool(let b)?: return .bool(b)
        case .number(let n)?: return .number(n)
        case .date(let d)?: return .date(d)
        case .text(let t)?:
            var t = t
            return t.withUTF8 { text($0, table: table) }
        }
    }

    /// The readable value of a scalar (nil: unknown).
    public func value(_ scalar: Scalar, table: TextTable) -> Value? {
        switch scalar.kind {
        case .unknown: return nil
        case .none: return Value.none
        case .bool: return .bool(scalar.bits != 0)
        case .number: return .number(DecimalNumber(scaled: scalar.bits))
        case .date: return .date(CivilDate(dayNumber: Int32(truncatingIfNeeded: scalar.bits)))
        case .text: return .text(table.texts[Int(scalar.bits)])
        case .localText: return .text(String(decoding: localBytes[localRanges[scalar.localIndex]], as: UTF8.self))
        }
    }
}

/// Whether a text is blank: empty, or only white space (Unicode `White_Space`: spaces, tabs, line
/// breaks, no-break spaces, …). One definition for the readable and the fast evaluation, on the
/// text's UTF-8 bytes.
public enum TextBlank {
    /// Whether `text` is blank.
    public static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy(\.properties.isWhitespace)
    }

    /// Whether the text with these UTF-8 bytes is blank.
    public static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // Most texts start with a printable ASCII byte: answered without decoding.
        if let first = bytes.first, first > 0x20, first < 0x80 { return false }
        return isBlank(String(decoding: bytes, as: UTF8.self))
    }
}
