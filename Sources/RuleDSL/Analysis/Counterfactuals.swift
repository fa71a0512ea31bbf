import RuleMachine
import RuleSemantics
import RuleSyntax
import RuleValues

/// Contrastive explanations: what would have to change for a case to get another outcome.
///
/// Two questions, both answered from the rules, not by random search:
/// - `flips`: for a case with an outcome other than `target`, the minimal sets of fact changes
///   that give `target`. Minimal: no proper subset of a set's facts, with any values, gives
///   `target` too.
/// - `settles`: for an undetermined case, the minimal sets of missing facts that, once known
///   (whatever their values), decide the case, with the outcome each combination of values gives.
///
/// Each fact is tried over the values the prover uses (`Search.candidates`): one per region in
/// which every comparison of the rules on that fact keeps its truth, computed against the case's
/// other facts. Sets are searched smallest first, up to `maximumChanges` facts and within
/// `maximumRuns` runs of the machine; docs/why.md states these limits.
public struct Counterfactuals: Sendable {
    /// What was asked.
    public enum Kind: Sendable, Equatable {
        /// Sets of changes that give this outcome.
        case flips(target: String)
        /// Sets of missing facts that decide an undetermined case.
        case settles
    }

    /// A fact's value, or a stretch of values all giving the same result (a number or date
    /// region; nil ends are open).
    public struct Needed: Sendable, Equatable {
        /// A value of the region, the one the search applied.
        public let value: Value?
        /// The region's lower end; nil when open.
        public let from: Value?
        /// The region's upper end; nil when open.
        public let to: Value?
        /// True for a stretch of values rather than one, so explanations say "from … to …".
        public var isRange: Bool { from != to || from == nil }
    }

    /// One change: a fact from its value now to a value needed. For a change only an exception
    /// can bring, `exception` is set and `fact` is nil: the exception's facts are fixed (a past
    /// decision), so the change is "a new individual exception", never a value of them.
    public struct Change: Sendable {
        /// The fact's slot; nil for a change only an exception can bring.
        public let fact: Int?
        /// The exception that would bring the change, by index; nil for a plain fact change.
        public let exception: Int?
        /// The fact's value in the case now; nil means unknown.
        public let now: Value?
        /// The value or region the fact would need.
        public let needed: Needed
        /// Every fact the change sets (for an exception: its facts; else the one fact).
        public let assignment: [(slot: Int, value: Value?)]
    }

    /// One minimal set. For `settles`, `changes` name the facts (their `needed` is empty) and
    /// `outcomes` gives, per combination of regions, the outcome.
    public struct ChangeSet: Sendable {
        /// The changes of the set; together they give the outcome asked for.
        public let changes: [Change]
        /// Whether the set needs a new individual exception rather than other facts.
        public var viaException: Bool { changes.contains { $0.exception != nil } }
        /// For `settles`: per combination of the facts' regions, the outcome it gives.
        public let outcomes: [(values: [Needed], outcome: String)]
    }

    /// What was asked: the changes that flip to an outcome, or the facts that settle the case.
    public let kind: Kind
    /// The decision asked about, by index in `Program.decisions`.
    public let decision: Int
    /// Listed sets, smallest first (at most `limit`).
    public let sets: [ChangeSet]
    /// Whether more minimal sets were found than listed.
    public let hasMore: Bool
    /// The largest set size searched completely.
    public let searchedUpTo: Int
    /// False when the run budget ran out before `maximumChanges` (then larger sets may exist).
    public let complete: Bool
}

/// Finds `Counterfactuals` for cases of one program. Build once per program, reuse per case.
public struct CounterfactualSearch: Sendable {
    /// The rule set the cases are judged by; one search serves all its cases.
    public let program: Program
    /// Sets of more changes than this are not searched (`flips`).
    public var maximumChanges = 4
    /// Sets of more missing facts than this are not searched (`settles`).
    public var maximumUnknowns = 8
    /// Runs of the machine one question may take; past it the answer says it is incomplete.
    public var maximumRuns = 40_000
    /// Sets listed at most.
    public var limit = 5
    private let search: Search
    private let machine: Machine
    private let plan: Plan

