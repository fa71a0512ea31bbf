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
///
/// The fast path guesses each key from the one before (the order of the cases read before, at
/// first the order of declaration) and compares `"name":` whole where it stands, a word at a
/// time; a wrong guess costs a lookup. Texts the rule set does not know are gathered on the stack
/// and handed to `CaseFacts` once per case.
public struct CaseScanner: Sendable {
    private let reader: CaseReader
    private let texts: TextTable
    /// Everything the fast path reads, in memory of its own behind raw pointers.
    private let flat: FlatTables
    private let fastPath: FastPath

    /// Which fast path a rule set gets.
    private enum FastPath {
        /// None: every case goes to CaseReader (a rule set too large for the bit sets, or with a
        /// required fact no key gives).
        case none
        /// At most 64 keys in the case object and in each group: the keys seen fit one register.
        case small
        /// At most 256.
        case large
    }

    /// A scanner for `program`, compiled on the spot.
    public init(program: Program) {
        self.init(CompiledRuleSet(program))
    }

    /// A scanner reading cases into `CaseFacts` for `ruleSet`'s plan (its texts' ids).
    public init(_ ruleSet: CompiledRuleSet) {
        let program = ruleSet.program
        reader = CaseReader(program: program)
        texts = ruleSet.plan.texts

        var builder = FlatTables.Builder()
        var rules: [SlotRule] = []
        var valueLists: [Int: [ValueEntry]] = [:]
        var required = Set<Int>()
        for (slot, fact) in program.facts.enumerated() {
            let kind: Kind
            switch fact.type {
            case .bool: kind = .bool
            case .number: kind = .number
            case .text: kind = fact.format == nil ? .text : .formattedText
            case .date: kind = .date
            case .enumeration(let values):
                kind = .enumeration
                // In declaration order (the first is often the common one), each once. Equal bytes
                // are equal Strings, so a value found by its bytes is one CaseReader accepts; only
                // plain ASCII values are listed, so an escaped or non-ASCII one falls back.
                var list: [ValueEntry] = []
                var listed = Set<String>()
                for value in values where listed.insert(value).inserted {
                    guard let id = texts.id(of: value), let pattern = builder.pattern(value, ending: #"""#)
                    else { continue }
                    list.append(ValueEntry(pattern: pattern, id: id))
                }
                valueLists[slot] = list
            case .set, .none, .unresolved: kind = .unreadable
            }
            var format = (start: Int32(0), length: Int32(-1))
            if let form = fact.format {
                format = (Int32(builder.bytes.count), Int32(form.length))
                builder.bytes += Array(form.pattern.utf8)
            }
            rules.append(
                SlotRule(
                    kind: kind, isOptional: fact.isOptional, isWhole: fact.isWhole,
                    least: fact.atLeast?.scaled ?? .min, most: fact.atMost?.scaled ?? .max,
                    formatStart: format.start, formatLength: format.length))
            if fact.isRequired { required.insert(slot) }
        }
        let defaults = program.facts.map {
            $0.isOptional ? Scalar.none : ($0.isGroupPresence ? Scalar.false : Scalar.unknown)
        }
        // Every text the rule set knows: a plain ASCII text of a case not among them is not in
        // the table at all (a text that is not plain never equals plain bytes).
        for (id, text) in texts.texts.enumerated() { builder.addText(text, id: Int32(id)) }

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
        // a group where its first fact is): each key then predicts the next (`KeyEntry.next`).
        func firstSlot(_ key: CaseKey) -> Int {
            switch key {
            case .fact(let slot): return slot
            case .group(_, let members): return members.values.min() ?? 0
            }
        }
        var keyed = Set<Int>()  // the required facts some key gives
        func addKey(_ name: String, scope: Int, kind: Kind, value: Int) {
            let isFact = kind != .caseID && kind != .group
            let isRequired = isFact && required.contains(value)
            if builder.addKey(
                name, scope: scope, kind: kind, value: Int32(value),
                isOptional: isFact && rules[value].isOptional, isRequired: isRequired), isRequired
            {
                keyed.insert(value)
            }
        }
        // INVARIANT: `case_id` is key 0 of the case object (scope 0), the first guess of every case.
        builder.addScope()
        addKey(CaseReader.caseIDKey, scope: 0, kind: .caseID, value: 0)
        var groups: [GroupRule] = []
        var memberSlots: [Int32] = []
        for (name, key) in byName.sorted(by: { firstSlot($0.value) < firstSlot($1.value) })
        where name != CaseReader.caseIDKey {
            switch key {
            case .fact(let slot):
                addKey(name, scope: 0, kind: rules[slot].kind, value: slot)
            case .group(let presence, let members):
                let index = groups.count
                let start = Int32(memberSlots.count)
                builder.addScope()  // scope index + 1
                for (member, slot) in members.sorted(by: { $0.value < $1.value }) {
                    memberSlots.append(Int32(slot))
                    addKey(member, scope: index + 1, kind: rules[slot].kind, value: slot)
                }
                groups.append(GroupRule(presence: Int32(presence ?? -1), members: start..<Int32(memberSlots.count)))
                addKey(name, scope: 0, kind: .group, value: index)
            }
        }
        // The enumeration values of each key, one after another.
        for scope in builder.scopes.indices {
            for index in builder.scopes[scope].indices where builder.scopes[scope][index].kind == .enumeration {
                builder.scopes[scope][index].valuesStart = Int32(builder.values.count)
                builder.values += valueLists[Int(builder.scopes[scope][index].value)] ?? []
                builder.scopes[scope][index].valuesEnd = Int32(builder.values.count)
            }
        }
        let largest = builder.scopes.map(\.count).max() ?? 0
        flat = FlatTables(builder, slots: rules, groups: groups, memberSlots: memberSlots, defaults: defaults)
        // A required fact no key gives (a group's presence, a name that is not plain ASCII) is
        // never given on the fast path: every case falls back, as it would anyway.
        if defaults.isEmpty || keyed != required || groups.count > 64 || program.facts.count > FactSet.capacity {
            fastPath = .none
        } else if largest < 64 {
            fastPath = .small
        } else if largest < FactSet.capacity {
            fastPath = .large
        } else {
            fastPath = .none
        }
    }

    /// Reads one case; fills `facts` (reset first: every slot gets its default) and returns the
    /// case id, or exactly the error `CaseReader(program:).read(line)` gives.
    ///
    /// `facts` owns everything it holds (local texts are copied): it stays valid after `line` is gone.
    /// It keeps no key memory from one read to the next (`LineTexts` does, for `read(_:into:texts:)`).
    public func read(_ line: UnsafeBufferPointer<UInt8>, into facts: inout CaseFacts) -> Result<CaseID, CaseError> {
        if facts.slots.count != flat.defaults.count { facts = CaseFacts(count: flat.defaults.count) }
        let capacity = flat.defaults.count
        var memory: [Int32] = []
        let id = withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: capacity) { ranges -> Range<Int>? in
            var locals = LocalTexts(line: line.baseAddress, ranges: ranges.baseAddress!, capacity: capacity)
            guard let id = scan(line, into: &facts, &locals, memory: &memory) else { return nil }
            Self.copy(locals, into: &facts)
            return id
        }
        if let id { return .success(.bytes(id)) }
        return readSlowly(line, into: &facts)
    }

