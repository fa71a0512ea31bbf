import RuleDSL

/// The table of commands and their one-line help.
enum Commands {
    /// One command: its name, its one-line help, and what runs it.
    struct Command: Sendable {
        let name: String
        let summary: String
        let run: @Sendable ([String]) throws(CommandError) -> ExitStatus
    }

    static let all: [Command] = [
        Command(
            name: "check", summary: "parse and check rule files: rule-check check [PATH…]",
            run: { arguments throws(CommandError) in try CheckCommand.run(arguments) }),
        Command(
            name: "eval",
            summary:
                "decide one case: rule-check eval --pilot P CASE.json [--format text|json] [--no-trace] [--why-not] [--ruleset-hash H] [--lang nl|en]",
            run: { arguments throws(CommandError) in try EvalCommand.run(arguments) }),
        Command(
            name: "batch",
            summary: "decide a stream of cases: rule-check batch --pilot P [--no-trace] < cases.jsonl > verdicts.jsonl",
            run: { arguments throws(CommandError) in try BatchCommand.run(arguments) }),
        Command(
            name: "comply",
            summary:
                "prove a pilot's rules against the national convenant: rule-check comply --pilot P [--format text|json|junit] [--lang nl|en]",
            run: { arguments throws(CommandError) in try ComplyCommand.run(arguments) }),
        Command(
            name: "diff",
            summary:
                "what an edit changes: rule-check diff --pilot P --against OLD_RULES [--cases FILE] [--format text|json] [--lang nl|en]",
            run: { arguments throws(CommandError) in try DiffCommand.run(arguments) }),
        Command(
            name: "generate",
            summary:
                "realistic cases to measure a change on: rule-check generate --pilot P --cases N [--question intake|review|mixed] [--seed S]",
            run: { arguments throws(CommandError) in try GenerateCommand.run(arguments) }),
        Command(
            name: "format",
            summary: "print rule files in the canonical layout: rule-check format [PATH…] [--check | --in-place]",
            run: { arguments throws(CommandError) in try FormatCommand.run(arguments) }),
        Command(
            name: "test",
            summary:
                "run the rule files' own tests: rule-check test [PATH…] [--verbose] [--format text|json|junit] [--coverage] [--min-coverage P] [--lang nl|en]",
            run: { arguments throws(CommandError) in try TestCommand.run(arguments) }),
        Command(
            name: "doc",
            summary:
                "write a pilot's rulebook as one HTML page: rule-check doc --pilot P [--out DIR] [--rules DIR] [--lang nl|en]",
            run: { arguments throws(CommandError) in try DocCommand.run(arguments) }),
        Command(
            name: "bench",
            summary:
                "measure speed and memory: rule-check bench [--pilot P] [--cases N] [--runs R] [--only PART] [--serve]",
            run: { arguments throws(CommandError) in try BenchCommand.run(arguments) }),
        Command(
            name: "interview",
            summary:
                "ask only the questions that can change the decision: rule-check interview --pilot P [--case PARTIAL.json] [--out CASE.json] [--lang nl|en]",
            run: { arguments throws(CommandError) in try InterviewCommand.run(arguments) }),
        Command(
            name: "lsp",
            summary: "the language server for editors, on standard input and output: rule-check lsp [--stdio]",
            run: { arguments throws(CommandError) in try LSPCommand.run(arguments) }),
        Command(
            name: "serve",
            summary:
                "serve decisions over HTTP: rule-check serve --pilot P [--pilot P …|--all] [--host H] [--port N] [--token-file F] [--threads N] [--access-log FILE]",
            run: { arguments throws(CommandError) in try ServeCommand.run(arguments) }),
        Command(
            name: "report",
            summary:
                "summarise batch verdicts: rule-check report VERDICTS.jsonl [--out FILE.html] [--rules DIR] [--lang nl|en]",
            run: { arguments throws(CommandError) in try ReportCommand.run(arguments) }),
    ]

    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        guard let name = arguments.first else {
            Console.errorText(usage + "\n")
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
