import RuleSyntax
import RuleValues

/// Checks a composed rule set and compiles it into a `Program`: resolves every name, checks
/// every type, and reports what a policy editor must fix (errors) or should look at (warnings).
struct Checker {
    /// The height of a compiled expression counting the `let`s and `const`s it reads (a `let`
    /// read is a level above its expression): every evaluator, the plan and the prover recurse
    /// this deep, so it is bounded like the parser's height of one expression.
    static let maximumHeight = Parser.maximumHeight
    /// A rule placed after a decision may read another decision's outcome, which is then taken
    /// first: the evaluators recurse through such reads, each up to `maximumHeight` deep, so a
    /// chain of them is at most this long.
    static let maximumDecisionChain = 8
    /// Off only in tests that hold the machine equal to the reference evaluator on `none` inside
    /// `and`/`or`/`not`, which rule files can no longer write.
    @TaskLocal static var refusesOptionalTruthValues = true

    private let composition: Composition
    private let files: [SourceFile]
    private var diagnostics: [Diagnostic] = []

    private var facts: [FactInfo] = []
    private var factSlots: [String: Int] = [:]
    private var factOrigins: [Origin] = []
    private var usedFacts = Set<Int>()
    private var derived: [DerivedInfo?] = []
    private var derivedIndex: [String: Int] = [:]
    private var derivedCompiling = Set<Int>()
    private var constants: [String: ValueDeclaration] = [:]
    private var constantsCompiling = Set<String>()
    private var decisions: [DecisionInfo] = []
    private var vocabulary: [VocabularyDeclaration.Kind: [String]] = [:]
    private var referenceFact: Int?
    /// Names that failed to resolve because their declaration already has an error (a `let` in a
    /// cycle): not reported again, but a condition using them is not "never fires" either.
    private var silentFailures = 0
    /// Compile calls now open, through `let`s and `const`s: the height compiled so far.
    private var compileDepth = 0
    private var reportedTooDeep = false
    /// The height of each compiled `let` (`height(of:)`), once known.
    private var derivedHeights: [Int?] = []
    /// `let`s reported too deep, or built on one (`readsTooDeep`: `height(of:)` met one).
    private var tooDeepDerived = Set<Int>()
    private var readsTooDeep = false
    /// Each `const` compiled once per expected type, folded to its value: a constant read twice
    /// (`const b = a + a`) is not compiled again, so sharing cannot multiply the work.
    private var constantCache: [String: (CompiledExpression, ValueType)] = [:]
    /// Comparisons whose left side is compiled a second time with the right side's type; bounded,
    /// as each nested comparison could double the work.
    private var recompilations = 0
    /// What each example does to a case's facts (`exampleEffect`).
    private var exampleEffects: [String: [Int: FactEffect]] = [:]

    init(composition: Composition, files: [SourceFile]) {
        self.composition = composition
        self.files = files
    }

    /// What an expression may refer to where it is written.
    private struct Scope {
        /// After-rules and invariants may read decisions; deciding rules may not (no cycles).
        var allowsDecisions: Bool
        var what: String
        /// For a rule placed `after` a decision: that decision, whose reasons it may read.
        var afterDecision: String? = nil
    }

    mutating func check(name: String, title: String?, sha256: String, texts: RuleTexts = RuleTexts()) -> (
        Program?, [Diagnostic]
    ) {
        diagnostics = composition.diagnostics
        declareVocabulary()
        declareFacts()
        for (constant, _) in composition.constants {
            if constants[constant.name.text] != nil || factSlots[constant.name.text] != nil {
                error("duplicate-name", "`\(constant.name.text)` is already declared", at: constant.name.range)
            }
            constants[constant.name.text] = constant
        }
        for (index, (value, _)) in composition.derived.enumerated() {
            if derivedIndex[value.name.text] != nil || factSlots[value.name.text] != nil
                || constants[value.name.text] != nil
            {
                error("duplicate-name", "`\(value.name.text)` is already declared", at: value.name.range)
                continue
            }
            derivedIndex[value.name.text] = index
        }
        derived = Array(repeating: nil, count: composition.derived.count)
        derivedHeights = Array(repeating: nil, count: composition.derived.count)
        declareDecisions()
        for index in composition.derived.indices where derivedIndex[composition.derived[index].0.name.text] == index {
            compileDerived(index)
        }
        let (rules, exceptions) = compileRules()
        checkDecisionChains(rules)
        let invariants = compileInvariants()
        let tests = compileTests()
        let examples = compileExamples()
        let responsibilities = compileResponsibilities()
        warnUnusedFacts()

        let disabled = composition.disabled.compactMap { d -> DisabledInfo? in
            guard let declaration = composition.replaced[d.id.text] else { return nil }
            return DisabledInfo(id: d.id.text, because: d.because, range: d.range, declaration: declaration)
        }
        // Examples are applied once per test that uses them: report each problem once.
        var seen = Set<String>()
        let sorted = diagnostics.sorted {
            ($0.range.file, $0.range.start, $0.message) < ($1.range.file, $1.range.start, $1.message)
        }.filter { seen.insert("\($0.range.file):\($0.range.start):\($0.code):\($0.message)").inserted }
        // Like the parser, report at most `Parser.maximumErrors` errors per file.
        var errorsPerFile: [Int: Int] = [:]
        let capped = sorted.filter { diagnostic in
            guard diagnostic.severity == .error else { return true }
            errorsPerFile[diagnostic.range.file, default: 0] += 1
            return errorsPerFile[diagnostic.range.file]! <= Parser.maximumErrors
        }
        guard !capped.contains(where: { $0.severity == .error }) else { return (nil, capped) }
        let program = Program(
            files: files, name: name, title: title, sha256: sha256, vocabulary: vocabulary, facts: facts,
            factSlots: factSlots, derived: derived.map { $0! }, decisions: decisions, rules: rules,
            exceptions: exceptions, invariants: invariants, tests: tests, responsibilities: responsibilities,
            disabled: disabled, referenceFact: referenceFact, examples: examples, texts: texts)
        return (program, capped)
    }

    // MARK: - Declarations

    private mutating func declareVocabulary() {
        for kind in VocabularyDeclaration.Kind.allCases {
            var seen = Set<String>()
            for word in composition.vocabulary[kind] ?? [] {
                if !seen.insert(word.text).inserted {
                    warning(
                        "duplicate-word", "`\(word.text)` is already in the \(kind.rawValue) vocabulary", at: word.range
                    )
                }
            }
            vocabulary[kind] = (composition.vocabulary[kind] ?? []).map(\.text).uniqued()
        }
    }

