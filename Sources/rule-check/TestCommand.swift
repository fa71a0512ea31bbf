import LVVRules
import RuleDSL

/// `rule-check test [PATH…]`: runs the test cases written in rule files, like a test runner,
/// and names the rules no test shows firing and not firing.
enum TestCommand {
    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        let args = try Arguments(command: "test", arguments, valueFlags: ["--rules", "--lang"], switchFlags: ["--verbose"])
        let paths = try RuleFilePaths.resolve(args.positionals, rules: args.value("--rules"))
        let library = RuleLibrary(directory: args.value("--rules") ?? "rules")
        let language = try args.language()
        var passed = 0
        var failed = 0
        var loadFailures = 0
        for path in paths {
            let result: RuleSetLoader.Result
            do {
                result = try library.loadResult(path: path)
            } catch {
                Console.out(TerminalText.escape("\(path): error: \(error.description)") + "\n")
                loadFailures += 1
                continue
            }
            guard let program = result.program else {
                Console.out(DiagnosticRenderer(files: result.files).render(result.errors))
                loadFailures += 1
                continue
            }
            let report = TestRunner(program: program).run()
            let words = FrameText(language ?? program.texts.language)
            let renderer = DiagnosticRenderer(files: program.files)
            for test in report.results {
                if test.passed {
                    if args.has("--verbose") { Console.out("\(words.testPassed)\(path): \(test.test.title)\n") }
                } else {
                    let location = program.files[test.test.range.file].location(of: test.test.range.start)
                    Console.out("\(words.testFailed)\(path):\(location.line): \(test.test.title)\n")
                    for failure in test.failures { Console.out("      \(failure)\n") }
                }
            }
            for (rule, neverFired, _) in report.uncovered(in: program)
            where program.rules[rule].origin.file == program.files.count - 1 {
                let what = neverFired ? "no test shows it firing" : "no test shows it not firing"
                Console.out(renderer.render(.warning("untested-rule", "rule `\(program.rules[rule].id)`: \(what)",
                                                     at: program.rules[rule].range)))
            }
            passed += report.passed
            failed += report.failed
            Console.out("\(path): \(words.tally(passed: report.passed, failed: report.failed))\n")
        }
        // The last line is the contract's (`N passed, N failed`) in every language: scripts read it.
        Console.out("\(passed) passed, \(failed + loadFailures) failed\n")
        return failed == 0 && loadFailures == 0 ? .success : .failure
    }
}
