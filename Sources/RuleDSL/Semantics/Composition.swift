import RuleSyntax
import RuleValues

/// Merges a chain of parsed rule files (base first) into one set of declarations, applying each
/// file's additions, overrides and switch-offs in order, and remembering where each came from.
/// This is where "a pilot extends the national file" is given its meaning.
struct Composition {
    var vocabulary: [VocabularyDeclaration.Kind: [Name]] = [:]
    var facts: [(FactDeclaration, Origin)] = []
    var constants: [(ValueDeclaration, Origin)] = []
    var derived: [(ValueDeclaration, Origin)] = []
    var decisions: [(DecisionDeclaration, Origin)] = []
    var rules: [(RuleDeclaration, Origin)] = []
    var disabled: [DisableDeclaration] = []
    /// Rules replaced by an override, by id: what the pilot changed, for warnings and readers.
    var replaced: [String: RuleDeclaration] = [:]
    var examples: [String: ExampleDeclaration] = [:]
    var tests: [(TestDeclaration, Int)] = []
    var invariants: [(InvariantDeclaration, Origin)] = []
    var responsibilities: [ResponsibilityDeclaration] = []
    var diagnostics: [Diagnostic] = []
    /// Where each rule is in `rules`, by id, and the names already declared: looked up, not
    /// searched, so a file of 10,000 rules composes in linear time.
    private var ruleIndex: [String: Int] = [:]
    /// Rules switched off (`disable`), taken out of `rules` once the chain is composed.
    private var removedRules = Set<Int>()
    private var factNames = Set<String>()
    private var decisionIndex: [String: Int] = [:]
    private var invariantIDs = Set<String>()

    /// Composes `files` in order; only the last file's tests are kept (a pilot's tests check the
    /// pilot, the national tests check the national file on its own).
    init(_ files: [RuleFile]) {
        let top = files.count - 1
        for (fileIndex, file) in files.enumerated() {
            let validity = file.header?.validity ?? Validity()
            let origin: Origin = .declared(file: fileIndex)
            for declaration in file.declarations {
                switch declaration {
                case .vocabulary(let v):
                    vocabulary[v.kind, default: []] += v.words
                case .fact(let f):
                    if !factNames.insert(f.name.text).inserted {
                        duplicate("fact", f.name)
                    } else {
                        facts.append((f, origin))
                    }
                case .constant(let c):
                    constants.append((c, origin))
                case .derived(let d):
                    derived.append((d, origin))
                case .decision(let d):
                    if decisionIndex[d.name.text] != nil {
                        duplicate("decision", d.name)
                    } else {
                        decisionIndex[d.name.text] = decisions.count
                        decisions.append((d, origin))
                    }
                case .extendDecision(let e):
                    extend(e)
                case .rule(var r):
                    r.validity = intersect(r.validity, validity)
                    add(rule: r, fileIndex: fileIndex)
                case .disable(let d):
                    disable(d)
                case .example(let e):
                    if let existing = examples[e.name.text], existing.range.file == fileIndex {
                        duplicate("example", e.name)
                    }
                    examples[e.name.text] = e
                case .test(let t):
                    if fileIndex == top { tests.append((t, fileIndex)) }
                case .invariant(let i):
                    if !invariantIDs.insert(i.id.text).inserted {
                        duplicate("invariant", i.id)
                    } else {
                        invariants.append((i, origin))
                    }
                case .responsibility(let r):
                    responsibilities.append(r)
                }
            }
            // Declarations of earlier files are inherited by later ones.
            if fileIndex < top {
                func inherit(_ o: Origin) -> Origin {
                    if case .declared(let f) = o, f == fileIndex { return .inherited(file: f) }
                    return o
                }
                facts = facts.map { ($0.0, inherit($0.1)) }
                rules = rules.map { ($0.0, inherit($0.1)) }
                decisions = decisions.map { ($0.0, inherit($0.1)) }
                derived = derived.map { ($0.0, inherit($0.1)) }
                constants = constants.map { ($0.0, inherit($0.1)) }
                invariants = invariants.map { ($0.0, inherit($0.1)) }
            }
        }
        if !removedRules.isEmpty {
            rules = rules.indices.filter { !removedRules.contains($0) }.map { rules[$0] }
        }
    }