    private mutating func declareFacts() {
        for (declaration, origin) in composition.facts {
            guard facts.count < FactSet.capacity else {
                error(
                    "too-many-facts", "a rule set holds at most \(FactSet.capacity) facts", at: declaration.name.range)
                break
            }
            let type: ValueType
            switch declaration.type {
            case .bool: type = .bool
            case .number: type = .number
            case .text: type = .text
            case .date: type = .date
            case .oneOf(let values):
                var seen = Set<String>()
                for value in values where !seen.insert(value.text).inserted {
                    error("duplicate-value", "`\(value.text)` is listed twice", at: value.range)
                }
                type = .enumeration(values.map(\.text).uniqued())
            }
            if declaration.atLeast != nil || declaration.atMost != nil || declaration.isWhole, type != .number {
                error(
                    "bounds-on-non-number", "only a number fact can have `at least`, `at most` or `whole`",
                    at: declaration.name.range)
            }
            if declaration.format != nil, type != .text {
                error("format-on-non-text", "only a text fact can have a `format`", at: declaration.name.range)
            }
            if declaration.isReference {
                if type != .date {
                    error("reference-not-date", "the reference fact must be a date", at: declaration.name.range)
                } else if referenceFact != nil {
                    error("duplicate-reference", "only one fact can be the reference date", at: declaration.name.range)
                } else {
                    referenceFact = facts.count
                }
            }
            factSlots[declaration.name.text] = facts.count
            factOrigins.append(origin)
            facts.append(
                FactInfo(
                    name: declaration.name.text, type: type, isOptional: declaration.isOptional,
                    isRequired: declaration.isRequired, isWhole: declaration.isWhole, atLeast: declaration.atLeast,
                    atMost: declaration.atMost, title: declaration.title, range: declaration.name.range,
                    format: type == .text ? declaration.format : nil, isFixed: declaration.isFixed))
        }
        // Each group of optional facts gets a presence fact, so "an exception was recorded" is
        // known even when every field of it is unknown.
        for (index, fact) in facts.enumerated() where fact.isOptional {
            guard let group = fact.group, factSlots[group] == nil, facts.count < FactSet.capacity else { continue }
            factSlots[group] = facts.count
            factOrigins.append(factOrigins[index])
            var presence = FactInfo(
                name: group, type: .bool, isOptional: false, isRequired: false, isWhole: false, atLeast: nil,
                atMost: nil, title: "\(group) is given", range: fact.range)
            presence.isGroupPresence = true
            // A group is as fixed as its members: an exception is a past decision or none.
            presence.isFixed = facts[index].isFixed
            facts.append(presence)
        }
    }

    /// The presence fact of the group a fact belongs to, if any.
    private func presenceSlot(of fact: FactInfo) -> Int? {
        guard let group = fact.group, let slot = factSlots[group], facts[slot].isGroupPresence else { return nil }
        return slot
    }

    private mutating func declareDecisions() {
        for (declaration, _) in composition.decisions {
            let outcomes = declaration.outcomes.map(\.text)
            if outcomes.isEmpty {
                error(
                    "no-outcomes", "decision `\(declaration.name.text)` lists no `outcomes`", at: declaration.name.range
                )
            }
            if outcomes.contains(DecisionResult.undetermined) {
                error(
                    "reserved-outcome", "`undetermined` is given by the engine when facts are missing; do not list it",
                    at: declaration.name.range)
            }
            var stages: [StageInfo] = []
            for stage in declaration.stages {
                if !outcomes.contains(stage.outcome.text), !outcomes.isEmpty {
                    error(
                        "unknown-outcome", "decision `\(declaration.name.text)` has no outcome `\(stage.outcome.text)`",
                        at: stage.outcome.range, help: Suggestion.didYouMean(stage.outcome.text, in: outcomes))
                }
                if stages.contains(where: { $0.name == stage.name.text }) {
                    error("duplicate-stage", "stage `\(stage.name.text)` is declared twice", at: stage.name.range)
                }
                stages.append(
                    StageInfo(
                        name: stage.name.text, outcome: stage.outcome.text,
                        overridesUnknowns: stage.overridesUnknowns, rules: [], range: stage.range))
            }
            var otherwise: String?
            if let o = declaration.otherwise {
                if outcomes.contains(o.text) {
                    otherwise = o.text
                } else {
                    error(
                        "unknown-outcome", "decision `\(declaration.name.text)` has no outcome `\(o.text)`",
                        at: o.range,
                        help: Suggestion.didYouMean(o.text, in: outcomes))
                }
            } else {
                error(
                    "no-otherwise", "decision `\(declaration.name.text)` needs an `otherwise` outcome",
                    at: declaration.name.range, help: "say what is decided when no stage holds, e.g. `otherwise admit`")
            }
            if let reason = declaration.otherwiseReason { checkWord(reason, in: .reasons) }
            decisions.append(
                DecisionInfo(
                    name: declaration.name.text, title: declaration.title, condition: nil, outcomes: outcomes,
                    stages: stages, otherwise: otherwise, otherwiseReason: declaration.otherwiseReason?.text,
                    afterRules: [], range: declaration.name.range))
        }
        // Conditions are compiled after all decisions are known, so they can name each other.
        for (index, (declaration, _)) in composition.decisions.enumerated() where index < decisions.count {
            guard let condition = declaration.condition else { continue }
            let compiled = compileCondition(condition, Scope(allowsDecisions: false, what: "a decision's `when`"))
            let d = decisions[index]
            decisions[index] = DecisionInfo(
                name: d.name, title: d.title, condition: compiled, outcomes: d.outcomes, stages: d.stages,
                otherwise: d.otherwise, otherwiseReason: d.otherwiseReason, afterRules: [], range: d.range)
        }
    }

    private mutating func compileDerived(_ index: Int) {
        guard derived[index] == nil else { return }
        let declaration = composition.derived[index].0
        guard !derivedCompiling.contains(index) else {
            error(
                "cycle", "`\(declaration.name.text)` is defined in terms of itself", at: declaration.name.range,
                help: "the rules must not go round in circles")
            derived[index] = DerivedInfo(
                name: declaration.name.text, type: .unresolved, expression: .constant(.none),
                title: declaration.title, range: declaration.name.range)
            return
        }
        derivedCompiling.insert(index)
        let (expression, type) = compile(
            declaration.value, Scope(allowsDecisions: false, what: "a `let`"), expected: nil)
        if type == .unresolved, case .name(let n) = declaration.value { reportUnknownName(n, expected: nil) }
        derivedCompiling.remove(index)
        readsTooDeep = false
        var height = self.height(of: expression)
        if readsTooDeep || tooDeepDerived.contains(index) {
            // Built on a `let` already reported as too deep: one error per chain.
            tooDeepDerived.insert(index)
        } else if height > Checker.maximumHeight, derived[index] == nil {
            tooDeepDerived.insert(index)
            error(
                "too-deep",
                "`\(declaration.name.text)` is too deep: more than \(Checker.maximumHeight) levels, counting the `let`s it reads",
                at: declaration.name.range,
                help:
                    "each operator is a level, and so is each `let` on the way down; use a set with `in`, or fewer terms"
            )
            height = 1
        }
        derivedHeights[index] = height
        if derived[index] == nil {
            derived[index] = DerivedInfo(
                name: declaration.name.text, type: type, expression: expression,
                title: declaration.title, range: declaration.name.range)
        }
    }

    // MARK: - Rules and exceptions

