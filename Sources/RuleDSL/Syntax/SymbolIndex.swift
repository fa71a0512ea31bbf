import RuleValues

/// Every name written in a chain of parsed rule files (base first), as a declaration or a use,
/// with what it names: the language knowledge an editor needs for go to definition, find
/// references, document symbols, hover and completion. Built from syntax alone, so it works on
/// files that do not check (a half-typed rule still has its names).
public struct SymbolIndex: Sendable {
    /// What a name stands for. Names live in separate spaces: a reason `minor` and a rule
    /// `minor` are different symbols.
    public enum Kind: String, Sendable, CaseIterable {
        case ruleset, fact, constant, derived, decision, outcome, stage, rule, exception, invariant, example
        case reason, referral, action
        case enumValue = "value"
        case ruleKind = "kind"
    }

    /// A symbol's identity: its kind and its name (a stage or outcome also by its decision).
    public struct Key: Sendable, Hashable {
        /// What the name stands for.
        public let kind: Kind
        /// The name as written (a stage or outcome also by its decision).
        public let name: String
        /// A key for `name` in the space of `kind`.
        public init(_ kind: Kind, _ name: String) {
            self.kind = kind
            self.name = name
        }
    }

    /// One place a name is written.
    public struct Occurrence: Sendable, Equatable {
        /// The symbol written there.
        public let key: Key
        /// Where the name is written, for go to definition and find references.
        public let range: SourceRange
        /// True where the symbol is declared, false where it is used.
        public let isDeclaration: Bool
        /// An `override rule` declaration: it also refers to the base's rule it replaces.
        public let isOverride: Bool
    }

    /// Every place a name is written, sorted by file and then by position.
    public private(set) var occurrences: [Occurrence] = []
    /// The parsed files, base first; `range.file` indexes this list.
    public let files: [RuleFile]

    /// Indexes `files`, base first, so a pilot's uses find the base's declarations.
    public init(files: [RuleFile]) {
        self.files = files
        var builder = Builder()
        for file in files { builder.collectDeclarations(file) }
        for file in files { builder.walk(file) }
        occurrences = builder.occurrences.sorted { ($0.range.file, $0.range.start) < ($1.range.file, $1.range.start) }
    }

    /// The name written at a byte offset of a file (the end of a name counts, as a cursor after it).
    public func occurrence(atFile file: Int, offset: Int) -> Occurrence? {
        occurrences.last { $0.range.file == file && $0.range.start <= offset && offset <= $0.range.end }
    }

    /// Where a symbol is declared, base first.
    public func declarations(of key: Key) -> [Occurrence] {
        occurrences.filter { $0.key == key && $0.isDeclaration }
    }

    /// Every place a symbol is written, declarations included.
    public func references(to key: Key) -> [Occurrence] {
        occurrences.filter { $0.key == key }
    }

    /// Where the symbol written at `occurrence` is defined. An `override rule` goes to what it
    /// overrides; any other name goes to its declarations (a pilot's override last).
    public func definitions(of occurrence: Occurrence) -> [Occurrence] {
        let all = declarations(of: occurrence.key)
        if occurrence.isOverride {
            return all.filter { $0.range.file < occurrence.range.file }
        }
        return all.filter { $0.range != occurrence.range }.isEmpty ? all : all.filter { $0.range != occurrence.range }
    }

    /// The names of every declared symbol of a kind, in order of first declaration, without repeats.
    public func names(of kind: Kind) -> [String] {
        var seen = Set<String>()
        return occurrences.filter { $0.isDeclaration && $0.key.kind == kind }
            .sorted { ($0.range.file, $0.range.start) < ($1.range.file, $1.range.start) }
            .compactMap { seen.insert($0.key.name).inserted ? $0.key.name : nil }
    }

    /// The type of a fact as declared, if it is declared.
    public func type(ofFact fact: String) -> TypeExpression? {
        for file in files.reversed() {
            for case .fact(let f) in file.declarations where f.name.text == fact { return f.type }
        }
        return nil
    }

