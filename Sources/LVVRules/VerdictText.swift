import RuleDSL

/// Explains a verdict to a person: the decision first, then each reason with its title and
/// source, what an exception overrode, what is missing and who checks it, the next actions,
/// the scenario advice at review, and the rule files (with hash) that decided it. What a case
/// gave (its id, its texts) is printed with control characters escaped (`TerminalText`): one
/// line of the explanation stays one line on a terminal.
public enum VerdictText {
    public static func render(_ verdict: Verdict, program: Program, trace: Bool) -> String {
        var out = ""
        let referenceDate = program.referenceFact.flatMap { verdict.evaluation.facts[$0] }.map { " on \($0)" } ?? ""
        out += "Case \(TerminalText.escape(verdict.caseID)): \(verdict.question) for \(verdict.pilot)\(referenceDate)\n"
        out += "Decision: \(verdict.decision.uppercased())\(verdict.exceptional ? " (by exception)" : "")\n"
        out += "  " + summary(verdict) + "\n"

        let deciding = verdict.reasons.filter { !$0.isOverridden }
        let overridden = verdict.reasons.filter(\.isOverridden)
        if !deciding.isEmpty {
            out += "\nReasons\n"
            for (i, reason) in deciding.enumerated() { out += describe(reason, number: i + 1) }
        }
        if !overridden.isEmpty {
            out += "\nOverridden by the exception\n"
            for (i, reason) in overridden.enumerated() { out += describe(reason, number: i + 1) }
        }
        if !verdict.referrals.isEmpty {
            out += "\nRefer to: " + verdict.referrals.map { referralNames[$0].map { "\($0)" } ?? $0 }.joined(separator: "; ") + "\n"
        }
        if !verdict.missingFacts.isEmpty {
            out += "\nMissing facts that could change the decision\n"
            for fact in verdict.missingFacts { out += missingLine(fact, program: program) }
        }
        if !verdict.actions.isEmpty {
            out += "\nNext actions\n"
            for action in verdict.actions { out += "  - \(action): \(actionNames[action] ?? action)\n" }
        }
        if let advice = verdict.scenarioAdvice {
            out += "\nScenario advice (begeleidingsscenario)\n"
            if let scenario = advice.scenario {
                out += "  Advice: \(scenario.uppercased()) (\(scenarioNames[scenario] ?? scenario))\n"
            } else {
                out += "  No advice yet: the facts below could change it.\n"
                for fact in advice.missingFacts { out += missingLine(fact, program: program) }
            }
            for reason in advice.reasons {
                out += "  - \(reason.title) [\(reason.code)]" + (reason.source.isEmpty ? "" : "\n    source: \(reason.source)") + "\n"
            }
            out += "  This is advice: the municipality decides, by consensus in the LSO where possible (convenant 4.4-4.5).\n"
        }
        let files = program.files.map(\.path).joined(separator: ", ")
        out += "\nRule set: \(verdict.rulesetName), sha256 \(verdict.rulesetSHA256)\n  files: \(files)\n"
        if trace { out += "\n" + renderTrace(verdict.evaluation, program: program) }
        return out
    }

    private static func summary(_ v: Verdict) -> String {
        switch v.decision {
        case "admit": return v.exceptional ? "Admitted by an individual exception, although reasons below would exclude." : "Admitted: no rule excludes this person."
        case "exclude": return "Not admitted: the \(v.reasons.filter { !$0.isOverridden }.count == 1 ? "reason below holds" : "reasons below hold") whatever facts are still unknown."
        case "refer": return "Not decided yet: identity must first be established by the police."
        case "continue": return "The stay may continue."
        case "end": return "The stay ends."
        case "escalate_mrt": return "No consensus in the LSO: the case goes to the Multidisciplinary Review Team (MRT), which advises within four weeks."
        case "undetermined": return "Cannot be decided yet: \(count(v.missingFacts.count, "missing fact")) below could change the outcome."
        default: return ""
        }
    }

