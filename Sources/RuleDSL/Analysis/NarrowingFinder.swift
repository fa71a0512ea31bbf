import RuleMachine
import RuleSemantics
import RuleSyntax
import RuleValues

/// Finds, by proof, every way a pilot decides more strictly than the rule set it extends: cases
/// where the base gives a decision's default outcome (its `otherwise`: nothing held against the
/// case) and the pilot gives another outcome for certain. For intake that is "the national rules
/// admit, the pilot excludes"; for review "the national rules continue, the pilot ends".
///
/// Each narrowing is grouped by the pilot rule responsible: a rule the pilot adds or overrides,
/// held, among the reasons of the pilot's outcome. For each such rule the prover's search runs
/// over both programs at once (as `diff` does): a subtree is dropped as soon as the abstract
/// evaluation shows the base cannot give its default there, the pilot cannot give another
/// outcome, or the rule cannot hold. A case is reported only after both concrete evaluations
/// confirm it. When the pilot also changes a decision's stages, an exception or a `let`, a last
/// search looks for a narrowing that none of its own rules explains (reported without a rule).
public struct NarrowingFinder: Sendable {
    /// The pilot rule set, whose decisions must be no stricter than the base's.
    public let pilot: Program
    /// The national rule set the pilot extends.
    public let base: Program
    /// Partial cases per search before it stops; a stopped search makes the result incomplete.
    public var maximumNodes = 200_000

    /// A finder comparing `pilot` with the `base` it extends.
    public init(pilot: Program, base: Program) {
        self.pilot = pilot
        self.base = base
    }

    /// One way the pilot decides more strictly, with a case that shows it.
    public struct Narrowing: Sendable {
        /// The decision the pilot decides more strictly.
        public let decision: String
        /// The pilot rule responsible (an index into `pilot.rules`); nil: no single rule of the pilot.
        public let rule: Int?
        /// What the base decides on the counterexample.
        public let baseOutcome: String
        /// What the pilot decides on the counterexample instead.
        public let pilotOutcome: String
        /// Facts by the pilot's slots; a valid case.
        public let counterexample: [Value?]
        /// Partial cases the search visited before it found this one.
        public let nodes: Int
    }

    /// Every narrowing, by decision order then rule id; `complete` is false when a search stopped
    /// at its limit (then more narrowings may exist).
    public func find() -> (narrowings: [Narrowing], complete: Bool) {
        var found: [Narrowing] = []
        var complete = true
        let top = pilot.files.count - 1
        guard top > 0 else { return ([], true) }
        for (pilotIndex, decision) in pilot.decisions.enumerated() {
            guard let baseIndex = base.decisionIndex(named: decision.name),
                let otherwise = base.decisions[baseIndex].otherwise
            else { continue }
            var candidates: [Int] = []
            for stage in decision.stages where stage.outcome != otherwise {
                for rule in stage.rules where pilot.rules[rule].origin.file == top { candidates.append(rule) }
            }
            candidates.sort { pilot.rules[$0].id < pilot.rules[$1].id }
            for rule in candidates {
                var search = PairSearch(
                    pilot: pilot, base: base, pilotDecision: pilotIndex, baseDecision: baseIndex,
                    otherwise: otherwise, rule: rule, maximumNodes: maximumNodes)
                if let example = search.run() {
                    found.append(search.narrowing(example, decision: decision.name))
                }
                if search.gaveUp { complete = false }
            }
            if !sameStructure(pilotIndex, baseIndex) {
                var search = PairSearch(
                    pilot: pilot, base: base, pilotDecision: pilotIndex, baseDecision: baseIndex,
                    otherwise: otherwise, rule: nil, maximumNodes: maximumNodes)
                search.excluded = candidates
                if let example = search.run() {
                    found.append(search.narrowing(example, decision: decision.name))
                }
                if search.gaveUp { complete = false }
            }
        }
        return (found, complete)
    }

