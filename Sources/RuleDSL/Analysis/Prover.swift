import RuleMachine
import RuleSemantics
import RuleSyntax
import RuleValues

/// Proves a program's invariants over every possible case, or finds a counterexample.
///
/// The search assigns facts one at a time, in the order evaluation needs them, and after each
/// choice evaluates the invariant abstractly over all completions (`AbstractEvaluator`). A
/// subtree is dropped only when the invariant cannot be false anywhere in it; a violation is
/// reported only after the concrete evaluator confirms it on a complete case. Each fact is
/// branched over a finite set of values that represents every region in which the program's
/// comparisons on it keep their truth (see docs/compliance.md for the argument and its limits).
public struct Prover: Sendable {
    /// The rule set whose invariants are proved.
    public let program: Program
    /// A search that grows past this many partial cases is stopped and reported as unproven,
    /// never as compliant.
    public var maximumNodes = 200_000
    /// Nor may it evaluate more than this many expressions (`AbstractEvaluator.steps`): each
    /// partial case costs in proportion to the rule set, so a node count alone would let a
    /// large rule file run for hours.
    public var maximumSteps = Search.defaultMaximumSteps

    /// A prover for `program`'s invariants, with the default search limits.
    public init(program: Program) {
        self.program = program
    }

    /// The result for one invariant.
    public enum Result: Sendable {
        case proven(nodes: Int)
        /// A complete case (facts by slot) on which the invariant is false.
        case violated(counterexample: [Value?], nodes: Int)
        /// The search could not decide (too large, or a rule outside the supported fragment).
        case unproven(reason: String, nodes: Int)
    }

    /// Proves `invariant` for every possible case, or finds a case that violates it.
    public func check(_ invariant: InvariantInfo) -> Result {
        var search = Search(
            program: program, invariant: invariant.mustHold, maximumNodes: maximumNodes,
            budget: WorkBudget(limit: maximumSteps))
        let initial = program.facts.map { _ in AbstractEvaluator.Slot.unassigned }
        // Look first for a counterexample without any optional group (no exception recorded):
        // it is the plainer story. The proof itself is always the full search below.
        var plain = initial
        for (slot, fact) in program.facts.enumerated() where fact.isGroupPresence {
            search.assign(.bool(false), to: slot, in: &plain)
        }
        if plain != initial, let found = search.explore(plain) {
            return .violated(counterexample: search.readable(search.minimize(found)), nodes: search.nodes)
        }
        if let found = search.explore(initial) {
            let minimal = search.minimize(found)
            return .violated(counterexample: search.readable(minimal), nodes: search.nodes)
        }
        if let reason = search.gaveUp { return .unproven(reason: reason, nodes: search.nodes) }
        return .proven(nodes: search.nodes)
    }
}

/// The depth-first search behind `Prover`.
struct Search {

    let program: Program
    let invariant: CompiledExpression
    let maximumNodes: Int
    /// See `Prover.maximumSteps`.
    static let defaultMaximumSteps = 5_000_000
    /// The work done so far, shared with `atoms`.
    let budget: WorkBudget
    let evaluator: ReferenceEvaluator
    let atoms: AtomIndex
    var nodes = 0
    var gaveUp: String?

    init(
        program: Program, invariant: CompiledExpression, maximumNodes: Int,
        budget: WorkBudget = WorkBudget(limit: Search.defaultMaximumSteps)
    ) {
        self.program = program
        self.invariant = invariant
        self.maximumNodes = maximumNodes
        self.budget = budget
        self.evaluator = ReferenceEvaluator(program: program)
        self.atoms = AtomIndex(program: program, budget: budget)
        // Optional facts and small domains first: deciding whether an exception exists, or a
        // yes/no fact, prunes more than trying dates.
        let program = program
        func rank(_ slot: Int) -> Int {
            let fact = program.facts[slot]
            if fact.isOptional { return 0 }
            switch fact.type {
            case .bool, .enumeration: return 1
            case .text: return 2
            case .number: return 3
            case .date, .set, .none, .unresolved: return 4
            }
        }
        self.invariantFacts = atoms.facts(in: invariant).sorted { (rank($0), $0) < (rank($1), $1) }
    }

