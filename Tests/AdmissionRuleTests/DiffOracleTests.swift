import Foundation
import LVVRules
import RuleDSL
import Testing

/// `diff` without cases against a brute-force oracle: every case of small domains over the facts
/// the changed rules read (on top of every test case of the pilot) is run through both versions;
/// each case whose decision differs must lie in a reported region, and every reported example
/// must reproduce both outcomes after a round trip through the case format.
@Suite struct DiffOracleTests {
    private func changed(_ file: String, _ from: String, _ to: String) throws -> String {
        try RuleChange.copy(file, from, to)
    }

    private func label(_ v: Value?) -> String {
        switch v {
        case nil: return "undetermined"
        case .none?: return "does not apply"
        case let value?: return value.description
        }
    }

    /// Runs the oracle: returns how many enumerated cases differ.
    @discardableResult
    private func oracle(pilot: String, newFolder: String, domains: [String: [Value?]]) throws -> (
        DecisionDiff.Result, Int
    ) {
        let old = try RuleLibrary(directory: repositoryRoot + "/rules").load(pilot: pilot)
        let new = try RuleLibrary(directory: newFolder).load(pilot: pilot)
        let diff = DecisionDiff(old: old, new: new)
        let result = diff.regions()
        #expect(result.complete)
        // Every example reproduces both outcomes, read back from its JSON.
        for region in result.regions {
            for transition in region.transitions {
                let json = CaseWriter.json(caseID: "x", facts: transition.example, program: new)
                let facts = try CaseReader(program: new).read(json).get().facts
                let (o, n) = diff.outcomes(of: region.decision, facts)
                #expect(label(o) == transition.old, "\(json)")
                #expect(label(n) == transition.new, "\(json)")
                #expect(diff.contains(region, facts))
            }
        }
        // Every differing case of the small domains lies in a region.
        let slots = domains.keys.sorted().map { new.factSlots[$0]! }
        let values = domains.keys.sorted().map { domains[$0]! }
        var differing = 0
        for base in new.tests.map(\.facts) {
            var index = Array(repeating: 0, count: slots.count)
            while true {
                var facts = base
                for (k, slot) in slots.enumerated() { facts[slot] = values[k][index[k]] }
                for decision in new.decisions.map(\.name) where old.decisionIndex(named: decision) != nil {
                    let (o, n) = diff.outcomes(of: decision, facts)
                    if o != n {
                        differing += 1
                        let found = result.regions.contains { $0.decision == decision && diff.contains($0, facts) }
                        #expect(found, "\(decision): \(CaseWriter.json(caseID: "missed", facts: facts, program: new))")
                    }
                }
                var k = 0
                while k < slots.count {
                    index[k] += 1
                    if index[k] < values[k].count { break }
                    index[k] = 0
                    k += 1
                }
                if k == slots.count { break }
            }
        }
        return (result, differing)
    }

