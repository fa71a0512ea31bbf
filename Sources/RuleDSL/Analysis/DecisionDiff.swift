import RuleValues
import RuleSyntax
import RuleSemantics
import RuleMachine

/// What changes between two versions of a rule set: the kinds of case (regions of the fact
/// space) whose outcome of a decision differs, each with an example case.
///
/// It searches like the prover, evaluating both versions abstractly at every step. Two facts
/// keep it small: the versions can only disagree where a rule that differs between them has a
/// different truth value (every other rule is the same), and a region is described by the facts
/// those differing rules read ("entry_ban_years from 5 to 9.999999"), with every transition
/// (admit → exclude, …) that occurs inside it and one example case for each.
public struct DecisionDiff: Sendable {
    public let old: Program
    public let new: Program
    public var maximumNodes = 200_000
    /// Nor more than this many expressions evaluated (see `Prover.maximumSteps`); a diff of
    /// the shipped rules with one changed threshold takes about 6 million.
    public var maximumSteps = 50_000_000

    public init(old: Program, new: Program) {
        self.old = old
        self.new = new
    }

    /// One kind of case whose outcome changes, with the transitions found in it.
    public struct Region: Sendable {
        public let decision: String
        /// The facts of the changed rules that define the region, in words.
        public let conditions: [(fact: String, condition: String)]
        /// Old outcome, new outcome, and an example case (by the new program's fact slots).
        public var transitions: [(old: String, new: String, example: [Value?])]
    }

