import RuleDSL

/// Writes a contract verdict (CONTRACT.md section 2, without the trace) straight from a
/// machine's `CaseResult`, byte for byte what `VerdictBuilder` + `VerdictJSON.encode` write for
/// the same case: every constant piece (keys, names, codes, the reasons' titles and sources,
/// the rule set's name and hash) is encoded once per rule set, and a verdict is a sequence of
/// copies and a few numbers and dates. The tests hold the two writers equal.
public struct VerdictWriter: Sendable {
    private let plan: Plan
    /// `intake` and `review` as decision indices, in the order the contract tries them.
    private let questions: [(decision: Int?, head: [UInt8])]
    private let adviceDecision: Int?
    private let reviewQuestion: Int?
    /// `{"code":…,"rule":…,"title":…,"source":…,"facts":` per rule, exception and decision.
    private let rulePrefix: [[UInt8]]
    private let exceptionPrefix: [[UInt8]]
    private let otherwisePrefix: [[UInt8]]
    /// `"name":` per fact slot, and `"name"` for lists of missing facts.
    private let factKey: [[UInt8]]
    private let factName: [[UInt8]]
    /// `,"ruleset":{"name":…,"sha256":…}}`.
    private let tail: [UInt8]
    private let actionRank: [Int]
    private let undetermined: [UInt8]

    public init(program: Program) {
        plan = program.plan
        func json(_ build: (inout JSONWriter) -> Void) -> [UInt8] {
            var w = JSONWriter(reservingCapacity: 128)
            build(&w)
            return w.bytes
        }
        questions = VerdictBuilder.questions.map { name in
            (program.decisionIndex(named: name), json { w in
                w.appendRaw(","); w.appendKey("pilot"); w.appendString(program.name)
                w.appendRaw(","); w.appendKey("question"); w.appendString(name)
                w.appendRaw(","); w.appendKey("decision")
            })
        }
        adviceDecision = program.decisionIndex(named: VerdictBuilder.adviceDecision)
        reviewQuestion = program.decisionIndex(named: "review")
        func prefix(_ code: String?, _ id: String, _ title: String?, _ source: String?) -> [UInt8] {
            json { w in
                w.appendRaw("{")
                w.appendKey("code"); w.appendString(code ?? "")
                w.appendRaw(","); w.appendKey("rule"); w.appendString(id)
                w.appendRaw(","); w.appendKey("title"); w.appendString(title ?? id)
                w.appendRaw(","); w.appendKey("source"); w.appendString(source ?? "")
                w.appendRaw(","); w.appendKey("facts")
            }
        }
        rulePrefix = program.rules.map { prefix($0.reason, $0.id, $0.title, $0.source) }
        exceptionPrefix = program.exceptions.map { prefix($0.reason, $0.id, $0.title, $0.source) }
        otherwisePrefix = program.decisions.map { prefix($0.otherwiseReason, "\($0.name).otherwise", $0.title, nil) }
        factKey = program.facts.map { fact in json { $0.appendKey(fact.name) } }
        factName = program.facts.map { fact in json { $0.appendString(fact.name) } }
        tail = json { w in
            w.appendRaw(","); w.appendKey("ruleset"); w.appendRaw("{")
            w.appendKey("name"); w.appendString(program.name)
            w.appendRaw(","); w.appendKey("sha256"); w.appendString(program.sha256)
            w.appendRaw("}}")
        }
        let order = program.vocabulary[.actions] ?? []
        actionRank = program.plan.texts.texts.map { order.firstIndex(of: $0) ?? order.count }
        undetermined = json { $0.appendString("undetermined") }
    }

