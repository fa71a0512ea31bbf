import RuleDSL

/// Writes a contract verdict (CONTRACT.md section 2, without the trace) straight from a
/// machine's `CaseResult`, byte for byte what `VerdictBuilder` + `VerdictJSON.encode` write for
/// the same case. Every constant piece (keys, names, codes, the reasons' titles and sources,
/// the rule set's name and hash) is encoded once per rule set into one block of bytes, so a
/// verdict is a sequence of copies and a few numbers and dates. The tests hold the two writers
/// equal.
public final class VerdictWriter: Sendable {
    private let plan: Plan
    private let pieces: BytePieces
    /// `intake` and `review` as decision indices (if the rule set has them), in the order the
    /// contract tries them, with `,"pilot":…,"question":…,"decision":`.
    private let questions: [(decision: Int?, head: BytePieces.Piece)]
    private let reviewQuestion: Int?
    private let adviceDecision: Int?
    /// `{"code":…,"rule":…,"title":…,"source":…,"facts":` per rule, exception and decision.
    private let rulePrefix: [BytePieces.Piece]
    private let exceptionPrefix: [BytePieces.Piece]
    private let otherwisePrefix: [BytePieces.Piece]
    /// `"name":` per fact slot, and `"name"` for lists of missing facts.
    private let factKey: [BytePieces.Piece]
    private let factName: [BytePieces.Piece]
    /// Each text of the rule set's table, quoted.
    private let text: [BytePieces.Piece]
    private let literal: Literals
    private let actionRank: [Int]

    /// The fixed bits between the variable parts.
    private struct Literals: Sendable {
        var open, exceptional, reasonsOpen, referrals, actions, missing, adviceOpen, adviceReasons, adviceMissing,
            tail, undetermined, null, yes, no, overridden: BytePieces.Piece
    }

