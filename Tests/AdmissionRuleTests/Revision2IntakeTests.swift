import Foundation
import LVVPresentation
import LVVRules
import RuleDSL
import Testing

/// Domain revision 2, the intake side (DOMAIN.md, "(rev 2)"), on the shipped rule files, for every
/// pilot where a point applies: an empty V-number, referrals for minors and to another LVV,
/// `notify_partners` on every intake verdict, who checks which fact, Utrecht's families from its
/// former BBB, and Groningen's own invariant.
@Suite struct Revision2IntakeTests {
    // MARK: - An empty V-number is no V-number

    @Test(arguments: Pilot.allCases, ["", " ", "   ", "\t", " \n ", "\u{00A0}"])
    func blankVNumberIsNoVNumber(pilot: Pilot, vNumber: String) throws {
        let v = try intake(pilot, ["v_number": .string(vNumber)])
        #expect(v.decision == "refer")
        #expect(v.codes == ["no_v_number"])
        #expect(v.referrals == ["police_identification"])
        #expect(v.actions == pilot.riskActions + ["notify_partners"], "Groningen: risk analysis, as without a V-number")
    }

    @Test(arguments: Pilot.allCases, ["1234567890", " 1234567890 ", "0", "x"])
    func aVNumberWithTextIsAVNumber(pilot: Pilot, vNumber: String) throws {
        let v = try intake(pilot, ["v_number": .string(vNumber)])
        #expect(v.decision == "admit")
        #expect(v.reasons.isEmpty)
    }

    /// The batch path reads texts itself (`CaseScanner`): a blank V-number is refused there too.
    @Test(arguments: Pilot.allCases)
    func blankVNumberInABatch(pilot: Pilot) throws {
        let program = try Pilots.program(pilot)
        let lines = ["", "  ", "12", " 12 "].map { Cases.intake(pilot, ["v_number": .string($0)]) }
        let processor = BatchProcessor(program: program, trace: false)
        let decisions = lines.enumerated().map { number, line -> String in
            var output: [UInt8] = []
            let bytes = Array(line.utf8)
            _ = bytes.withUnsafeBufferPointer { processor.process($0, lineNumber: number + 1, into: &output) }
            let object = try? JSONSerialization.jsonObject(with: Data(output)) as? [String: Any]
            return object?["decision"] as? String ?? "?"
        }
        #expect(decisions == ["refer", "refer", "admit", "admit"])
    }

    // MARK: - Minors are referred to reception for minors

    @Test(arguments: Pilot.allCases)
    func minorIsReferredToReceptionForMinors(pilot: Pilot) throws {
        let minor = try intake(pilot, ["birth_date": "2010-01-01"])
        #expect(minor.decision == "exclude")
        #expect(minor.codes == ["minor"])
        #expect(minor.referrals == ["minor_reception"])
        let withEntitlement = try intake(pilot, ["birth_date": "2010-01-01", "reception_entitlement": "coa"])
        #expect(withEntitlement.referrals == ["coa", "minor_reception"])
        let adult = try intake(pilot, ["dublin_claimant": true])
        #expect(adult.decision == "exclude")
        #expect(!adult.referrals.contains("minor_reception"))
        let unknownAge = try intake(pilot, ["birth_date": nil])
        #expect(unknownAge.decision == "undetermined")
        #expect(unknownAge.referrals.isEmpty, "a referral holds whatever the unknown facts are")
    }

    @Test func utrechtFamilyChildIsAdmittedWithoutReferral() throws {
        let child = try intake(
            .utrecht,
            [
                "reception_entitlement": "family_location", "previously_in_bbb": true,
                "reference_date": "2020-11-16", "birth_date": "2010-03-01",
            ])
        #expect(child.decision == "admit")
        #expect(child.referrals.isEmpty)
        let newFamilyChild = try intake(
            .utrecht,
            [
                "reception_entitlement": "family_location", "previously_in_bbb": false,
                "reference_date": "2020-11-16", "birth_date": "2010-03-01",
            ])
        #expect(newFamilyChild.decision == "exclude")
        #expect(newFamilyChild.referrals == ["family_location", "minor_reception"])
    }

    // MARK: - notify_partners on every intake verdict

    @Test(arguments: Pilot.allCases)
    func partnersAreNotifiedOfEveryIntakeVerdict(pilot: Pilot) throws {
        let cases: [(String, Overrides)] = [
            ("admit", [:]),
            ("exclude", ["entry_ban_years": 12]),
            ("refer", ["identity_doubt": true]),
            ("undetermined", ["entry_ban_years": nil]),
        ]
        for (decision, overrides) in cases {
            let v = try intake(pilot, overrides)
            #expect(v.decision == decision)
            #expect(v.actions.contains("notify_partners"), "\(decision)")
        }
        let resident = try review(pilot)
        #expect(resident.question == "review")
        #expect(!resident.actions.contains("notify_partners"), "a review is no registration")
    }

