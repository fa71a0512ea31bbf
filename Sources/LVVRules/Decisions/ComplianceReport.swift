import RuleDSL

/// Checks a pilot's rules against the national invariants over all possible cases
/// (`rule-check comply`), finds by proof where the pilot decides more strictly than its base
/// (narrowings), and lists what the pilot marks as a deviation.
public struct ComplianceReport: Sendable {
    /// One national invariant checked over every possible case: proven, violated (with a
    /// counterexample) or unproven.
    public struct InvariantResult: Sendable {
        /// The invariant's id in the national rule file, e.g. `never_admit_excluded_without_exception`.
        public let id: String
        /// The invariant's title, or its id when the rule file gives none.
        public let title: String
        /// Where the invariant comes from in the convenant (e.g. `000 art. 3.1`); empty when not given.
        public let source: String
        /// What the prover found: proven for every case, violated, or neither within its limits.
        public let status: Status
        /// Partial cases the prover searched, shown with the result.
        public let nodes: Int
        /// For a violation: the counterexample case as JSON, the decision it gets, and the rules
        /// that produce it (deciding rules, and rules the pilot changed that took part).
        public let counterexample: String?
        /// For a violation: the counterexample's `question decision`, e.g. `intake admit`.
        public let decision: String?
        /// For a violation: the deciding rules with their codes, then the pilot's own rules that took part.
        public let rules: [String]
        /// For an unproven invariant: why the prover gave up.
        public let reason: String?

        /// The result's word, also its value in `comply --format json`.
        public enum Status: String, Sendable {
            case proven, violated, unproven
        }
    }

    /// A rule of the pilot marked as a deviation from the convenant.
    public struct Change: Sendable {
        /// The id of the pilot's rule marked as a deviation.
        public let rule: String
        /// The rule's title, or its id when it has none.
        public let title: String
        /// Where the rule's text comes from (its `source`); empty when not given.
        public let source: String
        /// The pilot's note on the deviation, as written after `deviation` in the rule file.
        public let note: String?
    }

    /// A way the pilot decides more strictly than its base, found by proof (`NarrowingFinder`):
    /// the base gives `baseDecision` (its default) and the pilot `decision`, on `counterexample`.
    public struct Narrowing: Sendable {
        /// The decision that is narrowed, `intake` or `review`.
        public let question: String
        /// The pilot rule responsible; "" when no single rule of the pilot explains it.
        public let rule: String
        /// The responsible rule's title; empty when no single rule explains it.
        public let title: String
        /// The responsible rule's `source`; empty when not given or no single rule explains it.
        public let source: String
        /// The responsible rule's kind (e.g. `exclusion`), which says whether exceptions lift it.
        public let kind: String?
        /// What the base rule set decides on the counterexample (its default, e.g. `admit`).
        public let baseDecision: String
        /// What the pilot decides on the counterexample instead.
        public let decision: String
        /// The counterexample case as JSON.
        public let counterexample: String
        /// Partial cases the search for it went through.
        public let nodes: Int
    }

    /// The name of the pilot checked (the rule set's name).
    public let pilot: String
    /// The rule set's sha256, so a report names exactly the rules it was made from.
    public let sha256: String
    /// The rule files checked, the national file first and the pilot's own last.
    public let files: [String]
    /// The national invariants in rule file order, each with its result.
    public let invariants: [InvariantResult]
    /// The rule set the pilot extends (`national`), whose decisions the narrowings are measured against.
    public let base: String?
    /// Where the pilot decides more strictly than `base`, found by proof; empty without a base.
    public let narrowings: [Narrowing]
    /// False when a search for narrowings stopped at its limit: more may exist.
    public let narrowingsComplete: Bool
    /// The pilot's rules marked as a deviation from the convenant, for the programme council to see.
    public let deviations: [Change]
    /// The rule set's texts, for the titles in the reader's language.
    public let texts: RuleTexts

    /// True when every invariant is proven: `comply` then reports the pilot compliant and exits with success.
    public var isCompliant: Bool { invariants.allSatisfy { $0.status == .proven } }

