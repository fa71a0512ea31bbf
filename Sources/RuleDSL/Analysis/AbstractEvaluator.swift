import RuleMachine
import RuleSemantics
import RuleSyntax
import RuleValues

/// Evaluates a program over a *partial* case: facts not yet chosen may be anything. Every
/// result is the set of values the expression can take over all completions (an
/// over-approximation), so the prover can prune: if an invariant cannot be false for any
/// completion, no case below this partial case violates it.
struct AbstractEvaluator {
    /// A set of possible results: finitely many values (nil = unknown), or anything.
    enum Abstract: Equatable {
        case values([Value?])
        case anything(mayBeUnknown: Bool)

        static let truths: Abstract = .values([.bool(true), .bool(false), nil])
        static func exactly(_ value: Value?) -> Abstract { .values([value]) }

        var mayBeUnknown: Bool {
            switch self {
            case .values(let vs): return vs.contains { $0 == nil }
            case .anything(let u): return u
            }
        }
    }

    /// A fact's state in the partial case.
    enum Slot: Equatable {
        case unassigned
        /// nil: unknown.
        case assigned(Value?)
    }

    let program: Program
    let slots: [Slot]
    /// Whether each fact, when unassigned, can still turn out unknown (non-optional facts, and
    /// members of a group that is present).
    let canBeUnknown: [Bool]
    private var derivedCache: [Abstract?]
    private var decisionCache: [Abstract?]
    private var exceptionCache: [Abstract?]
    /// Unassigned facts in the order evaluation first needed them: what to branch on next.
    private(set) var wanted: [Int] = []
    private var wantedSet = Set<Int>()
    /// Expressions evaluated so far: the work the prover and the diff count against their budget.
    private(set) var steps = 0

    init(program: Program, slots: [Slot], canBeUnknown: [Bool]) {
        self.program = program
        self.slots = slots
        self.canBeUnknown = canBeUnknown
        derivedCache = Array(repeating: nil, count: program.derived.count)
        decisionCache = Array(repeating: nil, count: program.decisions.count)
        exceptionCache = Array(repeating: nil, count: program.exceptions.count)
    }

    // MARK: - Expressions

    mutating func evaluate(_ expression: CompiledExpression) -> Abstract {
        steps += 1
        switch expression {
        case .constant(let value):
            return .exactly(value)
        case .fact(let slot):
            switch slots[slot] {
            case .assigned(let value): return .exactly(value)
            case .unassigned:
                if wantedSet.insert(slot).inserted { wanted.append(slot) }
                return .anything(mayBeUnknown: canBeUnknown[slot])
            }
        case .derived(let index):
            if let cached = derivedCache[index] { return cached }
            let result = evaluate(program.derived[index].expression)
            derivedCache[index] = result
            return result
        case .decision(let index):
            return decision(index)
        case .not(let operand):
            return mapTruth(evaluate(operand)) { t in t.map { !$0 } }
        case .and(let a, let b):
            return junction(evaluate(a), evaluate(b), isAnd: true)
        case .or(let a, let b):
            return junction(evaluate(a), evaluate(b), isAnd: false)
        case .compare(let op, let a, let b):
            let left = evaluate(a)
            let right = evaluate(b)
            guard case .values(let ls) = left, case .values(let rs) = right else {
                return .values([.bool(true), .bool(false)] + (left.mayBeUnknown || right.mayBeUnknown ? [nil] : []))
            }
            var results: [Value?] = []
            for l in ls {
                for r in rs {
                    let value: Value? = (l == nil || r == nil) ? nil : .bool(Run.compareValues(op, l!, r!))
                    if !results.contains(value) { results.append(value) }
                }
            }
            return .values(results)
        case .member(let operand, let set, let negated):
            let o = evaluate(operand)
            guard case .values(let vs) = o else {
                return .values([.bool(true), .bool(false)] + (o.mayBeUnknown ? [nil] : []))
            }
            return .values(vs.map { v in v.map { .bool(($0 != .none && set.contains($0)) != negated) } }.uniqued())
        case .presence(let operand, let isPresent):
            let o = evaluate(operand)
            guard case .values(let vs) = o else {
                return .values([.bool(true), .bool(false)] + (o.mayBeUnknown ? [nil] : []))
            }
            return .values(vs.map { v in v.map { .bool(($0 != .none) == isPresent) } }.uniqued())
        case .conditional(let c, let a, let b):
            let condition = evaluate(c)
            let truths = truthValues(condition)
            var results: [Abstract] = []
            // Each branch is evaluated at most once: nested conditionals must not double the work.
            var (x, y): (Abstract?, Abstract?) = (nil, nil)
            if truths.contains(true) || truths.contains(nil) { x = evaluate(a) }
            if truths.contains(false) || truths.contains(nil) { y = evaluate(b) }
            if truths.contains(true) { results.append(x!) }
            if truths.contains(false) { results.append(y!) }
            if truths.contains(nil), let x, let y {
                // Concretely: equal branches give the value, else unknown.
                if case .values(let xs) = x, case .values(let ys) = y, xs.count == 1, xs == ys {
                    results.append(x)
                } else {
                    results.append(union(x, y))
                    results.append(.exactly(nil))
                }
            }
            return results.dropFirst().reduce(results.first ?? .exactly(nil), union)
        case .call(let builtin, let arguments):
            var values: [[Value?]] = []
            var anyUnknown = false
            var isAnything = false
            for argument in arguments {
                let o = evaluate(argument)
                anyUnknown = anyUnknown || o.mayBeUnknown
                if case .values(let vs) = o { values.append(vs) } else { isAnything = true }
            }
            if isAnything { return .anything(mayBeUnknown: anyUnknown) }
            // Every combination of the arguments' possible values (one or two arguments).
            var combinations: [[Value?]] = [[]]
            for vs in values { combinations = combinations.flatMap { c in vs.map { c + [$0] } } }
            var results: [Value?] = []
            for arguments in combinations {
                let known = arguments.compactMap { $0 }
                let r: Value? = known.count < arguments.count ? nil : Run.callBuiltin(builtin, known)
                if !results.contains(r) { results.append(r) }
            }
            return .values(results)
        case .onlyBecause:
            // A decision's reasons are not tracked here; read only by rules after it, which no
            // invariant's outcome depends on. Any truth (sound, just less precise).
            return .truths
        case .arithmetic, .negate:
            // Not used by the LVV rules; treated as anything (sound, just less precise).
            return .anything(mayBeUnknown: true)
        }
    }

