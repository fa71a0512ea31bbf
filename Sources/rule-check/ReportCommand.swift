#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import LVVRules

/// `rule-check report VERDICTS.jsonl [--out FILE.html]`: counts the verdicts `rule-check batch`
/// wrote, per decision, reason code, referral, action and pilot. Streams the file line by line
/// (constant memory); batch's error lines are counted, not summarised. Without `--out` it prints
/// a plain-text summary; with it, writes a self-contained HTML page with tables and bar charts.
enum ReportCommand {
    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        let args = try Arguments(command: "report", arguments, valueFlags: ["--out"], switchFlags: [])
        guard args.positionals.count == 1 else {
            throw .usage(args.positionals.isEmpty
                ? "`rule-check report` needs a verdicts file: rule-check report VERDICTS.jsonl [--out FILE.html]"
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

        // The decisions each question may have, from the rule files in `rules/` (when they are
        // there): a verdict with another decision is not counted as one.
        let library = RuleLibrary(directory: "rules")
        var summary = CaseSummary(outcomes: CaseSummary.outcomes(of: RuleLibrary.pilots.compactMap { try? library.load(pilot: $0) }))
        let end = LineReader.forEachLine(descriptor: descriptor, maximumLength: BatchCommand.maximumLineLength * 4) { number, line in
            switch line {
            case .bytes(let bytes): summary.add(line: bytes, number: number)
            case .tooLong: summary.addUnreadable(number: number, message: "line too long to be a verdict")
            }
            return true
        }
        if let code = end.readError {
            let after = end.lastLine > 0 ? " after line \(end.lastLine)" : ""
            throw CommandError(status: .badInput, message: "cannot read the verdicts file `\(path)`\(after): \(FileSystem.describe(code))")
        }
        let source = path == "-" ? "standard input" : path
        if let out = args.value("--out") {
            let html = summary.html(source: source)
            do {
                try FileSystem.write(Array(html.utf8), to: out, inputs: [input])
            } catch {
                throw CommandError(status: .failure, message: "cannot write `\(out)`: \(error)")
            }
            Console.out("wrote \(out): \(summary.verdicts) verdicts, \(summary.errorLines) error lines, \(summary.unreadableLines) unreadable lines\n")
        } else {
            Console.out(summary.text(source: source))
        }
        if summary.unreadableLines > 0 {
            Console.error("rule-check: \(summary.unreadableLines) line(s) of `\(source)` are not verdicts (first: line \(summary.firstUnreadable.first.map { "\($0.line): \($0.message)" } ?? "0"))")
            return .badInput
        }
        return .success
    }
}