    private mutating func compileRules() -> ([RuleInfo], [ExceptionInfo]) {
        var rules: [RuleInfo] = []
        var exceptions: [ExceptionInfo] = []
        var ruleIndexByID: [String: Int] = [:]
        let reference = referenceFact
        for (declaration, origin) in composition.rules {
            if !declaration.validity.isAlways, reference == nil {
                error(
                    "no-reference-date", "a validity period needs a fact marked `reference`",
                    at: declaration.id.range, help: "declare e.g. `fact reference_date: date, required, reference`")
            }
            if let from = declaration.validity.from, let until = declaration.validity.until, from > until {
                warning(
                    "never-fires", "`\(declaration.id.text)` is never in force: \(from) is after \(until)",
                    at: declaration.id.range)
            }
            let condition: CompiledExpression
            if let c = declaration.condition {
                var scope = Scope(allowsDecisions: declaration.role == .rule && isAfter(declaration), what: "a rule")
                if declaration.role == .rule, case .after(let decision)? = declaration.placement {
                    scope.afterDecision = decision.text
                }
                let errorsBefore = diagnostics.count + silentFailures
                condition = compileCondition(c, scope)
                if diagnostics.count + silentFailures == errorsBefore, condition.isConstant,
                    ReferenceEvaluator.constantTruth(condition) == .false
                {
                    warning(
                        "never-fires", "`\(declaration.id.text)` can never fire: its condition is always false",
                        at: c.range)
                }
            } else {
                error("missing-when", "`\(declaration.id.text)` needs a `when` condition", at: declaration.id.range)
                condition = .constant(.bool(false))
            }
            if let reason = declaration.reason { checkWord(reason, in: .reasons) }
            for action in declaration.actions { checkWord(action, in: .actions) }
            if let old = composition.replaced[declaration.id.text], declaration.isOverride,
                ASTPrinter.print(rule: old, asOverride: false) == ASTPrinter.print(rule: declaration, asOverride: false)
            {
                warning(
                    "override-changes-nothing", "this override of `\(declaration.id.text)` changes nothing",
                    at: declaration.id.range, help: "remove it, or change what the pilot does differently")
            }
            switch declaration.role {
            case .exception:
                if declaration.lifts.isEmpty {
                    error(
                        "exception-lifts-nothing", "exception `\(declaration.id.text)` must say what it `lifts`",
                        at: declaration.id.range, help: "e.g. `lifts kind exclusion`")
                }
                if declaration.placement != nil {
                    error(
                        "exception-placement", "an exception acts through the rules it lifts; it has no `stage`",
                        at: declaration.id.range)
                }
                exceptions.append(
                    ExceptionInfo(
                        id: declaration.id.text, title: declaration.title, source: declaration.source,
                        condition: condition,
                        reason: declaration.reason?.text, lifts: [], validity: declaration.validity, origin: origin,
                        range: declaration.id.range, declaration: declaration))
            case .rule:
                guard let placement = declaration.placement else {
                    error(
                        "missing-stage", "rule `\(declaration.id.text)` must say where it acts",
                        at: declaration.id.range,
                        help: "add `stage intake.exclusion` to decide, or `after intake` to add reasons and actions")
                    continue
                }
                if !declaration.lifts.isEmpty {
                    error("rule-lifts", "only an `exception` can lift rules", at: declaration.id.range)
                }
                guard let (decision, stage) = resolvePlacement(placement) else { continue }
                if stage != nil, declaration.reason == nil {
                    error(
                        "missing-reason", "deciding rule `\(declaration.id.text)` needs a `reason` code",
                        at: declaration.id.range, help: "every decision names its reasons, e.g. `reason entry_ban_10y`")
                }
                if stage == nil, declaration.reason == nil, declaration.actions.isEmpty, declaration.referrals.isEmpty {
                    warning(
                        "rule-adds-nothing", "`\(declaration.id.text)` adds no reason, referral or action",
                        at: declaration.id.range)
                }
                var referrals: [ReferralTarget] = []
                for name in declaration.referrals { if let target = resolveReferral(name) { referrals.append(target) } }
                ruleIndexByID[declaration.id.text] = rules.count
                if let stage {
                    decisions[decision].stages[stage].rules.append(rules.count)
                } else {
                    decisions[decision].afterRules.append(rules.count)
                }
                rules.append(
                    RuleInfo(
                        id: declaration.id.text, title: declaration.title, source: declaration.source,
                        kind: declaration.kind?.text, decision: decision, stage: stage, condition: condition,
                        reason: declaration.reason?.text, referrals: referrals,
                        actions: declaration.actions.map(\.text),
                        validity: declaration.validity, deviation: declaration.deviation, liftedBy: [], origin: origin,
                        range: declaration.id.range, declaration: declaration))
            }
        }
        // Lifts are resolved once every rule is known, whatever the order in the file.
        let kinds = Set(rules.compactMap(\.kind))
        for exceptionIndex in exceptions.indices {
            var lifted: [Int] = []
            for target in exceptions[exceptionIndex].declaration.lifts {
                switch target {
                case .rule(let id):
                    if let index = ruleIndexByID[id.text] {
                        lifted.append(index)
                    } else {
                        error(
                            "unknown-rule", "there is no rule `\(id.text)` to lift", at: id.range,
                            help: Suggestion.didYouMean(id.text, in: ruleIndexByID.keys))
                    }
                case .kind(let kind):
                    let matching = rules.indices.filter { rules[$0].kind == kind.text }
                    // A kind no rule has yet may be meant for the files that extend this one
                    // (`narrowing` in the national file); one close to an existing kind is a typo.
                    if matching.isEmpty, let near = Suggestion.closest(to: kind.text, in: kinds) {
                        warning(
                            "lifts-nothing", "no rule is of kind `\(kind.text)`", at: kind.range,
                            help: "did you mean `\(near)`?")
                    }
                    lifted += matching
                }
            }
            for index in lifted where rules[index].stage == nil {
                error(
                    "lift-after-rule",
                    "`\(rules[index].id)` acts after the decision; an exception lifts deciding rules",
                    at: exceptions[exceptionIndex].range)
            }
            let e = exceptions[exceptionIndex]
            let unique = lifted.uniqued()
            exceptions[exceptionIndex] = ExceptionInfo(
                id: e.id, title: e.title, source: e.source, condition: e.condition, reason: e.reason, lifts: unique,
                validity: e.validity, origin: e.origin, range: e.range, declaration: e.declaration)
            for index in unique { rules[index].liftedBy.append(exceptionIndex) }
        }
        // Exceptions are consulted in id order, so reordering them in a file changes no trace.
        for index in rules.indices {
            rules[index].liftedBy.sort { exceptions[$0].id < exceptions[$1].id }
        }
        // Stage order is declared; within a stage, rules are sorted by id so file order never matters.
        for d in decisions.indices {
            for s in decisions[d].stages.indices {
                decisions[d].stages[s].rules.sort { rules[$0].id < rules[$1].id }
            }
            decisions[d].afterRules.sort { rules[$0].id < rules[$1].id }
        }
        return (rules, exceptions)
    }

    /// Reports a decision whose after-rules read decisions that read decisions … more than
    /// `maximumDecisionChain` deep.
    private mutating func checkDecisionChains(_ rules: [RuleInfo]) {
        func reads(_ e: CompiledExpression, into set: inout Set<Int>) {
            switch e {
            case .decision(let index), .onlyBecause(let index, _): set.insert(index)
            case .constant, .fact, .derived: break  // a `let` cannot read a decision
            case .not(let a), .negate(let a), .presence(let a, _), .member(let a, _, _): reads(a, into: &set)
            case .and(let a, let b), .or(let a, let b), .compare(_, let a, let b), .arithmetic(_, let a, let b):
                reads(a, into: &set)
                reads(b, into: &set)
            case .conditional(let a, let b, let c):
                reads(a, into: &set)
                reads(b, into: &set)
                reads(c, into: &set)
            case .call(_, let arguments): for a in arguments { reads(a, into: &set) }
            }
        }
        var read = Array(repeating: Set<Int>(), count: decisions.count)
        for rule in rules where rule.stage == nil && rule.decision < decisions.count {
            reads(rule.condition, into: &read[rule.decision])
        }
        // Longest chains in dependency order (Kahn's algorithm, no recursion): a decision is
        // measured once every decision it reads is. A rule after a decision reading that same
        // decision reads an outcome already taken, so it is no edge.
        var readers = Array(repeating: [Int](), count: decisions.count)
        var waiting = Array(repeating: 0, count: decisions.count)
        for d in decisions.indices {
            read[d].remove(d)
            waiting[d] = read[d].count
            for j in read[d] { readers[j].append(d) }
        }
        var length = Array(repeating: 0, count: decisions.count)
        var ready = decisions.indices.filter { waiting[$0] == 0 }
        while let j = ready.popLast() {
            length[j] = 1 + (read[j].map { length[$0] }.max() ?? 0)
            for d in readers[j] {
                waiting[d] -= 1
                if waiting[d] == 0 { ready.append(d) }
            }
        }
        // Decisions that read each other in a circle are each taken once, so such a circle is
        // as deep as it is long.
        let circular = decisions.indices.filter { waiting[$0] > 0 }
        for d in decisions.indices {
            let tooLong =
                waiting[d] > 0
                ? circular.count > Checker.maximumDecisionChain : length[d] > Checker.maximumDecisionChain
            guard tooLong else { continue }
            error(
                "too-deep",
                "decision `\(decisions[d].name)` reads the outcomes of decisions more than \(Checker.maximumDecisionChain) deep",
                at: decisions[d].range,
                help: "rules placed `after` a decision read another decision's outcome; keep such chains short")
            break
        }
    }