    /// Checks `program` now: proves each invariant, searches for narrowings against its base, lists deviations.
    public init(program: Program) {
        pilot = program.name
        texts = program.texts
        sha256 = program.sha256
        files = program.files.map(\.path)
        let prover = Prover(program: program)
        let builder = VerdictBuilder(program: program)
        let top = program.files.count - 1
        invariants = program.invariants.map { invariant in
            let title = invariant.title ?? invariant.id
            let source = invariant.source ?? ""
            switch prover.check(invariant) {
            case .proven(let nodes):
                return InvariantResult(
                    id: invariant.id, title: title, source: source, status: .proven, nodes: nodes,
                    counterexample: nil, decision: nil, rules: [], reason: nil)
            case .unproven(let reason, let nodes):
                return InvariantResult(
                    id: invariant.id, title: title, source: source, status: .unproven, nodes: nodes,
                    counterexample: nil, decision: nil, rules: [], reason: reason)
            case .violated(let facts, let nodes):
                let caseID = "counterexample-\(program.name)-\(invariant.id)"
                let json = CaseWriter.json(caseID: caseID, facts: facts, program: program)
                let verdict = builder.verdict(for: CaseInput(caseID: caseID, facts: facts), trace: true)
                var rules = verdict.reasons.map { "\($0.rule) [\($0.code)]" }
                for event in verdict.evaluation.trace.events {
                    guard case .rule(let index, _, let truth, _, _, _) = event else { continue }
                    let rule = program.rules[index]
                    // The pilot's own rules that took part: changed national rules, and added rules that held.
                    guard rule.origin.file == top, top > 0 else { continue }
                    if case .overridden = rule.origin {} else if truth != .true { continue }
                    let how: String
                    switch rule.origin {
                    case .overridden: how = "overridden in \(program.files[top].path)"
                    default: how = "added in \(program.files[top].path)"
                    }
                    var line = "\(rule.id) (\(how); \(VerdictJSON.describe(truth)))"
                    if let deviation = rule.deviation { line += ": deviation: \(deviation)" }
                    if !rules.contains(line) { rules.append(line) }
                }
                return InvariantResult(
                    id: invariant.id, title: title, source: source, status: .violated, nodes: nodes,
                    counterexample: json, decision: "\(verdict.question) \(verdict.decision)", rules: rules, reason: nil
                )
            }
        }
        func change(_ rule: RuleInfo, _ note: String?) -> Change {
            Change(rule: rule.id, title: rule.title ?? rule.id, source: rule.source ?? "", note: note)
        }
        let own = program.rules.filter { $0.origin.file == top && top > 0 }
        deviations = own.filter { $0.deviation != nil }.map { change($0, $0.deviation) }
        if let baseProgram = ComplianceReport.baseProgram(of: program) {
            base = baseProgram.name
            let (found, complete) = NarrowingFinder(pilot: program, base: baseProgram).find()
            narrowings = found.map { n in
                let rule = n.rule.map { program.rules[$0] }
                let caseID = "narrowing-\(program.name)-\(n.decision)-\(rule?.id ?? "other")"
                return Narrowing(
                    question: n.decision, rule: rule?.id ?? "", title: rule.map { $0.title ?? $0.id } ?? "",
                    source: rule?.source ?? "", kind: rule?.kind, baseDecision: n.baseOutcome, decision: n.pilotOutcome,
                    counterexample: CaseWriter.json(caseID: caseID, facts: n.counterexample, program: program),
                    nodes: n.nodes)
            }
            narrowingsComplete = complete
        } else {
            base = nil
            narrowings = []
            narrowingsComplete = true
        }
    }

    /// The rule set a pilot extends, loaded again from the files the pilot was loaded with.
    static func baseProgram(of program: Program) -> Program? {
        let top = program.files.count - 1
        guard top > 0 else { return nil }
        var next = top - 2
        let result = RuleSetLoader.load(program.files[top - 1]) { _ in
            guard next >= 0 else { return nil }
            defer { next -= 1 }
            return program.files[next]
        }
        return result.program
    }

    /// The report as `rule-check comply --format json` writes it, with the time the check took.
    public func json(milliseconds: Double) -> String {
        var w = JSONWriter(reservingCapacity: 2048)
        w.appendRaw("{")
        w.appendMember("pilot", pilot)
        w.appendMember("ruleset")
        w.appendRaw("{")
        w.appendMember("name", pilot)
        w.appendMember("sha256", sha256)
        w.appendRaw("}")
        w.appendMember("compliant", isCompliant)
        w.appendMember("invariants")
        w.appendRaw("[")
        for (i, r) in invariants.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendRaw("{")
            w.appendMember("id", r.id)
            w.appendMember("title", r.title)
            w.appendMember("source", r.source)
            w.appendMember("status", r.status.rawValue)
            w.appendMember("searched")
            w.appendRaw(String(r.nodes))
            if let c = r.counterexample {
                w.appendMember("counterexample")
                w.appendRaw(c)
                w.appendMember("decision", r.decision ?? "")
                w.appendMember("rules")
                w.appendRaw("[")
                for (j, rule) in r.rules.enumerated() {
                    if j > 0 { w.appendRaw(",") }
                    w.appendString(rule)
                }
                w.appendRaw("]")
            }
            if let reason = r.reason {
                w.appendMember("reason", reason)
            }
            w.appendRaw("}")
        }
        w.appendRaw("]")
        if let base {
            w.appendMember("base", base)
        }
        w.appendMember("narrowings")
        w.appendRaw("[")
        for (i, n) in narrowings.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendRaw("{")
            w.appendMember("question", n.question)
            w.appendMember("rule", n.rule)
            w.appendMember("title", n.title)
            w.appendMember("source", n.source)
            if let kind = n.kind {
                w.appendMember("kind", kind)
            }
            w.appendMember("base_decision", n.baseDecision)
            w.appendMember("decision", n.decision)
            w.appendMember("counterexample")
            w.appendRaw(n.counterexample)
            w.appendMember("searched")
            w.appendRaw(String(n.nodes))
            w.appendRaw("}")
        }
        w.appendRaw("]")
        w.appendMember("narrowings_complete", narrowingsComplete)
        w.appendMember("deviations")
        w.appendRaw("[")
        for (i, c) in deviations.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendRaw("{")
            w.appendMember("rule", c.rule)
            w.appendMember("title", c.title)
            w.appendMember("source", c.source)
            if let note = c.note {
                w.appendMember("note", note)
            }
            w.appendRaw("}")
        }
        w.appendRaw("]")
        w.appendMember("milliseconds")
        w.appendRaw(ComplianceReport.oneDecimal(milliseconds))
        w.appendRaw("}\n")
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// `12.3`: a duration as `%.1f` writes it, without Foundation.
    package static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }
}
