import RuleMachine
import RuleSemantics
import RuleSyntax
import RuleValues

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
    static func exact(program: Program, facts given: [Value?], decision index: Int, tables: Tables) -> FactSet {
        var facts = given
        if facts.count < program.facts.count {
            facts += Array(repeating: nil, count: program.facts.count - facts.count)
        }
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
        var context = Context(program: program, facts: facts, decision: index, tables: tables)

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
        let tables: Tables
        private var helper: Search?
        private var nodes = 0

        init(program: Program, facts: [Value?], decision: Int, tables: Tables) {
            self.tables = tables
            self.program = program
            self.facts = facts
            self.decision = decision
        }

        /// The exact answer when the open rules have unknown facts of their own (no two share
        /// one), and each rule is one whose facts can make it true and false: shown by its form
        /// (`FreeFacts.moves`), or, for one unknown fact, by trying its values; nil when that
        /// does not hold.
        mutating func independent(
            _ open: [(outcome: String, rules: [(rule: Int, unknown: FactSet)])], final: String?
        ) -> FactSet? {
            var seen = FactSet()
            for stage in open {
                for rule in stage.rules {
                    guard !rule.unknown.isEmpty, seen.isDisjoint(with: rule.unknown) else { return nil }
                    seen.formUnion(rule.unknown)
                }
            }
            var result = FactSet()
            for (i, stage) in open.enumerated() {
                let later = open[(i + 1)...].map { Optional($0.outcome) } + [final]
                let changes = later.contains { $0 != stage.outcome }
                for rule in stage.rules {
                    // A rule its facts cannot move would be a constant: the stages would not be
                    // free. Most rules move by their form, without a run (docs/why.md).
                    let byForm =
                        rule.rule < tables.freeFacts.count
                        && tables.freeFacts[rule.rule].moves(rule.unknown) { facts[$0] != nil }
                    if !byForm {
                        guard let fact = rule.unknown.onlySlot, isFree(rule.rule, fact) else { return nil }
                    }
                    if changes { result.formUnion(rule.unknown) }
                }
            }
            return result
        }

        /// Whether a fact's values are few (yes/no, an enumeration, a text's classes).
        func isSmall(_ fact: Int) -> Bool { MissingFacts.hasFewValues(program.facts[fact].type) }

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

        /// The known values that represent every region of a fact, given the facts assigned: the
        /// prover's candidates (`Search.candidates`) without unknown. A text's come from the table
        /// the program made once (`regionTexts`).
        private mutating func values(of fact: Int, in slots: inout [AbstractEvaluator.Slot]) -> [Value] {
            let info = program.facts[fact]
            switch info.type {
            case .bool: return [.bool(false), .bool(true)]
            case .enumeration(let options): return options.map { .text($0) }
            case .text:
                var values: [Value] = []
                if let group = info.group, info.isOptional, let presence = presenceSlot(group) {
                    if case .assigned(let v) = slots[presence], v != .bool(true) { return [Value.none] }
                } else if info.isOptional {
                    values.append(Value.none)
                }
                let texts = tables.regionTexts
                return values + (fact < texts.count ? texts[fact] : []).map(Value.text)
            case .number, .date, .set, .none, .unresolved:
                if helper == nil {
                    helper = Search(program: program, invariant: .constant(.bool(true)), maximumNodes: 0)
                }
                return helper!.candidates(for: fact, in: slots).compactMap { $0 }
            }
        }

        /// The slot saying whether a group of optional facts is present, if the group has one.
        private func presenceSlot(_ group: String) -> Int? {
            program.factSlots[group].flatMap { program.facts[$0].isGroupPresence ? $0 : nil }
        }
    }

    /// What exact missing facts need of a program, worked out once for it: each text fact's
    /// region texts, and each rule's facts that move it by its form (`FreeFacts`, shared with
    /// the machine, so both evaluators answer without a run in the same cases).
    package final class Tables: Sendable {
        let regionTexts: [[String]]
        package let freeFacts: [FreeFacts]

        package init(_ program: Program) {
            regionTexts = MissingFacts.regionTexts(of: program)
            freeFacts = MissingFacts.freeFacts(of: program, regionTexts: regionTexts)
        }
    }

    /// Whether a fact of this type has few values (yes/no, an enumeration, a text's classes):
    /// the facts the search tries value by value.
    static func hasFewValues(_ type: ValueType) -> Bool {
        switch type {
        case .bool, .enumeration, .text: return true
        case .number, .date, .set, .none, .unresolved: return false
        }
    }

    /// For each fact of a program, the texts that stand for every region of its comparisons (a
    /// text no rule names first, then one per region), as the prover tries them; empty for a
    /// fact that is not a text.
    static func regionTexts(of program: Program) -> [[String]] {
        guard program.facts.contains(where: { if case .text = $0.type { return true } else { return false } }) else {
            return []
        }
        let atoms = AtomIndex(program: program)
        return program.facts.indices.map { slot in
            let fact = program.facts[slot]
            guard case .text = fact.type else { return [] }
            return [fact.format?.filler ?? AtomIndex.otherText] + atoms.texts(for: slot)
        }
    }

    /// For each rule, the facts that move it when they leave it open, shown by the rule's form
    /// (so `independent` need not try their values on the case). A fact f is tested once
    /// (`FreeFacts.once`) when:
    /// - it is a yes/no, enumerated or text fact outside a group (its values do not depend on
    ///   the case: the same as `Context.values(of:)` tries);
    /// - it occurs once in the rule's condition (counting through `let`s), in a comparison,
    ///   membership, presence or `is_blank` of f itself with constants, or as a yes/no fact read
    ///   as a truth, reached from the condition's top through `and`, `or` and `not` only;
    /// - that one test is true for some of f's values and false for others;
    /// - no exception lifting the rule reads f, and nothing in the rule reads a decision.
    /// Why that suffices: when f alone is unknown, every other part of the condition is known
    /// (a part reading no unknown fact and no decision has a value), so the condition is a
    /// function of the one test, built with `and`, `or` and `not`, in which the test occurs
    /// once. Kleene's logic leaves such a function open exactly when it is not constant in the
    /// test, so a value of f making the test true and one making it false give the rule both
    /// truths; the exceptions do not read f, so they are known and false (the rule is open).
    ///
    /// A fact tested more than once is free when a truth table shows it (`FreeFacts.byTable`,
    /// `FormAnalysis.freeByTruthTable`); that holds only while the facts the rule's other parts
    /// read are known (`FreeFacts.needsKnown`, less the required ones, always known). Dates and
    /// numbers alone unknown are taken to be free (`FreeFacts.alone`), as `isFree` takes them.
    static func freeFacts(of program: Program, regionTexts: [[String]]) -> [FreeFacts] {
        var large = FactSet()
        for (slot, fact) in program.facts.enumerated() where !hasFewValues(fact.type) { large.insert(slot) }
        var analysis = FormAnalysis(program: program, regionTexts: regionTexts)
        return program.rules.indices.map {
            let form = analysis.freeAlone(rule: $0)
            return FreeFacts(
                alone: form.once.union(large), byTable: form.byTable, needsKnown: form.needsKnown, once: form.once)
        }
    }

    /// The walk behind `freeFacts(of:regionTexts:)`.
    private struct FormAnalysis {
        /// How often a fact occurs in an expression, and whether its one occurrence is a test
        /// of the kind `freeFacts(of:regionTexts:)` accepts.
        enum Occurrence: Equatable {
            case once(testable: Bool)
            case many
        }

        /// What a walk found: the facts with their occurrences, and whether a decision is read.
        struct Summary {
            var facts: [Int: Occurrence] = [:]
            var readsDecision = false

            mutating func add(_ other: Summary) {
                readsDecision = readsDecision || other.readsDecision
                for (fact, occurrence) in other.facts { add(fact, occurrence) }
            }

            mutating func add(_ fact: Int, _ occurrence: Occurrence) {
                facts[fact] = facts[fact] == nil ? occurrence : .many
            }
        }

        let program: Program
        let regionTexts: [[String]]
        /// Each derived value's summary, walked from the top (`[k][1]`) or elsewhere (`[k][0]`);
        /// filled in index order, since a derived value reads only derived values before it.
        private var derived: [[Summary]] = []
        private var exceptionSummaries: [Int: Summary] = [:]

        init(program: Program, regionTexts: [[String]]) {
            self.program = program
            self.regionTexts = regionTexts
            for index in program.derived.indices {
                let expression = program.derived[index].expression
                derived.append([walk(expression, top: false), walk(expression, top: true)])
            }
        }

        mutating func freeAlone(rule index: Int) -> (once: FactSet, byTable: FactSet, needsKnown: FactSet) {
            let summary = walk(program.rules[index].condition, top: true)
            if summary.readsDecision { return (FactSet(), FactSet(), FactSet()) }
            var lifting = Summary()
            for exception in program.rules[index].liftedBy {
                if exceptionSummaries[exception] == nil {
                    exceptionSummaries[exception] = walk(program.exceptions[exception].condition, top: false)
                }
                lifting.add(exceptionSummaries[exception]!)
            }
            if lifting.readsDecision { return (FactSet(), FactSet(), FactSet()) }
            var once = FactSet()
            var byTable = FactSet()
            var needsKnown = FactSet()
            for (fact, occurrence) in summary.facts where lifting.facts[fact] == nil {
                switch occurrence {
                case .once(testable: true):
                    once.insert(fact)
                case .many where hasFixedValues(fact):
                    if let needs = freeByTruthTable(program.rules[index].condition, fact) {
                        byTable.insert(fact)
                        needsKnown.formUnion(needs)
                    }
                default: break
                }
            }
            return (once, byTable, needsKnown)
        }

        /// A condition seen as a formula in `and`, `or` and `not` over tests of one fact with
        /// constants and parts that do not read that fact.
        private indirect enum Formula {
            case test(Int)
            case other(Int)
            case not(Formula)
            case and(Formula, Formula)
            case or(Formula, Formula)

            /// Kleene's value, given the tests' and the other parts' truths.
            func truth(tests: [Truth], others: [Truth]) -> Truth {
                switch self {
                case .test(let i): return tests[i]
                case .other(let i): return others[i]
                case .not(let a):
                    switch a.truth(tests: tests, others: others) {
                    case .true: return .false
                    case .false: return .true
                    case .unknown: return .unknown
                    }
                case .and(let a, let b):
                    let (x, y) = (a.truth(tests: tests, others: others), b.truth(tests: tests, others: others))
                    if x == .false || y == .false { return .false }
                    return x == .true && y == .true ? .true : .unknown
                case .or(let a, let b):
                    let (x, y) = (a.truth(tests: tests, others: others), b.truth(tests: tests, others: others))
                    if x == .true || y == .true { return .true }
                    return x == .false && y == .false ? .false : .unknown
                }
            }
        }

        /// Whether a condition that tests `fact` more than once is free in it whenever it alone
        /// leaves the condition open and the facts its other parts read are known (`nationality
        /// in EU or (nationality = "GB" and reference_date <= BREXIT_DAY)`); those facts, less
        /// the required ones, when it is; nil when it is not shown. It is, when the condition is
        /// built with `and`, `or` and `not` from tests of the fact alone with constants and from
        /// parts that do not read it (with their facts known, each is true or false: an absent
        /// optional value compares as `none`, and an optional yes/no fact is no truth value by
        /// itself), and for every truth of those parts that leaves the condition open with the
        /// tests unknown, some value of the fact makes it true and another false: the truth table
        /// over the fact's values, worked out once.
        private func freeByTruthTable(_ condition: CompiledExpression, _ fact: Int) -> FactSet? {
            var tests: [CompiledExpression] = []
            var others: [CompiledExpression] = []
            var needsKnown = FactSet()
            var budget = FormAnalysis.formulaBudget
            guard let formula = formula(condition, fact, &tests, &others, &needsKnown, &budget), others.count <= 4
            else {
                return nil
            }
            // Each test: unknown while the fact is, and a known truth for each of its values.
            var facts = [Value?](repeating: nil, count: program.facts.count)
            for test in tests {
                var run = Run(program: program, facts: facts, tracing: false)
                if run.evaluate(test).truth != .unknown { return nil }
            }
            var rows: [[Truth]] = []
            for value in fewValues(of: fact) {
                facts[fact] = value
                let row = tests.map { test -> Truth in
                    var run = Run(program: program, facts: facts, tracing: false)
                    return run.evaluate(test).truth
                }
                if row.contains(.unknown) { return nil }
                rows.append(row)
            }
            let open = Array(repeating: Truth.unknown, count: tests.count)
            for assignment in 0..<(1 << others.count) {
                let parts = others.indices.map { assignment & (1 << $0) != 0 ? Truth.true : .false }
                guard formula.truth(tests: open, others: parts) == .unknown else { continue }
                let truths = Set(rows.map { formula.truth(tests: $0, others: parts) })
                guard truths.contains(.true), truths.contains(.false) else { return nil }
            }
            return needsKnown
        }

        /// The most parts a truth table is built of: `let`s are written out in a formula, so
        /// one read twice in each of a chain of `let`s would double it at every step.
        static let formulaBudget = 64

        /// `e` as a `Formula` over tests of `fact` alone and parts that do not read it; nil when
        /// it is not one, a part reads a decision, or it has more than `budget` parts. The facts
        /// the other parts read that are not required are added to `needsKnown`.
        private func formula(
            _ e: CompiledExpression, _ fact: Int, _ tests: inout [CompiledExpression],
            _ others: inout [CompiledExpression], _ needsKnown: inout FactSet, _ budget: inout Int
        ) -> Formula? {
            budget -= 1
            guard budget >= 0 else { return nil }
            let summary = walk(e, top: false)
            if summary.facts[fact] == nil {
                guard !summary.readsDecision else { return nil }
                for other in summary.facts.keys where !program.facts[other].isRequired { needsKnown.insert(other) }
                others.append(e)
                return .other(others.count - 1)
            }
            switch e {
            case .not(let a):
                return formula(a, fact, &tests, &others, &needsKnown, &budget).map { .not($0) }
            case .and(let a, let b), .or(let a, let b):
                guard let x = formula(a, fact, &tests, &others, &needsKnown, &budget),
                    let y = formula(b, fact, &tests, &others, &needsKnown, &budget)
                else {
                    return nil
                }
                if case .and = e { return .and(x, y) }
                return .or(x, y)
            case .derived(let index):
                guard index < program.derived.count else { return nil }
                if case .fact = program.derived[index].expression { break }
                return formula(program.derived[index].expression, fact, &tests, &others, &needsKnown, &budget)
            default: break
            }
            guard isTest(of: fact, e) else { return nil }
            tests.append(e)
            return .test(tests.count - 1)
        }

        /// Whether `e` tests `fact` alone with constants: a comparison, membership, presence or
        /// `is_blank` of it, or the yes/no fact itself.
        private func isTest(of fact: Int, _ e: CompiledExpression) -> Bool {
            switch e {
            case .fact, .derived: return factOperand(e) == fact && program.facts[fact].type == .bool
            case .compare(_, let a, let b):
                return (factOperand(a) == fact && b.isConstant) || (factOperand(b) == fact && a.isConstant)
            case .member(let a, _, _), .presence(let a, _): return factOperand(a) == fact
            case .call(let builtin, let arguments):
                return builtin == .isBlank && arguments.count == 1 && factOperand(arguments[0]) == fact
            default: return false
            }
        }

        /// The fact an operand is, directly or through a `let` that is only that fact.
        private func factOperand(_ e: CompiledExpression) -> Int? {
            switch e {
            case .fact(let slot): return slot
            case .derived(let index):
                if case .fact(let slot) = program.derived[index].expression { return slot }
                return nil
            default: return nil
            }
        }

        /// Whether a fact's values are fixed by its type (as `Context.values(of:)` gives them).
        private func hasFixedValues(_ fact: Int) -> Bool {
            program.facts[fact].group == nil && MissingFacts.hasFewValues(program.facts[fact].type)
        }

        /// The values of a fact that `Context.values(of:)` tries, for a fact outside a group;
        /// empty for a fact whose values are not few.
        private func fewValues(of fact: Int) -> [Value] {
            let info = program.facts[fact]
            switch info.type {
            case .bool: return [.bool(false), .bool(true)]
            case .enumeration(let options): return options.map { .text($0) }
            case .text:
                return (info.isOptional ? [Value.none] : [])
                    + (fact < regionTexts.count ? regionTexts[fact] : []).map(Value.text)
            case .number, .date, .set, .none, .unresolved: return []
            }
        }

        /// Whether a test of `fact` alone is true for some of its values and false for others.
        private func goesBothWays(_ test: CompiledExpression, _ fact: Int) -> Bool {
            var truths = Set<Truth>()
            var facts = [Value?](repeating: nil, count: program.facts.count)
            for value in fewValues(of: fact) {
                facts[fact] = value
                var run = Run(program: program, facts: facts, tracing: false)
                truths.insert(run.evaluate(test).truth)
                if truths.contains(.true), truths.contains(.false) { return true }
            }
            return false
        }

        /// The facts of `e` with their occurrences; `top`: reached from the condition's top
        /// through `and`, `or` and `not` only.
        private func walk(_ e: CompiledExpression, top: Bool) -> Summary {
            var summary = Summary()
            switch e {
            case .constant: break
            case .fact(let slot):
                let testable = top && program.facts[slot].type == .bool && hasFixedValues(slot)
                summary.add(slot, .once(testable: testable))
            case .derived(let index):
                if index < derived.count { summary = derived[index][top ? 1 : 0] } else { summary.readsDecision = true }
            case .decision, .onlyBecause:
                summary.readsDecision = true
            case .not(let a):
                summary = walk(a, top: top)
            case .and(let a, let b), .or(let a, let b):
                summary = walk(a, top: top)
                summary.add(walk(b, top: top))
            case .compare(_, let a, let b):
                if let fact = factOperand(a) ?? factOperand(b), a.isConstant || b.isConstant {
                    summary.add(fact, .once(testable: top && hasFixedValues(fact) && goesBothWays(e, fact)))
                } else {
                    summary = walk(a, top: false)
                    summary.add(walk(b, top: false))
                }
            case .member(let a, _, _), .presence(let a, _):
                if let fact = factOperand(a) {
                    summary.add(fact, .once(testable: top && hasFixedValues(fact) && goesBothWays(e, fact)))
                } else {
                    summary = walk(a, top: false)
                }
            case .call(let builtin, let arguments):
                if builtin == .isBlank, arguments.count == 1, let fact = factOperand(arguments[0]) {
                    summary.add(fact, .once(testable: top && hasFixedValues(fact) && goesBothWays(e, fact)))
                } else {
                    for argument in arguments { summary.add(walk(argument, top: false)) }
                }
            case .conditional(let a, let b, let c):
                summary = walk(a, top: false)
                summary.add(walk(b, top: false))
                summary.add(walk(c, top: false))
            case .arithmetic(_, let a, let b):
                summary = walk(a, top: false)
                summary.add(walk(b, top: false))
            case .negate(let a):
                summary = walk(a, top: false)
            }
            return summary
        }
    }
}
