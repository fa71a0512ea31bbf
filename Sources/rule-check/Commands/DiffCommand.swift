import LVVPresentation
import LVVRules
import RuleDSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `rule-check diff --pilot P --against OLD [--cases FILE]`: what an edit changes. Without
/// cases: the kinds of case whose decision changes, each with an example; with cases: the
/// cases whose decision or reasons change, old and new side by side, counted per transition.
enum DiffCommand {
    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        let args = try Arguments(
            command: "diff", arguments,
            valueFlags: ["--pilot", "--against", "--cases", "--rules", "--format", "--lang"],
            switchFlags: [])
        let format = try args.format()
        let against = try args.required("--against")
        let new = try PilotLoader.load(args)
        let old = try loadOld(against, pilot: new.name, rules: args.value("--rules") ?? "rules")
        let words = FrameText(try args.language() ?? new.texts.language)
        if let cases = args.value("--cases") {
            let report = try compare(old: old, new: new, path: cases)
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

    /// The cases of the file decided under both versions (`CaseComparison`); an unreadable file
    /// is bad input.
    private static func compare(old: Program, new: Program, path: String) throws(CommandError) -> CaseComparison {
        let descriptor: Int32
        do {
            descriptor = try FileSystem.openForReading(path)
        } catch {
            throw CommandError(status: .badInput, message: "cannot read the case file `\(path)`: \(error)")
        }
        defer { close(descriptor) }
        let (comparison, end) = CaseComparison.compare(old: old, new: new, descriptor: descriptor)
        if let code = end.readError {
            throw CommandError(
                status: .badInput,
                message: "cannot read the case file `\(path)` after line \(end.lastLine): \(FileSystem.describe(code))")
        }
        return comparison
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
            throw CommandError(
                status: .failure, message: "the old rules at `\(path)` do not load: \(error.description)")
        }
    }
}
