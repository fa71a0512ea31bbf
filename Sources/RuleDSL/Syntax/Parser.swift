import RuleValues

/// Builds a `RuleFile` from tokens. Recovers at the next declaration keyword after an error (a
/// misspelled one ends the declaration before it too), so a policy editor sees every mistake in
/// a file at once, each once; every loop makes progress.
public struct Parser {
    /// Deeper nesting is refused rather than risking the stack on hostile input.
    public static let maximumNesting = 64
    /// The height of an expression's tree, where every operator of a chain (`a or b or c`) is a
    /// level: every pass over expressions recurses this deep, so a flat chain of thousands of
    /// terms must not reach them. The checker holds the same bound counting the `let`s an
    /// expression reads (`Checker.maximumHeight`).
    public static let maximumHeight = 256
    /// A file with more errors than this is reported up to here; the rest is noise.
    public static let maximumErrors = 100

    /// Words that begin a declaration: the parser's resynchronisation points.
    static let declarationKeywords: Set<String> = [
        "ruleset", "vocabulary", "fact", "const", "let", "decision", "extend", "rule", "exception",
        "override", "disable", "example", "test", "invariant", "responsible",
    ]

    private let tokens: [Token]
    private var index = 0
    private var depth = 0
    /// The height of the expression the last expression parser returned (a leaf is 1).
    private var height = 0
    /// Set when an expression nested too deeply was given up; cleared at the next declaration.
    private var abandonExpression = false
    /// Problems found while parsing; the parser recovers at the next declaration keyword.
    public private(set) var diagnostics: [Diagnostic] = []
    /// Set by the formatter: record where each declaration and clause starts (`layoutMarks`), so
    /// comments can be kept with the clause they were written at. Recording never changes the tree.
    public var recordsLayout = false
    /// Where each declaration and clause starts, when `recordsLayout` is set.
    public private(set) var layoutMarks: [LayoutMark] = []

    /// A parser over one file's tokens, as the lexer produced them.
    public init(tokens: [Token]) {
        self.tokens = tokens
    }

    /// Lexes and parses one file.
    public static func parse(_ source: SourceFile, fileIndex: Int = 0) -> (RuleFile, [Diagnostic]) {
        var lexer = Lexer(source: source, fileIndex: fileIndex)
        let tokens = lexer.tokenize()
        var parser = Parser(tokens: tokens)
        let file = parser.parseFile()
        let all = (lexer.diagnostics + parser.diagnostics).sorted { $0.range.start < $1.range.start }
        return (file, Array(all.prefix(maximumErrors)))
    }

    // MARK: - Declarations

    /// Parses the whole file; never fails, problems go to `diagnostics`.
    public mutating func parseFile() -> RuleFile {
        var header: RulesetHeader?
        var declarations: [Declaration] = []
        while !atEnd {
            let before = index
            if diagnostics.count >= Parser.maximumErrors { break }
            markLayout(isDeclaration: true)
            if isWord("ruleset") {
                let parsed = parseHeader()
                if header != nil {
                    error("duplicate-ruleset", "a file declares one `ruleset`", at: parsed.name.range)
                } else if !declarations.isEmpty {
                    error("misplaced-ruleset", "`ruleset` must come first in the file", at: parsed.name.range)
                    header = parsed
                } else {
                    header = parsed
                }
            } else if let declaration = parseDeclaration() {
                declarations.append(declaration)
            }
            // INVARIANT: every turn consumes at least one token, so bad input cannot hang us.
            if index == before { synchronize(skipCurrent: true) }
        }
        return RuleFile(header: header, declarations: declarations)
    }

    private mutating func parseDeclaration() -> Declaration? {
        abandonExpression = false
        let token = current
        guard token.kind == .identifier else {
            error(
                "expected-declaration", "expected a declaration such as `rule` or `fact`, found \(describe(token))",
                at: token.range)
            synchronize(skipCurrent: true)
            return nil
        }
        switch token.text {
        case "vocabulary": return parseVocabulary()
        case "fact": return parseFact()
        case "const": return parseValue(isConstant: true)
        case "let": return parseValue(isConstant: false)
        case "decision": return parseDecision()
        case "extend": return parseExtension()
        case "rule", "exception": return parseRule(isOverride: false)
        case "override":
            advance()
            guard isWord("rule") || isWord("exception") else {
                error("expected-rule", "expected `rule` or `exception` after `override`", at: current.range)
                synchronize(skipCurrent: false)
                return nil
            }
            return parseRule(isOverride: true)
        case "disable": return parseDisable()
        case "example": return parseExample()
        case "test": return parseTest()
        case "invariant": return parseInvariant()
        case "responsible": return parseResponsibility()
        default:
            let help =
                Suggestion.didYouMean(token.text, in: Parser.declarationKeywords)
                ?? "a declaration starts with `fact`, `let`, `const`, `decision`, `rule`, `exception`, `override`, `disable`, `example`, `test` or `invariant`"
            error(
                "expected-declaration", "unexpected `\(token.text)`: expected a declaration", at: token.range,
                help: help)
            synchronize(skipCurrent: true)
            return nil
        }
    }

