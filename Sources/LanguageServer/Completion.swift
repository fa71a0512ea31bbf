import RuleDSL

/// Completion candidates at a cursor, from a light context analysis: the words of the current
/// declaration before the cursor (the declaration starts at the last line whose first word is a
/// declaration keyword), the clause keyword they are in (`reason`, `given`, `when`, …) and the
/// word just before the cursor. It does not parse: a half-typed file gives sensible candidates.
struct Completion {
    /// One candidate: its text, LSP `CompletionItemKind` and a short detail.
    struct Item: Equatable {
        let label: String
        let kind: Int
        let detail: String
    }

    static let declarationKeywords = [
        "ruleset", "vocabulary", "fact", "const", "let", "decision", "extend", "rule", "exception", "override",
        "disable", "example", "test", "invariant", "responsible",
    ]
    static let clauseKeywords: [String: [String]] = [
        "ruleset": ["extends", "title", "source", "valid"],
        "decision": ["title", "when", "outcomes", "stage", "otherwise"],
        "extend": ["stage"],
        "rule": [
            "title", "source", "kind", "stage", "after", "when", "reason", "refer", "action", "valid", "deviation",
        ],
        "exception": ["title", "source", "when", "lifts", "reason", "valid"],
        "test": ["given", "expect", "reasons", "referrals", "actions", "missing", "exceptional", "violates"],
        "invariant": ["title", "source", "never", "always"],
        "responsible": ["for", "source"],
        "fact": ["title", "optional", "required", "reference", "whole", "recorded", "at"],
        "const": ["title"],
        "let": ["title"],
    ]
    /// Words that start a clause: the candidates after one depend on it.
    static let clauseStarters: Set<String> = [
        "title", "source", "kind", "stage", "after", "when", "reason", "refer", "action", "valid", "deviation", "lifts",
        "given", "expect", "reasons", "referrals", "actions", "missing", "exceptional", "violates", "outcomes",
        "otherwise", "never", "always", "for", "because", "extends",
    ]
    static let expressionWords = ["not", "if", "true", "false", "none"]
    static let operatorWords = ["and", "or", "in", "not", "is", "present", "then", "else"]

    let index: SymbolIndex

    /// Candidates for the cursor at byte `offset` of `bytes`, starting with the typed prefix.
    func items(in bytes: [UInt8], at offset: Int) -> [Item] {
        let offset = max(0, min(offset, bytes.count))
        var prefixStart = offset
        while prefixStart > 0, Self.isNameByte(bytes[prefixStart - 1]) { prefixStart -= 1 }
        if Self.isInCommentOrText(bytes, at: prefixStart) { return [] }
        let prefix = String(decoding: bytes[prefixStart..<offset], as: UTF8.self)
        let (words, lineHasWords) = Self.words(in: bytes, before: prefixStart)
        return candidates(words: words, lineHasWords: lineHasWords).filter { $0.label.hasPrefix(prefix) }
    }

