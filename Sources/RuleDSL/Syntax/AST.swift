import RuleValues

/// The syntax tree of one rule file, as written: names are not yet resolved and types not yet
/// known. Value types throughout, so a parsed file can be shared, compared and printed back.
public struct RuleFile: Sendable, Equatable {
    public var header: RulesetHeader?
    public var declarations: [Declaration]
    public init(header: RulesetHeader?, declarations: [Declaration]) {
        self.header = header
        self.declarations = declarations
    }
}

/// A name as written, possibly dotted (`exceptional_admission.date`), with where it was written.
public struct Name: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var text: String
    public var range: SourceRange
    public init(_ text: String, _ range: SourceRange) {
        self.text = text
        self.range = range
    }
    public var description: String { text }
}

/// `ruleset groningen extends national`, with its title, source and period in force.
public struct RulesetHeader: Sendable, Equatable {
    public var name: Name
    public var base: Name?
    public var title: String?
    public var source: String?
    public var validity: Validity
    /// `language nl`: the language the file's texts are written in; a pilot inherits its base's.
    public var language: Name? = nil
    public var titleTranslations: Translations = [:]
}

/// A period in force, both ends inclusive; either end may be open.
public struct Validity: Sendable, Equatable {
    public var from: CivilDate?
    public var until: CivilDate?
    public init(from: CivilDate? = nil, until: CivilDate? = nil) {
        self.from = from
        self.until = until
    }
    public var isAlways: Bool { from == nil && until == nil }
    public func contains(_ date: CivilDate) -> Bool {
        if let from, date < from { return false }
        if let until, date > until { return false }
        return true
    }
}

/// One top-level declaration. Each starts with its own keyword, which is where the parser
/// resumes after an error.
public enum Declaration: Sendable, Equatable {
    case vocabulary(VocabularyDeclaration)
    case fact(FactDeclaration)
    case constant(ValueDeclaration)
    case derived(ValueDeclaration)
    case decision(DecisionDeclaration)
    case extendDecision(DecisionExtension)
    case rule(RuleDeclaration)
    case disable(DisableDeclaration)
    case example(ExampleDeclaration)
    case test(TestDeclaration)
    case invariant(InvariantDeclaration)
    case responsibility(ResponsibilityDeclaration)
}

/// `vocabulary reasons a, b, c`: the fixed words verdicts may use.
public struct VocabularyDeclaration: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case reasons, referrals, actions
    }
    public var kind: Kind
    public var words: [Name]
    public var range: SourceRange
    /// What a word means to a reader (`coa "COA-opvang" en "COA reception"`), by word.
    public var texts: [String: PolicyText] = [:]
}

/// The type of a fact as written.
public indirect enum TypeExpression: Sendable, Equatable {
    case bool
    case number
    case text
    case date
    case oneOf([Name])
}

/// `fact entry_ban_years: number, whole, at least 0 title "…"`.
public struct FactDeclaration: Sendable, Equatable {
    public var name: Name
    public var type: TypeExpression
    /// Absent means a known `none` (an event that did not happen), not unknown.
    public var isOptional: Bool
    /// A case without it is bad input.
    public var isRequired: Bool
    /// The day decisions are taken for; validity periods are judged against it.
    public var isReference: Bool
    public var isWhole: Bool
    /// Part of the case format; the rules need not read it (no "never used" warning).
    public var isRecorded: Bool
    /// The person cannot change it (a birth date, a past decision): never proposed as a change.
    public var isFixed: Bool = false
    public var atLeast: DecimalNumber?
    public var atMost: DecimalNumber?
    /// A text fact's form (`format "AA"`).
    public var format: TextFormat? = nil
    public var title: String?
    public var range: SourceRange
    public var titleTranslations: Translations = [:]
    /// `ask "…"`: the question a case worker asks to learn the fact.
    public var question: PolicyText? = nil
    /// `option coa "…"`: how an answer of a `one of` fact reads, by value.
    public var optionTexts: [String: PolicyText] = [:]
}

/// `const EU = {…}` or `let age = years_between(birth_date, reference_date)`.
public struct ValueDeclaration: Sendable, Equatable {
    public var name: Name
    public var value: Expression
    public var title: String?
    public var range: SourceRange
    public var titleTranslations: Translations = [:]
}

/// A question the rules answer (`intake`, `review`), its possible outcomes, the stages in which
/// rules decide (first stage that certainly holds wins), and the outcome when none holds.
public struct DecisionDeclaration: Sendable, Equatable {
    public var name: Name
    public var title: String?
    public var condition: Expression?
    public var outcomes: [Name]
    public var stages: [StageDeclaration]
    public var otherwise: Name?
    public var otherwiseReason: Name?
    public var range: SourceRange
    public var titleTranslations: Translations = [:]
    /// `outcome admit "…"`: the sentence that tells a person an outcome, by outcome.
    public var outcomeTexts: [String: PolicyText] = [:]
    /// `closing "…"`: the last word of an explanation (who takes the decision).
    public var closing: PolicyText? = nil
}

/// `stage identification gives refer, overriding unknowns [before x | after y]`.
public struct StageDeclaration: Sendable, Equatable {
    public enum Placement: Sendable, Equatable {
        case end
        case before(Name)
        case after(Name)
    }
    public var name: Name
    public var outcome: Name
    /// A certain hit in this stage decides even while earlier stages are unknown.
    public var overridesUnknowns: Bool
    public var placement: Placement
    public var range: SourceRange
}

