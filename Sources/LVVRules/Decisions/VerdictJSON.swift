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
                w.appendMember("code", code)
                w.appendMember("rule", id)
                w.appendMember("title", title ?? id)
                w.appendMember("source", source ?? "")
                w.appendMember("facts")
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
        w.appendMember("case_id", verdict.caseID)
        w.appendMember("pilot", verdict.pilot)
        w.appendMember("question", verdict.question)
        w.appendMember("decision", verdict.decision)
        w.appendMember("exceptional", verdict.exceptional)
        w.appendMember("reasons")
        appendReasons(verdict.reasons, prefixes, &w)
        w.appendMember("referrals")
        appendStrings(verdict.referrals, &w)
        w.appendMember("actions")
        appendStrings(verdict.actions, &w)
        w.appendMember("missing_facts")
        appendStrings(verdict.missingFacts, &w)
        if let advice = verdict.scenarioAdvice {
            w.appendMember("scenario_advice")
            w.appendRaw("{")
            w.appendMember("scenario")
            if let scenario = advice.scenario { w.appendString(scenario) } else { w.appendRaw("null") }
            w.appendMember("reasons")
            appendStrings(advice.reasons.map(\.code), &w)
            w.appendMember("missing_facts")
            appendStrings(advice.missingFacts, &w)
            w.appendRaw("}")
        }
        if let counterfactuals {
            w.appendMember("counterfactuals")
            CounterfactualsJSON.json(counterfactuals, program: program, into: &w)
        }
        w.appendMember("ruleset")
        w.appendRaw("{")
        w.appendMember("name", verdict.rulesetName)
        w.appendMember("sha256", verdict.rulesetSHA256)
        w.appendRaw("}")
        if trace {
            w.appendMember("trace")
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
                w.appendMember("code", reason.code)
                w.appendMember("rule", reason.rule)
                w.appendMember("title", reason.title)
                w.appendMember("source", reason.source)
                w.appendMember("facts")
            }
            appendFacts(reason.facts, &w)
            if reason.isOverridden {
                w.appendMember("overridden")
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
                w.appendMember("applies", applies.rawValue)
                w.appendMember("facts")
                appendFacts(named(facts, evaluation, program), &w)
            case .exception(let e, let inForce, let truth, let facts):
                w.appendKey("exception")
                w.appendString(program.exceptions[e].id)
                w.appendMember("result", inForce ? describe(truth) : "not_in_force")
                w.appendMember("facts")
                appendFacts(named(facts, evaluation, program), &w)
            case .rule(let r, let inForce, let truth, let effective, let liftedBy, let facts):
                let rule = program.rules[r]
                w.appendKey("rule")
                w.appendString(rule.id)
                w.appendMember("decision", program.decisions[rule.decision].name)
                w.appendMember("result", inForce ? describe(truth) : "not_in_force")
                if effective != truth {
                    w.appendMember("after_exceptions", describe(effective))
                }
                if !liftedBy.isEmpty {
                    w.appendMember("lifted_by")
                    appendStrings(liftedBy.map { program.exceptions[$0].id }, &w)
                }
                w.appendMember("facts")
                appendFacts(named(facts, evaluation, program), &w)
            case .outcome(let d, let outcome, let missing):
                w.appendKey("outcome")
                w.appendString(program.decisions[d].name)
                w.appendMember("value")
                if let outcome { w.appendString(outcome) } else { w.appendString(DecisionResult.undetermined) }
                w.appendMember("missing")
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
