import RuleValues

/// The syntax tree of one rule file, as written: names are not yet resolved and types not yet
/// known. Value types throughout, so a parsed file can be shared, compared and printed back.
public struct RuleFile: Sendable, Equatable {
    /// `ruleset …` and what follows it; nil for a file that only declares (no header).
    public var header: RulesetHeader?
    /// The file's declarations in written order, which the printer and formatter keep.
    public var declarations: [Declaration]
    /// Wraps a parsed header and declarations as one file.
    public init(header: RulesetHeader?, declarations: [Declaration]) {
        self.header = header
        self.declarations = declarations
    }
}

/// A name as written, possibly dotted (`exceptional_admission.date`), with where it was written.
public struct Name: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The name exactly as written, dots included.
    public var text: String
    /// Where the name was written, so diagnostics can point at it.
    public var range: SourceRange
    /// Makes a name from its text and where it was written.
    public init(_ text: String, _ range: SourceRange) {
        self.text = text
        self.range = range
    }
    /// The written text, so a name prints as in the rule file.
    public var description: String { text }
}

/// `ruleset groningen extends national`, with its title, source and period in force.
public struct RulesetHeader: Sendable, Equatable {
    /// The rule set's own name (`groningen`).
    public var name: Name
    /// The rule set it extends (`national`); nil for a national file.
    public var base: Name?
    /// `title "…"`: what the rule set is called in reports.
    public var title: String?
    /// `source "…"`: the policy document the rule set encodes; never translated.
    public var source: String?
    /// The period the rule set is in force, judged against the reference date.
    public var validity: Validity
    /// `language nl`: the language the file's texts are written in; a pilot inherits its base's.
    public var language: Name? = nil
    /// The title in other languages, by language code.
    public var titleTranslations: Translations = [:]
}

/// A period in force, both ends inclusive; either end may be open.
public struct Validity: Sendable, Equatable {
    /// First day in force; nil means in force since always.
    public var from: CivilDate?
    /// Last day in force; nil means in force until further notice.
    public var until: CivilDate?
    /// A period from `from` to `until`, both inclusive; leave an end out to keep it open.
    public init(from: CivilDate? = nil, until: CivilDate? = nil) {
        self.from = from
        self.until = until
    }
    /// True when neither end is set, so the validity need not be printed or checked.
    public var isAlways: Bool { from == nil && until == nil }
    /// Whether the period covers a date (a case's reference date), ends included.
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
    /// Which vocabulary a declaration fills: reasons, referrals or actions.
    public enum Kind: String, Sendable, CaseIterable {
        case reasons, referrals, actions
    }
    /// Which vocabulary the words belong to.
    public var kind: Kind
    /// The words, in written order; rules may name only these.
    public var words: [Name]
    /// Where the declaration was written, for diagnostics.
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
    /// The fact's name, as rules and cases refer to it.
    public var name: Name
    /// The value the fact holds in a case.
    public var type: TypeExpression
    /// Absent means a known `none` (an event that did not happen), not unknown.
    public var isOptional: Bool
    /// A case without it is bad input.
    public var isRequired: Bool
    /// The day decisions are taken for; validity periods are judged against it.
    public var isReference: Bool
    /// `whole`: a number fact must be an integer.
    public var isWhole: Bool
    /// Part of the case format; the rules need not read it (no "never used" warning).
    public var isRecorded: Bool
    /// The person cannot change it (a birth date, a past decision): never proposed as a change.
    public var isFixed: Bool = false
    /// `at least n`: a case below it is bad input.
    public var atLeast: DecimalNumber?
    /// `at most n`: a case above it is bad input.
    public var atMost: DecimalNumber?
    /// A text fact's form (`format "AA"`).
    public var format: TextFormat? = nil
    /// `title "…"`: how reports and explanations name the fact.
    public var title: String?
    /// Where the declaration was written, for diagnostics.
    public var range: SourceRange
    /// The title in other languages, by language code.
    public var titleTranslations: Translations = [:]
    /// `ask "…"`: the question a case worker asks to learn the fact.
    public var question: PolicyText? = nil
    /// `option coa "…"`: how an answer of a `one of` fact reads, by value.
    public var optionTexts: [String: PolicyText] = [:]
}