    /// `read`, leaving the texts the rule set does not know in the line when the fast path reads
    /// it: their ranges go to `texts` (`inLine`), and `facts` gets none of its own. Nothing is
    /// copied, so the facts' local texts are only good with the line, through `texts`. When
    /// CaseReader reads the line, `facts` owns its texts as with `read` (`inLine` false).
    public func read(_ line: UnsafeBufferPointer<UInt8>, into facts: inout CaseFacts, texts: LineTexts) -> Result<
        CaseID, CaseError
    > {
        if facts.slots.count != flat.defaults.count { facts = CaseFacts(count: flat.defaults.count) }
        var locals = LocalTexts(line: line.baseAddress, ranges: texts.ranges, capacity: texts.capacity)
        if let id = scan(line, into: &facts, &locals, memory: &texts.keyMemory) {
            texts.count = locals.count
            texts.inLine = true
            // None of its own: the texts from a line CaseReader read before would stay.
            if !facts.localRanges.isEmpty {
                facts.setLocalTexts(.init(start: nil, count: 0), ranges: .init(start: nil, count: 0))
            }
            return .success(.bytes(id))
        }
        texts.count = 0
        texts.inLine = false
        return readSlowly(line, into: &facts)
    }

    /// The fallback: CaseReader reads the line.
    private func readSlowly(_ line: UnsafeBufferPointer<UInt8>, into facts: inout CaseFacts) -> Result<
        CaseID, CaseError
    > {
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

    /// Gives `facts` copies of the local texts `locals` found in the line, laid out as
    /// `CaseFacts.localText` would have laid them out.
    private static func copy(_ locals: LocalTexts, into facts: inout CaseFacts) {
        var total = 0
        for k in 0..<locals.count { total += locals.ranges[k].count }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: total) { bytes in
            withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: locals.count) { packed in
                var end = 0
                for k in 0..<locals.count {
                    let range = locals.ranges[k]
                    if range.count > 0 {
                        (bytes.baseAddress! + end).update(from: locals.line! + range.lowerBound, count: range.count)
                    }
                    packed[k] = end..<(end + range.count)
                    end += range.count
                }
                facts.setLocalTexts(UnsafeBufferPointer(bytes), ranges: UnsafeBufferPointer(packed))
            }
        }
    }

    // MARK: Fast path

    /// The fast path: the case id's range, or nil to hand the line to CaseReader. Texts the rule
    /// set does not know go to `locals` as ranges of the line; the facts' own local texts are
    /// left as they were. `facts` may be left half written on nil; the fallback overwrites it.
    private func scan(
        _ line: UnsafeBufferPointer<UInt8>, into facts: inout CaseFacts, _ locals: inout LocalTexts,
        memory keyMemory: inout [Int32]
    ) -> Range<Int>? {
        guard fastPath != .none, let base = line.baseAddress else { return nil }
        // Which key followed which in the cases before (`KeyEntry.next` to start with).
        if keyMemory.count != flat.keys.count { keyMemory = flat.keys.map { $0.next } }
        // The slots and the key memory are written through pointers (no uniqueness check per
        // write); the defaults are copied over the slots all at once.
        return facts.slots.withUnsafeMutableBufferPointer { out -> Range<Int>? in
            keyMemory.withUnsafeMutableBufferPointer { memory -> Range<Int>? in
                guard let out = out.baseAddress, let memory = memory.baseAddress else { return nil }
                out.update(from: flat.defaults.baseAddress!, count: flat.defaults.count)
                return fastPath == .small
                    ? scanObject(base, line.count, out, memory, &locals, WordBits.self)
                    : scanObject(base, line.count, out, memory, &locals, FactSet.self)
            }
        }
    }

    /// Reads the case object in `base[0..<count]` into `out` (texts the rule set does not know go
    /// to `locals`); the case id's range, or nil to fall back. Each value is read as CaseReader's
    /// `convert` would, or refused when CaseReader would refuse it (or might: the fallback then
    /// decides). One loop, one dispatch per member on what its key is; what is rare is out of
    /// line (`otherKey`, the readers of texts, numbers, enumerations and the case id, `null`,
    /// groups, whitespace).
    ///
    /// Keys are numbered within their object's scope (`ScopeRule`). `memory` holds, for each key,
    /// the key that followed it last time: the guess for the next key (and for a scope's start
    /// entry, the guess for its first key). It is scratch kept in `LineTexts`, so it is only ever
    /// used masked into the scope's table, where any entry is a key of that scope or one that
    /// matches nothing; a wrong guess costs a lookup.
    ///
    /// Required facts are checked at the end, from the keys seen: every value a key takes gives its
    /// fact, but a null (a fact given as none gives it; one that stays unknown does not, and then
    /// the case falls back at once).
    private func scanObject<Seen: KeyBits>(
        _ base: UnsafePointer<UInt8>, _ count: Int, _ out: UnsafeMutablePointer<Scalar>,
        _ memory: UnsafeMutablePointer<Int32>, _ locals: inout LocalTexts, _: Seen.Type
    ) -> Range<Int>? {
        let flat = self.flat
        let top = flat.scopes[0]
        // The current scope: the case object, or a group's object.
        var keys = flat.keys.baseAddress! + Int(top.offset)
        var hints = memory + Int(top.offset)
        var mask = Int(top.mask)
        var c = Cursor(base: base, count: count)
        c.skipWhitespace()
        guard c.take(UInt8(ascii: "{")) else { return nil }
        c.skipWhitespace()
        guard c.take(UInt8(ascii: "\"")) else { return nil }
        var seen = Seen()  // keys met in this object, for duplicates and required facts
        var others = Others<Seen>()
        var previous = mask  // the key before in this object; first the scope's start entry
        members: while true {
            // Just after the opening quote of a key: the guess, `name":` compared whole where it
            // stands (leaving a byte to read), or another way.
            var found = Int(hints[previous]) & mask
            if flat.matches(keys[found].pattern, c.base + c.i, available: count &- c.i) {
                c.i &+= Int(keys[found].pattern.length)
            } else {
                let other = otherKey(c, keys: keys, hints: hints, mask: mask, previous: previous, guess: found)
                guard other.key >= 0 else { return nil }
                found = other.key
                c.i = other.end
            }
            guard seen.insertNew(found) else { return nil }
            previous = found
            // At the value (`c.i < count`): as its key's type; anything else is whitespace, null,
            // or a fall back.
            let key = keys + found
            let slot = Int(key.pointee.value)  // for a fact
            var valueStart = c.i
            var opened = false  // a group's object starts: the cursor is just after its `{`
            value: do {
                while true {
                    switch key.pointee.kind {
                    case .bool:
                        guard let value = c.readBool() else { break }
                        out[slot] = value
                        break value
                    case .number:
                        let read = readNumber(c, slot: slot)
                        guard read.end >= 0 else { break }
                        guard read.value.kind == .number else { return nil }
                        out[slot] = read.value
                        c.i = read.end
                        break value
                    case .date:
                        guard let date = c.readDate() else { break }
                        out[slot] = .date(date)
                        break value
                    case .enumeration:
                        guard base[c.i] == UInt8(ascii: "\"") else { break }
                        let read = readEnumeration(c, key)
                        guard read.end >= 0 else { return nil }
                        out[slot] = read.value
                        c.i = read.end
                        break value
                    case .text:
                        guard base[c.i] == UInt8(ascii: "\"") else { break }
                        let read = readText(c, &locals)
                        guard read.end >= 0 else { return nil }
                        out[slot] = read.value
                        c.i = read.end
                        break value
                    case .formattedText:
                        guard base[c.i] == UInt8(ascii: "\"") else { break }
                        let read = readFormattedText(c, slot: slot, &locals)
                        guard read.end >= 0 else { return nil }
                        out[slot] = read.value
                        c.i = read.end
                        break value
                    case .caseID:
                        guard base[c.i] == UInt8(ascii: "\"") else { break }
                        c.i = readCaseID(c, &others.fixed)
                        guard c.i >= 0 else { return nil }
                        break value
                    case .group:
                        guard base[c.i] == UInt8(ascii: "{") else { break }
                        c.i &+= 1
                        opened = true
                        break value
                    case .unreadable:
                        break
                    }
                    // Not a value of the key's type: whitespace first, perhaps.
                    c.i = valueStart
                    guard base[c.i] <= 0x20 else { break }
                    c.skipWhitespace()
                    guard c.i != valueStart else { break }
                    guard c.i < count else { return nil }
                    valueStart = c.i
                }
                guard c.takeNull(), null(key, inGroup: others.group >= 0, out) else { return nil }
            }
            if opened {
                // The event happened: its presence fact is true and its members unknown until
                // given. Its object's keys are read in its scope.
                let group = slot
                open(group: group, out)
                c.skipWhitespace()
                if !c.take(UInt8(ascii: "}")) {
                    guard c.take(UInt8(ascii: "\"")) else { return nil }
                    let scope = flat.scopes[group &+ 1]
                    keys = flat.keys.baseAddress! + Int(scope.offset)
                    hints = memory + Int(scope.offset)
                    mask = Int(scope.mask)
                    others.group = group
                    others.groupKey = found
                    others.outerSeen = seen
                    seen = Seen()
                    previous = mask
                    continue members
                }
                if flat.groups[group].required.isEmpty { others.fixed.satisfied |= 1 << UInt64(group) }
            }

            // After a value: most often `,"` and the next key; else the general way.
            if c.i &+ 2 <= count, Cursor.pair(c.base + c.i) == Cursor.commaQuote {
                c.i &+= 2
                continue members
            }
            while true {
                c.skipWhitespace()
                guard c.i < count else { return nil }
                let b = base[c.i]
                c.i &+= 1
                if b == UInt8(ascii: ",") {
                    c.skipWhitespace()
                    guard c.take(UInt8(ascii: "\"")) else { return nil }
                    continue members
                }
                guard b == UInt8(ascii: "}") else { return nil }
                guard others.group >= 0 else { break members }
                // A group's object closed; the case object goes on after the group's key.
                if seen.isSuperset(of: Seen(flat.groups[others.group].required)) {
                    others.fixed.satisfied |= 1 << UInt64(others.group)
                }
                keys = flat.keys.baseAddress! + Int(top.offset)
                hints = memory + Int(top.offset)
                mask = Int(top.mask)
                seen = others.outerSeen
                previous = others.groupKey
                others.group = -1
            }
        }
        c.skipWhitespace()
        guard c.i == count, others.fixed.caseIDStart >= 0, seen.isSuperset(of: Seen(top.required)),
            others.fixed.satisfied & flat.groupsNeeded == flat.groupsNeeded
        else { return nil }
        return others.fixed.caseIDStart..<others.fixed.caseIDEnd
    }

    /// What a case's loop rarely touches: the case id, the groups given in full, the group whose
    /// object is open.
    private struct Others<Seen: KeyBits> {
        var fixed = CaseIDAndGroups()
        /// The group whose object is open (-1: none), its key, and the keys met in the case
        /// object before it.
        var group = -1
        var groupKey = 0
        var outerSeen = Seen()
    }

    /// The case id's bytes and the groups whose required members were all given (bit g).
    private struct CaseIDAndGroups {
        var caseIDStart = -1
        var caseIDEnd = -1
        var satisfied: UInt64 = 0
    }

    /// A group's event happened: its presence fact is true and its members unknown until given.
    @inline(never)
    private func open(group: Int, _ out: UnsafeMutablePointer<Scalar>) {
        let rule = flat.groups[group]
        if rule.presence >= 0 { out[Int(rule.presence)] = Scalar(kind: .bool, bits: 1) }
        for k in rule.members { out[Int(flat.memberSlots[Int(k)])] = Scalar(kind: .unknown, bits: 0) }
    }

    /// The key at the cursor (just after its opening quote) when it is not the one guessed: the
    /// one that follows the guess (the guess absent from this case: the guesses stay as they
    /// are), else looked up in the scope of `keys` (and learnt as the one after `previous` for
    /// the next case). With where its value starts (past the colon and any whitespace, before
    /// the end of the line); key -1 to fall back.
    @inline(never)
    private func otherKey(
        _ c: Cursor, keys: UnsafePointer<KeyEntry>, hints: UnsafeMutablePointer<Int32>, mask: Int,
        previous: Int, guess: Int
    ) -> (key: Int, end: Int) {
        var c = c
        let after = Int(hints[guess]) & mask
        if flat.matches(keys[after].pattern, c.base + c.i, available: c.count &- c.i) {
            return (after, c.i &+ Int(keys[after].pattern.length))
        }
        let found = flat.findKey(offset: UnsafePointer(flat.keys.baseAddress!).distance(to: keys), mask: mask, &c)
        guard found >= 0 else { return (-1, 0) }
        hints[previous] = Int32(found)
        c.skipWhitespace()
        guard c.take(UInt8(ascii: ":")) else { return (-1, 0) }
        c.skipWhitespace()
        guard c.i < c.count else { return (-1, 0) }
        return (found, c.i)
    }

    // The readers below are out of line, so that the member loop keeps few values live. They
    // take the cursor by value (it stays in registers in the loop) and give back where the value
    // ends: -1 to fall back (or, for a number, when the value is no number at all).

    /// A number: its scalar, or one of kind unknown to fall back (out of the fact's bounds, or
    /// not whole when it must be).
    @inline(never)
    private func readNumber(_ c: Cursor, slot: Int) -> (value: Scalar, end: Int) {
        var c = c
        guard let n = c.readNumber() else { return (Scalar(kind: .unknown, bits: 0), -1) }
        let rule = flat.slots.baseAddress! + slot
        guard n.scaled >= rule.pointee.least, n.scaled <= rule.pointee.most, !rule.pointee.isWhole || n.isInteger
        else { return (Scalar(kind: .unknown, bits: 0), c.i) }
        return (.number(n), c.i)
    }

    /// An enumeration's value (the cursor at its opening quote): one of `key`'s values, compared
    /// where it stands. Equal bytes are equal Strings, so a value found here is one CaseReader
    /// accepts; one not found (escaped, or not declared) falls back.
    @inline(never)
    private func readEnumeration(_ c: Cursor, _ key: UnsafePointer<KeyEntry>) -> (value: Scalar, end: Int) {
        let start = c.i &+ 1
        let values = flat.values.baseAddress!
        var k = Int(key.pointee.valuesStart)
        let end = Int(key.pointee.valuesEnd)
        while k < end {
            if flat.matchesAnywhere(values[k].pattern, c.base + start, available: c.count &- start) {
                return (.text(values[k].id), start &+ Int(values[k].pattern.length))
            }
            k &+= 1
        }
        return (Scalar(kind: .unknown, bits: 0), -1)
    }

    /// A text (the cursor at its opening quote): one of the rule set's texts, or else a local
    /// text (what `facts.text` gives, without looking a plain ASCII one up as a String).
    @inline(never)
    private func readText(_ c: Cursor, _ locals: inout LocalTexts) -> (value: Scalar, end: Int) {
        var c = c
        c.i &+= 1
        let start = c.i
        c.skipPlainStringBytes()
        let failed = (value: Scalar(kind: .unknown, bits: 0), end: -1)
        guard c.i < c.count else { return failed }
        guard c.base[c.i] == UInt8(ascii: "\"") else {
            c.i = start
            guard let text = otherText(&c, &locals) else { return failed }
            return (text, c.i)
        }
        let length = c.i &- start
        let id = flat.findText(c.base + start, length: length, available: c.count &- start)
        if id >= 0 { return (.text(id), c.i &+ 1) }
        guard let text = locals.add(at: start, length: length) else { return failed }
        return (text, c.i &+ 1)
    }

    /// A text of a fact with a `format` (the cursor at its opening quote): read as any text, and
    /// kept only when its bytes have the form; any other falls back, and CaseReader says why
    /// (or, for an escaped value of the right form, reads it).
    @inline(never)
    private func readFormattedText(_ c: Cursor, slot: Int, _ locals: inout LocalTexts) -> (value: Scalar, end: Int) {
        let read = readText(c, &locals)
        guard read.end >= 0 else { return read }
        let rule = flat.slots.baseAddress! + slot
        // Between the quotes: plain bytes (an escape would have fallen back in `readText`).
        let length = read.end &- c.i &- 2
        guard length == Int(rule.pointee.formatLength) else { return (Scalar(kind: .unknown, bits: 0), -1) }
        let form = flat.bytes.baseAddress! + Int(rule.pointee.formatStart)
        let value = c.base + (c.i &+ 1)
        for k in 0..<length {
            let byte = value[k]
            let fits: Bool
            switch form[k] {
            case UInt8(ascii: "A"): fits = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
            case UInt8(ascii: "a"): fits = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
            default: fits = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            }
            guard fits else { return (Scalar(kind: .unknown, bits: 0), -1) }
        }
        return read
    }

    /// The case id (the cursor at its opening quote): plain ASCII without escapes.
    @inline(never)
    private func readCaseID(_ c: Cursor, _ fixed: inout CaseIDAndGroups) -> Int {
        var c = c
        c.i &+= 1
        fixed.caseIDStart = c.i
        guard c.skipString(allowingUTF8: false) else { return -1 }
        fixed.caseIDEnd = c.i &- 1
        return c.i
    }

    /// A text value that is not plain ASCII (the cursor just after its opening quote): the rule
    /// set's text with these bytes, or a local text; nil to fall back (an escape, bad UTF-8).
    @inline(never)
    private func otherText(_ c: inout Cursor, _ locals: inout LocalTexts) -> Scalar? {
        let start = c.i
        guard c.skipString(allowingUTF8: true) else { return nil }
        let bytes = UnsafeBufferPointer(start: c.base + start, count: c.i &- 1 &- start)
        if let id = texts.id(of: bytes) { return .text(id) }
        return locals.add(at: start, length: bytes.count)
    }

    /// Null for `key` (not the case id: the caller falls back); false when that leaves a
    /// required fact not given (then the caller falls back, as CaseReader refuses the case). A
    /// group's event did not happen (defaults stay); inside a group a fact is unknown; at top
    /// level an optional fact is none (and counts as given) and any other keeps its default.
    @inline(never)
    private func null(_ key: UnsafePointer<KeyEntry>, inGroup: Bool, _ out: UnsafeMutablePointer<Scalar>) -> Bool {
        switch key.pointee.kind {
        case .caseID:
            return false
        case .group:
            return true
        case .bool, .number, .text, .formattedText, .date, .enumeration, .unreadable:
            let slot = Int(key.pointee.value)
            if inGroup {
                out[slot] = Scalar(kind: .unknown, bits: 0)
            } else if key.pointee.isOptional {
                out[slot] = Scalar(kind: .none, bits: 0)
                return true
            }
            return !key.pointee.isRequired
        }
    }
}

