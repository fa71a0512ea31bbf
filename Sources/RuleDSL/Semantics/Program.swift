import RuleSyntax
import RuleValues

/// A checked rule set, compiled for evaluation: names resolved to slots, constants folded into
/// sets, stages ordered. The evaluator never looks at syntax or looks a name up. The machine's
/// lowered form of it is built apart, by the machine layer (`CompiledRuleSet`).
public final class Program: Sendable {
    /// The rule files it was built from, base first (national, then the pilot).
    public let files: [SourceFile]
    /// The rule set's name (`groningen`).
    public let name: String
    /// The top file's `title "…"`, for reports and verdicts.
    public let title: String?
    /// SHA-256 of the files' bytes concatenated in order: `cat national.rules groningen.rules | sha256sum`.
    public let sha256: String
    /// The words each vocabulary allows, base's and pilot's together.
    public let vocabulary: [VocabularyDeclaration.Kind: [String]]
    /// Every fact, by slot: the shape a case must have.
    public let facts: [FactInfo]
    /// Each fact's slot by name, for reading cases and resolving names.
    public let factSlots: [String: Int]
    /// Every derived value (`let`), by index; compiled expressions read them by that index.
    public let derived: [DerivedInfo]
    /// Every decision, in declaration order; expressions refer to them by index.
    public let decisions: [DecisionInfo]
    /// Every rule after composition (a pilot's overrides replacing the base's), by index.
    public let rules: [RuleInfo]
    /// Every exception after composition, by index; rules list those that lift them.
    public let exceptions: [ExceptionInfo]
    /// Every invariant, for tests to check and the prover to prove.
    public let invariants: [InvariantInfo]
    /// The top file's test cases, compiled, in file order.
    public let tests: [TestInfo]
    /// Who checks which facts at intake, so a verdict can say whom to ask for a fact.
    public let responsibilities: [ResponsibilityInfo]
    /// Rules and exceptions a pilot switched off, kept so reports can show why.
    public let disabled: [DisabledInfo]
    /// The fact validity periods are judged against (`reference_date`), if declared.
    public let referenceFact: Int?
    /// The `example`s of the files, the pilot's own first, then by position: complete cases the
    /// authors wrote, from which counterexamples take their ordinary values (`Counterexample`).
    public let examples: [ExampleInfo]
    /// Every policy text in every language it was written in (titles, questions, outcomes, …).
    public let texts: RuleTexts

    /// A class, so the evaluator shares one program per case instead of copying its arrays.
    public init(
        files: [SourceFile], name: String, title: String?, sha256: String,
        vocabulary: [VocabularyDeclaration.Kind: [String]], facts: [FactInfo], factSlots: [String: Int],
        derived: [DerivedInfo], decisions: [DecisionInfo], rules: [RuleInfo], exceptions: [ExceptionInfo],
        invariants: [InvariantInfo], tests: [TestInfo], responsibilities: [ResponsibilityInfo],
        disabled: [DisabledInfo], referenceFact: Int?, examples: [ExampleInfo] = [], texts: RuleTexts = RuleTexts()
    ) {
        self.texts = texts
        self.files = files
        self.name = name
        self.title = title
        self.sha256 = sha256
        self.vocabulary = vocabulary
        self.facts = facts
        self.factSlots = factSlots
        self.derived = derived
        self.decisions = decisions
        self.rules = rules
        self.exceptions = exceptions
        self.invariants = invariants
        self.tests = tests
        self.responsibilities = responsibilities
        self.disabled = disabled
        self.referenceFact = referenceFact
        self.examples = examples
    }

    /// The index of the decision called `name`, as expressions and results refer to it; nil if none.
    public func decisionIndex(named name: String) -> Int? {
        decisions.firstIndex { $0.name == name }
    }
}

/// Where a declaration came from, so readers see what a pilot changed.
public enum Origin: Sendable, Equatable {
    /// Declared in the base file and kept as is.
    case inherited(file: Int)
    /// Declared in this file (or in a base file when the file stands alone).
    case declared(file: Int)
    /// Declared in the base and replaced here.
    case overridden(file: Int, baseFile: Int)

    /// The file the declaration stands in now (the overriding file for an override).
    public var file: Int {
        switch self {
        case .inherited(let file), .declared(let file), .overridden(let file, _): return file
        }
    }
}

