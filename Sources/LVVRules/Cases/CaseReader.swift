import RuleDSL

/// One case read from JSON: its id and its facts by slot (nil = unknown).
public struct CaseInput: Sendable {
    /// The case's `case_id`, echoed in its verdict.
    public let caseID: String
    /// The facts by slot in the rule set's declaration order; nil when unknown.
    public let facts: [Value?]

    /// A case made in code (an interview's answers, a changed case for `--why-not`).
    public init(caseID: String, facts: [Value?]) {
        self.caseID = caseID
        self.facts = facts
    }
}

/// Why a case could not be read: a message naming the key, as CONTRACT.md asks.
public struct CaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// For a person: what is wrong, naming the key in backticks; what `batch` writes as the line's error.
    public let message: String
    /// The top-level key at fault, if any, so callers can point at the field.
    public let key: String?
    /// The message, as the error line and `eval` show it.
    public var description: String { message }
}

/// Reads cases strictly against the facts a rule set declares (CONTRACT.md section 1): an
/// unknown key, a wrong type or a malformed date is an error naming the key; absent or `null`
/// means unknown, except for `optional` facts, where it means none.
public struct CaseReader: Sendable {
    /// The key every case must carry and every verdict echoes; not a fact the rules read.
    public static let caseIDKey = "case_id"
    /// The most bytes one case may have: a `batch` line (its line end not counted) or an `eval`
    /// case file (whitespace included). Larger input is refused before it is read whole.
    public static let maximumCaseSize = 1 << 20

    private let program: Program
    /// Top-level keys: a fact slot, or a group of facts given as one object.
    private let keys: [String: Key]
    private let allKeys: [String]

    private enum Key: Sendable {
        case fact(Int)
        /// An object of facts, with the slot of its presence fact.
        case group(presence: Int?, members: [String: Int])
    }

    /// A reader for the facts `program` declares; the case keys are worked out once here.
    public init(program: Program) {
        self.program = program
        var keys: [String: Key] = [:]
        for (slot, fact) in program.facts.enumerated() where !fact.isGroupPresence {
            if let group = fact.group {
                var members: [String: Int] = [:]
                if case .group(_, let existing)? = keys[group] { members = existing }
                members[String(fact.name.dropFirst(group.count + 1))] = slot
                let presence = program.factSlots[group].flatMap { program.facts[$0].isGroupPresence ? $0 : nil }
                keys[group] = .group(presence: presence, members: members)
            } else {
                keys[fact.name] = .fact(slot)
            }
        }
        self.keys = keys
        self.allKeys = [CaseReader.caseIDKey] + keys.keys.sorted()
    }