    /// A search over `ruleSet`'s program, running its plan.
    public init(_ ruleSet: CompiledRuleSet) {
        self.program = ruleSet.program
        self.search = Search(program: ruleSet.program, invariant: .constant(.bool(true)), maximumNodes: 0)
        self.plan = ruleSet.plan
        self.machine = Machine(plan: ruleSet.plan)
    }

    /// A search over `program`, compiled on the spot.
    public init(program: Program) {
        self.init(CompiledRuleSet(program))
    }

    /// A unit of change: one fact with the values to try, or one exception with the facts that
    /// make it hold.
    private struct Unit {
        var fact: Int?
        var exception: Int?
        var options: [(value: [(slot: Int, value: Value?)], needed: Counterfactuals.Needed)]
    }

    // MARK: - Flips

    /// The minimal sets of changes to non-fixed facts (and new exceptions) giving `target` for
    /// decision `decision`; nil when the case already has it or the decision does not apply.
    public func flips(_ facts: [Value?], decision: Int, target: String) -> Counterfactuals? {
        let facts = padded(facts)
        let result = CaseResult(plan: plan)
        let texts = plan.texts.texts
        machine.run(CaseFacts(facts, table: plan.texts), tracing: true, into: result)
        guard let d = result.decision(decision), d.outcome < 0 || texts[Int(d.outcome)] != target else { return nil }
        let stageRules = Set(
            program.rules.indices.filter { program.rules[$0].decision == decision && program.rules[$0].stage != nil })
        let relevant = factsRead(by: decision)
        var units: [Unit] = []
        let slots = facts.map { AbstractEvaluator.Slot.assigned($0) }
        for slot in relevant.sorted() {
            let fact = program.facts[slot]
            guard !fact.isFixed, !fact.isGroupPresence, fact.group == nil else { continue }
            let options = values(for: slot, slots: slots, excludingNow: true)
            if !options.isEmpty { units.append(Unit(fact: slot, exception: nil, options: options)) }
        }
        // A new exception that lifts a rule of this decision, when it does not hold already.
        let reference = ReferenceEvaluator(program: program)
        for (index, exception) in program.exceptions.enumerated()
        where exception.lifts.contains(where: { stageRules.contains($0) }) {
            guard reference.truth(of: exception.condition, facts: facts) != .true,
                let assignment = satisfying(exception.condition, facts: facts, reference: reference)
            else { continue }
            units.append(
                Unit(
                    fact: nil, exception: index,
                    options: [
                        (assignment, Counterfactuals.Needed(value: .bool(true), from: .bool(true), to: .bool(true)))
                    ]))
        }
        // Every stage rule that holds or may hold now must stop holding: a set must touch a fact
        // it read, or bring an exception that lifts it. A necessary condition, used to prune.
        var requirements: [UInt64] = []
        for event in result.events where event.kind == .rule && stageRules.contains(Int(event.index)) {
            guard event.effective != .false else { continue }
            var mask: UInt64 = 0
            for (u, unit) in units.enumerated() where u < 64 {
                if let f = unit.fact, event.facts.contains(f) { mask |= 1 << UInt64(u) }
                if let e = unit.exception, program.rules[Int(event.index)].liftedBy.contains(e) {
                    mask |= 1 << UInt64(u)
                }
            }
            requirements.append(mask)
        }
        let targetID = texts.firstIndex(of: target).map(Int32.init) ?? -2
        return enumerate(
            units: Array(units.prefix(64)), facts: facts, decision: decision, kind: .flips(target: target),
            requirements: requirements, result: result
        ) { outcome in outcome == targetID }
    }

    // MARK: - Settles

