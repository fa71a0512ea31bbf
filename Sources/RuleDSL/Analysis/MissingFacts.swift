import RuleValues
import RuleSyntax
import RuleSemantics
import RuleMachine

/// The exact `missing_facts` of an undetermined decision. CONTRACT: the unknown facts "whose value
/// could change the decision", no more. Definition (docs/why.md): an unknown fact f is missing
/// when some completion of the *other* unknown facts exists in which two values of f give
/// different outcomes. A completion gives every unknown fact a known value of its type.
///
/// Kleene's evaluation names the unknown facts of every rule left open; that set contains the
/// exact one (a rule whose truth is settled stays settled whatever an unknown fact turns out to
/// be), but can be larger: at review, with consensus unknown and no progress, an unknown
/// entitlement cannot change the outcome (the stay ends either way). Only undetermined decisions
/// come here, so decided cases pay nothing.
///
/// Two ways, both exact:
/// - **independent rules** (the usual case): every open rule is left open by one unknown fact of
///   its own, and that fact can make the rule true and false. Then the rules vary independently,
///   and the fact of an open rule in stage i matters exactly when some outcome after stage i (a
///   later open stage's, or the final one) differs from stage i's;
/// - otherwise a **search** over completions, as the prover does: the other unknown facts are
///   chosen one at a time over the values that represent every region of the rules' comparisons
///   (`Search.candidates`), f last, and a branch is dropped as soon as the abstract evaluation
///   shows that the decision has one outcome left in it. Past `budget` partial cases for the
///   decision, or with more than `maximumSearched` unknown facts to search, the facts not yet
///   settled are kept (listed): the answer is then a superset, never a subset.
enum MissingFacts {
    /// Partial cases searched for one decision, over all its facts, before the facts not yet
    /// settled are kept without proof; and the most unknown facts the search takes on. Both keep
    /// the cost of a case with many unknown facts small (the answer is then a superset).
    static let budget = 400
    static let maximumSearched = 6

    /// The exact missing facts of decision `index`, which applies to `facts` and is undetermined.
    static func exact(program: Program, facts given: [Value?], decision index: Int) -> FactSet {
        var facts = given
        if facts.count < program.facts.count { facts += Array(repeating: nil, count: program.facts.count - facts.count) }
        let decision = program.decisions[index]

        // The stages a completion can reach, with their open rules and each rule's unknown facts.
        var run = Run(program: program, facts: facts, tracing: false)
        var open: [(outcome: String, rules: [(rule: Int, unknown: FactSet)])] = []
        var final: String? = decision.otherwise
        for stage in decision.stages {
            var rules: [(rule: Int, unknown: FactSet)] = []
            var hit = false
            for rule in stage.rules {
                let (truth, unknown) = run.effectiveRule(rule)
                switch truth {
                case .true: hit = true
                case .unknown: rules.append((rule, unknown))
                case .false: break
                }
            }
            if hit {
                final = stage.outcome
                break
            }
            if !rules.isEmpty { open.append((stage.outcome, rules)) }
        }
        var candidates = FactSet()
        for stage in open { for rule in stage.rules { candidates.formUnion(rule.unknown) } }
        var context = Context(program: program, facts: facts, decision: index)

        if let result = context.independent(open, final: final) { return result }
        let slots = candidates.slots
        // Dates and numbers would need the prover's region search for every partial case, which
        // costs too much on a path a caseload takes: the search covers yes/no, enumerated and
        // text facts; with a date or number among the facts the answer is the superset.
        guard slots.count <= maximumSearched, slots.allSatisfy({ context.isSmall($0) }) else { return candidates }
        var result = FactSet()
        for fact in slots where context.matters(fact, among: candidates) {
            result.insert(fact)
        }
        return result
    }

    /// What both ways share: the case, and the prover's value generation, made when first needed.
    struct Context {
        let program: Program
        let facts: [Value?]
        let decision: Int
        private var helper: Search?
        private var nodes = 0

        init(program: Program, facts: [Value?], decision: Int) {
            self.program = program
            self.facts = facts
            self.decision = decision
        }

