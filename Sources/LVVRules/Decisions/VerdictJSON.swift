import RuleDSL

/// Writes a verdict as one line of JSON in CONTRACT.md's key order. Deterministic: the same
/// verdict always gives the same bytes, so batch runs can be compared byte for byte.
public enum VerdictJSON {
    /// The constant part of each reason (`{"code":…,"rule":…,"title":…,"source":…,"facts":`),
    /// encoded once per rule set: escaping long Dutch titles and sources per verdict was the
    /// largest cost of writing a verdict. Keyed by code and rule id.
    public struct ReasonPrefixes: Sendable {
        let bytes: [String: [UInt8]]

        /// Encodes every reason of `program` once, before its first verdict is written.
        public init(program: Program) {
            var bytes: [String: [UInt8]] = [:]
            func add(_ code: String?, _ id: String, _ title: String?, _ source: String?) {
                guard let code else { return }
                var w = JSONWriter(reservingCapacity: 256)
                w.appendRaw("{")
                w.appendKey("code")
                w.appendString(code)
                w.appendRaw(",")
                w.appendKey("rule")
                w.appendString(id)
                w.appendRaw(",")
                w.appendKey("title")
                w.appendString(title ?? id)
                w.appendRaw(",")
                w.appendKey("source")
                w.appendString(source ?? "")
                w.appendRaw(",")
                w.appendKey("facts")
                bytes[code + "\u{0}" + id] = w.bytes
            }
            for rule in program.rules { add(rule.reason, rule.id, rule.title, rule.source) }
            for exception in program.exceptions {
                add(exception.reason, exception.id, exception.title, exception.source)
            }
            for decision in program.decisions {
                add(decision.otherwiseReason, "\(decision.name).otherwise", decision.title, nil)
            }
            self.bytes = bytes
        }
    }

    /// `counterfactuals` (from `eval --why-not`) adds that field; without it the verdict is as
    /// the contract has it.
    public static func encode(
        _ verdict: Verdict, program: Program, trace: Bool, prefixes: ReasonPrefixes? = nil,
        counterfactuals: Counterfactuals? = nil
    ) -> [UInt8] {
        var w = JSONWriter(reservingCapacity: trace ? 4096 : 512)
        w.appendRaw("{")
        w.appendKey("case_id")
        w.appendString(verdict.caseID)
        w.appendRaw(",")
        w.appendKey("pilot")
        w.appendString(verdict.pilot)
        w.appendRaw(",")
        w.appendKey("question")
        w.appendString(verdict.question)
        w.appendRaw(",")
        w.appendKey("decision")
        w.appendString(verdict.decision)
        w.appendRaw(",")
        w.appendKey("exceptional")
        w.appendRaw(verdict.exceptional ? "true" : "false")
        w.appendRaw(",")
        w.appendKey("reasons")
        appendReasons(verdict.reasons, prefixes, &w)
        w.appendRaw(",")
        w.appendKey("referrals")
        appendStrings(verdict.referrals, &w)
        w.appendRaw(",")
        w.appendKey("actions")
        appendStrings(verdict.actions, &w)
        w.appendRaw(",")
        w.appendKey("missing_facts")
        appendStrings(verdict.missingFacts, &w)
        if let advice = verdict.scenarioAdvice {
            w.appendRaw(",")
            w.appendKey("scenario_advice")
            w.appendRaw("{")
            w.appendKey("scenario")
            if let scenario = advice.scenario { w.appendString(scenario) } else { w.appendRaw("null") }
            w.appendRaw(",")
            w.appendKey("reasons")
            appendStrings(advice.reasons.map(\.code), &w)
            w.appendRaw(",")
            w.appendKey("missing_facts")
            appendStrings(advice.missingFacts, &w)
            w.appendRaw("}")
        }
        if let counterfactuals {
            w.appendRaw(",")
            w.appendKey("counterfactuals")
            CounterfactualsJSON.json(counterfactuals, program: program, into: &w)
        }
        w.appendRaw(",")
        w.appendKey("ruleset")
        w.appendRaw("{")
        w.appendKey("name")
        w.appendString(verdict.rulesetName)
        w.appendRaw(",")
        w.appendKey("sha256")
        w.appendString(verdict.rulesetSHA256)
        w.appendRaw("}")
        if trace {
            w.appendRaw(",")
            w.appendKey("trace")
            appendTrace(verdict.evaluation, program: program, &w)
        }
        w.appendRaw("}")
        return w.bytes
    }

