import RuleDSL

/// `eval --why-not`: what would have to change for the verdict's question to get the outcome its
/// decision gives when no rule stops it (the decision's `otherwise`: `admit`, `continue`), or,
/// for an undetermined case, which missing facts would decide it. The policy is the rule
/// files': which outcome is the `otherwise`, which facts are `fixed`, which exceptions exist.
public struct WhyNot: Sendable {
    /// The rule set whose verdicts are explained; its `otherwise`, `fixed` facts and exceptions set the policy.
    public let program: Program
    /// The search over changed cases, made once per rule set and reused for every verdict.
    public let search: CounterfactualSearch

    /// Prepares the search for `program`; it is costly, so the service makes it only on first use.
    public init(program: Program) {
        self.program = program
        self.search = CounterfactualSearch(program: program)
    }

    /// The counterfactuals for a verdict; nil when its decision already has the `otherwise`
    /// outcome, has none, or no question applies.
    public func explain(_ verdict: Verdict) -> Counterfactuals? {
        guard let decision = program.decisionIndex(named: verdict.question),
            verdict.evaluation.result(for: decision) != nil
        else { return nil }
        if verdict.decision == DecisionResult.undetermined {
            return search.settles(verdict.evaluation.facts, decision: decision)
        }
        guard let target = program.decisions[decision].otherwise, target != verdict.decision else { return nil }
        return search.flips(verdict.evaluation.facts, decision: decision, target: target)
    }
}

/// The `counterfactuals` field of a JSON verdict (CONTRACT rev 2): language-neutral, so it
/// belongs with the verdict, not the presentation.
public enum CounterfactualsJSON {
    /// The `counterfactuals` member of a JSON verdict (without the key).
    public static func json(_ c: Counterfactuals, program: Program, into w: inout JSONWriter) {
        w.appendRaw("{")
        w.appendMember("kind")
        switch c.kind {
        case .flips(let target):
            w.appendString("flip")
            w.appendMember("target", target)
        case .settles:
            w.appendString("settle")
        }
        w.appendMember("sets")
        w.appendRaw("[")
        for (i, set) in c.sets.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendRaw("{")
            w.appendMember("changes")
            w.appendRaw("[")
            for (j, change) in set.changes.enumerated() {
                if j > 0 { w.appendRaw(",") }
                w.appendRaw("{")
                if let e = change.exception {
                    w.appendKey("exception")
                    w.appendString(program.exceptions[e].id)
                } else if let slot = change.fact {
                    w.appendKey("fact")
                    w.appendString(program.facts[slot].name)
                    w.appendMember("now")
                    appendValue(change.now, &w)
                    if case .flips = c.kind {
                        w.appendMember("needed")
                        appendNeeded(change.needed, &w)
                    }
                }
                w.appendRaw("}")
            }
            w.appendRaw("]")
            w.appendMember("via_exception", set.viaException)
            if case .settles = c.kind {
                w.appendMember("outcomes")
                w.appendRaw("[")
                for (k, row) in set.outcomes.enumerated() {
                    if k > 0 { w.appendRaw(",") }
                    w.appendRaw("{")
                    w.appendMember("values")
                    w.appendRaw("[")
                    for (m, needed) in row.values.enumerated() {
                        if m > 0 { w.appendRaw(",") }
                        appendNeeded(needed, &w)
                    }
                    w.appendRaw("]")
                    w.appendMember("decision", row.outcome)
                    w.appendRaw("}")
                }
                w.appendRaw("]")
            }
            w.appendRaw("}")
        }
        w.appendRaw("]")
        w.appendMember("more", c.hasMore)
        w.appendMember("searched_up_to")
        w.appendRaw(String(c.searchedUpTo))
        w.appendMember("complete", c.complete)
        w.appendRaw("}")
    }

    private static func appendValue(_ v: Value?, _ w: inout JSONWriter) {
        VerdictJSON.appendValue(v, &w)
    }

    /// A value, or `{"from": …, "to": …}` for a region (null ends are open).
    private static func appendNeeded(_ n: Counterfactuals.Needed, _ w: inout JSONWriter) {
        guard n.isRange else { return appendValue(n.value, &w) }
        w.appendRaw("{")
        w.appendMember("from")
        appendValue(n.from, &w)
        w.appendMember("to")
        appendValue(n.to, &w)
        w.appendRaw("}")
    }
}
