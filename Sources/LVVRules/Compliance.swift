import RuleDSL

/// Checks a pilot's rules against the national invariants over all possible cases
/// (`rule-check comply`), and lists what the pilot narrows or marks as a deviation.
public struct ComplianceReport: Sendable {
    public struct InvariantResult: Sendable {
        public let id: String
        public let title: String
        public let source: String
        public let status: Status
        public let nodes: Int
        /// For a violation: the counterexample case as JSON, the decision it gets, and the rules
        /// that produce it (deciding rules, and rules the pilot changed that took part).
        public let counterexample: String?
        public let decision: String?
        public let rules: [String]
        public let reason: String?

        public enum Status: String, Sendable {
            case proven, violated, unproven
        }
    }

    /// A rule of the pilot that narrows the national target group or deviates from it.
    public struct Change: Sendable {
        public let rule: String
        public let title: String
        public let source: String
        public let note: String?
    }

    public let pilot: String
    public let sha256: String
    public let files: [String]
    public let invariants: [InvariantResult]
    public let narrowings: [Change]
    public let deviations: [Change]
    /// The rule set's texts, for the titles in the reader's language.
    public let texts: RuleTexts

    public var isCompliant: Bool { invariants.allSatisfy { $0.status == .proven } }

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
                return InvariantResult(id: invariant.id, title: title, source: source, status: .proven, nodes: nodes,
                                       counterexample: nil, decision: nil, rules: [], reason: nil)
            case .unproven(let reason, let nodes):
                return InvariantResult(id: invariant.id, title: title, source: source, status: .unproven, nodes: nodes,
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
                    counterexample: json, decision: "\(verdict.question) \(verdict.decision)", rules: rules, reason: nil)
            }
        }
        func change(_ rule: RuleInfo, _ note: String?) -> Change {
            Change(rule: rule.id, title: rule.title ?? rule.id, source: rule.source ?? "", note: note)
        }
        let own = program.rules.filter { $0.origin.file == top && top > 0 }
        narrowings = own.filter { $0.kind == "narrowing" }.map { change($0, nil) }
        deviations = own.filter { $0.deviation != nil }.map { change($0, $0.deviation) }
    }

    /// The report for a person, in `language` (the rule set's own by default). Invariant and
    /// rule titles come from the rule files, the frame words from `FrameText`.
    public func text(milliseconds: Double, language: TextLanguage? = nil) -> String {
        let words = FrameText(language ?? texts.language)
        func title(_ key: TextKey, _ written: String) -> String { texts.text(key, in: words.language) ?? written }
        let pad = String(repeating: " ", count: 13)
        var out = words.complianceHeading(pilot: pilot) + "\n"
        out += "  \(words.rulesLabel): \(files.joined(separator: " + ")) (sha256 \(sha256))\n\n\(words.invariantsHeading)\n"
        for result in invariants {
            let heading = "  \(words.invariantStatus(result.status.rawValue))\(result.id): \(title(.invariant(result.id), result.title))\n"
            switch result.status {
            case .proven:
                out += heading + pad + "\(words.proven(nodes: result.nodes)); \(words[.source]): \(result.source)\n"
            case .unproven:
                out += heading + pad + "\(result.reason ?? ""); \(words.notClaimed)\n"
            case .violated:
                out += heading + pad + "\(words[.source]): \(result.source)\n"
                out += pad + "\(words.decisionOnCounterexample): \(result.decision ?? "")\n"
                if !result.rules.isEmpty {
                    out += pad + "\(words.rulesLabel): " + result.rules.joined(separator: "\n                    ") + "\n"
                }
                out += pad + words.counterexampleHint(pilot: pilot) + ":\n"
                out += pad + "\(result.counterexample ?? "")\n"
            }
        }
        out += "\n\(words.narrowingsHeading)\n"
        out += narrowings.isEmpty ? "  \(words[.none])\n" : narrowings.map {
            "  - \($0.rule): \(title(.rule($0.rule), $0.title))\n    \(words[.source]): \($0.source)\n"
        }.joined()
        out += "\n\(words.deviationsHeading)\n"
        out += deviations.isEmpty ? "  \(words[.none])\n" : deviations.map { "  - \($0.rule): \($0.note ?? "")\n" }.joined()
        let violated = invariants.filter { $0.status == .violated }.count
        let unproven = invariants.filter { $0.status == .unproven }.count
        out += "\n" + words.complianceVerdict(
            compliant: isCompliant, proven: invariants.count - violated - unproven, violated: violated, unproven: unproven,
            milliseconds: ComplianceReport.oneDecimal(milliseconds)) + "\n"
        return out
    }

    public func json(milliseconds: Double) -> String {
        var w = JSONWriter(reservingCapacity: 2048)
        w.appendRaw("{"); w.appendKey("pilot"); w.appendString(pilot)
        w.appendRaw(","); w.appendKey("ruleset"); w.appendRaw("{"); w.appendKey("name"); w.appendString(pilot)
        w.appendRaw(","); w.appendKey("sha256"); w.appendString(sha256); w.appendRaw("}")
        w.appendRaw(","); w.appendKey("compliant"); w.appendRaw(isCompliant ? "true" : "false")
        w.appendRaw(","); w.appendKey("invariants"); w.appendRaw("[")
        for (i, r) in invariants.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendRaw("{"); w.appendKey("id"); w.appendString(r.id)
            w.appendRaw(","); w.appendKey("title"); w.appendString(r.title)
            w.appendRaw(","); w.appendKey("source"); w.appendString(r.source)
            w.appendRaw(","); w.appendKey("status"); w.appendString(r.status.rawValue)
            w.appendRaw(","); w.appendKey("searched"); w.appendRaw(String(r.nodes))
            if let c = r.counterexample {
                w.appendRaw(","); w.appendKey("counterexample"); w.appendRaw(c)
                w.appendRaw(","); w.appendKey("decision"); w.appendString(r.decision ?? "")
                w.appendRaw(","); w.appendKey("rules"); w.appendRaw("[")
                for (j, rule) in r.rules.enumerated() { if j > 0 { w.appendRaw(",") }; w.appendString(rule) }
                w.appendRaw("]")
            }
            if let reason = r.reason { w.appendRaw(","); w.appendKey("reason"); w.appendString(reason) }
            w.appendRaw("}")
        }
        w.appendRaw("]")
        for (key, list) in [("narrowings", narrowings), ("deviations", deviations)] {
            w.appendRaw(","); w.appendKey(key); w.appendRaw("[")
            for (i, c) in list.enumerated() {
                if i > 0 { w.appendRaw(",") }
                w.appendRaw("{"); w.appendKey("rule"); w.appendString(c.rule)
                w.appendRaw(","); w.appendKey("title"); w.appendString(c.title)
                w.appendRaw(","); w.appendKey("source"); w.appendString(c.source)
                if let note = c.note { w.appendRaw(","); w.appendKey("note"); w.appendString(note) }
                w.appendRaw("}")
            }
            w.appendRaw("]")
        }
        w.appendRaw(","); w.appendKey("milliseconds"); w.appendRaw(ComplianceReport.oneDecimal(milliseconds))
        w.appendRaw("}\n")
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// `12.3`: a duration as `%.1f` writes it, without Foundation.
    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }
}