    private func isAfter(_ rule: RuleDeclaration) -> Bool {
        if case .after = rule.placement { return true }
        return false
    }

    private mutating func resolvePlacement(_ placement: RuleDeclaration.Placement) -> (Int, Int?)? {
        let decisionName: Name
        var stageName: Name?
        switch placement {
        case .stage(let d, let s):
            decisionName = d
            stageName = s
        case .after(let d):
            decisionName = d
        }
        guard let decision = decisions.firstIndex(where: { $0.name == decisionName.text }) else {
            error(
                "unknown-decision", "there is no decision `\(decisionName.text)`", at: decisionName.range,
                help: Suggestion.didYouMean(decisionName.text, in: decisions.map(\.name)))
            return nil
        }
        guard let stageName else { return (decision, nil) }
        guard let stage = decisions[decision].stages.firstIndex(where: { $0.name == stageName.text }) else {
            error(
                "unknown-stage", "decision `\(decisionName.text)` has no stage `\(stageName.text)`",
                at: stageName.range,
                help: Suggestion.didYouMean(stageName.text, in: decisions[decision].stages.map(\.name)))
            return nil
        }
        return (decision, stage)
    }

    private mutating func resolveReferral(_ name: Name) -> ReferralTarget? {
        if (vocabulary[.referrals] ?? []).contains(name.text) { return .fixed(name.text) }
        if let slot = factSlots[name.text], case .enumeration(let values) = facts[slot].type {
            usedFacts.insert(slot)
            if Set(values).isDisjoint(with: vocabulary[.referrals] ?? []) {
                error("referral-fact", "no value of `\(name.text)` is a referral", at: name.range)
            }
            return .fact(slot)
        }
        checkWord(name, in: .referrals)
        return nil
    }

    private mutating func checkWord(_ word: Name, in kind: VocabularyDeclaration.Kind) {
        let words = vocabulary[kind] ?? []
        guard !words.contains(word.text) else { return }
        let singular = ["reasons": "a reason code", "referrals": "a referral", "actions": "an action"][kind.rawValue]!
        error(
            "unknown-\(kind.rawValue)",
            "`\(word.text)` is not \(singular) in the vocabulary", at: word.range,
            help: Suggestion.didYouMean(word.text, in: words) ?? "add it to `vocabulary \(kind.rawValue)` first")
    }

    // MARK: - Invariants, tests, responsibilities

    private mutating func compileInvariants() -> [InvariantInfo] {
        composition.invariants.map { declaration, origin in
            var expression = compileCondition(
                declaration.expression, Scope(allowsDecisions: true, what: "an invariant"))
            if declaration.isNever { expression = .not(expression) }
            return InvariantInfo(
                id: declaration.id.text, title: declaration.title, source: declaration.source,
                mustHold: expression, declaration: declaration, origin: origin)
        }
    }

    private mutating func compileTests() -> [TestInfo] {
        var titles = Set<String>()
        // Every example is worked out, used or not, so a cycle or a mistake in one no test uses
        // yet is reported too.
        for name in composition.examples.keys.sorted() { _ = exampleEffect(composition.examples[name]!.name) }
        return composition.tests.map { test, file in
            if !titles.insert(test.title).inserted {
                warning("duplicate-test", "two tests are called \"\(test.title)\"", at: test.range)
            }
            // Like a case: an optional fact not given is known to be absent; any other is unknown.
            var values: [Value?] = facts.map { $0.isOptional ? Value.none : ($0.isGroupPresence ? .bool(false) : nil) }
            var effect: [Int: FactEffect] = [:]
            for base in test.bases { if let e = exampleEffect(base) { compose(&effect, then: e) } }
            checkRepeatedFacts(test.assignments)
            for assignment in test.assignments { apply(assignment, to: &effect) }
            for (slot, e) in effect { e.apply(to: &values[slot]) }
            for expectation in test.expectations { checkExpectation(expectation) }
            for id in test.violates where !composition.invariants.contains(where: { $0.0.id.text == id.text }) {
                error(
                    "unknown-invariant", "there is no invariant `\(id.text)`", at: id.range,
                    help: Suggestion.didYouMean(id.text, in: composition.invariants.map(\.0.id.text)))
            }
            return TestInfo(
                title: test.title, facts: values, file: file, expectations: test.expectations,
                violates: test.violates.map(\.text), range: test.range)
        }
    }

    /// Every example as the facts it gives, the top file's first (a pilot's own cases fit its
    /// rules best), then by position: counterexamples start from them. Each is its worked-out
    /// effect (`exampleEffect`) applied to an empty case.
    private mutating func compileExamples() -> [ExampleInfo] {
        let ordered = composition.examples.values.sorted {
            (-$0.range.file, $0.range.start) < (-$1.range.file, $1.range.start)
        }
        return ordered.map { example in
            var values: [Value?] = facts.map { $0.isOptional ? Value.none : ($0.isGroupPresence ? .bool(false) : nil) }
            if let effect = exampleEffect(example.name) {
                for (slot, e) in effect { e.apply(to: &values[slot]) }
            }
            return ExampleInfo(name: example.name.text, file: example.range.file, facts: values)
        }
    }

    /// What giving an example does to a case's facts, once per example however many tests and
    /// examples build on it. Worked out without recursion (an explicit stack), so a chain of
    /// thousands of examples is as safe as a short one; nil when the example is unknown or in a
    /// cycle (reported).
    private mutating func exampleEffect(_ root: Name) -> [Int: FactEffect]? {
        if let known = exampleEffects[root.text] { return known }
        guard composition.examples[root.text] != nil else {
            reportUnknownExample(root)
            return nil
        }
        var stack: [(example: ExampleDeclaration, next: Int)] = [(composition.examples[root.text]!, 0)]
        var open: Set<String> = [root.text]
        while let top = stack.last {
            if top.next < top.example.bases.count {
                stack[stack.count - 1].next += 1
                let base = top.example.bases[top.next]
                if exampleEffects[base.text] != nil { continue }
                guard let declaration = composition.examples[base.text] else {
                    reportUnknownExample(base)
                    continue
                }
                guard open.insert(base.text).inserted else {
                    error("cycle", "example `\(base.text)` is built on itself", at: base.range)
                    continue
                }
                stack.append((declaration, 0))
                continue
            }
            var effect: [Int: FactEffect] = [:]
            for base in top.example.bases {
                if let e = exampleEffects[base.text] { compose(&effect, then: e) }
            }
            checkRepeatedFacts(top.example.assignments)
            for assignment in top.example.assignments { apply(assignment, to: &effect) }
            exampleEffects[top.example.name.text] = effect
            open.remove(top.example.name.text)
            stack.removeLast()
        }
        return exampleEffects[root.text]
    }

