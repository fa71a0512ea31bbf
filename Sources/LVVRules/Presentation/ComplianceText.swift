import LVVRules
import RuleDSL

extension ComplianceReport {
    /// The report for a person, in `language` (the rule set's own by default). Invariant and
    /// rule titles come from the rule files, the frame words from `FrameText`.
    public func text(milliseconds: Double, language: TextLanguage? = nil) -> String {
        let words = FrameText(language ?? texts.language)
        func title(_ key: TextKey, _ written: String) -> String { texts.text(key, in: words.language) ?? written }
        let pad = String(repeating: " ", count: 13)
        var out = words.complianceHeading(pilot: pilot) + "\n"
        out +=
            "  \(words.rulesLabel): \(files.joined(separator: " + ")) (sha256 \(sha256))\n\n\(words.invariantsHeading)\n"
        for result in invariants {
            let heading =
                "  \(words.invariantStatus(result.status.rawValue))\(result.id): \(title(.invariant(result.id), result.title))\n"
            switch result.status {
            case .proven:
                out += heading + pad + "\(words.proven(nodes: result.nodes)); \(words[.source]): \(result.source)\n"
            case .unproven:
                out += heading + pad + "\(result.reason ?? ""); \(words.notClaimed)\n"
            case .violated:
                out += heading + pad + "\(words[.source]): \(result.source)\n"
                out += pad + "\(words.decisionOnCounterexample): \(result.decision ?? "")\n"
                if !result.rules.isEmpty {
                    out +=
                        pad + "\(words.rulesLabel): " + result.rules.joined(separator: "\n                    ") + "\n"
                }
                out += pad + words.counterexampleHint(pilot: pilot) + ":\n"
                out += pad + "\(result.counterexample ?? "")\n"
            }
        }
        let baseName = base ?? "national"
        out += "\n\(words.narrowingsHeading(pilot: pilot, base: baseName))\n"
        if narrowings.isEmpty { out += "  \(words[.none])\n" }
        for n in narrowings {
            let who = n.rule.isEmpty ? nil : "\(n.rule): \(title(.rule(n.rule), n.title))"
            out +=
                "  - "
                + words.narrowing(
                    question: n.question, base: baseName, baseDecision: n.baseDecision,
                    pilot: pilot, decision: n.decision, by: who) + "\n"
            out += "    \(words.narrowingFound(after: n.nodes))\n"
            if !n.source.isEmpty { out += "    \(words[.source]): \(n.source)\n" }
            out +=
                "    "
                + words.narrowingCounterexample(
                    pilot: pilot, decision: n.decision, base: baseName,
                    baseDecision: n.baseDecision) + "\n"
            out += "    \(n.counterexample)\n"
        }
        if !narrowingsComplete { out += "  \(words.narrowingsIncomplete)\n" }
        out += "\n\(words.deviationsHeading)\n"
        out +=
            deviations.isEmpty
            ? "  \(words[.none])\n" : deviations.map { "  - \($0.rule): \($0.note ?? "")\n" }.joined()
        let violated = invariants.filter { $0.status == .violated }.count
        let unproven = invariants.filter { $0.status == .unproven }.count
        out +=
            "\n"
            + words.complianceVerdict(
                compliant: isCompliant, proven: invariants.count - violated - unproven, violated: violated,
                unproven: unproven,
                milliseconds: ComplianceReport.oneDecimal(milliseconds)) + "\n"
        return out
    }
}
