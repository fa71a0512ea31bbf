import RuleDSL

/// Where the case id is: plain bytes of the line (ASCII, no escapes, so they can be copied into a
/// verdict as is), or decoded text.
public enum CaseID: Sendable, Equatable {
    /// Offsets into the line passed to `CaseScanner.read`, quotes excluded.
    case bytes(Range<Int>)
    case text(String)
}

/// Reads one case straight from its bytes into the machine's `CaseFacts`, for `rule-check batch`.
///
/// A fast path reads the common well-formed line in one pass, allocating nothing: no String, no
/// JSON tree, no dictionary. Whatever it is not certain about (any error, escapes, a key it does
/// not know, a duplicate, a value of the wrong type or out of bounds, exotic layout) it hands to
/// `CaseReader`, whose result is used as is. So every error message and every edge case is, by
/// construction, exactly CaseReader's; the fast path only has to agree with it on what it accepts.
public struct CaseScanner: Sendable {
    private let reader: CaseReader
    private let texts: TextTable
    /// Top-level keys (scope 0) and the members of group g (scope g + 1).
    private let keys: StringTable
    /// The values of each enumeration fact (its slot is the scope), to their text ids.
    private let enumValues: StringTable
    /// Every text the rule set knows (scope 0), to its id: most texts of a case are found here
    /// without `CaseFacts.text`, which hashes and compares them as Strings.
    private let knownTexts: StringTable
    /// How to read each fact slot.
    private let slots: [SlotRule]
    /// What each slot holds before a case says otherwise: none for optional facts, false for group
    /// presence facts, unknown for the rest (as CaseReader).
    private let defaults: [Scalar]
    private let required: SlotBits
    private let groups: [GroupRule]
    /// Slots of group members, referenced by `GroupRule.members`.
    private let memberSlots: [Int32]
    /// False when the rule set is too large for the fixed bit sets: then every case falls back.
    private let fastPathEnabled: Bool

    public init(program: Program) {
        reader = CaseReader(program: program)
        texts = program.plan.texts

        var rules: [SlotRule] = []
        var enumValues = StringTable.Builder()
        var required = SlotBits()
        for (slot, fact) in program.facts.enumerated() {
            let kind: StringTable.Kind
            switch fact.type {
            case .bool: kind = .bool
            case .number: kind = .number
            case .text: kind = .text
            case .date: kind = .date
            case .enumeration(let values):
                kind = .enumeration
                for value in Set(values) {
                    if let id = texts.id(of: value) { enumValues.add(value, scope: Int32(slot), kind: .textID, value: id) }
                }
            case .set, .none, .unresolved: kind = .unreadable
            }
            rules.append(SlotRule(
                kind: kind, isOptional: fact.isOptional, isWhole: fact.isWhole,
                least: fact.atLeast?.scaled ?? .min, most: fact.atMost?.scaled ?? .max))
            if fact.isRequired, slot < SlotBits.capacity { required.insert(slot) }
        }
        slots = rules
        self.enumValues = enumValues.build()
        self.required = required
        defaults = program.facts.map { $0.isOptional ? Scalar.none : ($0.isGroupPresence ? Scalar.false : Scalar.unknown) }
        var known = StringTable.Builder()
        for (id, text) in texts.texts.enumerated() { known.add(text, scope: 0, kind: .textID, value: Int32(id)) }
        knownTexts = known.build()

        // The keys exactly as CaseReader builds them (a later fact of a group adds to it; a
        // group and a fact of the same name overwrite each other in slot order).
        var byName: [String: CaseKey] = [:]
        for (slot, fact) in program.facts.enumerated() where !fact.isGroupPresence {
            if let group = fact.group {
                var members: [String: Int] = [:]
                if case .group(_, let existing)? = byName[group] { members = existing }
                members[String(fact.name.dropFirst(group.count + 1))] = slot
                let presence = program.factSlots[group].flatMap { program.facts[$0].isGroupPresence ? $0 : nil }
                byName[group] = .group(presence: presence, members: members)
            } else {
                byName[fact.name] = .fact(slot)
            }
        }
        // Added in the order a case usually gives them, the order of declaration (`case_id` first,
        // a group where its first fact is): each key then predicts the next (`Entry.next`).
        func firstSlot(_ key: CaseKey) -> Int {
            switch key {
            case .fact(let slot): return slot
            case .group(_, let members): return members.values.min() ?? 0
            }
        }
        var keys = StringTable.Builder()
        keys.add(CaseReader.caseIDKey, scope: 0, kind: .caseID)
        var groups: [GroupRule] = []
        var memberSlots: [Int32] = []
        for (name, key) in byName.sorted(by: { firstSlot($0.value) < firstSlot($1.value) }) where name != CaseReader.caseIDKey {
            switch key {
            case .fact(let slot):
                keys.add(name, scope: 0, kind: rules[slot].kind, value: Int32(slot))
            case .group(let presence, let members):
                let index = Int32(groups.count)
                let start = Int32(memberSlots.count)
                let firstMember = Int32(keys.count)
                for (member, slot) in members.sorted(by: { $0.value < $1.value }) {
                    memberSlots.append(Int32(slot))
                    keys.add(member, scope: index + 1, kind: rules[slot].kind, value: Int32(slot))
                }
                groups.append(GroupRule(presence: Int32(presence ?? -1), members: start..<Int32(memberSlots.count),
                                        firstMember: firstMember))
                keys.add(name, scope: 0, kind: .group, value: index)
            }
        }
        self.keys = keys.build()
        self.groups = groups
        self.memberSlots = memberSlots
        fastPathEnabled = program.facts.count <= SlotBits.capacity && self.keys.count <= SlotBits.capacity
    }

