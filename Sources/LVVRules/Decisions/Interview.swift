import RuleDSL

/// An intake interview (`rule-check interview`): asks, one at a time, only the facts whose
/// answer could still change the decision, the one that settles most first. The state is the
/// case so far; nothing is written until the caller decides the interview is over.
public struct Interview {
    /// The rule set whose intake decision the interview works towards.
    public let program: Program
    /// The case so far, by slot (nil: unknown).
    public private(set) var facts: [Value?]
    /// Facts answered `onbekend` or skipped: not asked again.
    public private(set) var passed: Set<Int> = []
    /// How many questions were answered (with a value, `onbekend` or skipped).
    public private(set) var answered = 0
    private let machine: Machine
    private let result: CaseResult
    private let search: CounterfactualSearch

    /// Starts from a partial case, or from nothing (every fact unknown, optional facts none).
    public init(program: Program, facts: [Value?]? = nil) {
        self.program = program
        // From nothing, an optional fact is unknown too (is there a V-number?), so it can be
        // asked; a group (an individual exception, a past decision) is absent unless given.
        self.facts =
            facts
            ?? program.facts.map { fact in
                fact.isGroupPresence ? .bool(false) : (fact.isOptional && fact.group != nil ? Value.none : nil)
            }
        let ruleSet = CompiledRuleSet(program)
        self.machine = Machine(plan: ruleSet.plan)
        self.result = CaseResult(plan: ruleSet.plan)
        self.search = CounterfactualSearch(ruleSet)
    }

    /// The text a question about a fact is asked with: the rule file's question (`ask`), else
    /// the fact's title (`RuleTexts.question`), else its name.
    public static func questionText(for fact: FactInfo, program: Program, language: TextLanguage) -> String {
        program.texts.question(for: fact.name, in: language) ?? fact.title ?? fact.name
    }

    /// The decision the interview is about (the verdict's question), if one applies yet.
    public func decision() -> Int? {
        run(facts)
        for name in VerdictBuilder.questions {
            if let index = program.decisionIndex(named: name), result.decision(index) != nil { return index }
        }
        return nil
    }

    /// Whether the decision is known: then there is nothing left worth asking.
    public func isSettled() -> Bool {
        guard let d = decision() else { return false }
        return (result.decision(d)?.outcome ?? -1) >= 0
    }

    /// The facts still worth asking: the decision's missing facts not yet passed, required facts
    /// first. Before any question applies: the facts the questions' conditions read.
    public func openFacts() -> [Int] {
        guard let d = decision() else {
            var open = Set<Int>()
            for name in VerdictBuilder.questions {
                guard let index = program.decisionIndex(named: name) else { continue }
                open.formUnion(search.factsRead(by: index).filter { facts[$0] == nil })
            }
            return open.filter { !passed.contains($0) && !program.facts[$0].isGroupPresence }.sorted()
        }
        guard let record = result.decision(d), record.outcome < 0 else { return [] }
        return record.missing.slots.filter { !passed.contains($0) && !program.facts[$0].isGroupPresence }
    }

    /// The next question: the open fact whose answer leaves, on average over its possible
    /// answers (one per region of its values), the fewest open facts; a required fact first;
    /// ties in declaration order. Nil when nothing is left worth asking.
    public func nextQuestion() -> Int? {
        // A required fact (the reference date) first: without it nothing can be decided.
        if let required = program.facts.indices.first(where: { program.facts[$0].isRequired && facts[$0] == nil }) {
            return required
        }
        let open = openFacts()
        guard open.count > 1 else { return open.first }
        var best: (slot: Int, score: Double)?
        for slot in open {
            let answers = search.regionValues(for: slot, facts: facts)
            guard !answers.isEmpty else { continue }
            var remaining = 0
            for answer in answers {
                var trial = facts
                trial[slot] = answer
                remaining += openCount(trial, passedToo: slot)
            }
            let score = Double(remaining) / Double(answers.count)
            if best == nil || score < best!.score { best = (slot, score) }
        }
        return best?.slot ?? open.first
    }

    /// Open facts after a trial answer (0 when the decision is known).
    private func openCount(_ trial: [Value?], passedToo slot: Int) -> Int {
        run(trial)
        for name in VerdictBuilder.questions {
            guard let index = program.decisionIndex(named: name), let d = result.decision(index) else { continue }
            if d.outcome >= 0 { return 0 }
            var count = 0
            d.missing.forEachSlot { s in
                if s != slot && !passed.contains(s) && !program.facts[s].isGroupPresence { count += 1 }
            }
            return count
        }
        return trial.count
    }

    private func run(_ facts: [Value?]) {
        machine.run(CaseFacts(facts, table: machine.plan.texts), tracing: false, into: result)
    }

    /// The case as it will be written: an optional fact still unknown is absent (none), as
    /// the case format reads a key left out.
    public var caseFacts: [Value?] {
        program.facts.indices.map { slot in
            let fact = program.facts[slot]
            return facts[slot] == nil && fact.isOptional && fact.group == nil ? Value.none : facts[slot]
        }
    }

    /// Records an answer: a value (`Value.none` for "geen"), or nil for `onbekend`.
    public mutating func answer(_ slot: Int, _ value: Value?) {
        answered += 1
        facts[slot] = value
        if value == nil { passed.insert(slot) }
        // A member of a group of facts given: the group is given.
        if let group = program.facts[slot].group, let presence = program.factSlots[group],
            program.facts[presence].isGroupPresence, value != nil, value != Value.none
        {
            facts[presence] = .bool(true)
        }
    }

    /// Skips a question: it is not asked again and the fact stays as it was.
    public mutating func skip(_ slot: Int) {
        answered += 1
        passed.insert(slot)
    }

    // MARK: - Answers

    /// One reply to a question, parsed from what the person typed.
    public enum Answer: Sendable, Equatable {
        case value(Value)
        case unknown
        case skip
        /// Not an answer to this question: the message says why.
        case bad(String)
    }

    /// The options of a question about an enumeration, in declared order.
    public func options(for slot: Int) -> [String] {
        if case .enumeration(let options) = program.facts[slot].type { return options }
        return []
    }

    /// `15-06-2021` (day first, as Dutch forms write it) or `2021-06-15`.
    package static func date(_ text: String) -> CivilDate? {
        if let iso = CivilDate.parse(text) { return iso }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count <= 2, parts[1].count <= 2, parts[2].count == 4,
            let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2])
        else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }
}

extension String {
    /// Every `target` replaced, without Foundation.
    package func replacingOccurrences(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