    // MARK: - Decisions

    /// The set of outcomes a decision can have (nil: undetermined; `.none`: does not apply).
    private mutating func decision(_ index: Int) -> Abstract {
        if let cached = decisionCache[index] { return cached }
        let decision = program.decisions[index]
        var results: [Value?] = []
        var applies: Set<Bool?> = [true]
        if let condition = decision.condition { applies = truthValues(evaluate(condition)) }
        if applies.contains(false) { results.append(Value.none) }
        if applies.contains(nil) { results.append(nil) }
        if applies.contains(true) {
            // Per stage: can a rule certainly hold, can the stage be only unknown, can it be quiet?
            var statuses: [(stage: StageInfo, hit: Bool, unknownOnly: Bool, quiet: Bool)] = []
            for stage in decision.stages {
                var canHit = false
                var allCanBeNonTrue = true
                var anyCanBeUnknown = false
                var allCanBeFalse = true
                for rule in stage.rules {
                    let truths = effectiveTruths(rule)
                    if truths.contains(true) { canHit = true }
                    if !truths.contains(false), !truths.contains(nil) { allCanBeNonTrue = false }
                    if truths.contains(nil) { anyCanBeUnknown = true }
                    if !truths.contains(false) { allCanBeFalse = false }
                }
                statuses.append((stage, canHit, allCanBeNonTrue && anyCanBeUnknown, allCanBeFalse))
            }
            let outcomes = AbstractEvaluator.simulate(statuses, decision: decision)
            for outcome in outcomes {
                let value: Value? = outcome.map { .text($0) }
                if !results.contains(value) { results.append(value) }
            }
        }
        let result = Abstract.values(results)
        decisionCache[index] = result
        return result
    }

    /// The outcomes still possible while walking the stages: what matters of them is only
    /// whether there are none, one (which), or several.
    private enum Possible: Hashable {
        case empty
        case one(String)
        case several

        func adding(_ outcome: String) -> Possible {
            switch self {
            case .empty: return .one(outcome)
            case .one(let o): return o == outcome ? self : .several
            case .several: return .several
            }
        }

        /// The decision's outcome when these are the possible ones: the one, or undetermined.
        var outcome: String? {
            if case .one(let o) = self { return o }
            return nil
        }
    }