/// `const EU = {…}` or `let age = years_between(birth_date, reference_date)`.
public struct ValueDeclaration: Sendable, Equatable {
    /// The constant's or derived value's name, as rules refer to it.
    public var name: Name
    /// The expression that gives the value.
    public var value: Expression
    /// `title "…"`: how explanations name the value.
    public var title: String?
    /// Where the declaration was written, for diagnostics.
    public var range: SourceRange
    /// The title in other languages, by language code.
    public var titleTranslations: Translations = [:]
}

/// A question the rules answer (`intake`, `review`), its possible outcomes, the stages in which
/// rules decide (first stage that certainly holds wins), and the outcome when none holds.
public struct DecisionDeclaration: Sendable, Equatable {
    /// The decision's name (`intake`), as tests and invariants refer to it.
    public var name: Name
    /// `title "…"`: how reports name the decision.
    public var title: String?
    /// `when …`: when the decision is taken at all; nil means always.
    public var condition: Expression?
    /// The outcomes the decision may give, in written order.
    public var outcomes: [Name]
    /// The stages in which rules decide, in the order they are tried.
    public var stages: [StageDeclaration]
    /// The outcome when no stage's rule holds; nil if one always must.
    public var otherwise: Name?
    /// The reason given with the `otherwise` outcome, if any.
    public var otherwiseReason: Name?
    /// Where the declaration was written, for diagnostics.
    public var range: SourceRange
    /// The title in other languages, by language code.
    public var titleTranslations: Translations = [:]
    /// `outcome admit "…"`: the sentence that tells a person an outcome, by outcome.
    public var outcomeTexts: [String: PolicyText] = [:]
    /// `closing "…"`: the last word of an explanation (who takes the decision).
    public var closing: PolicyText? = nil
}

/// `stage identification gives refer, overriding unknowns [before x | after y]`.
public struct StageDeclaration: Sendable, Equatable {
    /// Where an extension puts a stage among the decision's existing ones.
    public enum Placement: Sendable, Equatable {
        case end
        case before(Name)
        case after(Name)
    }
    /// The stage's name, unique within its decision.
    public var name: Name
    /// The outcome a rule in this stage gives when it holds.
    public var outcome: Name
    /// A certain hit in this stage decides even while earlier stages are unknown.
    public var overridesUnknowns: Bool
    /// Where the stage goes: at the end, or before or after a named stage.
    public var placement: Placement
    /// Where the declaration was written, for diagnostics.
    public var range: SourceRange
}

/// `extend decision review` with new stages: how a pilot adds a step to a national question.
public struct DecisionExtension: Sendable, Equatable {
    /// The decision whose stages are extended.
    public var decision: Name
    /// The new stages, each with where it goes.
    public var stages: [StageDeclaration]
    /// Where the declaration was written, for diagnostics.
    public var range: SourceRange
}

/// A rule or an exception, new or overriding one of the base file.
public struct RuleDeclaration: Sendable, Equatable {
    /// Whether the declaration is a rule or an exception that lifts rules.
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
    /// The rule's identifier, unique in the rule set; overrides and disables refer to it.
    public var id: Name
    /// Whether this is a rule or an exception.
    public var role: Role
    /// `override`: replaces the base file's rule of the same id.
    public var isOverride: Bool
    /// `title "…"`: how explanations name the rule.
    public var title: String?
    /// `source "…"`: the article of policy the rule encodes; never translated.
    public var source: String?
    /// `kind …`: a group of rules an exception can lift at once.
    public var kind: Name?
    /// Where the rule acts; nil for an exception, which only lifts.
    public var placement: Placement?
    /// `when …`: when the rule holds; nil means always.
    public var condition: Expression?
    /// The reason the rule gives when it decides; a vocabulary word.
    public var reason: Name?
    /// Referrals the rule adds; vocabulary words.
    public var referrals: [Name]
    /// Actions the rule adds; vocabulary words.
    public var actions: [Name]
    /// The period the rule is in force, judged against the reference date.
    public var validity: Validity
    /// `deviation "…"`: why a pilot's rule departs from national policy, for reports.
    public var deviation: String?
    /// What an exception lifts; empty for a rule.
    public var lifts: [LiftTarget]
    /// Where the declaration was written, for diagnostics.
    public var range: SourceRange
    /// The title in other languages, by language code.
    public var titleTranslations: Translations = [:]
}

