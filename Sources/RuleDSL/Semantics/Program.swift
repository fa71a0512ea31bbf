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
    public let title: String?
    /// SHA-256 of the files' bytes concatenated in order: `cat national.rules groningen.rules | sha256sum`.
    public let sha256: String
    public let vocabulary: [VocabularyDeclaration.Kind: [String]]
    public let facts: [FactInfo]
    public let factSlots: [String: Int]
    public let derived: [DerivedInfo]
    public let decisions: [DecisionInfo]
    public let rules: [RuleInfo]
    public let exceptions: [ExceptionInfo]
    public let invariants: [InvariantInfo]
    public let tests: [TestInfo]
    public let responsibilities: [ResponsibilityInfo]
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

    public var file: Int {
        switch self {
        case .inherited(let file), .declared(let file), .overridden(let file, _): return file
        }
    }
}

public struct FactInfo: Sendable {
    public let name: String
    public let type: ValueType
    public let isOptional: Bool
    public let isRequired: Bool
    public let isWhole: Bool
    public let atLeast: DecimalNumber?
    public let atMost: DecimalNumber?
    public let title: String?
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

public struct DerivedInfo: Sendable {
    public let name: String
    public let type: ValueType
    public let expression: CompiledExpression
    public let title: String?
    public let range: SourceRange
}

public struct StageInfo: Sendable {
    public let name: String
    public let outcome: String
    public let overridesUnknowns: Bool
    /// Rules deciding in this stage, sorted by id so file order never matters.
    public var rules: [Int]
    public let range: SourceRange
}

public struct DecisionInfo: Sendable {
    public let name: String
    public let title: String?
    public let condition: CompiledExpression?
    public let outcomes: [String]
    public var stages: [StageInfo]
    public let otherwise: String?
    public let otherwiseReason: String?
    /// Rules evaluated after the decision, adding reasons and actions.
    public var afterRules: [Int]
    public let range: SourceRange
}

/// Where a referral goes: a fixed place, or the value of a fact (`refer reception_entitlement`).
public enum ReferralTarget: Sendable, Equatable {
    case fixed(String)
    case fact(Int)
}

public struct RuleInfo: Sendable {
    public let id: String
    public let title: String?
    public let source: String?
    public let kind: String?
    public let decision: Int
    /// nil for a rule evaluated after the decision.
    public let stage: Int?
    public let condition: CompiledExpression
    public let reason: String?
    public let referrals: [ReferralTarget]
    public let actions: [String]
    public let validity: Validity
    public let deviation: String?
    /// Exceptions that lift this rule.
    public var liftedBy: [Int]
    public let origin: Origin
    public let range: SourceRange
    public let declaration: RuleDeclaration
}

public struct ExceptionInfo: Sendable {
    public let id: String
    public let title: String?
    public let source: String?
    public let condition: CompiledExpression
    public let reason: String?
    public let lifts: [Int]
    public let validity: Validity
    public let origin: Origin
    public let range: SourceRange
    public let declaration: RuleDeclaration
}

public struct InvariantInfo: Sendable {
    public let id: String
    public let title: String?
    public let source: String?
    /// Must be true for every case (a `never` invariant is stored negated).
    public let mustHold: CompiledExpression
    public let declaration: InvariantDeclaration
    public let origin: Origin
}

/// A test case, compiled: the facts it gives and what it expects.
/// An `example` with its bases applied: facts by slot, as a test that gives only it would see them.
public struct ExampleInfo: Sendable {
    public let name: String
    /// The file that declares it (0 = the base).
    public let file: Int
    public let facts: [Value?]
}

public struct TestInfo: Sendable {
    public let title: String
    public let facts: [Value?]
    /// Facts the test gives explicitly or through examples (a given `unknown` counts as given).
    public let file: Int
    public let expectations: [Expectation]
    /// Invariants this case is expected to violate (a deviation documented by a test).
    public let violates: [String]
    public let range: SourceRange
}

public struct ResponsibilityInfo: Sendable {
    public let party: String
    /// Empty means every other fact.
    public let facts: [Int]
    public let source: String?
}

public struct DisabledInfo: Sendable {
    public let id: String
    public let because: String
    public let range: SourceRange
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

public enum ComparisonOperator: String, Sendable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}

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