    /// Appends the verdict line (without the newline). `caseID` is the id's JSON text, quotes
    /// included.
    public func append(
        caseID: UnsafeBufferPointer<UInt8>, facts: CaseFacts, result: CaseResult, to out: inout [UInt8]
    ) {
        var main: CaseResult.Decision?
        var head = questions.first?.head ?? []
        var isReview = false
        for question in questions {
            if let index = question.decision, let d = result.decision(index) {
                main = d
                head = question.head
                isReview = question.decision == reviewQuestion
                break
            }
        }
        out.append(contentsOf: #"{"case_id":"#.utf8)
        out.append(contentsOf: caseID)
        out.append(contentsOf: head)
        if let main, main.outcome >= 0 { out.append(contentsOf: plan.texts.quoted[Int(main.outcome)]) } else {
            out.append(contentsOf: undetermined)
        }
        out.append(contentsOf: #","exceptional":"#.utf8)
        out.append(contentsOf: (main?.exceptional ?? false) ? "true".utf8 : "false".utf8)
        out.append(contentsOf: #","reasons":["#.utf8)
        if let main {
            for (n, k) in main.reasons.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                appendReason(result.reason(k), facts, &out)
            }
        }
        out.append(contentsOf: #"],"referrals":"#.utf8)
        appendWords(main?.referrals ?? 0..<0, result, &out)

        // Actions: the question's, then the advice's not yet listed, in vocabulary order.
        var advice: CaseResult.Decision?
        if isReview, let adviceDecision { advice = result.decision(adviceDecision) }
        out.append(contentsOf: #","actions":"#.utf8)
        if let advice, !advice.actions.isEmpty {
            var actions: [Int32] = []
            for k in main?.actions ?? 0..<0 { actions.append(result.word(k)) }
            for k in advice.actions where !actions.contains(result.word(k)) { actions.append(result.word(k)) }
            // Stable: actions outside the vocabulary keep their order.
            let sorted = actions.enumerated().sorted {
                (actionRank[Int($0.element)], $0.offset) < (actionRank[Int($1.element)], $1.offset)
            }
            out.append(UInt8(ascii: "["))
            for (n, word) in sorted.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: plan.texts.quoted[Int(word.element)])
            }
            out.append(UInt8(ascii: "]"))
        } else {
            appendWords(main?.actions ?? 0..<0, result, &out)
        }
        out.append(contentsOf: #","missing_facts":"#.utf8)
        appendNames(main?.missing ?? FactSet(), &out)
        if isReview {
            if let advice {
                out.append(contentsOf: #","scenario_advice":{"scenario":"#.utf8)
                if advice.outcome >= 0 { out.append(contentsOf: plan.texts.quoted[Int(advice.outcome)]) } else {
                    out.append(contentsOf: "null".utf8)
                }
                out.append(contentsOf: #","reasons":["#.utf8)
                for (n, k) in advice.reasons.enumerated() {
                    if n > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: plan.texts.quoted[Int(result.reason(k).code)])
                }
                out.append(contentsOf: #"],"missing_facts":"#.utf8)
                appendNames(advice.missing, &out)
                out.append(UInt8(ascii: "}"))
            }
        }
        out.append(contentsOf: tail)
    }

    private func appendReason(_ reason: CaseResult.ReasonRecord, _ facts: CaseFacts, _ out: inout [UInt8]) {
        switch reason.producer {
        case .rule: out.append(contentsOf: rulePrefix[Int(reason.index)])
        case .exception: out.append(contentsOf: exceptionPrefix[Int(reason.index)])
        case .otherwise: out.append(contentsOf: otherwisePrefix[Int(reason.index)])
        }
        out.append(UInt8(ascii: "{"))
        var first = true
        for slot in reason.facts.slots {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(contentsOf: factKey[slot])
            appendValue(facts.slots[slot], facts, &out)
        }
        out.append(UInt8(ascii: "}"))
        if reason.isLifted { out.append(contentsOf: #","overridden":true"#.utf8) }
        out.append(UInt8(ascii: "}"))
    }

    private func appendWords(_ range: Range<Int>, _ result: CaseResult, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for k in range {
            if k > range.lowerBound { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: plan.texts.quoted[Int(result.word(k))])
        }
        out.append(UInt8(ascii: "]"))
    }

    private func appendNames(_ set: FactSet, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        var first = true
        for slot in set.slots {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(contentsOf: factName[slot])
        }
        out.append(UInt8(ascii: "]"))
    }

    /// A fact value as JSON, as `VerdictJSON.appendValue` writes it: unknown and none are null.
    private func appendValue(_ value: Scalar, _ facts: CaseFacts, _ out: inout [UInt8]) {
        switch value.kind {
        case .unknown, .none: out.append(contentsOf: "null".utf8)
        case .bool: out.append(contentsOf: value.bits != 0 ? "true".utf8 : "false".utf8)
        case .number: NumberText.append(DecimalNumber(scaled: value.bits), to: &out)
        case .date: NumberText.append(CivilDate(dayNumber: Int32(truncatingIfNeeded: value.bits)), to: &out)
        case .text: out.append(contentsOf: plan.texts.quoted[Int(value.bits)])
        case .localText:
            var w = JSONWriter(reservingCapacity: 32)
            if case .text(let text)? = facts.value(value, table: plan.texts) { w.appendString(text) }
            out.append(contentsOf: w.bytes)
        }
    }
}

/// Numbers and dates written as bytes, the same text as their `description`, without making
/// a String.
enum NumberText {
    static func append(_ n: DecimalNumber, to out: inout [UInt8]) {
        let magnitude = n.scaled.magnitude
        if n.scaled < 0 { out.append(UInt8(ascii: "-")) }
        appendDigits(magnitude / 1_000_000, to: &out)
        var fraction = magnitude % 1_000_000
        guard fraction != 0 else { return }
        out.append(UInt8(ascii: "."))
        var width = 6
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        var digits: [UInt8] = []
        for _ in 0..<width {
            digits.append(UInt8(ascii: "0") + UInt8(fraction % 10))
            fraction /= 10
        }
        out.append(contentsOf: digits.reversed())
    }

    static func append(_ d: CivilDate, to out: inout [UInt8]) {
        let (year, month, day) = d.components
        guard (0...9999).contains(year) else {
            out.append(contentsOf: "\"\(d.description)\"".utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: "0") + UInt8(year / 1000))
        out.append(UInt8(ascii: "0") + UInt8(year / 100 % 10))
        out.append(UInt8(ascii: "0") + UInt8(year / 10 % 10))
        out.append(UInt8(ascii: "0") + UInt8(year % 10))
        out.append(UInt8(ascii: "-"))
        out.append(UInt8(ascii: "0") + UInt8(month / 10))
        out.append(UInt8(ascii: "0") + UInt8(month % 10))
        out.append(UInt8(ascii: "-"))
        out.append(UInt8(ascii: "0") + UInt8(day / 10))
        out.append(UInt8(ascii: "0") + UInt8(day % 10))
        out.append(UInt8(ascii: "\""))
    }

    private static func appendDigits(_ value: UInt64, to out: inout [UInt8]) {
        if value >= 10 { appendDigits(value / 10, to: &out) }
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }
}