    @Test func widenedRegionalBindingIsReportedWhole() throws {
        let folder = try RuleChange.groningenBindingWidened.folder()
        let (result, differing) = try oracle(
            pilot: "groningen", newFolder: folder,
            domains: [
                "binding_province": [.text("Groningen"), .text("Drenthe"), .text("Friesland"), .text("Limburg"), nil]
            ])
        #expect(differing > 0)
        let wording = result.regions.map { $0.conditions.map { $0.fact + " " + $0.condition }.joined(separator: "; ") }
        #expect(wording == ["binding_province in {\"Drenthe\", \"Friesland\"}"])
        // The same change measured on a generated intake population (`diff --cases`): every case
        // whose decision changes lies in the region, Friesland's among them.
        let old = try RuleLibrary(directory: repositoryRoot + "/rules").load(pilot: "groningen")
        let new = try RuleLibrary(directory: folder).load(pilot: "groningen")
        let diff = DecisionDiff(old: old, new: new)
        var generator = CaseGenerator(seed: 3)
        let lines = generator.cases(2000, question: .intake)
        var comparison = CaseComparison(old: old, new: new)
        for (number, line) in lines.enumerated() { comparison.compare(line: number + 1, line) }
        #expect(comparison.errors.isEmpty)
        let reader = CaseReader(program: new)
        var provinces: Set<String> = []
        for change in comparison.changes where change.old.decision != change.new.decision {
            let facts = try reader.read(lines[change.line - 1]).get().facts
            if case .text(let province)? = facts[new.factSlots["binding_province"]!] { provinces.insert(province) }
            #expect(
                result.regions.contains { $0.decision == "intake" && diff.contains($0, facts) },
                "\(lines[change.line - 1])")
        }
        #expect(provinces == ["Drenthe", "Friesland"])
    }

    @Test func datedCapChangeIsReportedFromItsStart() throws {
        let folder = try RuleChange.rotterdamCapSixMonths.folder()
        let dates: [Value?] = ["2019-06-01", "2021-06-30", "2021-12-31", "2022-01-01", "2022-05-15", "2024-12-31"].map {
            .date(CivilDate.parse($0)!)
        }
        let admissions: [Value?] =
            ["2019-04-01", "2021-01-15", "2021-09-01", "2021-12-01", "2022-01-10", "2024-07-01"].map {
                .date(CivilDate.parse($0)!)
            } + [nil]
        let (result, differing) = try oracle(
            pilot: "rotterdam", newFolder: folder,
            domains: [
                "reference_date": dates, "admission_date": admissions,
                "safe_country_national": [.bool(true), .bool(false), nil],
            ])
        #expect(differing > 0)
        // The case of the issue: 2022-05-15, admitted 2021-12-01, end → continue.
        let new = try RuleLibrary(directory: folder).load(pilot: "rotterdam")
        let admission = new.factSlots["admission_date"]!
        // A resident of the pilot's own example, with no other reason to end the stay.
        var facts = try #require(new.examples.first { $0.name == "rotterdamse_bewoner" }?.facts)
        #expect(facts[admission] != nil)
        facts[new.factSlots["reference_date"]!] = .date(CivilDate.parse("2022-05-15")!)
        facts[new.factSlots["admission_date"]!] = .date(CivilDate.parse("2021-12-01")!)
        facts[new.factSlots["safe_country_national"]!] = .bool(true)
        let old = try RuleLibrary(directory: repositoryRoot + "/rules").load(pilot: "rotterdam")
        let diff = DecisionDiff(old: old, new: new)
        let (o, n) = diff.outcomes(of: "review", facts)
        #expect(label(o) == "end" && label(n) == "continue")
        #expect(result.regions.contains { $0.decision == "review" && diff.contains($0, facts) })
        let wording = result.regions.flatMap { $0.conditions.map { $0.fact + " " + $0.condition } }
        #expect(wording.contains("reference_date from 2022-01-01"))

        // `diff --cases` on a generated review population: it reads review cases, finds changes,
        // and every case whose decision changes lies in a region of the search without cases.
        var generator = CaseGenerator(seed: 5)
        let lines = generator.cases(2000, question: .review)
        var comparison = CaseComparison(old: old, new: new)
        for (number, line) in lines.enumerated() { comparison.compare(line: number + 1, line) }
        #expect(comparison.errors.isEmpty)
        #expect(comparison.total == 2000)
        #expect(comparison.transitions["end → continue", default: 0] > 0)
        let reader = CaseReader(program: new)
        for change in comparison.changes where change.old.decision != change.new.decision {
            let facts = try reader.read(lines[change.line - 1]).get().facts
            #expect(
                result.regions.contains { $0.decision == "review" && diff.contains($0, facts) },
                "\(lines[change.line - 1])")
        }
    }

    @Test func numberThresholdChange() throws {
        let folder = try changed("national.rules", "when entry_ban_years >= 10", "when entry_ban_years >= 5")
        let (result, differing) = try oracle(
            pilot: "groningen", newFolder: folder,
            domains: [
                "entry_ban_years": [
                    .number(DecimalNumber(integer: 4)), .number(DecimalNumber(integer: 5)),
                    .number(DecimalNumber(integer: 9)), .number(DecimalNumber(integer: 10)), nil,
                ]
            ])
        #expect(differing > 0)
        // An undated change is one region, not fragments split at unrelated dates, and its
        // examples are ordinary cases (a reference date inside the programme, an adult).
        let wording = result.regions.map { $0.conditions.map { $0.fact + " " + $0.condition }.joined(separator: "; ") }
        #expect(wording == ["entry_ban_years >= 5 holds; entry_ban_years >= 10 does not hold"])
        let new = try RuleLibrary(directory: folder).load(pilot: "groningen")
        for transition in result.regions.flatMap(\.transitions) {
            guard case .date(let reference)? = transition.example[new.factSlots["reference_date"]!],
                case .date(let birth)? = transition.example[new.factSlots["birth_date"]!]
            else {
                Issue.record("an example without a reference or birth date")
                continue
            }
            #expect(reference.year >= 2019 && reference.year <= 2024)
            #expect(reference.year - birth.year >= 18 && reference.year - birth.year < 80)
        }
    }
}

/// The two policy changes of issue 18, each made in a copy of the shipped rules.
enum RuleChange: String, CaseIterable, Sendable {
    /// Groningen's regional binding widened to Drenthe and Friesland.
    case groningenBindingWidened = "groningen-binding-widened"
    /// Rotterdam's cap for safe country nationals: three months until 2021-12-31, six from 2022-01-01.
    case rotterdamCapSixMonths = "rotterdam-cap-six-months"

    var pilot: String {
        switch self {
        case .groningenBindingWidened: "groningen"
        case .rotterdamCapSixMonths: "rotterdam"
        }
    }

    /// A folder with every shipped rule file, the pilot's changed.
    func folder() throws -> String {
        switch self {
        case .groningenBindingWidened:
            return try Self.copy(
                "groningen.rules", "when binding_province != \"Groningen\"",
                "when binding_province not in {\"Groningen\", \"Drenthe\", \"Friesland\"}")
        case .rotterdamCapSixMonths:
            let rule =
                "  when safe_country_national = true and reference_date > add_months(admission_date, 3)\n  reason max_stay_exceeded\n"
            return try Self.copy(
                "rotterdam.rules", rule,
                rule + "  valid until 2021-12-31\n\nrule safe_country_max_stay_six\n"
                    + "  title \"Veilige lander: verblijf eindigt na zes maanden opvang\"\n"
                    + "    en \"National of a safe country: the stay ends after six months of reception\"\n"
                    + "  source \"keuze: proef, zes maanden vanaf 2022-01-01\"\n  kind time_limit\n  stage review.time_limit\n"
                    + "  when safe_country_national = true and reference_date > add_months(admission_date, 6)\n"
                    + "  reason max_stay_exceeded\n  valid from 2022-01-01\n")
        }
    }

    /// A copy of the shipped rules with one text substitution in one file.
    static func copy(_ file: String, _ from: String, _ to: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lvv-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["national", "amsterdam", "eindhoven", "groningen", "rotterdam", "utrecht"] {
            var text = try String(contentsOfFile: repositoryRoot + "/rules/\(name).rules", encoding: .utf8)
            if name + ".rules" == file {
                #expect(text.contains(from), "the shipped \(file) no longer has the text the change replaces")
                text = text.replacingOccurrences(of: from, with: to)
            }
            try text.write(to: folder.appendingPathComponent("\(name).rules"), atomically: true, encoding: .utf8)
        }
        return folder.path
    }
}