    /// The values of an enumeration fact (`one of (…)`), empty for any other fact.
    public func enumValues(ofFact fact: String) -> [String] {
        if case .oneOf(let values)? = type(ofFact: fact) { return values.map(\.text) }
        return []
    }

    /// The outcomes of a decision.
    public func outcomes(ofDecision decision: String) -> [String] {
        for file in files {
            for case .decision(let d) in file.declarations where d.name.text == decision {
                return d.outcomes.map(\.text)
            }
        }
        return []
    }

    /// `decision.stage` for every stage, extensions included: what `stage` in a rule names.
    public func qualifiedStages() -> [String] {
        var result: [String] = []
        for file in files {
            for declaration in file.declarations {
                switch declaration {
                case .decision(let d): result += d.stages.map { "\(d.name.text).\($0.name.text)" }
                case .extendDecision(let e): result += e.stages.map { "\(e.decision.text).\($0.name.text)" }
                case .vocabulary, .fact, .constant, .derived, .rule, .disable, .example, .test, .invariant,
                    .responsibility:
                    break
                }
            }
        }
        return result
    }

    /// Collects occurrences; declarations first, so a use can be resolved to the right kind.
    private struct Builder {
        var occurrences: [Occurrence] = []
        /// Names declared as facts, constants, derived values or decisions (what an expression names).
        var values: [String: Kind] = [:]
        var outcomes = Set<String>()
        var enumValues = Set<String>()
        var referralWords = Set<String>()
        /// Optional groups (`exceptional_admission` of `exceptional_admission.date`).
        var groups = Set<String>()

        mutating func collectDeclarations(_ file: RuleFile) {
            for declaration in file.declarations {
                switch declaration {
                case .fact(let f):
                    values[f.name.text] = .fact
                    if let dot = f.name.text.firstIndex(of: ".") { groups.insert(String(f.name.text[..<dot])) }
                    if case .oneOf(let names) = f.type { enumValues.formUnion(names.map(\.text)) }
                case .constant(let c): values[c.name.text] = .constant
                case .derived(let d): values[d.name.text] = .derived
                case .decision(let d):
                    values[d.name.text] = .decision
                    outcomes.formUnion(d.outcomes.map(\.text))
                case .vocabulary(let v):
                    if v.kind == .referrals { referralWords.formUnion(v.words.map(\.text)) }
                case .extendDecision, .rule, .disable, .example, .test, .invariant, .responsibility:
                    break
                }
            }
        }

        mutating func add(_ kind: Kind, _ name: Name, declares: Bool = false, isOverride: Bool = false) {
            guard !name.text.isEmpty else { return }
            occurrences.append(
                Occurrence(
                    key: Key(kind, name.text), range: name.range, isDeclaration: declares,
                    isOverride: isOverride))
        }

        /// A stage named in a rule (`stage intake.exclusion`) or a decision: `intake.exclusion`.
        mutating func addStage(_ decision: String, _ stage: Name, declares: Bool = false) {
            add(.stage, Name("\(decision).\(stage.text)", stage.range), declares: declares)
        }