    /// The rules that differ between the versions (by id), and whether the decisions' stages differ.
    public var changedRules: [String] {
        let oldRules = Dictionary(old.rules.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let newRules = Dictionary(new.rules.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var ids = Set(oldRules.keys).symmetricDifference(newRules.keys)
        for (id, rule) in newRules {
            if let before = oldRules[id],
                ASTPrinter.print(rule: before.declaration, asOverride: false)
                    != ASTPrinter.print(rule: rule.declaration, asOverride: false)
                    || before.validity != rule.validity || before.liftedBy.count != rule.liftedBy.count
            {
                ids.insert(id)
            }
        }
        let oldExceptions = Dictionary(old.exceptions.map { ($0.id, ASTPrinter.print(rule: $0.declaration, asOverride: false)) }, uniquingKeysWith: { a, _ in a })
        for exception in new.exceptions where oldExceptions[exception.id] != ASTPrinter.print(rule: exception.declaration, asOverride: false) {
            ids.insert(exception.id)
        }
        return ids.sorted()
    }

    /// The regions for every decision both versions have, and whether the search was complete.
    public func regions() -> (regions: [Region], complete: Bool) {
        let result = regionsWithReason()
        return (result.regions, result.complete)
    }

    /// `regions()`, with why the search was cut short when it was (`budget: …`, or a region
    /// whose transitions were not all searched).
    public func regionsWithReason() -> (regions: [Region], complete: Bool, reason: String?) {
        var all: [Region] = []
        var reason: String?
        let changed = Set(changedRules)
        let budget = WorkBudget(limit: maximumSteps)
        for decision in new.decisions where old.decisionIndex(named: decision.name) != nil {
            var search = DiffSearch(old: old, new: new, decision: decision.name, changed: changed, maximumNodes: maximumNodes,
                                    budget: budget)
            search.explore(new.facts.map { _ in .unassigned })
            all += search.regions
            if let why = search.gaveUp {
                reason = reason ?? why
            } else if search.incomplete {
                reason = reason ?? "a kind of case was not searched to the end"
            }
        }
        return (all, reason == nil, reason)
    }
}

struct DiffSearch {
    let old: Program
    let new: Program
    let decision: String
    let maximumNodes: Int
    let newIndex: Int
    let oldIndex: Int
    /// For each fact of the new program, its slot in the old one (nil: the old has no such fact).
    let oldSlot: [Int?]
    let newHelper: Search
    let oldHelper: Search
    /// Whether the two versions decide this decision with the same stages (then only changed
    /// rules can make them disagree).
    let sameStructure: Bool
    /// Changed rules that act in this decision: (new index?, old index?).
    let changedRules: [(Int?, Int?)]
    /// Facts read by the changed rules: they describe a region, and are branched on first.
    let changedFacts: [Int]
    var nodes = 0
    let budget: WorkBudget
    /// Why the search stopped early, if it did.
    var gaveUp: String?
    var regions: [DecisionDiff.Region] = []

    init(old: Program, new: Program, decision: String, changed: Set<String>, maximumNodes: Int, budget: WorkBudget) {
        self.budget = budget
        self.old = old
        self.new = new
        self.decision = decision
        self.maximumNodes = maximumNodes
        let newIndex = new.decisionIndex(named: decision)!
        let oldIndex = old.decisionIndex(named: decision)!
        self.newIndex = newIndex
        self.oldIndex = oldIndex
        oldSlot = new.facts.map { old.factSlots[$0.name] }
        let newHelper = Search(program: new, invariant: .constant(.bool(true)), maximumNodes: maximumNodes, budget: budget)
        let oldHelper = Search(program: old, invariant: .constant(.bool(true)), maximumNodes: maximumNodes, budget: budget)
        self.newHelper = newHelper
        self.oldHelper = oldHelper
        let n = new.decisions[newIndex]
        let o = old.decisions[oldIndex]
        let exceptionIDs = Set(new.exceptions.map(\.id) + old.exceptions.map(\.id))
        let exceptionChanged = changed.contains { exceptionIDs.contains($0) }
        // Looked up by id once, not searched for each changed rule (10,000 changed rules would
        // make that quadratic).
        let newRuleIndex = Dictionary(new.rules.indices.map { (new.rules[$0].id, $0) }, uniquingKeysWith: { a, _ in a })
        let oldRuleIndex = Dictionary(old.rules.indices.map { (old.rules[$0].id, $0) }, uniquingKeysWith: { a, _ in a })
        let newExceptionIndex = Dictionary(new.exceptions.indices.map { (new.exceptions[$0].id, $0) }, uniquingKeysWith: { a, _ in a })
        let oldExceptionIndex = Dictionary(old.exceptions.indices.map { (old.exceptions[$0].id, $0) }, uniquingKeysWith: { a, _ in a })
        // With the same stages and unchanged exceptions, only the changed rules can make the
        // versions disagree.
        sameStructure = !exceptionChanged
            && n.stages.map { "\($0.name)/\($0.outcome)/\($0.overridesUnknowns)" }
                == o.stages.map { "\($0.name)/\($0.outcome)/\($0.overridesUnknowns)" }
            && n.otherwise == o.otherwise
        var pairs: [(Int?, Int?)] = []
        var facts = Set<Int>()
        for id in changed.sorted() {
            let ni = newRuleIndex[id]
            let oi = oldRuleIndex[id]
            let inDecision = (ni.map { new.rules[$0].decision == newIndex && new.rules[$0].stage != nil } ?? false)
                || (oi.map { old.rules[$0].decision == oldIndex && old.rules[$0].stage != nil } ?? false)
            if inDecision { pairs.append((ni, oi)) }
            if let ni, inDecision { facts.formUnion(newHelper.atoms.facts(in: new.rules[ni].condition)) }
            if let oi, inDecision {
                facts.formUnion(oldHelper.atoms.facts(in: old.rules[oi].condition).compactMap { new.factSlots[old.facts[$0].name] })
            }
            if let e = newExceptionIndex[id].map({ new.exceptions[$0] }) { facts.formUnion(newHelper.atoms.facts(in: e.condition)) }
            if let e = oldExceptionIndex[id].map({ old.exceptions[$0] }) {
                facts.formUnion(oldHelper.atoms.facts(in: e.condition).compactMap { new.factSlots[old.facts[$0].name] })
            }
        }
        changedRules = pairs
        changedFacts = facts.sorted()
    }

    private func oldView(_ slots: [AbstractEvaluator.Slot]) -> [AbstractEvaluator.Slot] {
        var result = old.facts.map { _ in AbstractEvaluator.Slot.unassigned }
        for (index, slot) in slots.enumerated() { if let o = oldSlot[index] { result[o] = slot } }
        return result
    }

    mutating func explore(_ slots: [AbstractEvaluator.Slot]) {
        nodes += 1
        if nodes > maximumNodes {
            gaveUp = gaveUp ?? "budget: the search passed \(maximumNodes) partial cases"
            return
        }
        if budget.isExhausted {
            gaveUp = gaveUp ?? budget.reason
            return
        }
        let oldSlots = oldView(slots)
        var newEval = AbstractEvaluator(program: new, slots: slots, canBeUnknown: newHelper.canBeUnknown(slots))
        var oldEval = AbstractEvaluator(program: old, slots: oldSlots, canBeUnknown: oldHelper.canBeUnknown(oldSlots))
        defer { budget.steps += newEval.steps + oldEval.steps }
        let newOutcomes = newEval.evaluate(.decision(newIndex))
        let oldOutcomes = oldEval.evaluate(.decision(oldIndex))
        guard case .values(let ns) = newOutcomes, case .values(let os) = oldOutcomes else { return }
        if ns.count == 1, os.count == 1, ns == os { return }
        // Same stages and every changed rule certainly the same on both sides: no difference below.
        if sameStructure {
            var allSame = true
            for (ni, oi) in changedRules {
                let a = ni.map { newEval.effectiveTruths($0) } ?? [false]
                let b = oi.map { oldEval.effectiveTruths($0) } ?? [false]
                if !(a.count == 1 && a == b) {
                    allSame = false
                    break
                }
            }
            if allSame { return }
        }
        // Inside a region (every changed rule's fact chosen), look for transitions with a small
        // budget: the region itself is exact, the transitions in it are examples.
        var opensRegion = false
        if changedFacts.allSatisfy({ slots[$0] != .unassigned }) {
            if regionStart == nil {
                regionStart = nodes
                opensRegion = true
            }
            if let start = regionStart, nodes - start > DiffSearch.regionBudget {
                if !regions.contains(where: { regionKeyOf($0) == regionKey(slots) }) { incomplete = true }
                return
            }
        }
        if ns.count == 1, os.count == 1 {
            record(slots, old: os[0], new: ns[0])
            if opensRegion { regionStart = nil }
            return
        }
        // Branch on the changed rules' facts first, then on what either version needs next.
        var wanted = changedFacts.filter { slots[$0] == .unassigned && (newEval.wanted.contains($0) || oldEval.wanted.contains(oldSlot[$0] ?? -1)) }
        wanted += newEval.wanted
        for slot in oldEval.wanted {
            if let n = new.factSlots[old.facts[slot].name], !wanted.contains(n) { wanted.append(n) }
        }
        var next = wanted.first
        if let n = next, new.facts[n].type == .date, let reference = new.referenceFact, slots[reference] == .unassigned {
            next = reference
        }
        if let n = next, let group = new.facts[n].group, let presence = newHelper.presenceSlot(group), slots[presence] == .unassigned {
            next = presence
        }
        guard let slot = next else { return }
        var candidates = newHelper.candidates(for: slot, in: slots)
        if let o = oldSlot[slot] {
            for value in oldHelper.candidates(for: o, in: oldSlots) where !candidates.contains(value) { candidates.append(value) }
        }
        for candidate in candidates {
            var child = slots
            newHelper.assign(candidate, to: slot, in: &child)
            explore(child)
            if opensRegion { regionStart = nil }
            if gaveUp != nil { return }
        }
    }

    /// Partial cases searched inside one region for its transitions.
    static let regionBudget = 800
    /// A region whose budget ran out before a transition was found: the result is not complete.
    var incomplete = false
    /// Where the search entered the current region.
    var regionStart: Int?

    private func name(_ v: Value?) -> String {
        switch v {
        case nil: return DecisionResult.undetermined
        case .none?: return "does not apply"
        case let value?: return value.description
        }
    }

    private func regionKey(_ slots: [AbstractEvaluator.Slot]) -> String {
        describe(slots).map { "\($0.0) \($0.1)" }.joined(separator: "; ")
    }

    private func regionKeyOf(_ region: DecisionDiff.Region) -> String {
        region.conditions.map { "\($0.fact) \($0.condition)" }.joined(separator: "; ")
    }

    /// The changed rules' facts, in words, for the region these slots lie in.
    private func describe(_ slots: [AbstractEvaluator.Slot]) -> [(String, String)] {
        var conditions: [(String, String)] = []
        for index in changedFacts {
            guard case .assigned(let value) = slots[index] else { continue }
            let fact = new.facts[index]
            let text: String
            switch value {
            case nil: text = "unknown"
            case .none?: text = "none"
            case .bool(let b)?: text = fact.isGroupPresence ? (b ? "given" : "absent") : "= \(b)"
            case .text(let t)?:
                text = t == AtomIndex.otherText ? "any other value than those the rules name" : "= \"\(t)\""
            case let v?:
                var from: Value = v
                var to: Value = v
                if let (a, b) = newHelper.atoms.region(of: index, value: v, slots: slots) { (from, to) = (a, b) }
                if let o = oldSlot[index], let (a, b) = oldHelper.atoms.region(of: o, value: v, slots: oldView(slots)) {
                    if Run.compareValues(.greater, a, from) { from = a }
                    if Run.compareValues(.less, b, to) { to = b }
                }
                text = from == to ? "= \(from)" : "from \(from) to \(to)"
            }
            conditions.append((fact.name, text))
        }
        return conditions
    }

    private mutating func record(_ slots: [AbstractEvaluator.Slot], old oldValue: Value?, new newValue: Value?) {
        let conditions = describe(slots)
        let key = conditions.map { "\($0.0) \($0.1)" }.joined(separator: "; ")
        let transition = (old: name(oldValue), new: name(newValue), example: newHelper.completion(slots))
        if let index = regions.firstIndex(where: { regionKeyOf($0) == key }) {
            if !regions[index].transitions.contains(where: { $0.old == transition.old && $0.new == transition.new }) {
                regions[index].transitions.append(transition)
            }
        } else {
            regions.append(DecisionDiff.Region(decision: decision, conditions: conditions, transitions: [transition]))
        }
    }
}