    private mutating func parseHeader() -> RulesetHeader {
        advance()  // ruleset
        let name = expectName("a name for the rule set")
        var header = RulesetHeader(name: name, base: nil, title: nil, source: nil, validity: Validity())
        if acceptWord("extends") {
            if current.kind == .identifier {
                header.base = expectName("the rule set this one extends")
            } else {
                // `extends ../national` or `extends "x.rules"`: a base is found by its name, never by a path.
                error(
                    "base-not-a-name",
                    "`extends` takes the name of a rule set, such as `national`, not \(describe(current))",
                    at: current.range, help: "put the base rule file next to this one and write `extends` and its name")
                synchronize(skipCurrent: true)
            }
        }
        clauses: while !atEnd, current.kind == .identifier {
            markLayout(isDeclaration: false)
            switch current.text {
            case "title":
                advance()
                header.title = expectString()
                header.titleTranslations = parseTranslations()
            case "source":
                advance()
                header.source = expectString()
            case "valid": header.validity = parseValidity()
            case "language":
                advance()
                header.language = parseLanguage()
            default: break clauses
            }
        }
        return header
    }

    private mutating func parseVocabulary() -> Declaration? {
        let start = advance().range
        guard current.kind == .identifier, let kind = VocabularyDeclaration.Kind(rawValue: current.text) else {
            error(
                "expected-vocabulary", "expected `reasons`, `referrals` or `actions` after `vocabulary`",
                at: current.range)
            synchronize(skipCurrent: false)
            return nil
        }
        advance()
        // `coa "COA-opvang" en "COA reception", vbl, …`: a word may say what it means.
        var words: [Name] = []
        var texts: [String: PolicyText] = [:]
        repeat {
            let word = expectName("a word")
            words.append(word)
            if current.kind == .string { texts[word.text] = expectPolicyText() }
        } while acceptSymbol(",")
        return .vocabulary(
            VocabularyDeclaration(kind: kind, words: words, range: start.joined(previous.range), texts: texts))
    }

    private mutating func parseFact() -> Declaration? {
        let start = advance().range
        let name = expectDottedName("a fact name")
        expectSymbol(":", "after the fact name")
        let type = parseType()
        var fact = FactDeclaration(
            name: name, type: type, isOptional: false, isRequired: false, isReference: false, isWhole: false,
            isRecorded: false, atLeast: nil, atMost: nil, title: nil, range: start)
        while acceptSymbol(",") {
            let word = current
            guard word.kind == .identifier else {
                error("expected-modifier", "expected a modifier such as `optional` or `at least 0`", at: word.range)
                break
            }
            advance()
            switch word.text {
            case "optional": fact.isOptional = true
            case "required": fact.isRequired = true
            case "reference": fact.isReference = true
            case "whole": fact.isWhole = true
            case "recorded": fact.isRecorded = true
            case "fixed": fact.isFixed = true
            case "format":
                let token = current
                let text = expectString()
                if token.kind == .string {
                    fact.format = TextFormat(text)
                    if fact.format == nil {
                        error(
                            "bad-format",
                            "a format is 1 to \(TextFormat.maximumLength) characters, each `A`, `a` or `9`, not \"\(TerminalText.escape(String(text.prefix(40))))\"",
                            at: token.range,
                            help:
                                "`A` is an upper-case letter A–Z, `a` a lower-case letter a–z, `9` a digit 0–9; e.g. `format \"AA\"`"
                        )
                    }
                }
            case "at":
                if acceptWord("least") {
                    fact.atLeast = expectNumber()
                } else if acceptWord("most") {
                    fact.atMost = expectNumber()
                } else {
                    error("expected-modifier", "expected `at least` or `at most`", at: current.range)
                }
            default:
                error(
                    "unknown-modifier", "unknown fact modifier `\(word.text)`", at: word.range,
                    help: Suggestion.didYouMean(
                        word.text,
                        in: ["optional", "required", "reference", "whole", "recorded", "fixed", "at", "format"])
                        ?? "modifiers are `optional`, `required`, `reference`, `whole`, `recorded`, `fixed`, `at least N`, `at most N` and `format \"…\"`"
                )
            }
        }
        clauses: while !atEnd, current.kind == .identifier {
            switch current.text {
            case "title":
                advance()
                fact.title = expectString()
                fact.titleTranslations = parseTranslations()
            case "ask":
                advance()
                fact.question = expectPolicyText()
            case "option":
                advance()
                let value = expectName("an option of the fact")
                if fact.optionTexts[value.text] != nil {
                    error("duplicate-option-text", "the option `\(value.text)` already has a text", at: value.range)
                }
                fact.optionTexts[value.text] = expectPolicyText()
            default: break clauses
            }
        }
        fact.range = start.joined(previous.range)
        return .fact(fact)
    }