    /// Whether only the pilot's own rules can explain a narrowing: the same facts and exceptions,
    /// the base's `let`s unchanged (the pilot may add its own), and every other rule that decides the pilot's question decides the base's too,
    /// unchanged. Then a case the base leaves to its default and the pilot does not has one of the
    /// pilot's own rules among its reasons (an unchanged rule that held in the pilot would have
    /// held in the base too, and the base would not give its default), so the searches per rule
    /// find every narrowing. The order of the stages does not matter to this argument.
    private func sameStructure(_ pilotIndex: Int, _ baseIndex: Int) -> Bool {
        let top = pilot.files.count - 1
        func printed(_ program: Program) -> [String] {
            program.exceptions.map { ASTPrinter.print(rule: $0.declaration, asOverride: false) }
        }
        // A `let` the pilot adds comes after the base's and only the pilot's own rules can read
        // it (the base's rules were written without it), so it leaves the argument intact; a
        // base `let` the pilot changes does not.
        guard pilot.facts.map(\.name) == base.facts.map(\.name), printed(pilot) == printed(base),
            pilot.derived.count >= base.derived.count,
            zip(pilot.derived, base.derived).allSatisfy({ $0.name == $1.name && $0.expression == $1.expression })
        else { return false }
        for stage in pilot.decisions[pilotIndex].stages {
            for index in stage.rules where pilot.rules[index].origin.file != top {
                let rule = pilot.rules[index]
                guard let same = base.rules.first(where: { $0.id == rule.id }), same.decision == baseIndex,
                    same.stage != nil, same.validity == rule.validity, same.liftedBy.count == rule.liftedBy.count,
                    ASTPrinter.print(rule: same.declaration, asOverride: false)
                        == ASTPrinter.print(rule: rule.declaration, asOverride: false)
                else { return false }
            }
        }
        return true
    }
}

/// The search behind `NarrowingFinder`: over the pilot's facts, both programs evaluated at once.
struct PairSearch {
    let pilot: Program
    let base: Program
    let pilotDecision: Int
    let baseDecision: Int
    let otherwise: String
    /// The pilot rule that must be among the reasons; nil: none of `excluded` may be.
    let rule: Int?
    var excluded: [Int] = []
    let maximumNodes: Int
    /// For each pilot fact, its slot in the base (nil: the base has no such fact).
    let baseSlot: [Int?]
    let pilotHelper: Search
    let baseHelper: Search
    let pilotEvaluator: ReferenceEvaluator
    let baseEvaluator: ReferenceEvaluator
    /// The rule's facts, branched on first: they prune most.
    let focus: [Int]
    var nodes = 0
    var gaveUp = false

    init(
        pilot: Program, base: Program, pilotDecision: Int, baseDecision: Int, otherwise: String, rule: Int?,
        maximumNodes: Int
    ) {
        self.pilot = pilot
        self.base = base
        self.pilotDecision = pilotDecision
        self.baseDecision = baseDecision
        self.otherwise = otherwise
        self.rule = rule
        self.maximumNodes = maximumNodes
        baseSlot = pilot.facts.map { base.factSlots[$0.name] }
        let pilotHelper = Search(program: pilot, invariant: .constant(.bool(true)), maximumNodes: maximumNodes)
        self.pilotHelper = pilotHelper
        baseHelper = Search(program: base, invariant: .constant(.bool(true)), maximumNodes: maximumNodes)
        pilotEvaluator = ReferenceEvaluator(program: pilot)
        baseEvaluator = ReferenceEvaluator(program: base)
        focus = rule.map { pilotHelper.atoms.facts(in: pilot.rules[$0].condition).sorted() } ?? []
    }

    mutating func run() -> [Value?]? {
        let initial = pilot.facts.map { _ in AbstractEvaluator.Slot.unassigned }
        // First without any optional group (no exception recorded): the plainer story.
        var plain = initial
        for (slot, fact) in pilot.facts.enumerated() where fact.isGroupPresence {
            pilotHelper.assign(.bool(false), to: slot, in: &plain)
        }
        if plain != initial, let found = explore(plain) { return found }
        if gaveUp { return nil }
        return explore(initial)
    }

    private func baseView(_ slots: [AbstractEvaluator.Slot]) -> [AbstractEvaluator.Slot] {
        var result = base.facts.map { _ in AbstractEvaluator.Slot.unassigned }
        for (index, slot) in slots.enumerated() { if let b = baseSlot[index] { result[b] = slot } }
        return result
    }