    private func candidates(words: [String], lineHasWords: Bool) -> [Item] {
        guard let declaration = words.first, Self.declarationKeywords.contains(declaration) else {
            return Self.declarationKeywords.map { Item(label: $0, kind: 14, detail: "keyword") }
        }
        let previous = words.last!
        var role = declaration
        if declaration == "override" || declaration == "disable" {
            if words.count == 1 { return keywords(["rule", "exception"]) }
            role = words[1] == "exception" ? "exception" : "rule"
            if words.count == 2 { return symbols(role == "exception" ? .exception : .rule) }
        }
        // At the start of a line that does not continue the one before: a clause or a declaration.
        let continues = [",", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "(", "{", ":", "and", "or", "not", "in"]
            .contains(previous)
        if !lineHasWords, !continues, words.count > 1 {
            return keywords((Self.clauseKeywords[role] ?? []) + Self.declarationKeywords)
        }
        let clause = words.last { Self.clauseStarters.contains($0) } ?? declaration
        switch clause {
        case "reason", "reasons":
            return symbols(.reason) + (clause == "reasons" ? keywords(["none"]) : [])
        case "refer", "referrals":
            return symbols(.referral) + (clause == "refer" ? keywords(["to"]) : keywords(["none"]))
        case "action", "actions":
            return symbols(.action) + (clause == "actions" ? keywords(["none"]) : [])
        case "kind":
            return symbols(.ruleKind)
        case "lifts":
            return previous == "kind" ? symbols(.ruleKind) : symbols(.rule) + keywords(["kind"])
        case "stage":
            if role == "rule" || role == "exception" {
                return index.qualifiedStages().map { Item(label: $0, kind: 23, detail: "stage") }
            }
            // `decision intake … stage x gives …` or `extend decision intake … stage x gives …`.
            let decision = words.dropFirst(declaration == "extend" ? 2 : 1).first ?? ""
            if previous == "gives" {
                return index.outcomes(ofDecision: decision).map { Item(label: $0, kind: 20, detail: "outcome") }
            }
            if previous == "before" || previous == "after" {
                // Not the stage being declared: `stage late gives exclude before ‸`.
                let own = words.lastIndex(of: "stage").flatMap {
                    $0 + 1 < words.count ? decision + "." + words[$0 + 1] : nil
                }
                return index.qualifiedStages().compactMap { stage in
                    stage.hasPrefix(decision + ".") && stage != own
                        ? Item(label: String(stage.dropFirst(decision.count + 1)), kind: 23, detail: "stage") : nil
                }
            }
            return []
        case "after":
            return symbols(.decision)
        case "otherwise":
            if let decision = words.dropFirst().first, previous == "otherwise" {
                return index.outcomes(ofDecision: decision).map { Item(label: $0, kind: 20, detail: "outcome") }
            }
            return keywords(["reason"])
        case "expect":
            if previous == "expect" { return symbols(.decision) }
            if index.declarations(of: SymbolIndex.Key(.decision, previous)).isEmpty { return [] }
            return index.outcomes(ofDecision: previous).map { Item(label: $0, kind: 20, detail: "outcome") }
                + keywords([DecisionResult.undetermined])
        case "missing":
            return symbols(.fact) + keywords(["none"])
        case "violates":
            return symbols(.invariant)
        case "exceptional":
            return keywords(["true", "false"])
        case "for":
            return symbols(.fact) + keywords(["other"])
        case "given":
            return assignment(words: words)
        case "title", "source", "deviation", "because", "valid", "outcomes", "extends":
            return []
        default:
            if declaration == "example" { return assignment(words: words) }
            if declaration == "vocabulary" {
                return words.count == 1 ? keywords(["reasons", "referrals", "actions"]) : []
            }
            if declaration == "extend" { return words.count == 1 ? keywords(["decision"]) : symbols(.decision) }
            if declaration == "fact" {
                return words.contains(":") && words.count <= 4
                    ? keywords(["bool", "number", "text", "date", "one"]) : keywords(Self.clauseKeywords["fact"]!)
            }
            return expression(words: words)
        }
    }

    /// In `given a, fact = |`: the values of that fact; elsewhere facts and examples.
    private func assignment(words: [String]) -> [Item] {
        if words.last == "=", words.count >= 2 {
            return values(ofFact: words[words.count - 2]) + keywords(["true", "false", "none", "unknown"])
        }
        return symbols(.fact) + symbols(.example)
    }

    /// In a condition: after an operand, the operators; after a comparison with an enumeration
    /// fact or a decision, its values; otherwise names of values and functions.
    private func expression(words: [String]) -> [Item] {
        guard let previous = words.last else { return [] }
        if ["=", "!=", "{", ",", "in"].contains(previous) {
            // The name the comparison or set is about: `x = ‸`, `x in ‸`, `x not in {a, ‸`.
            var at = words.count - 1
            if previous == "," {
                let open = words.lastIndex(of: "{") ?? -1
                at = open > (words.lastIndex(of: "}") ?? -1) ? open : -1
            }
            if at >= 0, words[at] == "{" { at -= 1 }
            if at >= 0, words[at] == "in" {
                at -= 1
                if at >= 0, words[at] == "not" { at -= 1 }
            } else if at >= 0, words[at] == "=" || words[at] == "!=" {
                at -= 1
            }
            if at >= 0, at < words.count - 1 {
                let operand = words[at]
                let found =
                    values(ofFact: operand)
                    + index.outcomes(ofDecision: operand).map {
                        Item(label: $0, kind: 20, detail: "outcome of \(operand)")
                    }
                if !found.isEmpty { return found }
            }
        }
        let afterOperand =
            previous == ")" || previous == "}"
            || previous.first.map { $0.isLetter || $0.isNumber || $0 == "\"" } == true
        if afterOperand,
            !["not", "and", "or", "in", "if", "then", "else", "when", "never", "always", "is"].contains(previous),
            !Self.declarationKeywords.contains(previous)
        {
            return previous == "is" ? keywords(["present", "none"]) : keywords(Self.operatorWords)
        }
        if previous == "is" { return keywords(["present", "none"]) }
        return symbols(.fact) + symbols(.derived) + symbols(.constant) + symbols(.decision)
            + Builtin.allCases.map { Item(label: $0.rawValue, kind: 3, detail: "function") }
            + keywords(Self.expressionWords)
    }

