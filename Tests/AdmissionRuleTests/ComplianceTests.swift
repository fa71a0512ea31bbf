import Foundation
import LVVPresentation
import LVVRules
import RuleDSL
import Testing

/// `comply` and `diff` on the shipped pilots and on pilot files with a planted violation of each
/// national invariant: the violation is found, and its counterexample reproduces through the
/// same case reader and verdict builder `rule-check eval` uses.
@Suite struct ComplianceTests {
    /// A temporary rules folder with the shipped national file and one extra pilot file.
    static func planted(_ name: String, _ body: String) throws -> Program {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lvv-comply-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let national = try String(contentsOfFile: repositoryRoot + "/rules/national.rules", encoding: .utf8)
        try national.write(to: folder.appendingPathComponent("national.rules"), atomically: true, encoding: .utf8)
        let path = folder.appendingPathComponent("\(name).rules")
        try ("ruleset \(name) extends national\n\n" + body).write(to: path, atomically: true, encoding: .utf8)
        return try RuleLibrary(directory: folder.path).load(path: path.path)
    }

    /// Each invariant, with a pilot edit that breaks exactly it and the decision that shows it.
    static let plantings: [(invariant: String, rules: String, decision: String)] = [
        (
            "never_admit_entitled",
            """
            override rule reception_entitlement
              title "Alleen COA-opvang sluit uit (geplante fout)"
              source "test"
              kind entitlement
              stage intake.exclusion
              when reception_entitlement = coa
              reason reception_entitlement
              refer reception_entitlement
            """, "admit"
        ),
        ("never_admit_minor", "disable rule minor because \"geplante fout\"\n", "admit"),
        ("never_admit_excluded_without_exception", "disable rule dublin_claimant because \"geplante fout\"\n", "admit"),
        (
            "never_end_without_consensus",
            """
            override rule no_lso_consensus
              title "Geen consensus, maar alleen bij voortgang naar de MRT (geplante fout)"
              source "test"
              kind escalation
              stage review.no_consensus
              when lso_consensus = false and progress = true
              reason no_lso_consensus
              refer mrt
            """, "end"
        ),
    ]