    private mutating func parseType() -> TypeExpression {
        let word = current
        guard word.kind == .identifier else {
            error("expected-type", "expected a type: `bool`, `number`, `text`, `date` or `one of (…)`", at: word.range)
            return .text
        }
        advance()
        switch word.text {
        case "bool": return .bool
        case "number": return .number
        case "text": return .text
        case "date": return .date
        case "one":
            _ = expectWord("of")
            expectSymbol("(", "before the list of values")
            let values = parseNameList("a value")
            expectSymbol(")", "after the list of values")
            return .oneOf(values)
        default:
            error(
                "unknown-type", "unknown type `\(word.text)`", at: word.range,
                help: Suggestion.didYouMean(word.text, in: ["bool", "number", "text", "date"])
                    ?? "types are `bool`, `number`, `text`, `date` and `one of (a, b, …)`")
            return .text
        }
    }

    private mutating func parseValue(isConstant: Bool) -> Declaration? {
        let start = advance().range
        let name = expectName("a name")
        expectSymbol("=", "after the name")
        let value = parseExpression()
        var title: String?
        var translations: Translations = [:]
        if acceptWord("title") {
            title = expectString()
            translations = parseTranslations()
        }
        let declaration = ValueDeclaration(
            name: name, value: value, title: title, range: start.joined(previous.range),
            titleTranslations: translations)
        return isConstant ? .constant(declaration) : .derived(declaration)
    }

    private mutating func parseDecision() -> Declaration? {
        let start = advance().range
        var decision = DecisionDeclaration(
            name: expectName("a decision name"), title: nil, condition: nil, outcomes: [], stages: [],
            otherwise: nil, otherwiseReason: nil, range: start)
        clauses: while !atEnd {
            markLayout(isDeclaration: false)
            let word = current
            guard word.kind == .identifier else { break }
            switch word.text {
            case "title":
                advance()
                decision.title = expectString()
                decision.titleTranslations = parseTranslations()
            case "when":
                advance()
                decision.condition = parseExpression()
            case "outcomes":
                advance()
                decision.outcomes = parseNameList("an outcome")
            case "outcome":
                advance()
                let outcome = expectName("an outcome")
                if decision.outcomeTexts[outcome.text] != nil {
                    error(
                        "duplicate-outcome-text", "the outcome `\(outcome.text)` already has a text", at: outcome.range)
                }
                decision.outcomeTexts[outcome.text] = expectPolicyText()
            case "closing":
                advance()
                decision.closing = expectPolicyText()
            case "stage": decision.stages.append(parseStage())
            case "otherwise":
                advance()
                decision.otherwise = expectName("the outcome when no stage decides")
                if acceptWord("reason") { decision.otherwiseReason = expectName("a reason code") }
            default:
                if unexpectedClause(
                    in: "decision", allowed: ["title", "when", "outcomes", "stage", "otherwise", "outcome", "closing"])
                {
                    continue clauses
                }
                break clauses
            }
        }
        decision.range = start.joined(previous.range)
        return .decision(decision)
    }

    private mutating func parseExtension() -> Declaration? {
        let start = advance().range
        _ = expectWord("decision")
        let decision = expectName("the decision to extend")
        var stages: [StageDeclaration] = []
        while isWord("stage") {
            markLayout(isDeclaration: false)
            stages.append(parseStage())
        }
        if stages.isEmpty {
            error("empty-extension", "`extend decision` needs at least one `stage`", at: decision.range)
        }
        return .extendDecision(
            DecisionExtension(decision: decision, stages: stages, range: start.joined(previous.range)))
    }

    private mutating func parseStage() -> StageDeclaration {
        let start = advance().range  // stage
        let name = expectName("a stage name")
        _ = expectWord("gives")
        let outcome = expectName("the outcome this stage gives")
        var stage = StageDeclaration(
            name: name, outcome: outcome, overridesUnknowns: false, placement: .end, range: start)
        while true {
            if acceptSymbol(",") { continue }
            if acceptWord("overriding") {
                _ = expectWord("unknowns")
                stage.overridesUnknowns = true
            } else if acceptWord("before") {
                stage.placement = .before(expectName("a stage name"))
            } else if acceptWord("after") {
                stage.placement = .after(expectName("a stage name"))
            } else {
                break
            }
        }
        stage.range = start.joined(previous.range)
        return stage
    }