// MARK: - Tables built once per rule set

/// A top-level key as CaseReader sees it.
private enum CaseKey {
    case fact(Int)
    case group(presence: Int?, members: [String: Int])
}

/// What a key stands for, and so how to read its value.
private enum Kind: UInt8, Sendable {
    case caseID
    /// `value` is a group index.
    case group
    /// A fact of this type; `value` is its slot.
    case bool, number, text, date, enumeration
    /// A text fact with a `format`: read as text, kept only when it has the form.
    case formattedText
    /// A fact of a type no case can give (a set): any value but null goes to CaseReader. Also
    /// the kind of the entries that pad a scope's table, which match nothing.
    case unreadable
}

/// How the fast path reads one fact slot.
private struct SlotRule: Sendable {
    var kind: Kind
    var isOptional: Bool
    var isWhole: Bool
    /// Bounds on `DecimalNumber.scaled` (`.min` / `.max` when the fact declares none).
    var least: Int64
    var most: Int64
    /// A text fact's format: its bytes at `FlatTables.bytes[formatStart...]`; length -1 for none.
    var formatStart: Int32
    var formatLength: Int32
}

/// A group of facts given as one object (`exceptional_admission`); its keys are scope g + 1.
private struct GroupRule: Sendable {
    /// The slot of its presence fact, or -1.
    var presence: Int32
    /// Its member slots, a range of `FlatTables.memberSlots`.
    var members: Range<Int32>
    /// Its keys whose facts are required (numbered in its scope).
    var required = FactSet()
}