    /// Reads one case from the bytes of one JSON document (a line of JSONL or a `.json` file).
    public func read(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<CaseInput, CaseError> {
        switch JSONParser.parse(bytes) {
        case .failure(let error):
            let at = error.key.map { " (in `\($0)`)" } ?? ""
            return .failure(
                CaseError(message: "invalid JSON at byte \(error.offset + 1)\(at): \(error.message)", key: error.key))
        case .success(let value):
            return read(value)
        }
    }

    /// Reads one case from its JSON text, e.g. a generated line checked by `generate` or timed by `bench`.
    public func read(_ text: String) -> Result<CaseInput, CaseError> {
        var text = text
        return text.withUTF8 { read($0) }
    }

    /// Reads one case from a parsed JSON value.
    public func read(_ value: JSONValue) -> Result<CaseInput, CaseError> {
        guard case .object(let members) = value else {
            let found: String
            switch value {
            case .array: found = "a list"
            case .string: found = "text"
            case .number: found = "a number"
            case .bool: found = "true or false"
            case .null: found = "null"
            case .object: found = "an object"
            }
            return .failure(CaseError(message: "a case must be a JSON object `{…}` at byte 1, not \(found)", key: nil))
        }
        var facts: [Value?] = program.facts.map {
            $0.isOptional ? Value.none : ($0.isGroupPresence ? .bool(false) : nil)
        }
        var caseID: String?
        var given = Set<Int>()
        for member in members {
            if member.key == CaseReader.caseIDKey {
                guard case .string(let id) = member.value else {
                    return .failure(CaseError(message: "`case_id` must be text", key: member.key))
                }
                caseID = id
                continue
            }
            guard let key = keys[member.key] else {
                let hint = Suggestion.didYouMean(member.key, in: allKeys).map { "; \($0)" } ?? ""
                return .failure(CaseError(message: "unknown key `\(member.key)`\(hint)", key: member.key))
            }
            switch key {
            case .fact(let slot):
                switch convert(member.value, slot: slot, key: member.key) {
                case .failure(let error): return .failure(error)
                case .success(let converted):
                    if let converted {
                        facts[slot] = converted
                        given.insert(slot)
                    }
                }
            case .group(let presence, let groupMembers):
                if case .null = member.value { continue }  // the whole event did not happen
                guard case .object(let fields) = member.value else {
                    return .failure(CaseError(message: "`\(member.key)` must be an object or null", key: member.key))
                }
                // The event happened: its fields are unknown until given.
                if let presence { facts[presence] = .bool(true) }
                for slot in groupMembers.values { facts[slot] = nil }
                for field in fields {
                    let path = member.key + "." + field.key
                    guard let slot = groupMembers[field.key] else {
                        let hint = Suggestion.didYouMean(field.key, in: groupMembers.keys).map { "; \($0)" } ?? ""
                        return .failure(CaseError(message: "unknown key `\(path)`\(hint)", key: path))
                    }
                    switch convert(field.value, slot: slot, key: path, absentIsNone: false) {
                    case .failure(let error): return .failure(error)
                    case .success(let converted):
                        facts[slot] = converted
                        if converted != nil { given.insert(slot) }
                    }
                }
            }
        }
        guard let caseID else {
            return .failure(CaseError(message: "missing required key `case_id`", key: CaseReader.caseIDKey))
        }
        for (slot, fact) in program.facts.enumerated() where fact.isRequired && !given.contains(slot) {
            return .failure(CaseError(message: "missing required key `\(fact.name)`", key: fact.name))
        }
        return .success(CaseInput(caseID: caseID, facts: facts))
    }

    /// Converts a JSON value to a fact value; `.success(nil)` means unknown (or none, for an
    /// optional fact, which keeps its default).
    ///
    /// An error names the key and what it must be, never the value given when that could be a
    /// fact about a person (a V-number, a birth date, a name, a number): only its JSON kind
    /// (`not text`). The one value shown is a wrong text for a `one of (…)` fact, a word meant to
    /// be from the rule set's own list (docs/hardening.md, "What an error shows").
    private func convert(_ json: JSONValue, slot: Int, key: String, absentIsNone: Bool = true) -> Result<
        Value?, CaseError
    > {
        let fact = program.facts[slot]
        if case .null = json { return .success(fact.isOptional && absentIsNone ? Value.none : nil) }
        func failure(_ message: String) -> Result<Value?, CaseError> {
            .failure(CaseError(message: message, key: key))
        }
        func wrong(_ expected: String) -> Result<Value?, CaseError> {
            failure("`\(key)` must be \(expected), not \(kind(of: json))")
        }
        switch fact.type {
        case .bool:
            guard case .bool(let b) = json else { return wrong("true or false") }
            return .success(.bool(b))
        case .number:
            guard case .number(let text) = json else { return wrong("a number") }
            switch DecimalNumber.parse(text) {
            case .value(let n):
                if let least = fact.atLeast, n < least { return failure("`\(key)` must be at least \(least)") }
                if let most = fact.atMost, n > most { return failure("`\(key)` must be at most \(most)") }
                if fact.isWhole, !n.isInteger { return failure("`\(key)` must be a whole number") }
                return .success(.number(n))
            case .outOfRange:
                return failure("`\(key)` is out of range: a number has at most 12 digits before the point")
            case .tooPrecise:
                return failure("`\(key)` has more than 6 decimals")
            case .invalidSyntax:
                return wrong("a number")
            }
        case .text:
            guard case .string(let s) = json else { return wrong("text") }
            if let format = fact.format, !format.matches(s) {
                return failure("`\(key)` must be text of the form \(format.explanation)")
            }
            return .success(.text(s))
        case .date:
            guard case .string(let s) = json else { return wrong("a date \"YYYY-MM-DD\"") }
            guard let date = CivilDate.parse(s) else {
                return failure("`\(key)` is not a valid date (expected \"YYYY-MM-DD\", a day that exists)")
            }
            return .success(.date(date))
        case .enumeration(let values):
            let expected = "one of " + values.map { "\"\($0)\"" }.joined(separator: ", ")
            guard case .string(let s) = json else { return wrong(expected) }
            guard values.contains(s) else { return failure("`\(key)` must be \(expected), not \"\(s.prefix(40))\"") }
            return .success(.text(s))
        case .set, .none, .unresolved:
            return wrong("a value this engine can read")
        }
    }

    /// What kind of JSON value was given, without the value.
    private func kind(of json: JSONValue) -> String {
        switch json {
        case .null: return "null"
        case .bool: return "true or false"
        case .number: return "a number"
        case .string: return "text"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}
