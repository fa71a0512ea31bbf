import Foundation
import LVVRules
import RuleDSL
import Testing

/// `batch --no-trace` takes the fast path (case scanner, machine, `VerdictWriter`); the verdict
/// must be byte for byte the one the readable path writes (`CaseReader`, `VerdictBuilder`,
/// `VerdictJSON` without trace), bad lines included.
@Suite("fast batch path = readable path")
struct FastBatchEquivalenceTests {
    /// The readable path's output line for a case line.
    private static func readable(_ program: Program, _ line: String, lineNumber: Int) -> [UInt8] {
        switch CaseReader(program: program).read(line) {
        case .success(let input):
            let verdict = VerdictBuilder(program: program).verdict(for: input, trace: false)
            return VerdictJSON.encode(verdict, program: program, trace: false) + [10]
        case .failure(let error):
            return BatchProcessor.errorLine(lineNumber, error.message)
        }
    }

    private static func fast(_ processor: BatchProcessor, _ line: String, lineNumber: Int) -> [UInt8] {
        var out: [UInt8] = []
        var line = line
        _ = line.withUTF8 { processor.process($0, lineNumber: lineNumber, into: &out) }
        return out
    }

    private static func compare(_ program: Program, _ lines: [String]) -> (compared: Int, firstDifference: String?) {
        let processor = BatchProcessor(program: program, trace: false)
        for (index, line) in lines.enumerated() {
            let expected = readable(program, line, lineNumber: index + 1)
            let actual = fast(processor, line, lineNumber: index + 1)
            if expected != actual {
                return (
                    index,
                    "line \(index + 1): \(line)\nexpected \(String(decoding: expected, as: UTF8.self))"
                        + "actual   \(String(decoding: actual, as: UTF8.self))"
                )
            }
        }
        return (lines.count, nil)
    }

    @Test("on generated cases", arguments: Pilot.allCases)
    func generated(pilot: Pilot) throws {
        var generator = CaseGenerator(seed: 11)
        let lines = (1...2000).map { generator.nextCase(index: $0) }
        let (_, difference) = Self.compare(try Pilots.program(pilot), lines)
        #expect(difference == nil, "\(difference ?? "")")
    }

    /// Random facts written as cases: review and scenario advice, decimals, local texts, texts
    /// that need escaping, absent groups.
    @Test("on random cases, many facts unknown", arguments: Pilot.allCases)
    func random(pilot: Pilot) throws {
        let program = try Pilots.program(pilot)
        var random = SplitMix(seed: 99)
        let dates = [
            "2018-12-31", "2019-04-01", "2020-01-31", "2023-06-30", "2024-02-29", "2024-03-01",
            "2024-06-01", "2024-12-31", "2025-01-01", "2005-06-15", "0001-01-01", "9999-12-31",
        ]
        .compactMap(CivilDate.parse)
        let texts = ["NL", "GB", "SY", "XX", "Groningen", "Zuid-Holland", "V-12\"3", "é\\ü", "tab\there", "Utrecht"]
        var lines: [String] = []
        for round in 0..<2000 {
            var facts: [Value?] = []
            for fact in program.facts {
                if fact.isGroupPresence {
                    facts.append(.bool(random.next() % 3 == 0))
                    continue
                }
                switch random.next() % 4 {
                case 0: facts.append(nil)
                case 1 where fact.isOptional: facts.append(Value.none)
                default:
                    switch fact.type {
                    case .bool: facts.append(.bool(random.next() % 2 == 0))
                    case .number:
                        let scaled = Int64(random.next() % 20_000_000) - (fact.atLeast == nil ? 5_000_000 : 0)
                        facts.append(
                            .number(
                                DecimalNumber(scaled: fact.isWhole ? scaled / 1_000_000 * 1_000_000 : max(scaled, 0))))
                    case .date: facts.append(.date(dates[Int(random.next() % UInt64(dates.count))]))
                    case .enumeration(let values):
                        facts.append(.text(values[Int(random.next() % UInt64(values.count))]))
                    case .text: facts.append(.text(texts[Int(random.next() % UInt64(texts.count))]))
                    default: facts.append(nil)
                    }
                }
            }
            lines.append(CaseWriter.json(caseID: "R-\(round)-\"é\"", facts: facts, program: program))
        }
        let (compared, difference) = Self.compare(program, lines)
        #expect(difference == nil, "\(difference ?? "")")
        #expect(compared == lines.count)
    }

    @Test("on bad lines: the same error lines")
    func badLines() throws {
        let program = try Pilots.program(.groningen)
        let lines = [
            "{", "[]", #"{"case_id": 1}"#, #"{"case_id":"x","nope":1}"#, #"{"case_id":"x","birth_date":"2001-02-29"}"#,
            #"{"case_id":"x","entry_ban_years":-1}"#, "null", #"{"case_id":"x","case_id":"y"}"#,
        ]
        let (_, difference) = Self.compare(program, lines)
        #expect(difference == nil, "\(difference ?? "")")
    }

    @Test("on generated intake and review cases", arguments: Pilot.allCases)
    func generatedCases(pilot: Pilot) throws {
        let lines = generatedCaseLines(3000, seed: 7)
        let (_, difference) = Self.compare(try Pilots.program(pilot), lines)
        #expect(difference == nil, "\(difference ?? "")")
    }
}
