/// Runs a `Plan` on one case's `CaseFacts`, Kleene's three-valued logic as in the language
/// reference, writing every result into a reusable `CaseResult`: after the first case it
/// allocates nothing. `ReferenceEvaluator` is the same semantics written plainly on syntax-like
/// trees; the tests hold the two equal on every shipped rule set and thousands of cases.
///
/// Two ways of evaluating an expression: `value(_:)` gives only the value, which is all a case
/// needs to reach its outcome; `tracked(_:)` also gives the facts read and, when unknown, the
/// unknown facts that made it so. Without a trace the machine computes values and asks for the
/// tracked form only where a verdict shows facts: the rules that decided, the exceptions that
/// lifted, and the open rules of an undetermined decision. With a trace everything is tracked,
/// in the order the reference evaluator reads it, so the trace reads the same.
public struct Machine: Sendable {
    public let plan: Plan

    public init(plan: Plan) {
        self.plan = plan
    }

    /// Decides every decision for `facts`, into `result` (whose storage is reused).
    public func run(_ facts: CaseFacts, tracing: Bool, into result: inout CaseResult) {
        facts.slots.withUnsafeBufferPointer { slots in
            plan.nodes.withUnsafeBufferPointer { nodes in
                var run = MachineRun(plan: plan, nodes: nodes, facts: slots, tracing: tracing, result: result)
                result = CaseResult()  // hands the storage to the run without a copy
                run.decideAll()
                result = run.result
            }
        }
    }
}

/// What a run decided, per decision, with reasons and words in shared buffers.
public struct CaseResult: Sendable {
    public struct Decision: Sendable {
        /// Whether the decision's question applies (nil: it does not, so there is no result).
        public var applies: Bool = false
        /// Text id of the outcome, -1 when undetermined.
        public var outcome: Int32 = -1
        public var exceptional = false
        public var missing = FactSet()
        public var reasons: Range<Int> = 0..<0
        public var referrals: Range<Int> = 0..<0
        public var actions: Range<Int> = 0..<0
    }

    public struct ReasonRecord: Sendable {
        public enum Producer: UInt8, Sendable { case rule, exception, otherwise }
        public var code: Int32
        public var producer: Producer
        /// Rule, exception or decision index.
        public var index: Int32
        public var facts: FactSet
        public var isLifted: Bool
        var sortKey: Int64
    }

    /// A trace event as plain numbers; `TraceEvent` is its readable form.
    public struct Event: Sendable {
        public enum Kind: UInt8, Sendable { case decision, exception, rule, outcome }
        public var kind: Kind
        public var index: Int32
        public var inForce: Bool
        public var truth: Truth
        public var effective: Truth
        /// For an outcome: its text id (-1 undetermined).
        public var outcome: Int32
        public var facts: FactSet
        /// For a rule: the exceptions that lifted it, a range of `liftedBy`.
        public var lifted: Range<Int>
    }

    /// Indexed by decision.
    public internal(set) var decisions: [Decision] = []
    public internal(set) var reasons: [ReasonRecord] = []
    /// Text ids of referrals and actions.
    public internal(set) var words: [Int32] = []
    public internal(set) var events: [Event] = []
    public internal(set) var liftedBy: [Int32] = []

    // Working storage, kept to be reused.
    var derivedValue: [Scalar] = []
    var derivedTracked: [Tracked] = []
    var derivedState: [UInt8] = []
    var exceptionValue: [Scalar] = []
    var exceptionTracked: [Tracked] = []
    var exceptionState: [UInt8] = []
    /// 0 not started, 1 deciding (preliminary outcome readable), 2 done.
    var decisionState: [UInt8] = []
    var possible: [Int32] = []
    var hits: [(rule: Int32, read: FactSet)] = []
    var lifted: [(rule: Int32, read: FactSet)] = []
    var liftingExceptions: [Int32] = []
    var openRules: [Int32] = []
    var pendingReasons: [ReasonRecord] = []
    var pendingReferrals: [Int32] = []
    var pendingActions: [Int32] = []
    var ruleLifts: [Int32] = []

    public init() {}
}

