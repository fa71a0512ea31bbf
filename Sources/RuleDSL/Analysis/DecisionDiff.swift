import RuleMachine
import RuleSemantics
import RuleSyntax
import RuleValues

/// What changes between two versions of a rule set: the kinds of case (regions of the fact
/// space) whose outcome of a decision differs, each with an example case.
///
/// It searches like the prover, evaluating both versions abstractly at every step. Two facts
/// keep it small: the versions can only disagree where a rule that differs between them has a
/// different truth value (every other rule is the same), and a region is described by the facts
/// those differing rules read ("entry_ban_years from 5 to 9.999999"), with every transition
/// (admit → exclude, …) that occurs inside it and one example case for each.
public struct DecisionDiff: Sendable {
    /// The rule set as it was: the left side of every transition.
    public let old: Program
    /// The rule set as changed: the right side of every transition.
    public let new: Program
    /// Partial cases per decision's search before it stops; a stopped search makes the diff incomplete.
    public var maximumNodes = 200_000
    /// Nor more than this many expressions evaluated (see `Prover.maximumSteps`); a diff of
    /// the shipped rules with one changed threshold takes about 6 million.
    public var maximumSteps = 50_000_000

    /// A diff of `old` against `new`, with the default search limits.
    public init(old: Program, new: Program) {
        self.old = old
        self.new = new
    }

    /// One kind of case whose outcome changes, with the transitions found in it.
    public struct Region: Sendable {
        /// The decision whose outcome changes in the region.
        public let decision: String
        /// The conditions that define the region, in the rule language's terms: (what, condition).
        public var conditions: [(fact: String, condition: String)]
        /// Old outcome, new outcome, and an example case (by the new program's fact slots).
        public var transitions: [(old: String, new: String, example: [Value?])]
        /// Per dimension, the values the region covers (for `contains`).
        var sets: [Set<String>] = []
    }

    /// Whether a complete case (by the new program's slots) lies in a region: what the oracle
    /// tests check every differing case against.
    public func contains(_ region: Region, _ facts: [Value?]) -> Bool {
        let search = DiffSearch(
            old: old, new: new, decision: region.decision, changed: Set(changedRules), maximumNodes: 0)
        let cell = DiffRegions.cell(of: facts, dimensions: search.dimensionList, search: search)
        return cell.indices.allSatisfy { region.sets[$0].contains(cell[$0]) }
    }

    /// The decision's outcome for a complete case in each version (the new program's slots).
    public func outcomes(of decision: String, _ facts: [Value?]) -> (old: Value?, new: Value?) {
        DiffSearch(old: old, new: new, decision: decision, changed: [], maximumNodes: 0).outcomes(facts)
    }

    /// The regions found, whether the search was exhaustive, and if not why.
    public struct Result: Sendable {
        /// The regions in which some outcome changes, decision by decision.
        public var regions: [Region]
        /// Whether every search ran to the end, so no region was missed.
        public var complete: Bool
        /// Why a decision's search was stopped (too many cases or steps), one line each.
        public var cutShort: [String]
        /// Partial cases visited in all, a measure of the diff's cost.
        public var nodes: Int
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
        let oldExceptions = Dictionary(
            old.exceptions.map { ($0.id, ASTPrinter.print(rule: $0.declaration, asOverride: false)) },
            uniquingKeysWith: { a, _ in a })
        for exception in new.exceptions
        where oldExceptions[exception.id] != ASTPrinter.print(rule: exception.declaration, asOverride: false) {
            ids.insert(exception.id)
        }
        return ids.sorted()
    }