/// A fact, checked: its type and the bounds a case's value must keep.
public struct FactInfo: Sendable {
    /// The fact's name as cases and rules write it (`a.b` for a group's field).
    public let name: String
    /// The type of value the fact holds.
    public let type: ValueType
    /// Absent means a known `none`, not unknown.
    public let isOptional: Bool
    /// A case without it is bad input.
    public let isRequired: Bool
    /// A number fact must be an integer.
    public let isWhole: Bool
    /// A case's value below it is bad input.
    public let atLeast: DecimalNumber?
    /// A case's value above it is bad input.
    public let atMost: DecimalNumber?
    /// How reports and explanations name the fact.
    public let title: String?
    /// Where the fact was declared, for diagnostics.
    public let range: SourceRange
    /// A text fact's form: a case's value must match it (`format "AA"`).
    public var format: TextFormat? = nil
    /// A fact the checker adds for a group of optional facts (`exceptional_admission`): true when
    /// the group was given (even with every field unknown), false when absent. Never unknown.
    public var isGroupPresence: Bool = false
    /// The person cannot change it (`fixed`): a contrastive explanation never proposes it.
    public var isFixed: Bool = false
    /// For `a.b`: the group `a` it belongs to.
    public var group: String? {
        guard let dot = name.firstIndex(of: ".") else { return nil }
        return String(name[..<dot])
    }
}

/// A derived value (`let`), checked: its type and the expression that computes it.
public struct DerivedInfo: Sendable {
    /// The value's name as rules refer to it.
    public let name: String
    /// The type the expression was checked to give.
    public let type: ValueType
    /// What the evaluator runs to compute it from facts and earlier derived values.
    public let expression: CompiledExpression
    /// How explanations name the value.
    public let title: String?
    /// Where the value was declared, for diagnostics.
    public let range: SourceRange
}

/// A stage of a decision, placed: the outcome it gives and the rules that decide in it.
public struct StageInfo: Sendable {
    /// The stage's name, unique within its decision.
    public let name: String
    /// The outcome a certain hit in this stage gives.
    public let outcome: String
    /// A certain hit in this stage decides even while earlier stages are unknown.
    public let overridesUnknowns: Bool
    /// Rules deciding in this stage, sorted by id so file order never matters.
    public var rules: [Int]
    /// Where the stage was declared, for diagnostics.
    public let range: SourceRange
}

/// A decision, checked: its stages in order and the outcome when none holds.
public struct DecisionInfo: Sendable {
    /// The decision's name as tests, invariants and verdicts refer to it.
    public let name: String
    /// How reports name the decision.
    public let title: String?
    /// When the decision is taken at all; nil means always.
    public let condition: CompiledExpression?
    /// The outcomes the decision may give.
    public let outcomes: [String]
    /// The stages in the order they are tried, extensions placed.
    public var stages: [StageInfo]
    /// The outcome when no stage's rule holds; nil if one always must.
    public let otherwise: String?
    /// The reason given with the `otherwise` outcome, if any.
    public let otherwiseReason: String?
    /// Rules evaluated after the decision, adding reasons and actions.
    public var afterRules: [Int]
    /// Where the decision was declared, for diagnostics.
    public let range: SourceRange
}

/// Where a referral goes: a fixed place, or the value of a fact (`refer reception_entitlement`).
public enum ReferralTarget: Sendable, Equatable {
    /// Refer to a place named in the rule file.
    case fixed(String)
    /// Refer to wherever the fact at this slot says.
    case fact(Int)
}

/// A rule in force, resolved: where it decides, when, and what it gives.
public struct RuleInfo: Sendable {
    /// The rule's identifier, as traces and verdicts cite it.
    public let id: String
    /// How explanations name the rule.
    public let title: String?
    /// The article of policy the rule encodes, cited in verdicts.
    public let source: String?
    /// The kind exceptions can lift it by, if any.
    public let kind: String?
    /// The index of the decision the rule acts in.
    public let decision: Int
    /// nil for a rule evaluated after the decision.
    public let stage: Int?
    /// When the rule holds.
    public let condition: CompiledExpression
    /// The reason the rule gives when it holds.
    public let reason: String?
    /// Referrals the rule adds when it holds.
    public let referrals: [ReferralTarget]
    /// Actions the rule adds when it holds.
    public let actions: [String]
    /// The period the rule is in force, judged against the reference date.
    public let validity: Validity
    /// Why a pilot's rule departs from national policy, for reports.
    public let deviation: String?
    /// Exceptions that lift this rule.
    public var liftedBy: [Int]
    /// Whether the rule is inherited, the file's own, or an override.
    public let origin: Origin
    /// Where the rule was declared, for diagnostics.
    public let range: SourceRange
    /// The declaration as written, for printing and diffs.
    public let declaration: RuleDeclaration
}

/// An exception in force, resolved: when it holds and which rules it lifts.
public struct ExceptionInfo: Sendable {
    /// The exception's identifier, as traces and verdicts cite it.
    public let id: String
    /// How explanations name the exception.
    public let title: String?
    /// The article of policy the exception encodes, cited in verdicts.
    public let source: String?
    /// When the exception holds.
    public let condition: CompiledExpression
    /// The reason the exception gives when it holds, if any.
    public let reason: String?
    /// The indexes of the rules it lifts (a kind already expanded to its rules).
    public let lifts: [Int]
    /// The period the exception is in force, judged against the reference date.
    public let validity: Validity
    /// Whether the exception is inherited, the file's own, or an override.
    public let origin: Origin
    /// Where the exception was declared, for diagnostics.
    public let range: SourceRange
    /// The declaration as written, for printing and diffs.
    public let declaration: RuleDeclaration
}