/// The keys of one object: the case object (scope 0) or group g's (scope g + 1). They are
/// `FlatTables.keys[offset...offset + mask]`, a power of two of entries, those after the scope's
/// keys matching nothing (the last is the scope's start: its hint is the guess for the first
/// key), so any number masked with `mask` is safe to try. Key k of the scope is entry
/// `offset + k`, and its hint is `LineTexts.keyMemory[offset + k]`.
private struct ScopeRule: Sendable {
    var offset: Int32
    var mask: Int32
    /// Its keys whose facts are required (numbered in the scope).
    var required = FactSet()
}

/// Plain ASCII bytes compared where they stand in the line, a word at a time: the first eight
/// (masked when fewer), the last eight, the eight after the first, and any others from
/// `FlatTables.bytes`. The bytes end with a quote (a key's with `":`), so a match is the whole
/// JSON string and nothing longer: plain bytes hold no escape, the quote closes it.
private struct Pattern: Sendable {
    /// Bytes 0..<8 (fewer, zero-padded), little-endian.
    var head: UInt64
    /// Selects the bytes of `head` that belong to the pattern.
    var headMask: UInt64
    /// Bytes 8..<16, for a pattern longer than 16.
    var middle: UInt64
    /// The last eight bytes, for a pattern longer than 8.
    var tail: UInt64
    var length: Int32
    /// How many bytes must be left in the line to compare a word at a time: at least 8, and one
    /// more than the pattern, so that a byte is left to read after a match (with fewer, but more
    /// than the pattern, it is compared a byte at a time).
    var needed: Int32
    /// Where its bytes are in `FlatTables.bytes`.
    var start: Int32
}