/// `extend decision review` with new stages: how a pilot adds a step to a national question.
public struct DecisionExtension: Sendable, Equatable {
    public var decision: Name
    public var stages: [StageDeclaration]
    public var range: SourceRange
}

/// A rule or an exception, new or overriding one of the base file.
public struct RuleDeclaration: Sendable, Equatable {
    public enum Role: String, Sendable {
        case rule
        case exception
    }
    /// Where a rule acts: deciding in a stage, or after the decision (adding reasons and actions).
    public enum Placement: Sendable, Equatable {
        case stage(decision: Name, stage: Name)
        case after(decision: Name)
    }
    /// What an exception lifts: one rule, or every rule of a kind.
    public enum LiftTarget: Sendable, Equatable {
        case rule(Name)
        case kind(Name)
    }
    public var id: Name
    public var role: Role
    public var isOverride: Bool
    public var title: String?
    public var source: String?
    public var kind: Name?
    public var placement: Placement?
    public var condition: Expression?
    public var reason: Name?
    public var referrals: [Name]
    public var actions: [Name]
    public var validity: Validity
    public var deviation: String?
    public var lifts: [LiftTarget]
    public var range: SourceRange
    public var titleTranslations: Translations = [:]
}

/// `disable rule x because "…"`: a pilot switching a national rule off, visibly.
public struct DisableDeclaration: Sendable, Equatable {
    public var id: Name
    public var role: RuleDeclaration.Role
    public var because: String
    public var range: SourceRange
}

/// A fact given a value in an example or test; `unknown` removes a value given by a base.
public struct FactAssignment: Sendable, Equatable {
    public var fact: Name
    public var value: Expression
}

/// A named set of facts that tests start from (`given adult, entry_ban_years = 10`).
public struct ExampleDeclaration: Sendable, Equatable {
    public var name: Name
    public var bases: [Name]
    public var assignments: [FactAssignment]
    public var range: SourceRange
}

/// What a test expects of one decision.
public struct Expectation: Sendable, Equatable {
    public var decision: Name
    public var outcome: Name
    public var reasons: [Name]?
    public var referrals: [Name]?
    public var actions: [Name]?
    public var missing: [Name]?
    public var exceptional: Bool?
    public var range: SourceRange
}

/// A test case written in the rule file: given facts, expected outcomes.
public struct TestDeclaration: Sendable, Equatable {
    public var title: String
    public var bases: [Name]
    public var assignments: [FactAssignment]
    public var expectations: [Expectation]
    /// Invariants this case is known to violate (a deviation encoded as practised).
    public var violates: [Name]
    public var range: SourceRange
}

/// A statement that must hold for every possible case (`never intake = admit and minor`).
public struct InvariantDeclaration: Sendable, Equatable {
    public var id: Name
    public var title: String?
    public var source: String?
    /// `never` invariants are stored negated: the expression must always hold.
    public var isNever: Bool
    public var expression: Expression
    public var range: SourceRange
    public var titleTranslations: Translations = [:]
}

/// Who checks which facts at intake (`responsible "INLIA" for v_number, nationality`).
public struct ResponsibilityDeclaration: Sendable, Equatable {
    public var party: String
    /// Empty means "every other fact".
    public var facts: [Name]
    public var source: String?
    public var range: SourceRange
    public var partyTranslations: Translations = [:]
}

/// A text's forms in other languages than the rule set's own, by language code (`en`).
public typealias Translations = [String: String]

/// A policy text as written (`"Dutch" en "English"`): the text in the rule set's language and its
/// translations. Policy staff write both; a citation (`source`) is never translated.
public struct PolicyText: Sendable, Equatable {
    public var text: String
    public var translations: Translations
    public var range: SourceRange
    public init(text: String, translations: Translations = [:], range: SourceRange) {
        self.text = text
        self.translations = translations
        self.range = range
    }
}

/// An expression as written.
public indirect enum Expression: Sendable, Equatable {
    case name(Name)
    case number(DecimalNumber, SourceRange)
    case text(String, SourceRange)
    case date(CivilDate, SourceRange)
    case bool(Bool, SourceRange)
    case none(SourceRange)
    case unknown(SourceRange)
    case set([Expression], SourceRange)
    case call(Name, [Expression], SourceRange)
    case not(Expression, SourceRange)
    case negate(Expression, SourceRange)
    case binary(BinaryOperator, Expression, Expression, SourceRange)
    case presence(Expression, isPresent: Bool, SourceRange)
    case conditional(Expression, Expression, Expression, SourceRange)

    public var range: SourceRange {
        switch self {
        case .name(let name): return name.range
        case .number(_, let r), .text(_, let r), .date(_, let r), .bool(_, let r), .none(let r),
            .unknown(let r), .set(_, let r), .call(_, _, let r), .not(_, let r), .negate(_, let r),
            .binary(_, _, _, let r), .presence(_, _, let r), .conditional(_, _, _, let r):
            return r
        }
    }
}

public enum BinaryOperator: String, Sendable, Equatable {
    case and, or
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case `in` = "in"
    case notIn = "not in"
    case plus = "+"
    case minus = "-"
    case times = "*"
}
