import RuleSyntax
import RuleValues

/// A stage of a decision: the decision's index and the stage's index in its `stages`.
public struct StageKey: Sendable, Hashable {
    /// The decision's index in `Program.decisions`.
    public let decision: Int
    /// The stage's index in that decision's `stages`.
    public let stage: Int
    /// The key of stage `stage` of decision `decision`.
    public init(decision: Int, stage: Int) {
        self.decision = decision
        self.stage = stage
    }
}

/// How well a rule file's own tests exercise its rules, exceptions and decision stages
/// (`rule-check test --coverage`). A test that only ever shows a rule holding cannot tell the rule
/// from `when true`; so each item must be seen both holding and not holding.
///
/// - A rule holds in a test when its own condition is true; it does not hold when it is false or
///   unknown. A rule `when true` cannot be shown not holding and needs only "held".
/// - An exception holds when it is in force and its condition is true.
/// - A stage holds when one of its rules decided (held, and no exception lifted it); it does not
///   hold when the evaluation reached it and none of its rules decided.
///
/// The percentage is `observed / required × 100`, over the items declared in the file itself:
/// each item requires "held" and "not held" (a `when true` rule only "held"), and each of those
/// seen in at least one test counts as observed. A file with nothing to cover is 100%.
public struct TestCoverage: Sendable {
    /// One rule, exception or stage, with how often the tests saw it hold and not hold.
    public struct Item: Sendable {
        /// What sort of item it is; the raw value is how the coverage report names it.
        public enum Kind: String, Sendable {
            case rule, exception, stage
        }

        /// Whether the item is a rule, an exception or a stage.
        public let kind: Kind
        /// The rule or exception id; for a stage `decision/stage`.
        public let id: String
        /// Where the item was declared, so the report can point at an untested one.
        public let range: SourceRange
        /// In how many tests it held, and in how many it did not.
        public let held: Int
        /// In how many tests it was reached and did not hold.
        public let notHeld: Int
        /// False when the item can never be shown not holding (a rule `when true`).
        public let canFail: Bool

        /// What the item asks of the tests: "held" and "not held", or only "held".
        public var required: Int { canFail ? 2 : 1 }
        /// How many of the required sightings some test gave.
        public var observed: Int { (held > 0 ? 1 : 0) + (canFail && notHeld > 0 ? 1 : 0) }
        /// Seen holding but never seen not holding: the tests do not show the condition matters.
        public var onlyHeld: Bool { held > 0 && canFail && notHeld == 0 }
    }

    /// The rules, exceptions and stages of the file, in that order.
    public let items: [Item]

    /// The sightings all items ask of the tests: the percentage's denominator.
    public var required: Int { items.reduce(0) { $0 + $1.required } }
    /// The sightings some test gave: the percentage's numerator.
    public var observed: Int { items.reduce(0) { $0 + $1.observed } }
    /// `observed / required × 100`; 100 for a file with nothing to cover.
    public var percent: Double { required == 0 ? 100 : Double(observed) * 100 / Double(required) }

    /// The items declared in `file` (the rule file under test: the last of the program's files).
    public init(program: Program, report: TestRunner.Report, file: Int) {
        var items: [Item] = []
        for index in program.rules.indices where program.rules[index].origin.file == file {
            items.append(Self.rule(index, in: program, report: report))
        }
        for (index, exception) in program.exceptions.enumerated() where exception.origin.file == file {
            items.append(
                Item(
                    kind: .exception, id: exception.id, range: exception.range,
                    held: report.exceptionHeldIn[index] ?? 0, notHeld: report.exceptionQuietIn[index] ?? 0,
                    canFail: true))
        }
        for (d, decision) in program.decisions.enumerated() {
            for (s, stage) in decision.stages.enumerated() where stage.range.file == file {
                let key = StageKey(decision: d, stage: s)
                items.append(
                    Item(
                        kind: .stage, id: "\(decision.name)/\(stage.name)", range: stage.range,
                        held: report.stageHeldIn[key] ?? 0, notHeld: report.stageQuietIn[key] ?? 0,
                        canFail: true))
            }
        }
        self.items = items
    }

    /// One rule's coverage; also what the `untested-rule` warnings of `rule-check test` use.
    public static func rule(_ index: Int, in program: Program, report: TestRunner.Report) -> Item {
        let rule = program.rules[index]
        // A rule that holds whenever its decision applies (`when true`) cannot be shown not holding.
        var alwaysHolds = false
        if case .constant(.bool(true)) = rule.condition { alwaysHolds = true }
        return Item(
            kind: .rule, id: rule.id, range: rule.range, held: report.firedIn[index] ?? 0,
            notHeld: report.quietIn[index] ?? 0, canFail: !alwaysHolds)
    }
}