/// A value with the facts it read and, when unknown, the unknown facts responsible.
struct Tracked: Sendable {
    var value: Scalar
    var read: FactSet
    var unknown: FactSet

    static func known(_ value: Scalar, read: FactSet = FactSet()) -> Tracked {
        Tracked(value: value, read: read, unknown: FactSet())
    }
}

/// One rule's truth after its exceptions.
private struct RuleTruth {
    var effective: Truth
    /// Facts its own condition read (tracked runs only).
    var read = FactSet()
    /// Unknown facts that leave it open (tracked runs only).
    var unknown = FactSet()
    /// How many lifting exceptions it pushed onto `ruleLifts`.
    var liftCount = 0
}

struct MachineRun {
    let plan: Plan
    let nodes: UnsafeBufferPointer<PlanNode>
    let facts: UnsafeBufferPointer<Scalar>
    let tracing: Bool
    var result: CaseResult
    let referenceDate: Int64?

    init(plan: Plan, nodes: UnsafeBufferPointer<PlanNode>, facts: UnsafeBufferPointer<Scalar>, tracing: Bool,
         result: CaseResult) {
        self.plan = plan
        self.nodes = nodes
        self.facts = facts
        self.tracing = tracing
        self.result = result
        let slot = Int(plan.referenceFact)
        if slot >= 0, slot < facts.count, facts[slot].kind == .date { referenceDate = facts[slot].bits } else { referenceDate = nil }
        self.result.reset(plan: plan)
    }

    mutating func decideAll() {
        for index in plan.decisions.indices where result.decisionState[index] == 0 { decide(index) }
    }

    // MARK: - Validity

    private func inForce(isAlways: Bool, from: Int64, until: Int64) -> Bool {
        guard !isAlways else { return true }
        guard let referenceDate else { return false }
        return referenceDate >= from && referenceDate <= until
    }

    /// A rule with a period whose reference date is not known may or may not be in force.
    private func periodOpen(isAlways: Bool) -> Bool {
        !isAlways && referenceDate == nil && plan.referenceFact >= 0
    }

    /// `condition ∧ in force` when whether it is in force is unknown: false stays false, the rest
    /// becomes unknown, depending on the reference date.
    private func openPeriod(_ condition: Tracked) -> Tracked {
        guard condition.value.truth != .false else { return condition }
        var o = condition
        o.value = .unknown
        o.read.insert(Int(plan.referenceFact))
        o.unknown.insert(Int(plan.referenceFact))
        return o
    }

    // MARK: - Decisions

