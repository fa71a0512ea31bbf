import RuleSyntax
import RuleValues

/// The language's semantics written plainly: a tree-walking evaluator over `CompiledExpression`
/// with readable values, kept as the reference the fast `Machine` is tested against (and used
/// where speed does not matter: invariants, the checker's constant folding).
/// Kleene's three-valued logic: a fact that is not given is unknown, and an outcome is decided
/// only if no unknown fact could change it.
public struct ReferenceEvaluator: Sendable {
    /// The compiled rule set the evaluator runs.
    public let program: Program
    /// How `evaluate` narrows an undetermined decision's missing facts to the exact ones; nil
    /// keeps Kleene's superset. The search it takes is the analysis layer's, so it is given here
    /// (`ReferenceEvaluator(program:)` in RuleAnalysis gives `MissingFacts.exact`).
    package let exactMissing: ExactMissingFacts?

    package init(program: Program, exactMissing: ExactMissingFacts?) {
        self.program = program
        self.exactMissing = exactMissing
    }

    /// Evaluates every decision that applies to `facts` (indexed by fact slot; nil = unknown).
    public func evaluate(_ facts: [Value?], trace: Bool = true) -> Evaluation {
        var run = Run(program: program, facts: facts, tracing: trace)
        run.exactMissing = exactMissing
        var results: [DecisionResult] = []
        for index in program.decisions.indices {
            if let result = run.result(of: index) { results.append(result) }
        }
        return Evaluation(results: results, trace: run.trace, facts: facts)
    }

    /// Evaluates an expression that reads decisions (an invariant), with the same memoisation.
    public func truth(of expression: CompiledExpression, facts: [Value?]) -> Truth {
        var run = Run(program: program, facts: facts, tracing: false)
        return run.evaluate(expression).truth
    }

    /// The truth of an expression that reads no facts, for the checker's constant folding.
    static func constantTruth(_ expression: CompiledExpression) -> Truth {
        constantValue(expression).map { $0 == .bool(true) ? .true : .false } ?? .unknown
    }

    static func constantValue(_ expression: CompiledExpression) -> Value? {
        var run = Run(program: emptyProgram, facts: [], tracing: false)
        return run.evaluate(expression).value
    }

    private static let emptyProgram = Program(
        files: [], name: "", title: nil, sha256: "", vocabulary: [:], facts: [], factSlots: [:], derived: [],
        decisions: [], rules: [], exceptions: [], invariants: [], tests: [], responsibilities: [], disabled: [],
        referenceFact: nil)
}

/// An intermediate result: a value or unknown, with the facts read and, when unknown, the
/// unknown facts that made it so.
package struct Outcome {
    package var value: Value?
    package var read: FactSet
    package var unknownFacts: FactSet

    package static func known(_ value: Value, read: FactSet) -> Outcome {
        Outcome(value: value, read: read, unknownFacts: FactSet())
    }

    package var truth: Truth {
        switch value {
        case .bool(true): return .true
        case .bool(false): return .false
        default: return .unknown
        }
    }
}