    @Test(arguments: 0..<4)
    func plantedViolationIsFoundAndReproduces(index: Int) throws {
        let planting = Self.plantings[index]
        let program = try Self.planted("planted\(index)", planting.rules)
        let report = ComplianceReport(program: program)
        #expect(!report.isCompliant)
        let statuses = Dictionary(uniqueKeysWithValues: report.invariants.map { ($0.id, $0.status) })
        #expect(statuses[planting.invariant] == .violated)
        // Only the planted invariant is broken.
        for (id, status) in statuses where id != planting.invariant { #expect(status == .proven, "\(id)") }

        let result = try #require(report.invariants.first { $0.id == planting.invariant })
        let json = try #require(result.counterexample)
        let input = try CaseReader(program: program).read(json).get()
        let verdict = VerdictBuilder(program: program).verdict(for: input, trace: false)
        #expect(verdict.decision == planting.decision)
        let invariant = try #require(program.invariants.first { $0.id == planting.invariant })
        #expect(MachineEvaluator(program: program).truth(of: invariant.mustHold, facts: input.facts) == .false)
    }

    @Test func shippedPilotsAreCompliantExceptUtrecht() throws {
        for pilot in Pilot.allCases {
            let program = try RuleLibrary(directory: repositoryRoot + "/rules").load(pilot: pilot.rawValue)
            let report = ComplianceReport(program: program)
            if pilot == .utrecht {
                let violated = report.invariants.filter { $0.status == .violated }.map(\.id)
                // (rev 2) The families from the former BBB are admitted with their children.
                #expect(violated == ["never_admit_entitled", "never_admit_minor"])
                #expect(report.deviations.map(\.rule).contains("reception_entitlement"))
                #expect(report.deviations.map(\.rule).contains("minor"))
            } else {
                #expect(report.isCompliant, "\(pilot.rawValue)")
            }
            #expect(report.invariants.allSatisfy { $0.status != .unproven })
        }
    }

    /// Narrowings are found by proof, not read off `kind narrowing`: Rotterdam's three-month cap
    /// for safe-country nationals (a review rule of kind `time_limit`) is among them, and every
    /// rule of kind `narrowing` a pilot adds is found too.
    @Test func narrowingsAreFoundByProofIncludingRotterdamsCap() throws {
        let library = RuleLibrary(directory: repositoryRoot + "/rules")
        let rotterdam = ComplianceReport(program: try library.load(pilot: "rotterdam"))
        let cap = try #require(rotterdam.narrowings.first { $0.rule == "safe_country_max_stay" })
        #expect(cap.question == "review")
        #expect(cap.baseDecision == "continue")
        #expect(cap.decision == "end")
        #expect(rotterdam.narrowingsComplete)
        #expect(rotterdam.base == "national")
        let national = ComplianceReport(program: try library.load(pilot: "national"))
        #expect(national.narrowings.isEmpty)
        for pilot in Pilot.municipalities {
            let program = try Pilots.program(pilot)
            let report = ComplianceReport(program: program)
            let top = program.files.count - 1
            let marked = program.rules.filter { $0.origin.file == top && $0.kind == "narrowing" }.map(\.id)
            #expect(Set(marked).isSubset(of: report.narrowings.map(\.rule)), "\(pilot.rawValue)")
            #expect(report.narrowingsComplete, "\(pilot.rawValue)")
            // Stable order: by question as the rule set declares them, then by rule id.
            let order = report.narrowings.map { "\(program.decisionIndex(named: $0.question) ?? -1) \($0.rule)" }
            #expect(order == order.sorted(), "\(pilot.rawValue)")
        }
    }

    /// Every narrowing's counterexample reproduces through `eval`: the pilot gives the stricter
    /// decision, the national rules their default, and the pilot rule named is among the reasons.
    @Test(arguments: Pilot.municipalities)
    func narrowingCounterexamplesReproduce(pilot: Pilot) throws {
        let program = try Pilots.program(pilot)
        let national = try Pilots.program(.national)
        let report = ComplianceReport(program: program)
        #expect(!report.narrowings.isEmpty)
        for narrowing in report.narrowings {
            if let age = Self.age(narrowing.counterexample, program: program) {
                #expect(age >= 18, "\(narrowing.rule)")
            }
            let pilotCase = try CaseReader(program: program).read(narrowing.counterexample).get()
            let verdict = VerdictBuilder(program: program).verdict(for: pilotCase, trace: false)
            #expect(verdict.question == narrowing.question)
            #expect(verdict.decision == narrowing.decision, "\(narrowing.rule)")
            #expect(
                verdict.reasons.contains { $0.rule == narrowing.rule },
                "\(narrowing.rule) not among the reasons")
            let nationalCase = try CaseReader(program: national).read(narrowing.counterexample).get()
            let base = VerdictBuilder(program: national).verdict(for: nationalCase, trace: false)
            #expect(base.decision == narrowing.baseDecision, "\(narrowing.rule)")
            Self.expectReadsLikeACase(narrowing.counterexample, program: program)
        }
    }

