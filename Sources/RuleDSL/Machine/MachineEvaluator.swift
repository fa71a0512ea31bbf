import RuleSemantics
import RuleSyntax
import RuleValues

/// Decides cases against a compiled rule set: the readable face of the `Machine`. It takes and
/// returns readable values (`Value`, `Evaluation`), as `ReferenceEvaluator` does; code that
/// decides many cases uses the machine directly with `CaseFacts` and a reused `CaseResult`, and
/// converts only what it shows.
public struct MachineEvaluator: Sendable {
    /// The rule set it decides with: the program and the plan the machine runs.
    public let ruleSet: CompiledRuleSet
    /// The machine, for a caller that also decides cases the fast way.
    package let machine: Machine

    /// The rule set's program, as the reference evaluator names it.
    public var program: Program { ruleSet.program }

    /// An evaluator for a compiled rule set (`MachineEvaluator(program:)` compiles one).
    public init(_ ruleSet: CompiledRuleSet) {
        self.ruleSet = ruleSet
        self.machine = Machine(plan: ruleSet.plan)
    }

    /// Evaluates every decision that applies to `facts` (indexed by fact slot; nil = unknown).
    public func evaluate(_ facts: [Value?], trace: Bool = true) -> Evaluation {
        var padded = facts
        if padded.count < program.facts.count {
            padded += Array(repeating: nil, count: program.facts.count - padded.count)
        }
        let caseFacts = CaseFacts(Array(padded.prefix(program.facts.count)), table: ruleSet.plan.texts)
        let result = CaseResult(plan: ruleSet.plan)
        machine.run(caseFacts, tracing: trace, into: result)
        return Evaluation(result, plan: ruleSet.plan, facts: facts)
    }

    /// Evaluates an expression that reads decisions (an invariant). Not on any fast path, so
    /// the reference evaluator does it.
    public func truth(of expression: CompiledExpression, facts: [Value?]) -> Truth {
        ReferenceEvaluator(program: program, exactMissing: nil).truth(of: expression, facts: facts)
    }
}

extension Evaluation {
    /// The readable form of a machine's result.
    package init(_ result: CaseResult, plan: Plan, facts: [Value?]) {
        let texts = plan.texts.texts
        var results: [DecisionResult] = []
        for index in plan.decisions.indices {
            guard let d = result.decision(index) else { continue }
            results.append(
                DecisionResult(
                    decision: index, outcome: d.outcome < 0 ? nil : texts[Int(d.outcome)],
                    reasons: d.reasons.map { result.reason($0).reason(texts) },
                    referrals: d.referrals.map { texts[Int(result.word($0))] },
                    actions: d.actions.map { texts[Int(result.word($0))] }, missing: d.missing,
                    exceptional: d.exceptional))
        }
        var trace = Trace()
        for e in result.events {
            let index = Int(e.index)
            switch e.kind {
            case .decision: trace.events.append(.decision(decision: index, applies: e.truth, facts: e.facts))
            case .exception:
                trace.events.append(.exception(exception: index, inForce: e.inForce, truth: e.truth, facts: e.facts))
            case .rule:
                trace.events.append(
                    .rule(
                        rule: index, inForce: e.inForce, truth: e.truth, effective: e.effective,
                        liftedBy: result.liftedBy(e.lifted), facts: e.facts))
            case .outcome:
                trace.events.append(
                    .outcome(
                        decision: index, outcome: e.outcome < 0 ? nil : texts[Int(e.outcome)],
                        missing: e.facts))
            }
        }
        self.init(results: results, trace: trace, facts: facts)
    }
}

extension CaseResult.ReasonRecord {
    /// The readable form.
    package func reason(_ texts: [String]) -> Reason {
        let producer: Reason.Producer
        switch self.producer {
        case .rule: producer = .rule(Int(index))
        case .exception: producer = .exception(Int(index))
        case .otherwise: producer = .otherwise(decision: Int(index))
        }
        return Reason(code: texts[Int(code)], producer: producer, facts: facts, isLifted: isLifted)
    }
}