/// A key: `"name":` to compare whole, and what its value is. One 64-byte line; the name's
/// fields for the lookup are apart (`KeyName`).
private struct KeyEntry: Sendable {
    /// The key's name followed by `":`.
    var pattern: Pattern
    /// For a fact its slot; for a group its index.
    var value: Int32
    /// The key declared after it in its scope (its number there): the key likely to follow.
    var next: Int32
    /// An enumeration's values: `FlatTables.values[valuesStart..<valuesEnd]`.
    var valuesStart: Int32
    var valuesEnd: Int32
    var kind: Kind
    /// An optional fact: top-level null is none (and counts as given).
    var isOptional: Bool
    /// A required fact: the fast path reads the case only if it is given.
    var isRequired: Bool

    /// What pads a scope's table: matches no line (longer than a line can be) and no name; its
    /// hint guesses key 0.
    static let nothing = KeyEntry(
        pattern: Pattern(head: 0, headMask: 0, middle: 0, tail: 0, length: .max, needed: .max, start: 0),
        value: 0, next: 0, valuesStart: 0, valuesEnd: 0, kind: .unreadable, isOptional: false, isRequired: false)
}

/// A key's name for `FlatTables.findKey`: its first eight bytes (masked) and length.
private struct KeyName: Sendable {
    var head: UInt64
    var length: Int32

    /// No name (what pads a scope's table).
    static let nothing = KeyName(head: 0, length: -1)
}

/// An enumeration value: its text followed by `"`, and its id in the rule set's `TextTable`.
private struct ValueEntry: Sendable {
    var pattern: Pattern
    var id: Int32
}

/// A text of the rule set's `TextTable`, for `FlatTables.findText`.
private struct TextEntry: Sendable {
    var head: UInt64
    var length: Int32
    /// Where its bytes are in `FlatTables.bytes`.
    var start: Int32
    var id: Int32
}

/// The fast path's tables in memory of their own, read through raw pointers: no bounds checks,
/// no array to load from `self` at each use.
// INVARIANT: written only in `init`, read-only afterwards (so sharing it between threads is
// safe); every index stored in them points into them.
private final class FlatTables: @unchecked Sendable {
    /// Every scope's keys, one scope's table after another (`ScopeRule`), and their names.
    let keys: UnsafeMutableBufferPointer<KeyEntry>
    let names: UnsafeMutableBufferPointer<KeyName>
    let scopes: UnsafeMutableBufferPointer<ScopeRule>
    let values: UnsafeMutableBufferPointer<ValueEntry>
    let texts: UnsafeMutableBufferPointer<TextEntry>
    /// Every pattern's and text's bytes, and eight spare zero bytes (a word is read whole).
    let bytes: UnsafeMutableBufferPointer<UInt8>
    /// Open addressing, at most a quarter full: key entries (-1 for none) by name length and
    /// first bytes; text indices by length and first bytes.
    let keyIndex: UnsafeMutableBufferPointer<Int32>
    let textIndex: UnsafeMutableBufferPointer<Int32>
    let slots: UnsafeMutableBufferPointer<SlotRule>
    let groups: UnsafeMutableBufferPointer<GroupRule>
    let memberSlots: UnsafeMutableBufferPointer<Int32>
    /// What each slot holds before a case says otherwise: none for optional facts, false for
    /// group presence facts, unknown for the rest (as CaseReader).
    let defaults: UnsafeMutableBufferPointer<Scalar>
    /// The groups (bit g) with a required member: their objects must be given, with those.
    let groupsNeeded: UInt64