    /// Reads one case; fills `facts` (reset first: every slot gets its default) and returns the
    /// case id, or exactly the error `CaseReader(program:).read(line)` gives.
    public func read(_ line: UnsafeBufferPointer<UInt8>, into facts: inout CaseFacts) -> Result<CaseID, CaseError> {
        if facts.slots.count != defaults.count { facts = CaseFacts(count: defaults.count) }
        if fastPathEnabled, let id = scan(line, into: &facts) { return .success(.bytes(id)) }
        switch reader.read(line) {
        case .failure(let error):
            return .failure(error)
        case .success(let input):
            // As `CaseFacts(input.facts, table:)`, keeping the storage.
            facts.reset()
            for (slot, value) in input.facts.enumerated() {
                let scalar = facts.scalar(value, table: texts)
                facts.slots[slot] = scalar
            }
            return .success(.text(input.caseID))
        }
    }

    // MARK: Fast path

    /// The fast path: the case id's range, or nil to hand the line to CaseReader. `facts` may be
    /// left half written on nil; the fallback overwrites it.
    private func scan(_ line: UnsafeBufferPointer<UInt8>, into facts: inout CaseFacts) -> Range<Int>? {
        guard let base = line.baseAddress else { return nil }
        // The slots are taken out of `facts` while the line is read, so they are written through
        // one pointer (no uniqueness check per write) while `facts` keeps its local texts, and so
        // `reset()` has no slots to clear: the defaults are copied over them all at once.
        var values: [Scalar] = []
        swap(&values, &facts.slots)
        defer { swap(&values, &facts.slots) }
        facts.reset()
        return values.withUnsafeMutableBufferPointer { out -> Range<Int>? in
            defaults.withUnsafeBufferPointer { defaults in
                if let to = out.baseAddress, let from = defaults.baseAddress { to.update(from: from, count: defaults.count) }
            }
            var c = Cursor(base: base, count: line.count)
            return scanObject(&c, out, &facts)
        }
    }