/// An invariant, compiled: what the tests check and the prover proves for every case.
public struct InvariantInfo: Sendable {
    /// The invariant's identifier, as proofs and counterexamples name it.
    public let id: String
    /// How reports name the invariant.
    public let title: String?
    /// The policy the invariant guards, cited in reports.
    public let source: String?
    /// Must be true for every case (a `never` invariant is stored negated).
    public let mustHold: CompiledExpression
    /// The declaration as written, for printing and diffs.
    public let declaration: InvariantDeclaration
    /// Whether the invariant is inherited, the file's own, or an override.
    public let origin: Origin
}

/// An `example` with its bases applied: facts by slot, as a test that gives only it would see them.
public struct ExampleInfo: Sendable {
    /// The example's name, as tests refer to it.
    public let name: String
    /// The file that declares it (0 = the base).
    public let file: Int
    /// The facts by slot; nil means unknown.
    public let facts: [Value?]
}

/// A test case, compiled: the facts it gives and what it expects.
public struct TestInfo: Sendable {
    /// The test's title, as reports and failures name it.
    public let title: String
    /// The facts by slot, bases applied; nil means unknown, as in a case.
    public let facts: [Value?]
    /// The file that declares it (0 = the base).
    public let file: Int
    /// What the test expects, one decision at a time, as written.
    public let expectations: [Expectation]
    /// Invariants this case is expected to violate (a deviation documented by a test).
    public let violates: [String]
    /// Where the test was declared, for diagnostics.
    public let range: SourceRange
}

/// Who checks which facts at intake, resolved to slots.
public struct ResponsibilityInfo: Sendable {
    /// The party that checks the facts (`"INLIA"`).
    public let party: String
    /// Empty means every other fact.
    public let facts: [Int]
    /// The agreement that assigns the responsibility, cited in reports.
    public let source: String?
}

/// A rule or exception a pilot switched off, kept for reports.
public struct DisabledInfo: Sendable {
    /// The id of the rule or exception switched off.
    public let id: String
    /// Why the pilot switched it off.
    public let because: String
    /// Where the `disable` was written, for diagnostics.
    public let range: SourceRange
    /// The `disable` declaration as written, for printing and diffs.
    public let declaration: RuleDeclaration
}

/// Built-in functions: on dates, and one on texts.
public enum Builtin: String, Sendable, CaseIterable {
    case yearsBetween = "years_between"
    case monthsBetween = "months_between"
    case daysBetween = "days_between"
    case addDays = "add_days"
    case addMonths = "add_months"
    case addYears = "add_years"
    /// Whether a text is absent, empty or only white space (`TextBlank`).
    case isBlank = "is_blank"
}

/// A comparison between two values; the raw value is how it is written.
public enum ComparisonOperator: String, Sendable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}

/// Arithmetic on numbers; the raw value is how it is written.
public enum ArithmeticOperator: String, Sendable {
    case plus = "+"
    case minus = "-"
    case times = "*"
}

/// An expression with every name resolved: what the evaluator runs.
public indirect enum CompiledExpression: Sendable, Equatable {
    case constant(Value)
    case fact(Int)
    case derived(Int)
    case decision(Int)
    case not(CompiledExpression)
    case and(CompiledExpression, CompiledExpression)
    case or(CompiledExpression, CompiledExpression)
    case compare(ComparisonOperator, CompiledExpression, CompiledExpression)
    case member(CompiledExpression, Set<Value>, negated: Bool)
    case presence(CompiledExpression, isPresent: Bool)
    case conditional(CompiledExpression, CompiledExpression, CompiledExpression)
    case call(Builtin, [CompiledExpression])
    case arithmetic(ArithmeticOperator, CompiledExpression, CompiledExpression)
    case negate(CompiledExpression)
    /// `only_because(d, {codes})`, read by a rule placed after decision `d` only: true when `d`'s
    /// outcome is certain, it has reasons, and every reason it has or may still have (a rule of
    /// its deciding stages left open by unknown facts) is one of `codes`; false when a certain
    /// reason is not one of them (or there is none); unknown otherwise.
    case onlyBecause(decision: Int, codes: Set<String>)

    /// Whether evaluating it reads no fact, derived value or decision (so it can be folded).
    public var isConstant: Bool {
        switch self {
        case .constant: return true
        case .fact, .derived, .decision, .onlyBecause: return false
        case .not(let e), .negate(let e), .presence(let e, _), .member(let e, _, _): return e.isConstant
        case .and(let a, let b), .or(let a, let b), .compare(_, let a, let b), .arithmetic(_, let a, let b):
            return a.isConstant && b.isConstant
        case .conditional(let a, let b, let c): return a.isConstant && b.isConstant && c.isConstant
        case .call(_, let args): return args.allSatisfy(\.isConstant)
        }
    }
}