    init(_ builder: Builder, slots: [SlotRule], groups: [GroupRule], memberSlots: [Int32], defaults: [Scalar]) {
        // Each scope's keys, padded to a power of two with entries that match nothing, one at least.
        var keys: [KeyEntry] = []
        var names: [KeyName] = []
        var scopes: [ScopeRule] = []
        var groups = groups
        var needed: UInt64 = 0
        for (index, scopeKeys) in builder.scopes.enumerated() {
            var size = 1
            while size < scopeKeys.count + 1 { size *= 2 }
            var scope = ScopeRule(offset: Int32(keys.count), mask: Int32(size - 1))
            for (number, key) in scopeKeys.enumerated() where key.isRequired { scope.required.insert(number) }
            scopes.append(scope)
            if index > 0 {
                groups[index - 1].required = scope.required
                if !scope.required.isEmpty { needed |= 1 << UInt64((index - 1) & 63) }
            }
            keys += scopeKeys
            keys += Array(repeating: KeyEntry.nothing, count: size - scopeKeys.count)
            names += builder.names[index]
            names += Array(repeating: KeyName.nothing, count: size - scopeKeys.count)
        }
        self.keys = Self.copy(keys)
        self.names = Self.copy(names)
        self.scopes = Self.copy(scopes)
        groupsNeeded = needed
        values = Self.copy(builder.values)
        texts = Self.copy(builder.texts)
        bytes = Self.copy(builder.bytes + Array(repeating: 0, count: 8))
        keyIndex = Self.copy(
            Self.index(
                names.enumerated().compactMap {
                    $0.element.length < 0
                        ? nil : (value: Int32($0.offset), length: Int($0.element.length), head: $0.element.head)
                }))
        textIndex = Self.copy(
            Self.index(
                builder.texts.enumerated().map {
                    (value: Int32($0.offset), length: Int($0.element.length), head: $0.element.head)
                }))
        self.slots = Self.copy(slots)
        self.groups = Self.copy(groups)
        self.memberSlots = Self.copy(memberSlots)
        self.defaults = Self.copy(defaults)
    }

    deinit {
        keys.deallocate()
        names.deallocate()
        scopes.deallocate()
        values.deallocate()
        texts.deallocate()
        bytes.deallocate()
        keyIndex.deallocate()
        textIndex.deallocate()
        slots.deallocate()
        groups.deallocate()
        memberSlots.deallocate()
        defaults.deallocate()
    }

