import RuleDSL

/// An intake interview (`rule-check interview`): asks, one at a time, only the facts whose
/// answer could still change the decision, the one that settles most first. The state is the
/// case so far; nothing is written until the caller decides the interview is over.
public struct Interview {
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
        self.facts = facts ?? program.facts.map { fact in
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
            d.missing.forEachSlot { s in if s != slot && !passed.contains(s) && !program.facts[s].isGroupPresence { count += 1 } }
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

    /// Reads what a person typed: ja/nee, a date as `15-06-2021` or `2021-06-15`, an option by
    /// number or name, a number, a text; `onbekend`, `overslaan`, and `geen` for a fact that may
    /// be absent. Dutch and English words are both accepted.
    public func parse(_ typed: String, for slot: Int, words w: InterviewWords = .nl) -> Answer {
        let text = String(typed.unicodeScalars.drop { $0.properties.isWhitespace }.reversed()
            .drop { $0.properties.isWhitespace }.reversed().map(Character.init))
        let word = text.lowercased()
        let fact = program.facts[slot]
        if word.isEmpty { return .bad(w.empty) }
        if ["onbekend", "unknown", "?"].contains(word) {
            if fact.isRequired { return .bad(w.requiredFact) }
            // An optional fact not known is absent: "ontbreekt = geen bekend", as the case
            // format has it.
            return fact.isOptional && fact.group == nil ? .value(.none) : .unknown
        }
        if ["overslaan", "skip", "-"].contains(word) {
            return fact.isRequired ? .bad(w.requiredFact) : .skip
        }
        if fact.isOptional, ["geen", "none"].contains(word) { return .value(.none) }
        switch fact.type {
        case .bool:
            if ["ja", "j", "yes", "y", "true"].contains(word) { return .value(.bool(true)) }
            if ["nee", "n", "no", "false"].contains(word) { return .value(.bool(false)) }
            return .bad(w.badBool)
        case .date:
            if let date = Interview.date(text) { return .value(.date(date)) }
            return .bad(w.badDate)
        case .enumeration(let options):
            if let n = Int(word), n >= 1, n <= options.count { return .value(.text(options[n - 1])) }
            if let match = options.first(where: { $0.lowercased() == word }) { return .value(.text(match)) }
            return .bad(w.badOption + " 1-\(options.count)")
        case .number:
            let normal = word.replacingOccurrences(",", with: ".")
            guard case .value(let n) = DecimalNumber.parse(Substring(normal)) else { return .bad(w.badNumber) }
            if let least = fact.atLeast, n < least { return .bad(w.badNumber + " (≥ \(least))") }
            if let most = fact.atMost, most < n { return .bad(w.badNumber + " (≤ \(most))") }
            if fact.isWhole, n.scaled % 1_000_000 != 0 { return .bad(w.badNumber) }
            return .value(.number(n))
        case .text:
            if let format = fact.format, !format.matches(text) { return .bad(w.badFormat + " `\(format.pattern)`") }
            return .value(.text(text))
        case .set, .none, .unresolved:
            return .bad(w.badAnswer)
        }
    }

    /// `15-06-2021` (day first, as Dutch forms write it) or `2021-06-15`.
    static func date(_ text: String) -> CivilDate? {
        if let iso = CivilDate.parse(text) { return iso }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count <= 2, parts[1].count <= 2, parts[2].count == 4,
              let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]) else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }
}

extension String {
    /// Every `target` replaced, without Foundation.
    func replacingOccurrences(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}

/// The interview's frame words, Dutch and English, in one place so they can move into the
/// presentation layer's catalogue of frame words.
public struct InterviewWords: Sendable {
    public let question: String
    public let stillOpen: String
    public let yesNo: String
    public let dateHint: String
    public let numberHint: String
    public let textHint: String
    public let optionsHint: String
    public let absentHint: String
    public let passHint: String
    public let empty: String
    public let requiredFact: String
    public let badBool: String
    public let badDate: String
    public let badOption: String
    public let badNumber: String
    public let badFormat: String
    public let badAnswer: String
    public let again: String
    public let settled: String
    public let nothingLeft: String
    public let interrupted: String
    public let written: String

    public static let nl = InterviewWords(
        question: "Vraag", stillOpen: "nog open", yesNo: "ja/nee", dateHint: "datum, bijvoorbeeld 15-06-2021",
        numberHint: "een getal", textHint: "tekst", optionsHint: "kies een nummer of naam", absentHint: "`geen` als het er niet is",
        passHint: "`onbekend` of `overslaan`", empty: "geen antwoord gegeven",
        requiredFact: "deze vraag is verplicht: zonder antwoord kan er niet worden besloten",
        badBool: "antwoord `ja` of `nee`", badDate: "geen geldige datum: schrijf bijvoorbeeld 15-06-2021 of 2021-06-15",
        badOption: "geen van de opties: kies een nummer", badNumber: "geen geldig getal", badFormat: "tekst van de vorm",
        badAnswer: "dit antwoord wordt niet begrepen", again: "probeer het opnieuw",
        settled: "Het besluit staat vast; de overige vragen kunnen het niet meer veranderen.",
        nothingLeft: "Er zijn geen vragen meer die het besluit kunnen veranderen.",
        interrupted: "interview afgebroken na %d beantwoorde vragen; er is niets geschreven",
        written: "casus geschreven naar")

    public static let en = InterviewWords(
        question: "Question", stillOpen: "still open", yesNo: "yes/no", dateHint: "a date, for example 15-06-2021",
        numberHint: "a number", textHint: "text", optionsHint: "choose a number or name", absentHint: "`none` if there is none",
        passHint: "`unknown` or `skip`", empty: "no answer given",
        requiredFact: "this question is required: without an answer nothing can be decided",
        badBool: "answer `yes` or `no`", badDate: "not a valid date: write for example 15-06-2021 or 2021-06-15",
        badOption: "not one of the options: choose a number", badNumber: "not a valid number", badFormat: "text of the form",
        badAnswer: "this answer is not understood", again: "please try again",
        settled: "The decision is certain; the remaining questions cannot change it.",
        nothingLeft: "No questions are left that could change the decision.",
        interrupted: "interview interrupted after %d answered questions; nothing was written",
        written: "case written to")
}
