import RuleSyntax
import RuleValues

/// The answer to one decision for one case: an outcome (or undetermined), every reason that
/// decided it, referrals and actions, and the facts whose absence leaves it open.
public struct DecisionResult: Sendable, Equatable {
    /// The decision, by index into `Program.decisions`.
    public let decision: Int
    /// nil when the facts do not settle it (`undetermined`).
    public let outcome: String?
    /// Every reason that decided it, in the order a verdict lists them.
    public let reasons: [Reason]
    /// Where the person is referred (`refer`), as the rules name the places.
    public let referrals: [String]
    /// What must be done (`action`), as the rules name it.
    public let actions: [String]
    /// Facts whose value could change the outcome (empty when decided).
    public let missing: FactSet
    /// Decided by the default outcome while an exception lifted at least one rule.
    public let exceptional: Bool

    /// The outcome shown (in verdicts, tests and traces) for a decision the facts do not settle;
    /// the engine's word, which a rule file may not list among its outcomes.
    public static let undetermined = "undetermined"

    package init(
        decision: Int, outcome: String?, reasons: [Reason], referrals: [String], actions: [String], missing: FactSet,
        exceptional: Bool
    ) {
        self.decision = decision
        self.outcome = outcome
        self.reasons = reasons
        self.referrals = referrals
        self.actions = actions
        self.missing = missing
        self.exceptional = exceptional
    }
}

/// One reason in a result: the code and what produced it.
public struct Reason: Sendable, Equatable {
    /// What gave the reason: a rule, an exception or the default outcome.
    public enum Producer: Sendable, Equatable {
        case rule(Int)
        case exception(Int)
        /// The decision's `otherwise … reason …`.
        case otherwise(decision: Int)
    }
    /// The reason code, as the rule file writes it.
    public let code: String
    /// Which declaration gave it, so a verdict can show its title and source.
    public let producer: Producer
    /// The facts it read (for a verdict's `facts` field).
    public let facts: FactSet
    /// A rule shown because an exception lifted it, not because it decided.
    public let isLifted: Bool

    package init(code: String, producer: Producer, facts: FactSet, isLifted: Bool) {
        self.code = code
        self.producer = producer
        self.facts = facts
        self.isLifted = isLifted
    }
}

/// Everything the evaluator returns for one case.
public struct Evaluation: Sendable {
    /// One result per decision that applies (or may apply) to the case, in declaration order.
    public let results: [DecisionResult]
    /// What was evaluated, in order (empty when evaluated without a trace).
    public let trace: Trace
    /// The case's facts by slot (nil: unknown), kept so renderers can show values read.
    public let facts: [Value?]

    package init(results: [DecisionResult], trace: Trace, facts: [Value?]) {
        self.results = results
        self.trace = trace
        self.facts = facts
    }

    /// The result of decision `decision` (an index), if it applies to the case.
    public func result(for decision: Int) -> DecisionResult? {
        results.first { $0.decision == decision }
    }
}

/// The exact missing facts of decision `decision`, which applies to `facts` and is undetermined:
/// the unknown facts whose value could change it (docs/why.md). Finding them is a search over
/// completions, which the analysis layer owns (`MissingFacts`); both evaluators are handed it
/// as this function, so neither depends on the layer above them.
public typealias ExactMissingFacts = @Sendable (_ program: Program, _ facts: [Value?], _ decision: Int) -> FactSet