    // MARK: - Who checks which fact

    /// The party a verdict names for a fact: the last line naming it (a pilot's lines come after
    /// the national ones).
    static func party(_ fact: String, _ program: Program) -> String? {
        guard let slot = program.factSlots[fact] else { return nil }
        return program.responsibilities.last { $0.facts.contains(slot) }?.party
    }

    static let parties: [String: String] = [
        "v_number": "begeleidingsorganisatie", "binding_province": "begeleidingsorganisatie",
        "reception_entitlement": "begeleidingsorganisatie", "previously_in_bbb": "begeleidingsorganisatie",
        "willing_to_cooperate": "begeleidingsorganisatie",
        "entry_ban_years": "IND", "declared_undesirable": "IND", "dublin_claimant": "IND", "lawful_residence": "IND",
        "birth_date": "IND", "nationality": "IND", "safe_country_national": "IND", "pending_procedure": "IND",
        "new_asylum_grounds": "IND",
        "identity_doubt": "politie (AVIM)",
        "no_fault_obstacle": "DT&V", "onward_option": "DT&V",
        "phase": "LSO", "scenario": "LSO", "progress": "LSO", "cooperating": "LSO", "lso_consensus": "LSO",
        "last_review_date": "LSO",
        "admission_date": "gemeente", "exceptional_admission.date": "gemeente",
        "exceptional_admission.decided_by": "gemeente", "exceptional_admission.grounds": "gemeente",
    ]

    @Test(arguments: Pilot.allCases)
    func everyFactIsCheckedByThePartyOfDomainPoint8(pilot: Pilot) throws {
        let program = try Pilots.program(pilot)
        for (fact, expected) in Self.parties {
            let guidance = pilot == .groningen && expected == "begeleidingsorganisatie"
            #expect(Self.party(fact, program) == (guidance ? "INLIA" : expected), "\(fact)")
        }
        // Every fact that can be missing (not required, and not an optional fact outside a group)
        // has a party named for it, not one reached by "other facts".
        for fact in program.facts
        where !fact.isRequired && !fact.isGroupPresence && (!fact.isOptional || fact.group != nil) {
            #expect(Self.party(fact.name, program) != nil, "\(pilot.rawValue): no party checks `\(fact.name)`")
        }
    }

