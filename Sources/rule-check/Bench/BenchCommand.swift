import LVVRules
import RuleDSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
    import Foundation  // `ProcessInfo`: Darwin's headers declare no `environ`
#endif

/// `rule-check bench [--pilot P] [--cases N] [--runs R] [--only PART]`: the performance figures,
/// measured on one core, each the median of several runs: evaluation only (with and without
/// trace), `batch` end to end on a generated JSONL file, one case through `rule-check eval` as a
/// fresh process, `batch`'s resident memory as a process, parse+check of every shipped rule
/// file, `comply` for every rule set, `format` of every shipped rule file, and the language
/// server from an edit to its diagnostics, and `diff` without cases on a one-rule change. Build
/// with `-c release` for meaningful figures. `--serve` measures the decision service instead
/// (`ServeBench`).
enum BenchCommand {
    static let parts = ["evaluate", "batch", "process", "rules", "format", "lsp", "whynot", "interview", "diff"]

    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        if arguments.contains("--serve") { return try ServeBench.run(arguments.filter { $0 != "--serve" }) }
        let flags: Set<String> = ["--pilot", "--cases", "--rules", "--runs", "--only"]
        let args = try Arguments(command: "bench", arguments, valueFlags: flags, switchFlags: [])
        let only = args.value("--only")
        if let only, !parts.contains(only) {
            throw .usage("`--only` takes one of \(parts.joined(separator: ", ")), not `\(only)`")
        }
        func measures(_ part: String) -> Bool { only == nil || only == part }
        if only == "whynot" || only == "interview" {
            // Per case, not per caseload: no JSONL file is needed.
            let perPilot = Int(args.value("--cases") ?? "10000") ?? -1
            guard perPilot > 0 else { throw .usage("`--cases` takes a positive whole number") }
            let directory = args.value("--rules") ?? "rules"
            #if DEBUG
                Console.out("note: this is a debug build; use `swift build -c release` for real figures\n")
            #endif
            if only == "whynot" {
                try whyNot(casesPerPilot: perPilot, rules: directory)
            } else {
                try interviewSteps(casesPerPilot: perPilot, rules: directory)
            }
            return .success
        }
        let count = Int(args.value("--cases") ?? "100000") ?? -1
        let runs = Int(args.value("--runs") ?? "3") ?? -1
        guard count > 0, runs > 0 else { throw .usage("`--cases` and `--runs` take a positive whole number") }
        let pilot = args.value("--pilot") ?? "groningen"
        let rulesDirectory = args.value("--rules") ?? "rules"
        let program = try PilotLoader.load(
            try Arguments(
                command: "bench", ["--pilot", pilot, "--rules", rulesDirectory], valueFlags: flags, switchFlags: []))

        if measures("lsp") {
            // No cases needed: measured first, and alone with `--only lsp`.
            let edits = max(runs, 200)
            if let lsp = LanguageServerBench.run(rulesDirectory: rulesDirectory, edits: edits) {
                report("lsp: edit \(lsp.file) → diagnostics, median", lsp.median, "ms (\(edits) edits, in process)")
                report("lsp: edit \(lsp.file) → diagnostics, p99", lsp.p99, "ms")
            }
            if only == "lsp" { return .success }
        }

        // Realistic generated intake cases, deterministic (see `CaseGenerator`), as a JSONL file.
        var generator = CaseGenerator()
        let lines = (0..<count).map { generator.nextCase(index: $0 + 1) }
        // In a private folder of its own (`mkdtemp`): no other user can plant a file or a link
        // at the names, or read them.
        let folder: String
        do {
            folder = try FileSystem.makeTemporaryFolder(prefix: "rule-check-bench")
        } catch {
            throw CommandError(
                status: .failure, message: "cannot make a temporary folder for the benchmark's cases: \(error)")
        }
        defer { FileSystem.removeTemporaryFolder(folder) }
        let path = FileSystem.join(folder, "cases.jsonl")
        guard write(Array(lines.joined(separator: "\n").utf8) + [10], to: path) else {
            throw CommandError(status: .failure, message: "cannot write the benchmark's case file `\(path)`")
        }
        Console.out("rule-check bench: pilot \(program.name), \(count) generated cases, median of \(runs) runs\n")
        #if DEBUG
            Console.out("note: this is a debug build; use `swift build -c release` for real figures\n")
        #endif