    private mutating func decide(_ index: Int) {
        let decision = plan.decisions[index]
        result.decisionState[index] = 1
        var applies = Truth.true
        if decision.condition >= 0 {
            if tracing {
                let t = tracked(decision.condition)
                applies = t.value.truth
                event(.decision, index, truth: applies, facts: t.read)
                if applies == .unknown { result.decisions[index].missing = t.unknown }
            } else {
                applies = value(decision.condition).truth
                if applies == .unknown { result.decisions[index].missing = tracked(decision.condition).unknown }
            }
        } else if tracing {
            event(.decision, index, truth: .true, facts: FactSet())
        }
        switch applies {
        case .false:
            result.decisionState[index] = 2
            return
        case .unknown:
            result.decisions[index].applies = true
            result.decisions[index].outcome = -1
            if tracing { outcomeEvent(index, -1, result.decisions[index].missing) }
            result.decisionState[index] = 2
            return
        case .true:
            result.decisions[index].applies = true
        }

        // Working lists are stacks shared with decisions this one reads: remember where ours start.
        let possibleMark = result.possible.count
        let hitsMark = result.hits.count
        let liftedMark = result.lifted.count
        let liftingMark = result.liftingExceptions.count
        let openMark = result.openRules.count
        let reasonsMark = result.pendingReasons.count
        let referralsMark = result.pendingReferrals.count
        let actionsMark = result.pendingActions.count

        // Walk the stages in order. `possible` collects every outcome the unknown facts still
        // allow; the decision is settled when only one remains.
        var missing = FactSet()
        var settled = false
        var passedUnknownStage = false
        for stageIndex in decision.stages {
            let stage = plan.stages[Int(stageIndex)]
            let stageHits = result.hits.count
            let stageOpen = result.openRules.count
            var stageUnknown = FactSet()
            var anyUnknown = false
            for p in stage.rules {
                let rule = plan.pool[Int(p)]
                let truth = evaluateRule(Int(rule))
                if truth.liftCount > 0 {
                    result.lifted.append((rule, truth.read))
                    let lifts = result.ruleLifts.count - truth.liftCount
                    result.liftingExceptions += result.ruleLifts[lifts...]
                    result.ruleLifts.removeSubrange(lifts...)
                }
                switch truth.effective {
                case .true: result.hits.append((rule, truth.read))
                case .unknown:
                    anyUnknown = true
                    if tracing { stageUnknown.formUnion(truth.unknown) } else { result.openRules.append(rule) }
                case .false: break
                }
            }
            if result.hits.count > stageHits {
                // A stage that decides leaves its own open rules out of what is missing.
                result.openRules.removeSubrange(stageOpen...)
                if stage.overridesUnknowns {
                    result.possible.removeSubrange(possibleMark...)
                    result.possible.append(stage.outcome)
                    missing = FactSet()
                    result.openRules.removeSubrange(openMark...)
                } else if !result.possible[possibleMark...].contains(stage.outcome) {
                    result.possible.append(stage.outcome)
                }
                settled = true
                break
            }
            if anyUnknown {
                if !result.possible[possibleMark...].contains(stage.outcome) { result.possible.append(stage.outcome) }
                missing.formUnion(stageUnknown)
                passedUnknownStage = true
            }
        }
        if !settled, decision.otherwise >= 0, !result.possible[possibleMark...].contains(decision.otherwise) {
            result.possible.append(decision.otherwise)
        }

        var outcome: Int32 = -1
        var exceptional = false
        if result.possible.count - possibleMark == 1 {
            outcome = result.possible[possibleMark]
            missing = FactSet()
            if settled {
                for h in hitsMark..<result.hits.count {
                    let hit = result.hits[h]
                    addRuleEffects(Int(hit.rule), read: tracing ? hit.read : ruleFacts(Int(hit.rule)).read, lifted: false)
                }
            } else {
                // The default's reason holds only if no stage was left open by an unknown fact
                // (an open stage giving the same outcome would be a different reason).
                if decision.otherwiseReason >= 0, !passedUnknownStage {
                    pendReason(decision.otherwiseReason, .otherwise, Int32(index), FactSet(), lifted: false,
                               idRank: decision.otherwiseIDRank)
                }
                if result.lifted.count > liftedMark {
                    exceptional = true
                    for k in liftingMark..<result.liftingExceptions.count {
                        let exception = result.liftingExceptions[k]
                        if result.liftingExceptions[liftingMark..<k].contains(exception) { continue }
                        let info = plan.exceptions[Int(exception)]
                        if info.reason >= 0 {
                            pendReason(info.reason, .exception, exception, trackedException(Int(exception)).read,
                                       lifted: false, idRank: info.idRank)
                        }
                    }
                    for l in liftedMark..<result.lifted.count {
                        let hit = result.lifted[l]
                        addRuleEffects(Int(hit.rule), read: tracing ? hit.read : ruleFacts(Int(hit.rule)).read, lifted: true)
                    }
                }
            }
        } else if !tracing {
            // Undetermined: name the unknown facts of every rule left open.
            for k in openMark..<result.openRules.count { missing.formUnion(ruleFacts(Int(result.openRules[k])).unknown) }
        }
        result.decisions[index].outcome = outcome
        result.decisions[index].exceptional = exceptional
        result.decisions[index].missing = missing
        if tracing { outcomeEvent(index, outcome, missing) }

        // Rules after the decision add reasons and actions whatever the outcome; they may read it.
        for p in decision.afterRules {
            let rule = Int(plan.pool[Int(p)])
            let truth = evaluateRule(rule)
            result.ruleLifts.removeSubrange((result.ruleLifts.count - truth.liftCount)...)
            if truth.effective == .true { addRuleEffects(rule, read: tracing ? truth.read : ruleFacts(rule).read, lifted: false) }
        }
        finish(index, reasonsFrom: reasonsMark, referralsFrom: referralsMark, actionsFrom: actionsMark)
        result.possible.removeSubrange(possibleMark...)
        result.hits.removeSubrange(hitsMark...)
        result.lifted.removeSubrange(liftedMark...)
        result.liftingExceptions.removeSubrange(liftingMark...)
        result.openRules.removeSubrange(openMark...)
        result.decisionState[index] = 2
    }
}