    /// Reads the case object at the cursor into `out` (texts the rule set does not know go to
    /// `facts`); the case id's range, or nil to fall back. Each value is read as CaseReader's
    /// `convert` would, or refused when CaseReader would refuse it (or might: the fallback then
    /// decides). One loop, one dispatch per member on what its key is.
    private func scanObject(_ c: inout Cursor, _ out: UnsafeMutableBufferPointer<Scalar>,
                            _ facts: inout CaseFacts) -> Range<Int>? {
        c.skipWhitespace()
        guard c.take(UInt8(ascii: "{")) else { return nil }
        var seen = SlotBits()  // keys met, for duplicates
        var given = SlotBits()  // slots given a value, for required facts
        var caseID: Range<Int>?
        var scope: Int32 = 0  // 0: the case object; g + 1: inside the object of group g
        var expected = 0  // the key entry likely next: `case_id`, then the one declared after the last
        var afterGroup = -1  // the key entry likely next once a group object closes
        c.skipWhitespace()
        members: while true {
            // At a key.
            guard c.take(UInt8(ascii: "\"")) else { return nil }
            let found = keys.isAt(expected, scope: scope, &c) ? expected : keys.find(scope: scope, &c)
            guard found >= 0, seen.insert(found) else { return nil }
            c.skipWhitespace()
            guard c.take(UInt8(ascii: ":")) else { return nil }
            c.skipWhitespace()
            guard c.i < c.count else { return nil }

            let key = keys.entries[found]
            expected = Int(key.next)
            let slot = Int(key.value)  // for a fact
            if c.base[c.i] == UInt8(ascii: "n") {
                guard c.takeWord("null") else { return nil }
                switch key.kind {
                case .caseID:
                    return nil
                case .group:
                    break  // the event did not happen: defaults stay
                default:
                    // Inside a group null is unknown; at top level it is none for an optional
                    // fact (and counts as given), and leaves the default otherwise.
                    if scope != 0 {
                        out[slot] = .unknown
                    } else if slots[slot].isOptional {
                        out[slot] = .none
                        given.insert(slot)
                    }
                }
            } else {
                switch key.kind {
                case .bool:
                    guard let value = c.readBool() else { return nil }
                    out[slot] = value
                case .number:
                    let rule = slots[slot]
                    guard let n = c.readNumber(), n.scaled >= rule.least, n.scaled <= rule.most, !rule.isWhole || n.isInteger
                    else { return nil }
                    out[slot] = .number(n)
                case .date:
                    guard let date = c.readDate() else { return nil }
                    out[slot] = .date(date)
                case .enumeration:
                    // Equal bytes are equal Strings, so a value found here is one CaseReader
                    // accepts; one not found (escaped, or canonically equal to a declared value)
                    // goes to CaseReader.
                    guard c.take(UInt8(ascii: "\"")) else { return nil }
                    let value = enumValues.find(scope: Int32(slot), &c)
                    guard value >= 0 else { return nil }
                    out[slot] = .text(enumValues.entries[value].value)
                case .text:
                    guard c.take(UInt8(ascii: "\"")) else { return nil }
                    let known = knownTexts.find(scope: 0, &c)
                    if known >= 0 {
                        out[slot] = .text(knownTexts.entries[known].value)  // what `facts.text` gives for it
                    } else {
                        let start = c.i
                        guard c.skipString(allowingUTF8: true) else { return nil }
                        out[slot] = facts.text(UnsafeBufferPointer(start: c.base + start, count: c.i - 1 - start), table: texts)
                    }
                case .unreadable, .textID:
                    return nil
                case .caseID:
                    guard c.take(UInt8(ascii: "\"")) else { return nil }
                    let start = c.i
                    guard c.skipString(allowingUTF8: false) else { return nil }
                    caseID = start..<(c.i - 1)
                case .group:
                    guard c.take(UInt8(ascii: "{")) else { return nil }
                    // The event happened: its fields are unknown until given.
                    let group = groups[slot]
                    if group.presence >= 0 { out[Int(group.presence)] = .true }
                    for k in group.members { out[Int(memberSlots[Int(k)])] = .unknown }
                    c.skipWhitespace()
                    if !c.take(UInt8(ascii: "}")) {
                        scope = key.value + 1
                        afterGroup = expected
                        expected = Int(group.firstMember)
                        continue members
                    }
                }
                if key.kind.isFact { given.insert(slot) }
            }

            // After a value: more members, or the end of an object.
            while true {
                c.skipWhitespace()
                guard c.i < c.count else { return nil }
                let b = c.base[c.i]
                c.i += 1
                if b == UInt8(ascii: ",") {
                    c.skipWhitespace()
                    continue members
                }
                guard b == UInt8(ascii: "}") else { return nil }
                if scope == 0 { break members }
                scope = 0  // a group object closed; the case object goes on
                expected = afterGroup
            }
        }
        c.skipWhitespace()
        guard c.i == c.count, let caseID, given.isSuperset(of: required) else { return nil }
        return caseID
    }
}

// MARK: - Tables built once per rule set

/// A top-level key as CaseReader sees it.
private enum CaseKey {
    case fact(Int)
    case group(presence: Int?, members: [String: Int])
}

/// How the fast path reads one fact slot.
private struct SlotRule: Sendable {
    /// How to read it: `.bool` … `.unreadable`.
    var kind: StringTable.Kind
    var isOptional: Bool
    var isWhole: Bool
    /// Bounds on `DecimalNumber.scaled` (`.min` / `.max` when the fact declares none).
    var least: Int64
    var most: Int64
}