        if measures("evaluate") {
            // The machine on facts already read, into one reused result, as a what-if over a
            // caseload runs it. Reading cases and writing verdicts are not counted here.
            // The caseload is held as one block of fact slots, case after case, as a what-if over
            // a whole caseload would hold it (one `CaseFacts` per case would be a few arrays each).
            let reader = CaseReader(program: program)
            let ruleSet = CompiledRuleSet(program)
            let width = ruleSet.plan.factCount
            var caseload: [Scalar] = []
            caseload.reserveCapacity(lines.count * width)
            for line in lines {
                guard case .success(let input) = reader.read(line) else { continue }
                caseload += CaseFacts(input.facts, table: ruleSet.plan.texts).slots
            }
            let caseCount = caseload.count / max(width, 1)
            let machine = Machine(plan: ruleSet.plan)
            let result = CaseResult(plan: ruleSet.plan)
            for tracing in [false, true] {
                let seconds = median(runs) {
                    caseload.withUnsafeBufferPointer { all in
                        for start in stride(from: 0, to: all.count, by: width) {
                            let slots = UnsafeBufferPointer(rebasing: all[start..<(start + width)])
                            machine.run(slots: slots, tracing: tracing, into: result)
                        }
                    }
                }
                report("evaluate, \(tracing ? "with trace" : "no trace")", Double(caseCount) / seconds, "cases/s")
            }
        }

        if measures("batch") {
            // End to end as `rule-check batch` runs: the JSONL file read through the same
            // streaming loop, verdicts written to /dev/null.
            for trace in [false, true] {
                let processor = BatchProcessor(program: program, trace: trace)
                var bytesOut = 0
                let seconds = median(runs) {
                    let input = open(path, O_RDONLY)
                    let output = open("/dev/null", O_WRONLY)
                    defer {
                        close(input)
                        close(output)
                    }
                    bytesOut = BatchCommand.stream(from: input, to: output, processor).bytes
                }
                report(
                    "batch end-to-end\(trace ? ", with trace" : ", --no-trace")", Double(count) / seconds,
                    "cases/s (JSONL file in, verdicts out, \(bytesOut / count) bytes a verdict)")
            }
        }

        if measures("process") {
            // As a user runs them: a fresh process each time.
            let executable = executablePath()
            let casePath = path + ".json"
            defer { unlink(casePath) }
            _ = write(Array(lines[0].utf8), to: casePath)
            var walls: [Double] = []
            for _ in 0..<max(runs, 11) {
                guard let run = spawn(executable, ["eval", "--pilot", pilot, "--rules", rulesDirectory, casePath])
                else { break }
                walls.append(run.seconds)
            }
            if !walls.isEmpty {
                report(
                    "eval, one case, as a process", walls.sorted()[walls.count / 2] * 1000,
                    "ms wall (start, load and check rules, decide, print, exit)")
            }
            for (cases, file) in [(10, path + ".10"), (count, path)] {
                if file != path {
                    _ = write(Array((lines.prefix(cases).joined(separator: "\n") + "\n").utf8), to: file)
                }
                defer { if file != path { unlink(file) } }
                if let run = spawn(
                    executable, ["batch", "--pilot", pilot, "--rules", rulesDirectory, "--no-trace"], input: file)
                {
                    report(
                        "batch --no-trace, \(cases) cases, memory", Double(run.maxResidentKB) / 1024, "MB peak resident"
                    )
                }
            }
        }

        if measures("rules") {
            let files = (try? RuleLibrary.ruleFiles(in: rulesDirectory)) ?? []
            let library = RuleLibrary(directory: rulesDirectory)
            let parse = median(max(runs, 5)) {
                for path in files { _ = try? library.loadResult(path: path) }
            }
            report("parse + check all \(files.count) rule files", parse * 1000, "ms (incl. reading from disk)")
            let programs = RuleLibrary.pilots.compactMap { try? library.load(pilot: $0) }
            let comply = median(runs) { for p in programs { _ = ComplianceReport(program: p) } }
            report("comply, all \(programs.count) rule sets", comply * 1000, "ms")
        }

        if measures("format") {
            // As `rule-check format --check` does its work, files already read: lex with comments,
            // parse, print, and the check that the printed text means the same. Target: 20 ms.
            let files = (try? RuleLibrary.ruleFiles(in: rulesDirectory)) ?? []
            let sources = files.compactMap { path in FileSystem.read(path).map { SourceFile(path: path, bytes: $0) } }
            var formatted = 0
            let seconds = median(max(runs, 5)) {
                formatted = 0
                for source in sources {
                    if case .success = RuleFormatter.format(source) { formatted += 1 }
                }
            }
            report(
                "format all \(formatted) of \(sources.count) rule files", seconds * 1000,
                "ms (in memory, meaning checked)")
        }

        if measures("diff") {
            // One rule changed (Groningen's binding widened to two more provinces), the rules
            // already loaded: the exhaustive region search alone. Target: 2 s. One run: it is slow.
            if let seconds = diffSeconds(rulesDirectory: rulesDirectory) {
                report("diff, one-rule change (groningen)", seconds * 1000, "ms (exhaustive search, one run)")
            }
        }

