import Foundation
import LVVRules
import RuleDSL
import Testing

/// The review population of `rule-check generate`: deterministic, valid for every pilot, and
/// decided as review cases (so `diff --cases` measures a review rule on it).
@Suite struct CaseGeneratorReviewTests {
    @Test func reviewCasesAreDeterministicValidAndReviewed() throws {
        var a = CaseGenerator(seed: 42)
        var b = CaseGenerator(seed: 42)
        let lines = (1...300).map { a.nextReviewCase(index: $0) }
        #expect(lines == (1...300).map { b.nextReviewCase(index: $0) })
        let library = RuleLibrary(directory: repositoryRoot + "/rules")
        for pilot in RuleLibrary.pilots {
            let program = try library.load(pilot: pilot)
            let reader = CaseReader(program: program)
            let builder = VerdictBuilder(program: program)
            var decisions: Set<String> = []
            for line in lines {
                let input = try reader.read(line).get()
                let verdict = builder.verdict(for: input, trace: false)
                #expect(verdict.question == "review", "\(pilot): \(line)")
                decisions.insert(verdict.decision)
                // Admitted inside the programme period, before the reference date.
                let admission = try #require(input.facts[program.factSlots["admission_date"]!])
                let reference = try #require(input.facts[program.factSlots["reference_date"]!])
                if case .date(let x) = admission, case .date(let r) = reference {
                    #expect(x <= r && x >= CivilDate(year: 2019, month: 4, day: 1)!)
                }
            }
            #expect(decisions.count >= 2, "\(pilot): one decision only: \(decisions)")
        }
    }

    @Test func intakeStreamIsUnchangedByReviewCases() {
        var a = CaseGenerator(seed: 9)
        var b = CaseGenerator(seed: 9)
        let first = (1...50).map { a.nextCase(index: $0) }
        #expect(first == (1...50).map { b.nextCase(index: $0) })
        #expect(first.allSatisfy { !$0.contains("admission_date") })
    }
}
