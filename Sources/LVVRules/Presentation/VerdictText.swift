import LVVRules
import RuleDSL

/// Explains a verdict to a person the way a careful colleague would write it: the decision
/// first, in one sentence; then the reasons with their sources; what is missing, the question
/// to ask and who checks it; referrals and next steps; the scenario advice at review; the rule
/// set that decided; and last, who takes the decision. Every domain text comes from the rule
/// files (`RuleTexts`), every frame word from `FrameText`, in the reader's language. What a case
/// gave (its id, its texts) is printed with control characters escaped (`TerminalText`): one
/// line of the explanation stays one line on a terminal.
public enum VerdictText {
    /// - Parameter language: the reader's language; nil means the rule set's own.
    public static func render(_ verdict: Verdict, program: Program, trace: Bool, language: TextLanguage? = nil)
        -> String
    {
        let language = language ?? program.texts.language
        let words = FrameText(language)
        let texts = program.texts
        func say(_ key: TextKey) -> String? { texts.text(key, in: language) }
        var out = ""

        var heading =
            "\(words[.caseWord]) \(TerminalText.escape(verdict.caseID)) (\(verdict.question == "review" ? words[.review] : words[.intake]))"
        if let slot = program.referenceFact, case .date(let date)? = verdict.evaluation.facts[slot] {
            heading += ", \(words[.referenceDate]) \(words.date(date))"
        }
        out += heading + "\n"
        out += (say(.ruleset) ?? verdict.pilot) + "\n"
        if let question = say(.decision(verdict.question)) { out += question + "\n" }

        var decision: String
        if verdict.decision == DecisionResult.undetermined {
            decision = words.undetermined(missing: verdict.missingFacts.count)
        } else {
            decision =
                say(.outcome(decision: verdict.question, outcome: verdict.decision)) ?? words.outcome(verdict.decision)
        }
        if verdict.exceptional { decision += " " + words[.byException] }
        out += "\n\(words[.decision]): \(decision)\n"

        let deciding = verdict.reasons.filter { !$0.isOverridden }
        let overridden = verdict.reasons.filter(\.isOverridden)
        if !deciding.isEmpty {
            out += "\n\(words[.reasons])\n"
            for (i, reason) in deciding.enumerated() {
                out += describe(reason, number: i + 1, program: program, words: words)
            }
        }
        if !overridden.isEmpty {
            out += "\n\(words[.overridden])\n"
            for (i, reason) in overridden.enumerated() {
                out += describe(reason, number: i + 1, program: program, words: words)
            }
        }
        if !verdict.missingFacts.isEmpty {
            out += "\n\(words[.missingFacts])\n"
            for fact in verdict.missingFacts { out += missingLines(fact, program: program, words: words) }
        }
        if !verdict.referrals.isEmpty {
            out += "\n\(words[.referrals])\n"
            for referral in verdict.referrals { out += "  - \(say(.word(.referrals, referral)) ?? referral)\n" }
        }
        if !verdict.actions.isEmpty {
            out += "\n\(words[.nextSteps])\n"
            for action in verdict.actions { out += "  - \(say(.word(.actions, action)) ?? action)\n" }
        }
        if let advice = verdict.scenarioAdvice {
            let name = VerdictBuilder.adviceDecision
            out += "\n\(words[.scenarioAdvice])\n"
            if let scenario = advice.scenario {
                out += "  " + (say(.outcome(decision: name, outcome: scenario)) ?? words.outcome(scenario)) + "\n"
            } else {
                out += "  \(words[.noAdviceYet])\n"
                for fact in advice.missingFacts { out += missingLines(fact, program: program, words: words) }
            }
            for (i, reason) in advice.reasons.enumerated() {
                out += describe(reason, number: i + 1, program: program, words: words)
            }
            if let closing = say(.closing(name)) { out += "  \(closing)\n" }
        }
        let files = program.files.map { TerminalText.escape($0.path) }.joined(separator: ", ")
        out +=
            "\n\(words[.ruleSet]): \(verdict.rulesetName), sha256 \(verdict.rulesetSHA256)\n  \(words[.files]): \(files)\n"
        if let closing = say(.closing(verdict.question)) { out += "\n\(closing)\n" }
        if trace { out += "\n" + renderTrace(verdict.evaluation, program: program, words: words) }
        return out
    }

    private static func describe(_ reason: VerdictReason, number: Int, program: Program, words: FrameText) -> String {
        var out = "  \(number). \(title(of: reason, program: program, language: words.language))\n"
        if !reason.source.isEmpty { out += "     \(words[.source]): \(reason.source)\n" }
        // A group's presence (`exceptional_admission` given) is the engine's, not a fact to show.
        let shown = reason.facts.filter { fact in
            program.factSlots[fact.name].map { !program.facts[$0].isGroupPresence } ?? true
        }
        if !shown.isEmpty {
            out += "     \(words[.facts]):\n"
            for fact in shown {
                let title = factTitle(fact.name, program: program, language: words.language)
                out += "       - \(title) = \(show(fact.value, fact: fact.name, program: program, words: words))\n"
            }
        }
        return out
    }

