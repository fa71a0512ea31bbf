import LVVPresentation
import LVVRules
import RuleDSL

/// `rule-check test [PATH…]`: runs the test cases written in rule files, like a test runner,
/// and names the rules no test shows firing and not firing.
enum TestCommand {
    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        let args = try Arguments(
            command: "test", arguments, valueFlags: ["--rules", "--format", "--min-coverage", "--lang"],
            switchFlags: ["--verbose", "--coverage"])
        let format = try args.reportFormat()
        let minimum = try minimumCoverage(args)
        let wantsCoverage = args.has("--coverage")
        if format == .json, !wantsCoverage { throw .usage("`rule-check test --format json` needs `--coverage`") }
        if format == .junit, wantsCoverage { throw .usage("`--coverage` is text or json, not `junit`") }
        let text = format == .text
        let paths = try RuleFilePaths.resolve(args.positionals, rules: args.value("--rules"))
        let library = RuleLibrary(directory: args.value("--rules") ?? "rules")
        let language = try args.language()
        var passed = 0
        var failed = 0
        var loadFailures = 0
        var suites: [JUnitXML.TestSuite] = []
        var coverages: [CoverageReport.File] = []
        for path in paths {
            let result: RuleSetLoader.Result
            do {
                result = try library.loadResult(path: path)
            } catch {
                if text { Console.out(TerminalText.escape("\(path): error: \(error.description)") + "\n") }
                suites.append(JUnitResults.loadError(path: path, details: error.description))
                coverages.append(CoverageReport.File(path: path, loadError: error.description))
                loadFailures += 1
                continue
            }
            guard let program = result.program else {
                let rendered = DiagnosticRenderer(files: result.files).render(result.errors)
                if text { Console.out(rendered) }
                suites.append(JUnitResults.loadError(path: path, details: rendered))
                coverages.append(CoverageReport.File(path: path, loadError: "the rule file does not load"))
                loadFailures += 1
                continue
            }
            let start = Stopwatch.now()
            let report = TestRunner(program: program).run()
            suites.append(JUnitResults.tests(report, program: program, path: path, seconds: Stopwatch.now() - start))
            if text {
                let words = FrameText(language ?? program.texts.language)
                printResults(report, program: program, path: path, verbose: args.has("--verbose"), words: words)
            }
            if wantsCoverage || minimum != nil {
                let coverage = CoverageReport.File(path: path, program: program, report: report)
                if text, wantsCoverage { Console.out(coverage.text()) }
                coverages.append(coverage)
            }
            passed += report.passed
            failed += report.failed
        }
        switch format {
        // The last line is the contract's (`N passed, N failed`) in every language: scripts read it.
        case .text: Console.out("\(passed) passed, \(failed + loadFailures) failed\n")
        case .json:
            Console.out(CoverageReport.json(coverages, passed: passed, failed: failed + loadFailures, minimum: minimum))
        case .junit: Console.out(JUnitXML.document(name: "rule-check test", suites: suites))
        }
        var belowMinimum = false
        if let minimum {
            for message in CoverageReport.belowMinimum(coverages, minimum: minimum) {
                // Standard output stays pure JSON or XML for the CI system that reads it.
                if text { Console.out(message + "\n") } else { Console.error(message) }
                belowMinimum = true
            }
        }
        return failed == 0 && loadFailures == 0 && !belowMinimum ? .success : .failure
    }

    /// `--min-coverage P`: a percentage from 0 to 100.
    private static func minimumCoverage(_ args: Arguments) throws(CommandError) -> Double? {
        guard let raw = args.value("--min-coverage") else { return nil }
        let digits = raw.hasSuffix("%") ? String(raw.dropLast()) : raw
        guard let value = Double(digits), value.isFinite, value >= 0, value <= 100 else {
            throw .usage("`--min-coverage` is a percentage from 0 to 100, not `\(raw)`")
        }
        return value
    }

    private static func printResults(
        _ report: TestRunner.Report, program: Program, path: String, verbose: Bool, words: FrameText
    ) {
        let renderer = DiagnosticRenderer(files: program.files)
        for test in report.results {
            if test.passed {
                if verbose { Console.out("\(words.testPassed)\(path): \(test.test.title)\n") }
            } else {
                let location = program.files[test.test.range.file].location(of: test.test.range.start)
                Console.out("\(words.testFailed)\(path):\(location.line): \(test.test.title)\n")
                for failure in test.failures { Console.out("      \(failure)\n") }
            }
        }
        for (rule, neverFired, _) in report.uncovered(in: program)
        where program.rules[rule].origin.file == program.files.count - 1 {
            let what = neverFired ? "no test shows it firing" : "no test shows it not firing"
            Console.out(
                renderer.render(
                    .warning(
                        "untested-rule", "rule `\(program.rules[rule].id)`: \(what)",
                        at: program.rules[rule].range)))
        }
        Console.out("\(path): \(words.tally(passed: report.passed, failed: report.failed))\n")
    }
}