    /// Facts the invariant reads itself (not through decisions), in slot order.
    let invariantFacts: [Int]

    /// A complete case violating the invariant below `slots`, or nil.
    mutating func explore(_ slots: [AbstractEvaluator.Slot]) -> [Value?]? {
        nodes += 1
        if nodes > maximumNodes {
            gaveUp = gaveUp ?? "budget: the search passed \(maximumNodes) partial cases"
            return nil
        }
        if budget.isExhausted {
            gaveUp = gaveUp ?? budget.reason
            return nil
        }
        var abstract = AbstractEvaluator(program: program, slots: slots, canBeUnknown: canBeUnknown(slots))
        let truths = abstract.truthValues(abstract.evaluate(invariant))
        budget.steps += abstract.steps
        guard truths.contains(false) else { return nil }
        // Branch first on the facts the invariant states directly (they prune most), then on the
        // first fact evaluation needed; the reference date goes first among dates, so other
        // dates can be placed relative to it.
        var next =
            invariantFacts.first { slots[$0] == .unassigned && abstract.wanted.contains($0) }
            ?? abstract.wanted.first
        if let n = next, program.facts[n].type == .date, let reference = program.referenceFact,
            slots[reference] == .unassigned
        {
            next = reference
        }
        // A group member is chosen only once its group is known to be present or absent.
        if let n = next, let group = program.facts[n].group, let presence = presenceSlot(group),
            slots[presence] == .unassigned
        {
            next = presence
        }
        guard let slot = next else {
            // Nothing left that matters: complete with unknown / none and confirm concretely.
            let complete = completion(slots)
            return evaluator.truth(of: invariant, facts: complete) == .false ? complete : nil
        }
        for candidate in candidates(for: slot, in: slots) {

            var child = slots
            assign(candidate, to: slot, in: &child)
            if let found = explore(child) { return found }
            if gaveUp != nil { return nil }
        }
        return nil
    }

    /// Facts still unassigned that may turn out unknown: non-optional facts, and members of a
    /// group that is present.
    func canBeUnknown(_ slots: [AbstractEvaluator.Slot]) -> [Bool] {
        program.facts.enumerated().map { index, fact in
            if fact.isGroupPresence { return false }
            if !fact.isOptional { return true }
            guard let group = fact.group else { return false }
            return groupState(group, slots) != .absent
        }
    }

    enum GroupState { case absent, present, open }

    func presenceSlot(_ group: String) -> Int? {
        program.factSlots[group].flatMap { program.facts[$0].isGroupPresence ? $0 : nil }
    }

    func groupState(_ group: String, _ slots: [AbstractEvaluator.Slot]) -> GroupState {
        guard let presence = presenceSlot(group), case .assigned(let v) = slots[presence] else { return .open }
        return v == .bool(true) ? .present : .absent
    }

    /// Assigns a value; a group's presence decides whether its members can be anything but none.
    func assign(_ value: Value?, to slot: Int, in slots: inout [AbstractEvaluator.Slot]) {
        slots[slot] = .assigned(value)
        let fact = program.facts[slot]
        if fact.isGroupPresence, value == .bool(false) {
            for (index, member) in program.facts.enumerated() where member.group == fact.name {
                slots[index] = .assigned(Value.none)
            }
        }
    }

    func completion(_ slots: [AbstractEvaluator.Slot]) -> [Value?] {
        let unknown = canBeUnknown(slots)
        return slots.enumerated().map { index, slot in
            if case .assigned(let v) = slot { return v }
            return unknown[index] ? nil : Value.none
        }
    }