    private mutating func parseRule(isOverride: Bool) -> Declaration? {
        let keyword = advance()
        let role: RuleDeclaration.Role = keyword.text == "exception" ? .exception : .rule
        var rule = RuleDeclaration(
            id: expectName("a \(role.rawValue) id"), role: role, isOverride: isOverride, title: nil, source: nil,
            kind: nil, placement: nil, condition: nil, reason: nil, referrals: [], actions: [],
            validity: Validity(), deviation: nil, lifts: [], range: keyword.range)
        let allowed = [
            "title", "source", "kind", "stage", "after", "when", "reason", "refer", "action", "valid",
            "deviation", "lifts",
        ]
        clauses: while !atEnd {
            markLayout(isDeclaration: false)
            let word = current
            guard word.kind == .identifier else {
                if unexpectedClause(in: role.rawValue, allowed: allowed) { continue clauses }
                break
            }
            switch word.text {
            case "title":
                advance()
                rule.title = expectString()
                rule.titleTranslations = parseTranslations()
            case "source":
                advance()
                rule.source = expectString()
            case "kind":
                advance()
                rule.kind = expectName("a kind")
            case "stage":
                advance()
                let decision = expectName("a decision")
                expectSymbol(".", "between decision and stage, as in `intake.exclusion`")
                rule.placement = .stage(decision: decision, stage: expectName("a stage"))
            case "after":
                advance()
                rule.placement = .after(decision: expectName("a decision"))
            case "when":
                advance()
                rule.condition = parseExpression()
            case "reason":
                advance()
                rule.reason = expectName("a reason code")
            case "refer":
                advance()
                _ = acceptWord("to")
                rule.referrals += parseNameList("a referral")
            case "action":
                advance()
                rule.actions += parseNameList("an action")
            case "valid": rule.validity = parseValidity()
            case "deviation":
                advance()
                rule.deviation = expectString()
            case "lifts":
                advance()
                repeat {
                    if acceptWord("kind") {
                        rule.lifts.append(.kind(expectName("a kind")))
                    } else {
                        rule.lifts.append(.rule(expectName("a rule id")))
                    }
                } while acceptSymbol(",")
            default:
                if unexpectedClause(in: role.rawValue, allowed: allowed) { continue clauses }
                break clauses
            }
        }
        rule.range = keyword.range.joined(previous.range)
        return .rule(rule)
    }

    private mutating func parseDisable() -> Declaration? {
        let start = advance().range
        let roleWord = current
        var role = RuleDeclaration.Role.rule
        if acceptWord("exception") {
            role = .exception
        } else if !acceptWord("rule") {
            error("expected-rule", "expected `rule` or `exception` after `disable`", at: roleWord.range)
        }
        let id = expectName("the id to switch off")
        var because = ""
        if acceptWord("because") {
            because = expectString()
        } else {
            error(
                "missing-because", "say why the rule is switched off", at: current.range,
                help: "write `disable rule \(id.text) because \"…\"`")
        }
        return .disable(DisableDeclaration(id: id, role: role, because: because, range: start.joined(previous.range)))
    }

    private mutating func parseExample() -> Declaration? {
        let start = advance().range
        let name = expectName("an example name")
        expectSymbol(":", "after the example name")
        let (bases, assignments) = parseGivenList()
        return .example(
            ExampleDeclaration(
                name: name, bases: bases, assignments: assignments,
                range: start.joined(previous.range)))
    }

    private mutating func parseTest() -> Declaration? {
        let start = advance().range
        var test = TestDeclaration(
            title: expectString(), bases: [], assignments: [], expectations: [], violates: [],
            range: start)
        let allowed = ["given", "expect", "reasons", "referrals", "actions", "missing", "exceptional", "violates"]
        clauses: while !atEnd {
            markLayout(isDeclaration: false)
            let word = current
            guard word.kind == .identifier else {
                if unexpectedClause(in: "test", allowed: allowed) { continue clauses }
                break
            }
            switch word.text {
            case "given":
                advance()
                let (bases, assignments) = parseGivenList()
                test.bases += bases
                test.assignments += assignments
            case "expect":
                let expectStart = advance().range
                let decision = expectName("a decision")
                let outcome = expectName("an outcome")
                test.expectations.append(
                    Expectation(
                        decision: decision, outcome: outcome, reasons: nil, referrals: nil, actions: nil, missing: nil,
                        exceptional: nil, range: expectStart.joined(previous.range)))
            case "violates":
                advance()
                test.violates += parseNameList("an invariant id")
            case "reasons", "referrals", "actions", "missing", "exceptional":
                advance()
                guard !test.expectations.isEmpty else {
                    error(
                        "expected-expect", "`\(word.text)` belongs to an `expect` line", at: word.range,
                        help: "write `expect intake exclude` first")
                    continue clauses
                }
                let last = test.expectations.count - 1
                if word.text == "exceptional" {
                    if acceptWord("true") {
                        test.expectations[last].exceptional = true
                    } else if acceptWord("false") {
                        test.expectations[last].exceptional = false
                    } else {
                        error("expected-bool", "expected `true` or `false`", at: current.range)
                    }
                    continue clauses
                }
                let list =
                    acceptWord("none") ? [] : (word.text == "missing" ? parseDottedNameList() : parseNameList("a word"))
                switch word.text {
                case "reasons": test.expectations[last].reasons = list
                case "referrals": test.expectations[last].referrals = list
                case "actions": test.expectations[last].actions = list
                default: test.expectations[last].missing = list
                }
            default:
                if unexpectedClause(in: "test", allowed: allowed) { continue clauses }
                break clauses
            }
        }
        if test.expectations.isEmpty {
            error(
                "test-without-expect", "the test `\(test.title)` expects nothing", at: start,
                help: "add a line such as `expect intake admit`")
        }
        test.range = start.joined(previous.range)
        return .test(test)
    }