    /// What policy staff can show a colleague: inside the programme period, an adult's birth date,
    /// a ten-digit V-number, a real nationality, a province named with its municipality.
    static func expectReadsLikeACase(
        _ json: String, program: Program, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let input: CaseInput
        switch CaseReader(program: program).read(json) {
        case .success(let i): input = i
        case .failure(let e):
            Issue.record("not a valid case: \(e.message)", sourceLocation: sourceLocation)
            return
        }
        func value(_ name: String) -> Value? { program.factSlots[name].flatMap { input.facts[$0] } }
        guard case .date(let reference)? = value("reference_date") else {
            Issue.record("no reference date: \(json)", sourceLocation: sourceLocation)
            return
        }
        #expect(
            reference >= CivilDate(year: 2019, month: 4, day: 1)!
                && reference <= CivilDate(year: 2024, month: 12, day: 31)!,
            "reference date \(reference) outside the programme period", sourceLocation: sourceLocation)
        if case .date(let birth)? = value("birth_date") {
            let age = CivilDate.wholeYearsBetween(birth, reference)
            // An adult unless the counterexample needs a minor (then still born before the reference date).
            #expect(age >= 0 && age <= 60, "age \(age): \(json)", sourceLocation: sourceLocation)
        }
        if case .text(let v)? = value("v_number") {
            #expect(v.count == 10 && v.allSatisfy(\.isNumber), "V-number \(v)", sourceLocation: sourceLocation)
        }
        if case .text(let n)? = value("nationality") {
            #expect(n != "ZZ", "nationality \(n)", sourceLocation: sourceLocation)
        }
        if case .text(let p)? = value("binding_province") {
            #expect(p != "ZZ", "province \(p)", sourceLocation: sourceLocation)
        }
    }

    static func age(_ json: String, program: Program) -> Int? {
        guard case .success(let input) = CaseReader(program: program).read(json),
            let b = program.factSlots["birth_date"], let r = program.factSlots["reference_date"],
            case .date(let birth)? = input.facts[b], case .date(let reference)? = input.facts[r]
        else { return nil }
        return CivilDate.wholeYearsBetween(birth, reference)
    }

    @Test func utrechtsCounterexampleReadsLikeACase() throws {
        let program = try Pilots.program(.utrecht)
        let report = ComplianceReport(program: program)
        for result in report.invariants where result.status == .violated {
            let json = try #require(result.counterexample)
            Self.expectReadsLikeACase(json, program: program)
        }
    }

    /// Issue 16: a trivially false invariant still gets a valid case (with its reference date).
    @Test func aTriviallyFalseInvariantGetsAValidCounterexample() throws {
        let program = try Self.planted(
            "always_false",
            """
            invariant nothing_is_allowed
              title "Geplante fout: nooit waar"
              always false
            """)
        let report = ComplianceReport(program: program)
        let result = try #require(report.invariants.first { $0.id == "nothing_is_allowed" })
        #expect(result.status == .violated)
        let json = try #require(result.counterexample)
        let input = try CaseReader(program: program).read(json).get()
        #expect(input.facts[try #require(program.referenceFact)] != nil)
        Self.expectReadsLikeACase(json, program: program)
    }

    /// The wording of 000 art. 3.1: narrowings are set in consultation with the programme council
    /// ("in afstemming met"), which is not agreement.
    @Test func narrowingsAreInConsultationNotAgreement() throws {
        let report = ComplianceReport(program: try Pilots.program(.rotterdam))
        let text = report.text(milliseconds: 1, language: .en)
        #expect(text.contains("in afstemming met de programmaraad"))
        #expect(text.contains("consultation"))
        #expect(!text.contains("agreement"))
        let dutch = report.text(milliseconds: 1, language: .nl)
        #expect(dutch.contains("in afstemming met de programmaraad"))
        #expect(!dutch.contains("instemming"))
        let json = report.json(milliseconds: 1)
        #expect(json.contains("\"narrowings\":[{\"question\":\"intake\""))
        #expect(json.contains("\"rule\":\"safe_country_max_stay\""))
        #expect(json.contains("\"narrowings_complete\":true"))
    }

    @Test func diffFindsExactlyTheChangedRegion() throws {
        // The old version excluded entry bans from 5 years; the new one (shipped) from 10.
        let new = try RuleLibrary(directory: repositoryRoot + "/rules").load(pilot: "groningen")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lvv-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let national = try String(contentsOfFile: repositoryRoot + "/rules/national.rules", encoding: .utf8)
        #expect(national.contains("when entry_ban_years >= 10"))
        try national.replacingOccurrences(of: "when entry_ban_years >= 10", with: "when entry_ban_years >= 5")
            .write(to: folder.appendingPathComponent("national.rules"), atomically: true, encoding: .utf8)
        try String(contentsOfFile: repositoryRoot + "/rules/groningen.rules", encoding: .utf8)
            .write(to: folder.appendingPathComponent("groningen.rules"), atomically: true, encoding: .utf8)
        let old = try RuleLibrary(directory: folder.path).load(pilot: "groningen")

        let diff = DecisionDiff(old: old, new: new)
        #expect(diff.changedRules == ["entry_ban"])
        let result = diff.regions()
        let regions = result.regions
        #expect(result.complete)
        #expect(regions.count == 1)
        let region = try #require(regions.first)
        #expect(region.decision == "intake")
        let conditions = region.conditions.map { $0.fact + " " + $0.condition }
        #expect(conditions.contains("entry_ban_years >= 10 does not hold"))
        #expect(conditions.contains("entry_ban_years >= 5 holds"))
        #expect(!region.transitions.isEmpty)
        // Every example really gets the stated outcomes from the two versions.
        for transition in region.transitions {
            let json = CaseWriter.json(caseID: "x", facts: transition.example, program: new)
            let newVerdict = VerdictBuilder(program: new).verdict(
                for: try CaseReader(program: new).read(json).get(), trace: false)
            let oldVerdict = VerdictBuilder(program: old).verdict(
                for: try CaseReader(program: old).read(json).get(), trace: false)
            #expect(newVerdict.decision == transition.new)
            #expect(oldVerdict.decision == transition.old)
        }
    }

    @Test func diffOfIdenticalRulesFindsNothing() throws {
        let library = RuleLibrary(directory: repositoryRoot + "/rules")
        let program = try library.load(pilot: "rotterdam")
        let diff = DecisionDiff(old: program, new: program)
        #expect(diff.changedRules.isEmpty)
        let result = diff.regions()
        #expect(result.regions.isEmpty)
        #expect(result.complete)
    }
}