    /// A writer for `ruleSet`'s verdicts, reading results of its plan.
    public init(_ ruleSet: CompiledRuleSet) {
        let program = ruleSet.program
        plan = ruleSet.plan
        var builder = BytePieces.Builder()
        func json(_ build: (inout JSONWriter) -> Void) -> BytePieces.Piece {
            var w = JSONWriter(reservingCapacity: 128)
            build(&w)
            return builder.add(w.bytes)
        }
        func raw(_ s: String) -> BytePieces.Piece { builder.add(Array(s.utf8)) }
        questions = VerdictBuilder.questions.map { name in
            (
                program.decisionIndex(named: name),
                json { w in
                    w.appendRaw(",")
                    w.appendKey("pilot")
                    w.appendString(program.name)
                    w.appendRaw(",")
                    w.appendKey("question")
                    w.appendString(name)
                    w.appendRaw(",")
                    w.appendKey("decision")
                }
            )
        }
        reviewQuestion = program.decisionIndex(named: "review")
        adviceDecision = program.decisionIndex(named: VerdictBuilder.adviceDecision)
        func prefix(_ code: String?, _ id: String, _ title: String?, _ source: String?) -> BytePieces.Piece {
            json { w in
                w.appendRaw("{")
                w.appendKey("code")
                w.appendString(code ?? "")
                w.appendRaw(",")
                w.appendKey("rule")
                w.appendString(id)
                w.appendRaw(",")
                w.appendKey("title")
                w.appendString(title ?? id)
                w.appendRaw(",")
                w.appendKey("source")
                w.appendString(source ?? "")
                w.appendRaw(",")
                w.appendKey("facts")
            }
        }
        rulePrefix = program.rules.map { prefix($0.reason, $0.id, $0.title, $0.source) }
        exceptionPrefix = program.exceptions.map { prefix($0.reason, $0.id, $0.title, $0.source) }
        otherwisePrefix = program.decisions.map { prefix($0.otherwiseReason, "\($0.name).otherwise", $0.title, nil) }
        factKey = program.facts.map { fact in json { $0.appendKey(fact.name) } }
        factName = program.facts.map { fact in json { $0.appendString(fact.name) } }
        text = plan.texts.texts.map { t in json { $0.appendString(t) } }
        literal = Literals(
            open: raw(#"{"case_id":"#), exceptional: raw(#","exceptional":"#), reasonsOpen: raw(#","reasons":["#),
            referrals: raw(#"],"referrals":"#), actions: raw(#","actions":"#), missing: raw(#","missing_facts":"#),
            adviceOpen: raw(#","scenario_advice":{"scenario":"#), adviceReasons: raw(#","reasons":["#),
            adviceMissing: raw(#"],"missing_facts":"#),
            tail: json { w in
                w.appendRaw(",")
                w.appendKey("ruleset")
                w.appendRaw("{")
                w.appendKey("name")
                w.appendString(program.name)
                w.appendRaw(",")
                w.appendKey("sha256")
                w.appendString(program.sha256)
                w.appendRaw("}}")
            },
            undetermined: json { $0.appendString(DecisionResult.undetermined) }, null: raw("null"), yes: raw("true"),
            no: raw("false"),
            overridden: raw(#","overridden":true"#))
        let order = program.vocabulary[.actions] ?? []
        actionRank = plan.texts.texts.map { order.firstIndex(of: $0) ?? order.count }
        pieces = builder.build()
    }

    /// Appends the verdict line (without the newline). `caseID` is the id's JSON text, quotes
    /// included. The case's texts the rule set does not know are its facts' own, or, when
    /// `texts.inLine`, ranges of `line` (as `CaseScanner.read(_:into:texts:)` leaves them).
    package func append(
        caseID: UnsafeBufferPointer<UInt8>, facts: CaseFacts, texts: LineTexts, line: UnsafeBufferPointer<UInt8>,
        result: CaseResult, to out: inout ByteBuffer
    ) {
        var main: CaseResult.Decision?
        var head = questions[0].head
        var isReview = false
        for question in questions {
            if let index = question.decision, let d = result.decision(index) {
                main = d
                head = question.head
                isReview = index == reviewQuestion
                break
            }
        }
        pieces.append(literal.open, to: &out)
        out.append(caseID)
        pieces.append(head, to: &out)
        if let main, main.outcome >= 0 {
            pieces.append(text[Int(main.outcome)], to: &out)
        } else {
            pieces.append(literal.undetermined, to: &out)
        }
        pieces.append(literal.exceptional, to: &out)
        pieces.append((main?.exceptional ?? false) ? literal.yes : literal.no, to: &out)
        pieces.append(literal.reasonsOpen, to: &out)
        if let main {
            for k in main.reasons {
                if k > main.reasons.lowerBound { out.append(UInt8(ascii: ",")) }
                appendReason(result.reason(k), facts, texts, line, &out)
            }
        }
        pieces.append(literal.referrals, to: &out)
        appendWords(main?.referrals ?? 0..<0, result, &out)

        // Actions: the question's, then the advice's not yet listed, in vocabulary order.
        var advice: CaseResult.Decision?
        if isReview, let adviceDecision { advice = result.decision(adviceDecision) }
        pieces.append(literal.actions, to: &out)
        if let advice, !advice.actions.isEmpty {
            appendMergedActions(main?.actions ?? 0..<0, advice.actions, result, &out)
        } else {
            appendWords(main?.actions ?? 0..<0, result, &out)
        }
        pieces.append(literal.missing, to: &out)
        appendNames(main?.missing ?? FactSet(), &out)
        if let advice {
            pieces.append(literal.adviceOpen, to: &out)
            pieces.append(advice.outcome >= 0 ? text[Int(advice.outcome)] : literal.null, to: &out)
            pieces.append(literal.adviceReasons, to: &out)
            for k in advice.reasons {
                if k > advice.reasons.lowerBound { out.append(UInt8(ascii: ",")) }
                pieces.append(text[Int(result.reason(k).code)], to: &out)
            }
            pieces.append(literal.adviceMissing, to: &out)
            appendNames(advice.missing, &out)
            out.append(UInt8(ascii: "}"))
        }
        pieces.append(literal.tail, to: &out)
    }

    private func appendReason(
        _ reason: CaseResult.ReasonRecord, _ facts: CaseFacts, _ texts: LineTexts, _ line: UnsafeBufferPointer<UInt8>,
        _ out: inout ByteBuffer
    ) {
        switch reason.producer {
        case .rule: pieces.append(rulePrefix[Int(reason.index)], to: &out)
        case .exception: pieces.append(exceptionPrefix[Int(reason.index)], to: &out)
        case .otherwise: pieces.append(otherwisePrefix[Int(reason.index)], to: &out)
        }
        out.append(UInt8(ascii: "{"))
        var first = true
        reason.facts.forEachSlot { slot in
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            pieces.append(factKey[slot], to: &out)
            appendValue(facts.slots[slot], facts, texts, line, &out)
        }
        out.append(UInt8(ascii: "}"))
        if reason.isLifted { pieces.append(literal.overridden, to: &out) }
        out.append(UInt8(ascii: "}"))
    }

    private func appendWords(_ range: Range<Int>, _ result: CaseResult, _ out: inout ByteBuffer) {
        out.append(UInt8(ascii: "["))
        for k in range {
            if k > range.lowerBound { out.append(UInt8(ascii: ",")) }
            pieces.append(text[Int(result.word(k))], to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// The review's actions and the advice's, each once, in vocabulary order (stable: actions
    /// outside the vocabulary keep their order). Rare: only a review with advice actions.
    private func appendMergedActions(
        _ own: Range<Int>, _ advice: Range<Int>, _ result: CaseResult, _ out: inout ByteBuffer
    ) {
        // The review's own actions, then the advice's not among them, in vocabulary order (ties
        // keep their place): a stable insertion sort on the stack, since a verdict has few.
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: own.count + advice.count) { actions in
            var count = 0
            for k in own {
                actions[count] = result.word(k)
                count += 1
            }
            for k in advice {
                let word = result.word(k)
                if !actions[0..<count].contains(word) {
                    actions[count] = word
                    count += 1
                }
            }
            for i in 0..<count {
                let word = actions[i]
                var j = i
                while j > 0, actionRank[Int(actions[j - 1])] > actionRank[Int(word)] {
                    actions[j] = actions[j - 1]
                    j -= 1
                }
                actions[j] = word
            }
            out.append(UInt8(ascii: "["))
            for n in 0..<count {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                pieces.append(text[Int(actions[n])], to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
    }

    private func appendNames(_ set: FactSet, _ out: inout ByteBuffer) {
        out.append(UInt8(ascii: "["))
        var first = true
        set.forEachSlot { slot in
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            pieces.append(factName[slot], to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// A fact value as JSON, as `VerdictJSON.appendValue` writes it: unknown and none are null.
    private func appendValue(
        _ value: Scalar, _ facts: CaseFacts, _ texts: LineTexts, _ line: UnsafeBufferPointer<UInt8>,
        _ out: inout ByteBuffer
    ) {
        switch value.kind {
        case .unknown, .none: pieces.append(literal.null, to: &out)
        case .bool: pieces.append(value.bits != 0 ? literal.yes : literal.no, to: &out)
        case .number: NumberText.append(DecimalNumber(scaled: value.bits), to: &out)
        case .date: NumberText.append(CivilDate(dayNumber: Int32(truncatingIfNeeded: value.bits)), to: &out)
        case .text: pieces.append(text[Int(value.bits)], to: &out)
        case .localText:
            let index = value.localIndex
            if texts.inLine {
                JSONWriter.appendQuoted(texts.text(index, in: line), to: &out)
            } else {
                let range = facts.localRanges[index]
                facts.localBytes.withUnsafeBufferPointer { bytes in
                    JSONWriter.appendQuoted(UnsafeBufferPointer(rebasing: bytes[range]), to: &out)
                }
            }
        }
    }
}

/// Byte strings encoded once and kept in one block the pieces point into: appending one is a
/// single copy, with no reference counting of an array per piece.
final class BytePieces: @unchecked Sendable {
    struct Piece: Sendable {
        let start: Int32
        let count: Int32
    }

    struct Builder {
        var bytes: [UInt8] = []
        mutating func add(_ piece: [UInt8]) -> Piece {
            defer { bytes += piece }
            return Piece(start: Int32(bytes.count), count: Int32(piece.count))
        }
        func build() -> BytePieces { BytePieces(bytes) }
    }

    private let base: UnsafeMutablePointer<UInt8>

    private init(_ bytes: [UInt8]) {
        base = .allocate(capacity: max(bytes.count, 1))
        base.initialize(from: bytes, count: bytes.count)
    }

    deinit { base.deallocate() }

    @inline(__always) func append(_ piece: Piece, to out: inout ByteBuffer) {
        out.append(UnsafeBufferPointer(start: base + Int(piece.start), count: Int(piece.count)))
    }
}

/// Numbers and dates written as bytes, the same text as their `description`, without making
/// a String.
enum NumberText {
    /// `DecimalNumber.scale`, as a constant of this module: a division by a constant the
    /// compiler sees becomes a multiplication (this writes every number of a batch).
    static let scale: UInt64 = 1_000_000

    static func append(_ n: DecimalNumber, to out: inout ByteBuffer) {
        let magnitude = n.scaled.magnitude
        if n.scaled < 0 { out.append(UInt8(ascii: "-")) }
        appendDigits(magnitude / scale, to: &out)
        var fraction = magnitude % scale
        guard fraction != 0 else { return }
        out.append(UInt8(ascii: "."))
        var width = 6
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        var divisor: UInt64 = 1
        for _ in 1..<width { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
            divisor /= 10
        }
    }

    static func append(_ d: CivilDate, to out: inout ByteBuffer) {
        let (year, month, day) = d.components
        guard (0...9999).contains(year) else {
            out.append(Array("\"\(d.description)\"".utf8))
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

    private static func appendDigits(_ value: UInt64, to out: inout ByteBuffer) {
        if value >= 10 { appendDigits(value / 10, to: &out) }
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }
}