    /// `adult, entry_ban_years = 10, exceptional_admission.date = 2022-01-01`.
    private mutating func parseGivenList() -> ([Name], [FactAssignment]) {
        var bases: [Name] = []
        var assignments: [FactAssignment] = []
        repeat {
            let name = expectDottedName("a fact or example name")
            if acceptSymbol("=") {
                assignments.append(FactAssignment(fact: name, value: parseExpression()))
            } else {
                bases.append(name)
            }
        } while acceptSymbol(",")
        return (bases, assignments)
    }

    private mutating func parseInvariant() -> Declaration? {
        let start = advance().range
        let id = expectName("an invariant id")
        var title: String?
        var translations: Translations = [:]
        var source: String?
        var body: (Bool, Expression)?
        clauses: while !atEnd, current.kind == .identifier {
            markLayout(isDeclaration: false)
            switch current.text {
            case "title":
                advance()
                title = expectString()
                translations = parseTranslations()
            case "source":
                advance()
                source = expectString()
            case "never":
                advance()
                body = (true, parseExpression())
            case "always":
                advance()
                body = (false, parseExpression())
            default:
                if unexpectedClause(in: "invariant", allowed: ["title", "source", "never", "always"]) {
                    continue clauses
                }
                break clauses
            }
        }
        guard let body else {
            error(
                "invariant-without-body", "the invariant `\(id.text)` states nothing", at: id.range,
                help: "add `never …` or `always …`")
            return nil
        }
        return .invariant(
            InvariantDeclaration(
                id: id, title: title, source: source, isNever: body.0,
                expression: body.1, range: start.joined(previous.range),
                titleTranslations: translations))
    }

    private mutating func parseResponsibility() -> Declaration? {
        let start = advance().range
        let party = expectString()
        let partyTranslations = parseTranslations()
        _ = expectWord("for")
        var facts: [Name] = []
        if acceptWord("other") {
            _ = expectWord("facts")
        } else {
            repeat { facts.append(expectDottedName("a fact")) } while acceptSymbol(",")
        }
        var source: String?
        if acceptWord("source") { source = expectString() }
        return .responsibility(
            ResponsibilityDeclaration(
                party: party, facts: facts, source: source,
                range: start.joined(previous.range),
                partyTranslations: partyTranslations))
    }

    private mutating func parseValidity() -> Validity {
        advance()  // valid
        var validity = Validity()
        if acceptWord("from") { validity.from = expectDate() }
        if acceptWord("until") { validity.until = expectDate() }
        if validity.isAlways {
            error("expected-validity", "expected `from DATE` or `until DATE` after `valid`", at: current.range)
        }
        return validity
    }

    /// Reports a word that does not belong in this declaration. Returns true if it skipped the
    /// word and parsing of the declaration should go on; false when a new declaration starts.
    private mutating func unexpectedClause(in what: String, allowed: [String]) -> Bool {
        let token = current
        if token.kind == .endOfFile || Parser.startsDeclaration(token, clauses: allowed) { return false }
        let help = token.kind == .identifier ? Suggestion.didYouMean(token.text, in: allowed) : nil
        error(
            "unexpected-clause", "unexpected \(describe(token)) in \(what)", at: token.range,
            help: help ?? "a \(what) may have " + allowed.map { "`\($0)`" }.joined(separator: ", "))
        synchronize(skipCurrent: true, stopAt: Set(allowed))
        return true
    }

    /// Whether a word after a declaration's clauses begins the next declaration. A body ends
    /// only at a declaration keyword, so a misspelled one (`rul x`) would be taken as a bad
    /// clause, and recovery would resume at a clause word of the misspelled declaration
    /// (`stage d.s`), read with the wrong grammar. So a word nearer to a declaration keyword than
    /// to every clause word is taken as that keyword; a tie goes to the clause.
    private static func startsDeclaration(_ token: Token, clauses: [String]) -> Bool {
        guard token.kind == .identifier else { return false }
        let word = token.text
        if declarationKeywords.contains(word) { return true }
        guard let keyword = Suggestion.closest(to: word, in: declarationKeywords) else { return false }
        guard let clause = Suggestion.closest(to: word, in: clauses) else { return true }
        return Suggestion.editDistance(word, keyword) < Suggestion.editDistance(word, clause)
    }

    // MARK: - Expressions

