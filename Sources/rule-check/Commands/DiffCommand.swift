#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import LVVRules
import RuleDSL

/// `rule-check diff --pilot P --against OLD [--cases FILE]`: what an edit changes. Without
/// cases: the kinds of case whose decision changes, each with an example; with cases: the
/// cases whose decision or reasons change, old and new side by side, counted per transition.
enum DiffCommand {
    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        let args = try Arguments(
            command: "diff", arguments, valueFlags: ["--pilot", "--against", "--cases", "--rules", "--format", "--lang"],
            switchFlags: [])
        let format = try args.format()
        let against = try args.required("--against")
        let new = try PilotLoader.load(args)
        let old = try loadOld(against, pilot: new.name, rules: args.value("--rules") ?? "rules")
        let words = FrameText(try args.language() ?? new.texts.language)
        if let cases = args.value("--cases") {
            let report = try CaseDiff.run(old: old, new: new, path: cases)
            Console.out(format == .json ? report.json() : report.text(words))
        } else {
            let result = DecisionDiff(old: old, new: new).regions()
            let text: String
            if format == .json {
                text = DiffText.regionsJSON(result, old: old, new: new)
            } else {
                text = DiffText.regionsText(result, old: old, new: new, words: words)
            }
            Console.out(text)
        }
        return .success
    }

    /// OLD is a rule file, or a folder holding the pilot's file (and its base).
    private static func loadOld(_ path: String, pilot: String, rules: String) throws(CommandError) -> Program {
        let kind: FileSystem.Kind
        do {
            kind = try FileSystem.inspect(path)
        } catch {
            throw CommandError(status: .failure, message: "cannot read `\(path)`: \(error)")
        }
        do {
            if kind == .directory { return try RuleLibrary(directory: path).load(pilot: pilot) }
            return try RuleLibrary(directory: rules).load(path: path)
        } catch {
            if case .invalid(let result) = error {
                Console.errorText(DiagnosticRenderer(files: result.files).render(result.errors))
            }
            throw CommandError(status: .failure, message: "the old rules at `\(path)` do not load: \(error.description)")
        }
    }
}

/// The cases of a file whose verdict changes between two rule versions.
struct CaseDiff {
    struct Change {
        let line: Int
        let caseID: String
        let old: Verdict
        let new: Verdict
    }

    var changes: [Change] = []
    var transitions: [String: Int] = [:]
    var total = 0
    var errors: [(line: Int, message: String)] = []

    static func run(old: Program, new: Program, path: String) throws(CommandError) -> CaseDiff {
        let descriptor: Int32
        do {
            descriptor = try FileSystem.openForReading(path)
        } catch {
            throw CommandError(status: .badInput, message: "cannot read the case file `\(path)`: \(error)")
        }
        defer { close(descriptor) }
        var diff = CaseDiff()
        let oldReader = CaseReader(program: old)
        let newReader = CaseReader(program: new)
        let oldBuilder = VerdictBuilder(program: old)
        let newBuilder = VerdictBuilder(program: new)
        let end = LineReader.forEachLine(descriptor: descriptor, maximumLength: BatchCommand.maximumLineLength) {
            number, line in
            guard case .bytes(let bytes) = line else {
                diff.errors.append((number, "line too long"))
                return true
            }
            guard !BatchProcessor.isBlank(bytes) else { return true }
            let oldInput: CaseInput
            let newInput: CaseInput
            switch oldReader.read(bytes) {
            case .success(let input): oldInput = input
            case .failure(let error):
                diff.errors.append((number, error.message))
                return true
            }
            switch newReader.read(bytes) {
            case .success(let input): newInput = input
            case .failure(let error):
                diff.errors.append((number, error.message))
                return true
            }
            diff.total += 1
            let oldVerdict = oldBuilder.verdict(for: oldInput, trace: false)
            let newVerdict = newBuilder.verdict(for: newInput, trace: false)
            let oldCodes = oldVerdict.reasons.map(\.code)
            let newCodes = newVerdict.reasons.map(\.code)
            if oldVerdict.decision != newVerdict.decision || oldCodes != newCodes {
                diff.changes.append(Change(line: number, caseID: newInput.caseID, old: oldVerdict, new: newVerdict))
                let key = oldVerdict.decision + " → " + newVerdict.decision
                diff.transitions[key, default: 0] += 1
            }
            return true
        }
        if let code = end.readError {
            throw CommandError(status: .badInput, message: "cannot read the case file `\(path)` after line \(end.lastLine): \(FileSystem.describe(code))")
        }
        return diff
    }

    func text(_ words: FrameText) -> String {
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
        if changes.count > 200 { out += "\n… \(changes.count - 200) more (use --format json for all)\n" }
        for error in errors { out += "line \(error.line): error: \(TerminalText.escape(error.message))\n" }
        return out
    }

