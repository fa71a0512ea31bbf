import LVVRules
import RuleDSL
import Testing

/// Strict reading of cases, CONTRACT.md section 1: unknown keys, wrong types and malformed dates
/// are errors naming the key; absent or `null` is unknown, or none for the event facts.
@Suite struct CaseReaderTests {
    static func reader(_ pilot: Pilot = .groningen) throws -> CaseReader {
        CaseReader(program: try Pilots.program(pilot))
    }

    /// The error for a case that must not read; records an issue when it reads.
    static func failure(
        _ json: String, pilot: Pilot = .groningen, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> CaseError {
        switch try reader(pilot).read(json) {
        case .success:
            Issue.record("expected an input error for \(json)", sourceLocation: sourceLocation)
            throw UnexpectedlyRead()
        case .failure(let error):
            return error
        }
    }

    struct UnexpectedlyRead: Error {}

    static func slot(_ name: String, _ pilot: Pilot = .groningen) throws -> Int {
        try #require(try Pilots.program(pilot).factSlots[name], "no fact `\(name)`")
    }

    @Test(arguments: Pilot.allCases)
    func aCompleteCaseReads(pilot: Pilot) throws {
        let input = try readCase(pilot, Cases.review(pilot))
        #expect(input.caseID == "TEST-0001")
        #expect(input.facts[try Self.slot("v_number", pilot)] == .text("1234567890"))
        #expect(input.facts[try Self.slot("entry_ban_years", pilot)] == .number(DecimalNumber(integer: 0)))
        #expect(input.facts[try Self.slot("birth_date", pilot)] == .date(CivilDate(year: 1990, month: 6, day: 15)!))
        #expect(input.facts[try Self.slot("reception_entitlement", pilot)] == .text("none"))
    }

    // MARK: - Unknown keys

    @Test(arguments: Pilot.allCases)
    func anUnknownKeyIsAnErrorNamingIt(pilot: Pilot) throws {
        let failure = try Self.failure(Cases.intake(pilot, ["favourite_colour": "blue"]), pilot: pilot)
        #expect(failure.key == "favourite_colour")
        #expect(failure.message.contains("favourite_colour"))
    }

    @Test(arguments: [
        ("nationalty", "nationality"), ("birthdate", "birth_date"), ("vnumber", "v_number"),
        ("dublin_claimnt", "dublin_claimant"), ("referenc_date", "reference_date"), ("case_ib", "case_id"),
    ])
    func aNearMissSuggestsTheKey(typo: String, key: String) throws {
        let failure = try Self.failure(Cases.intake(.groningen, [typo: true]))
        #expect(failure.key == typo)
        #expect(failure.message.contains(typo))
        #expect(failure.message.contains("did you mean"))
        #expect(failure.message.contains(key))
    }

    @Test func anUnknownFieldOfTheExceptionIsAnError() throws {
        let unknown = try Self.failure(
            Cases.intake(
                .groningen,
                [
                    "exceptional_admission": [
                        "decided_by": "lso", "grounds": "humanitarian", "date": "2022-01-01", "reason": "x",
                    ]
                ]))
        #expect(unknown.message.contains("reason"))
        #expect(unknown.key?.contains("reason") == true)
        let nearMiss = try Self.failure(
            Cases.intake(
                .groningen,
                [
                    "exceptional_admission": ["decided_by": "lso", "grouds": "humanitarian", "date": "2022-01-01"]
                ]))
        #expect(nearMiss.message.contains("grouds"))
        #expect(nearMiss.message.contains("did you mean"))
        #expect(nearMiss.message.contains("grounds"))
    }

    @Test func programmeFactsOfAnotherPilotAreStillKnownKeys() throws {
        // Every pilot reads the full contract vocabulary: a Rotterdam case may carry previously_in_bbb.
        for pilot in Pilot.allCases {
            #expect(throws: Never.self) { try readCase(pilot, Cases.review(pilot)) }
        }
    }

    // MARK: - Wrong types

    static let wrongTypes: [(String, CaseJSON)] = [
        ("identity_doubt", "yes"), ("identity_doubt", 1), ("lawful_residence", "false"),
        ("dublin_claimant", .array([])), ("safe_country_national", 0), ("previously_in_bbb", "true"),
        ("willing_to_cooperate", ["a": 1]),
        ("entry_ban_years", "5"), ("entry_ban_years", true), ("entry_ban_years", .array([10])),
        ("nationality", 5), ("nationality", false), ("v_number", 1_234_567_890),
        ("binding_province", .array(["Groningen"])),
        ("binding_municipality", 3),
        ("birth_date", 19_900_615), ("birth_date", true), ("reference_date", 20_220_501),
        ("reception_entitlement", "hotel"), ("reception_entitlement", "COA"), ("reception_entitlement", true),
        ("phase", "finished"), ("scenario", "asylum"), ("outcome", "vanished"), ("outcome", true),
        ("progress", "yes"), ("cooperating", 1), ("lso_consensus", "true"),
        ("pending_procedure", "no"), ("new_asylum_grounds", 0), ("no_fault_obstacle", "false"),
        ("onward_option", .array([])),
        ("admission_date", 20_220_110), ("last_review_date", false),
        ("exceptional_admission", "yes"), ("exceptional_admission", true), ("exceptional_admission", .array([])),
        ("case_id", 7), ("case_id", .null), ("case_id", true),
    ]

    @Test(arguments: wrongTypes.indices)
    func aWrongTypeIsAnErrorNamingTheKey(index: Int) throws {
        let (key, value) = Self.wrongTypes[index]
        let failure = try Self.failure(Cases.review(.groningen, [key: value]))
        #expect(failure.key == key, "\(failure.message)")
        #expect(failure.message.contains(key))
    }

    static let wrongExceptionFields: [(String, CaseJSON)] = [
        ("decided_by", "minister"), ("decided_by", 1), ("grounds", "other"), ("grounds", true),
        ("date", "yesterday"), ("date", 20_220_101), ("date", "2022-02-30"),
    ]

    @Test(arguments: wrongExceptionFields.indices)
    func aWrongExceptionFieldIsAnErrorNamingIt(index: Int) throws {
        let (field, value) = Self.wrongExceptionFields[index]
        var members: [(String, CaseJSON)] = [
            ("decided_by", "lso"), ("grounds", "humanitarian"), ("date", "2022-01-01"),
        ]
        members.removeAll { $0.0 == field }
        members.append((field, value))
        let failure = try Self.failure(Cases.intake(.groningen, ["exceptional_admission": .object(members)]))
        #expect(failure.message.contains(field))
        #expect(failure.key?.hasSuffix(field) == true)
    }

    // MARK: - Dates

    static let malformedDates = [
        "2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "2024-01-32", "2024-01-00", "2100-02-29",
        "2024-1-01", "2024-01-1", "24-01-01", "01-01-2024", "2024/01/01", "2024-01-01T00:00:00", "2024-01-01 ",
        " 2024-01-01", "", "2024-02", "twenty",
    ]

    @Test(arguments: ["reference_date", "birth_date", "admission_date", "last_review_date"], malformedDates)
    func aMalformedDateIsAnErrorNamingTheKey(key: String, date: String) throws {
        let failure = try Self.failure(Cases.review(.groningen, [key: .string(date)]))
        #expect(failure.key == key)
        #expect(failure.message.contains(key))
    }

    @Test(arguments: ["2024-02-29", "2000-02-29", "2019-04-01", "2024-12-31", "1950-01-01"])
    func validDatesRead(date: String) throws {
        let input = try readCase(.groningen, Cases.intake(.groningen, ["birth_date": .string(date)]))
        #expect(input.facts[try Self.slot("birth_date")].map(\.description) == date)
    }

    // MARK: - Numbers

    @Test(arguments: ["-3", "-1", "-0.5", "-0.000001"])
    func aNegativeEntryBanIsAnError(number: String) throws {
        let failure = try Self.failure(Cases.intake(.groningen, ["entry_ban_years": .number(number)]))
        #expect(failure.key == "entry_ban_years")
        #expect(failure.message.contains("entry_ban_years"))
    }

    @Test(arguments: ["1e400", "-1e400", "1e19", "99999999999999999999999"])
    func anOutOfRangeNumberIsAnError(number: String) throws {
        let failure = try Self.failure(Cases.intake(.groningen, ["entry_ban_years": .number(number)]))
        #expect(failure.key == "entry_ban_years")
        #expect(failure.message.contains("entry_ban_years"))
    }

    @Test(arguments: ["01", "1.", ".5", "+1", "0x10", "NaN", "Infinity", "1e"])
    func aNumberThatIsNotJSONIsAnError(number: String) throws {
        _ = try Self.failure(Cases.intake(.groningen, ["entry_ban_years": .raw(number)]))
    }

    /// (JSON number, value, excluded by the entry-ban rule?)
    static let numbers: [(String, Int?, Bool)] = [
        ("-0", 0, false), ("0", 0, false), ("0.0", 0, false), ("-0.0", 0, false), ("9.999999", nil, false),
        ("10", 10, true), ("10.0", 10, true), ("1e1", 10, true), ("1E1", 10, true), ("1e+1", 10, true),
        ("100e-1", 10, true),
        ("0.9e1", 9, false),
    ]

    @Test(arguments: numbers)
    func numbersInEveryJSONSpellingRead(number: (String, Int?, Bool)) throws {
        let json = Cases.intake(.groningen, ["entry_ban_years": .number(number.0)])
        let input = try readCase(.groningen, json)
        if case .number(let n)? = input.facts[try Self.slot("entry_ban_years")] {
            #expect((n >= DecimalNumber(integer: 10)) == number.2)
            if let whole = number.1 { #expect(n == DecimalNumber(integer: whole)) }
        } else {
            Issue.record("entry_ban_years did not read as a number")
        }
        let v = try decide(.groningen, json)
        #expect(v.decision == (number.2 ? "exclude" : "admit"))
    }

    // MARK: - Absent and null

    /// Facts whose absence or null means unknown.
    static let unknownable = [
        "identity_doubt", "birth_date", "nationality", "lawful_residence", "reception_entitlement", "entry_ban_years",
        "declared_undesirable", "dublin_claimant", "binding_municipality", "binding_province", "safe_country_national",
        "previously_in_bbb", "willing_to_cooperate", "phase", "progress", "cooperating", "lso_consensus",
        "pending_procedure", "new_asylum_grounds", "no_fault_obstacle", "onward_option",
    ]

    @Test(arguments: unknownable, [false, true])
    func absentAndNullMeanUnknown(fact: String, asNull: Bool) throws {
        let json = Cases.review(.groningen, [fact: asNull ? .null : nil])
        let input = try readCase(.groningen, json)
        #expect(input.facts[try Self.slot(fact)] == nil, "unknown, not false, zero or none")
    }

    /// Facts whose absence or null means none (an event that did not happen, no V-number known,
    /// no review since admission).
    static let noneWhenAbsent = [
        "v_number", "outcome", "scenario", "last_review_date", "admission_date",
        "exceptional_admission.decided_by", "exceptional_admission.grounds", "exceptional_admission.date",
    ]

    @Test(arguments: [false, true])
    func absentAndNullMeanNoneForEventsAndTheVNumber(asNull: Bool) throws {
        let keys = ["v_number", "outcome", "scenario", "last_review_date", "admission_date", "exceptional_admission"]
        var overrides: [(String, CaseJSON?)] = []
        for key in keys { overrides.append((key, asNull ? .null : nil)) }
        let json = Cases.merge(Cases.adultMembers(.groningen) + Cases.residentMembers, overrides)
        let input = try readCase(.groningen, json)
        for fact in Self.noneWhenAbsent {
            #expect(input.facts[try Self.slot(fact)] == Value.none, "\(fact) is none, not unknown")
        }
    }

    @Test(arguments: [false, true])
    func noneForEventsDecidesAsNone(asNull: Bool) throws {
        let gone: CaseJSON? = asNull ? .null : nil
        // No V-number known: refer.
        #expect(try intake(.amsterdam, ["v_number": gone]).decision == "refer")
        // No exception: the exclusion stands, nothing is missing.
        let excluded = try intake(.amsterdam, ["entry_ban_years": 12, "exceptional_admission": gone])
        #expect(excluded.decision == "exclude")
        #expect(excluded.missingFacts.isEmpty)
        // No outcome: the stay is not ended by an outflow.
        #expect(try review(.amsterdam, ["outcome": gone]).decision == "continue")
        // No scenario in the reception phase, under the two-phase model: scenario_required.
        let noScenario = try review(
            .amsterdam, ["scenario": gone, "reference_date": "2024-05-01", "last_review_date": "2024-04-01"])
        #expect(noScenario.actions == ["scenario_required"])
        // No review since admission: counted from the admission date.
        let counted = try review(
            .amsterdam, ["last_review_date": gone, "reference_date": "2024-03-01", "admission_date": "2023-11-30"])
        #expect(counted.actions == ["review_due"])
    }

    // MARK: - Required keys and the shape of the case

    @Test func aMissingCaseIDIsAnError() throws {
        let failure = try Self.failure(Cases.intake(.groningen, ["case_id": nil]))
        #expect(failure.key == "case_id")
        #expect(failure.message.contains("case_id"))
    }

    @Test(arguments: [false, true])
    func aMissingReferenceDateIsAnError(asNull: Bool) throws {
        let failure = try Self.failure(Cases.intake(.groningen, ["reference_date": asNull ? .null : nil]))
        #expect(failure.key == "reference_date")
        #expect(failure.message.contains("reference_date"))
    }

    @Test func aNullCaseIDIsAnError() throws {
        let failure = try Self.failure(Cases.intake(.groningen, ["case_id": .null]))
        #expect(failure.message.contains("case_id"))
    }

    @Test(arguments: ["[]", "[{\"case_id\": \"A\"}]", "\"case\"", "null", "42", "true", "", "   "])
    func aCaseMustBeAJSONObject(text: String) throws {
        _ = try Self.failure(text)
    }

    @Test(arguments: [
        "{\"case_id\": \"A\", \"reference_date\": \"2022-05-01\",}",  // trailing comma
        "{\"case_id\": \"A\" \"reference_date\": \"2022-05-01\"}",  // missing comma
        "{'case_id': 'A', 'reference_date': '2022-05-01'}",  // single quotes
        "{\"case_id\": \"A\", \"reference_date\": \"2022-05-01\"",  // unterminated
        "{\"case_id\": \"A\", \"reference_date\": \"2022-05-01\"} {}",  // two values
        "{\"case_id\": \"A\", \"reference_date\": \"2022-05-01\", \"v_number\": \"12\u{0001}\"}",  // control character
        "{\"case_id\": \"A\", \"reference_date\": \"2022-05-01\"} // comment",
    ])
    func invalidJSONIsAnError(text: String) throws {
        _ = try Self.failure(text)
    }

    @Test func aMinimalCaseReadsWithEverythingElseUnknownOrNone() throws {
        let input = try readCase(.groningen, "{\"case_id\": \"MIN\", \"reference_date\": \"2022-05-01\"}")
        #expect(input.caseID == "MIN")
        #expect(input.facts[try Self.slot("reference_date")] == .date(CivilDate(year: 2022, month: 5, day: 1)!))
        #expect(input.facts[try Self.slot("birth_date")] == nil)
        #expect(input.facts[try Self.slot("v_number")] == Value.none)
        #expect(input.facts[try Self.slot("admission_date")] == Value.none)
    }

    @Test func keyOrderAndWhitespaceDoNotMatter() throws {
        let a = try decide(.utrecht, Cases.intake(.utrecht, ["dublin_claimant": true]))
        let members = Cases.adultMembers(.utrecht).reversed().map {
            ($0.0, $0.0 == "dublin_claimant" ? CaseJSON.bool(true) : $0.1)
        }
        let b = try decide(
            .utrecht,
            "\n\t " + CaseJSON.object(Array(members)).text.replacingOccurrences(of: ", ", with: ",\n  ") + " \r\n")
        #expect(a.decision == b.decision)
        #expect(a.codes == b.codes)
    }

    @Test func caseIDIsEchoedVerbatim() throws {
        let id = "GRN-0001 \"ü\" \\ 💡"
        let v = try decide(.groningen, Cases.merge(Cases.adultMembers(.groningen, id: id), []))
        #expect(v.caseID == id)
    }
}