extension MachineRun {
    // MARK: - Rules and exceptions

    /// A rule's truth after exceptions; lifting exceptions are pushed onto `ruleLifts`.
    private mutating func evaluateRule(_ index: Int) -> RuleTruth {
        let rule = plan.rules[index]
        let active = inForce(isAlways: rule.isAlways, from: rule.from, until: rule.until)
        var truth = RuleTruth(effective: .false)
        let own: Truth
        if tracing {
            var o = Tracked.known(.false)
            if active { o = tracked(rule.condition) }
            if !active, periodOpen(isAlways: rule.isAlways) { o = openPeriod(tracked(rule.condition)) }
            own = o.value.truth
            truth.read = o.read
            truth.unknown = o.unknown
        } else {
            var v = Scalar.false
            if active { v = value(rule.condition) }
            if !active, periodOpen(isAlways: rule.isAlways) {
                v = value(rule.condition)
                if v.truth != .false { v = .unknown }
            }
            own = v.truth
        }
        truth.effective = own
        if own != .false, !rule.liftedBy.isEmpty {
            // effective = own ∧ ¬(e1 ∨ e2 ∨ …), in Kleene's logic.
            var anyUnknown = false
            var exceptionUnknown = FactSet()
            for p in rule.liftedBy {
                let exception = plan.pool[Int(p)]
                let e: Truth
                if tracing {
                    let o = trackedException(Int(exception))
                    e = o.value.truth
                    if e == .unknown { exceptionUnknown.formUnion(o.unknown) }
                } else {
                    e = exceptionValue(Int(exception)).truth
                }
                switch e {
                case .true:
                    result.ruleLifts.append(exception)
                    truth.liftCount += 1
                case .unknown: anyUnknown = true
                case .false: break
                }
            }
            if truth.liftCount > 0 {
                truth.effective = .false
                truth.unknown = FactSet()
                if own != .true {  // only a rule that held is shown as lifted
                    result.ruleLifts.removeLast(truth.liftCount)
                    truth.liftCount = 0
                }
            } else if anyUnknown {
                truth.effective = .unknown
                truth.unknown.formUnion(exceptionUnknown)
            }
        }
        if tracing {
            let start = result.liftedBy.count
            result.liftedBy += result.ruleLifts[(result.ruleLifts.count - truth.liftCount)...]
            result.events.append(CaseResult.Event(
                kind: .rule, index: Int32(index), inForce: active, truth: own, effective: truth.effective, outcome: -1,
                facts: truth.read, lifted: start..<result.liftedBy.count))
        }
        return truth
    }

    /// What `evaluateRule` would track, computed afresh for a run without a trace: the facts the
    /// rule's condition read and the unknown facts that leave it open.
    private mutating func ruleFacts(_ index: Int) -> (read: FactSet, unknown: FactSet) {
        let rule = plan.rules[index]
        let active = inForce(isAlways: rule.isAlways, from: rule.from, until: rule.until)
        var own = Tracked.known(.false)
        if active { own = tracked(rule.condition) }
        if !active, periodOpen(isAlways: rule.isAlways) { own = openPeriod(tracked(rule.condition)) }
        var unknown = own.unknown
        if own.value.truth != .false, !rule.liftedBy.isEmpty {
            var anyLifted = false
            var anyUnknown = false
            var exceptionUnknown = FactSet()
            for p in rule.liftedBy {
                let o = trackedException(Int(plan.pool[Int(p)]))
                switch o.value.truth {
                case .true: anyLifted = true
                case .unknown:
                    anyUnknown = true
                    exceptionUnknown.formUnion(o.unknown)
                case .false: break
                }
            }
            if anyLifted { unknown = FactSet() } else if anyUnknown { unknown.formUnion(exceptionUnknown) }
        }
        return (own.read, unknown)
    }