    private static func describe(_ reason: VerdictReason, number: Int) -> String {
        var out = "  \(number). \(reason.title) [\(reason.code)]\n"
        if !reason.source.isEmpty { out += "     source: \(reason.source)\n" }
        if !reason.facts.isEmpty {
            out += "     facts: " + reason.facts.map { "\($0.name) = \(show($0.value))" }.joined(separator: ", ") + "\n"
        }
        return out
    }

    private static func missingLine(_ fact: String, program: Program) -> String {
        var line = "  - \(fact)"
        if let slot = program.factSlots[fact], let title = program.facts[slot].title { line += " (\(title))" }
        if let party = responsible(for: fact, program: program) { line += ": checked by \(party)" }
        return line + "\n"
    }

    /// Who checks a fact, from the rule file's `responsible` lines (specific lines first).
    public static func responsible(for fact: String, program: Program) -> String? {
        guard let slot = program.factSlots[fact] else { return nil }
        if let specific = program.responsibilities.last(where: { $0.facts.contains(slot) }) { return specific.party }
        return program.responsibilities.last(where: { $0.facts.isEmpty })?.party
    }

    static func show(_ value: Value?) -> String {
        switch value {
        case nil: return "unknown"
        case .none?: return "none"
        case .text(let t)?: return "\"\(TerminalText.escape(t))\""
        case let v?: return v.description
        }
    }

    private static func renderTrace(_ evaluation: Evaluation, program: Program) -> String {
        var out = "Trace (every rule considered; + held, - did not hold, ? unknown, ~ not in force)\n"
        for event in evaluation.trace.events {
            switch event {
            case .decision(let d, let applies, _):
                out += "  \(program.decisions[d].name): \(applies == .true ? "applies" : applies == .false ? "does not apply" : "may apply")\n"
            case .exception(let e, let inForce, let truth, let facts):
                out += "    \(mark(truth, inForce)) exception \(program.exceptions[e].id)\(values(facts, evaluation, program))\n"
            case .rule(let r, let inForce, let truth, let effective, let liftedBy, let facts):
                var line = "    \(mark(truth, inForce)) \(program.rules[r].id)\(values(facts, evaluation, program))"
                if !liftedBy.isEmpty { line += "  (lifted by \(liftedBy.map { program.exceptions[$0].id }.joined(separator: ", ")))" }
                else if effective != truth { line += "  (after exceptions: \(VerdictJSON.describe(effective)))" }
                out += line + "\n"
            case .outcome(let d, let outcome, let missing):
                out += "    => \(program.decisions[d].name): \(outcome ?? "undetermined")"
                if !missing.isEmpty { out += " (missing: \(missing.slots.map { program.facts[$0].name }.joined(separator: ", ")))" }
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
        return "  [" + facts.slots.map { "\(program.facts[$0].name)=\(show(evaluation.facts[$0]))" }.joined(separator: ", ") + "]"
    }

    private static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    private static let referralNames = [
        "coa": "coa (COA reception, Rva 2005)", "family_location": "family_location (gezinslocatie)",
        "vbl": "vbl (vrijheidsbeperkende locatie)", "police_identification": "police_identification (identity investigation by the police, AVIM)",
        "mrt": "mrt (Multidisciplinary Review Team)",
    ]
    private static let actionNames = [
        "mrt_advice_overdue": "ask the MRT for its advice: the case was put to it more than four weeks ago",
        "risk_analysis": "carry out a risk analysis (does not meet the intake criteria)",
        "review_due": "discuss the case in the LSO: the quarterly review is overdue",
        "scenario_required": "set a begeleidingsscenario in the LSO",
        "scenario_discussion": "discuss the scenario in the LSO: the recorded scenario differs from the advice",
    ]
    private static let scenarioNames = [
        "return": "terugkeer", "onward_migration": "doormigratie", "legalisation": "legalisering van verblijf",
    ]
}