    private mutating func reportUnknownExample(_ name: Name) {
        error(
            "unknown-example", "there is no example `\(name.text)`", at: name.range,
            help: Suggestion.didYouMean(name.text, in: composition.examples.keys)
                ?? (factSlots[name.text] != nil ? "give the fact a value: `\(name.text) = …`" : nil))
    }

    /// A fact given twice in one `given` list: the second would silently win.
    private mutating func checkRepeatedFacts(_ assignments: [FactAssignment]) {
        var seen = Set<String>()
        for assignment in assignments where !seen.insert(assignment.fact.text).inserted {
            error(
                "repeated-fact", "`\(assignment.fact.text)` is given twice", at: assignment.fact.range,
                help: "give each fact once")
        }
    }

    /// `second` applied after `first`, as one effect.
    private func compose(_ first: inout [Int: FactEffect], then second: [Int: FactEffect]) {
        for (slot, effect) in second { first[slot] = effect.after(first[slot]) }
    }

    private mutating func apply(_ assignment: FactAssignment, to effect: inout [Int: FactEffect]) {
        guard let slot = factSlots[assignment.fact.text] else {
            error(
                "unknown-fact", "there is no fact `\(assignment.fact.text)`", at: assignment.fact.range,
                help: Suggestion.didYouMean(assignment.fact.text, in: factSlots.keys))
            return
        }
        let fact = facts[slot]
        let value: Value?
        switch assignment.value {
        case .unknown: value = nil
        case .none where fact.type.enumerationValues?.contains("none") == true:
            value = .text("none")
        case .none(let range):
            if !fact.isOptional, fact.group == nil || !(facts.contains { $0.group == fact.group && $0.isOptional }) {
                error(
                    "none-for-required", "`\(fact.name)` cannot be `none`; write `unknown` for a missing value",
                    at: range)
            }
            value = Value.none
        case .name(let n):
            if case .enumeration(let options) = fact.type, options.contains(n.text) {
                value = .text(n.text)
            } else {
                error(
                    "unknown-value", "`\(n.text)` is not a value of `\(fact.name)`", at: n.range,
                    help: (fact.type.enumerationValues).flatMap { Suggestion.didYouMean(n.text, in: $0) }
                        ?? "`\(fact.name)` is \(fact.type)")
                value = nil
            }
        case .number(let n, let range):
            if fact.type != .number { typeMismatch(fact, range) }
            if let least = fact.atLeast, n < least {
                error("out-of-range", "`\(fact.name)` is at least \(least)", at: range)
            }
            if let most = fact.atMost, n > most {
                error("out-of-range", "`\(fact.name)` is at most \(most)", at: range)
            }
            if fact.isWhole, !n.isInteger { error("out-of-range", "`\(fact.name)` is a whole number", at: range) }
            value = .number(n)
        case .negate(.number(let n, _), let range):
            if fact.type != .number { typeMismatch(fact, range) }
            let v = n.negated
            if let least = fact.atLeast, v < least {
                error("out-of-range", "`\(fact.name)` is at least \(least)", at: range)
            }
            if let most = fact.atMost, v > most {
                error("out-of-range", "`\(fact.name)` is at most \(most)", at: range)
            }
            if fact.isWhole, !v.isInteger { error("out-of-range", "`\(fact.name)` is a whole number", at: range) }
            value = .number(v)
        case .text(let t, let range):
            if fact.type != .text { typeMismatch(fact, range) }
            if let format = fact.format, !format.matches(t) {
                error("out-of-range", "`\(fact.name)` is text of the form \(format.explanation)", at: range)
            }
            value = .text(t)
        case .date(let d, let range):
            if fact.type != .date { typeMismatch(fact, range) }
            value = .date(d)
        case .bool(let b, let range):
            if fact.type != .bool { typeMismatch(fact, range) }
            value = .bool(b)
        default:
            error(
                "expected-literal", "a test gives facts plain values", at: assignment.value.range,
                help: "write a number, text, date, `true`, `false`, `none`, `unknown` or a value name")
            value = nil
        }
        effect[slot] = .set(value)
        // Giving a member of an optional group (`exceptional_admission.date`) makes the group present:
        // its other members become unknown rather than none; `none` makes the whole group absent.
        if let group = fact.group, let presence = presenceSlot(of: fact) {
            let absent = value == Value.none
            effect[presence] = .set(.bool(!absent))
            for (other, info) in facts.enumerated() where info.group == group && other != slot {
                effect[other] = absent ? .set(Value.none) : FactEffect.noneBecomesUnknown.after(effect[other])
            }
        }
    }

    private mutating func typeMismatch(_ fact: FactInfo, _ range: SourceRange) {
        error("type-mismatch", "`\(fact.name)` is \(fact.type)", at: range)
    }

    private mutating func checkExpectation(_ expectation: Expectation) {
        guard let decision = decisions.first(where: { $0.name == expectation.decision.text }) else {
            error(
                "unknown-decision", "there is no decision `\(expectation.decision.text)`",
                at: expectation.decision.range,
                help: Suggestion.didYouMean(expectation.decision.text, in: decisions.map(\.name)))
            return
        }
        let outcomes = decision.outcomes + [DecisionResult.undetermined]
        if !outcomes.contains(expectation.outcome.text) {
            error(
                "unknown-outcome", "decision `\(decision.name)` has no outcome `\(expectation.outcome.text)`",
                at: expectation.outcome.range, help: Suggestion.didYouMean(expectation.outcome.text, in: outcomes))
        }
        for word in expectation.reasons ?? [] { checkWord(word, in: .reasons) }
        for word in expectation.referrals ?? [] { checkWord(word, in: .referrals) }
        for word in expectation.actions ?? [] { checkWord(word, in: .actions) }
        for fact in expectation.missing ?? [] where factSlots[fact.text] == nil {
            error(
                "unknown-fact", "there is no fact `\(fact.text)`", at: fact.range,
                help: Suggestion.didYouMean(fact.text, in: factSlots.keys))
        }
    }

    private mutating func compileResponsibilities() -> [ResponsibilityInfo] {
        composition.responsibilities.map { declaration in
            let slots = declaration.facts.compactMap { name -> Int? in
                guard let slot = factSlots[name.text] else {
                    error(
                        "unknown-fact", "there is no fact `\(name.text)`", at: name.range,
                        help: Suggestion.didYouMean(name.text, in: factSlots.keys))
                    return nil
                }
                return slot
            }
            return ResponsibilityInfo(party: declaration.party, facts: slots, source: declaration.source)
        }
    }

    private mutating func warnUnusedFacts() {
        for (slot, fact) in facts.enumerated() where !usedFacts.contains(slot) {
            // Facts that are part of the case format without these rules reading them say so
            // with `recorded`; facts of a base file may be read by the files that extend it.
            if fact.isGroupPresence || referenceFact == slot || fact.isRequired { continue }
            if composition.facts[slot].0.isRecorded { continue }
            if case .inherited = factOrigins[slot] { continue }
            warning(
                "unused-fact", "fact `\(fact.name)` is never used by a rule", at: fact.range,
                help: "remove it, or use it in a rule")
        }
    }

    // MARK: - Expressions