    private mutating func exceptionValue(_ index: Int) -> Scalar {
        if result.exceptionState[index] & 1 != 0 { return result.exceptionValue[index] }
        let exception = plan.exceptions[index]
        var v = Scalar.false
        if inForce(isAlways: exception.isAlways, from: exception.from, until: exception.until) {
            v = value(exception.condition)
        } else if periodOpen(isAlways: exception.isAlways) {
            v = value(exception.condition)
            if v.truth != .false { v = .unknown }
        }
        result.exceptionValue[index] = v
        result.exceptionState[index] |= 1
        return v
    }

    private mutating func trackedException(_ index: Int) -> Tracked {
        if result.exceptionState[index] & 2 != 0 { return result.exceptionTracked[index] }
        let exception = plan.exceptions[index]
        let active = inForce(isAlways: exception.isAlways, from: exception.from, until: exception.until)
        var o = Tracked.known(.false)
        if active { o = tracked(exception.condition) }
        if !active, periodOpen(isAlways: exception.isAlways) { o = openPeriod(tracked(exception.condition)) }
        result.exceptionTracked[index] = o
        result.exceptionState[index] |= 2
        if tracing {
            result.events.append(CaseResult.Event(
                kind: .exception, index: Int32(index), inForce: active, truth: o.value.truth, effective: o.value.truth,
                outcome: -1, facts: o.read, lifted: 0..<0))
        }
        return o
    }

    // MARK: - Effects

    private mutating func addRuleEffects(_ index: Int, read: FactSet, lifted: Bool) {
        let rule = plan.rules[index]
        if rule.reason >= 0 { pendReason(rule.reason, .rule, Int32(index), read, lifted: lifted, idRank: rule.idRank) }
        // A lifted rule is shown as a reason, but its referrals and actions do not apply.
        guard !lifted else { return }
        for target in rule.referrals {
            if target.fact < 0 {
                result.pendingReferrals.append(target.text)
            } else {
                let place = facts[Int(target.fact)]
                if place.kind == .text, plan.referralRank[Int(place.bits)] < Int32(plan.texts.count) {
                    result.pendingReferrals.append(Int32(place.bits))
                }
            }
        }
        result.pendingActions += rule.actions
    }

    private mutating func pendReason(
        _ code: Int32, _ producer: CaseResult.ReasonRecord.Producer, _ index: Int32, _ facts: FactSet, lifted: Bool,
        idRank: Int32
    ) {
        // Reasons are listed in vocabulary order, then by the id of what gave them.
        let key = Int64(plan.reasonRank[Int(code)]) << 32 | Int64(idRank)
        result.pendingReasons.append(CaseResult.ReasonRecord(
            code: code, producer: producer, index: index, facts: facts, isLifted: lifted, sortKey: key))
    }

    /// Moves a decision's reasons, referrals and actions from the working stacks to the result:
    /// sorted (vocabulary order, stable), each listed once.
    private mutating func finish(_ index: Int, reasonsFrom: Int, referralsFrom: Int, actionsFrom: Int) {
        let reasonStart = result.reasons.count
        for k in reasonsFrom..<result.pendingReasons.count {
            let reason = result.pendingReasons[k]
            // Insertion sort: a handful of reasons, and stable.
            var at = result.reasons.count
            var duplicate = false
            for j in reasonStart..<result.reasons.count {
                let other = result.reasons[j]
                if other.code == reason.code, other.sortKey & 0xFFFF_FFFF == reason.sortKey & 0xFFFF_FFFF {
                    duplicate = true
                    break
                }
            }
            if duplicate { continue }
            while at > reasonStart, result.reasons[at - 1].sortKey > reason.sortKey { at -= 1 }
            result.reasons.insert(reason, at: at)
        }
        result.decisions[index].reasons = reasonStart..<result.reasons.count
        result.decisions[index].referrals = moveWords(from: \.pendingReferrals, referralsFrom, rank: plan.referralRank)
        result.decisions[index].actions = moveWords(from: \.pendingActions, actionsFrom, rank: plan.actionRank)
        result.pendingReasons.removeSubrange(reasonsFrom...)
    }