/// A group of facts given as one object (`exceptional_admission`).
private struct GroupRule: Sendable {
    /// The slot of its presence fact, or -1.
    var presence: Int32
    /// Its member slots, a range of `CaseScanner.memberSlots`.
    var members: Range<Int32>
    /// The key entry of its first member: the guess for the first key of its object.
    var firstMember: Int32
}

/// Plain ASCII strings (keys, enumeration values, texts), each in a scope, to what they stand for;
/// open addressing on the first eight bytes and the ninth (which tells `binding_municipality` from
/// `binding_province`). A string is looked up where it stands in the line, without first scanning
/// for its closing quote: the candidate's length says where that quote must be, and comparing the
/// candidate's bytes (all plain) proves the string is exactly it, escapes and all excluded.
private struct StringTable: Sendable {
    /// What a string stands for: for a key, how to read its value.
    enum Kind: UInt8, Sendable {
        case caseID
        /// `value` is a group index.
        case group
        /// A fact of this type; `value` is its slot.
        case bool, number, text, date, enumeration
        /// A fact of a type no case can give (a set): any value but null goes to CaseReader.
        case unreadable
        /// An enumeration value or a known text: `value` is its id in the rule set's `TextTable`.
        case textID

        var isFact: Bool { self != .caseID && self != .group && self != .textID }
    }

    struct Entry: Sendable {
        /// The first eight bytes (fewer, zero-padded, for a short string), little-endian.
        var head: UInt64
        /// The last eight bytes, for a string longer than eight.
        var tail: UInt64
        var length: Int32
        var scope: Int32
        var value: Int32
        /// Where its bytes are in `bytes`, for the middle of strings longer than 16 bytes.
        var start: Int32
        /// Selects the bytes of `head` that belong to the string.
        var headMask: UInt64
        /// The entry added after it in the same scope (-1 for none): the string likely to follow.
        var next: Int32
        /// The ninth byte, or `"` for a string of eight bytes or fewer.
        var ninth: UInt8
        var kind: Kind
    }

    private(set) var entries: [Entry] = []
    private var bytes: [UInt8] = []
    /// Entry indices, -1 for empty; a power of two long, at most a quarter full.
    private var table: [Int32] = []

    var count: Int { entries.count }

    /// Whether the string at the cursor (just after its opening quote) is entry `index`, a guess:
    /// a right one costs a compare instead of a lookup. On a match the cursor moves past the
    /// closing quote.
    @inline(__always)
    func isAt(_ index: Int, scope: Int32, _ c: inout Cursor) -> Bool {
        let start = c.i
        guard index >= 0, start + 8 <= c.count, entries[index].scope == scope,
              Cursor.word(c.base + start) & entries[index].headMask == entries[index].head,
              matches(index, c, at: start)
        else { return false }
        c.i = start + Int(entries[index].length) + 1
        return true
    }

    /// The index of the entry for the string starting at the cursor (just after its opening
    /// quote) in `scope`, or -1; on a match the cursor moves past the closing quote.
    @inline(__always)
    func find(scope: Int32, _ c: inout Cursor) -> Int {
        let start = c.i
        var head: UInt64 = 0
        var ninth = UInt8(ascii: "\"")
        if start + 9 <= c.count {
            let word = Cursor.word(c.base + start)
            let stops = Cursor.stops(word)
            if stops == 0 {
                head = word
                ninth = c.base[start + 8]
            } else {
                // A short string: what precedes the first quote, escape or control byte.
                head = word & ((1 << UInt64(stops.trailingZeroBitCount & ~7)) &- 1)
            }
        } else {
            // Near the end of the line: the same, a byte at a time.
            var n = 0
            while n < 8, start + n < c.count, Cursor.isPlain(c.base[start + n]) {
                head |= UInt64(c.base[start + n]) << UInt64(8 * n)
                n += 1
            }
            if n == 8, start + 8 < c.count { ninth = c.base[start + 8] }
        }
        let mask = table.count - 1
        var i = StringTable.hash(scope: scope, head: head, ninth: ninth) & mask
        while true {
            let index = Int(table[i])
            if index < 0 { return -1 }
            if entries[index].head == head, entries[index].ninth == ninth, entries[index].scope == scope,
               matches(index, c, at: start) {
                c.i = start + Int(entries[index].length) + 1
                return index
            }
            i = (i + 1) & mask
        }
    }