/// The state of one evaluation: memoised derived values, exceptions and decisions.
package struct Run {
    package let program: Program
    package let facts: [Value?]
    package let tracing: Bool
    /// How an undetermined decision names exactly the facts that could change it
    /// (`MissingFacts`), rather than every unknown fact of its open rules. nil for the runs the
    /// prover and `MissingFacts` make themselves, which need outcomes only.
    package var exactMissing: ExactMissingFacts? = nil
    package var trace = Trace()
    private var derivedCache: [Outcome?]
    private var exceptionCache: [Outcome?]
    private var decisionCache: [DecisionResult??]
    private var referenceDate: CivilDate?
    /// While a decision's after-rules run: what `only_because` reads of it.
    private var afterContext: AfterContext?

    struct AfterContext {
        let decision: Int
        let outcomeKnown: Bool
        let missing: FactSet
        /// The codes of the reasons the decision has (before its after-rules).
        let listed: [String]
        /// The rules of its deciding stages left open, with the unknown facts that leave them so.
        let open: [(code: String, unknown: FactSet)]
    }

    package init(program: Program, facts: [Value?], tracing: Bool) {
        self.program = program
        self.facts = facts
        self.tracing = tracing
        derivedCache = Array(repeating: nil, count: program.derived.count)
        exceptionCache = Array(repeating: nil, count: program.exceptions.count)
        decisionCache = Array(repeating: nil, count: program.decisions.count)
        if let slot = program.referenceFact, slot < facts.count, case .date(let d)? = facts[slot] {
            referenceDate = d
        }
    }

    /// Whether a rule is in force on the reference date (always, if it has no period).
    private func inForce(_ validity: Validity) -> Bool {
        guard !validity.isAlways else { return true }
        guard let referenceDate else { return false }
        return validity.contains(referenceDate)
    }

    /// A rule with a period whose reference date is not known may or may not be in force.
    private func referenceDateUnknown(_ validity: Validity) -> Bool {
        !validity.isAlways && referenceDate == nil && program.referenceFact != nil
    }

    /// `condition ∧ in force` when whether it is in force is unknown: false stays false, the
    /// rest becomes unknown, depending on the reference date.
    private func openPeriod(_ condition: Outcome) -> Outcome {
        guard condition.truth != .false, let slot = program.referenceFact else { return condition }
        var unknown = condition.unknownFacts
        unknown.insert(slot)
        var read = condition.read
        read.insert(slot)
        return Outcome(value: nil, read: read, unknownFacts: unknown)
    }

    // MARK: - Decisions

    /// The result of a decision, or nil when its question certainly does not apply.
    package mutating func result(of index: Int) -> DecisionResult? {
        if let cached = decisionCache[index] { return cached }
        let computed = decide(index)
        decisionCache[index] = .some(computed)
        return computed
    }

    private mutating func decide(_ index: Int) -> DecisionResult? {
        let decision = program.decisions[index]
        var applies = Outcome.known(.bool(true), read: FactSet())
        if let condition = decision.condition { applies = evaluate(condition) }
        if tracing { trace.events.append(.decision(decision: index, applies: applies.truth, facts: applies.read)) }
        switch applies.truth {
        case .false: return nil
        case .unknown:
            let result = DecisionResult(
                decision: index, outcome: nil, reasons: [], referrals: [], actions: [],
                missing: applies.unknownFacts, exceptional: false)
            if tracing { trace.events.append(.outcome(decision: index, outcome: nil, missing: result.missing)) }
            return result
        case .true: break
        }

        // Walk the stages in order. `possible` collects every outcome the unknown facts still
        // allow; the decision is settled when only one remains.
        var possible: [String] = []
        var missing = FactSet()
        var deciding: [(rule: Int, read: FactSet)] = []
        var lifted: [(rule: Int, read: FactSet)] = []
        var liftingExceptions: [Int] = []
        var settled = false
        var passedUnknownStage = false
        // Rules left open, by stage position, and the stage that decided: for `only_because`.
        var openRules: [(stage: Int, rule: Int, unknown: FactSet)] = []
        var decidingStage = 0
        for (position, stage) in decision.stages.enumerated() {
            var hits: [(Int, FactSet)] = []
            var stageUnknown = FactSet()
            var anyUnknown = false
            for ruleIndex in stage.rules {
                let (effective, read, unknownFacts, liftedBy) = evaluateRule(ruleIndex)
                if !liftedBy.isEmpty {
                    lifted.append((ruleIndex, read))
                    liftingExceptions += liftedBy
                }
                switch effective {
                case .true: hits.append((ruleIndex, read))
                case .unknown:
                    anyUnknown = true
                    stageUnknown.formUnion(unknownFacts)
                    openRules.append((position, ruleIndex, unknownFacts))
                case .false: break
                }
            }
            if !hits.isEmpty {
                decidingStage = position
                if stage.overridesUnknowns {
                    possible = [stage.outcome]
                    missing = FactSet()
                } else if !possible.contains(stage.outcome) {
                    possible.append(stage.outcome)
                }
                deciding = hits.map { (rule: $0.0, read: $0.1) }
                settled = true
                break
            }
            if anyUnknown {
                if !possible.contains(stage.outcome) { possible.append(stage.outcome) }
                missing.formUnion(stageUnknown)
                passedUnknownStage = true
            }
        }
        if !settled, let otherwise = decision.otherwise, !possible.contains(otherwise) {
            possible.append(otherwise)
        }

        var reasons: [Reason] = []
        var referrals: [String] = []
        var actions: [String] = []
        var outcome: String?
        var exceptional = false
        if possible.count != 1, let exactMissing {
            missing = exactMissing(program, facts, index)
        }
        if possible.count == 1 {
            outcome = possible[0]
            missing = FactSet()
            if settled {
                for hit in deciding {
                    addRuleEffects(hit.rule, read: hit.read, lifted: false, &reasons, &referrals, &actions)
                }
            } else {
                // The default's reason holds only if no stage was left open by an unknown fact
                // (an open stage giving the same outcome would be a different reason).
                if let code = decision.otherwiseReason, !passedUnknownStage {
                    reasons.append(
                        Reason(code: code, producer: .otherwise(decision: index), facts: FactSet(), isLifted: false))
                }
                if !lifted.isEmpty {
                    exceptional = true
                    for exception in liftingExceptions.uniqued() {
                        let info = program.exceptions[exception]
                        if let code = info.reason {
                            reasons.append(
                                Reason(
                                    code: code, producer: .exception(exception),
                                    facts: exceptionCache[exception]?.read ?? FactSet(), isLifted: false))
                        }
                    }
                    for hit in lifted {
                        addRuleEffects(hit.rule, read: hit.read, lifted: true, &reasons, &referrals, &actions)
                    }
                }
            }
        }
        decisionCache[index] = .some(
            DecisionResult(
                decision: index, outcome: outcome, reasons: [], referrals: [], actions: [], missing: missing,
                exceptional: exceptional))
        if tracing { trace.events.append(.outcome(decision: index, outcome: outcome, missing: missing)) }

        // Rules after the decision add reasons and actions whatever the outcome; they may read it,
        // and its reasons (`only_because`): a stage that overrides unknowns leaves out the open
        // stages before it.
        let firstOpen = settled && decision.stages[decidingStage].overridesUnknowns ? decidingStage : 0
        let saved = afterContext
        afterContext = AfterContext(
            decision: index, outcomeKnown: outcome != nil, missing: missing, listed: reasons.map(\.code),
            open: openRules.filter { $0.stage >= firstOpen }.map { (program.rules[$0.rule].reason ?? "", $0.unknown) })
        for ruleIndex in decision.afterRules {
            let (effective, read, _, _) = evaluateRule(ruleIndex)
            if effective == .true {
                addRuleEffects(ruleIndex, read: read, lifted: false, &reasons, &referrals, &actions)
            }
        }
        afterContext = saved
        return DecisionResult(
            decision: index, outcome: outcome, reasons: sortedReasons(reasons),
            referrals: sorted(referrals, .referrals),
            actions: sorted(actions, .actions), missing: missing, exceptional: exceptional)
    }

    private func addRuleEffects(
        _ ruleIndex: Int, read: FactSet, lifted: Bool, _ reasons: inout [Reason], _ referrals: inout [String],
        _ actions: inout [String]
    ) {
        if let code = program.rules[ruleIndex].reason {
            reasons.append(Reason(code: code, producer: .rule(ruleIndex), facts: read, isLifted: lifted))
        }
        // A lifted rule is shown as a reason, but its referrals and actions do not apply.
        guard !lifted else { return }
        for target in program.rules[ruleIndex].referrals {
            switch target {
            case .fixed(let place): referrals.append(place)
            case .fact(let slot):
                if case .text(let place)? = facts[slot], program.vocabulary[.referrals]?.contains(place) == true {
                    referrals.append(place)
                }
            }
        }
        actions += program.rules[ruleIndex].actions
    }

    /// Reasons in vocabulary order, then by rule id: deterministic whatever the file order.
    private func sortedReasons(_ reasons: [Reason]) -> [Reason] {
        let order = program.vocabulary[.reasons] ?? []
        func rank(_ r: Reason) -> (Int, String) {
            let id: String
            switch r.producer {
            case .rule(let i): id = program.rules[i].id
            case .exception(let i): id = program.exceptions[i].id
            case .otherwise: id = ""
            }
            return (order.firstIndex(of: r.code) ?? order.count, id)
        }
        var seen = Set<String>()
        return reasons.sorted { rank($0) < rank($1) }.filter { seen.insert($0.code + "\u{0}" + rank($0).1).inserted }
    }

    private func sorted(_ words: [String], _ kind: VocabularyDeclaration.Kind) -> [String] {
        let order = program.vocabulary[kind] ?? []
        return words.uniqued().sorted {
            (order.firstIndex(of: $0) ?? order.count) < (order.firstIndex(of: $1) ?? order.count)
        }
    }

    /// A rule's truth after exceptions, and the unknown facts that leave it open (`MissingFacts`).
    package mutating func effectiveRule(_ index: Int) -> (truth: Truth, unknown: FactSet) {
        let (truth, _, unknown, _) = evaluateRule(index)
        return (truth, unknown)
    }

    /// A rule's truth after exceptions: (effective truth, facts read, unknown facts, lifting exceptions).
    private mutating func evaluateRule(_ index: Int) -> (Truth, FactSet, FactSet, [Int]) {
        // Read the fields needed, not the whole rule (copying it would retain its syntax tree).
        let active = inForce(program.rules[index].validity)
        var own = Outcome.known(.bool(false), read: FactSet())
        if active { own = evaluate(program.rules[index].condition) }
        if !active, referenceDateUnknown(program.rules[index].validity) {
            own = openPeriod(evaluate(program.rules[index].condition))
        }
        var effective = own.truth
        var unknownFacts = own.unknownFacts
        var liftedBy: [Int] = []
        if own.truth != .false, !program.rules[index].liftedBy.isEmpty {
            // effective = own ∧ ¬(e1 ∨ e2 ∨ …), in Kleene's logic.
            var anyUnknown = false
            var exceptionUnknown = FactSet()
            for exception in program.rules[index].liftedBy {
                let e = exceptionOutcome(exception)
                switch e.truth {
                case .true: liftedBy.append(exception)
                case .unknown:
                    anyUnknown = true
                    exceptionUnknown.formUnion(e.unknownFacts)
                case .false: break
                }
            }
            if !liftedBy.isEmpty {
                effective = .false
                unknownFacts = FactSet()
                if own.truth != .true { liftedBy = [] }  // only a rule that held is shown as lifted
            } else if anyUnknown {
                effective = .unknown
                unknownFacts.formUnion(exceptionUnknown)
            }
        }
        if tracing {
            trace.events.append(
                .rule(
                    rule: index, inForce: active, truth: own.truth, effective: effective,
                    liftedBy: liftedBy, facts: own.read))
        }
        return (effective, own.read, unknownFacts, liftedBy)
    }

    private mutating func exceptionOutcome(_ index: Int) -> Outcome {
        if let cached = exceptionCache[index] { return cached }
        let active = inForce(program.exceptions[index].validity)
        var outcome = Outcome.known(.bool(false), read: FactSet())
        if active { outcome = evaluate(program.exceptions[index].condition) }
        if !active, referenceDateUnknown(program.exceptions[index].validity) {
            outcome = openPeriod(evaluate(program.exceptions[index].condition))
        }
        exceptionCache[index] = outcome
        if tracing {
            trace.events.append(
                .exception(exception: index, inForce: active, truth: outcome.truth, facts: outcome.read))
        }
        return outcome
    }

    // MARK: - Expressions

    package mutating func evaluate(_ expression: CompiledExpression) -> Outcome {
        switch expression {
        case .constant(let value):
            return .known(value, read: FactSet())
        case .fact(let slot):
            if slot < facts.count, let value = facts[slot] { return .known(value, read: FactSet(slot)) }
            return Outcome(value: nil, read: FactSet(slot), unknownFacts: FactSet(slot))
        case .derived(let index):
            if let cached = derivedCache[index] { return cached }
            let outcome = evaluate(program.derived[index].expression)
            derivedCache[index] = outcome
            return outcome
        case .decision(let index):
            guard let result = result(of: index) else { return .known(.none, read: FactSet()) }
            guard let outcome = result.outcome else {
                return Outcome(value: nil, read: result.missing, unknownFacts: result.missing)
            }
            return .known(.text(outcome), read: FactSet())
        case .not(let operand):
            var o = evaluate(operand)
            if case .bool(let b)? = o.value { o.value = .bool(!b) }
            return o
        case .and(let a, let b):
            return junction(a, b, isAnd: true)
        case .or(let a, let b):
            return junction(a, b, isAnd: false)
        case .compare(let op, let a, let b):
            let left = evaluate(a)
            let right = evaluate(b)
            let read = left.read.union(right.read)
            guard let l = left.value, let r = right.value else {
                return Outcome(value: nil, read: read, unknownFacts: left.unknownFacts.union(right.unknownFacts))
            }
            return .known(.bool(Run.compareValues(op, l, r)), read: read)
        case .member(let operand, let set, let negated):
            let o = evaluate(operand)
            guard let value = o.value else { return o }
            let isMember = value != .none && set.contains(value)
            return .known(.bool(isMember != negated), read: o.read)
        case .presence(let operand, let isPresent):
            let o = evaluate(operand)
            guard let value = o.value else { return o }
            return .known(.bool((value != .none) == isPresent), read: o.read)
        case .conditional(let c, let a, let b):
            let condition = evaluate(c)
            switch condition.truth {
            case .true:
                var o = evaluate(a)
                o.read.formUnion(condition.read)
                return o
            case .false:
                var o = evaluate(b)
                o.read.formUnion(condition.read)
                return o
            case .unknown:
                let x = evaluate(a)
                let y = evaluate(b)
                let read = condition.read.union(x.read).union(y.read)
                if let xv = x.value, let yv = y.value, xv == yv { return .known(xv, read: read) }
                return Outcome(
                    value: nil, read: read,
                    unknownFacts: condition.unknownFacts.union(x.unknownFacts).union(y.unknownFacts))
            }
        case .call(let builtin, let arguments):
            var values: [Value] = []
            var read = FactSet()
            var unknownFacts = FactSet()
            var allKnown = true
            for argument in arguments {
                let o = evaluate(argument)
                read.formUnion(o.read)
                if let v = o.value {
                    values.append(v)
                } else {
                    allKnown = false
                    unknownFacts.formUnion(o.unknownFacts)
                }
            }
            guard allKnown else { return Outcome(value: nil, read: read, unknownFacts: unknownFacts) }
            guard let result = Run.callBuiltin(builtin, values) else {
                return Outcome(value: nil, read: read, unknownFacts: read)  // beyond the date range
            }
            return .known(result, read: read)
        case .arithmetic(let op, let a, let b):
            let left = evaluate(a)
            let right = evaluate(b)
            let read = left.read.union(right.read)
            guard let l = left.value, let r = right.value else {
                return Outcome(value: nil, read: read, unknownFacts: left.unknownFacts.union(right.unknownFacts))
            }
            guard case .number(let x) = l, case .number(let y) = r else { return .known(.none, read: read) }
            let result: DecimalNumber?
            switch op {
            case .plus: result = x.adding(y)
            case .minus: result = x.subtracting(y)
            case .times: result = x.multiplied(by: y)
            }
            // Beyond the number range: unknown, caused by the facts it read; never `none`.
            guard let result else { return Outcome(value: nil, read: read, unknownFacts: read) }
            return .known(.number(result), read: read)
        case .negate(let operand):
            var o = evaluate(operand)
            if case .number(let n)? = o.value { o.value = .number(n.negated) }
            return o
        case .onlyBecause(let decision, let codes):
            return onlyBecause(decision, codes)
        }
    }

    /// `only_because`: unknown while the decision is undetermined; false when it has no reason or
    /// a reason outside `codes`; unknown when a rule left open could add one; else true.
    private func onlyBecause(_ decision: Int, _ codes: Set<String>) -> Outcome {
        guard let context = afterContext, context.decision == decision else {
            return .known(.bool(false), read: FactSet())
        }
        guard context.outcomeKnown else {
            return Outcome(value: nil, read: context.missing, unknownFacts: context.missing)
        }
        if context.listed.isEmpty || context.listed.contains(where: { !codes.contains($0) }) {
            return .known(.bool(false), read: FactSet())
        }
        var unknown = FactSet()
        var open = false
        for rule in context.open where !codes.contains(rule.code) {
            open = true
            unknown.formUnion(rule.unknown)
        }
        return open ? Outcome(value: nil, read: unknown, unknownFacts: unknown) : .known(.bool(true), read: FactSet())
    }

    /// Kleene's `and`/`or`: a false (true) operand decides whatever the other is.
    private mutating func junction(_ a: CompiledExpression, _ b: CompiledExpression, isAnd: Bool) -> Outcome {
        let dominant = Value.bool(!isAnd)
        let left = evaluate(a)
        if left.value == dominant { return .known(dominant, read: left.read) }
        let right = evaluate(b)
        let read = left.read.union(right.read)
        if right.value == dominant { return .known(dominant, read: read) }
        if left.value != nil, right.value != nil { return .known(.bool(isAnd), read: read) }
        return Outcome(value: nil, read: read, unknownFacts: left.unknownFacts.union(right.unknownFacts))
    }

    package static func compareValues(_ op: ComparisonOperator, _ l: Value, _ r: Value) -> Bool {
        switch op {
        case .equal: return l == r
        case .notEqual: return l != r
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            let order: Int
            switch (l, r) {
            case (.number(let x), .number(let y)): order = x < y ? -1 : (x == y ? 0 : 1)
            case (.date(let x), .date(let y)): order = x < y ? -1 : (x == y ? 0 : 1)
            default: return false  // `none` is not ordered against anything
            }
            switch op {
            case .less: return order < 0
            case .lessOrEqual: return order <= 0
            case .greater: return order > 0
            default: return order >= 0
            }
        }
    }

    /// nil: the result is beyond the date range (unknown).
    package static func callBuiltin(_ builtin: Builtin, _ values: [Value]) -> Value? {
        if builtin == .isBlank {
            // An absent text is blank too: `is_blank` is never `none`.
            switch values[0] {
            case .text(let text): return .bool(TextBlank.isBlank(text))
            case .none: return .bool(true)
            case .bool, .number, .date: return Value.none
            }
        }
        switch (builtin, values[0], values[1]) {
        case (.yearsBetween, .date(let a), .date(let b)):
            return .number(DecimalNumber(integer: CivilDate.wholeYearsBetween(a, b)))
        case (.monthsBetween, .date(let a), .date(let b)):
            return .number(DecimalNumber(integer: CivilDate.wholeMonthsBetween(a, b)))
        case (.daysBetween, .date(let a), .date(let b)):
            return .number(DecimalNumber(integer: CivilDate.daysBetween(a, b)))
        case (.addDays, .date(let d), .number(let n)):
            guard let count = n.integerValue, abs(count) <= 3_000_000 else { return nil }
            return .date(d.addingDays(count))
        case (.addMonths, .date(let d), .number(let n)):
            guard let count = n.integerValue, abs(count) <= 100_000 else { return nil }
            return .date(d.addingMonths(count))
        case (.addYears, .date(let d), .number(let n)):
            guard let count = n.integerValue, abs(count) <= 8_000 else { return nil }
            return .date(d.addingYears(count))
        default:
            // `Value.none`, not `nil` (which would mean beyond the range, unknown): an optional
            // date that is absent gives an absent result.
            return Value.none
        }
    }
}