    private mutating func moveWords(from stack: WritableKeyPath<CaseResult, [Int32]>, _ mark: Int, rank: [Int32]) -> Range<Int> {
        let start = result.words.count
        for k in mark..<result[keyPath: stack].count {
            let word = result[keyPath: stack][k]
            if result.words[start...].contains(word) { continue }
            var at = result.words.count
            while at > start, rank[Int(result.words[at - 1])] > rank[Int(word)] { at -= 1 }
            result.words.insert(word, at: at)
        }
        result[keyPath: stack].removeSubrange(mark...)
        return start..<result.words.count
    }

    private mutating func event(_ kind: CaseResult.Event.Kind, _ index: Int, truth: Truth, facts: FactSet) {
        result.events.append(CaseResult.Event(
            kind: kind, index: Int32(index), inForce: true, truth: truth, effective: truth, outcome: -1, facts: facts,
            lifted: 0..<0))
    }

    private mutating func outcomeEvent(_ index: Int, _ outcome: Int32, _ missing: FactSet) {
        result.events.append(CaseResult.Event(
            kind: .outcome, index: Int32(index), inForce: true, truth: .unknown, effective: .unknown, outcome: outcome,
            facts: missing, lifted: 0..<0))
    }

    // MARK: - Expressions

    /// The value of a derived value or decision read by an expression.
    private mutating func derivedValue(_ index: Int) -> Scalar {
        if result.derivedState[index] & 1 != 0 { return result.derivedValue[index] }
        let v = value(plan.derived[index])
        result.derivedValue[index] = v
        result.derivedState[index] |= 1
        return v
    }

    private mutating func trackedDerived(_ index: Int) -> Tracked {
        if result.derivedState[index] & 2 != 0 { return result.derivedTracked[index] }
        let o = tracked(plan.derived[index])
        result.derivedTracked[index] = o
        result.derivedState[index] |= 2
        return o
    }

    private mutating func decisionRecord(_ index: Int) -> CaseResult.Decision {
        if result.decisionState[index] == 0 { decide(index) }
        return result.decisions[index]
    }

    /// The value only. Operands whose value cannot change the result are not evaluated.
    mutating func value(_ n: Int32) -> Scalar {
        let node = nodes[Int(n)]
        switch node.op {
        case .constant: return node.constant
        case .fact: return facts[Int(node.a)]
        case .derived: return derivedValue(Int(node.a))
        case .decision:
            let d = decisionRecord(Int(node.a))
            guard d.applies else { return .none }
            return d.outcome < 0 ? .unknown : .text(d.outcome)
        case .not:
            let v = value(node.a)
            return v.kind == .bool ? .bool(v.bits == 0) : v
        case .and, .or:
            let dominant = Scalar.bool(node.op == .or)
            let left = value(node.a)
            if left == dominant { return dominant }
            let right = value(node.b)
            if right == dominant { return dominant }
            return left.isKnown && right.isKnown ? .bool(node.op == .and) : .unknown
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            let left = value(node.a)
            guard left.isKnown else { return .unknown }
            let right = value(node.b)
            guard right.isKnown else { return .unknown }
            return .bool(MachineRun.compare(node.op, left, right))
        case .member:
            let v = value(node.a)
            guard v.isKnown else { return v }
            return .bool((v.kind != .none && contains(plan.sets[Int(node.b)], v)) != node.flag)
        case .presence:
            let v = value(node.a)
            guard v.isKnown else { return v }
            return .bool((v.kind != .none) == node.flag)
        case .conditional:
            switch value(node.a).truth {
            case .true: return value(node.b)
            case .false: return value(node.c)
            case .unknown:
                let x = value(node.b)
                guard x.isKnown else { return .unknown }
                return value(node.c) == x ? x : .unknown
            }
        case .yearsBetween, .monthsBetween, .daysBetween, .addDays, .addMonths, .addYears,
            .plus, .minus, .times:
            let left = value(node.a)
            guard left.isKnown else { return .unknown }
            let right = value(node.b)
            guard right.isKnown else { return .unknown }
            return MachineRun.apply(node.op, left, right)
        case .negate:
            let v = value(node.a)
            return v.kind == .number ? .number(DecimalNumber(scaled: v.bits).negated) : v
        }
    }