    /// A buffer of its own holding `array` (at least one element allocated, so it always has an
    /// address).
    private static func copy<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(array.count, 1))
        _ = buffer.initialize(from: array)
        return UnsafeMutableBufferPointer(rebasing: buffer[0..<array.count])
    }

    /// The open-addressing table of `entries`' values by length and first bytes.
    private static func index(_ entries: [(value: Int32, length: Int, head: UInt64)]) -> [Int32] {
        var capacity = 16
        while capacity < entries.count * 4 { capacity *= 2 }
        var table = Array(repeating: Int32(-1), count: capacity)
        for entry in entries {
            var i = hash(length: entry.length, head: entry.head) & (capacity - 1)
            while table[i] >= 0 { i = (i + 1) & (capacity - 1) }
            table[i] = entry.value
        }
        return table
    }

    @inline(__always)
    static func hash(length: Int, head: UInt64) -> Int {
        var h = head &* 0x9E37_79B9_7F4A_7C15
        h ^= UInt64(truncatingIfNeeded: length) &* 0xC2B2_AE3D_27D4_EB4F
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// Whether the bytes at `p` (with `available` bytes left in the line) start with the pattern
    /// and leave at least one byte after it, compared a word at a time: false, too, when fewer
    /// than eight bytes are left (a key there is looked up instead; see `matchesAnywhere`).
    @inline(__always)
    func matches(_ pattern: Pattern, _ p: UnsafePointer<UInt8>, available: Int) -> Bool {
        guard available >= Int(pattern.needed), Cursor.word(p) & pattern.headMask == pattern.head else { return false }
        let length = Int(pattern.length)
        guard length > 8 else { return true }
        guard Cursor.word(p + (length &- 8)) == pattern.tail else { return false }
        guard length > 16 else { return true }
        guard Cursor.word(p + 8) == pattern.middle else { return false }
        var k = 16
        while k < length &- 8 {
            let own = Cursor.word(bytes.baseAddress! + (Int(pattern.start) &+ k))
            guard own == Cursor.word(p + k) else { return false }
            k &+= 8
        }
        return true
    }

    /// `matches`, and where fewer than eight bytes are left a byte at a time (an enumeration's
    /// value just before the final `}`).
    @inline(__always)
    func matchesAnywhere(_ pattern: Pattern, _ p: UnsafePointer<UInt8>, available: Int) -> Bool {
        if available >= Int(pattern.needed) { return matches(pattern, p, available: available) }
        let length = Int(pattern.length)
        guard available > length else { return false }
        let own = bytes.baseAddress! + Int(pattern.start)
        for k in 0..<length where own[k] != p[k] { return false }
        return true
    }

    /// Whether `p[0..<length]` equals the `length` bytes at `bytes[start...]`, whose first eight
    /// (masked) are known to be equal: a word at a time, the last word ending with the string
    /// (so it overlaps the one before rather than reading past either string).
    @inline(__always)
    private func restEquals(_ p: UnsafePointer<UInt8>, length: Int, start: Int) -> Bool {
        guard length > 8 else { return true }
        let own = bytes.baseAddress! + start
        var k = 8
        while k &+ 8 < length {
            guard Cursor.word(own + k) == Cursor.word(p + k) else { return false }
            k &+= 8
        }
        return Cursor.word(own + (length &- 8)) == Cursor.word(p + (length &- 8))
    }

    /// The key whose name is the string at the cursor (just after its opening quote) in the
    /// scope whose table is `keys[offset...offset + mask]`: its number in the scope, or -1; on a
    /// match the cursor is past the closing quote. A string that is not plain ASCII is no key
    /// here (-1): CaseReader decides.
    func findKey(offset: Int, mask scopeMask: Int, _ c: inout Cursor) -> Int {
        let start = c.i
        c.skipPlainStringBytes()
        guard c.i < c.count, c.base[c.i] == UInt8(ascii: "\"") else { return -1 }
        let length = c.i &- start
        c.i &+= 1
        let head = Cursor.head(c.base + start, length: length, available: c.count &- start)
        let mask = keyIndex.count &- 1
        var i = FlatTables.hash(length: length, head: head) & mask
        while true {
            let entry = Int(keyIndex[i])
            if entry < 0 { return -1 }
            let name = names.baseAddress! + entry
            // The same name may be a key of several scopes (a group's member and a fact).
            let number = entry &- offset
            if number >= 0, number <= scopeMask, name.pointee.head == head, Int(name.pointee.length) == length,
                restEquals(c.base + start, length: length, start: Int(keys[entry].pattern.start))
            {
                return number
            }
            i = (i &+ 1) & mask
        }
    }

    /// The id of the rule set's text with the plain bytes `p[0..<length]` (`available` bytes are
    /// left in the line from `p`), or -1.
    @inline(__always)
    func findText(_ p: UnsafePointer<UInt8>, length: Int, available: Int) -> Int32 {
        let head = Cursor.head(p, length: length, available: available)
        let mask = textIndex.count &- 1
        var i = FlatTables.hash(length: length, head: head) & mask
        while true {
            let index = Int(textIndex[i])
            if index < 0 { return -1 }
            let text = texts.baseAddress! + index
            if text.pointee.head == head, Int(text.pointee.length) == length,
                restEquals(p, length: length, start: Int(text.pointee.start))
            {
                return text.pointee.id
            }
            i = (i &+ 1) & mask
        }
    }

    /// Collects the tables; strings that are not plain ASCII are left out, so the fast path never
    /// has to decide whether two Strings are canonically equal: those go to CaseReader.
    struct Builder {
        /// The keys of each scope, numbered in it in the order added, and their names.
        var scopes: [[KeyEntry]] = []
        var names: [[KeyName]] = []
        var values: [ValueEntry] = []
        var texts: [TextEntry] = []
        var bytes: [UInt8] = []

        /// The pattern of `text` followed by `ending`, its bytes added to `bytes`; nil unless
        /// `text` is plain ASCII.
        mutating func pattern(_ text: String, ending: String) -> Pattern? {
            guard text.utf8.allSatisfy(Cursor.isPlain) else { return nil }
            let all = Array(text.utf8) + Array(ending.utf8)
            guard all.count < Int32.max / 2 else { return nil }
            var head: UInt64 = 0
            var middle: UInt64 = 0
            var tail: UInt64 = 0
            for (k, byte) in all.prefix(8).enumerated() { head |= UInt64(byte) << UInt64(8 * k) }
            if all.count > 16 {
                for (k, byte) in all[8..<16].enumerated() { middle |= UInt64(byte) << UInt64(8 * k) }
            }
            if all.count > 8 {
                for (k, byte) in all.suffix(8).enumerated() { tail |= UInt64(byte) << UInt64(8 * k) }
            }
            let pattern = Pattern(
                head: head, headMask: Self.mask(all.count), middle: middle, tail: tail,
                length: Int32(all.count), needed: Int32(max(all.count + 1, 8)), start: Int32(bytes.count))
            bytes += all
            return pattern
        }

        /// Starts the next scope (the case object first, then group after group).
        mutating func addScope() {
            scopes.append([])
            names.append([])
        }

        /// Adds a key to a scope, unless it is not plain ASCII (then no line ever matches it here:
        /// such a key always falls back); whether it was added. Its guess for the next key is the
        /// one added after it.
        mutating func addKey(
            _ name: String, scope: Int, kind: Kind, value: Int32, isOptional: Bool,
            isRequired: Bool
        ) -> Bool {
            guard let pattern = pattern(name, ending: #"":"#) else { return false }
            let number = scopes[scope].count
            scopes[scope].append(
                KeyEntry(
                    pattern: pattern, value: value, next: Int32(number + 1), valuesStart: 0, valuesEnd: 0, kind: kind,
                    isOptional: isOptional, isRequired: isRequired))
            let length = name.utf8.count
            names[scope].append(KeyName(head: pattern.head & Self.mask(length), length: Int32(length)))
            return true
        }

        mutating func addText(_ text: String, id: Int32) {
            guard let pattern = pattern(text, ending: "") else { return }
            texts.append(TextEntry(head: pattern.head, length: pattern.length, start: pattern.start, id: id))
        }

        /// Selects the first `length` bytes of a word (all for eight or more).
        static func mask(_ length: Int) -> UInt64 { length >= 8 ? ~0 : (1 << UInt64(8 * length)) - 1 }
    }
}

// MARK: - Per case

/// A case's local texts as ranges of its line, gathered while the line is read: the same texts,
/// in the same order, one per distinct text, as `CaseFacts.localText` would keep them. Nothing is
/// copied (`CaseScanner.read` copies them into the facts once, at the end, or leaves them in the
/// line for the batch path). A case with more than `capacity` falls back.
private struct LocalTexts {
    let line: UnsafePointer<UInt8>?
    let ranges: UnsafeMutablePointer<Range<Int>>
    let capacity: Int
    var count = 0

    init(line: UnsafePointer<UInt8>?, ranges: UnsafeMutablePointer<Range<Int>>, capacity: Int) {
        self.line = line
        self.ranges = ranges
        self.capacity = capacity
    }

    /// The local text with the bytes `line[start..<start + length]`, added if new; nil when there
    /// is no room.
    @inline(__always)
    mutating func add(at start: Int, length: Int) -> Scalar? {
        let line = line.unsafelyUnwrapped
        var k = 0
        while k < count {
            let range = ranges[k]
            if range.upperBound &- range.lowerBound == length, Self.equal(line + range.lowerBound, line + start, length)
            {
                return .localText(
                    k, isBlank: TextBlank.isBlank(UnsafeBufferPointer(start: line + start, count: length)))
            }
            k &+= 1
        }
        guard count < capacity else { return nil }
        ranges[count] = start..<(start &+ length)
        count &+= 1
        return .localText(
            count &- 1, isBlank: TextBlank.isBlank(UnsafeBufferPointer(start: line + start, count: length)))
    }

    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        var k = 0
        while k &+ 8 <= length {
            guard Cursor.word(a + k) == Cursor.word(b + k) else { return false }
            k &+= 8
        }
        while k < length {
            guard a[k] == b[k] else { return false }
            k &+= 1
        }
        return true
    }
}

/// Where the batch path finds a case's texts the rule set does not know (`Scalar.localText`)
/// after `CaseScanner.read(_:into:texts:)`: when the fast path read the line (`inLine`), local
/// text i is `line[range(i)]`, nothing copied; otherwise they are the facts' own. One per reader,
/// reused from line to line (it holds the storage, and the scanner's key memory).
public final class LineTexts {
    fileprivate let ranges: UnsafeMutablePointer<Range<Int>>
    /// At least one per fact slot: a case has no more distinct texts than slots.
    fileprivate let capacity: Int
    // Used by one thread at a time (its reader's), so no dynamic exclusivity check: that check
    // cost more than the rest of the writer's work on local texts.
    /// Whether the last read left the texts in its line.
    @exclusivity(unchecked) public fileprivate(set) var inLine = false
    /// How many local texts the last read holds.
    @exclusivity(unchecked) public fileprivate(set) var count = 0
    /// The scanner's key memory: for each key, the key that followed it in the cases read
    /// before, the guess for the next one (`scanObject`). Scratch of the reader that owns these
    /// texts: nothing else reads it, and the scanner checks every entry before trusting it.
    @exclusivity(unchecked) package var keyMemory: [Int32] = []

