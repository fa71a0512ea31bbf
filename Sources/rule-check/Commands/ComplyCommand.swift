import LVVPresentation
import LVVRules
import RuleDSL

/// `rule-check comply --pilot P`: proves the pilot's rules against the national invariants for
/// every possible case; each violation comes with a counterexample case.
enum ComplyCommand {
    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        let args = try Arguments(
            command: "comply", arguments, valueFlags: ["--pilot", "--rules", "--format", "--lang"], switchFlags: [])
        let format = try args.reportFormat()
        let language = try args.language()
        if let extra = args.positionals.first {
            throw .usage("`rule-check comply` takes no file `\(extra)`; name the pilot with `--pilot`")
        }
        let program = try PilotLoader.load(args)
        let start = Stopwatch.now()
        let report = ComplianceReport(program: program)
        let milliseconds = (Stopwatch.now() - start) * 1000
        switch format {
        case .text: Console.out(report.text(milliseconds: milliseconds, language: language))
        case .json: Console.out(report.json(milliseconds: milliseconds))
        case .junit: Console.out(JUnitResults.comply(report, milliseconds: milliseconds))
        }
        return report.isCompliant ? .success : .failure
    }
}
