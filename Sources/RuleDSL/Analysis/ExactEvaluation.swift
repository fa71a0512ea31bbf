import RuleMachine
import RuleSemantics
import RuleSyntax
import RuleValues

/// The evaluators as everyone outside the language uses them: with the exact missing facts of
/// an undetermined decision, which only this layer can find (`MissingFacts` searches completions
/// with the abstract evaluator). The evaluators and the machine sit below analysis and are given
/// the search as a function (`ExactMissingFacts`); these initialisers give it.
extension MissingFacts {
    /// `exact(program:facts:decision:tables:)` as the evaluators take it, with `program`'s
    /// tables worked out once (`Tables`).
    package static func search(for program: Program) -> (exact: ExactMissingFacts, tables: Tables) {
        let tables = Tables(program)
        return (
            { program, facts, decision in
                MissingFacts.exact(program: program, facts: facts, decision: decision, tables: tables)
            }, tables
        )
    }
}

extension ReferenceEvaluator {
    /// The reference evaluator of `program`, naming exact missing facts.
    public init(program: Program) {
        self.init(program: program, exactMissing: MissingFacts.search(for: program).exact)
    }
}

extension CompiledRuleSet {
    /// Lowers `program` for the machine, which then names exact missing facts.
    public convenience init(_ program: Program) {
        let search = MissingFacts.search(for: program)
        self.init(program, exactMissing: search.exact, freeFacts: search.tables.freeFacts)
    }
}

extension MachineEvaluator {
    /// The machine's evaluator of `program`, compiled on the spot: for one-off evaluations.
    /// Code that runs the machine on many cases compiles the rule set once and shares it.
    public init(program: Program) {
        self.init(CompiledRuleSet(program))
    }
}

extension TestRunner {
    /// Runs `program`'s tests with the reference evaluator.
    public init(program: Program) {
        self.init(evaluator: ReferenceEvaluator(program: program))
    }
}