    /// Whether the line holds the entry's string at `start` (whose first eight bytes are known to
    /// match) followed by the closing quote.
    @inline(__always)
    private func matches(_ index: Int, _ c: Cursor, at start: Int) -> Bool {
        let length = Int(entries[index].length)
        let end = start + length
        guard end < c.count, c.base[end] == UInt8(ascii: "\"") else { return false }
        guard length > 8 else { return true }
        guard Cursor.word(c.base + end - 8) == entries[index].tail else { return false }
        guard length > 16 else { return true }
        let own = Int(entries[index].start)
        return bytes.withUnsafeBufferPointer { bytes in
            var k = 8
            while k < length - 8 {
                if Cursor.word(bytes.baseAddress! + own + k) != Cursor.word(c.base + start + k) { return false }
                k += 8
            }
            return true
        }
    }

    @inline(__always)
    static func hash(scope: Int32, head: UInt64, ninth: UInt8) -> Int {
        var h = head &* 0x9E37_79B9_7F4A_7C15
        h ^= (UInt64(ninth) | UInt64(UInt32(bitPattern: scope)) << 8) &* 0xC2B2_AE3D_27D4_EB4F
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    struct Builder {
        private var table = StringTable()
        /// The last entry added in each scope, to link the next one to it.
        private var lastInScope: [Int32: Int] = [:]

        var count: Int { table.entries.count }

        /// Adds a string; strings that are not plain ASCII are left out, so the fast path never
        /// has to decide whether two Strings are canonically equal: those go to CaseReader.
        mutating func add(_ text: String, scope: Int32, kind: Kind, value: Int32 = 0) {
            let utf8 = Array(text.utf8)
            guard utf8.allSatisfy(Cursor.isPlain), utf8.count < Int32.max / 2 else { return }
            var head: UInt64 = 0, tail: UInt64 = 0
            for (k, byte) in utf8.prefix(8).enumerated() { head |= UInt64(byte) << UInt64(8 * k) }
            if utf8.count > 8 {
                for (k, byte) in utf8.suffix(8).enumerated() { tail |= UInt64(byte) << UInt64(8 * k) }
            }
            if let last = lastInScope[scope] { table.entries[last].next = Int32(table.entries.count) }
            lastInScope[scope] = table.entries.count
            table.entries.append(Entry(
                head: head, tail: tail, length: Int32(utf8.count), scope: scope, value: value,
                start: Int32(table.bytes.count), headMask: utf8.count >= 8 ? ~0 : (1 << UInt64(8 * utf8.count)) - 1,
                next: -1, ninth: utf8.count > 8 ? utf8[8] : UInt8(ascii: "\""), kind: kind))
            table.bytes += utf8
        }

        func build() -> StringTable {
            var result = table
            var capacity = 16
            while capacity < result.entries.count * 4 { capacity *= 2 }
            result.table = Array(repeating: -1, count: capacity)
            for (index, entry) in result.entries.enumerated() {
                var i = StringTable.hash(scope: entry.scope, head: entry.head, ninth: entry.ninth) & (capacity - 1)
                while result.table[i] >= 0 { i = (i + 1) & (capacity - 1) }
                result.table[i] = Int32(index)
            }
            return result
        }
    }
}

/// 256 bits on the stack: fact slots given, keys seen.
private struct SlotBits: Sendable {
    static let capacity = 256
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// Sets the bit; false when it was already set.
    @inline(__always) @discardableResult
    mutating func insert(_ index: Int) -> Bool {
        let bit = UInt64(1) << UInt64(index & 63)
        return withUnsafeMutableBytes(of: &words) { words in
            let word = words.baseAddress!.assumingMemoryBound(to: UInt64.self) + ((index >> 6) & 3)
            let old = word.pointee
            word.pointee = old | bit
            return old & bit == 0
        }
    }

    func isSuperset(of other: SlotBits) -> Bool {
        words.0 & other.words.0 == other.words.0 && words.1 & other.words.1 == other.words.1
            && words.2 & other.words.2 == other.words.2 && words.3 & other.words.3 == other.words.3
    }
}

// MARK: - Bytes

/// A cursor over one line, with the JSON lexical rules the fast path needs; each stops (returns
/// false) at anything it does not accept, which sends the line to CaseReader.
private struct Cursor {
    let base: UnsafePointer<UInt8>
    let count: Int
    var i = 0

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    /// JSON whitespace: space, tab, CR, LF.
    @inline(__always)
    mutating func skipWhitespace() {
        // Compact JSON has none: one test for the common case.
        guard i < count, base[i] <= 0x20 else { return }
        while i < count {
            switch base[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return
            }
        }
    }

