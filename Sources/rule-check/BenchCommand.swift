#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Dispatch
import LVVRules
import RuleDSL

/// `rule-check bench [--pilot P] [--cases N]`: the performance figures, measured, each the
/// median of several runs on one core: evaluation only (with and without trace), `batch`
/// end-to-end on generated JSONL, parse+check of every shipped rule file, `comply` for every
/// pilot, and peak memory. Build with `-c release` for meaningful figures.
enum BenchCommand {
    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        let args = try Arguments(command: "bench", arguments, valueFlags: ["--pilot", "--cases", "--rules", "--runs", "--only"], switchFlags: [])
        let parts = ["evaluate", "batch", "rules"]
        let only = args.value("--only")
        if let only, !parts.contains(only) {
            throw .usage("`--only` takes one of \(parts.joined(separator: ", ")), not `\(only)`")
        }
        func measures(_ part: String) -> Bool { only == nil || only == part }
        let count = Int(args.value("--cases") ?? "100000") ?? -1
        let runs = Int(args.value("--runs") ?? "3") ?? -1
        guard count > 0, runs > 0 else { throw .usage("`--cases` and `--runs` take a positive whole number") }
        var pilotArgs = arguments
        if args.value("--pilot") == nil { pilotArgs += ["--pilot", "groningen"] }
        let pilotArguments = try Arguments(command: "bench", pilotArgs, valueFlags: ["--pilot", "--cases", "--rules", "--runs", "--only"], switchFlags: [])
        let program = try PilotLoader.load(pilotArguments)
        let rulesDirectory = args.value("--rules") ?? "rules"

        var generator = CaseGenerator()
        let lines = (0..<count).map { generator.nextCase(index: $0 + 1) }
        let jsonl = Array(lines.joined(separator: "\n").utf8) + [10]
        let reader = CaseReader(program: program)
        let inputs: [CaseInput] = lines.compactMap { line in
            if case .success(let input) = reader.read(line) { return input }
            return nil
        }
        // Evaluation only: the machine on facts already read, into one reused result, as a
        // what-if over a caseload runs it. Converting to the readable `Evaluation` is not counted.
        let machine = Machine(plan: program.plan)
        let caseFacts = inputs.map { CaseFacts($0.facts, table: program.plan.texts) }
        let result = CaseResult(plan: program.plan)
        Console.out("rule-check bench: pilot \(program.name), \(count) generated cases (\(jsonl.count / max(count, 1)) bytes each on average), median of \(runs) runs\n")
        #if DEBUG
            Console.out("note: this is a debug build; use `swift run -c release rule-check bench` for real figures\n")
        #endif

        if measures("evaluate") {
        let quiet = median(runs) { for facts in caseFacts { machine.run(facts, tracing: false, into: result) } }
        report("evaluate, no trace", Double(inputs.count) / quiet, "cases/s")
        let traced = median(runs) { for facts in caseFacts { machine.run(facts, tracing: ProcessInfoStub.trace, into: result) } }
        report("evaluate, with trace", Double(inputs.count) / traced, "cases/s")
        }

        if measures("batch") {
            // End to end as `rule-check batch` runs: the generated JSONL in a file, read through
            // the same streaming loop, verdicts written to /dev/null (the bytes are counted).
            let path = "/tmp/rule-check-bench-\(getpid()).jsonl"
            defer { unlink(path) }
            let written = jsonl.withUnsafeBufferPointer { bytes -> Bool in
                let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
                guard fd >= 0 else { return false }
                defer { close(fd) }
                Console.writeAll(fd, bytes)
                return true
            }
            guard written else { throw CommandError(status: .failure, message: "cannot write the benchmark's case file \(path)") }
            for trace in [false, true] {
                let processor = BatchProcessor(program: program, trace: trace)
                var bytesOut = 0
                let seconds = median(runs) {
                    let input = open(path, O_RDONLY)
                    let output = open("/dev/null", O_WRONLY)
                    defer { close(input); close(output) }
                    bytesOut = BatchCommand.stream(from: input, to: output, processor).bytes
                }
                report("batch end-to-end\(trace ? ", with trace" : ", --no-trace")", Double(count) / seconds,
                       "cases/s (JSONL file in, verdicts out, \(bytesOut / max(count, 1)) bytes a verdict)")
            }
        }

        if measures("rules") {
        let files = (try? RuleLibrary.ruleFiles(in: rulesDirectory)) ?? []
        let sources = files.compactMap { try? RuleLibrary.read($0) }
        let library = RuleLibrary(directory: rulesDirectory)
        let parse = median(max(runs, 5)) {
            for path in files { _ = try? library.loadResult(path: path) }
        }
        report("parse + check all \(sources.count) rule files", parse * 1000, "ms (incl. reading from disk)")

        let programs = RuleLibrary.pilots.compactMap { try? library.load(pilot: $0) }
        let comply = median(runs) { for p in programs { _ = ComplianceReport(program: p) } }
        report("comply, all \(programs.count) rule sets", comply * 1000, "ms")
        }

        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        report("peak memory (this process)", Double(usage.ru_maxrss) / 1024, "MB resident")
        return .success
    }

    private static func median(_ runs: Int, _ body: () -> Void) -> Double {
        var times: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return times.sorted()[times.count / 2]
    }

    private static func report(_ what: String, _ value: Double, _ unit: String) {
        let shown = value >= 100 ? String(Int(value.rounded())) : String(Double(Int(value * 100)) / 100)
        Console.out("  \(what.padding(40)) \(shown) \(unit)\n")
    }
}
enum ProcessInfoStub { static let trace = getenv("BENCH_NOTRACE") == nil }