        /// The exact answer when every open rule has one unknown fact of its own that can make it
        /// true and false; nil when that does not hold.
        mutating func independent(
            _ open: [(outcome: String, rules: [(rule: Int, unknown: FactSet)])], final: String?
        ) -> FactSet? {
            var seen = FactSet()
            for stage in open {
                for rule in stage.rules {
                    let slots = rule.unknown.slots
                    guard slots.count == 1, seen.insertNew(slots[0]) else { return nil }
                }
            }
            var result = FactSet()
            for (i, stage) in open.enumerated() {
                let later = open[(i + 1)...].map { Optional($0.outcome) } + [final]
                let changes = later.contains { $0 != stage.outcome }
                for rule in stage.rules {
                    let fact = rule.unknown.slots[0]
                    // A rule its fact cannot move would be a constant: the stages would not be free.
                    guard isFree(rule.rule, fact) else { return nil }
                    if changes { result.insert(fact) }
                }
            }
            return result
        }

        /// Whether a fact's values are few (yes/no, an enumeration, a text's classes).
        func isSmall(_ fact: Int) -> Bool {
            switch program.facts[fact].type {
            case .bool, .enumeration, .text: return true
            case .number, .date, .set, .none, .unresolved: return false
            }
        }

        /// Whether some values of `fact` make the rule true and others false (the other facts as given).
        /// A date or number left unknown is taken to be free: a comparison with it goes both ways
        /// unless a rule compares it with an impossible bound (documented in docs/why.md).
        private mutating func isFree(_ rule: Int, _ fact: Int) -> Bool {
            guard isSmall(fact) else { return true }
            var slots = baseSlots(unassigned: [fact])
            var truths = Set<Truth>()
            for value in values(of: fact, in: &slots) {
                var trial = facts
                trial[fact] = value
                var run = Run(program: program, facts: trial, tracing: false)
                truths.insert(run.effectiveRule(rule).truth)
                if truths.contains(.true), truths.contains(.false) { return true }
            }
            return false
        }

        /// Whether some completion of the other candidates gives two values of `fact` different outcomes.
        mutating func matters(_ fact: Int, among candidates: FactSet) -> Bool {
            let slots = baseSlots(unassigned: candidates.slots)
            return explore(slots, fact: fact) ?? true
        }

        /// nil: the budget ran out (the fact is then kept).
        private mutating func explore(_ slots: [AbstractEvaluator.Slot], fact: Int) -> Bool? {
            nodes += 1
            if nodes > MissingFacts.budget { return nil }
            var abstract = AbstractEvaluator(
                program: program, slots: slots, canBeUnknown: Array(repeating: false, count: slots.count))
            if case .values(let outcomes) = abstract.evaluate(.decision(decision)), outcomes.count <= 1 { return false }
            var next = abstract.wanted.first { $0 != fact && slots[$0] == .unassigned }
            if let n = next, program.facts[n].type == .date, let reference = program.referenceFact,
                reference != fact, slots[reference] == .unassigned
            {
                next = reference
            }
            var slots = slots
            guard let other = next else {
                // Every other candidate that matters is chosen: try the fact's values last.
                var outcomes = Set<String>()
                for value in values(of: fact, in: &slots) {
                    var complete = slots.map { slot -> Value? in
                        if case .assigned(let v) = slot { return v }
                        return nil
                    }
                    complete[fact] = value
                    var run = Run(program: program, facts: complete, tracing: false)
                    let outcome = run.result(of: decision).map { $0.outcome ?? "\u{1}undetermined" } ?? "\u{1}none"
                    outcomes.insert(outcome)
                    if outcomes.count > 1 { return true }
                }
                return false
            }
            for value in values(of: other, in: &slots) {
                var child = slots
                child[other] = .assigned(value)
                switch explore(child, fact: fact) {
                case true?: return true
                case nil: return nil
                case false?: continue
                }
            }
            return false
        }

        /// The case as slots: known facts (and unknown facts outside the search) assigned.
        private func baseSlots(unassigned: [Int]) -> [AbstractEvaluator.Slot] {
            var slots = facts.map { AbstractEvaluator.Slot.assigned($0) }
            for slot in unassigned { slots[slot] = .unassigned }
            return slots
        }

        /// The known values that represent every region of a fact, given the facts assigned.
        private mutating func values(of fact: Int, in slots: inout [AbstractEvaluator.Slot]) -> [Value] {
            switch program.facts[fact].type {
            case .bool: return [.bool(false), .bool(true)]
            case .enumeration(let options): return options.map { .text($0) }
            case .text, .number, .date, .set, .none, .unresolved:
                if helper == nil { helper = Search(program: program, invariant: .constant(.bool(true)), maximumNodes: 0) }
                return helper!.candidates(for: fact, in: slots).compactMap { $0 }
            }
        }
    }
}