    /// The minimal sets of missing facts that decide an undetermined decision once known.
    public func settles(_ facts: [Value?], decision: Int) -> Counterfactuals? {
        let facts = padded(facts)
        let result = CaseResult(plan: plan)
        machine.run(CaseFacts(facts, table: plan.texts), tracing: false, into: result)
        guard let d = result.decision(decision), d.outcome < 0 else { return nil }
        let slots = facts.map { AbstractEvaluator.Slot.assigned($0) }
        var units: [Unit] = []
        for slot in d.missing.slots where !program.facts[slot].isGroupPresence {
            let options = values(for: slot, slots: slots, excludingNow: false)
            if !options.isEmpty { units.append(Unit(fact: slot, exception: nil, options: options)) }
        }
        return enumerate(
            units: Array(units.prefix(64)), facts: facts, decision: decision, kind: .settles,
            requirements: [], result: result
        ) { outcome in outcome >= 0 }
    }

    // MARK: - The search

    /// Sets of units by size; within a set every combination of options (`flips`: the first
    /// combination reaching the goal is the set's; `settles`: every combination must reach it).
    private func enumerate(
        units: [Unit], facts: [Value?], decision: Int, kind: Counterfactuals.Kind, requirements: [UInt64],
        result: CaseResult, goal: (Int32) -> Bool
    ) -> Counterfactuals {
        let texts = plan.texts.texts
        var found: [(mask: UInt64, set: Counterfactuals.ChangeSet)] = []
        var runs = 0
        var complete = true
        var searched = 0
        var scratch = CaseFacts(facts, table: plan.texts)
        let base = scratch.slots
        let isFlip: Bool
        switch kind {
        case .flips: isFlip = true
        case .settles: isFlip = false
        }
        func outcome(_ assignment: [(slot: Int, value: Value?)]) -> Int32 {
            scratch.slots = base
            for (slot, value) in assignment {
                let scalar = scratch.scalar(value, table: plan.texts)
                scratch.slots[slot] = scalar
            }
            machine.run(scratch, tracing: false, into: result)
            runs += 1
            return result.decision(decision)?.outcome ?? -2
        }
        let n = units.count
        let largest = isFlip ? maximumChanges : maximumUnknowns
        sizes: for size in 1...max(1, min(largest, n)) where n > 0 {
            var combination = Array(0..<size)
            while true {
                var mask: UInt64 = 0
                for u in combination { mask |= 1 << UInt64(u) }
                let minimal = !found.contains { $0.mask & mask == $0.mask }
                let hits = requirements.allSatisfy { $0 & mask != 0 }
                if minimal && hits {
                    if let set = trySet(
                        combination, units: units, facts: facts, isFlip: isFlip, texts: texts, outcome: outcome,
                        goal: goal)
                    {
                        found.append((mask, set))
                    }
                    if runs > maximumRuns {
                        complete = false
                        break sizes
                    }
                }
                // Next combination in lexicographic order.
                var i = size - 1
                while i >= 0 && combination[i] == n - size + i { i -= 1 }
                if i < 0 { break }
                combination[i] += 1
                for j in (i + 1)..<size { combination[j] = combination[j - 1] + 1 }
            }
            searched = size
            if found.count > limit { break }
        }
        return Counterfactuals(
            kind: kind, decision: decision, sets: found.prefix(limit).map(\.set),
            hasMore: found.count > limit, searchedUpTo: searched, complete: complete)
    }

    private func trySet(
        _ combination: [Int], units: [Unit], facts: [Value?], isFlip: Bool, texts: [String],
        outcome: ([(slot: Int, value: Value?)]) -> Int32, goal: (Int32) -> Bool
    ) -> Counterfactuals.ChangeSet? {
        var choice = Array(repeating: 0, count: combination.count)
        var rows: [(values: [Counterfactuals.Needed], outcome: String)] = []
        while true {
            var assignment: [(slot: Int, value: Value?)] = []
            for (k, u) in combination.enumerated() { assignment += units[u].options[choice[k]].value }
            let o = outcome(assignment)
            if isFlip {
                if goal(o) {
                    let changes = combination.enumerated().map { k, u in
                        change(units[u], option: choice[k], facts: facts)
                    }
                    return Counterfactuals.ChangeSet(changes: changes, outcomes: [])
                }
            } else {
                guard goal(o) else { return nil }
                rows.append(
                    (combination.enumerated().map { k, u in units[u].options[choice[k]].needed }, texts[Int(o)]))
            }
            var k = combination.count - 1
            while k >= 0 && choice[k] == units[combination[k]].options.count - 1 {
                choice[k] = 0
                k -= 1
            }
            if k < 0 { break }
            choice[k] += 1
        }
        if isFlip { return nil }
        let changes = combination.map { u in
            Counterfactuals.Change(
                fact: units[u].fact, exception: nil, now: units[u].fact.flatMap { facts[$0] },
                needed: Counterfactuals.Needed(value: nil, from: nil, to: nil), assignment: [])
        }
        return Counterfactuals.ChangeSet(changes: changes, outcomes: rows)
    }