    /// The values to try for a fact: one per region of its comparisons, plus unknown or none.
    func candidates(for slot: Int, in slots: [AbstractEvaluator.Slot]) -> [Value?] {
        let fact = program.facts[slot]
        var values: [Value?] = []
        if let group = fact.group, fact.isOptional, presenceSlot(group) != nil {
            if groupState(group, slots) == .absent { return [Value.none] }
        } else if fact.isOptional {
            values.append(Value.none)
        }
        switch fact.type {
        case .bool: values += [.bool(false), .bool(true)]
        case .enumeration(let options): values += options.map { .text($0) }
        case .text:
            values += [.text(fact.format?.filler ?? AtomIndex.otherText)] + atoms.texts(for: slot).map(Value.text)
        case .number: values += atoms.numbers(for: slot, fact: fact, slots: slots).map(Value.number)
        case .date: values += atoms.dates(for: slot, slots: slots).map(Value.date)
        case .set, .none, .unresolved: break
        }
        if canBeUnknown(slots)[slot] { values.append(nil) }
        return values
    }

    /// The counterexample with ordinary values where they still violate the invariant
    /// (`Counterexample`), and every required fact given.
    func readable(_ case: [Value?]) -> [Value?] {
        Counterexample.plausible(`case`, program: program) { evaluator.truth(of: invariant, facts: $0) == .false }
    }

    /// Drops facts from a counterexample (to unknown, or none) while the violation remains, so
    /// it shows only the facts that matter.
    func minimize(_ case: [Value?]) -> [Value?] {
        var current = `case`
        // Groups (an exception) first: a counterexample without one is the plainer story.
        let order = current.indices.sorted {
            (program.facts[$0].isGroupPresence ? 0 : 1, $0) < (program.facts[$1].isGroupPresence ? 0 : 1, $1)
        }
        for index in order where current[index] != nil && current[index] != Value.none {
            let fact = program.facts[index]
            if fact.isRequired { continue }
            var trial = current
            if fact.isGroupPresence {
                // A group is kept or dropped whole.
                guard current[index] == .bool(true) else { continue }
                trial[index] = .bool(false)
                for m in program.facts.indices where program.facts[m].group == fact.name { trial[m] = Value.none }
            } else if fact.group != nil, fact.isOptional {
                trial[index] = nil  // inside a present group: unknown
            } else {
                trial[index] = fact.isOptional ? Value.none : nil
            }
            if evaluator.truth(of: invariant, facts: trial) == .false { current = trial }
        }
        return current
    }
}

/// The work a proof or a diff may do, counted in expressions evaluated; shared by the search
/// and its `AtomIndex`, so every part of the work counts against one limit.
final class WorkBudget: @unchecked Sendable {
    let limit: Int
    var steps = 0

    init(limit: Int) {
        self.limit = limit
    }

    var isExhausted: Bool { steps > limit }
    var reason: String { "budget: the search passed \(limit) evaluation steps" }
}

/// The comparisons of a program, by fact: where each fact's value regions begin and end.
struct AtomIndex {
    /// A text that no rule compares with, standing for "any other value".
    static let otherText = "ZZ"
    /// The range dates are searched in; wide enough for every date a case can hold in practice.
    static let earliest = CivilDate(year: 1900, month: 1, day: 1)!
    static let latest = CivilDate(year: 2100, month: 12, day: 31)!
    /// The range searched for a number fact declared without bounds, scaled: ±1,000,000.
    static let numberSearchBound: Int64 = 1_000_000 * DecimalNumber.scale

    let program: Program
    /// Comparison and membership nodes, with the facts each reads (through derived values).
    private(set) var atoms: [(expression: CompiledExpression, facts: Set<Int>)] = []
    /// The facts each derived value reads, worked out once (a `let` read twice is not walked
    /// twice).
    private var derivedFacts: [Set<Int>] = []
    /// For each fact, the atoms that read it, so a fact's comparisons are found without a walk
    /// over every atom of the program.
    private var atomsByFact: [Int: [Int]] = [:]

    let budget: WorkBudget