    @Test(arguments: Pilot.allCases)
    func explanationNamesWhoChecksAMissingFact(pilot: Pilot) throws {
        let program = try Pilots.program(pilot)
        let doubt = try intake(pilot, ["identity_doubt": nil])
        #expect(doubt.decision == "undetermined")
        let text = VerdictText.render(doubt, program: program, trace: false)
        #expect(text.contains("  - twijfel aan de identiteit na controle V-nummer en documenten [identity_doubt]\n"))
        #expect(text.contains("    wordt gecontroleerd door: politie (AVIM)\n"))
        let english = VerdictText.render(doubt, program: program, trace: false, language: .en)
        #expect(english.contains("    checked by: police (AVIM)\n"))
        let province = try intake(pilot, ["binding_province": nil])
        if pilot.hasRegionalBinding {
            let text = VerdictText.render(province, program: program, trace: false)
            #expect(
                text.contains("wordt gecontroleerd door: \(pilot == .groningen ? "INLIA" : "begeleidingsorganisatie")"))
        }
    }

    // MARK: - Utrecht's families from its former BBB

    @Test(arguments: Pilot.allCases, [("2020-06-01", true), ("2020-11-16", true), ("2020-11-17", false)])
    func onlyUtrechtsFormerBBBFamiliesAreAdmitted(pilot: Pilot, date: (String, Bool)) throws {
        for bbb in [true, false] {
            let v = try intake(
                pilot,
                [
                    "reception_entitlement": "family_location", "previously_in_bbb": .bool(bbb),
                    "reference_date": .string(date.0),
                ])
            if pilot == .utrecht && bbb && date.1 {
                #expect(v.decision == "admit")
                #expect(v.referrals.isEmpty)
            } else {
                #expect(v.decision == "exclude")
                #expect(v.codes == ["reception_entitlement"])
                #expect(v.referrals == ["family_location"])
            }
        }
    }

    @Test func utrechtFamilyWithUnknownBBBHistoryIsUndetermined() throws {
        let v = try intake(
            .utrecht,
            [
                "reception_entitlement": "family_location", "previously_in_bbb": nil,
                "reference_date": "2020-11-16",
            ])
        #expect(v.decision == "undetermined")
        #expect(v.sortedMissing == ["previously_in_bbb"])
    }

    /// `comply --pilot utrecht` reports both lifted rules, each with a counterexample that the
    /// case reader and verdict builder of `rule-check eval` decide as `admit`.
    @Test func utrechtComplyReportsBothViolationsThatReproduce() throws {
        let program = try Pilots.program(.utrecht)
        let report = ComplianceReport(program: program)
        let violated = report.invariants.filter { $0.status == .violated }
        #expect(violated.map(\.id) == ["never_admit_entitled", "never_admit_minor"])
        #expect(Set(report.deviations.map(\.rule)).isSuperset(of: ["reception_entitlement", "minor"]))
        for result in violated {
            let json = try #require(result.counterexample)
            let input = try CaseReader(program: program).read(json).get()
            let verdict = VerdictBuilder(program: program).verdict(for: input, trace: false)
            #expect(verdict.decision == "admit", "\(result.id)")
            let invariant = try #require(program.invariants.first { $0.id == result.id })
            #expect(MachineEvaluator(program: program).truth(of: invariant.mustHold, facts: input.facts) == .false)
        }
    }

    // MARK: - other_lvv

    /// Another pilot's province for each pilot.
    static func otherProvince(_ pilot: Pilot) -> String { pilot == .groningen ? "Utrecht" : "Groningen" }

    @Test(arguments: Pilot.municipalities)
    func excludedOnlyForRegionalBindingGoesToTheOtherLVV(pilot: Pilot) throws {
        let other = Self.otherProvince(pilot)
        let v = try intake(pilot, ["binding_province": .string(other)])
        #expect(v.decision == "exclude")
        #expect(v.codes == ["no_regional_binding"])
        #expect(v.referrals == ["other_lvv"])
        for province in Pilot.municipalities.map(\.province) where province != pilot.province {
            #expect(
                try intake(pilot, ["binding_province": .string(province)]).referrals == ["other_lvv"], "\(province)")
        }
    }

    @Test(arguments: Pilot.municipalities)
    func noOtherLVVUnlessRegionalBindingIsTheOnlyReasonWhateverTheUnknowns(pilot: Pilot) throws {
        let other = Self.otherProvince(pilot)
        let cases: [(String, Overrides)] = [
            ("province of no pilot", ["binding_province": "Friesland"]),
            ("also a Dublin claimant", ["binding_province": .string(other), "dublin_claimant": true]),
            ("entry ban unknown", ["binding_province": .string(other), "entry_ban_years": nil]),
            ("lawful residence unknown", ["binding_province": .string(other), "lawful_residence": nil]),
            ("a minor", ["binding_province": .string(other), "birth_date": "2010-01-01"]),
            (
                "an exception not yet dated",
                [
                    "binding_province": .string(other),
                    "exceptional_admission": ["decided_by": "mayor", "grounds": "humanitarian"],
                ]
            ),
            ("own province", [:]),
        ]
        for (what, overrides) in cases {
            let v = try intake(pilot, overrides)
            #expect(!v.referrals.contains("other_lvv"), "\(what): \(v.decision) \(v.codes)")
        }
    }

    @Test func nationalHasNoRegionalBindingSoNoOtherLVV() throws {
        let v = try intake(.national, ["binding_province": "Utrecht"])
        #expect(v.decision == "admit")
        #expect(v.referrals.isEmpty)
    }

    // MARK: - Groningen's own invariant

    static let groningenInvariant = "never_admit_without_groningen_binding"

    @Test func groningenProvesItsOwnInvariant() throws {
        let report = ComplianceReport(program: try Pilots.program(.groningen))
        let result = try #require(report.invariants.first { $0.id == Self.groningenInvariant })
        #expect(result.status == .proven)
        #expect(report.isCompliant)
        for pilot in Pilot.allCases where pilot != .groningen {
            #expect(try Pilots.program(pilot).invariants.allSatisfy { $0.id != Self.groningenInvariant })
        }
    }

    /// Groningen's file without its binding rule breaks the invariant; the counterexample has no
    /// binding with the province of Groningen and is admitted without an exception.
    @Test func groningenInvariantCatchesAMissingBindingRule() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lvv-rev2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["national", "groningen"] {
            var text = try String(contentsOfFile: repositoryRoot + "/rules/\(name).rules", encoding: .utf8)
            if name == "groningen" { text += "\ndisable rule regional_binding because \"geplante fout\"\n" }
            try text.write(to: folder.appendingPathComponent("\(name).rules"), atomically: true, encoding: .utf8)
        }
        let program = try RuleLibrary(directory: folder.path).load(pilot: "groningen")
        let report = ComplianceReport(program: program)
        let result = try #require(report.invariants.first { $0.id == Self.groningenInvariant })
        #expect(result.status == .violated)
        let input = try CaseReader(program: program).read(try #require(result.counterexample)).get()
        let verdict = VerdictBuilder(program: program).verdict(for: input, trace: false)
        #expect(verdict.decision == "admit")
        let province = try #require(program.factSlots["binding_province"])
        #expect(input.facts[province] != .text("Groningen"))
    }
}