    /// A reason's title in the reader's language: its rule's, or its decision's for `otherwise`.
    public static func title(of reason: VerdictReason, program: Program, language: TextLanguage) -> String {
        if reason.rule.hasSuffix(".otherwise") {
            if let word = program.texts.text(.word(.reasons, reason.code), in: language) { return word }
            return program.texts.text(.decision(String(reason.rule.dropLast(".otherwise".count))), in: language)
                ?? reason.title
        }
        return program.texts.text(.rule(reason.rule), in: language) ?? reason.title
    }

    private static func factTitle(_ fact: String, program: Program, language: TextLanguage) -> String {
        program.texts.text(.fact(fact), in: language) ?? fact
    }

    private static func missingLines(_ fact: String, program: Program, words: FrameText) -> String {
        var out = "  - \(factTitle(fact, program: program, language: words.language)) [\(fact)]\n"
        if let question = program.texts.text(.question(fact), in: words.language) {
            out += "    \(words[.askQuestion]): \(question)\n"
        }
        if let party = responsible(for: fact, program: program) {
            out += "    \(words[.checkedBy]): \(program.texts.text(.party(party), in: words.language) ?? party)\n"
        }
        return out
    }

    /// Who checks a fact, from the rule file's `responsible` lines (specific lines first), as written.
    public static func responsible(for fact: String, program: Program) -> String? {
        guard let slot = program.factSlots[fact] else { return nil }
        if let specific = program.responsibilities.last(where: { $0.facts.contains(slot) }) { return specific.party }
        return program.responsibilities.last(where: { $0.facts.isEmpty })?.party
    }

    /// A value as a reader writes it: yes/no, a date in words, an option's text from the rule file.
    static func show(_ value: Value?, fact: String, program: Program, words: FrameText) -> String {
        switch value {
        case nil: return words[.unknown]
        case .none?: return words[.none]
        case .bool(let b)?: return b ? words[.yes] : words[.no]
        case .date(let d)?: return words.date(d)
        case .number(let n)?: return n.description
        case .text(let t)?:
            if let option = program.texts.text(.option(fact: fact, value: t), in: words.language) { return option }
            if case .enumeration? = program.factSlots[fact].map({ program.facts[$0].type }) { return t }
            return "\"\(TerminalText.escape(t))\""
        }
    }

    /// A value in the trace: as the case gave it, so it can be looked up in the JSON.
    static func show(_ value: Value?) -> String {
        switch value {
        case nil: return "unknown"
        case .none?: return "none"
        case .text(let t)?: return "\"\(TerminalText.escape(t))\""
        case let v?: return v.description
        }
    }

    private static func renderTrace(_ evaluation: Evaluation, program: Program, words: FrameText) -> String {
        var out = words[.traceHeading] + "\n"
        for event in evaluation.trace.events {
            switch event {
            case .decision(let d, let applies, _):
                out +=
                    "  \(program.decisions[d].name): \(applies == .true ? words[.applies] : applies == .false ? words[.doesNotApply] : words[.mayApply])\n"
            case .exception(let e, let inForce, let truth, let facts):
                out +=
                    "    \(mark(truth, inForce)) exception \(program.exceptions[e].id)\(values(facts, evaluation, program))\n"
            case .rule(let r, let inForce, let truth, let effective, let liftedBy, let facts):
                var line = "    \(mark(truth, inForce)) \(program.rules[r].id)\(values(facts, evaluation, program))"
                if !liftedBy.isEmpty {
                    line +=
                        "  (\(words[.liftedBy]) \(liftedBy.map { program.exceptions[$0].id }.joined(separator: ", ")))"
                } else if effective != truth {
                    line += "  (\(words[.afterExceptions]): \(VerdictJSON.describe(effective)))"
                }
                out += line + "\n"
            case .outcome(let d, let outcome, let missing):
                out += "    => \(program.decisions[d].name): \(outcome ?? words[.undetermined])"
                if !missing.isEmpty {
                    out +=
                        " (\(words[.missing]): \(missing.slots.map { program.facts[$0].name }.joined(separator: ", ")))"
                }
                out += "\n"
            }
        }
        return out
    }

    private static func mark(_ truth: Truth, _ inForce: Bool) -> String {
        guard inForce else { return "~" }
        switch truth {
        case .true: return "+"
        case .false: return "-"
        case .unknown: return "?"
        }
    }

    private static func values(_ facts: FactSet, _ evaluation: Evaluation, _ program: Program) -> String {
        guard !facts.isEmpty else { return "" }
        return "  ["
            + facts.slots.map { "\(program.facts[$0].name)=\(show(evaluation.facts[$0]))" }.joined(separator: ", ")
            + "]"
    }
}