    /// The values a fact can be compared with or given: an enumeration's values, `true` and
    /// `false` for a yes/no fact; nothing to offer for numbers, text and dates.
    private func values(ofFact fact: String) -> [Item] {
        if index.type(ofFact: fact) == .bool { return keywords(["true", "false"]) }
        return index.enumValues(ofFact: fact).map { Item(label: $0, kind: 20, detail: "value of \(fact)") }
    }

    private func keywords(_ words: [String]) -> [Item] {
        words.map { Item(label: $0, kind: 14, detail: "keyword") }
    }

    private func symbols(_ kind: SymbolIndex.Kind) -> [Item] {
        let itemKind: Int
        switch kind {
        case .fact: itemKind = 5
        case .derived: itemKind = 6
        case .constant: itemKind = 21
        case .decision: itemKind = 7
        case .outcome, .enumValue: itemKind = 20
        case .reason, .referral, .action: itemKind = 12
        case .rule, .exception, .invariant: itemKind = 3
        case .example: itemKind = 9
        case .ruleKind: itemKind = 25
        case .stage: itemKind = 23
        case .ruleset: itemKind = 9
        }
        let detail = kind == .reason || kind == .referral || kind == .action ? "\(kind.rawValue) code" : kind.rawValue
        return index.names(of: kind).map { Item(label: $0, kind: itemKind, detail: detail) }
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
    }

    /// The words and symbols of the current declaration before `end` (strings as `"`, comments
    /// dropped), and whether the cursor's line has any before it.
    static func words(in bytes: [UInt8], before end: Int) -> ([String], Bool) {
        var lineStart = end
        while lineStart > 0, bytes[lineStart - 1] != 10, bytes[lineStart - 1] != 13 { lineStart -= 1 }
        // Walk back line by line to the declaration's first line.
        var start = lineStart
        var probe = lineStart
        while true {
            let first = tokens(bytes, from: probe, to: min(end, lineEnd(bytes, probe))).first
            if let first, declarationKeywords.contains(first) {
                start = probe
                break
            }
            if probe == 0 {
                start = lineStart
                break
            }
            var previous = probe - 1
            if previous > 0, bytes[previous] == 10, bytes[previous - 1] == 13 { previous -= 1 }
            while previous > 0, bytes[previous - 1] != 10, bytes[previous - 1] != 13 { previous -= 1 }
            probe = previous
        }
        let words = tokens(bytes, from: start, to: end)
        let onLine = tokens(bytes, from: lineStart, to: end)
        return (words, !onLine.isEmpty)
    }

    /// Whether `offset` is inside a comment or a text on its line (text does not span lines).
    static func isInCommentOrText(_ bytes: [UInt8], at offset: Int) -> Bool {
        var i = offset
        while i > 0, bytes[i - 1] != 10, bytes[i - 1] != 13 { i -= 1 }
        var inText = false
        while i < offset {
            switch bytes[i] {
            case UInt8(ascii: "\""): inText.toggle()
            case UInt8(ascii: "\\") where inText: i += 1
            case UInt8(ascii: "#") where !inText: return true
            default: break
            }
            i += 1
        }
        return inText
    }

    private static func lineEnd(_ bytes: [UInt8], _ from: Int) -> Int {
        var i = from
        while i < bytes.count, bytes[i] != 10, bytes[i] != 13 { i += 1 }
        return i
    }

    /// A rough tokenizer: names (dotted), numbers and dates as words, strings as `"`, symbols.
    private static func tokens(_ bytes: [UInt8], from: Int, to: Int) -> [String] {
        var result: [String] = []
        var i = from
        while i < to {
            let byte = bytes[i]
            if byte == UInt8(ascii: "#") {
                while i < to, bytes[i] != 10, bytes[i] != 13 { i += 1 }
            } else if byte == UInt8(ascii: "\"") {
                i += 1
                while i < to, bytes[i] != UInt8(ascii: "\""), bytes[i] != 10 {
                    if bytes[i] == UInt8(ascii: "\\") { i += 1 }
                    i += 1
                }
                i += 1
                result.append("\"")
            } else if isNameByte(byte) {
                // A date (`2024-05-01`) is one word: a word starting with a digit takes `-` too.
                let isNumber = byte >= 0x30 && byte <= 0x39
                let start = i
                while i < to, isNameByte(bytes[i]) || isNumber && bytes[i] == UInt8(ascii: "-") { i += 1 }
                result.append(String(decoding: bytes[start..<i], as: UTF8.self))
            } else if byte == 32 || byte == 9 || byte == 10 || byte == 13 {
                i += 1
            } else {
                let two = i + 1 < to ? String(decoding: bytes[i...i + 1], as: UTF8.self) : ""
                if ["!=", "<=", ">="].contains(two) {
                    result.append(two)
                    i += 2
                } else {
                    result.append(String(decoding: [byte], as: UTF8.self))
                    i += 1
                }
            }
        }
        return result
    }
}
