import RuleDSL

/// Outflow as the monitor counts it: durable or temporary. Which outcome is which is policy, so
/// it lives in the rule files, as the derived value `durable_outflow` (true: durable); this type
/// only evaluates it, per pilot, on an outcome a verdict shows. It holds no list of outcomes.
public struct OutflowClassification: Sendable {
    /// The derived value a rule file defines to class an outflow.
    public static let derivedValue = "durable_outflow"
    /// The case fact that records how a stay ended (CONTRACT.md, review facts).
    public static let outcomeFact = "outcome"

    /// How one outflow counts in the monitor, as the pilot's `durable_outflow` says.
    public enum Durability: Sendable, Equatable {
        case durable, temporary
        /// The rules could not say: no rules loaded, no `durable_outflow`, or it reads more than the outcome.
        case unclassified
    }

    /// Why a pilot's outflow cannot be classed, in words for the report.
    public struct Problem: Error, Sendable, Equatable {
        /// The problem in words, shown in the report's outflow table instead of the numbers.
        public let message: String
        /// A problem described by `message`, e.g. that no rules were loaded for the pilot.
        public init(_ message: String) { self.message = message }
    }

    private let programs: [String: Result<Program, Problem>]

    /// The rules of each pilot, or why they could not be loaded. A pilot not named is unclassified.
    public init(programs: [String: Result<Program, Problem>] = [:]) {
        self.programs = programs
    }

    /// Why the outflow of `pilot` cannot be classed, or nil when its rules can class it.
    public func problem(pilot: String) -> Problem? {
        switch programs[pilot] {
        case nil: return Problem("no rules loaded for `\(pilot)`")
        case .failure(let problem)?: return problem
        case .success(let program)?: return Self.check(program).failure
        }
    }

    /// The sha256 of the rules used for `pilot`, if they loaded.
    public func sha256(pilot: String) -> String? {
        guard case .success(let program)? = programs[pilot] else { return nil }
        return program.sha256
    }

    /// How `outcome` counts for `pilot`: its rules' `durable_outflow`, or unclassified when they cannot say.
    public func durability(pilot: String, outcome: String) -> Durability {
        guard case .success(let program)? = programs[pilot], case .success(let slots) = Self.check(program) else {
            return .unclassified
        }
        let (index, slot) = slots
        if case .enumeration(let values) = program.facts[slot].type, !values.contains(outcome) { return .unclassified }
        var facts = [Value?](repeating: nil, count: program.facts.count)
        facts[slot] = .text(outcome)
        switch ReferenceEvaluator(program: program).truth(of: .derived(index), facts: facts) {
        case .true: return .durable
        case .false: return .temporary
        case .unknown: return .unclassified
        }
    }

    /// The slots of `durable_outflow` and `outcome`, or why the rules cannot class outflow.
    private static func check(_ program: Program) -> Result<(derived: Int, fact: Int), Problem> {
        guard let index = program.derived.firstIndex(where: { $0.name == derivedValue }) else {
            return .failure(Problem("the rules of `\(program.name)` define no `\(derivedValue)`"))
        }
        guard program.derived[index].type == .bool else {
            return .failure(Problem("`\(derivedValue)` in the rules of `\(program.name)` is not true or false"))
        }
        guard let slot = program.factSlots[outcomeFact] else {
            return .failure(Problem("the rules of `\(program.name)` have no fact `\(outcomeFact)`"))
        }
        return .success((index, slot))
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}