    /// expression := 'if' e 'then' e 'else' e | or
    public mutating func parseExpression() -> Expression {
        depth += 1
        defer { depth -= 1 }
        if depth > Parser.maximumNesting {
            error(
                "too-deep", "expression nested deeper than \(Parser.maximumNesting) levels", at: current.range,
                help: "split it with `let`")
            let range = current.range
            abandonExpression = true
            synchronize(skipCurrent: true)
            height = 1
            return .unknown(range)
        }
        if isWord("if") {
            let start = advance().range
            let condition = parseExpression()
            let conditionHeight = height
            _ = expectWord("then")
            let then = parseExpression()
            let thenHeight = height
            _ = expectWord("else")
            let otherwise = parseExpression()
            return node(
                .conditional(condition, then, otherwise, start.joined(otherwise.range)),
                above: max(conditionHeight, thenHeight, height), at: start)
        }
        return parseOr()
    }

    /// `expression`, one level above children of height `childHeight`; past
    /// `maximumHeight` the expression is given up with one error at `operatorRange`.
    private mutating func node(_ expression: Expression, above childHeight: Int, at operatorRange: SourceRange)
        -> Expression
    {
        height = childHeight + 1
        guard height > Parser.maximumHeight else { return expression }
        error(
            "too-deep", "expression too long or too deep: more than \(Parser.maximumHeight) levels",
            at: operatorRange,
            help:
                "each `and`, `or`, `+`, `-`, `*`, `not` and comparison is a level, also in a chain; use a set with `in`, or fewer terms"
        )
        abandonExpression = true
        synchronize(skipCurrent: false)
        height = 1
        return .unknown(operatorRange)
    }

    private mutating func parseOr() -> Expression {
        var left = parseAnd()
        while isWord("or") {
            let op = advance().range
            let leftHeight = height
            let right = parseAnd()
            left = node(
                .binary(.or, left, right, left.range.joined(right.range)), above: max(leftHeight, height), at: op)
        }
        return left
    }

    private mutating func parseAnd() -> Expression {
        var left = parseNot()
        while isWord("and") {
            let op = advance().range
            let leftHeight = height
            let right = parseNot()
            left = node(
                .binary(.and, left, right, left.range.joined(right.range)), above: max(leftHeight, height), at: op)
        }
        return left
    }

    private mutating func parseNot() -> Expression {
        if isWord("not") {
            let start = advance().range
            depth += 1
            defer { depth -= 1 }
            if depth > Parser.maximumNesting { return parseExpression() }
            let operand = parseNot()
            return node(.not(operand, start.joined(operand.range)), above: height, at: start)
        }
        return parseComparison()
    }

    private mutating func parseComparison() -> Expression {
        let left = parseAdditive()
        let leftHeight = height
        if current.kind == .symbol,
            let op = [
                "=": BinaryOperator.equal, "!=": .notEqual, "<": .less, "<=": .lessOrEqual, ">": .greater,
                ">=": .greaterOrEqual,
            ][current.text]
        {
            let at = advance().range
            let right = parseAdditive()
            return node(
                .binary(op, left, right, left.range.joined(right.range)), above: max(leftHeight, height), at: at)
        }
        if isWord("in") {
            let at = advance().range
            let right = parseAdditive()
            return node(
                .binary(.in, left, right, left.range.joined(right.range)), above: max(leftHeight, height), at: at)
        }
        if isWord("not"), peek(1).kind == .identifier, peek(1).text == "in" {
            let at = advance().range
            advance()
            let right = parseAdditive()
            return node(
                .binary(.notIn, left, right, left.range.joined(right.range)), above: max(leftHeight, height), at: at)
        }
        if isWord("is") {
            let at = advance().range
            if acceptWord("present") {
                return node(
                    .presence(left, isPresent: true, left.range.joined(previous.range)), above: leftHeight, at: at)
            }
            if acceptWord("none") {
                return node(
                    .presence(left, isPresent: false, left.range.joined(previous.range)), above: leftHeight, at: at)
            }
            error(
                "expected-presence", "expected `is present` or `is none`", at: current.range,
                help: "to compare values write `=`")
        }
        return left
    }

    private mutating func parseAdditive() -> Expression {
        var left = parseMultiplicative()
        while current.kind == .symbol, current.text == "+" || current.text == "-" {
            let token = advance()
            let op: BinaryOperator = token.text == "+" ? .plus : .minus
            let leftHeight = height
            let right = parseMultiplicative()
            left = node(
                .binary(op, left, right, left.range.joined(right.range)), above: max(leftHeight, height),
                at: token.range)
        }
        return left
    }

    private mutating func parseMultiplicative() -> Expression {
        var left = parseUnary()
        while current.kind == .symbol, current.text == "*" {
            let at = advance().range
            let leftHeight = height
            let right = parseUnary()
            left = node(
                .binary(.times, left, right, left.range.joined(right.range)), above: max(leftHeight, height),
                at: at)
        }
        return left
    }

