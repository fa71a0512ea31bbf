import LVVRules
import RuleDSL

/// `rule-check comply --pilot P`: proves the pilot's rules against the national invariants for
/// every possible case; each violation comes with a counterexample case.
enum ComplyCommand {
    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        let args = try Arguments(command: "comply", arguments, valueFlags: ["--pilot", "--rules", "--format", "--lang"], switchFlags: [])
        let format = try args.format()
        let language = try args.language()
        if let extra = args.positionals.first { throw .usage("`rule-check comply` takes no file `\(extra)`; name the pilot with `--pilot`") }
        let program = try PilotLoader.load(args)
        let start = Stopwatch.now()
        let report = ComplianceReport(program: program)
        let milliseconds = (Stopwatch.now() - start) * 1000
        Console.out(format == .json ? report.json(milliseconds: milliseconds) : report.text(milliseconds: milliseconds, language: language))
        return report.isCompliant ? .success : .failure
    }
}
