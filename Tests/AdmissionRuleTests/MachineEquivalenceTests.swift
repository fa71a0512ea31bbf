import Foundation
import LVVRules
import RuleDSL
import Testing

/// The fast `Machine` against the plain `ReferenceEvaluator`, on every shipped rule set: the
/// same results (outcomes, reasons with the facts they read, referrals, actions, missing facts)
/// and, with a trace, the same trace event for event. Without a trace the machine takes other
/// paths (values only, facts recomputed where shown), so both modes are compared.
@Suite("machine = reference evaluator")
struct MachineEquivalenceTests {
    /// Checks one case in both modes; returns a description of the first difference.
    private static func difference(_ program: Program, _ facts: [Value?]) -> String? {
        let machine = MachineEvaluator(program: program)
        let reference = ReferenceEvaluator(program: program)
        for trace in [true, false] {
            let fast = machine.evaluate(facts, trace: trace)
            let plain = reference.evaluate(facts, trace: trace)
            if fast.results != plain.results {
                return "results differ (trace: \(trace)):\nmachine   \(fast.results)\nreference \(plain.results)"
            }
            if fast.trace != plain.trace {
                return "traces differ:\nmachine   \(fast.trace.events)\nreference \(plain.trace.events)"
            }
        }
        return nil
    }

    @Test("on the rule files' own test cases", arguments: Pilot.allCases)
    func ruleFileTests(pilot: Pilot) throws {
        let program = try Pilots.program(pilot)
        #expect(!program.tests.isEmpty)
        for test in program.tests {
            if let difference = Self.difference(program, test.facts) { Issue.record("\(test.title): \(difference)") }
        }
    }

    @Test("on generated intake and review cases", arguments: Pilot.allCases)
    func generatedCases(pilot: Pilot) throws {
        let program = try Pilots.program(pilot)
        let reader = CaseReader(program: program)
        var generator = CaseGenerator(seed: 7)
        var compared = 0
        for index in 1...1500 {
            guard case .success(let input) = reader.read(generator.nextCase(index: index)) else { continue }
            compared += 1
            if let difference = Self.difference(program, input.facts) {
                Issue.record("case \(index): \(difference)")
                return
            }
        }
        #expect(compared > 1400)
    }

    /// Realistic cases rarely leave the unusual corners open; these do. Each fact is unknown,
    /// none (when optional) or a value near the rules' boundaries, chosen at random.
    @Test("on random fact vectors, many facts unknown", arguments: Pilot.allCases)
    func randomFacts(pilot: Pilot) throws {
        let program = try Pilots.program(pilot)
        var random = SplitMix(seed: 42)
        let dates = [
            "2018-12-31", "2019-04-01", "2020-01-31", "2020-02-01", "2023-06-30", "2024-02-29",
            "2024-03-01", "2024-06-01", "2024-12-31", "2025-01-01", "2005-06-15", "2006-12-31",
        ]
        .compactMap(CivilDate.parse)
        for round in 0..<3000 {
            var facts: [Value?] = []
            for fact in program.facts {
                if fact.isGroupPresence {
                    facts.append(.bool(random.next() % 3 == 0))
                    continue
                }
                switch random.next() % 5 {
                case 0: facts.append(nil)
                case 1 where fact.isOptional: facts.append(Value.none)
                default:
                    switch fact.type {
                    case .bool: facts.append(.bool(random.next() % 2 == 0))
                    case .number: facts.append(.number(DecimalNumber(integer: Int(random.next() % 15))))
                    case .date: facts.append(.date(dates[Int(random.next() % UInt64(dates.count))]))
                    case .enumeration(let values):
                        facts.append(.text(values[Int(random.next() % UInt64(values.count))]))
                    case .text:
                        let texts = ["NL", "GB", "DE", "SY", "XX", "Groningen", "V123", "Zuid-Holland", "Utrecht"]
                        facts.append(.text(texts[Int(random.next() % UInt64(texts.count))]))
                    default: facts.append(nil)
                    }
                }
            }
            if let difference = Self.difference(program, facts) {
                Issue.record("round \(round): \(difference)")
                return
            }
        }
    }

    @Test("on a generated mixed file: intake and review cases taking turns", arguments: [Pilot.groningen, .rotterdam])
    func generatedMixedFile(pilot: Pilot) throws {
        let program = try Pilots.program(pilot)
        let reader = CaseReader(program: program)
        for line in generatedCaseLines(2500) {
            let input = try reader.read(line).get()
            if let difference = Self.difference(program, input.facts) {
                Issue.record("\(input.caseID): \(difference)")
                return
            }
        }
    }
}

/// A small deterministic generator (SplitMix64), so a failure can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
