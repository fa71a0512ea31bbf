import RuleDSL

/// A verdict in the shape of CONTRACT.md section 2: what was decided, every reason, where the
/// person goes, what happens next, what is missing, and which rule files decided it.
public struct Verdict: Sendable {
    /// The case's `case_id`, echoed so a verdict can be matched to its case.
    public let caseID: String
    /// The rule set that decided, `national` or a pilot such as `groningen`.
    public let pilot: String
    /// `intake` or `review`.
    public let question: String
    /// An outcome of the question, or `undetermined`.
    public let decision: String
    /// True when the decision is the default outcome only because an exception lifted a rule (admission by exception).
    public let exceptional: Bool
    /// Every reason for the decision; reasons an exception overrode are marked (`isOverridden`).
    public let reasons: [VerdictReason]
    /// Where the person goes: the referrals the rules produced.
    public let referrals: [String]
    /// What happens next: the actions the rules produced.
    public let actions: [String]
    /// Facts whose absence kept the decision `undetermined`, by name; empty when decided.
    public let missingFacts: [String]
    /// Review only.
    public let scenarioAdvice: ScenarioAdvice?
    /// The rule set's name, the `ruleset.name` of the verdict.
    public let rulesetName: String
    /// The sha256 of the rule files, so the verdict names the exact rules that decided it.
    public let rulesetSHA256: String
    /// The evaluation behind it, for the trace and the text explanation.
    public let evaluation: Evaluation
}

/// One deciding reason, with the rule that produced it.
public struct VerdictReason: Sendable {
    /// The reason code as the rule file names it, stable across rule edits; what reports count.
    public let code: String
    /// The id of the rule that produced the reason.
    public let rule: String
    /// The rule's title in the rule set's language, for a person reading the verdict.
    public let title: String
    /// Where in the convenant or pilot document the rule comes from (e.g. `000 art. 3.1`).
    public let source: String
    /// The facts the rule read, by name (nil: unknown or absent).
    public let facts: [(name: String, value: Value?)]
    /// A reason an exception overrode (listed on an admit by exception).
    public let isOverridden: Bool
}

/// The begeleidingsscenario the facts point to, at review; advice only, the LSO decides.
public struct ScenarioAdvice: Sendable {
    /// nil when unknown facts could still change it.
    public let scenario: String?
    /// The reasons the rules gave for the advised scenario.
    public let reasons: [VerdictReason]
    /// Facts that, once known, could still change the advice.
    public let missingFacts: [String]
}

/// Builds contract verdicts from evaluations. This is where the LVV's verdict shape meets the
/// generic engine: which decisions answer the `question`, and which one is the scenario advice.
public struct VerdictBuilder: Sendable {
    /// The decisions the contract knows by name; the rule files define what they decide.
    public static let questions = ["intake", "review"]
    /// The decision that gives the scenario advice at review; not a question of its own.
    public static let adviceDecision = "scenario_advice"

    /// The rule set the verdicts are decided with.
    public let program: Program
    private let evaluator: MachineEvaluator

    /// A builder deciding with `ruleSet`'s machine.
    public init(_ ruleSet: CompiledRuleSet) {
        self.program = ruleSet.program
        self.evaluator = MachineEvaluator(ruleSet)
    }

    /// A builder for `program`, compiled on the spot.
    public init(program: Program) {
        self.init(CompiledRuleSet(program))
    }

    /// Decides a case and shapes the verdict.
    public func verdict(for input: CaseInput, trace: Bool = true) -> Verdict {
        let evaluation = evaluator.evaluate(input.facts, trace: trace)
        var question = VerdictBuilder.questions[0]
        var main: DecisionResult?
        for name in VerdictBuilder.questions {
            if let index = program.decisionIndex(named: name), let result = evaluation.result(for: index) {
                question = name
                main = result
                break
            }
        }
        var advice: ScenarioAdvice?
        var actions = main?.actions ?? []
        if question == "review", let index = program.decisionIndex(named: VerdictBuilder.adviceDecision),
            let result = evaluation.result(for: index)
        {
            advice = ScenarioAdvice(
                scenario: result.outcome, reasons: result.reasons.map { reason($0, evaluation) },
                missingFacts: names(result.missing))
            actions += result.actions.filter { !actions.contains($0) }
        }
        let order = program.vocabulary[.actions] ?? []
        actions.sort { (order.firstIndex(of: $0) ?? order.count) < (order.firstIndex(of: $1) ?? order.count) }
        return Verdict(
            caseID: input.caseID, pilot: program.name, question: question,
            decision: main?.outcome ?? DecisionResult.undetermined, exceptional: main?.exceptional ?? false,
            reasons: (main?.reasons ?? []).map { reason($0, evaluation) }, referrals: main?.referrals ?? [],
            actions: actions, missingFacts: names(main?.missing ?? FactSet()), scenarioAdvice: advice,
            rulesetName: program.name, rulesetSHA256: program.sha256, evaluation: evaluation)
    }

    private func reason(_ reason: Reason, _ evaluation: Evaluation) -> VerdictReason {
        let id: String
        let title: String?
        let source: String?
        switch reason.producer {
        case .rule(let index):
            let rule = program.rules[index]
            (id, title, source) = (rule.id, rule.title, rule.source)
        case .exception(let index):
            let exception = program.exceptions[index]
            (id, title, source) = (exception.id, exception.title, exception.source)
        case .otherwise(let decision):
            let d = program.decisions[decision]
            (id, title, source) = ("\(d.name).otherwise", d.title, nil)
        }
        return VerdictReason(
            code: reason.code, rule: id, title: title ?? id, source: source ?? "",
            facts: reason.facts.slots.map { (program.facts[$0].name, evaluation.facts[$0]) },
            isOverridden: reason.isLifted)
    }

    private func names(_ set: FactSet) -> [String] {
        set.slots.map { program.facts[$0].name }
    }
}
