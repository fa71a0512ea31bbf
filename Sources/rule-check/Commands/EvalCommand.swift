import LVVPresentation
import LVVRules
import RuleDSL

/// `rule-check eval --pilot P CASE.json`: decides one case and explains it.
enum EvalCommand {
    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        let args = try Arguments(
            command: "eval", arguments, valueFlags: ["--pilot", "--rules", "--format", "--ruleset-hash", "--lang"],
            switchFlags: ["--no-trace", "--why-not"])
        let format = try args.format()
        let language = try args.language()
        guard args.positionals.count == 1 else {
            throw .usage(
                args.positionals.isEmpty
                    ? "`rule-check eval` needs a case file: rule-check eval --pilot P CASE.json"
                    : "`rule-check eval` takes one case file; for many cases use `rule-check batch`")
        }
        let program = try PilotLoader.load(args)
        if let expected = args.value("--ruleset-hash"), expected.lowercased() != program.sha256 {
            throw CommandError(
                status: .failure,
                message:
                    "the rules of `\(program.name)` on disk have sha256 \(program.sha256), not \(expected): refusing to decide with other rules than the verdict was made with"
            )
        }
        let path = args.positionals[0]
        let bytes = try readCase(path)
        let reader = CaseReader(program: program)
        let result = bytes.withUnsafeBufferPointer { reader.read($0) }
        let input: CaseInput
        switch result {
        case .success(let value):
            input = value
        case .failure(let error):
            throw CommandError(
                status: .badInput,
                message:
                    "\(path): \(moreThanOneCase(bytes) ? "the file holds more than one case; use `rule-check batch`" : error.message)"
            )
        }
        let trace = !args.has("--no-trace")
        let verdict = VerdictBuilder(program: program).verdict(for: input, trace: trace)
        // `--why-not`: what would have to change (docs/why.md); computed only when asked.
        let whyNot = args.has("--why-not") ? WhyNot(program: program) : nil
        let counterfactuals = whyNot?.explain(verdict)
        switch format {
        case .json:
            var line = VerdictJSON.encode(verdict, program: program, trace: trace, counterfactuals: counterfactuals)
            line.append(UInt8(ascii: "\n"))
            line.withUnsafeBufferPointer { _ = Console.output($0) }
        case .text:
            var text = VerdictText.render(verdict, program: program, trace: trace, language: language)
            if let whyNot, let counterfactuals {
                text += WhyNotText.render(counterfactuals, program: program, search: whyNot.search, language: language)
            }
            Console.out(text)
        }
        return .success
    }

    /// The case file's bytes: a file, a pipe (`<(…)`, `/dev/stdin`) or `-`, at most
    /// `CaseReader.maximumCaseSize` bytes (a larger one is refused before it is read whole).
    private static func readCase(_ path: String) throws(CommandError) -> [UInt8] {
        do {
            if path == "-" { return try FileSystem.read(descriptor: 0, limit: CaseReader.maximumCaseSize) }
            return try FileSystem.read(path, limit: CaseReader.maximumCaseSize)
        } catch {
            let name = path == "-" ? "standard input" : "the case file `\(path)`"
            let reason =
                error.isTooLarge
                ? "it is larger than \(CaseReader.maximumCaseSize) bytes, the most one case may be"
                : error.description
            throw CommandError(status: .badInput, message: "cannot read \(name): \(reason)")
        }
    }

    /// Whether the bytes look like JSONL with several objects (to say "use batch").
    private static func moreThanOneCase(_ bytes: [UInt8]) -> Bool {
        let lines = bytes.split(separator: UInt8(ascii: "\n")).filter { line in
            line.contains { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\t") }
        }
        guard lines.count > 1 else { return false }
        return lines.prefix(2).allSatisfy { line in
            Array(line).withUnsafeBufferPointer {
                if case .success(.object) = JSONParser.parse($0) { return true } else { return false }
            }
        }
    }
}
