import RuleSemantics
import RuleSyntax
import RuleValues

/// A rule set ready for the machine: the checked `Program` and the `Plan` lowered from it, built
/// together once. The program knows nothing of the plan; whatever runs the machine holds this,
/// so every `Machine`, `CaseResult` and reader of one rule set shares one plan (and its texts).
public final class CompiledRuleSet: Sendable {
    /// The checked rule set: names, rules, texts, what every reader of a verdict looks up.
    public let program: Program
    /// The same rules lowered for the machine.
    package let plan: Plan

    /// Lowers `program`; `exactMissing` finds an undetermined decision's exact missing facts,
    /// and `freeFacts` lets the machine find the usual ones itself (`Plan.freeFacts`);
    /// `CompiledRuleSet(_:)` in RuleAnalysis gives both from the analysis layer.
    package init(_ program: Program, exactMissing: @escaping ExactMissingFacts, freeFacts: [FreeFacts] = []) {
        self.program = program
        self.plan = Plan(program, exactMissing: exactMissing, freeFacts: freeFacts)
    }
}
