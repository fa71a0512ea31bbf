import LVVPresentation
import LVVRules
import RuleDSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `rule-check report VERDICTS.jsonl [--out FILE.html] [--rules DIR]`: counts the verdicts
/// `rule-check batch` wrote, per decision, reason code, referral, action and pilot, and the
/// outflow per pilot, durable or temporary as each pilot's rule files (under `--rules DIR`) class
/// it. Streams the file line by line (constant memory); batch's error lines are counted, not
/// summarised. Without `--out` it prints a plain-text summary; with it, writes a self-contained
/// HTML page with tables and bar charts.
enum ReportCommand {
    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        let args = try Arguments(
            command: "report", arguments, valueFlags: ["--out", "--rules", "--lang"], switchFlags: [])
        guard args.positionals.count == 1 else {
            throw .usage(
                args.positionals.isEmpty
                    ? "`rule-check report` needs a verdicts file: rule-check report VERDICTS.jsonl [--out FILE.html] [--rules DIR]"
                    : "`rule-check report` takes one verdicts file, not \(args.positionals.count)")
        }
        let path = args.positionals[0]
        let descriptor: Int32
        if path == "-" {
            descriptor = 0
        } else {
            do {
                descriptor = try FileSystem.openForReading(path)
            } catch {
                throw CommandError(status: .badInput, message: "cannot read the verdicts file `\(path)`: \(error)")
            }
        }
        defer { if descriptor != 0 { close(descriptor) } }
        let input = FileSystem.Input.descriptor(descriptor, path: path == "-" ? nil : path)

        // The decisions each question may have, from the rule files under `--rules` (when they are
        // there): a verdict with another decision is not counted as one.
        let rules = args.value("--rules") ?? "rules"
        let library = RuleLibrary(directory: rules)
        var summary = CaseSummary(
            outcomes: CaseSummary.outcomes(of: RuleLibrary.pilots.compactMap { try? library.load(pilot: $0) }))
        let end = LineReader.forEachLine(descriptor: descriptor, maximumLength: BatchCommand.maximumLineLength * 4) {
            number, line in
            switch line {
            case .bytes(let bytes): summary.add(line: bytes, number: number)
            case .tooLong: summary.addUnreadable(number: number, message: "line too long to be a verdict")
            }
            return true
        }
        if let code = end.readError {
            let after = end.lastLine > 0 ? " after line \(end.lastLine)" : ""
            throw CommandError(
                status: .badInput,
                message: "cannot read the verdicts file `\(path)`\(after): \(FileSystem.describe(code))")
        }
        let source = path == "-" ? "standard input" : path
        let (outflow, rulesFailed) = classification(for: summary, rules: rules)
        // Dutch unless `--lang` says otherwise: a report spans pilots, whose rule sets are Dutch.
        let language = try args.language() ?? .nl
        if let out = args.value("--out") {
            let html = summary.html(source: source, outflow: outflow, language: language)
            do {
                try FileSystem.write(Array(html.utf8), to: out, inputs: [input])
            } catch {
                throw CommandError(status: .failure, message: "cannot write `\(out)`: \(error)")
            }
            Console.out(
                "wrote \(out): \(summary.verdicts) verdicts, \(summary.errorLines) error lines, \(summary.unreadableLines) unreadable lines\n"
            )
        } else {
            Console.out(summary.text(source: source, outflow: outflow, language: language))
        }
        if summary.unreadableLines > 0 {
            Console.error(
                "rule-check: \(summary.unreadableLines) line(s) of `\(source)` are not verdicts (first: line \(summary.firstUnreadable.first.map { "\($0.line): \($0.message)" } ?? "0"))"
            )
            return .badInput
        }
        if let rulesFailed {
            Console.error("rule-check: \(rulesFailed)")
            return .failure
        }
        return .success
    }

    /// Loads the rules of each pilot with outflow, to class it. A pilot the contract does not
    /// know stays unclassified (noted in the report); rule files that do not load are a failure.
    private static func classification(for summary: CaseSummary, rules: String) -> (
        OutflowClassification, failure: String?
    ) {
        let library = RuleLibrary(directory: rules)
        var programs: [String: Result<Program, OutflowClassification.Problem>] = [:]
        var failure: String?
        for pilot in summary.outflow.keys.sorted() {
            do {
                programs[pilot] = .success(try library.load(pilot: pilot))
            } catch {
                programs[pilot] = .failure(OutflowClassification.Problem(error.description))
                switch error {
                case .unknownPilot: break
                case .unreadable, .invalid:
                    failure =
                        failure
                        ?? "cannot class the outflow of `\(pilot)`: \(error.description) (rules from `\(rules)`; see --rules)"
                }
            }
        }
        return (OutflowClassification(programs: programs), failure)
    }
}
