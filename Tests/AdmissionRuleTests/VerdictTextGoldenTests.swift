// Golden text verdicts: every case below, under `Fixtures/verdict-text/<name>.json`, is decided
// with the shipped rules and explained (`eval --format text --no-trace`) in Dutch and in English;
// the explanation must equal `<name>.nl.expected` and `<name>.en.expected` byte for byte. They
// are the letters a case worker reads, so a change to their wording is reviewed as a diff.
//
// To re-record after an intended change, run
//
//     RECORD_GOLDEN=1 swift test --filter VerdictTextGoldenTests
//
// which rewrites the `.expected` files and FAILS (so nobody records by accident); then review
// them with `git diff` and run the tests again without `RECORD_GOLDEN`.

import Foundation
import LVVPresentation
import LVVRules
import RuleDSL
import Testing

@Suite struct VerdictTextGoldenTests {
    static let folder = repositoryRoot + "/Tests/AdmissionRuleTests/Fixtures/verdict-text"

    /// The kinds of letter issue 17 asks for, each with the pilot that decides it.
    static let cases: [(name: String, pilot: Pilot)] = [
        ("intake-exclusion", .groningen),
        ("admission-by-exception", .groningen),
        ("referral", .amsterdam),
        ("undetermined-intake", .groningen),
        ("review-ends", .utrecht),
        ("scenario-advice", .rotterdam),
    ]

    static var isRecording: Bool { ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" }

    static func render(_ name: String, _ pilot: Pilot, _ language: TextLanguage) throws -> String {
        let program = try Pilots.program(pilot)
        let json = try String(contentsOfFile: folder + "/\(name).json", encoding: .utf8)
        let verdict = VerdictBuilder(program: program).verdict(for: try readCase(pilot, json), trace: false)
        // The rule files are named from the repository root, as `rule-check` run there names them.
        return VerdictText.render(verdict, program: program, trace: false, language: language)
            .replacingOccurrences(of: repositoryRoot + "/", with: "")
    }

    @Test(arguments: cases.map(\.name), TextLanguage.allCases)
    func letter(name: String, language: TextLanguage) throws {
        let pilot = Self.cases.first { $0.name == name }!.pilot
        let rendered = try Self.render(name, pilot, language)
        let path = Self.folder + "/\(name).\(language.rawValue).expected"
        if Self.isRecording {
            try rendered.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record(
                "recorded golden file \(name).\(language.rawValue).expected; re-read it and run again without RECORD_GOLDEN"
            )
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        #expect(
            rendered == expected,
            "the \(language.name) letter for \(name) differs from its golden file; see the top of this file to re-record"
        )
    }

    /// The cases show what their names say, so a re-recording cannot quietly change the subject.
    @Test func casesShowWhatTheyAreNamedFor() throws {
        func verdict(_ name: String) throws -> Verdict {
            let pilot = Self.cases.first { $0.name == name }!.pilot
            let json = try String(contentsOfFile: Self.folder + "/\(name).json", encoding: .utf8)
            return VerdictBuilder(program: try Pilots.program(pilot)).verdict(
                for: try readCase(pilot, json), trace: false)
        }
        let exclusion = try verdict("intake-exclusion")
        #expect(exclusion.decision == "exclude")
        let exception = try verdict("admission-by-exception")
        #expect(exception.decision == "admit" && exception.exceptional)
        let referral = try verdict("referral")
        #expect(referral.decision == "refer" && referral.referrals == ["police_identification"])
        let undetermined = try verdict("undetermined-intake")
        #expect(
            undetermined.question == "intake" && undetermined.decision == "undetermined"
                && !undetermined.missingFacts.isEmpty)
        let ends = try verdict("review-ends")
        #expect(ends.question == "review" && ends.decision == "end")
        let advice = try verdict("scenario-advice")
        #expect(advice.scenarioAdvice?.scenario != nil)
    }

    /// The Dutch letter says every part in Dutch, the English one in English: the frame words
    /// and the rule files' texts both follow the reader's language.
    @Test func framesFollowTheLanguage() throws {
        let dutch = try Self.render("undetermined-intake", .groningen, .nl)
        let english = try Self.render("undetermined-intake", .groningen, .en)
        #expect(dutch.contains("Besluit: Er kan nog niet worden besloten"))
        #expect(dutch.contains("Ontbrekende gegevens") && dutch.contains("wordt gecontroleerd door: IND"))
        #expect(dutch.contains("peildatum 14 februari 2023"))
        #expect(english.contains("Decision: This cannot be decided yet"))
        #expect(english.contains("Missing facts") && english.contains("checked by: IND"))
        #expect(english.contains("reference date 14 February 2023"))
        #expect(!english.contains("Besluit") && !english.contains("wordt gecontroleerd"))
    }
}