        var usage = rusage()
        // `ru_maxrss` is in kilobytes on Linux and in bytes on Darwin.
        #if canImport(Glibc)
            getrusage(RUSAGE_SELF.rawValue, &usage)
            let peakMB = Double(usage.ru_maxrss) / 1024
        #elseif canImport(Darwin)
            getrusage(RUSAGE_SELF, &usage)
            let peakMB = Double(usage.ru_maxrss) / (1024 * 1024)
        #endif
        report("peak memory (this benchmark process)", peakMB, "MB resident")
        return .success
    }

    /// `--only whynot`: `eval --why-not`'s search for single cases, on generated intake cases
    /// that are not admitted, per pilot: the median and the 99th percentile.
    private static func whyNot(casesPerPilot: Int, rules: String) throws(CommandError) {
        Console.out("rule-check bench --only whynot: \(casesPerPilot) generated non-admit cases per pilot, one core\n")
        var all: [Double] = []
        for pilot in RuleLibrary.pilots {
            let program = try PilotLoader.load(
                try Arguments(
                    command: "bench", ["--pilot", pilot, "--rules", rules], valueFlags: ["--pilot", "--rules"],
                    switchFlags: []))
            let builder = VerdictBuilder(program: program)
            let whyNot = WhyNot(program: program)
            let reader = CaseReader(program: program)
            var generator = CaseGenerator()
            var times: [Double] = []
            var index = 0
            var cutShort = 0
            while times.count < casesPerPilot && index < casesPerPilot * 50 {
                index += 1
                guard case .success(let input) = reader.read(generator.nextCase(index: index)) else { continue }
                let verdict = builder.verdict(for: input, trace: false)
                guard verdict.decision != "admit" else { continue }
                let start = Stopwatch.now()
                let answer = whyNot.explain(verdict)
                times.append(Stopwatch.now() - start)
                if answer?.complete == false { cutShort += 1 }
            }
            all += times
            Console.out("  \(pilot.padding(10)) \(percentiles(times)); search cut short: \(cutShort)\n")
        }
        Console.out("  all        \(percentiles(all))  (goal: p99 <= 50 ms)\n")
    }

    /// `--only interview`: choosing the next question, on generated intake cases with about half
    /// their facts made unknown, per pilot.
    private static func interviewSteps(casesPerPilot: Int, rules: String) throws(CommandError) {
        Console.out(
            "rule-check bench --only interview: next question for \(casesPerPilot) undetermined partial cases per pilot, one core\n"
        )
        var all: [Double] = []
        for pilot in RuleLibrary.pilots {
            let program = try PilotLoader.load(
                try Arguments(
                    command: "bench", ["--pilot", pilot, "--rules", rules], valueFlags: ["--pilot", "--rules"],
                    switchFlags: []))
            let reader = CaseReader(program: program)
            var generator = CaseGenerator(seed: 17)
            var times: [Double] = []
            var index = 0
            while times.count < casesPerPilot && index < casesPerPilot * 40 {
                index += 1
                guard case .success(let input) = reader.read(generator.nextCase(index: index)) else { continue }
                var facts = input.facts
                for slot in facts.indices
                where !program.facts[slot].isOptional && !program.facts[slot].isGroupPresence
                    && (slot &* 2_654_435_761 &+ index) % 2 == 0
                { facts[slot] = nil }
                let interview = Interview(program: program, facts: facts)
                // Only where there is a question to choose: a settled case needs no step.
                guard !interview.isSettled() else { continue }
                let start = Stopwatch.now()
                _ = interview.nextQuestion()
                times.append(Stopwatch.now() - start)
            }
            all += times
            Console.out("  \(pilot.padding(10)) \(percentiles(times))\n")
        }
        Console.out("  all        \(percentiles(all))  (goal: p99 <= 5 ms)\n")
    }

    /// `median 1.2 ms, p99 3.4 ms, max 5.6 ms (n cases)`.
    private static func percentiles(_ seconds: [Double]) -> String {
        guard !seconds.isEmpty else { return "no cases" }
        let sorted = seconds.sorted()
        func at(_ q: Double) -> String {
            let ms = sorted[min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.up)) - 1)] * 1000
            return ComplianceFigures.oneDecimalMs(ms)
        }
        return "median \(at(0.5)) ms, p99 \(at(0.99)) ms, max \(at(1.0)) ms (\(sorted.count) cases)"
    }

    /// The time of `diff` without cases between the shipped Groningen rules and a copy whose
    /// regional binding also admits Drenthe and Friesland (nil: the rules are not as expected).
    private static func diffSeconds(rulesDirectory: String) -> Double? {
        guard let folder = try? FileSystem.makeTemporaryFolder(prefix: "rule-check-bench-diff") else { return nil }
        defer { FileSystem.removeTemporaryFolder(folder) }
        let files = (try? RuleLibrary.ruleFiles(in: rulesDirectory)) ?? []
        for path in files {
            guard let bytes = FileSystem.read(path) else { return nil }
            var text = String(decoding: bytes, as: UTF8.self)
            let name = path.split(separator: "/").last.map(String.init) ?? path
            if name == "groningen.rules" {
                text = text.replacing(
                    "when binding_province != \"Groningen\"",
                    with: "when binding_province not in {\"Groningen\", \"Drenthe\", \"Friesland\"}")
            }
            guard write(Array(text.utf8), to: FileSystem.join(folder, name)) else { return nil }
        }
        guard let old = try? RuleLibrary(directory: rulesDirectory).load(pilot: "groningen"),
            let new = try? RuleLibrary(directory: folder).load(pilot: "groningen")
        else { return nil }
        let start = Stopwatch.now()
        _ = DecisionDiff(old: old, new: new).regions()
        return Stopwatch.now() - start
    }

    private static func median(_ runs: Int, _ body: () -> Void) -> Double {
        var times: [Double] = []
        for _ in 0..<runs {
            let start = Stopwatch.now()
            body()
            times.append(Stopwatch.now() - start)
        }
        return times.sorted()[times.count / 2]
    }

    private static func report(_ what: String, _ value: Double, _ unit: String) {
        let shown = value >= 100 ? String(Int(value.rounded())) : String(Double(Int(value * 100)) / 100)
        Console.out("  \(what.padding(40)) \(shown) \(unit)\n")
    }

    /// A new file in the benchmark's own folder (never one that is there already).
    private static func write(_ bytes: [UInt8], to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        let sent = bytes.withUnsafeBufferPointer { Console.writeAll(fd, $0) }
        return close(fd) == 0 && sent.error == 0
    }

    /// This program's own executable, so the process figures measure the same build.
    static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Starts the executable with standard input from `input`, standard output to /dev/null,
    /// and standard error to `errors` when given (else this process's); nil when it cannot start.
    static func launch(_ executable: String, _ arguments: [String], input: String = "/dev/null", errors: Int32? = nil)
        -> pid_t?
    {
        // An opaque pointer on Darwin, a struct in glibc.
        #if canImport(Glibc)
            var actions = posix_spawn_file_actions_t()
        #elseif canImport(Darwin)
            var actions: posix_spawn_file_actions_t? = nil
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        if let errors {
            posix_spawn_file_actions_adddup2(&actions, errors, 2)
            posix_spawn_file_actions_addclose(&actions, errors)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        #if canImport(Glibc)
            let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        #elseif canImport(Darwin)
            // Darwin's headers declare no `environ`: the same variables, through Foundation.
            let environment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { for variable in environment { free(variable) } }
            let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environment)
        #endif
        return spawned == 0 ? pid : nil
    }

    /// Runs the executable with standard input from `input` (or /dev/null) and output to
    /// /dev/null; returns its wall time and peak resident memory.
    static func spawn(_ executable: String, _ arguments: [String], input: String = "/dev/null")
        -> (seconds: Double, maxResidentKB: Int)?
    {
        let start = Stopwatch.now()
        guard let pid = launch(executable, arguments, input: input) else { return nil }
        // The child's own peak, read from /proc while it runs: `wait4`'s maximum resident size
        // would include this (large) process, whose memory the child shares until it execs.
        var status: Int32 = 0
        var peakKB = 0
        while true {
            peakKB = max(peakKB, residentPeakKB(of: pid))
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid { break }
            if waited < 0 { return nil }
            usleep(200)
        }
        return (Stopwatch.now() - start, peakKB)
    }

    /// `VmHWM` of a running process, in KB (0 when unreadable: on Darwin, which has no `/proc`).
    private static func residentPeakKB(of pid: pid_t) -> Int {
        guard let bytes = FileSystem.read("/proc/\(pid)/status") else { return 0 }
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.dropFirst(6).filter(\.isNumber)) ?? 0
        }
        return 0
    }
}

/// Milliseconds with two decimals, without Foundation.
enum ComplianceFigures {
    static func oneDecimalMs(_ ms: Double) -> String {
        let hundredths = Int((ms * 100).rounded())
        let rest = hundredths % 100
        return "\(hundredths / 100).\(rest < 10 ? "0" : "")\(rest)"
    }
}