    /// The value with the facts read and the unknown facts responsible, reading exactly what the
    /// reference evaluator reads, in the same order.
    mutating func tracked(_ n: Int32) -> Tracked {
        let node = nodes[Int(n)]
        switch node.op {
        case .constant: return .known(node.constant)
        case .fact:
            let slot = Int(node.a)
            let v = facts[slot]
            return Tracked(value: v, read: FactSet(slot), unknown: v.isKnown ? FactSet() : FactSet(slot))
        case .derived: return trackedDerived(Int(node.a))
        case .decision:
            let d = decisionRecord(Int(node.a))
            guard d.applies else { return .known(.none) }
            guard d.outcome >= 0 else { return Tracked(value: .unknown, read: d.missing, unknown: d.missing) }
            return .known(.text(d.outcome))
        case .not:
            var o = tracked(node.a)
            if o.value.kind == .bool { o.value = .bool(o.value.bits == 0) }
            return o
        case .and, .or:
            let dominant = Scalar.bool(node.op == .or)
            let left = tracked(node.a)
            if left.value == dominant { return .known(dominant, read: left.read) }
            let right = tracked(node.b)
            let read = left.read.union(right.read)
            if right.value == dominant { return .known(dominant, read: read) }
            if left.value.isKnown, right.value.isKnown { return .known(.bool(node.op == .and), read: read) }
            return Tracked(value: .unknown, read: read, unknown: left.unknown.union(right.unknown))
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual,
            .yearsBetween, .monthsBetween, .daysBetween, .addDays, .addMonths, .addYears, .plus, .minus, .times:
            let left = tracked(node.a)
            let right = tracked(node.b)
            let read = left.read.union(right.read)
            guard left.value.isKnown, right.value.isKnown else {
                return Tracked(value: .unknown, read: read, unknown: left.unknown.union(right.unknown))
            }
            switch node.op {
            case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
                return .known(.bool(MachineRun.compare(node.op, left.value, right.value)), read: read)
            default:
                return .known(MachineRun.apply(node.op, left.value, right.value), read: read)
            }
        case .member:
            let o = tracked(node.a)
            guard o.value.isKnown else { return o }
            let isMember = o.value.kind != .none && contains(plan.sets[Int(node.b)], o.value)
            return .known(.bool(isMember != node.flag), read: o.read)
        case .presence:
            let o = tracked(node.a)
            guard o.value.isKnown else { return o }
            return .known(.bool((o.value.kind != .none) == node.flag), read: o.read)
        case .conditional:
            let condition = tracked(node.a)
            switch condition.value.truth {
            case .true:
                var o = tracked(node.b)
                o.read.formUnion(condition.read)
                return o
            case .false:
                var o = tracked(node.c)
                o.read.formUnion(condition.read)
                return o
            case .unknown:
                let x = tracked(node.b)
                let y = tracked(node.c)
                let read = condition.read.union(x.read).union(y.read)
                if x.value.isKnown, y.value.isKnown, x.value == y.value { return .known(x.value, read: read) }
                return Tracked(value: .unknown, read: read,
                               unknown: condition.unknown.union(x.unknown).union(y.unknown))
            }
        case .negate:
            var o = tracked(node.a)
            if o.value.kind == .number { o.value = .number(DecimalNumber(scaled: o.value.bits).negated) }
            return o
        }
    }

    private func contains(_ set: [Scalar], _ v: Scalar) -> Bool {
        var low = 0
        var high = set.count
        while low < high {
            let mid = (low + high) >> 1
            let m = set[mid]
            if m == v { return true }
            if (m.kind.rawValue, m.bits) < (v.kind.rawValue, v.bits) { low = mid + 1 } else { high = mid }
        }
        return false
    }