    private func baseFacts(_ facts: [Value?]) -> [Value?] {
        var result = base.facts.map { fact -> Value? in fact.isOptional ? Value.none : nil }
        for (index, value) in facts.enumerated() { if let b = baseSlot[index] { result[b] = value } }
        return result
    }

    /// Whether a complete case shows the narrowing: the base gives its default, the pilot another
    /// outcome with the rule among its reasons (or, without a rule, none of `excluded`).
    func shows(_ facts: [Value?]) -> Bool {
        guard
            let baseResult = baseEvaluator.evaluate(baseFacts(facts), trace: false).results.first(where: {
                $0.decision == baseDecision
            }),
            baseResult.outcome == otherwise,
            let pilotResult = pilotEvaluator.evaluate(facts, trace: false).results.first(where: {
                $0.decision == pilotDecision
            }),
            let outcome = pilotResult.outcome, outcome != otherwise
        else { return false }
        let held = pilotResult.reasons.compactMap { reason -> Int? in
            guard !reason.isLifted, case .rule(let index) = reason.producer else { return nil }
            return index
        }
        if let rule { return held.contains(rule) }
        return !held.contains { excluded.contains($0) }
    }

    private mutating func explore(_ slots: [AbstractEvaluator.Slot]) -> [Value?]? {
        nodes += 1
        if nodes > maximumNodes {
            gaveUp = true
            return nil
        }
        let baseSlots = baseView(slots)
        var pilotEval = AbstractEvaluator(program: pilot, slots: slots, canBeUnknown: pilotHelper.canBeUnknown(slots))
        var baseEval = AbstractEvaluator(
            program: base, slots: baseSlots, canBeUnknown: baseHelper.canBeUnknown(baseSlots))
        guard case .values(let pilotOutcomes) = pilotEval.evaluate(.decision(pilotDecision)),
            case .values(let baseOutcomes) = baseEval.evaluate(.decision(baseDecision))
        else { return nil }
        guard baseOutcomes.contains(.text(otherwise)),
            pilotOutcomes.contains(where: { if case .text(let o)? = $0 { return o != otherwise } else { return false } }
            )
        else { return nil }
        if let rule, !pilotEval.effectiveTruths(rule).contains(true) { return nil }
        // Branch on the rule's facts first, then on what either program needs next.
        var wanted = focus.filter { slots[$0] == .unassigned && pilotEval.wanted.contains($0) }
        wanted += pilotEval.wanted
        for slot in baseEval.wanted {
            if let p = pilot.factSlots[base.facts[slot].name], !wanted.contains(p) { wanted.append(p) }
        }
        var next = wanted.first { slots[$0] == .unassigned }
        if let n = next, pilot.facts[n].type == .date, let reference = pilot.referenceFact,
            slots[reference] == .unassigned
        {
            next = reference
        }
        if let n = next, let group = pilot.facts[n].group, let presence = pilotHelper.presenceSlot(group),
            slots[presence] == .unassigned
        {
            next = presence
        }
        guard let slot = next else {
            let complete = pilotHelper.completion(slots)
            return shows(complete) ? complete : nil
        }
        var candidates = pilotHelper.candidates(for: slot, in: slots)
        if let b = baseSlot[slot] {
            for value in baseHelper.candidates(for: b, in: baseSlots) where !candidates.contains(value) {
                candidates.append(value)
            }
        }
        for candidate in candidates {
            var child = slots
            pilotHelper.assign(candidate, to: slot, in: &child)
            if let found = explore(child) { return found }
            if gaveUp { return nil }
        }
        return nil
    }

    /// The narrowing a found case shows, its counterexample made readable.
    func narrowing(_ found: [Value?], decision: String) -> NarrowingFinder.Narrowing {
        let readable = Counterexample.plausible(found, program: pilot) { shows($0) }
        let pilotOutcome =
            pilotEvaluator.evaluate(readable, trace: false).results
            .first { $0.decision == pilotDecision }?.outcome ?? ""
        return NarrowingFinder.Narrowing(
            decision: decision, rule: rule, baseOutcome: otherwise, pilotOutcome: pilotOutcome,
            counterexample: readable, nodes: nodes)
    }
}