    private func change(_ unit: Unit, option: Int, facts: [Value?]) -> Counterfactuals.Change {
        let chosen = unit.options[option]
        return Counterfactuals.Change(
            fact: unit.fact, exception: unit.exception, now: unit.fact.flatMap { facts[$0] }, needed: chosen.needed,
            assignment: chosen.value)
    }

    // MARK: - Values

    /// Values of a fact that together meet every region (unknown left out), given the case's
    /// other facts: what an answer to a question about it can change. The prover's candidates
    /// as they are (both sides of each boundary), without working out each one's region: the
    /// interview needs speed more than one value per region.
    public func regionValues(for slot: Int, facts: [Value?]) -> [Value] {
        var slots = padded(facts).map { AbstractEvaluator.Slot.assigned($0) }
        slots[slot] = .unassigned
        return search.candidates(for: slot, in: slots).compactMap { $0 }
    }

    /// The values to try for a fact, one per region, with the region; without unknown, and
    /// (for a change) without the region of its value now.
    private func values(
        for slot: Int, slots: [AbstractEvaluator.Slot], excludingNow: Bool
    ) -> [(value: [(slot: Int, value: Value?)], needed: Counterfactuals.Needed)] {
        var others = slots
        others[slot] = .unassigned
        let now: Value?? = { if case .assigned(let v) = slots[slot] { return v } else { return nil } }()
        let fact = program.facts[slot]
        let nowRegion = now.flatMap { $0 }.flatMap { region(of: slot, value: $0, slots: slots, fact: fact) }
        var seen: [Counterfactuals.Needed] = []
        var result: [(value: [(slot: Int, value: Value?)], needed: Counterfactuals.Needed)] = []
        for candidate in search.candidates(for: slot, in: others) {
            guard let value = candidate else { continue }
            if excludingNow, case .some(.some(let current)) = now, current == value { continue }
            let needed =
                region(of: slot, value: value, slots: slots, fact: fact)
                ?? Counterfactuals.Needed(value: value, from: value, to: value)
            if excludingNow, let r = nowRegion, r.from == needed.from, r.to == needed.to, r.isRange { continue }
            if seen.contains(where: { $0.from == needed.from && $0.to == needed.to && $0.isRange }) { continue }
            seen.append(needed)
            result.append(([(slot, value)], needed))
        }
        return result
    }

    /// The region of a number or date value, open at the domain's ends.
    private func region(of slot: Int, value: Value, slots: [AbstractEvaluator.Slot], fact: FactInfo) -> Counterfactuals
        .Needed?
    {
        guard let (from, to) = search.atoms.region(of: slot, value: value, slots: slots) else { return nil }
        var lowest: Value? = nil
        var highest: Value? = nil
        switch value {
        case .date:
            lowest = .date(AtomIndex.earliest)
            highest = .date(AtomIndex.latest)
        case .number:
            let unit = fact.isWhole ? DecimalNumber.scale : 1
            lowest = .number(
                DecimalNumber(scaled: (fact.atLeast?.scaled ?? -AtomIndex.numberSearchBound) / unit * unit))
            highest = .number(DecimalNumber(scaled: (fact.atMost?.scaled ?? AtomIndex.numberSearchBound) / unit * unit))
        case .bool, .text, .none: return nil
        }
        return Counterfactuals.Needed(value: value, from: from == lowest ? nil : from, to: to == highest ? nil : to)
    }