/// `disable rule x because "…"`: a pilot switching a national rule off, visibly.
public struct DisableDeclaration: Sendable, Equatable {
    /// The id of the base file's rule or exception switched off.
    public var id: Name
    /// Whether a rule or an exception is switched off.
    public var role: RuleDeclaration.Role
    /// Why the pilot switches it off; shown in reports.
    public var because: String
    /// Where the declaration was written, for diagnostics.
    public var range: SourceRange
}

/// A fact given a value in an example or test; `unknown` removes a value given by a base.
public struct FactAssignment: Sendable, Equatable {
    /// The fact that is given a value.
    public var fact: Name
    /// The value as written; `unknown` removes one a base gave.
    public var value: Expression
}

/// A named set of facts that tests start from (`given adult, entry_ban_years = 10`).
public struct ExampleDeclaration: Sendable, Equatable {
    /// The example's name, as tests and other examples refer to it.
    public var name: Name
    /// Examples whose facts this one starts from, in order; later ones win.
    public var bases: [Name]
    /// The facts this example sets on top of its bases.
    public var assignments: [FactAssignment]
    /// Where the declaration was written, for diagnostics.
    public var range: SourceRange
}

/// What a test expects of one decision.
public struct Expectation: Sendable, Equatable {
    /// The decision the expectation is about.
    public var decision: Name
    /// The outcome the test expects.
    public var outcome: Name
    /// The reasons expected, if the test says; nil means not checked.
    public var reasons: [Name]?
    /// The referrals expected, if the test says; nil means not checked.
    public var referrals: [Name]?
    /// The actions expected, if the test says; nil means not checked.
    public var actions: [Name]?
    /// The facts expected to be missing, if the test says; nil means not checked.
    public var missing: [Name]?
    /// `exceptional true|false`: whether the default outcome is expected while an exception lifted a rule.
    /// nil means not checked.
    public var exceptional: Bool?
    /// Where the expectation was written, for diagnostics.
    public var range: SourceRange
}

/// A test case written in the rule file: given facts, expected outcomes.
public struct TestDeclaration: Sendable, Equatable {
    /// The test's title, as reports and failures name it.
    public var title: String
    /// Examples the test's facts start from.
    public var bases: [Name]
    /// The facts the test sets on top of its bases.
    public var assignments: [FactAssignment]
    /// What the test expects, one decision at a time.
    public var expectations: [Expectation]
    /// Invariants this case is known to violate (a deviation encoded as practised).
    public var violates: [Name]
    /// Where the declaration was written, for diagnostics.
    public var range: SourceRange
}

/// A statement that must hold for every possible case (`never intake = admit and minor`).
public struct InvariantDeclaration: Sendable, Equatable {
    /// The invariant's identifier, as proofs and counterexamples name it.
    public var id: Name
    /// `title "…"`: how reports name the invariant.
    public var title: String?
    /// `source "…"`: the policy the invariant guards; never translated.
    public var source: String?
    /// `never` invariants are stored negated: the expression must always hold.
    public var isNever: Bool
    /// What must hold for every case (already negated for `never`).
    public var expression: Expression
    /// Where the declaration was written, for diagnostics.
    public var range: SourceRange
    /// The title in other languages, by language code.
    public var titleTranslations: Translations = [:]
}

/// Who checks which facts at intake (`responsible "INLIA" for v_number, nationality`).
public struct ResponsibilityDeclaration: Sendable, Equatable {
    /// The party that checks the facts (`"INLIA"`).
    public var party: String
    /// Empty means "every other fact".
    public var facts: [Name]
    /// `source "…"`: the agreement that assigns the responsibility; never translated.
    public var source: String?
    /// Where the declaration was written, for diagnostics.
    public var range: SourceRange
    /// The party's name in other languages, by language code.
    public var partyTranslations: Translations = [:]
}

/// A text's forms in other languages than the rule set's own, by language code (`en`).
public typealias Translations = [String: String]

/// A policy text as written (`"Dutch" en "English"`): the text in the rule set's language and its
/// translations. Policy staff write both; a citation (`source`) is never translated.
public struct PolicyText: Sendable, Equatable {
    /// The text in the rule set's own language.
    public var text: String
    /// The text in other languages, by language code.
    public var translations: Translations
    /// Where the text was written, for diagnostics.
    public var range: SourceRange
    /// Makes a policy text; translations are optional.
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

    /// Where the whole expression was written, so diagnostics can point at it.
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

/// The binary operators of the rule language; the raw value is how each is written.
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