    init(program: Program, budget: WorkBudget = WorkBudget(limit: .max)) {
        self.program = program
        self.budget = budget
        // Derived values read only derived values compiled before them, so one pass in
        // dependency order (found by `facts(in:)` with what is known so far) fills the table.
        var known: [Set<Int>?] = Array(repeating: nil, count: program.derived.count)
        func derivedFacts(_ index: Int) -> Set<Int> {
            if let set = known[index] { return set }
            let set = AtomIndex.facts(in: program.derived[index].expression, derived: derivedFacts)
            known[index] = set
            return set
        }
        self.derivedFacts = program.derived.indices.map(derivedFacts)
        var expressions: [CompiledExpression] =
            program.rules.map(\.condition) + program.exceptions.map(\.condition)
            + program.invariants.map(\.mustHold) + program.decisions.compactMap(\.condition)
            + program.derived.map(\.expression)
        // Collected into a local array: appending to `self.atoms` while calling a method of
        // `self` would copy the whole array on every append.
        var found: [(expression: CompiledExpression, facts: Set<Int>)] = []
        var seen = 0
        while seen < expressions.count {
            collect(expressions[seen], into: &found)
            seen += 1
        }
        expressions.removeAll()
        atoms = found
        for (index, atom) in atoms.enumerated() {
            for fact in atom.facts { atomsByFact[fact, default: []].append(index) }
        }
    }

    /// The atoms reading `slot`, in program order.
    private func atoms(reading slot: Int) -> [(expression: CompiledExpression, facts: Set<Int>)] {
        (atomsByFact[slot] ?? []).map { atoms[$0] }
    }

    private func collect(_ e: CompiledExpression, into atoms: inout [(expression: CompiledExpression, facts: Set<Int>)])
    {
        switch e {
        case .compare(_, let a, let b):
            atoms.append((e, facts(in: a).union(facts(in: b))))
        case .member(let a, _, _):
            atoms.append((e, facts(in: a)))
        case .not(let a), .presence(let a, _), .negate(let a): collect(a, into: &atoms)
        case .and(let a, let b), .or(let a, let b), .arithmetic(_, let a, let b):
            collect(a, into: &atoms)
            collect(b, into: &atoms)
        case .conditional(let a, let b, let c):
            collect(a, into: &atoms)
            collect(b, into: &atoms)
            collect(c, into: &atoms)
        case .call(let builtin, let args):
            // `is_blank` splits a text's values into blank and not blank, as a comparison does.
            if builtin == .isBlank { atoms.append((e, facts(in: e))) }
            for argument in args { collect(argument, into: &atoms) }
        case .constant, .fact, .derived, .decision, .onlyBecause: break
        }
    }

    func facts(in e: CompiledExpression) -> Set<Int> {
        AtomIndex.facts(in: e, derived: { derivedFacts[$0] })
    }

    private static func facts(in e: CompiledExpression, derived: (Int) -> Set<Int>) -> Set<Int> {
        func walk(_ e: CompiledExpression) -> Set<Int> {
            switch e {
            case .fact(let s): return [s]
            case .derived(let i): return derived(i)
            case .constant, .decision, .onlyBecause: return []
            case .not(let a), .presence(let a, _), .negate(let a), .member(let a, _, _): return walk(a)
            case .and(let a, let b), .or(let a, let b), .arithmetic(_, let a, let b), .compare(_, let a, let b):
                return walk(a).union(walk(b))
            case .conditional(let a, let b, let c): return walk(a).union(walk(b)).union(walk(c))
            case .call(_, let args): return args.reduce(into: Set<Int>()) { $0.formUnion(walk($1)) }
            }
        }
        return walk(e)
    }

    /// The text constants an atom compares a text with, each with the test that tells which
    /// texts behave like it: shared by `texts(for:)` and the diff's text classes.
    static func textTests(
        of expression: CompiledExpression, constants: inout [String], tests: inout [(String) -> Bool]
    ) {
        switch expression {
        case .compare(_, let a, let b):
            for side in [a, b] {
                if case .constant(.text(let t)) = side {
                    constants.append(t)
                    tests.append { $0 == t }
                }
            }
        case .member(_, let set, _):
            for case .text(let t) in set { constants.append(t) }
            tests.append { set.contains(.text($0)) }
        case .call(.isBlank, _):
            constants.append("")
            tests.append { TextBlank.isBlank($0) }
        default: break
        }
    }