    private static func appendReasons(_ reasons: [VerdictReason], _ prefixes: ReasonPrefixes?, _ w: inout JSONWriter) {
        w.appendRaw("[")
        for (i, reason) in reasons.enumerated() {
            if i > 0 { w.appendRaw(",") }
            if let prefix = prefixes?.bytes[reason.code + "\u{0}" + reason.rule] {
                w.bytes += prefix
            } else {
                w.appendRaw("{")
                w.appendKey("code")
                w.appendString(reason.code)
                w.appendRaw(",")
                w.appendKey("rule")
                w.appendString(reason.rule)
                w.appendRaw(",")
                w.appendKey("title")
                w.appendString(reason.title)
                w.appendRaw(",")
                w.appendKey("source")
                w.appendString(reason.source)
                w.appendRaw(",")
                w.appendKey("facts")
            }
            appendFacts(reason.facts, &w)
            if reason.isOverridden {
                w.appendRaw(",")
                w.appendKey("overridden")
                w.appendRaw("true")
            }
            w.appendRaw("}")
        }
        w.appendRaw("]")
    }

    private static func appendFacts(_ facts: [(name: String, value: Value?)], _ w: inout JSONWriter) {
        w.appendRaw("{")
        for (i, fact) in facts.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendKey(fact.name)
            appendValue(fact.value, &w)
        }
        w.appendRaw("}")
    }

    /// A fact value as JSON: unknown and none are `null`, as in the case format.
    static func appendValue(_ value: Value?, _ w: inout JSONWriter) {
        switch value {
        case nil, .none?: w.appendRaw("null")
        case .bool(let b)?: w.appendRaw(b ? "true" : "false")
        case .number(let n)?: w.appendRaw(n.description)
        case .text(let t)?: w.appendString(t)
        case .date(let d)?: w.appendString(d.description)
        }
    }

    private static func appendStrings(_ strings: [String], _ w: inout JSONWriter) {
        w.appendRaw("[")
        for (i, s) in strings.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendString(s)
        }
        w.appendRaw("]")
    }

    /// The trace: every decision, exception and rule considered, what it came to, what it read.
    private static func appendTrace(_ evaluation: Evaluation, program: Program, _ w: inout JSONWriter) {
        w.appendRaw("[")
        for (i, event) in evaluation.trace.events.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendRaw("{")
            switch event {
            case .decision(let d, let applies, let facts):
                w.appendKey("decision")
                w.appendString(program.decisions[d].name)
                w.appendRaw(",")
                w.appendKey("applies")
                w.appendString(applies.rawValue)
                w.appendRaw(",")
                w.appendKey("facts")
                appendFacts(named(facts, evaluation, program), &w)
            case .exception(let e, let inForce, let truth, let facts):
                w.appendKey("exception")
                w.appendString(program.exceptions[e].id)
                w.appendRaw(",")
                w.appendKey("result")
                w.appendString(inForce ? describe(truth) : "not_in_force")
                w.appendRaw(",")
                w.appendKey("facts")
                appendFacts(named(facts, evaluation, program), &w)
            case .rule(let r, let inForce, let truth, let effective, let liftedBy, let facts):
                let rule = program.rules[r]
                w.appendKey("rule")
                w.appendString(rule.id)
                w.appendRaw(",")
                w.appendKey("decision")
                w.appendString(program.decisions[rule.decision].name)
                w.appendRaw(",")
                w.appendKey("result")
                w.appendString(inForce ? describe(truth) : "not_in_force")
                if effective != truth {
                    w.appendRaw(",")
                    w.appendKey("after_exceptions")
                    w.appendString(describe(effective))
                }
                if !liftedBy.isEmpty {
                    w.appendRaw(",")
                    w.appendKey("lifted_by")
                    appendStrings(liftedBy.map { program.exceptions[$0].id }, &w)
                }
                w.appendRaw(",")
                w.appendKey("facts")
                appendFacts(named(facts, evaluation, program), &w)
            case .outcome(let d, let outcome, let missing):
                w.appendKey("outcome")
                w.appendString(program.decisions[d].name)
                w.appendRaw(",")
                w.appendKey("value")
                if let outcome { w.appendString(outcome) } else { w.appendString(DecisionResult.undetermined) }
                w.appendRaw(",")
                w.appendKey("missing")
                appendStrings(missing.slots.map { program.facts[$0].name }, &w)
            }
            w.appendRaw("}")
        }
        w.appendRaw("]")
    }

    package static func describe(_ truth: Truth) -> String {
        switch truth {
        case .true: return "held"
        case .false: return "not_held"
        case .unknown: return "unknown"
        }
    }

    private static func named(_ facts: FactSet, _ evaluation: Evaluation, _ program: Program) -> [(
        name: String, value: Value?
    )] {
        facts.slots.map { (program.facts[$0].name, evaluation.facts[$0]) }
    }
}