    /// `=` and `!=` compare any two values; the orderings only numbers with numbers and dates
    /// with dates (`none` is not ordered against anything).
    static func compare(_ op: PlanNode.Op, _ l: Scalar, _ r: Scalar) -> Bool {
        switch op {
        case .equal: return l == r
        case .notEqual: return l != r
        default:
            guard l.kind == r.kind, l.kind == .number || l.kind == .date else { return false }
            switch op {
            case .less: return l.bits < r.bits
            case .lessOrEqual: return l.bits <= r.bits
            case .greater: return l.bits > r.bits
            default: return l.bits >= r.bits
            }
        }
    }

    /// Built-in functions and arithmetic on two known values; `none` when an operand is absent
    /// or the result is out of range.
    static func apply(_ op: PlanNode.Op, _ l: Scalar, _ r: Scalar) -> Scalar {
        func date(_ s: Scalar) -> CivilDate { CivilDate(dayNumber: Int32(truncatingIfNeeded: s.bits)) }
        switch op {
        case .yearsBetween, .monthsBetween, .daysBetween:
            guard l.kind == .date, r.kind == .date else { return .none }
            let count: Int
            switch op {
            case .yearsBetween: count = CivilDate.wholeYearsBetween(date(l), date(r))
            case .monthsBetween: count = CivilDate.wholeMonthsBetween(date(l), date(r))
            default: count = CivilDate.daysBetween(date(l), date(r))
            }
            return .number(DecimalNumber(integer: count))
        case .addDays, .addMonths, .addYears:
            guard l.kind == .date, r.kind == .number, let count = DecimalNumber(scaled: r.bits).integerValue else {
                return .none
            }
            switch op {
            case .addDays: return abs(count) <= 3_000_000 ? .date(date(l).addingDays(count)) : .none
            case .addMonths: return abs(count) <= 100_000 ? .date(date(l).addingMonths(count)) : .none
            default: return abs(count) <= 8_000 ? .date(date(l).addingYears(count)) : .none
            }
        case .plus, .minus, .times:
            guard l.kind == .number, r.kind == .number else { return .none }
            let x = DecimalNumber(scaled: l.bits)
            let y = DecimalNumber(scaled: r.bits)
            let result: DecimalNumber?
            switch op {
            case .plus: result = x.adding(y)
            case .minus: result = x.subtracting(y)
            default: result = x.multiplied(by: y)
            }
            return result.map(Scalar.number) ?? .none
        default:
            return .none
        }
    }
}

extension CaseResult {
    /// Makes the storage ready for a run of `plan`, keeping its capacity.
    mutating func reset(plan: Plan) {
        decisions.removeAll(keepingCapacity: true)
        decisions.append(contentsOf: repeatElement(Decision(), count: plan.decisions.count))
        reasons.removeAll(keepingCapacity: true)
        words.removeAll(keepingCapacity: true)
        events.removeAll(keepingCapacity: true)
        liftedBy.removeAll(keepingCapacity: true)
        func clear<T>(_ array: inout [T], _ count: Int, _ filler: T) {
            if array.count != count {
                array = Array(repeating: filler, count: count)
            } else {
                for i in array.indices { array[i] = filler }
            }
        }
        clear(&derivedState, plan.derived.count, 0)
        if derivedValue.count != plan.derived.count {
            derivedValue = Array(repeating: .unknown, count: plan.derived.count)
            derivedTracked = Array(repeating: .known(.unknown), count: plan.derived.count)
        }
        clear(&exceptionState, plan.exceptions.count, 0)
        if exceptionValue.count != plan.exceptions.count {
            exceptionValue = Array(repeating: .unknown, count: plan.exceptions.count)
            exceptionTracked = Array(repeating: .known(.unknown), count: plan.exceptions.count)
        }
        clear(&decisionState, plan.decisions.count, 0)
    }

    /// Text id of a reason's... the decision record for `index`, if its question applies.
    public func decision(_ index: Int) -> Decision? {
        decisions[index].applies ? decisions[index] : nil
    }
}