    /// Text constants a text fact is compared with, one per class of constants that every
    /// comparison treats alike (all EU member states behave the same in `in EU_MEMBER_STATES`).
    func texts(for slot: Int) -> [String] {
        var constants: [String] = []
        var tests: [(String) -> Bool] = []
        for (expression, _) in atoms(reading: slot) {
            AtomIndex.textTests(of: expression, constants: &constants, tests: &tests)
        }
        var seen = Set<[Bool]>()
        return constants.uniqued().sorted().filter { constant in
            seen.insert(tests.map { test in test(constant) }).inserted
        }
    }

    /// The region (first and last value, inclusive) a date or number fact's value lies in, given
    /// the other facts: the stretch over which no comparison of the program changes.
    func region(of slot: Int, value: Value, slots: [AbstractEvaluator.Slot]) -> (Value, Value)? {
        var others = slots
        others[slot] = .unassigned
        switch value {
        case .date(let d):
            let lo = Int(AtomIndex.earliest.dayNumber)
            let hi = Int(AtomIndex.latest.dayNumber)
            let cuts =
                thresholds(for: slot, slots: others, lo: lo, hi: hi, make: { .date(CivilDate(dayNumber: Int32($0))) })
                + validityCuts(slot)
            let x = Int(d.dayNumber)
            let start = cuts.filter { $0 <= x }.max() ?? lo
            let end = (cuts.filter { $0 > x }.min() ?? (hi + 1)) - 1
            return (.date(CivilDate(dayNumber: Int32(start))), .date(CivilDate(dayNumber: Int32(end))))
        case .number(let n):
            let fact = program.facts[slot]
            let unit = fact.isWhole ? Int(DecimalNumber.scale) : 1
            let lo = Int(fact.atLeast?.scaled ?? -AtomIndex.numberSearchBound) / unit
            let hi = Int(fact.atMost?.scaled ?? AtomIndex.numberSearchBound) / unit
            let cuts = thresholds(
                for: slot, slots: others, lo: lo, hi: hi, make: { .number(DecimalNumber(scaled: Int64($0 * unit))) })
            let x = Int(n.scaled) / unit
            let start = cuts.filter { $0 <= x }.max() ?? lo
            let end = (cuts.filter { $0 > x }.min() ?? (hi + 1)) - 1
            return (
                .number(DecimalNumber(scaled: Int64(start * unit))), .number(DecimalNumber(scaled: Int64(end * unit)))
            )
        default:
            return nil
        }
    }

    /// Region boundaries of a date fact, found by binary search on each comparison whose other
    /// facts are already chosen: the first and last day of every region.
    func dates(for slot: Int, slots: [AbstractEvaluator.Slot]) -> [CivilDate] {
        let lo = Int(AtomIndex.earliest.dayNumber)
        let hi = Int(AtomIndex.latest.dayNumber)
        var points: Set<Int> = [lo, hi]
        var cuts = thresholds(for: slot, slots: slots, lo: lo, hi: hi, make: { .date(CivilDate(dayNumber: Int32($0))) })
        cuts += validityCuts(slot)
        for threshold in cuts {
            points.formUnion([threshold - 1, threshold].filter { $0 >= lo && $0 <= hi })
        }
        return points.sorted().map { CivilDate(dayNumber: Int32($0)) }
    }

    /// For the reference date: where a rule's or exception's period begins and ends (it is judged
    /// on the reference date, like a comparison with it).
    private func validityCuts(_ slot: Int) -> [Int] {
        guard slot == program.referenceFact else { return [] }
        var cuts: [Int] = []
        for validity in program.rules.map(\.validity) + program.exceptions.map(\.validity) {
            if let from = validity.from { cuts.append(Int(from.dayNumber)) }
            if let until = validity.until { cuts.append(Int(until.dayNumber) + 1) }
        }
        return cuts
    }