    private mutating func parseUnary() -> Expression {
        if current.kind == .symbol, current.text == "-" {
            let start = advance().range
            depth += 1
            defer { depth -= 1 }
            if depth > Parser.maximumNesting { return parseExpression() }
            let operand = parseUnary()
            return node(.negate(operand, start.joined(operand.range)), above: height, at: start)
        }
        return parsePrimary()
    }

    private mutating func parsePrimary() -> Expression {
        let token = current
        height = 1
        switch token.kind {
        case .number:
            advance()
            switch DecimalNumber.parse(token.text) {
            case .value(let number): return .number(number, token.range)
            case .outOfRange, .tooPrecise, .invalidSyntax:
                error(
                    "invalid-number", "`\(token.text)` is not a number the rules can hold", at: token.range,
                    help: "numbers have at most 12 digits before and 6 after the decimal point")
                return .number(DecimalNumber(integer: 0), token.range)
            }
        case .string:
            advance()
            return .text(token.text, token.range)
        case .date:
            advance()
            return .date(CivilDate.parse(token.text) ?? CivilDate(dayNumber: 0), token.range)
        case .symbol where token.text == "(":
            advance()
            let inner = parseExpression()
            expectSymbol(")", "to close `(`")
            return inner
        case .symbol where token.text == "{":
            let start = advance().range
            var elements: [Expression] = []
            var elementHeight = 0
            if !acceptSymbol("}") {
                depth += 1
                defer { depth -= 1 }
                if depth > Parser.maximumNesting {
                    error(
                        "too-deep", "expression nested deeper than \(Parser.maximumNesting) levels", at: start,
                        help: "split it with `let`")
                    abandonExpression = true
                    synchronize(skipCurrent: true)
                    height = 1
                    return .unknown(start)
                }
                repeat {
                    if current.kind == .symbol, current.text == "}" { break }  // trailing comma
                    elements.append(parseUnary())
                    elementHeight = max(elementHeight, height)
                } while acceptSymbol(",")
                expectSymbol("}", "to close the set")
            }
            return node(.set(elements, start.joined(previous.range)), above: elementHeight, at: start)
        case .identifier:
            switch token.text {
            case "true", "false":
                advance()
                return .bool(token.text == "true", token.range)
            case "none":
                advance()
                return .none(token.range)
            case "unknown":
                advance()
                return .unknown(token.range)
            default:
                break
            }
            if Parser.declarationKeywords.contains(token.text), token.text != "exception" {
                error("expected-expression", "expected a value, found the keyword `\(token.text)`", at: token.range)
                return .unknown(token.range)
            }
            let name = expectDottedName("a name")
            if current.kind == .symbol, current.text == "(" {
                advance()
                var arguments: [Expression] = []
                var argumentHeight = 0
                if !acceptSymbol(")") {
                    repeat {
                        arguments.append(parseExpression())
                        argumentHeight = max(argumentHeight, height)
                    } while acceptSymbol(",")
                    expectSymbol(")", "to close the call")
                }
                return node(
                    .call(name, arguments, name.range.joined(previous.range)), above: argumentHeight, at: name.range)
            }
            height = 1
            return .name(name)
        case .symbol, .endOfFile:
            error("expected-expression", "expected a value, found \(describe(token))", at: token.range)
            if token.kind != .endOfFile, !(token.text == ")" || token.text == "}" || token.text == ",") { advance() }
            return .unknown(token.range)
        }
    }

    // MARK: - Token helpers

    private mutating func markLayout(isDeclaration: Bool) {
        guard recordsLayout, current.kind == .identifier else { return }
        layoutMarks.append(LayoutMark(offset: current.range.start, word: current.text, isDeclaration: isDeclaration))
    }

    private var current: Token { tokens[min(index, tokens.count - 1)] }
    private var previous: Token { tokens[max(0, min(index - 1, tokens.count - 1))] }
    private var atEnd: Bool { current.kind == .endOfFile }
    private func peek(_ offset: Int) -> Token { tokens[min(index + offset, tokens.count - 1)] }