    /// An assignment of an exception's facts under which its condition holds, if one exists.
    private func satisfying(
        _ condition: CompiledExpression, facts: [Value?], reference: ReferenceEvaluator
    ) -> [(slot: Int, value: Value?)]? {
        // Only the facts of a group (a recorded decision: who, on what grounds, when) are the
        // exception's to bring; the others (the reference date) stay as they are.
        let read = search.atoms.facts(in: condition).filter {
            program.facts[$0].isGroupPresence || program.facts[$0].group != nil
        }.sorted { (program.facts[$0].isGroupPresence ? 0 : 1, $0) < (program.facts[$1].isGroupPresence ? 0 : 1, $1) }
        var slots = facts.map { AbstractEvaluator.Slot.assigned($0) }
        for slot in read { slots[slot] = .unassigned }
        func walk(_ k: Int, _ slots: [AbstractEvaluator.Slot], _ chosen: [(slot: Int, value: Value?)]) -> [(
            slot: Int, value: Value?
        )]? {
            if k == read.count {
                var trial = facts
                for (slot, value) in chosen { trial[slot] = value }
                return reference.truth(of: condition, facts: trial) == .true ? chosen : nil
            }
            let slot = read[k]
            // The latest values first: an exception decided on the reference date, not in 1900.
            for candidate in search.candidates(for: slot, in: slots).reversed() {
                guard let value = candidate else { continue }
                var next = slots
                search.assign(value, to: slot, in: &next)
                var more = chosen + [(slot, value)]
                if program.facts[slot].isGroupPresence, value == .bool(false) {
                    more += program.facts.indices.filter { program.facts[$0].group == program.facts[slot].name }.map {
                        ($0, Value.none)
                    }
                }
                if let found = walk(k + 1, next, more) { return found }
            }
            return nil
        }
        return walk(0, slots, [])
    }

    // MARK: - Helpers

    private func padded(_ facts: [Value?]) -> [Value?] {
        var padded = Array(facts.prefix(program.facts.count))
        if padded.count < program.facts.count {
            padded += Array(repeating: nil, count: program.facts.count - padded.count)
        }
        return padded
    }

    /// Facts a decision's stage rules and the exceptions lifting them read, through derived
    /// values and the decisions they read.
    public func factsRead(by decision: Int) -> Set<Int> {
        var result = Set<Int>()
        var decisions: Set<Int> = [decision]
        var queue = [decision]
        while let d = queue.popLast() {
            var expressions: [CompiledExpression] = []
            for rule in program.rules where rule.decision == d && rule.stage != nil {
                expressions.append(rule.condition)
                expressions += rule.liftedBy.map { program.exceptions[$0].condition }
            }
            if let condition = program.decisions[d].condition { expressions.append(condition) }
            for e in expressions {
                result.formUnion(search.atoms.facts(in: e))
                for other in decisionsRead(e) where decisions.insert(other).inserted { queue.append(other) }
            }
        }
        return result
    }

    private func decisionsRead(_ e: CompiledExpression) -> Set<Int> {
        switch e {
        case .decision(let d): return [d]
        case .onlyBecause(let d, _): return [d]
        case .derived(let i): return decisionsRead(program.derived[i].expression)
        case .constant, .fact: return []
        case .not(let a), .presence(let a, _), .negate(let a), .member(let a, _, _): return decisionsRead(a)
        case .and(let a, let b), .or(let a, let b), .arithmetic(_, let a, let b), .compare(_, let a, let b):
            return decisionsRead(a).union(decisionsRead(b))
        case .conditional(let a, let b, let c): return decisionsRead(a).union(decisionsRead(b)).union(decisionsRead(c))
        case .call(_, let args): return args.reduce(into: Set<Int>()) { $0.formUnion(decisionsRead($1)) }
        }
    }
}
