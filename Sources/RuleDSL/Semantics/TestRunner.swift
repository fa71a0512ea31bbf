import RuleSyntax
import RuleValues

/// Runs the test cases written in a rule file and reports like a test runner: each test passes
/// or fails with what differed, and which rules the tests exercised both ways.
public struct TestRunner {
    /// What decides each test: the reference evaluator, the language's definition.
    public let evaluator: ReferenceEvaluator
    /// The rule set whose tests run.
    public var program: Program { evaluator.program }

    /// A runner deciding with `evaluator` (`TestRunner(program:)` in RuleAnalysis gives the one
    /// with exact missing facts).
    public init(evaluator: ReferenceEvaluator) {
        self.evaluator = evaluator
    }

    /// One test's result; `failures` says, in words, what differed.
    public struct TestResult: Sendable {
        /// The test as the rule file declares it.
        public let test: TestInfo
        /// What differed, one sentence each; empty when it passed.
        public let failures: [String]
        /// Whether everything the test expects came out.
        public var passed: Bool { failures.isEmpty }
    }

    /// The results, and per rule whether some test saw it hold and some test saw it not hold.
    public struct Report: Sendable {
        /// One result per test, in file order.
        public let results: [TestResult]
        /// Per rule (index), the tests in which it held and in which it did not.
        public let firedIn: [Int: Int]
        /// Per rule (index), the tests in which it was evaluated and did not hold.
        public let quietIn: [Int: Int]
        /// Per exception, the tests in which it held and in which it did not (`TestCoverage`).
        public var exceptionHeldIn: [Int: Int] = [:]
        /// Per exception (index), the tests in which it was evaluated and did not hold.
        public var exceptionQuietIn: [Int: Int] = [:]
        /// Per stage (`StageKey`), the tests in which a rule of it decided, and in which it was
        /// reached but none of its rules decided.
        public var stageHeldIn: [StageKey: Int] = [:]
        /// Per stage, the tests that reached it but in which none of its rules decided.
        public var stageQuietIn: [StageKey: Int] = [:]
        /// How many tests passed and failed.
        public var passed: Int { results.filter(\.passed).count }
        /// How many tests failed.
        public var failed: Int { results.count - passed }

        /// Rules that no test shows firing, or none shows not firing (`TestCoverage.rule`).
        public func uncovered(in program: Program) -> [(rule: Int, neverFired: Bool, neverQuiet: Bool)] {
            program.rules.indices.compactMap { index in
                let item = TestCoverage.rule(index, in: program, report: self)
                let neverFired = item.held == 0
                let neverQuiet = item.notHeld == 0 && item.canFail
                return neverFired || neverQuiet ? (index, neverFired, neverQuiet) : nil
            }
        }
    }

    /// Runs every test of the program, with a trace (coverage reads it).
    public func run() -> Report {
        var results: [TestResult] = []
        var fired: [Int: Int] = [:]
        var quiet: [Int: Int] = [:]
        var exceptionHeld: [Int: Int] = [:]
        var exceptionQuiet: [Int: Int] = [:]
        var stageHeld: [StageKey: Int] = [:]
        var stageQuiet: [StageKey: Int] = [:]
        for test in program.tests {
            let evaluation = evaluator.evaluate(test.facts, trace: true)
            var stagesReached: Set<StageKey> = []
            var stagesDeciding: Set<StageKey> = []
            for event in evaluation.trace.events {
                switch event {
                case .rule(let rule, _, let truth, let effective, _, _):
                    if truth == .true { fired[rule, default: 0] += 1 } else { quiet[rule, default: 0] += 1 }
                    if let stage = program.rules[rule].stage {
                        let key = StageKey(decision: program.rules[rule].decision, stage: stage)
                        stagesReached.insert(key)
                        if effective == .true { stagesDeciding.insert(key) }
                    }
                case .exception(let exception, let inForce, let truth, _):
                    if inForce, truth == .true {
                        exceptionHeld[exception, default: 0] += 1
                    } else {
                        exceptionQuiet[exception, default: 0] += 1
                    }
                case .decision, .outcome:
                    break
                }
            }
            for key in stagesReached {
                if stagesDeciding.contains(key) {
                    stageHeld[key, default: 0] += 1
                } else {
                    stageQuiet[key, default: 0] += 1
                }
            }
            var failures: [String] = []
            for expectation in test.expectations {
                failures += check(expectation, evaluation)
            }
            // Every test case is also a case the invariants must hold for, unless the test says
            // it documents a known violation (`violates …`), which must then really occur.
            for invariant in program.invariants {
                let broken = evaluator.truth(of: invariant.mustHold, facts: test.facts) == .false
                let expected = test.violates.contains(invariant.id)
                if broken, !expected {
                    failures.append("invariant `\(invariant.id)` does not hold for this case")
                } else if !broken, expected {
                    failures.append("expected this case to violate `\(invariant.id)`, but it does not")
                }
            }
            results.append(TestResult(test: test, failures: failures))
        }
        var report = Report(results: results, firedIn: fired, quietIn: quiet)
        report.exceptionHeldIn = exceptionHeld
        report.exceptionQuietIn = exceptionQuiet
        report.stageHeldIn = stageHeld
        report.stageQuietIn = stageQuiet
        return report
    }

    private func check(_ expectation: Expectation, _ evaluation: Evaluation) -> [String] {
        guard let decision = program.decisionIndex(named: expectation.decision.text) else { return [] }
        let name = expectation.decision.text
        guard let result = evaluation.result(for: decision) else {
            return ["`\(name)` does not apply to this case"]
        }
        var failures: [String] = []
        let outcome = result.outcome ?? DecisionResult.undetermined
        if outcome != expectation.outcome.text {
            let why = result.reasons.map(\.code)
            failures.append(
                "expected \(name) `\(expectation.outcome.text)`, got `\(outcome)`"
                    + (why.isEmpty ? "" : " (reasons: \(why.joined(separator: ", ")))")
                    + (result.missing.isEmpty ? "" : " (missing: \(names(result.missing).joined(separator: ", ")))"))
        }
        func compare(_ what: String, _ expected: [Name]?, _ actual: [String]) {
            guard let expected else { return }
            let want = expected.map(\.text)
            if want.sorted() != actual.sorted() {
                failures.append(
                    "expected \(what) [\(want.joined(separator: ", "))], got [\(actual.joined(separator: ", "))]")
            }
        }
        compare("reasons", expectation.reasons, result.reasons.map(\.code))
        compare("referrals", expectation.referrals, result.referrals)
        compare("actions", expectation.actions, result.actions)
        compare("missing facts", expectation.missing, names(result.missing))
        if let exceptional = expectation.exceptional, exceptional != result.exceptional {
            failures.append("expected exceptional \(exceptional), got \(result.exceptional)")
        }
        return failures
    }

    private func names(_ set: FactSet) -> [String] {
        set.slots.map { program.facts[$0].name }
    }
}