    /// The height of a compiled expression, a `let` read counting as a level above its own
    /// height. Its recursion is bounded: a compiled expression is at most as high as the
    /// compile calls that built it (`compileDepth`).
    private mutating func height(of expression: CompiledExpression) -> Int {
        switch expression {
        case .constant, .fact, .decision, .onlyBecause: return 1
        case .derived(let index):
            if tooDeepDerived.contains(index) { readsTooDeep = true }
            return 1 + (derivedHeights[index] ?? 0)
        case .not(let e), .negate(let e), .presence(let e, _), .member(let e, _, _): return 1 + height(of: e)
        case .and(let a, let b), .or(let a, let b), .compare(_, let a, let b), .arithmetic(_, let a, let b):
            return 1 + max(height(of: a), height(of: b))
        case .conditional(let a, let b, let c): return 1 + max(height(of: a), height(of: b), height(of: c))
        case .call(_, let arguments): return 1 + (arguments.map { height(of: $0) }.max() ?? 0)
        }
    }

    private mutating func compileCondition(_ expression: Expression, _ scope: Scope) -> CompiledExpression {
        let (compiled, type) = compile(expression, scope, expected: .bool)
        readsTooDeep = false
        if height(of: compiled) > Checker.maximumHeight, !readsTooDeep {
            error(
                "too-deep",
                "this condition is too deep: more than \(Checker.maximumHeight) levels, counting the `let`s it reads",
                at: expression.range,
                help:
                    "each operator is a level, and so is each `let` on the way down; use a set with `in`, or fewer terms"
            )
        }
        switch type {
        case .bool, .unresolved: break
        default:
            error(
                "not-a-condition", "a condition must be true or false, but this is \(type)", at: expression.range,
                help: "compare it with something, e.g. `= true` or `>= 10`")
        }
        if type == .unresolved, case .name(let n) = expression { reportUnknownName(n, expected: .bool) }
        refuseAbsentTruth(compiled, type, expression)
        return compiled
    }

    /// An optional yes/no fact that is absent is `none`, which is neither true nor false: as an
    /// operand of `and`/`or`/`not` or as a condition it would act as true in one place and false
    /// in another. So it must be compared (`p = true`) or tested (`p is present`) explicitly.
    private mutating func refuseAbsentTruth(_ compiled: CompiledExpression, _ type: ValueType, _ expression: Expression)
    {
        guard Checker.refusesOptionalTruthValues, type == .bool, mayBeNone(compiled) else { return }
        let text = describe(expression)
        error(
            "optional-truth-value", "`\(text)` may be absent (`none`), so it is not true or false by itself",
            at: expression.range,
            help: "write `\(text) = true`, `\(text) = false` or `\(text) is present`, as the rule means it")
    }

    /// Whether a compiled value can be `none`: an optional fact, read directly or through `let`s
    /// and `if` branches. A worklist with a visited set, so neither deep nor shared `let`s cost more
    /// than one visit each.
    private func mayBeNone(_ compiled: CompiledExpression) -> Bool {
        var work = [compiled]
        var visited = Set<Int>()
        while let next = work.popLast() {
            switch next {
            case .fact(let slot):
                if facts[slot].isOptional { return true }
            case .constant(let value):
                if value == .none { return true }
            case .derived(let index):
                if visited.insert(index).inserted, let info = derived[index] { work.append(info.expression) }
            case .conditional(_, let a, let b):
                work.append(a)
                work.append(b)
            case .decision, .onlyBecause, .not, .and, .or, .compare, .member, .presence, .call, .arithmetic, .negate:
                break
            }
        }
        return false
    }

    /// Compiles an expression. A bare name that resolves to nothing comes back as `.unresolved`
    /// without an error, so the caller can still read it as a value of the other operand's enum.
    private mutating func compile(_ expression: Expression, _ scope: Scope, expected: ValueType?)
        -> (CompiledExpression, ValueType)
    {
        compileDepth += 1
        defer { compileDepth -= 1 }
        // Through `let`s and `const`s declared before they are read, compiling recurses as deep
        // as the chain: stop at the height every later pass is promised.
        guard compileDepth <= Checker.maximumHeight else {
            if !reportedTooDeep {
                reportedTooDeep = true
                error(
                    "too-deep",
                    "too deep: more than \(Checker.maximumHeight) levels, counting the `let`s and `const`s read",
                    at: expression.range,
                    help:
                        "each operator is a level, and so is each `let` on the way down; use a set with `in`, or fewer terms"
                )
            }
            silentFailures += 1
            // Every `let` being compiled is on the path that went too deep: reported once, here.
            tooDeepDerived.formUnion(derivedCompiling)
            return (.constant(.none), .unresolved)
        }
        switch expression {
        case .name(let name):
            return resolve(name, scope, expected: expected)
        case .number(let n, _): return (.constant(.number(n)), .number)
        case .text(let t, _): return (.constant(.text(t)), .text)
        case .date(let d, _): return (.constant(.date(d)), .date)
        case .bool(let b, _): return (.constant(.bool(b)), .bool)
        case .none:
            // `none` is also a value of some enumerations (`reception_entitlement = none`).
            if let values = expected?.enumerationValues, values.contains("none") {
                return (.constant(.text("none")), expected!)
            }
            return (.constant(.none), .none)
        case .unknown(let range):
            error(
                "unknown-in-rule", "`unknown` can only be given in tests", at: range,
                help: "rules see unknown facts by themselves; use `is none` for an absent optional fact")
            return (.constant(.none), .unresolved)
        case .set(_, let range):
            error("set-outside-in", "a set can only stand after `in`", at: range)
            return (.constant(.none), .unresolved)
        case .call(let name, let arguments, let range):
            return compileCall(name, arguments, range, scope)
        case .not(let operand, _):
            let compiled = expectBool(operand, scope)
            return (.not(compiled), .bool)
        case .negate(let operand, let range):
            let (compiled, type) = compile(operand, scope, expected: .number)
            if type != .number, type != .unresolved {
                error("type-mismatch", "only a number can be negated, not \(type)", at: range)
            }
            return (.negate(compiled), .number)
        case .presence(let operand, let isPresent, let range):
            let (compiled, _) = compile(operand, scope, expected: nil)
            // A `let` that may be absent (it reads an optional fact) can be tested like the fact.
            var optional = mayBeNone(compiled)
            if case .fact(let slot) = compiled {
                let fact = facts[slot]
                optional = optional || facts.contains { $0.group != nil && $0.group == fact.group && $0.isOptional }
            }
            if case .fact(let slot) = compiled, facts[slot].isGroupPresence {
                // `exceptional_admission is present` asks about the whole group, through its presence fact.
                for member in facts.indices where facts[member].group == facts[slot].name { usedFacts.insert(member) }
                return (isPresent ? compiled : .not(compiled), .bool)
            }
            if !optional {
                error(
                    "not-optional", "only an `optional` fact can be `none`", at: range,
                    help: "a missing value of any other fact is unknown, and the engine handles that by itself")
            }
            return (.presence(compiled, isPresent: isPresent), .bool)
        case .conditional(let condition, let then, let otherwise, let range):
            let c = expectBool(condition, scope)
            let (a, aType) = compile(then, scope, expected: expected)
            let (b, bType) = compile(otherwise, scope, expected: aType == .unresolved ? expected : aType)
            if !aType.isComparable(with: bType) {
                error("type-mismatch", "both branches must have the same type: \(aType) and \(bType)", at: range)
            }
            return (.conditional(c, a, b), aType == .none ? bType : aType)
        case .binary(let op, let left, let right, let range):
            return compileBinary(op, left, right, range, scope)
        }
    }

