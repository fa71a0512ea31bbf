import LVVRules
import RuleDSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `rule-check batch --pilot P < cases.jsonl > verdicts.jsonl`: streams cases to verdicts,
/// one output line per non-blank input line, in order; a bad line yields
/// `{"line": N, "error": "…"}` and the stream goes on. Memory stays flat: one input buffer,
/// one output buffer, written out in whole lines.
enum BatchCommand {
    /// A line longer than this (its line end not counted) is reported as an error, not
    /// buffered: the documented limit exactly, the size a case may have (`CaseReader`).
    static let maximumLineLength = BatchStream.maximumLineLength

    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        let args = try Arguments(
            command: "batch", arguments, valueFlags: ["--pilot", "--rules"], switchFlags: ["--no-trace"])
        if let extra = args.positionals.first {
            throw .usage(
                "`rule-check batch` reads cases from standard input, not `\(extra)`: rule-check batch --pilot P < cases.jsonl"
            )
        }
        let program = try PilotLoader.load(args)
        let processor = BatchProcessor(program: program, trace: !args.has("--no-trace"))
        let result = stream(from: 0, to: 1, processor)
        switch result.failure {
        case nil:
            break
        case .write(let code, let line)?:
            Console.outputFailure = code
            Console.outputFailureReported = true
            throw CommandError(
                status: .failure,
                message:
                    "cannot write the output for input line \(line) to standard output: \(Console.describe(code)); it and the lines after it are lost"
            )
        case .read(let code, let line)?:
            let after = line > 0 ? " after line \(line)" : ""
            throw CommandError(
                status: .badInput, message: "cannot read standard input\(after): \(FileSystem.describe(code))")
        }
        return result.badLines == 0 ? .success : .badInput
    }

    /// How a stream ended early.
    typealias Failure = BatchStream.Failure

    /// Reads JSONL cases from `input` and writes one line per case to `output`: how many lines
    /// were bad, how many bytes went out, and what stopped it early. The benchmark runs exactly this.
    static func stream(from input: Int32, to output: Int32, _ processor: BatchProcessor)
        -> (badLines: Int, bytes: Int, failure: Failure?)
    {
        BatchStream.run(
            read: { FileSystem.systemRead(input, $0, $1) },
            write: { Console.writeAll(output, $0) }, processor)
    }
}