    @discardableResult
    private mutating func advance() -> Token {
        let token = current
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func isWord(_ word: String) -> Bool { current.kind == .identifier && current.text == word }

    private mutating func acceptWord(_ word: String) -> Bool {
        guard isWord(word) else { return false }
        advance()
        return true
    }

    private mutating func acceptSymbol(_ symbol: String) -> Bool {
        guard current.kind == .symbol, current.text == symbol else { return false }
        advance()
        return true
    }

    private mutating func expectWord(_ word: String) -> Bool {
        if acceptWord(word) { return true }
        error("expected-word", "expected `\(word)`, found \(describe(current))", at: current.range)
        return false
    }

    private mutating func expectSymbol(_ symbol: String, _ context: String) {
        if acceptSymbol(symbol) { return }
        error("expected-symbol", "expected `\(symbol)` \(context), found \(describe(current))", at: current.range)
    }

    private mutating func expectName(_ what: String) -> Name {
        let token = current
        if token.kind == .identifier {
            advance()
            return Name(token.text, token.range)
        }
        error("expected-name", "expected \(what), found \(describe(token))", at: token.range)
        return Name("", token.range)
    }

    private mutating func expectDottedName(_ what: String) -> Name {
        var name = expectName(what)
        while current.kind == .symbol, current.text == ".", peek(1).kind == .identifier {
            advance()
            let part = advance()
            name = Name(name.text + "." + part.text, name.range.joined(part.range))
        }
        return name
    }

    private mutating func parseDottedNameList() -> [Name] {
        var names: [Name] = []
        repeat { names.append(expectDottedName("a fact")) } while acceptSymbol(",")
        return names
    }

    private mutating func parseNameList(_ what: String) -> [Name] {
        var names: [Name] = []
        repeat { names.append(expectName(what)) } while acceptSymbol(",")
        return names
    }

    private mutating func expectString() -> String {
        let token = current
        if token.kind == .string {
            advance()
            return token.text
        }
        error("expected-text", "expected text in double quotes, found \(describe(token))", at: token.range)
        return ""
    }

    /// `"text" en "text"`: a policy text and its forms in other languages.
    private mutating func expectPolicyText() -> PolicyText {
        let start = current.range
        let text = expectString()
        let translations = parseTranslations()
        return PolicyText(text: text, translations: translations, range: start.joined(previous.range))
    }

    /// The `en "…"` (or `nl "…"`) forms after a text; a language word counts only before a text.
    private mutating func parseTranslations() -> Translations {
        var translations: Translations = [:]
        while current.kind == .identifier, TextLanguage(rawValue: current.text) != nil, peek(1).kind == .string {
            let code = advance()
            let text = expectString()
            if translations[code.text] != nil {
                error("duplicate-translation", "the text already has a `\(code.text)` form", at: code.range)
            }
            translations[code.text] = text
        }
        return translations
    }

    /// `language nl`: one of the languages texts are written in.
    private mutating func parseLanguage() -> Name? {
        let name = expectName("a language")
        guard !name.text.isEmpty else { return nil }
        guard TextLanguage(rawValue: name.text) != nil else {
            error(
                "unknown-language", "unknown language `\(name.text)`", at: name.range,
                help: "a rule set is written in "
                    + TextLanguage.allCases.map { "`\($0.rawValue)`" }.joined(separator: " or "))
            return nil
        }
        return name
    }

    private mutating func expectNumber() -> DecimalNumber? {
        let token = current
        let negative = token.kind == .symbol && token.text == "-"
        if negative { advance() }
        guard current.kind == .number, case .value(let number) = DecimalNumber.parse(current.text) else {
            error("expected-number", "expected a number, found \(describe(current))", at: current.range)
            return nil
        }
        advance()
        return negative ? number.negated : number
    }

    private mutating func expectDate() -> CivilDate? {
        let token = current
        guard token.kind == .date else {
            error("expected-date", "expected a date such as `2024-03-01`, found \(describe(token))", at: token.range)
            return nil
        }
        advance()
        return CivilDate.parse(token.text)
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .endOfFile: return "the end of the file"
        case .string: return "text \"\(token.text.prefix(40).replacingNewlines)\""
        case .identifier, .number, .date, .symbol: return "`\(token.text.prefix(40))`"
        }
    }

    private mutating func error(_ code: String, _ message: String, at range: SourceRange, help: String? = nil) {
        // After a too-deep expression was abandoned, the unwinding frames would each report a
        // missing `)`: one error per mistake is enough.
        if abandonExpression, code != "too-deep" { return }
        if abandonExpression, code == "too-deep", diagnostics.last?.code == "too-deep" { return }
        if diagnostics.count < Parser.maximumErrors {
            diagnostics.append(.error(code, message, at: range, help: help))
        }
    }

    /// Skips to the next declaration keyword (or one of `stopAt`), so one mistake yields one error.
    private mutating func synchronize(skipCurrent: Bool, stopAt: Set<String> = []) {
        if skipCurrent, !atEnd { advance() }
        while !atEnd {
            if current.kind == .identifier,
                Parser.declarationKeywords.contains(current.text) || stopAt.contains(current.text)
            {
                return
            }
            advance()
        }
    }
}

/// Where a declaration or one of its clauses starts, and the word it starts with. A clause mark
/// is recorded at every turn of a clause loop, so a mark whose word is not a clause word of its
/// declaration (the next declaration's keyword, where the loop stops) means nothing.
public struct LayoutMark: Sendable, Equatable {
    /// Byte offset in the file where the declaration or clause starts.
    public var offset: Int
    /// The keyword or clause word written there.
    public var word: String
    /// True for a declaration's keyword, false for a clause inside it.
    public var isDeclaration: Bool
}

extension Substring {
    /// Text shown inside a one-line message: line breaks and tabs written as escapes.
    var replacingNewlines: String {
        var out = ""
        for c in self {
            switch c {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.append(c)
            }
        }
        return out
    }
}
