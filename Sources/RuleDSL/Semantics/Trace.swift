import RuleSyntax
import RuleValues

/// What the evaluator did, step by step: the answer to "why?". Events name rules by index into
/// the program and facts by slot, so recording a trace costs no strings; renderers look them up.
public enum TraceEvent: Sendable, Equatable {
    /// Whether a decision's question applies to this case (`intake` when not yet admitted).
    case decision(decision: Int, applies: Truth, facts: FactSet)
    /// An exception's condition, evaluated once per case.
    case exception(exception: Int, inForce: Bool, truth: Truth, facts: FactSet)
    /// A rule: its own truth, its truth after exceptions, which exceptions lifted it, what it read.
    case rule(rule: Int, inForce: Bool, truth: Truth, effective: Truth, liftedBy: [Int], facts: FactSet)
    /// The outcome of a decision (nil: undetermined), and the facts that could still change it.
    case outcome(decision: Int, outcome: String?, missing: FactSet)
}

/// The events of one evaluation, in order.
public struct Trace: Sendable, Equatable {
    /// The events in the order the evaluator produced them.
    public var events: [TraceEvent] = []
    /// An empty trace, filled as one case is evaluated.
    public init() {}
}
