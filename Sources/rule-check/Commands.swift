import RuleDSL

/// The table of commands and their one-line help.
enum Commands {
    nonisolated(unsafe) static let all: [(name: String, summary: String, run: ([String]) throws(CommandError) -> ExitStatus)] = [
        ("check", "parse and check rule files: rule-check check [PATH…]", CheckCommand.run),
        ("eval", "decide one case: rule-check eval --pilot P CASE.json [--format text|json] [--no-trace] [--ruleset-hash H]", EvalCommand.run),
        ("batch", "decide a stream of cases: rule-check batch --pilot P [--no-trace] < cases.jsonl > verdicts.jsonl", BatchCommand.run),
        ("comply", "prove a pilot's rules against the national convenant: rule-check comply --pilot P [--format text|json]", ComplyCommand.run),
        ("test", "run the rule files' own tests: rule-check test [PATH…] [--verbose]", TestCommand.run),
    ]

    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        guard let name = arguments.first else {
            Console.error(usage)
            return .usage
        }
        if name == "help" || name == "--help" || name == "-h" {
            Console.out(usage + "\n")
            return .success
        }
        guard let command = all.first(where: { $0.name == name }) else {
            let hint = Suggestion.didYouMean(name, in: all.map(\.name)).map { " \($0)" } ?? ""
            throw .usage("unknown command `\(name)`;\(hint) run `rule-check help` for the list")
        }
        return try command.run(Array(arguments.dropFirst()))
    }

    static var usage: String {
        "usage: rule-check COMMAND [OPTIONS]\n\ncommands:\n"
            + all.map { "  \($0.name.padding(8))\($0.summary)" }.joined(separator: "\n")
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