    /// Region boundaries of a number fact, in millionths (whole facts: in units).
    func numbers(for slot: Int, fact: FactInfo, slots: [AbstractEvaluator.Slot]) -> [DecimalNumber] {
        let unit = fact.isWhole ? Int(DecimalNumber.scale) : 1
        let lo = Int(fact.atLeast?.scaled ?? -AtomIndex.numberSearchBound) / unit
        let hi = Int(fact.atMost?.scaled ?? AtomIndex.numberSearchBound) / unit
        var points: Set<Int> = [lo, hi]
        for threshold in thresholds(
            for: slot, slots: slots, lo: lo, hi: hi, make: { .number(DecimalNumber(scaled: Int64($0 * unit))) })
        {
            points.formUnion([threshold - 1, threshold].filter { $0 >= lo && $0 <= hi })
        }
        return points.sorted().map { DecimalNumber(scaled: Int64($0 * unit)) }
    }

    /// For each comparison over this fact (others chosen), the first points where the order of
    /// its two sides changes: the comparison is constant between consecutive thresholds.
    private func thresholds(
        for slot: Int, slots: [AbstractEvaluator.Slot], lo: Int, hi: Int, make: (Int) -> Value
    ) -> [Int] {
        var result: [Int] = []
        for (expression, facts) in atoms(reading: slot) {
            // Each comparison costs a few dozen evaluations of its sides: counted against the
            // budget (not cut short: a region's bounds must be right even in a search that stops).
            let others = facts.subtracting([slot])
            guard others.allSatisfy({ slots[$0] != .unassigned }) else { continue }
            guard case .compare(let op, let a, let b) = expression else { continue }
            var base = slots.map { s -> Value? in if case .assigned(let v) = s { return v } else { return nil } }
            let evaluator = ReferenceEvaluator(program: program)
            let budget = self.budget
            func order(_ x: Int) -> Int? {
                budget.steps += 8
                base[slot] = make(x)
                guard let l = evaluator.value(of: a, facts: base), let r = evaluator.value(of: b, facts: base) else {
                    return nil
                }
                if Run.compareValues(.less, l, r) { return -1 }
                if Run.compareValues(.greater, l, r) { return 1 }
                return l == r ? 0 : nil
            }
            guard let first = order(lo), let last = order(hi), first != last else { continue }
            let increasing = first < last
            // The first x where the order reaches at least `target` (monotone in x).
            func search(_ reaches: (Int) -> Bool) -> Int? {
                var low = lo
                var high = hi
                guard reaches(high) else { return nil }
                while low < high {
                    let mid = low + (high - low) / 2
                    if reaches(mid) { high = mid } else { low = mid + 1 }
                }
                return low
            }
            // `<` and `>=` change where the order reaches 0; `<=` and `>` where it passes 0;
            // `=` and `!=` at both. When the order falls as x grows, `<` and `>=` change where it
            // falls below 0, `<=` and `>` where it reaches 0 (so `age < 18` in the birth date
            // changes on the day after the 18th birthday, not a year earlier).
            let targets: [Int]
            switch op {
            case .less, .greaterOrEqual: targets = [0]
            case .lessOrEqual, .greater: targets = [1]
            case .equal, .notEqual: targets = [0, 1]
            }
            for target in targets {
                let reached: (Int) -> Bool = { x in
                    guard let o = order(x) else { return false }
                    return increasing ? o >= target : o <= target - 1
                }
                if let t = search(reached) { result.append(t) }
            }
        }
        return result
    }
}

extension ReferenceEvaluator {
    /// The value of an expression for complete facts (nil: unknown), for the prover.
    func value(of expression: CompiledExpression, facts: [Value?]) -> Value? {
        var run = Run(program: program, facts: facts, tracing: false)
        return run.evaluate(expression).value
    }
}