        mutating func walk(_ file: RuleFile) {
            if let header = file.header {
                add(.ruleset, header.name, declares: true)
                if let base = header.base { add(.ruleset, base) }
            }
            for declaration in file.declarations {
                switch declaration {
                case .vocabulary(let v):
                    let kind: Kind
                    switch v.kind {
                    case .reasons: kind = .reason
                    case .referrals: kind = .referral
                    case .actions: kind = .action
                    }
                    for word in v.words { add(kind, word, declares: true) }
                case .fact(let f):
                    add(.fact, f.name, declares: true)
                    if case .oneOf(let names) = f.type { for n in names { add(.enumValue, n, declares: true) } }
                case .constant(let c):
                    add(.constant, c.name, declares: true)
                    expression(c.value)
                case .derived(let d):
                    add(.derived, d.name, declares: true)
                    expression(d.value)
                case .decision(let d):
                    add(.decision, d.name, declares: true)
                    if let condition = d.condition { expression(condition) }
                    for outcome in d.outcomes { add(.outcome, outcome, declares: true) }
                    stages(d.stages, of: d.name.text)
                    if let otherwise = d.otherwise { add(.outcome, otherwise) }
                    if let reason = d.otherwiseReason { add(.reason, reason) }
                case .extendDecision(let e):
                    add(.decision, e.decision)
                    stages(e.stages, of: e.decision.text)
                case .rule(let r):
                    rule(r)
                case .disable(let d):
                    add(d.role == .exception ? .exception : .rule, d.id)
                case .example(let e):
                    add(.example, e.name, declares: true)
                    for base in e.bases { add(.example, base) }
                    for assignment in e.assignments { assign(assignment) }
                case .test(let t):
                    for base in t.bases { add(.example, base) }
                    for assignment in t.assignments { assign(assignment) }
                    for expectation in t.expectations {
                        add(.decision, expectation.decision)
                        add(.outcome, expectation.outcome)
                        for reason in expectation.reasons ?? [] { add(.reason, reason) }
                        for referral in expectation.referrals ?? [] { add(.referral, referral) }
                        for action in expectation.actions ?? [] { add(.action, action) }
                        for fact in expectation.missing ?? [] { add(.fact, fact) }
                    }
                    for invariant in t.violates { add(.invariant, invariant) }
                case .invariant(let i):
                    add(.invariant, i.id, declares: true)
                    expression(i.expression)
                case .responsibility(let r):
                    for fact in r.facts { add(.fact, fact) }
                }
            }
        }

        mutating func stages(_ stages: [StageDeclaration], of decision: String) {
            for stage in stages {
                addStage(decision, stage.name, declares: true)
                add(.outcome, stage.outcome)
                switch stage.placement {
                case .end: break
                case .before(let anchor), .after(let anchor): addStage(decision, anchor)
                }
            }
        }

        mutating func rule(_ r: RuleDeclaration) {
            add(r.role == .exception ? .exception : .rule, r.id, declares: true, isOverride: r.isOverride)
            if let kind = r.kind { add(.ruleKind, kind, declares: true) }
            switch r.placement {
            case .stage(let decision, let stage)?:
                add(.decision, decision)
                addStage(decision.text, stage)
            case .after(let decision)?:
                add(.decision, decision)
            case nil:
                break
            }
            if let condition = r.condition { expression(condition) }
            if let reason = r.reason { add(.reason, reason) }
            for referral in r.referrals {
                add(
                    referralWords.contains(referral.text) || values[referral.text] != .fact ? .referral : .fact,
                    referral)
            }
            for action in r.actions { add(.action, action) }
            for lift in r.lifts {
                switch lift {
                case .rule(let name): add(.rule, name)
                case .kind(let name): add(.ruleKind, name)
                }
            }
        }

        mutating func assign(_ assignment: FactAssignment) {
            add(.fact, assignment.fact)
            expression(assignment.value)
        }

        /// A name in an expression: a fact, constant, derived value or decision if one is declared
        /// by that name, else an outcome (`intake = exclude`) or an enumeration value.
        mutating func expression(_ e: Expression) {
            switch e {
            case .name(let name):
                if let kind = values[name.text] {
                    add(kind, name)
                } else if groups.contains(name.text) {
                    add(.fact, name)
                } else if outcomes.contains(name.text) {
                    add(.outcome, name)
                } else if enumValues.contains(name.text) {
                    add(.enumValue, name)
                }
            case .number, .text, .date, .bool, .none, .unknown:
                break
            case .set(let elements, _):
                for element in elements { expression(element) }
            case .call(_, let arguments, _):
                for argument in arguments { expression(argument) }
            case .not(let inner, _), .negate(let inner, _), .presence(let inner, _, _):
                expression(inner)
            case .binary(_, let a, let b, _):
                expression(a)
                expression(b)
            case .conditional(let a, let b, let c, _):
                expression(a)
                expression(b)
                expression(c)
            }
        }
    }
}
