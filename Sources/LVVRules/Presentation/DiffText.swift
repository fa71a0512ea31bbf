import LVVRules
import RuleDSL

// The reports of `rule-check diff`: kinds of case from the region search, or the cases of a file
// compared under the two versions. Frame words come from `FrameText` (`--lang`).

extension CaseComparison {
    /// The readable report: the count per transition, then at most 200 changed cases.
    public func text(_ words: FrameText) -> String {
        var out = words.casesCompared(total: total, changed: changes.count) + "\n"
        let keys = transitions.keys.sorted()
        for key in keys {
            out += "  " + key + ": " + String(transitions[key] ?? 0) + "\n"
        }
        for change in changes.prefix(200) {
            let oldCodes = change.old.reasons.map(\.code).joined(separator: ", ")
            let newCodes = change.new.reasons.map(\.code).joined(separator: ", ")
            out += "\n\(words[report: .line]) \(change.line) \(TerminalText.escape(change.caseID))\n"
            out += "  \(words.oldLabel): " + change.old.decision + " [" + oldCodes + "]\n"
            out += "  \(words.newLabel): " + change.new.decision + " [" + newCodes + "]\n"
        }
        if changes.count > 200 { out += "\n… \(changes.count - 200) more (all are in the JSON report)\n" }
        for error in errors { out += "line \(error.line): error: \(TerminalText.escape(error.message))\n" }
        return out
    }

    /// Every changed case, the counts and the bad lines, as one JSON object.
    public func json() -> String {
        var w = JSONWriter(reservingCapacity: 4096)
        w.appendRaw("{")
        w.appendMember("compared")
        w.appendRaw(String(total))
        w.appendMember("transitions")
        w.appendRaw("{")
        for (i, key) in transitions.keys.sorted().enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendKey(key)
            w.appendRaw(String(transitions[key] ?? 0))
        }
        w.appendRaw("}")
        w.appendMember("changes")
        w.appendRaw("[")
        for (i, change) in changes.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendRaw("{")
            w.appendMember("line")
            w.appendRaw(String(change.line))
            w.appendMember("case_id", change.caseID)
            appendSide("old", change.old, &w)
            appendSide("new", change.new, &w)
            w.appendRaw("}")
        }
        w.appendRaw("]")
        w.appendMember("errors")
        w.appendRaw("[")
        for (i, error) in errors.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendRaw("{")
            w.appendMember("line")
            w.appendRaw(String(error.line))
            w.appendMember("error", error.message)
            w.appendRaw("}")
        }
        w.appendRaw("]}\n")
        return String(decoding: w.bytes, as: UTF8.self)
    }

    private func appendSide(_ label: String, _ verdict: Verdict, _ w: inout JSONWriter) {
        w.appendMember(label)
        w.appendRaw("{")
        w.appendMember("decision", verdict.decision)
        w.appendMember("reasons")
        w.appendRaw("[")
        for (i, reason) in verdict.reasons.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendString(reason.code)
        }
        w.appendRaw("]}")
    }
}

/// Renders the regions of a rule diff.
public enum DiffText {
    /// A condition as the rule language writes it: a comparison that holds is the comparison.
    /// The few words that are not the rule language's (unknown, any value) in the report's
    /// language (`DiffRegions` writes them in English, as the JSON keeps them).
    public static func wording(_ condition: (fact: String, condition: String), _ words: FrameText) -> String {
        var test = condition.condition
        var orUnknown = ""
        if test.hasSuffix(" (or unknown)") {
            test.removeLast(" (or unknown)".count)
            orUnknown = " " + words.diffOrUnknown
        }
        switch test {
        case "holds": return condition.fact + orUnknown
        case "does not hold": return "not (" + condition.fact + ")" + orUnknown
        case "is unknown": return condition.fact + " " + words.diffIsUnknown
        case "is known": return condition.fact + " " + words.diffIsKnown
        case "is any value": return condition.fact + " " + words.diffIsAnyValue + orUnknown
        default: return condition.fact + " " + test + orUnknown
        }
    }

    /// The regions in words, with an example case per transition and whether the search was exhaustive.
    public static func regionsText(_ result: DecisionDiff.Result, old: Program, new: Program, words: FrameText)
        -> String
    {
        let regions = result.regions
        let complete = result.complete
        let reason = result.cutShort.isEmpty ? nil : result.cutShort.joined(separator: "; ")
        let newPath = new.files.last?.path ?? ""
        let oldPath = old.files.last?.path ?? ""
        var out =
            (words.diffHeading(
                pilot: new.name, new: "\(newPath) (sha256 \(new.sha256.prefix(12))…)",
                old: "\(oldPath) (sha256 \(old.sha256.prefix(12))…)") + "\n")
        if regions.isEmpty {
            out += words.diffNoChange(complete: complete, reason: reason) + "\n"
            return out
        }
        for decision in new.decisions.map(\.name) {
            let own = regions.filter { $0.decision == decision }
            if own.isEmpty { continue }
            out += "\n" + words.diffKinds(decision: decision, count: own.count) + "\n"
            for (i, region) in own.enumerated() {
                let place = region.conditions.map { wording($0, words) }.joined(separator: "; ")
                out += "  \(i + 1). \(words.diffWhere) " + (place.isEmpty ? words.diffAnyCase : place) + "\n"
                for (j, transition) in region.transitions.enumerated() {
                    let example = CaseWriter.json(
                        caseID: "diff-\(decision)-\(i + 1)-\(j + 1)", facts: transition.example, program: new)
                    out +=
                        "     " + transition.old + " → " + transition.new + ", \(words.diffForExample) " + example
                        + "\n"
                }
            }
        }
        if complete {
            out += "\n" + words.diffExhaustive(partialCases: result.nodes) + "\n"
        } else {
            out += "\n" + words.diffCutShort(reason: reason) + "\n"
        }
        return out
    }

    /// The same as JSON: `complete`, `cut_short`, and the regions with their examples.
    public static func regionsJSON(_ result: DecisionDiff.Result, old: Program, new: Program) -> String {
        let regions = result.regions
        var w = JSONWriter(reservingCapacity: 4096)
        w.appendRaw("{")
        w.appendMember("pilot", new.name)
        w.appendMember("old_sha256", old.sha256)
        w.appendMember("new_sha256", new.sha256)
        w.appendMember("complete", result.complete)
        w.appendMember("cut_short")
        w.appendRaw("[")
        for (i, reason) in result.cutShort.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendString(reason)
        }
        w.appendRaw("]")
        w.appendMember("regions")
        w.appendRaw("[")
        for (i, region) in regions.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendRaw("{")
            w.appendMember("decision", region.decision)
            w.appendMember("where")
            w.appendRaw("{")
            for (j, condition) in region.conditions.enumerated() {
                if j > 0 { w.appendRaw(",") }
                w.appendKey(condition.fact)
                w.appendString(condition.condition)
            }
            w.appendRaw("}")
            w.appendMember("transitions")
            w.appendRaw("[")
            for (j, transition) in region.transitions.enumerated() {
                if j > 0 { w.appendRaw(",") }
                w.appendRaw("{")
                w.appendMember("old", transition.old)
                w.appendMember("new", transition.new)
                w.appendMember("example")
                w.appendRaw(
                    CaseWriter.json(
                        caseID: "diff-\(region.decision)-\(i + 1)-\(j + 1)", facts: transition.example, program: new))
                w.appendRaw("}")
            }
            w.appendRaw("]}")
        }
        w.appendRaw("]}\n")
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
