// Golden text of `rule-check diff` without cases, for the two policy changes of issue 18
// (`RuleChange`): the report policy staff read, in Dutch and in English, must equal
// `Fixtures/diff-text/<change>.nl.expected` and `<change>.en.expected` byte for byte. The folder of
// the changed copy is written `changed/`, and the rule sets' hashes `…`, so that an unrelated
// edit of a shipped rule file does not touch these files (the regions and examples do).
//
// To re-record after an intended change, run
//
//     RECORD_GOLDEN=1 swift test --filter DiffTextGoldenTests
//
// which rewrites the `.expected` files and FAILS (so nobody records by accident); then review
// them with `git diff` and run the tests again without `RECORD_GOLDEN`.

import Foundation
import LVVPresentation
import LVVRules
import RuleDSL
import Testing

@Suite struct DiffTextGoldenTests {
    static let folder = repositoryRoot + "/Tests/AdmissionRuleTests/Fixtures/diff-text"

    static var isRecording: Bool { ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" }

    @Test(arguments: RuleChange.allCases)
    func report(change: RuleChange) throws {
        let changedFolder = try change.folder()
        let old = try RuleLibrary(directory: repositoryRoot + "/rules").load(pilot: change.pilot)
        let new = try RuleLibrary(directory: changedFolder).load(pilot: change.pilot)
        let result = DecisionDiff(old: old, new: new).regions()
        #expect(result.complete)
        for language in TextLanguage.allCases {
            var rendered = DiffText.regionsText(result, old: old, new: new, words: FrameText(language))
                .replacingOccurrences(of: changedFolder + "/", with: "changed/")
                .replacingOccurrences(of: repositoryRoot + "/", with: "")
            for hash in [old.sha256, new.sha256] {
                rendered = rendered.replacingOccurrences(of: "sha256 \(hash.prefix(12))…", with: "sha256 …")
            }
            let path = Self.folder + "/\(change.rawValue).\(language.rawValue).expected"
            if Self.isRecording {
                try rendered.write(toFile: path, atomically: true, encoding: .utf8)
                Issue.record(
                    "recorded \(change.rawValue).\(language.rawValue).expected; review the diff and run again without RECORD_GOLDEN"
                )
                continue
            }
            let expected = try String(contentsOfFile: path, encoding: .utf8)
            #expect(
                rendered == expected,
                "the \(language.name) diff report for \(change.rawValue) differs from its golden file; see the top of this file to re-record"
            )
        }
    }
}