    func json() -> String {
        var w = JSONWriter(reservingCapacity: 4096)
        w.appendRaw("{")
        w.appendKey("compared")
        w.appendRaw(String(total))
        w.appendRaw(",")
        w.appendKey("transitions")
        w.appendRaw("{")
        for (i, key) in transitions.keys.sorted().enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendKey(key)
            w.appendRaw(String(transitions[key] ?? 0))
        }
        w.appendRaw("},")
        w.appendKey("changes")
        w.appendRaw("[")
        for (i, change) in changes.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendRaw("{")
            w.appendKey("line")
            w.appendRaw(String(change.line))
            w.appendRaw(",")
            w.appendKey("case_id")
            w.appendString(change.caseID)
            appendSide("old", change.old, &w)
            appendSide("new", change.new, &w)
            w.appendRaw("}")
        }
        w.appendRaw("],")
        w.appendKey("errors")
        w.appendRaw("[")
        for (i, error) in errors.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendRaw("{")
            w.appendKey("line")
            w.appendRaw(String(error.line))
            w.appendRaw(",")
            w.appendKey("error")
            w.appendString(error.message)
            w.appendRaw("}")
        }
        w.appendRaw("]}\n")
        return String(decoding: w.bytes, as: UTF8.self)
    }

    private func appendSide(_ label: String, _ verdict: Verdict, _ w: inout JSONWriter) {
        w.appendRaw(",")
        w.appendKey(label)
        w.appendRaw("{")
        w.appendKey("decision")
        w.appendString(verdict.decision)
        w.appendRaw(",")
        w.appendKey("reasons")
        w.appendRaw("[")
        for (i, reason) in verdict.reasons.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendString(reason.code)
        }
        w.appendRaw("]}")
    }
}

/// Renders the regions of a rule diff.
enum DiffText {
    /// A condition as the rule language writes it: a comparison that holds is the comparison.
    static func wording(_ condition: (fact: String, condition: String)) -> String {
        switch condition.condition {
        case "holds": return condition.fact
        case "does not hold": return "not (" + condition.fact + ")"
        default: return condition.fact + " " + condition.condition
        }
    }

    static func regionsText(_ result: DecisionDiff.Result, old: Program, new: Program, words: FrameText) -> String {
        let regions = result.regions
        let complete = result.complete
        let reason = result.cutShort.isEmpty ? nil : result.cutShort.joined(separator: "; ")
        let newPath = new.files.last?.path ?? ""
        let oldPath = old.files.last?.path ?? ""
        var out = (words.diffHeading(pilot: new.name, new: "\(newPath) (sha256 \(new.sha256.prefix(12))…)",
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
                let place = region.conditions.map(wording).joined(separator: "; ")
                out += "  \(i + 1). \(words.diffWhere) " + (place.isEmpty ? words.diffAnyCase : place) + "\n"
                for (j, transition) in region.transitions.enumerated() {
                    let example = CaseWriter.json(
                        caseID: "diff-\(decision)-\(i + 1)-\(j + 1)", facts: transition.example, program: new)
                    out += "     " + transition.old + " → " + transition.new + ", \(words.diffForExample) " + example + "\n"
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

    static func regionsJSON(_ result: DecisionDiff.Result, old: Program, new: Program) -> String {
        let regions = result.regions
        var w = JSONWriter(reservingCapacity: 4096)
        w.appendRaw("{")
        w.appendKey("pilot")
        w.appendString(new.name)
        w.appendRaw(",")
        w.appendKey("old_sha256")
        w.appendString(old.sha256)
        w.appendRaw(",")
        w.appendKey("new_sha256")
        w.appendString(new.sha256)
        w.appendRaw(",")
        w.appendKey("complete")
        w.appendRaw(result.complete ? "true" : "false")
        w.appendRaw(",")
        w.appendKey("cut_short")
        w.appendRaw("[")
        for (i, reason) in result.cutShort.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendString(reason)
        }
        w.appendRaw("],")
        w.appendKey("regions")
        w.appendRaw("[")
        for (i, region) in regions.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendRaw("{")
            w.appendKey("decision")
            w.appendString(region.decision)
            w.appendRaw(",")
            w.appendKey("where")
            w.appendRaw("{")
            for (j, condition) in region.conditions.enumerated() {
                if j > 0 { w.appendRaw(",") }
                w.appendKey(condition.fact)
                w.appendString(condition.condition)
            }
            w.appendRaw("},")
            w.appendKey("transitions")
            w.appendRaw("[")
            for (j, transition) in region.transitions.enumerated() {
                if j > 0 { w.appendRaw(",") }
                w.appendRaw("{")
                w.appendKey("old")
                w.appendString(transition.old)
                w.appendRaw(",")
                w.appendKey("new")
                w.appendString(transition.new)
                w.appendRaw(",")
                w.appendKey("example")
                w.appendRaw(CaseWriter.json(caseID: "diff-\(region.decision)-\(i + 1)-\(j + 1)", facts: transition.example, program: new))
                w.appendRaw("}")
            }
            w.appendRaw("]}")
        }
        w.appendRaw("]}\n")
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