    private mutating func expectBool(_ expression: Expression, _ scope: Scope) -> CompiledExpression {
        let (compiled, type) = compile(expression, scope, expected: .bool)
        if type == .unresolved, case .name(let n) = expression { reportUnknownName(n, expected: .bool) }
        if type != .bool, type != .unresolved {
            error("not-a-condition", "expected true or false, but this is \(type)", at: expression.range)
        }
        refuseAbsentTruth(compiled, type, expression)
        return compiled
    }

    private mutating func resolve(_ name: Name, _ scope: Scope, expected: ValueType?) -> (CompiledExpression, ValueType)
    {
        if let slot = factSlots[name.text] {
            usedFacts.insert(slot)
            return (.fact(slot), facts[slot].type)
        }
        if let index = derivedIndex[name.text] {
            compileDerived(index)
            return (.derived(index), derived[index]?.type ?? .unresolved)
        }
        if let constant = constants[name.text] {
            let key = "\(name.text) \(expected.map { "\($0)" } ?? "")"
            if let cached = constantCache[key] { return cached }
            guard constantsCompiling.insert(name.text).inserted else {
                error("cycle", "`\(name.text)` is defined in terms of itself", at: name.range)
                return (.constant(.none), .unresolved)
            }
            defer { constantsCompiling.remove(name.text) }
            if case .set = constant.value {
                error("set-outside-in", "`\(name.text)` is a set: use it after `in`", at: name.range)
                return (.constant(.none), .unresolved)
            }
            let (compiled, type) = compile(constant.value, scope, expected: expected)
            if !compiled.isConstant {
                error(
                    "constant-not-constant", "`const \(name.text)` must not depend on facts", at: constant.name.range,
                    help: "use `let` for values computed from facts")
            }
            var result = (compiled, type)
            if compiled.isConstant, let value = ReferenceEvaluator.constantValue(compiled) {
                result.0 = .constant(value)
            }
            constantCache[key] = result
            return result
        }
        if let index = decisions.firstIndex(where: { $0.name == name.text }) {
            if !scope.allowsDecisions {
                error(
                    "decision-in-rule", "\(scope.what) cannot depend on the outcome of `\(name.text)`", at: name.range,
                    help: "only rules placed `after` a decision, and invariants, may read outcomes")
            }
            return (.decision(index), .enumeration(decisions[index].outcomes))
        }
        if let expected, case .enumeration(let values) = expected, values.contains(name.text) {
            return (.constant(.text(name.text)), expected)
        }
        return (.constant(.text(name.text)), .unresolved)
    }

    private mutating func reportUnknownName(_ name: Name, expected: ValueType?) {
        // A declared name without a type (a `let` in a cycle) already has its own error.
        if derivedIndex[name.text] != nil || constants[name.text] != nil {
            silentFailures += 1
            return
        }
        var candidates =
            Array(factSlots.keys) + Array(derivedIndex.keys) + Array(constants.keys) + decisions.map(\.name)
        if let values = expected?.enumerationValues { candidates += values }
        if let values = expected?.enumerationValues, !values.isEmpty {
            error(
                "unknown-value",
                "`\(name.text)` is not one of the values \(values.map { "`\($0)`" }.joined(separator: ", "))",
                at: name.range, help: Suggestion.didYouMean(name.text, in: values))
        } else {
            error(
                "unknown-name", "unknown name `\(name.text)`", at: name.range,
                help: Suggestion.didYouMean(name.text, in: candidates) ?? "declare it with `fact`, `let` or `const`")
        }
    }

    private mutating func compileBinary(
        _ op: BinaryOperator, _ left: Expression, _ right: Expression, _ range: SourceRange, _ scope: Scope
    ) -> (CompiledExpression, ValueType) {
        switch op {
        case .and, .or:
            let a = expectBool(left, scope)
            let b = expectBool(right, scope)
            return (op == .and ? .and(a, b) : .or(a, b), .bool)
        case .in, .notIn:
            let (value, type) = compile(left, scope, expected: nil)
            if type == .unresolved, case .name(let n) = left { reportUnknownName(n, expected: nil) }
            guard let elements = setElements(right) else {
                error("not-a-set", "`in` needs a set, such as `{\"NL\", \"BE\"}` or a `const` set", at: right.range)
                return (.constant(.bool(false)), .bool)
            }
            var members = Set<Value>()
            for element in elements {
                let (compiled, elementType) = compile(element, scope, expected: type)
                if elementType == .unresolved, case .name(let n) = element {
                    reportUnknownName(n, expected: type)
                    continue
                }
                if !type.isComparable(with: elementType) {
                    error(
                        "type-mismatch",
                        "\(type == .unresolved ? "the value" : "`\(describe(left))`") is \(type), but this is \(elementType)",
                        at: element.range)
                    continue
                }
                guard compiled.isConstant, let constant = ReferenceEvaluator.constantValue(compiled) else {
                    error("set-not-constant", "a set may hold only fixed values", at: element.range)
                    continue
                }
                members.insert(constant)
            }
            return (.member(value, members, negated: op == .notIn), .bool)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            var (a, aType) = compile(left, scope, expected: nil)
            let (b, bType) = compile(right, scope, expected: aType == .unresolved ? nil : aType)
            if aType == .unresolved, bType != .unresolved, recompilations < 10_000 {
                recompilations += 1
                (a, aType) = compile(left, scope, expected: bType)
            }
            if aType == .unresolved, case .name(let n) = left {
                reportUnknownName(n, expected: bType)
                return (.constant(.bool(false)), .bool)
            }
            if bType == .unresolved, case .name(let n) = right {
                reportUnknownName(n, expected: aType)
                return (.constant(.bool(false)), .bool)
            }
            if aType == .unresolved || bType == .unresolved { return (.compare(.equal, a, b), .bool) }
            if !aType.isComparable(with: bType) {
                error(
                    "type-mismatch",
                    "cannot compare `\(describe(left))` (\(aType)) with `\(describe(right))` (\(bType))",
                    at: range, help: hint(aType, bType))
            } else if op != .equal, op != .notEqual {
                let ordered: Set<ValueType> = [.number, .date]
                if !ordered.contains(aType) || !ordered.contains(bType) {
                    error(
                        "not-ordered",
                        "`\(op.rawValue)` compares numbers or dates, not \(aType == .number || aType == .date ? bType : aType)",
                        at: range, help: "use `=` or `!=`")
                }
            }
            if case .enumeration(let values) = aType, case .constant(.text(let t)) = b, !values.contains(t),
                bType == .text
            {
                error(
                    "unknown-value", "`\(describe(left))` is never \"\(t)\"", at: right.range,
                    help: Suggestion.didYouMean(t, in: values) ?? "its values are \(values.joined(separator: ", "))")
            }
            let comparison: ComparisonOperator = [
                .equal: .equal, .notEqual: .notEqual, .less: .less, .lessOrEqual: .lessOrEqual, .greater: .greater,
                .greaterOrEqual: .greaterOrEqual,
            ][op]!
            return (.compare(comparison, a, b), .bool)
        case .plus, .minus, .times:
            let (a, aType) = compile(left, scope, expected: .number)
            let (b, bType) = compile(right, scope, expected: .number)
            for (expression, type) in [(left, aType), (right, bType)] where type != .number {
                if type == .unresolved, case .name(let n) = expression {
                    reportUnknownName(n, expected: .number)
                    continue
                }
                error(
                    "type-mismatch", "`\(op.rawValue)` works on numbers, but `\(describe(expression))` is \(type)",
                    at: expression.range,
                    help: type == .date ? "for dates use `add_days`, `add_months`, `days_between` and the like" : nil)
            }
            let arithmetic: ArithmeticOperator = op == .plus ? .plus : (op == .minus ? .minus : .times)
            let compiled = CompiledExpression.arithmetic(arithmetic, a, b)
            checkInRange(compiled, aType == .number && bType == .number, range)
            return (compiled, .number)
        }
    }

