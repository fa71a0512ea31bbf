import LVVPresentation
import LVVRules
import RuleDSL

/// Turns the results of `test` and `comply` into JUnit test suites (`JUnitXML`): a rule file's
/// tests, or a pilot's invariants, each one test case.
enum JUnitResults {
    /// One suite for a rule file: a test case per test, named by its title, failing with what differed.
    static func tests(_ report: TestRunner.Report, program: Program, path: String, seconds: Double)
        -> JUnitXML.TestSuite
    {
        let cases = report.results.map { result -> JUnitXML.TestCase in
            guard !result.passed else {
                return JUnitXML.TestCase(name: result.test.title, className: path, outcome: .passed)
            }
            let line = program.files[result.test.range.file].location(of: result.test.range.start).line
            return JUnitXML.TestCase(
                name: result.test.title, className: path,
                outcome: .failure(
                    type: "expectation", message: result.failures.joined(separator: "; "),
                    text: "\(path):\(line)\n" + result.failures.joined(separator: "\n")))
        }
        return JUnitXML.TestSuite(name: path, time: seconds, cases: cases)
    }

    /// A rule file that does not load: one test case in error, with the diagnostics.
    static func loadError(path: String, details: String) -> JUnitXML.TestSuite {
        JUnitXML.TestSuite(
            name: path, time: 0,
            cases: [
                JUnitXML.TestCase(
                    name: "load", className: path,
                    outcome: .error(type: "load", message: "the rule file does not load", text: details))
            ])
    }

    /// One suite for a pilot: a test case per national invariant. A violation fails with its
    /// counterexample case (JSON, to run with `eval`); an unproven invariant fails with the reason.
    static func comply(_ report: ComplianceReport, milliseconds: Double) -> String {
        let className = report.files.last ?? report.pilot
        let cases = report.invariants.map { result -> JUnitXML.TestCase in
            let name = "\(result.id): \(result.title)"
            switch result.status {
            case .proven:
                return JUnitXML.TestCase(name: name, className: className, outcome: .passed)
            case .unproven:
                let reason = result.reason ?? "not proven"
                return JUnitXML.TestCase(
                    name: name, className: className,
                    outcome: .failure(
                        type: "unproven", message: "not proven: \(reason)",
                        text: "\(reason)\nsource: \(result.source)"))
            case .violated:
                var text = "source: \(result.source)\ndecision on the counterexample: \(result.decision ?? "")\n"
                if !result.rules.isEmpty { text += "rules:\n" + result.rules.map { "  \($0)\n" }.joined() }
                text += "counterexample (save as a file and run `rule-check eval --pilot \(report.pilot)` on it):\n"
                text += (result.counterexample ?? "") + "\n"
                return JUnitXML.TestCase(
                    name: name, className: className,
                    outcome: .failure(
                        type: "violated",
                        message: "violated: \(result.decision ?? "")", text: text))
            }
        }
        return JUnitXML.document(
            name: "rule-check comply",
            suites: [
                JUnitXML.TestSuite(name: "comply \(report.pilot)", time: milliseconds / 1000, cases: cases)
            ])
    }
}