    /// The rules not switched off, in order.
    private var liveRules: [(RuleDeclaration, Origin)] {
        rules.indices.filter { !removedRules.contains($0) }.map { rules[$0] }
    }

    /// Help for a name not found, while errors are still reported (`Parser.maximumErrors`):
    /// a suggestion compares with every name, too slow to do for thousands of errors.
    private func suggestion(_ name: String, in names: @autoclosure () -> [String]) -> String? {
        diagnostics.count < Parser.maximumErrors ? Suggestion.didYouMean(name, in: names()) : nil
    }

    private mutating func add(rule: RuleDeclaration, fileIndex: Int) {
        let existing = ruleIndex[rule.id.text]
        if rule.isOverride {
            guard let existing else {
                diagnostics.append(
                    .error(
                        "unknown-override", "there is no \(rule.role.rawValue) `\(rule.id.text)` to override",
                        at: rule.id.range,
                        help: suggestion(rule.id.text, in: liveRules.filter { $0.0.role == rule.role }.map(\.0.id.text))
                            ?? "to add a new \(rule.role.rawValue), leave out `override`"))
                return
            }
            let old = rules[existing]
            if old.0.role != rule.role {
                diagnostics.append(
                    .error(
                        "override-role",
                        "`\(rule.id.text)` is a\(old.0.role == .exception ? "n exception" : " rule"), not a\(rule.role == .exception ? "n exception" : " rule")",
                        at: rule.id.range))
            }
            replaced[rule.id.text] = old.0
            rules[existing] = (rule, .overridden(file: fileIndex, baseFile: old.1.file))
        } else if let existing {
            diagnostics.append(
                .error(
                    "duplicate-rule", "`\(rule.id.text)` is already declared", at: rule.id.range,
                    help: rules[existing].1.file == fileIndex
                        ? "give each rule its own id"
                        : "write `override \(rule.role.rawValue) \(rule.id.text)` to replace it"))
        } else {
            ruleIndex[rule.id.text] = rules.count
            rules.append((rule, .declared(file: fileIndex)))
        }
    }

    private mutating func disable(_ d: DisableDeclaration) {
        guard let existing = ruleIndex[d.id.text], rules[existing].0.role == d.role else {
            diagnostics.append(
                .error(
                    "unknown-disable", "there is no \(d.role.rawValue) `\(d.id.text)` to switch off", at: d.id.range,
                    help: suggestion(d.id.text, in: liveRules.map(\.0.id.text))))
            return
        }
        disabled.append(d)
        replaced[d.id.text] = rules[existing].0
        removedRules.insert(existing)
        ruleIndex[d.id.text] = nil
    }

    private mutating func extend(_ e: DecisionExtension) {
        guard let index = decisionIndex[e.decision.text] else {
            diagnostics.append(
                .error(
                    "unknown-decision", "there is no decision `\(e.decision.text)` to extend", at: e.decision.range,
                    help: Suggestion.didYouMean(e.decision.text, in: decisions.map(\.0.name.text))))
            return
        }
        for stage in e.stages {
            var stages = decisions[index].0.stages
            if stages.contains(where: { $0.name.text == stage.name.text }) {
                duplicate("stage", stage.name)
                continue
            }
            var position = stages.count
            switch stage.placement {
            case .end: break
            case .before(let anchor), .after(let anchor):
                guard let at = stages.firstIndex(where: { $0.name.text == anchor.text }) else {
                    diagnostics.append(
                        .error(
                            "unknown-stage", "decision `\(e.decision.text)` has no stage `\(anchor.text)`",
                            at: anchor.range,
                            help: Suggestion.didYouMean(anchor.text, in: stages.map(\.name.text))))
                    continue
                }
                if case .before = stage.placement { position = at } else { position = at + 1 }
            }
            stages.insert(stage, at: position)
            decisions[index].0.stages = stages
        }
    }

    private mutating func duplicate(_ what: String, _ name: Name) {
        diagnostics.append(
            .error(
                "duplicate-\(what)", "\(what) `\(name.text)` is declared twice", at: name.range,
                help: "the first declaration stays; rename or remove this one"))
    }

    private func intersect(_ a: Validity, _ b: Validity) -> Validity {
        var result = a
        if let from = b.from { result.from = max(result.from ?? from, from) }
        if let until = b.until { result.until = min(result.until ?? until, until) }
        return result
    }
}
