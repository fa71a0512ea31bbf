import RuleSemantics
import RuleSyntax
import RuleValues

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
package struct Machine: Sendable {
    package let plan: Plan

    package init(plan: Plan) {
        self.plan = plan
    }

    /// Decides every decision for `facts`, into `result` (whose storage is reused).
    package func run(_ facts: CaseFacts, tracing: Bool, into result: CaseResult) {
        facts.slots.withUnsafeBufferPointer { run(slots: $0, tracing: tracing, into: result) }
    }

    /// `run` for a case given as its slots alone (`CaseFacts.slots`), as a caseload held in one
    /// block of memory gives them. The machine reads nothing else of a case.
    package func run(slots: UnsafeBufferPointer<Scalar>, tracing: Bool, into result: CaseResult) {
        precondition(slots.count == plan.factCount, "facts for a different rule set")
        precondition(result.plan === plan, "a result made for a different rule set")
        result.run.decideAll(facts: slots, tracing: tracing)
    }
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

/// Whether a run records a trace, as a type: `decide` is compiled once for each, so a run
/// without a trace carries none of the tracing code.
protocol RunMode {
    static var tracing: Bool { get }
}

enum Traced: RunMode {
    static var tracing: Bool { true }
}

enum Untraced: RunMode {
    static var tracing: Bool { false }
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
    /// Not retained: the `CaseResult` that holds this run holds the plan.
    unowned(unsafe) let plan: Plan
    let nodes: UnsafeBufferPointer<PlanNode>
    let textSets: UnsafeBufferPointer<UInt64>
    /// How many texts the rule set knows: a rank of that much means "not in the vocabulary".
    let textCount: Int32
    // The case being decided: set by `decideAll`.
    var facts = UnsafeBufferPointer<Scalar>(start: nil, count: 0)
    var tracing = false
    var referenceDate: Int64?
    // The result's lists: one block each, as large as a run can need (a rule is evaluated at
    // most once per case); the counts are the result's.
    var decisions: Buffer<CaseResult.Decision>
    var reasons: Buffer<CaseResult.ReasonRecord>
    var words: Buffer<Int32>
    var events: Buffer<CaseResult.Event>
    var liftedBy: Buffer<Int32>
    let derivedValue: Buffer<Scalar>
    let derivedTracked: Buffer<Tracked>
    /// The three state lists below, one block.
    let states: Buffer<UInt8>
    /// Bit 1: value known; bit 2: tracked form known.
    let derivedState: Buffer<UInt8>
    let exceptionValue: Buffer<Scalar>
    let exceptionTracked: Buffer<Tracked>
    let exceptionState: Buffer<UInt8>
    /// 0 not started, 1 deciding (the preliminary outcome is readable), 2 done.
    let decisionState: Buffer<UInt8>
    // Working stacks, shared with decisions read along the way: each decision truncates them
    // back to where it began.
    var possible: Buffer<Int32>
    var hits: Buffer<RuleRead>
    var lifted: Buffer<RuleRead>
    var liftingExceptions: Buffer<Int32>
    var openRules: Buffer<Int32>
    /// With a trace: the unknown facts of each rule in `openRules` (a run without a trace works
    /// them out again only for an undetermined decision, `ruleFacts`).
    var openUnknown: Buffer<FactSet>
    var pendingReasons: Buffer<CaseResult.ReasonRecord>
    var pendingReferrals: Buffer<Int32>
    var pendingActions: Buffer<Int32>
    var ruleLifts: Buffer<Int32>
    /// Each deciding rule's truth after its exceptions, as its stage found it in this case:
    /// what `only_because` reads of the stages (written for every rule of a stage walked).
    let ruleTruth: Buffer<Truth>
    // While a decision's after-rules run, what `only_because` reads of it: the decision, its
    // reasons' place in `pendingReasons`, and the stages whose open rules could add a reason.
    var afterDecision: Int32 = -1
    var afterReasons = 0..<0
    var afterStages: Range<Int32> = 0..<0

    /// Made once per `CaseResult`, which keeps it from case to case and frees its memory
    /// (`free()`): a run starts without building anything.
    init(plan: Plan) {
        self.plan = plan
        self.nodes = plan.nodes
        self.textSets = plan.textSets
        self.textCount = Int32(plan.texts.count)
        let rules = plan.rules.count
        let exceptions = plan.exceptions.count
        let decisionCount = plan.decisions.count
        let lifts = plan.rules.reduce(0) { $0 + $1.liftedBy.count }
        // Per decision: its rules' reasons, each exception once, the default's reason.
        let reasonBound = rules + exceptions * decisionCount + decisionCount
        decisions = Buffer(capacity: decisionCount)
        reasons = Buffer(capacity: reasonBound)
        words = Buffer(capacity: plan.referrals.count + plan.actions.count)
        events = Buffer(capacity: 2 * decisionCount + rules + exceptions)
        liftedBy = Buffer(capacity: lifts)
        derivedValue = Buffer(capacity: plan.derived.count)
        derivedTracked = Buffer(capacity: plan.derived.count)
        states = Buffer(capacity: plan.derived.count + exceptions + decisionCount)
        derivedState = Buffer(slice: states, from: 0, capacity: plan.derived.count)
        exceptionValue = Buffer(capacity: exceptions)
        exceptionTracked = Buffer(capacity: exceptions)
        exceptionState = Buffer(slice: states, from: plan.derived.count, capacity: exceptions)
        decisionState = Buffer(slice: states, from: plan.derived.count + exceptions, capacity: decisionCount)
        possible = Buffer(capacity: plan.stages.count + decisionCount)
        hits = Buffer(capacity: rules)
        lifted = Buffer(capacity: rules)
        liftingExceptions = Buffer(capacity: lifts)
        openRules = Buffer(capacity: rules)
        openUnknown = Buffer(capacity: rules)
        pendingReasons = Buffer(capacity: reasonBound)
        pendingReferrals = Buffer(capacity: plan.referrals.count)
        pendingActions = Buffer(capacity: plan.actions.count)
        ruleLifts = Buffer(capacity: lifts)
        ruleTruth = Buffer(capacity: rules)
    }

    /// Frees every list (the state lists are views of `states`).
    func free() {
        decisions.free()
        reasons.free()
        words.free()
        events.free()
        liftedBy.free()
        derivedValue.free()
        derivedTracked.free()
        states.free()
        exceptionValue.free()
        exceptionTracked.free()
        possible.free()
        hits.free()
        lifted.free()
        liftingExceptions.free()
        openRules.free()
        openUnknown.free()
        pendingReasons.free()
        pendingReferrals.free()
        pendingActions.free()
        ruleLifts.free()
        ruleTruth.free()
    }

    /// Decides every decision for one case, starting from empty lists.
    mutating func decideAll(facts: UnsafeBufferPointer<Scalar>, tracing: Bool) {
        self.facts = facts
        self.tracing = tracing
        let slot = Int(plan.referenceFact)
        if slot >= 0, slot < facts.count, facts[slot].kind == .date {
            referenceDate = facts[slot].bits
        } else {
            referenceDate = nil
        }
        // The result's lists start empty; the working stacks need nothing: every decision ends
        // them where it began, so after a run they are empty.
        reasons.count = 0
        words.count = 0
        events.count = 0
        liftedBy.count = 0
        states.fill(0, count: states.capacity)
        for index in plan.decisions.indices where decisionState[index] == 0 {
            // Without a trace, a question that does not apply to the case is settled here, without
            // the call: most cases answer one question of several.
            let condition = plan.decisions[index].condition
            guard !tracing, condition >= 0 else {
                decide(index)
                continue
            }
            let applies = truth(condition, test: plan.decisionTest[index])
            if applies == .false {
                decisions[index] = CaseResult.Decision()
                decisionState[index] = 2
                continue
            }
            decide(index, applies: applies, Untraced.self)
        }
    }

    private func isPossible(_ outcome: Int32, from mark: Int) -> Bool {
        var k = mark
        while k < possible.count {
            if possible[k] == outcome { return true }
            k += 1
        }
        return false
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

    /// Decides decision `index`; `known`: whether its question applies, when the caller has
    /// already tested that (a run without a trace).
    private mutating func decide<Mode: RunMode>(_ index: Int, applies known: Truth? = nil, _: Mode.Type) {
        let decision = plan.decisions[index]
        decisions[index] = CaseResult.Decision()
        decisionState[index] = 1
        var applies = Truth.true
        if decision.condition >= 0 {
            if Mode.tracing {
                let t = tracked(decision.condition)
                applies = t.value.truth
                event(.decision, index, truth: applies, facts: t.read)
                if applies == .unknown { decisions[index].missing = t.unknown }
            } else {
                applies = known ?? test(plan.decisionTest[index])
                if applies == .unknown { decisions[index].missing = tracked(decision.condition).unknown }
            }
        } else if Mode.tracing {
            event(.decision, index, truth: .true, facts: FactSet())
        }
        switch applies {
        case .false:
            decisionState[index] = 2
            return
        case .unknown:
            decisions[index].applies = true
            decisions[index].outcome = -1
            if Mode.tracing { outcomeEvent(index, -1, decisions[index].missing) }
            decisionState[index] = 2
            return
        case .true:
            decisions[index].applies = true
        }

        // Working lists are stacks shared with decisions this one reads: remember where ours start.
        let possibleMark = possible.count
        let hitsMark = hits.count
        let liftedMark = lifted.count
        let liftingMark = liftingExceptions.count
        let openMark = openRules.count
        let reasonsMark = pendingReasons.count
        let referralsMark = pendingReferrals.count
        let actionsMark = pendingActions.count

        // Walk the stages in order. `possible` collects every outcome the unknown facts still
        // allow; the decision is settled when only one remains.
        var missing = FactSet()
        var settled = false
        var passedUnknownStage = false
        var decidingStage: Int32 = -1
        // The plan's tables, read once: the calls in the loops could not change them, but the
        // compiler cannot know that and would read them again each time.
        let (stages, stageRules) = (plan.stages, plan.stageRules)
        for stageIndex in decision.stages {
            let stage = stages[Int(stageIndex)]
            let stageHits = hits.count
            let stageOpen = openRules.count
            var stageUnknown = FactSet()
            var anyUnknown = false
            var next = Int(stage.rules.lowerBound)
            while next < Int(stage.rules.upperBound) {
                let entry = stageRules[next]
                next &+= 1
                let rule = entry.rule
                let truth: RuleTruth
                if !Mode.tracing, entry.isAlways {
                    // Without a trace, every rule in force whatever the date ends here; most
                    // because the condition is false.
                    var effective = self.truth(entry.condition, test: entry.test)
                    if effective == .false {
                        ruleTruth[Int(rule)] = .false
                        continue
                    }
                    if entry.isLiftable { effective = liftedTruth(Int(rule), own: effective) }
                    ruleTruth[Int(rule)] = effective
                    switch effective {
                    case .true: hits.push(RuleRead(rule: rule, read: FactSet()))
                    case .unknown:
                        anyUnknown = true
                        openRules.push(rule)
                    case .false: break
                    }
                    continue
                } else {
                    truth = evaluateRule(Int(rule))
                    ruleTruth[Int(rule)] = truth.effective
                }
                if truth.liftCount > 0 {
                    lifted.push(RuleRead(rule: rule, read: truth.read))
                    let lifts = ruleLifts.count - truth.liftCount
                    for k in lifts..<ruleLifts.count { liftingExceptions.push(ruleLifts[k]) }
                    ruleLifts.truncate(to: lifts)
                }
                switch truth.effective {
                case .true: hits.push(RuleRead(rule: rule, read: truth.read))
                case .unknown:
                    anyUnknown = true
                    if Mode.tracing {
                        stageUnknown.formUnion(truth.unknown)
                        openUnknown.push(truth.unknown)
                    }
                    openRules.push(rule)
                case .false: break
                }
            }
            if hits.count > stageHits {
                // A stage that decides leaves its own open rules out of what is missing.
                openRules.truncate(to: stageOpen)
                openUnknown.truncate(to: stageOpen)
                if stage.overridesUnknowns {
                    possible.truncate(to: possibleMark)
                    possible.push(stage.outcome)
                    missing = FactSet()
                    openRules.truncate(to: openMark)
                    openUnknown.truncate(to: openMark)
                } else if !isPossible(stage.outcome, from: possibleMark) {
                    possible.push(stage.outcome)
                }
                settled = true
                decidingStage = stageIndex
                break
            }
            if anyUnknown {
                if !isPossible(stage.outcome, from: possibleMark) { possible.push(stage.outcome) }
                missing.formUnion(stageUnknown)
                passedUnknownStage = true
            }
        }
        if !settled, decision.otherwise >= 0, !isPossible(decision.otherwise, from: possibleMark) {
            possible.push(decision.otherwise)
        }

        var outcome: Int32 = -1
        var exceptional = false
        var exactKnown = false
        if possible.count - possibleMark == 1 {
            outcome = possible[possibleMark]
            missing = FactSet()
            if settled {
                for h in hitsMark..<hits.count {
                    let hit = hits[h]
                    addRuleEffects(
                        Int(hit.rule), read: Mode.tracing ? hit.read : heldRead(Int(hit.rule)), lifted: false)
                }
            } else {
                // The default's reason holds only if no stage was left open by an unknown fact
                // (an open stage giving the same outcome would be a different reason).
                if decision.otherwiseReason >= 0, !passedUnknownStage {
                    pendReason(
                        decision.otherwiseReason, .otherwise, Int32(index), FactSet(), lifted: false,
                        idRank: decision.otherwiseIDRank)
                }
                if lifted.count > liftedMark {
                    exceptional = true
                    for k in liftingMark..<liftingExceptions.count {
                        let exception = liftingExceptions[k]
                        if liftingExceptions.contains(exception, in: liftingMark..<k) { continue }
                        let info = plan.exceptions[Int(exception)]
                        if info.reason >= 0 {
                            pendReason(
                                info.reason, .exception, exception, trackedException(Int(exception)).read,
                                lifted: false, idRank: info.idRank)
                        }
                    }
                    for l in liftedMark..<lifted.count {
                        let hit = lifted[l]
                        addRuleEffects(
                            Int(hit.rule), read: Mode.tracing ? hit.read : heldRead(Int(hit.rule)), lifted: true)
                    }
                }
            }
        } else {
            // Undetermined: name the unknown facts of every rule left open (a trace has them by
            // stage already). When the open rules have unknown facts of their own that can move
            // them (`Plan.freeFacts`), the exact missing facts follow from the stages alone
            // (`MissingFacts`'s independent way, on the machine's tables): the usual undetermined
            // case needs no second evaluation.
            let final = settled ? stages[Int(decidingStage)].outcome : decision.otherwise
            var independent = true
            var seen = FactSet()
            var exact = FactSet()
            for k in openMark..<openRules.count {
                let rule = Int(openRules[k])
                let unknown: FactSet
                if Mode.tracing {
                    unknown = openUnknown[k]
                } else {
                    unknown = ruleFacts(rule).unknown
                    missing.formUnion(unknown)
                }
                guard independent else { continue }
                guard rule < plan.freeFacts.count, plan.stageOfRule[rule] >= 0, !unknown.isEmpty,
                    seen.isDisjoint(with: unknown), plan.freeFacts[rule].moves(unknown, isKnown: isKnown)
                else {
                    independent = false
                    continue
                }
                seen.formUnion(unknown)
                if laterOutcomeDiffers(k, final: final) { exact.formUnion(unknown) }
            }
            if independent {
                exactKnown = true
                missing = exact
            }
        }
        if outcome < 0, !exactKnown { missing = exactMissing(index, union: missing) }
        decisions[index].outcome = outcome
        decisions[index].exceptional = exceptional
        decisions[index].missing = missing
        if Mode.tracing { outcomeEvent(index, outcome, missing) }

        // Rules after the decision add reasons and actions whatever the outcome; they may read it,
        // and its reasons (`only_because`): a stage that overrides unknowns leaves out the open
        // stages before it.
        let saved = (afterDecision, afterReasons, afterStages)
        afterDecision = Int32(index)
        afterReasons = reasonsMark..<pendingReasons.count
        if settled {
            let first = stages[Int(decidingStage)].overridesUnknowns ? decidingStage : decision.stages.lowerBound
            afterStages = first..<(decidingStage + 1)
        } else {
            afterStages = decision.stages
        }
        defer { (afterDecision, afterReasons, afterStages) = saved }
        for p in decision.afterRules {
            let rule = Int(plan.pool[Int(p)])
            if !Mode.tracing, plan.rules[rule].isAlways, plan.rules[rule].liftedBy.isEmpty {
                if test(plan.ruleTest[rule]) == .true { addRuleEffects(rule, read: heldRead(rule), lifted: false) }
                continue
            }
            let truth = evaluateRule(rule)
            ruleLifts.truncate(to: ruleLifts.count - truth.liftCount)
            if truth.effective == .true {
                addRuleEffects(rule, read: Mode.tracing ? truth.read : heldRead(rule), lifted: false)
            }
        }
        finish(index, reasonsFrom: reasonsMark, referralsFrom: referralsMark, actionsFrom: actionsMark)
        possible.truncate(to: possibleMark)
        hits.truncate(to: hitsMark)
        lifted.truncate(to: liftedMark)
        liftingExceptions.truncate(to: liftingMark)
        openRules.truncate(to: openMark)
        openUnknown.truncate(to: openMark)
        decisionState[index] = 2
    }
}

extension MachineRun {
    // MARK: - Rules and exceptions

    /// The truth of a rule that may be lifted, after its exceptions, in a run without a trace:
    /// `own ∧ ¬(e1 ∨ e2 ∨ …)` in Kleene's logic. A rule that held and is lifted is recorded, with
    /// the exceptions that lifted it.
    private mutating func liftedTruth(_ index: Int, own: Truth) -> Truth {
        let mark = liftingExceptions.count
        var anyUnknown = false
        let (liftedBy, pool) = (plan.rules[index].liftedBy, plan.pool)
        var next = Int(liftedBy.lowerBound)
        while next < Int(liftedBy.upperBound) {
            let exception = pool[next]
            next &+= 1
            switch exceptionValue(Int(exception)).truth {
            case .true: liftingExceptions.push(exception)
            case .unknown: anyUnknown = true
            case .false: break
            }
        }
        guard liftingExceptions.count == mark else {
            // Only a rule that held is shown as lifted.
            if own == .true {
                lifted.push(RuleRead(rule: Int32(index), read: FactSet()))
            } else {
                liftingExceptions.truncate(to: mark)
            }
            return .false
        }
        return anyUnknown ? .unknown : own
    }

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
            var t = Truth.false
            if active { t = test(plan.ruleTest[index]) }
            if !active, periodOpen(isAlways: rule.isAlways) {
                t = test(plan.ruleTest[index])
                if t != .false { t = .unknown }
            }
            own = t
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
                    ruleLifts.push(exception)
                    truth.liftCount += 1
                case .unknown: anyUnknown = true
                case .false: break
                }
            }
            if truth.liftCount > 0 {
                truth.effective = .false
                truth.unknown = FactSet()
                if own != .true {  // only a rule that held is shown as lifted
                    ruleLifts.truncate(to: ruleLifts.count - truth.liftCount)
                    truth.liftCount = 0
                }
            } else if anyUnknown {
                truth.effective = .unknown
                truth.unknown.formUnion(exceptionUnknown)
            }
        }
        if tracing {
            let start = liftedBy.count
            for k in (ruleLifts.count - truth.liftCount)..<ruleLifts.count {
                liftedBy.push(ruleLifts[k])
            }
            events.push(
                CaseResult.Event(
                    kind: .rule, index: Int32(index), inForce: active, truth: own, effective: truth.effective,
                    outcome: -1,
                    facts: truth.read, lifted: start..<liftedBy.count))
        }
        return truth
    }

    /// Whether a fact is known in the case.
    private func isKnown(_ slot: Int) -> Bool { facts[slot].kind != .unknown }

    /// Whether some outcome after the stage of open rule `k` (a later open stage's, or `final`:
    /// the deciding stage's or the otherwise) differs from that stage's: then the rule's
    /// unknown facts can change the decision (`MissingFacts.Context.independent`).
    private func laterOutcomeDiffers(_ k: Int, final: Int32) -> Bool {
        let stage = plan.stageOfRule[Int(openRules[k])]
        let outcome = plan.stages[Int(stage)].outcome
        if final != outcome { return true }
        for l in (k + 1)..<openRules.count {
            let later = plan.stageOfRule[Int(openRules[l])]
            if later != stage, later >= 0, plan.stages[Int(later)].outcome != outcome { return true }
        }
        return false
    }

    /// The exact missing facts of an undetermined decision (`MissingFacts`), computed on the case
    /// as readable values: only undetermined decisions pay for it. A text the rule set does not
    /// know stands for itself by a name no rule can compare with, as a local text does here.
    @inline(never)
    private func exactMissing(_ index: Int, union: FactSet) -> FactSet {
        let program = plan.program
        let texts = plan.texts.texts
        var values: [Value?] = []
        values.reserveCapacity(facts.count)
        for s in facts {
            switch s.kind {
            case .unknown: values.append(nil)
            case .none: values.append(Value.none)
            case .bool: values.append(.bool(s.bits != 0))
            case .number: values.append(.number(DecimalNumber(scaled: s.bits)))
            case .date: values.append(.date(CivilDate(dayNumber: Int32(truncatingIfNeeded: s.bits))))
            case .text: values.append(.text(texts[Int(s.bits)]))
            case .localText:
                // Blank or not as the case's own text was (`is_blank`), and equal to no text a
                // rule names: an ideographic space then spaces, one more per local text.
                values.append(
                    .text(
                        s.bits & Scalar.blankFlag != 0
                            ? "\u{3000}" + String(repeating: " ", count: s.localIndex + 1)
                            : "\u{0}local text \(s.localIndex)"))
            }
        }
        return plan.exactMissing(program, values, index)
    }

    /// The facts read by the condition of a rule that held (a run without a trace): known from
    /// the plan for most rules, else evaluated again, tracked.
    private mutating func heldRead(_ index: Int) -> FactSet {
        // Only a reason shows the facts: a rule without one gives actions or referrals alone.
        if plan.rules[index].reason < 0 { return FactSet() }
        if plan.rules[index].readsWhenTrue { return plan.rules[index].readWhenTrue }
        if plan.rules[index].readsByLeft {
            let leftIsDominant = test(plan.leftTest[index]) == (plan.rules[index].leftDominant ? .true : .false)
            return leftIsDominant ? plan.rules[index].readWhenTrue : plan.rules[index].readOtherwise
        }
        return ruleFacts(index).read
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

    /// An exception's value (a run without a trace): computed once per case.
    @inline(__always)
    private mutating func exceptionValue(_ index: Int) -> Scalar {
        if exceptionState[index] & 1 != 0 { return exceptionValue[index] }
        return computeException(index)
    }

    @inline(never)
    private mutating func computeException(_ index: Int) -> Scalar {
        let exception = plan.exceptions[index]
        var t = Truth.false
        if inForce(isAlways: exception.isAlways, from: exception.from, until: exception.until) {
            t = test(plan.exceptionTest[index])
        } else if periodOpen(isAlways: exception.isAlways) {
            t = test(plan.exceptionTest[index])
            if t != .false { t = .unknown }
        }
        let v: Scalar = t == .true ? .true : t == .false ? .false : .unknown
        exceptionValue[index] = v
        exceptionState[index] |= 1
        return v
    }

    private mutating func trackedException(_ index: Int) -> Tracked {
        if exceptionState[index] & 2 != 0 { return exceptionTracked[index] }
        let exception = plan.exceptions[index]
        let active = inForce(isAlways: exception.isAlways, from: exception.from, until: exception.until)
        var o = Tracked.known(.false)
        if active { o = tracked(exception.condition) }
        if !active, periodOpen(isAlways: exception.isAlways) { o = openPeriod(tracked(exception.condition)) }
        exceptionTracked[index] = o
        exceptionState[index] |= 2
        if tracing {
            events.push(
                CaseResult.Event(
                    kind: .exception, index: Int32(index), inForce: active, truth: o.value.truth,
                    effective: o.value.truth,
                    outcome: -1, facts: o.read, lifted: 0..<0))
        }
        return o
    }

    // MARK: - Effects

    private mutating func addRuleEffects(_ index: Int, read: FactSet, lifted: Bool) {
        let (reason, idRank, referrals, actions) =
            (plan.rules[index].reason, plan.rules[index].idRank, plan.rules[index].referrals, plan.rules[index].actions)
        if reason >= 0 { pendReason(reason, .rule, Int32(index), read, lifted: lifted, idRank: idRank) }
        // A lifted rule is shown as a reason, but its referrals and actions do not apply.
        guard !lifted else { return }
        for r in referrals {
            let target = plan.referrals[Int(r)]
            if target.fact < 0 {
                pendingReferrals.push(target.text)
            } else {
                let place = facts[Int(target.fact)]
                if place.kind == .text, plan.referralRank[Int(place.bits)] < textCount {
                    pendingReferrals.push(Int32(place.bits))
                }
            }
        }
        for a in actions { pendingActions.push(plan.actions[Int(a)]) }
    }

    @inline(__always)
    private mutating func pendReason(
        _ code: Int32, _ producer: CaseResult.ReasonRecord.Producer, _ index: Int32, _ facts: FactSet, lifted: Bool,
        idRank: Int32
    ) {
        // Reasons are listed in vocabulary order, then by the id of what gave them.
        let key = Int64(plan.reasonRank[Int(code)]) << 32 | Int64(idRank)
        pendingReasons.push(
            CaseResult.ReasonRecord(
                code: code, producer: producer, index: index, facts: facts, isLifted: lifted, sortKey: key))
    }

    /// Moves a decision's reasons, referrals and actions from the working stacks to the result:
    /// sorted (vocabulary order, stable), each listed once.
    private mutating func finish(_ index: Int, reasonsFrom: Int, referralsFrom: Int, actionsFrom: Int) {
        let reasonStart = reasons.count
        if pendingReasons.count == reasonsFrom, pendingReferrals.count == referralsFrom,
            pendingActions.count == actionsFrom
        {
            // Nothing to show (an outcome by default without a reason): the ranges stay empty.
            let end = words.count
            (decisions[index].reasons, decisions[index].referrals, decisions[index].actions) =
                (reasonStart..<reasonStart, end..<end, end..<end)
            return
        }
        if pendingReasons.count - reasonsFrom <= 1, pendingReferrals.count - referralsFrom <= 1,
            pendingActions.count - actionsFrom <= 1
        {
            // At most one of each, the commonest: nothing to sort or to list once.
            if pendingReasons.count > reasonsFrom { reasons.push(pendingReasons[reasonsFrom]) }
            decisions[index].reasons = reasonStart..<reasons.count
            let referralStart = words.count
            if pendingReferrals.count > referralsFrom { words.push(pendingReferrals[referralsFrom]) }
            let actionStart = words.count
            if pendingActions.count > actionsFrom { words.push(pendingActions[actionsFrom]) }
            decisions[index].referrals = referralStart..<actionStart
            decisions[index].actions = actionStart..<words.count
            pendingReasons.truncate(to: reasonsFrom)
            pendingReferrals.truncate(to: referralsFrom)
            pendingActions.truncate(to: actionsFrom)
            return
        }
        for k in reasonsFrom..<pendingReasons.count {
            let reason = pendingReasons[k]
            // Insertion sort: a handful of reasons, and stable.
            var at = reasons.count
            var duplicate = false
            for j in reasonStart..<reasons.count {
                let other = reasons[j]
                if other.code == reason.code, other.sortKey & 0xFFFF_FFFF == reason.sortKey & 0xFFFF_FFFF {
                    duplicate = true
                    break
                }
            }
            if duplicate { continue }
            while at > reasonStart, reasons[at - 1].sortKey > reason.sortKey { at -= 1 }
            reasons.insert(reason, at: at)
        }
        decisions[index].reasons = reasonStart..<reasons.count
        decisions[index].referrals = moveWords(referrals: true, referralsFrom)
        decisions[index].actions = moveWords(referrals: false, actionsFrom)
        pendingReasons.truncate(to: reasonsFrom)
    }

    /// Moves pending referrals (or actions) to `words`, each once, in vocabulary order (stable).
    private mutating func moveWords(referrals: Bool, _ mark: Int) -> Range<Int> {
        let start = words.count
        let end = referrals ? pendingReferrals.count : pendingActions.count
        guard end > mark else { return start..<start }
        let rank = referrals ? plan.referralRank : plan.actionRank
        for k in mark..<end {
            let word = referrals ? pendingReferrals[k] : pendingActions[k]
            var seen = false
            for j in start..<words.count where words[j] == word { seen = true }
            if seen { continue }
            var at = words.count
            while at > start, rank[Int(words[at - 1])] > rank[Int(word)] { at -= 1 }
            words.insert(word, at: at)
        }
        if referrals { pendingReferrals.truncate(to: mark) } else { pendingActions.truncate(to: mark) }
        return start..<words.count
    }

    private mutating func event(_ kind: CaseResult.Event.Kind, _ index: Int, truth: Truth, facts: FactSet) {
        events.push(
            CaseResult.Event(
                kind: kind, index: Int32(index), inForce: true, truth: truth, effective: truth, outcome: -1,
                facts: facts,
                lifted: 0..<0))
    }

    private mutating func outcomeEvent(_ index: Int, _ outcome: Int32, _ missing: FactSet) {
        events.push(
            CaseResult.Event(
                kind: .outcome, index: Int32(index), inForce: true, truth: .unknown, effective: .unknown,
                outcome: outcome,
                facts: missing, lifted: 0..<0))
    }

    // MARK: - Expressions

    /// The value of a derived value read by an expression: computed once per case.
    @inline(__always)
    private mutating func derivedValue(_ index: Int) -> Scalar {
        if derivedState[index] & 1 != 0 { return derivedValue[index] }
        return computeDerived(index)
    }

    @inline(never)
    private mutating func computeDerived(_ index: Int) -> Scalar {
        let root = nodes[Int(plan.derived[index])]
        let v: Scalar
        switch root.op {
        case .yearsBetween, .monthsBetween, .daysBetween, .addDays, .addMonths, .addYears, .plus, .minus, .times:
            // A function of two facts, as `age`: computed here, as `value` would, without its
            // call.
            let (left, right) = (nodes[Int(root.a)], nodes[Int(root.b)])
            guard left.op == .fact, right.op == .fact else { fallthrough }
            let (l, r) = (facts[Int(left.a)], facts[Int(right.a)])
            v = l.isKnown && r.isKnown ? MachineRun.apply(root.op, l, r) : .unknown
        default:
            v = value(plan.derived[index])
        }
        derivedValue[index] = v
        derivedState[index] |= 1
        return v
    }

    /// A decision as a value: its outcome, unknown when undetermined, `none` when its question
    /// does not apply.
    @inline(__always)
    private mutating func decisionValue(_ index: Int) -> Scalar {
        if decisionState[index] == 0 { decideFirst(index) }
        guard decisions[index].applies else { return .none }
        let outcome = decisions[index].outcome
        return outcome < 0 ? .unknown : .text(outcome)
    }

    private mutating func trackedDerived(_ index: Int) -> Tracked {
        if derivedState[index] & 2 != 0 { return derivedTracked[index] }
        let o = tracked(plan.derived[index])
        derivedTracked[index] = o
        derivedState[index] |= 2
        return o
    }

    private mutating func trackedDecision(_ index: Int) -> Tracked {
        let d = decisionRecord(index)
        guard d.applies else { return .known(.none) }
        guard d.outcome >= 0 else { return Tracked(value: .unknown, read: d.missing, unknown: d.missing) }
        return .known(.text(d.outcome))
    }

    /// A decision read before its turn is decided then.
    @inline(never)
    private mutating func decideFirst(_ index: Int) {
        decide(index)
    }

    /// `decide` in this run's mode.
    private mutating func decide(_ index: Int) {
        if tracing { decide(index, Traced.self) } else { decide(index, Untraced.self) }
    }

    @inline(never)
    private mutating func decisionRecord(_ index: Int) -> CaseResult.Decision {
        if decisionState[index] == 0 { decide(index) }
        return decisions[index]
    }

    @inline(never)
    private mutating func conditionalValue(_ node: PlanNode) -> Scalar {
        switch value(node.a).truth {
        case .true: return value(node.b)
        case .false: return value(node.c)
        case .unknown:
            let x = value(node.b)
            guard x.isKnown else { return .unknown }
            return value(node.c) == x ? x : .unknown
        }
    }

    /// The truth of condition node `n` whose graph starts at test `entry`, without a call for
    /// the commonest shapes (a fact or a derived value compared with a constant, a fact tested
    /// for presence). Small on purpose: it is inlined into every rule loop.
    @inline(__always)
    mutating func truth(_ n: Int32, test entry: Int32) -> Truth {
        truth(nodes[Int(n)], test: entry)
    }

    /// `truth(n, test:)` when the caller holds a copy of node `n`.
    @inline(__always)
    mutating func truth(_ node: PlanNode, test entry: Int32) -> Truth {
        switch node.op {
        case .compareFact:
            let v = facts[Int(node.a)]
            guard v.isKnown else { return .unknown }
            return MachineRun.compare(node.comparison, v, node.constant) ? .true : .false
        case .factPresence:
            let v = facts[Int(node.a)]
            guard v.isKnown else { return .unknown }
            return (v.kind != .none) == node.flag ? .true : .false
        case .compareDerived:
            let v = derivedValue(Int(node.a))
            guard v.isKnown else { return .unknown }
            return MachineRun.compare(node.comparison, v, node.constant) ? .true : .false
        default:
            return test(entry)
        }
    }

    /// The truth of a condition, from its graph's entry test (`ConditionGraph`). Runs without a
    /// trace only.
    @inline(__always)
    mutating func test(_ entry: Int32) -> Truth {
        let end = walk(entry)
        return end == ConditionTest.endTrue ? .true : end == ConditionTest.endFalse ? .false : .unknown
    }

    /// Follows a graph's edges from test `entry`, one per test, to an end (a negative edge,
    /// which `entry` may already be), and returns the end.
    @inline(never)
    mutating func walk(_ entry: Int32) -> Int32 {
        // Each test's fields are read where its kind needs them, not copied whole.
        let tests = plan.tests.baseAddress.unsafelyUnwrapped
        let edges = plan.testEdges
        var at = Int(entry)
        while at >= 0 {
            let test = tests + at
            let outcome: Int
            switch test.pointee.kind {
            case .factEquals:
                let v = facts[Int(test.pointee.a)]
                outcome =
                    !v.isKnown
                    ? ConditionTest.isUnknown
                    : v == test.pointee.constant ? ConditionTest.isTrue : ConditionTest.isFalse
            case .factNotEquals:
                let v = facts[Int(test.pointee.a)]
                outcome =
                    !v.isKnown
                    ? ConditionTest.isUnknown
                    : v != test.pointee.constant ? ConditionTest.isTrue : ConditionTest.isFalse
            // The orderings: the constant is a number or a date, and a value of another kind is
            // not ordered against it.
            case .factLess:
                let (v, c) = (facts[Int(test.pointee.a)], test.pointee.constant)
                outcome =
                    !v.isKnown
                    ? ConditionTest.isUnknown
                    : v.kind == c.kind && v.bits < c.bits ? ConditionTest.isTrue : ConditionTest.isFalse
            case .factLessOrEqual:
                let (v, c) = (facts[Int(test.pointee.a)], test.pointee.constant)
                outcome =
                    !v.isKnown
                    ? ConditionTest.isUnknown
                    : v.kind == c.kind && v.bits <= c.bits ? ConditionTest.isTrue : ConditionTest.isFalse
            case .factGreater:
                let (v, c) = (facts[Int(test.pointee.a)], test.pointee.constant)
                outcome =
                    !v.isKnown
                    ? ConditionTest.isUnknown
                    : v.kind == c.kind && v.bits > c.bits ? ConditionTest.isTrue : ConditionTest.isFalse
            case .factGreaterOrEqual:
                let (v, c) = (facts[Int(test.pointee.a)], test.pointee.constant)
                outcome =
                    !v.isKnown
                    ? ConditionTest.isUnknown
                    : v.kind == c.kind && v.bits >= c.bits ? ConditionTest.isTrue : ConditionTest.isFalse
            case .factPresence:
                let v = facts[Int(test.pointee.a)]
                outcome =
                    !v.isKnown
                    ? ConditionTest.isUnknown
                    : (v.kind != .none) == test.pointee.flag ? ConditionTest.isTrue : ConditionTest.isFalse
            case .factInTexts:
                let v = facts[Int(test.pointee.a)]
                outcome =
                    !v.isKnown
                    ? ConditionTest.isUnknown
                    : Plan.textSetContains(textSets, test.pointee.b, v) != test.pointee.flag
                        ? ConditionTest.isTrue : ConditionTest.isFalse
            case .factValue:
                outcome = MachineRun.outcome(of: facts[Int(test.pointee.a)])
            case .factBlank:
                outcome = MachineRun.outcome(of: blank(facts[Int(test.pointee.a)]))
            case .compareDerived:
                let v = derivedValue(Int(test.pointee.a))
                outcome =
                    !v.isKnown
                    ? ConditionTest.isUnknown
                    : MachineRun.compare(test.pointee.comparison, v, test.pointee.constant)
                        ? ConditionTest.isTrue : ConditionTest.isFalse
            case .compareDecision:
                let v = decisionValue(Int(test.pointee.a))
                outcome =
                    !v.isKnown
                    ? ConditionTest.isUnknown
                    : MachineRun.compare(test.pointee.comparison, v, test.pointee.constant)
                        ? ConditionTest.isTrue : ConditionTest.isFalse
            case .compareFacts:
                let l = facts[Int(test.pointee.a)]
                let r = facts[Int(test.pointee.b)]
                outcome =
                    !l.isKnown || !r.isKnown
                    ? ConditionTest.isUnknown
                    : MachineRun.compare(test.pointee.comparison, l, r) ? ConditionTest.isTrue : ConditionTest.isFalse
            default:
                outcome = computedOutcome(test.pointee)
            }
            at = Int(edges[at &* 4 &+ outcome])
        }
        return Int32(truncatingIfNeeded: at)
    }

    /// The outcome of the rarer tests: a fact looked up in a set of values other than texts,
    /// and a whole expression evaluated by `value`.
    @inline(never)
    private mutating func computedOutcome(_ test: ConditionTest) -> Int {
        switch test.kind {
        case .factMember:
            let v = facts[Int(test.a)]
            guard v.isKnown else { return ConditionTest.isUnknown }
            let isMember = v.kind != .none && MachineRun.contains(plan.setMembers, test.b, test.c, v)
            return isMember != test.flag ? ConditionTest.isTrue : ConditionTest.isFalse
        default:
            return MachineRun.outcome(of: value(test.a))
        }
    }

    /// A value as the outcome of a test: true, false, unknown, or a known value that is not a
    /// truth value.
    @inline(__always)
    private static func outcome(of v: Scalar) -> Int {
        switch v.kind {
        case .bool: return v.bits != 0 ? ConditionTest.isTrue : ConditionTest.isFalse
        case .unknown: return ConditionTest.isUnknown
        default: return ConditionTest.isOther
        }
    }

    /// An operand's value: a constant, a fact, a derived value already computed or a fact
    /// compared with a constant is read here, without a call; anything else is evaluated.
    @inline(__always)
    private mutating func operand(_ n: Int32) -> Scalar {
        let node = nodes[Int(n)]
        switch node.op {
        case .constant: return node.constant
        case .fact: return facts[Int(node.a)]
        case .derived where derivedState[Int(node.a)] & 1 != 0: return derivedValue[Int(node.a)]
        case .compareFact:
            let v = facts[Int(node.a)]
            guard v.isKnown else { return .unknown }
            return .bool(MachineRun.compare(node.comparison, v, node.constant))
        default: return value(n)
        }
    }

    /// The value only. Operands whose value cannot change the result are not evaluated.
    mutating func value(_ n: Int32) -> Scalar {
        let node = nodes[Int(n)]
        switch node.op {
        case .constant: return node.constant
        case .fact: return facts[Int(node.a)]
        case .derived: return derivedValue(Int(node.a))
        case .decision: return decisionValue(Int(node.a))
        case .not:
            let v = operand(node.a)
            return v.kind == .bool ? .bool(v.bits == 0) : v
        case .and, .or:
            let dominant = Scalar.bool(node.op == .or)
            let left = operand(node.a)
            if left == dominant { return dominant }
            let right = operand(node.b)
            if right == dominant { return dominant }
            return left.isKnown && right.isKnown ? .bool(node.op == .and) : .unknown
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            let left = operand(node.a)
            guard left.isKnown else { return .unknown }
            let right = operand(node.b)
            guard right.isKnown else { return .unknown }
            return .bool(MachineRun.compare(node.op, left, right))
        case .member:
            let v = operand(node.a)
            guard v.isKnown else { return v }
            return .bool((v.kind != .none && MachineRun.contains(plan.setMembers, node.b, node.c, v)) != node.flag)
        case .presence:
            let v = operand(node.a)
            guard v.isKnown else { return v }
            return .bool((v.kind != .none) == node.flag)
        case .conditional:
            return conditionalValue(node)
        case .yearsBetween, .monthsBetween, .daysBetween, .addDays, .addMonths, .addYears,
            .plus, .minus, .times:
            let left = operand(node.a)
            guard left.isKnown else { return .unknown }
            let right = operand(node.b)
            guard right.isKnown else { return .unknown }
            return MachineRun.apply(node.op, left, right)
        case .negate:
            let v = operand(node.a)
            return v.kind == .number ? .number(DecimalNumber(scaled: v.bits).negated) : v
        case .isBlank:
            return blank(operand(node.a))
        case .onlyBecause:
            return onlyBecause(node, withFacts: false).value
        case .compareFact:
            let v = facts[Int(node.a)]
            guard v.isKnown else { return .unknown }
            return .bool(MachineRun.compare(node.comparison, v, node.constant))
        case .factPresence:
            let v = facts[Int(node.a)]
            guard v.isKnown else { return v }
            return .bool((v.kind != .none) == node.flag)
        case .factMember:
            let v = facts[Int(node.a)]
            guard v.isKnown else { return v }
            return .bool((v.kind != .none && MachineRun.contains(plan.setMembers, node.b, node.c, v)) != node.flag)
        case .factInTexts:
            let v = facts[Int(node.a)]
            guard v.isKnown else { return v }
            return .bool(Plan.textSetContains(textSets, node.b, v) != node.flag)
        case .compareDerived, .compareDecision:
            let v = node.op == .compareDerived ? derivedValue(Int(node.a)) : decisionValue(Int(node.a))
            guard v.isKnown else { return .unknown }
            return .bool(MachineRun.compare(node.comparison, v, node.constant))
        }
    }

    /// `tracked` for an operand, without a call for a constant, a fact, a derived value already
    /// tracked, or a fused fact node.
    @inline(__always)
    private mutating func trackedOperand(_ n: Int32) -> Tracked {
        let node = nodes[Int(n)]
        switch node.op {
        case .constant: return .known(node.constant)
        case .fact, .compareFact, .factPresence, .factMember, .factInTexts:
            let slot = Int(node.a)
            let v = node.op == .fact ? facts[slot] : value(n)
            return Tracked(value: v, read: FactSet(slot), unknown: v.isKnown ? FactSet() : FactSet(slot))
        case .derived where derivedState[Int(node.a)] & 2 != 0: return derivedTracked[Int(node.a)]
        default: return tracked(n)
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
        case .decision: return trackedDecision(Int(node.a))
        case .not:
            var o = trackedOperand(node.a)
            if o.value.kind == .bool { o.value = .bool(o.value.bits == 0) }
            return o
        case .and, .or:
            let dominant = Scalar.bool(node.op == .or)
            let left = trackedOperand(node.a)
            if left.value == dominant { return .known(dominant, read: left.read) }
            let right = trackedOperand(node.b)
            let read = left.read.union(right.read)
            if right.value == dominant { return .known(dominant, read: read) }
            if left.value.isKnown, right.value.isKnown { return .known(.bool(node.op == .and), read: read) }
            return Tracked(value: .unknown, read: read, unknown: left.unknown.union(right.unknown))
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual,
            .yearsBetween, .monthsBetween, .daysBetween, .addDays, .addMonths, .addYears, .plus, .minus, .times:
            let left = trackedOperand(node.a)
            let right = trackedOperand(node.b)
            let read = left.read.union(right.read)
            guard left.value.isKnown, right.value.isKnown else {
                return Tracked(value: .unknown, read: read, unknown: left.unknown.union(right.unknown))
            }
            switch node.op {
            case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
                return .known(.bool(MachineRun.compare(node.op, left.value, right.value)), read: read)
            default:
                // A result beyond the number or date range is unknown, caused by what it read.
                let result = MachineRun.apply(node.op, left.value, right.value)
                return result.isKnown ? .known(result, read: read) : Tracked(value: .unknown, read: read, unknown: read)
            }
        case .member:
            let o = trackedOperand(node.a)
            guard o.value.isKnown else { return o }
            let isMember = o.value.kind != .none && MachineRun.contains(plan.setMembers, node.b, node.c, o.value)
            return .known(.bool(isMember != node.flag), read: o.read)
        case .presence:
            let o = trackedOperand(node.a)
            guard o.value.isKnown else { return o }
            return .known(.bool((o.value.kind != .none) == node.flag), read: o.read)
        case .conditional:
            let condition = trackedOperand(node.a)
            switch condition.value.truth {
            case .true:
                var o = trackedOperand(node.b)
                o.read.formUnion(condition.read)
                return o
            case .false:
                var o = trackedOperand(node.c)
                o.read.formUnion(condition.read)
                return o
            case .unknown:
                let x = trackedOperand(node.b)
                let y = trackedOperand(node.c)
                let read = condition.read.union(x.read).union(y.read)
                if x.value.isKnown, y.value.isKnown, x.value == y.value { return .known(x.value, read: read) }
                return Tracked(
                    value: .unknown, read: read,
                    unknown: condition.unknown.union(x.unknown).union(y.unknown))
            }
        case .negate:
            var o = trackedOperand(node.a)
            if o.value.kind == .number { o.value = .number(DecimalNumber(scaled: o.value.bits).negated) }
            return o
        case .isBlank:
            var o = trackedOperand(node.a)
            o.value = blank(o.value)
            return o
        case .onlyBecause:
            return onlyBecause(node, withFacts: true)
        case .compareFact, .factPresence, .factMember, .factInTexts:
            // The fact is read; unknown, it is the unknown fact. A constant reads nothing.
            let slot = Int(node.a)
            let v = value(n)
            return Tracked(value: v, read: FactSet(slot), unknown: v.isKnown ? FactSet() : FactSet(slot))
        case .compareDerived, .compareDecision:
            // As the comparison's own case: what the left side read; the constant reads nothing.
            var o = node.op == .compareDerived ? trackedDerived(Int(node.a)) : trackedDecision(Int(node.a))
            if o.value.isKnown {
                o = .known(.bool(MachineRun.compare(node.comparison, o.value, node.constant)), read: o.read)
            }
            return o
        }
    }

    /// `only_because` (node `a`: the decision; `b..<c`: the codes), read while that decision's
    /// after-rules run: unknown while it is undetermined; false when it has no reason or one
    /// outside the codes; unknown when a rule left open in its deciding stages could add one
    /// (with that rule's unknown facts, `withFacts`); else true.
    private mutating func onlyBecause(_ node: PlanNode, withFacts: Bool) -> Tracked {
        guard afterDecision == node.a else { return .known(.false) }
        let decided = decisions[Int(node.a)]
        guard decided.outcome >= 0 else {
            return Tracked(value: .unknown, read: decided.missing, unknown: decided.missing)
        }
        guard !afterReasons.isEmpty else { return .known(.false) }
        let codes = (plan.setMembers, node.b, node.c)
        for k in afterReasons where !MachineRun.contains(codes.0, codes.1, codes.2, .text(pendingReasons[k].code)) {
            return .known(.false)
        }
        var open = false
        var unknown = FactSet()
        for s in afterStages {
            for p in plan.stages[Int(s)].rules {
                let rule = Int(plan.pool[Int(p)])
                guard ruleTruth[rule] == .unknown,
                    !MachineRun.contains(codes.0, codes.1, codes.2, .text(plan.rules[rule].reason))
                else { continue }
                open = true
                // Without the facts, the first open rule settles it.
                guard withFacts else { return Tracked(value: .unknown, read: unknown, unknown: unknown) }
                unknown.formUnion(ruleFacts(rule).unknown)
            }
        }
        return open ? Tracked(value: .unknown, read: unknown, unknown: unknown) : .known(.true)
    }

    /// `is_blank` of a value: an absent text is blank; a local text carries its answer in its
    /// bits, a text of the rule set in the plan's table.
    private func blank(_ v: Scalar) -> Scalar {
        switch v.kind {
        case .unknown: return .unknown
        case .none: return .true
        case .text: return .bool(plan.blankText[Int(v.bits)])
        case .localText: return .bool(v.bits & Scalar.blankFlag != 0)
        case .bool, .number, .date: return .none
        }
    }

    /// Binary search in `members[low..<high]`, sorted by (kind, bits).
    private static func contains(_ members: UnsafeBufferPointer<Scalar>, _ low: Int32, _ high: Int32, _ v: Scalar)
        -> Bool
    {
        var low = Int(low)
        var high = Int(high)
        while low < high {
            let mid = (low + high) >> 1
            let m = members[mid]
            if m == v { return true }
            if (m.kind.rawValue, m.bits) < (v.kind.rawValue, v.bits) { low = mid + 1 } else { high = mid }
        }
        return false
    }

    /// `=` and `!=` compare any two values; the orderings only numbers with numbers and dates
    /// with dates (`none` is not ordered against anything).
    @inline(__always)
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
    @inline(never)
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
            case .addDays: return abs(count) <= 3_000_000 ? .date(date(l).addingDays(count)) : .unknown
            case .addMonths: return abs(count) <= 100_000 ? .date(date(l).addingMonths(count)) : .unknown
            default: return abs(count) <= 8_000 ? .date(date(l).addingYears(count)) : .unknown
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
            // Beyond the number range: unknown (three-valued), never `none`, so neither `a > 1`
            // nor `a < 1` is false on it.
            return result.map(Scalar.number) ?? .unknown
        default:
            return .none
        }
    }
}