    @inline(__always)
    mutating func take(_ byte: UInt8) -> Bool {
        guard i < count, base[i] == byte else { return false }
        i += 1
        return true
    }

    /// Reads `true` or `false`, without branching on which: they come in no order a predictor
    /// could learn.
    @inline(__always)
    mutating func readBool() -> Scalar? {
        let word = i + 4 <= count ? UInt32(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt32.self)) : 0
        let isTrue = word == Cursor.trueWord
        let isFalse = word == Cursor.falsWord && i + 4 < count && base[i + 4] == UInt8(ascii: "e")
        guard isTrue || isFalse else { return nil }
        i += isTrue ? 4 : 5
        return Scalar(kind: .bool, bits: isTrue ? 1 : 0)
    }

    /// Reads a number with exactly `DecimalNumber.parse` (the JSON number grammar); nil unless it
    /// gives a value.
    @inline(__always)
    mutating func readNumber() -> DecimalNumber? {
        let start = i
        skipNumberBytes()
        guard case .value(let n) = DecimalNumber.parse(utf8: UnsafeBufferPointer(start: base + start, count: i - start))
        else { return nil }
        return n
    }

    /// Reads a date. One CaseReader accepts is ten plain bytes in quotes, so the closing quote is
    /// not looked for: it must be right there.
    @inline(__always)
    mutating func readDate() -> CivilDate? {
        guard base[i] == UInt8(ascii: "\""), i + 12 <= count, base[i + 11] == UInt8(ascii: "\""),
              let date = CivilDate.parse(utf8: UnsafeBufferPointer(start: base + i + 1, count: 10))
        else { return nil }
        i += 12
        return date
    }

    /// `true` and `fals` as little-endian words.
    static let trueWord: UInt32 = 0x6575_7274
    static let falsWord: UInt32 = 0x736C_6166

    /// Takes `null` (or another literal). What follows is checked by the caller (`,` `}` or
    /// whitespace), so `nullx` is refused there.
    @inline(__always)
    mutating func takeWord(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard i + n <= count else { return false }
        let w = word.utf8Start
        for k in 0..<n where base[i + k] != w[k] { return false }
        i += n
        return true
    }

    /// Advances over the bytes a JSON number can hold; `DecimalNumber.parse` judges them, with
    /// exactly the JSON number grammar.
    @inline(__always)
    mutating func skipNumberBytes() {
        while i < count {
            switch base[i] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                 UInt8(ascii: "e"), UInt8(ascii: "E"):
                i += 1
            default: return
            }
        }
    }

    /// From just after an opening quote to just after the closing one. False at an escape, a
    /// control byte, the end of the line, or a byte >= 0x80 unless `allowingUTF8` (then it must
    /// be well-formed UTF-8, which CaseReader decodes to a String of these same bytes).
    @inline(__always)
    mutating func skipString(allowingUTF8: Bool) -> Bool {
        while true {
            skipPlainStringBytes()
            guard i < count else { return false }
            let b = base[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                return true
            }
            guard b >= 0x80, allowingUTF8, let length = utf8SequenceLength(at: i) else { return false }
            i += length
        }
    }

    /// Printable ASCII other than `"` and `\`: a string byte that stands for itself.
    @inline(__always)
    static func isPlain(_ b: UInt8) -> Bool {
        b >= 0x20 && b < 0x80 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\")
    }

    /// Eight bytes as a little-endian word.
    @inline(__always)
    static func word(_ p: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
    }

    /// The high bit of each byte of `word` (little-endian) that is not plain, and perhaps of bytes
    /// above one that is not (borrows): the lowest bit set is always a real stop (as JSONParser).
    @inline(__always)
    static func stops(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        return ((word &- ones &* 0x20) | ((word ^ (ones &* 0x22)) &- ones) | ((word ^ (ones &* 0x5C)) &- ones) | word) & highs
    }

    /// Advances over plain bytes, eight at a time.
    @inline(__always)
    mutating func skipPlainStringBytes() {
        while i + 8 <= count {
            let flagged = Cursor.stops(Cursor.word(base + i))
            if flagged != 0 {
                i += flagged.trailingZeroBitCount >> 3
                return
            }
            i += 8
        }
        while i < count, Cursor.isPlain(base[i]) { i += 1 }
    }

    /// Length of the well-formed UTF-8 sequence at `offset`, or nil: the same test JSONParser applies.
    func utf8SequenceLength(at offset: Int) -> Int? {
        UTF8Sequence.length(base, count: count, at: offset)
    }
}