    /// The elements of a set literal, directly or through a `const`.
    private func setElements(_ expression: Expression) -> [Expression]? {
        switch expression {
        case .set(let elements, _): return elements
        case .name(let name):
            if let constant = constants[name.text], case .set(let elements, _) = constant.value { return elements }
            return nil
        default: return nil
        }
    }

    private mutating func compileCall(_ name: Name, _ arguments: [Expression], _ range: SourceRange, _ scope: Scope)
        -> (CompiledExpression, ValueType)
    {
        if name.text == Checker.onlyBecause { return compileOnlyBecause(arguments, range, scope) }
        guard let builtin = Builtin(rawValue: name.text) else {
            let functions = Builtin.allCases.map(\.rawValue) + [Checker.onlyBecause]
            error(
                "unknown-function", "unknown function `\(name.text)`", at: name.range,
                help: Suggestion.didYouMean(name.text, in: functions)
                    ?? "functions are " + functions.map { "`\($0)`" }.joined(separator: ", "))
            return (.constant(.none), .unresolved)
        }
        let parameters: [ValueType]
        let result: ValueType
        switch builtin {
        case .yearsBetween, .monthsBetween, .daysBetween:
            parameters = [.date, .date]
            result = .number
        case .addDays, .addMonths, .addYears:
            parameters = [.date, .number]
            result = .date
        case .isBlank:
            parameters = [.text]
            result = .bool
        }
        guard arguments.count == parameters.count else {
            let what = parameters.count == 1 ? "1 value" : "\(parameters.count) values"
            let written = parameters.map { $0 == .date ? "date" : $0 == .number ? "number" : "text" }
            error(
                "wrong-arguments", "`\(name.text)` takes \(what), not \(arguments.count)", at: range,
                help: "write `\(name.text)(\(written.joined(separator: ", ")))`")
            // Reported once: a yes/no result stands in as `false`, not `none`, so the condition is
            // not refused a second time as an optional truth value.
            return (.constant(result == .bool ? .bool(false) : .none), result)
        }
        var compiled: [CompiledExpression] = []
        for (argument, parameter) in zip(arguments, parameters) {
            let (c, type) = compile(argument, scope, expected: parameter)
            if type == .unresolved, case .name(let n) = argument { reportUnknownName(n, expected: parameter) }
            if type != parameter, type != .unresolved {
                error(
                    "type-mismatch", "`\(name.text)` needs \(parameter) here, but `\(describe(argument))` is \(type)",
                    at: argument.range)
            }
            compiled.append(c)
        }
        let call = CompiledExpression.call(builtin, compiled)
        checkInRange(call, true, range)
        return (call, result)
    }

    /// A constant computation whose result is beyond the number or date range is an error: on
    /// a case it would be unknown, so such a rule could never decide.
    private mutating func checkInRange(_ expression: CompiledExpression, _ typed: Bool, _ range: SourceRange) {
        guard typed, expression.isConstant else { return }
        // Only where this computation itself leaves the range (an operand out of range has its own error).
        var operands: [CompiledExpression] = []
        if case .arithmetic(_, let a, let b) = expression { operands = [a, b] }
        if case .call(_, let arguments) = expression { operands = arguments }
        let operandsKnown = operands.allSatisfy { ReferenceEvaluator.constantValue($0) != nil }
        if operandsKnown, ReferenceEvaluator.constantValue(expression) == nil {
            error(
                "out-of-range", "this is beyond the range of numbers and dates the rules can hold", at: range,
                help: "numbers have at most 12 digits before and 6 after the decimal point")
        }
    }

    private static let onlyBecause = "only_because"

    /// `only_because(DECISION, {code, …})`: whether a decision holds only for these reasons,
    /// whatever the unknown facts are. Read only by a rule placed after that decision, which sees
    /// the decision's reasons and its open rules (a deciding rule cannot depend on them).
    private mutating func compileOnlyBecause(_ arguments: [Expression], _ range: SourceRange, _ scope: Scope)
        -> (CompiledExpression, ValueType)
    {
        let usage = "write `only_because(DECISION, {REASON, …})`, e.g. `only_because(intake, {no_regional_binding})`"
        guard arguments.count == 2, case .name(let decisionName) = arguments[0],
            let elements = setElements(arguments[1])
        else {
            error(
                "wrong-arguments", "`only_because` takes a decision and a set of reason codes", at: range, help: usage)
            return (.constant(.bool(false)), .bool)
        }
        guard let index = decisions.firstIndex(where: { $0.name == decisionName.text }) else {
            error(
                "unknown-decision", "there is no decision `\(decisionName.text)`", at: decisionName.range,
                help: Suggestion.didYouMean(decisionName.text, in: decisions.map(\.name)))
            return (.constant(.bool(false)), .bool)
        }
        guard scope.afterDecision == decisionName.text else {
            let decision = decisionName.text
            error(
                "only-because-outside-after",
                "`only_because(\(decision), …)` can only be read by a rule placed `after \(decision)`", at: range,
                help: "the reasons of a decision are known once it is decided: place the rule `after \(decision)`")
            return (.constant(.bool(false)), .bool)
        }
        var codes = Set<String>()
        for element in elements {
            guard case .name(let word) = element else {
                error(
                    "type-mismatch", "the set of `only_because` holds reason codes, written without quotes",
                    at: element.range)
                continue
            }
            checkWord(word, in: .reasons)
            codes.insert(word.text)
        }
        return (.onlyBecause(decision: index, codes: codes), .bool)
    }

    private func hint(_ a: ValueType, _ b: ValueType) -> String? {
        switch (a, b) {
        case (.date, .number), (.number, .date):
            return "to compare an age, use `years_between(birth_date, reference_date)`"
        case (.enumeration(let values), .text), (.text, .enumeration(let values)):
            return "write the value without quotes: one of \(values.joined(separator: ", "))"
        default:
            return nil
        }
    }

    private func describe(_ expression: Expression) -> String {
        ASTPrinter.print(expression)
    }

    private mutating func error(_ code: String, _ message: String, at range: SourceRange, help: String? = nil) {
        diagnostics.append(.error(code, message, at: range, help: help))
    }

    private mutating func warning(_ code: String, _ message: String, at range: SourceRange, help: String? = nil) {
        diagnostics.append(.warning(code, message, at: range, help: help))
    }
}

/// What giving facts does to one fact of a case: set it, or (a sibling in an optional group
/// that became present) turn a `none` into unknown. Effects compose, so an example is worked
/// out once and then applied as a whole.
enum FactEffect: Equatable {
    case set(Value?)
    case noneBecomesUnknown

    /// This effect applied after `earlier` (nil: nothing happened before).
    func after(_ earlier: FactEffect?) -> FactEffect {
        switch (self, earlier) {
        case (.set, _), (.noneBecomesUnknown, nil), (.noneBecomesUnknown, .noneBecomesUnknown?): return self
        case (.noneBecomesUnknown, .set(let value)?): return .set(value == Value.none ? nil : value)
        }
    }

    func apply(to value: inout Value?) {
        switch self {
        case .set(let v): value = v
        case .noneBecomesUnknown: if value == Value.none { value = nil }
        }
    }
}

extension ValueType {
    package var enumerationValues: [String]? {
        if case .enumeration(let values) = self { return values }
        return nil
    }
}

extension Array where Element: Hashable {
    /// The elements in order, each kept once.
    package func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