    /// For a rule set with `slots` facts.
    public init(slots: Int) {
        capacity = max(slots, 1)
        ranges = .allocate(capacity: capacity)
    }

    deinit { ranges.deallocate() }

    /// Local text `index` (below `count`) in `line`, the line last read.
    @inline(__always)
    public func text(_ index: Int, in line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        precondition(inLine && index >= 0 && index < count, "a local text of the line last read")
        return UnsafeBufferPointer(rebasing: line[ranges[index]])
    }
}

/// The keys met in an object (numbered in its scope), for duplicates and required facts.
private protocol KeyBits {
    init()
    /// The keys of `wide` below this set's capacity.
    init(_ wide: FactSet)
    /// Sets the bit; false when it was already set.
    mutating func insertNew(_ index: Int) -> Bool
    func isSuperset(of other: Self) -> Bool
}

/// 64 bits in a register.
private struct WordBits: KeyBits {
    private var word: UInt64 = 0

    init() {}

    init(_ wide: FactSet) {
        word = wide.lowWord
    }

    @inline(__always)
    mutating func insertNew(_ index: Int) -> Bool {
        let bit = UInt64(1) << UInt64(index & 63)
        defer { word |= bit }
        return word & bit == 0
    }

    @inline(__always)
    func isSuperset(of other: WordBits) -> Bool {
        word & other.word == other.word
    }
}

/// 256 bits on the stack: the facts' own bit set.
extension FactSet: KeyBits {
    init(_ wide: FactSet) {
        self = wide
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
        i = JSONWhitespace.skip(base, count, from: i)
    }

    @inline(__always)
    mutating func take(_ byte: UInt8) -> Bool {
        guard i < count, base[i] == byte else { return false }
        i &+= 1
        return true
    }

    /// Reads `true` or `false`, without branching on which: they come in no order a predictor
    /// could learn. A member's value is followed by at least `}`, so five bytes are there in any
    /// line that reads (one that does not falls back: nil).
    @inline(__always)
    mutating func readBool() -> Scalar? {
        guard i &+ 5 <= count else { return nil }
        let word = UInt32(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt32.self))
        let isTrue = word == Cursor.trueWord
        let isFalse = word == Cursor.falsWord && base[i &+ 4] == UInt8(ascii: "e")
        guard isTrue || isFalse else { return nil }
        i &+= isTrue ? 4 : 5
        return Scalar(kind: .bool, bits: isTrue ? 1 : 0)
    }

    /// Reads a number with exactly `DecimalNumber.parse` (the JSON number grammar); nil unless it
    /// gives a value.
    @inline(__always)
    mutating func readNumber() -> DecimalNumber? {
        let start = i
        skipNumberBytes()
        guard
            case .value(let n) = DecimalNumber.parse(utf8: UnsafeBufferPointer(start: base + start, count: i &- start))
        else { return nil }
        return n
    }

    /// Reads a date. One CaseReader accepts is ten plain bytes in quotes, so the closing quote is
    /// not looked for: it must be right there.
    @inline(__always)
    mutating func readDate() -> CivilDate? {
        guard i &+ 12 <= count, base[i] == UInt8(ascii: "\""), base[i &+ 11] == UInt8(ascii: "\""),
            let date = CivilDate.parse(tenBytesAt: base + (i &+ 1))
        else { return nil }
        i &+= 12
        return date
    }

    /// `true` and `fals` as little-endian words.
    static let trueWord: UInt32 = 0x6575_7274
    static let falsWord: UInt32 = 0x736C_6166

    /// `null` as a little-endian word.
    static let nullWord: UInt32 = 0x6C6C_756E

    /// Takes `null`. What follows is checked by the caller (`,` `}` or whitespace), so `nullx` is
    /// refused there.
    @inline(__always)
    mutating func takeNull() -> Bool {
        guard i &+ 4 <= count,
            UInt32(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt32.self)) == Cursor.nullWord
        else { return false }
        i &+= 4
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
                i &+= 1
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
                i &+= 1
                return true
            }
            guard b >= 0x80, allowingUTF8, let length = utf8SequenceLength(at: i) else { return false }
            i &+= length
        }
    }

    /// Printable ASCII other than `"` and `\`: a string byte that stands for itself.
    @inline(__always)
    static func isPlain(_ b: UInt8) -> Bool {
        b >= 0x20 && b < 0x80 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\")
    }

    /// The first eight bytes (fewer, zero-padded) of the `length` bytes at `p`, little-endian;
    /// `available` bytes (at least `length`) may be read from `p`.
    @inline(__always)
    static func head(_ p: UnsafePointer<UInt8>, length: Int, available: Int) -> UInt64 {
        if available >= 8 { return length >= 8 ? word(p) : word(p) & ~(~0 &<< UInt64(truncatingIfNeeded: 8 &* length)) }
        var head: UInt64 = 0
        var k = 0
        while k < length {
            head |= UInt64(p[k]) << UInt64(8 &* k)
            k &+= 1
        }
        return head
    }

    /// Two bytes as a little-endian half word.
    @inline(__always)
    static func pair(_ p: UnsafePointer<UInt8>) -> UInt16 {
        UInt16(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt16.self))
    }

    /// `,"` as a little-endian half word.
    static let commaQuote: UInt16 = 0x222C

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
        return ((word &- ones &* 0x20) | ((word ^ (ones &* 0x22)) &- ones) | ((word ^ (ones &* 0x5C)) &- ones) | word)
            & highs
    }

    /// Advances over plain bytes, eight at a time.
    @inline(__always)
    mutating func skipPlainStringBytes() {
        while i &+ 8 <= count {
            let flagged = Cursor.stops(Cursor.word(base + i))
            if flagged != 0 {
                i &+= flagged.trailingZeroBitCount >> 3
                return
            }
            i &+= 8
        }
        while i < count, Cursor.isPlain(base[i]) { i &+= 1 }
    }

    /// Length of the well-formed UTF-8 sequence at `offset`, or nil: the same test JSONParser applies.
    func utf8SequenceLength(at offset: Int) -> Int? {
        UTF8Sequence.length(base, count: count, at: offset)
    }
}