    /// Runs the evaluator's stage walk over every combination of stage statuses, one stage at a
    /// time over the distinct states reached (at most the outcomes plus two), so many stages
    /// cost a walk each, not one per combination.
    private static func simulate(
        _ stages: [(stage: StageInfo, hit: Bool, unknownOnly: Bool, quiet: Bool)], decision: DecisionInfo
    ) -> Set<String?> {
        var outcomes = Set<String?>()
        var states: Set<Possible> = [.empty]
        for first in stages {
            var next = Set<Possible>()
            for possible in states {
                if first.hit {
                    let final: Possible = first.stage.overridesUnknowns ? .empty : possible
                    outcomes.insert(final.adding(first.stage.outcome).outcome)
                }
                if first.unknownOnly { next.insert(possible.adding(first.stage.outcome)) }
                if first.quiet { next.insert(possible) }
            }
            states = next
        }
        for possible in states {
            let final = decision.otherwise.map { possible.adding($0) } ?? possible
            outcomes.insert(final.outcome)
        }
        return outcomes
    }

    /// A rule's possible truths after exceptions (treating the exceptions as independent: an
    /// over-approximation, which keeps pruning sound).
    mutating func effectiveTruths(_ index: Int) -> Set<Bool?> {
        let rule = program.rules[index]
        var own = truthValues(ruleCondition(rule.condition, validity: rule.validity))
        guard !rule.liftedBy.isEmpty, own.contains(true) || own.contains(nil) else { return own }
        var lifted: Set<Bool?> = [false]
        for exception in rule.liftedBy {
            let e = truthValues(exceptionTruth(exception))
            var next: Set<Bool?> = []
            for a in lifted { for b in e { next.insert(Run.kleeneOr(a, b)) } }
            lifted = next
        }
        var result: Set<Bool?> = []
        for a in own { for b in lifted { result.insert(Run.kleeneAnd(a, b.map { !$0 })) } }
        own = result
        return own
    }

    private mutating func exceptionTruth(_ index: Int) -> Abstract {
        if let cached = exceptionCache[index] { return cached }
        let exception = program.exceptions[index]
        let result = ruleCondition(exception.condition, validity: exception.validity)
        exceptionCache[index] = result
        return result
    }

    /// A condition, false outside its validity period (judged on the reference date).
    private mutating func ruleCondition(_ condition: CompiledExpression, validity: Validity) -> Abstract {
        guard !validity.isAlways, let reference = program.referenceFact else { return evaluate(condition) }
        switch evaluate(.fact(reference)) {
        case .values(let vs):
            // Per possible reference date: in force (the condition), not (false), or unknown
            // (the condition, with true turned unknown), as the concrete evaluator does.
            let truth = evaluate(condition)
            var result: Abstract?
            func add(_ a: Abstract) { result = result.map { union($0, a) } ?? a }
            for v in vs {
                if case .date(let d)? = v {
                    add(validity.contains(d) ? truth : .exactly(.bool(false)))
                } else if v == nil {
                    add(mapTruth(truth) { t in t == false ? false : nil })
                } else {
                    add(.exactly(.bool(false)))
                }
            }
            return result ?? .exactly(.bool(false))
        case .anything(let mayBeUnknown):
            let truth = evaluate(condition)
            let some = union(truth, .exactly(.bool(false)))
            return mayBeUnknown ? union(some, mapTruth(truth) { t in t == false ? false : nil }) : some
        }
    }

    // MARK: - Helpers

    func truthValues(_ a: Abstract) -> Set<Bool?> {
        switch a {
        case .values(let vs):
            return Set(
                vs.map { v -> Bool? in
                    if case .bool(let b)? = v { return b }
                    return v == nil ? nil : false
                })
        case .anything(let u): return u ? [true, false, nil] : [true, false]
        }
    }

    private func mapTruth(_ a: Abstract, _ f: (Bool?) -> Bool?) -> Abstract {
        .values(truthValues(a).map { f($0).map(Value.bool) }.uniqued())
    }

    private func junction(_ a: Abstract, _ b: Abstract, isAnd: Bool) -> Abstract {
        var results: [Value?] = []
        for x in truthValues(a) {
            for y in truthValues(b) {
                let r = isAnd ? Run.kleeneAnd(x, y) : Run.kleeneOr(x, y)
                let v = r.map(Value.bool)
                if !results.contains(v) { results.append(v) }
            }
        }
        return .values(results)
    }

    private func union(_ a: Abstract, _ b: Abstract) -> Abstract {
        switch (a, b) {
        case (.values(let x), .values(let y)): return .values((x + y).uniqued())
        default: return .anything(mayBeUnknown: a.mayBeUnknown || b.mayBeUnknown)
        }
    }
}

extension Run {
    static func kleeneAnd(_ a: Bool?, _ b: Bool?) -> Bool? {
        if a == false || b == false { return false }
        if a == true, b == true { return true }
        return nil
    }

    static func kleeneOr(_ a: Bool?, _ b: Bool?) -> Bool? {
        if a == true || b == true { return true }
        if a == false, b == false { return false }
        return nil
    }
}