    /// The regions for every decision both versions have, and whether the search was complete.
    public func regions() -> Result {
        var all: [Region] = []
        var cutShort: [String] = []
        var nodes = 0
        let changed = Set(changedRules)
        let budget = WorkBudget(limit: maximumSteps)
        for decision in new.decisions where old.decisionIndex(named: decision.name) != nil {
            var search = DiffSearch(
                old: old, new: new, decision: decision.name, changed: changed, maximumNodes: maximumNodes,
                budget: budget)
            search.explore(new.facts.map { _ in .unassigned })
            nodes += search.nodes
            var texts: [Int: [String]] = [:]
            for slot in search.changedFacts { texts[slot] = search.textClasses(slot).flatMap { $0 } }
            all += DiffRegions.merge(search.cells, decision: decision.name, dimensions: search.dimensions, texts: texts)
            if let why = search.gaveUp {
                cutShort.append("`\(decision.name)`: \(why)")
            }
        }
        return Result(regions: all, complete: cutShort.isEmpty, cutShort: cutShort, nodes: nodes)
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

    init(
        old: Program, new: Program, decision: String, changed: Set<String>, maximumNodes: Int,
        budget: WorkBudget = WorkBudget(limit: .max)
    ) {
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
        let newHelper = Search(
            program: new, invariant: .constant(.bool(true)), maximumNodes: maximumNodes, budget: budget)
        let oldHelper = Search(
            program: old, invariant: .constant(.bool(true)), maximumNodes: maximumNodes, budget: budget)
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
        let newExceptionIndex = Dictionary(
            new.exceptions.indices.map { (new.exceptions[$0].id, $0) }, uniquingKeysWith: { a, _ in a })
        let oldExceptionIndex = Dictionary(
            old.exceptions.indices.map { (old.exceptions[$0].id, $0) }, uniquingKeysWith: { a, _ in a })
        // With the same stages and unchanged exceptions, only the changed rules can make the
        // versions disagree.
        sameStructure =
            !exceptionChanged
            && n.stages.map { "\($0.name)/\($0.outcome)/\($0.overridesUnknowns)" }
                == o.stages.map { "\($0.name)/\($0.outcome)/\($0.overridesUnknowns)" }
            && n.otherwise == o.otherwise
        var pairs: [(Int?, Int?)] = []
        var facts = Set<Int>()
        for id in changed.sorted() {
            let ni = newRuleIndex[id]
            let oi = oldRuleIndex[id]
            let inDecision =
                (ni.map { new.rules[$0].decision == newIndex && new.rules[$0].stage != nil } ?? false)
                || (oi.map { old.rules[$0].decision == oldIndex && old.rules[$0].stage != nil } ?? false)
            if inDecision { pairs.append((ni, oi)) }
            if let ni, inDecision { facts.formUnion(newHelper.atoms.facts(in: new.rules[ni].condition)) }
            if let oi, inDecision {
                facts.formUnion(
                    oldHelper.atoms.facts(in: old.rules[oi].condition).compactMap { new.factSlots[old.facts[$0].name] })
            }
            if let e = newExceptionIndex[id].map({ new.exceptions[$0] }) {
                facts.formUnion(newHelper.atoms.facts(in: e.condition))
            }
            if let e = oldExceptionIndex[id].map({ old.exceptions[$0] }) {
                facts.formUnion(oldHelper.atoms.facts(in: e.condition).compactMap { new.factSlots[old.facts[$0].name] })
            }
        }
        changedRules = pairs
        changedFacts = facts.sorted()
        dimensionList = dimensions
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
        // Once every changed rule's fact is chosen the cell is fixed. A cell with no difference
        // found yet is searched exhaustively (that is what makes the regions complete); in a cell
        // with one, more transitions are looked for within a small budget only.
        var opensCell = false
        if cellStart == nil, changedFacts.allSatisfy({ slots[$0] != .unassigned }) {
            let cell = DiffRegions.cell(of: newHelper.completion(slots), dimensions: dimensionList, search: self)
            if cells.contains(where: { $0.cell == cell }) {
                cellStart = nodes
                opensCell = true
            }
        }
        defer { if opensCell { cellStart = nil } }
        if let start = cellStart, nodes - start > DiffSearch.cellBudget {
            transitionsCut = true
            return
        }
        if ns.count == 1, os.count == 1 {
            record(newHelper.completion(slots))
            return
        }
        // Branch on the changed rules' facts first, then on what either version needs next.
        var wanted = changedFacts.filter {
            slots[$0] == .unassigned && (newEval.wanted.contains($0) || oldEval.wanted.contains(oldSlot[$0] ?? -1))
        }
        wanted += newEval.wanted
        for slot in oldEval.wanted {
            if let n = new.factSlots[old.facts[slot].name], !wanted.contains(n) { wanted.append(n) }
        }
        var next = wanted.first
        if let n = next, new.facts[n].type == .date, let reference = new.referenceFact, slots[reference] == .unassigned
        {
            next = reference
        }
        if let n = next, let group = new.facts[n].group, let presence = newHelper.presenceSlot(group),
            slots[presence] == .unassigned
        {
            next = presence
        }
        guard let slot = next else {
            // Nothing left to choose: the completion decides.
            record(newHelper.completion(slots))
            return
        }
        for candidate in candidates(for: slot, in: slots, oldSlots: oldSlots) {
            var child = slots
            newHelper.assign(candidate, to: slot, in: &child)
            explore(child)
            if gaveUp != nil { return }
        }
    }

    /// The values to try: one per region of both versions' comparisons together. A text takes
    /// one value per class of constants that *both* versions treat alike (a class of one version
    /// may split in the other), dates and numbers the boundaries of both.
    private func candidates(for slot: Int, in slots: [AbstractEvaluator.Slot], oldSlots: [AbstractEvaluator.Slot])
        -> [Value?]
    {
        var candidates = newHelper.candidates(for: slot, in: slots)
        let fact = new.facts[slot]
        if case .text = fact.type {
            let classes = textClasses(slot).map { Value.text($0.first!) }
            candidates.removeAll { if case .text? = $0 { return true } else { return false } }
            let filler: Value = .text(fact.format?.filler ?? AtomIndex.otherText)
            let insertAt = candidates.firstIndex { $0 != Value.none } ?? candidates.count
            candidates.insert(contentsOf: [filler] + classes, at: min(insertAt, candidates.count))
        }
        if let o = oldSlot[slot] {
            for value in oldHelper.candidates(for: o, in: oldSlots) where !candidates.contains(value) {
                if case .text? = value, case .text = fact.type { continue }
                candidates.append(value)
            }
        }
        return candidates
    }

    /// The text constants both versions compare a fact with, grouped by how every comparison of
    /// either version treats them.
    func textClasses(_ slot: Int) -> [[String]] {
        var tests: [(String) -> Bool] = []
        var constants: [String] = []
        let sides: [(AtomIndex, Int?)] = [(newHelper.atoms, slot), (oldHelper.atoms, oldSlot[slot])]
        for (atoms, s) in sides {
            guard let s else { continue }
            for (expression, facts) in atoms.atoms where facts == [s] {
                AtomIndex.textTests(of: expression, constants: &constants, tests: &tests)
            }
        }
        var classes: [[Bool]: [String]] = [:]
        var order: [[Bool]] = []
        for constant in constants.uniqued().sorted() {
            let signature = tests.map { $0(constant) }
            if classes[signature] == nil { order.append(signature) }
            classes[signature, default: []].append(constant)
        }
        return order.map { classes[$0]! }
    }

    /// The dimensions a region is described by: per changed fact of a small domain its value
    /// (class), per comparison of a changed rule over dates or numbers its truth, and the
    /// validity bounds of changed rules.
    var dimensions: [DiffRegions.Dimension] {
        var result: [DiffRegions.Dimension] = []
        var seen = Set<String>()
        for index in changedFacts {
            let fact = new.facts[index]
            switch fact.type {
            case .bool, .enumeration, .text:
                result.append(.fact(index, fact.name))
            case .number, .date, .set, .none, .unresolved:
                break
            }
        }
        for (ni, oi) in changedRules {
            var conditions: [(Program, CompiledExpression, Validity)] = []
            if let ni { conditions.append((new, new.rules[ni].condition, new.rules[ni].validity)) }
            if let oi { conditions.append((old, old.rules[oi].condition, old.rules[oi].validity)) }
            for (program, condition, validity) in conditions {
                var atoms: [CompiledExpression] = []
                DiffRegions.atoms(in: condition, into: &atoms)
                for atom in atoms {
                    let helper =
                        program.name == new.name && program.sha256 == new.sha256 ? newHelper.atoms : oldHelper.atoms
                    let facts = helper.facts(in: atom)
                    let ordered = facts.contains { f in
                        switch program.facts[f].type {
                        case .number, .date: return true
                        case .bool, .enumeration, .text, .set, .none, .unresolved: return false
                        }
                    }
                    guard ordered else { continue }
                    let text = DiffRegions.print(atom, program: program)
                    if seen.insert(text).inserted { result.append(.atom(text, atom, program.sha256 == new.sha256)) }
                }
                if let reference = program.referenceFact {
                    let name = program.facts[reference].name
                    if let from = validity.from, seen.insert("from \(from)").inserted {
                        result.append(.validity(name, from: from))
                    }
                    if let until = validity.until, seen.insert("from \(until.addingDays(1))").inserted {
                        result.append(.validity(name, from: until.addingDays(1)))
                    }
                }
            }
        }
        return result
    }

    /// The complete case, in the old program's slots.
    func oldFacts(_ facts: [Value?]) -> [Value?] {
        var result: [Value?] = old.facts.map { $0.isOptional && $0.group == nil ? Value.none : nil }
        for (index, fact) in old.facts.enumerated() {
            if let n = new.factSlots[fact.name] {
                result[index] = facts[n]
            } else if fact.isGroupPresence {
                result[index] = .bool(false)
            }
        }
        for (index, fact) in old.facts.enumerated()
        where fact.group != nil && fact.isOptional && new.factSlots[fact.name] == nil {
            if let presence = old.factSlots[fact.group!], result[presence] == .bool(false) {
                result[index] = Value.none
            }
        }
        return result
    }

    /// The decision's outcome for a complete case in each version.
    func outcomes(_ facts: [Value?]) -> (old: Value?, new: Value?) {
        (
            oldHelper.evaluator.value(of: .decision(oldIndex), facts: oldFacts(facts)),
            newHelper.evaluator.value(of: .decision(newIndex), facts: facts)
        )
    }

    /// A complete case where the versions disagree, confirmed concretely, made to read like a real
    /// case, and filed under its cell.
    private mutating func record(_ found: [Value?]) {
        let (o, n) = outcomes(found)
        guard o != n else { return }
        let dims = dimensionList
        let cell = DiffRegions.cell(of: found, dimensions: dims, search: self)
        let transition = (old: name(o), new: name(n))
        let index = cells.firstIndex(where: { $0.cell == cell })
        if let index, cells[index].transitions.contains(where: { $0.old == transition.old && $0.new == transition.new })
        {
            return
        }
        let example = Counterexample.plausible(found, program: new) { trial in
            let (a, b) = outcomes(trial)
            return a == o && b == n && DiffRegions.cell(of: trial, dimensions: dims, search: self) == cell
        }
        if let index {
            cells[index].transitions.append((transition.old, transition.new, example))
        } else {
            cells.append((cell, [(transition.old, transition.new, example)]))
        }
    }

    /// Partial cases searched for further transitions in a cell that already has one.
    static let cellBudget = 300
    /// Where the search entered a cell already found.
    var cellStart: Int?
    /// Whether a cell's further transitions were searched within the budget only.
    var transitionsCut = false
    /// The dimensions, computed once.
    var dimensionList: [DiffRegions.Dimension] = []

    /// Cells found so far (one value per dimension), with their transitions.
    var cells: [(cell: [String], transitions: [(old: String, new: String, example: [Value?])])] = []

    private func name(_ v: Value?) -> String {
        switch v {
        case nil: return DecisionResult.undetermined
        case .none?: return "does not apply"
        case let value?: return value.description
        }
    }
}
