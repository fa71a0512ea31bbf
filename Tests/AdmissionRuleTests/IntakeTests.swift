import LVVRules
import RuleDSL
import Testing

/// Intake (may this person be admitted?) against DOMAIN.md "Intake" and the intake choices, for
/// every pilot a point applies to.
@Suite struct IntakeTests {
    // MARK: - The base case

    @Test(arguments: Pilot.allCases)
    func adultWithoutResidenceOrReceptionIsAdmitted(pilot: Pilot) throws {
        let v = try intake(pilot)
        #expect(v.caseID == "TEST-0001")
        #expect(v.pilot == pilot.rawValue)
        #expect(v.question == "intake")
        #expect(v.decision == "admit")
        #expect(v.exceptional == false)
        #expect(v.reasons.isEmpty)
        #expect(v.referrals.isEmpty)
        #expect(v.actions == ["notify_partners"])
        #expect(v.missingFacts.isEmpty)
        #expect(v.scenarioAdvice == nil, "scenario advice is for review only")
    }

    @Test(arguments: Pilot.allCases)
    func questionIsIntakeWhenAdmissionDateIsAbsentOrNull(pilot: Pilot) throws {
        #expect(try intake(pilot, ["admission_date": nil]).question == "intake")
        #expect(try intake(pilot, ["admission_date": .null]).question == "intake")
        #expect(try intake(pilot, ["admission_date": "2022-01-10"]).question == "review")
    }

    // MARK: - Point 1: target group (lawful residence, reception entitlement, minors)

    @Test(arguments: Pilot.allCases)
    func lawfulResidenceExcludes(pilot: Pilot) throws {
        let v = try intake(pilot, ["lawful_residence": true])
        #expect(v.decision == "exclude")
        #expect(v.codes == ["lawful_residence"])
        #expect(v.referrals.isEmpty)
        #expect(v.actions == pilot.riskActions + ["notify_partners"])
    }

    @Test(arguments: Pilot.allCases, ["coa", "family_location", "vbl"])
    func receptionEntitlementExcludesAndRefersToThatReception(pilot: Pilot, entitlement: String) throws {
        // 2022: after Utrecht's family inflow stopped, so Utrecht too excludes families.
        let v = try intake(pilot, ["reception_entitlement": .string(entitlement)])
        #expect(v.decision == "exclude")
        #expect(v.codes == ["reception_entitlement"])
        #expect(v.referrals == [entitlement])
        #expect(v.actions == pilot.riskActions + ["notify_partners"])
        #expect(v.exceptional == false)
    }

    /// (birth date, reference date, minor?): a minor until the day of the 18th birthday; born on
    /// 29 February, the birthday in a common year is 1 March. (An 18th birthday of a leap-day
    /// birth always falls in a common year: 18 is not a multiple of 4.)
    static let ages: [(String, String, Bool)] = [
        ("2004-05-02", "2022-05-01", true),  // the day before the 18th birthday
        ("2004-05-01", "2022-05-01", false),  // the 18th birthday
        ("2004-04-30", "2022-05-01", false),
        ("2004-02-29", "2022-02-28", true),  // common year: not yet 18 on 28 February
        ("2004-02-29", "2022-03-01", false),  // … but on 1 March
        ("2004-02-29", "2022-02-27", true),
        ("2004-02-29", "2022-03-02", false),
        ("2004-02-28", "2022-02-28", false),  // not a leap-day birth: the 18th birthday itself
        ("2004-03-01", "2022-02-28", true),
        ("2000-02-29", "2019-04-01", false),
        ("2010-01-01", "2022-05-01", true),
    ]

    @Test(arguments: Pilot.allCases, ages)
    func minorsAreExcludedUntilTheDayOfTheEighteenthBirthday(pilot: Pilot, age: (String, String, Bool)) throws {
        let (birth, reference, isMinor) = age
        let v = try intake(pilot, ["birth_date": .string(birth), "reference_date": .string(reference)])
        if isMinor {
            #expect(v.decision == "exclude")
            #expect(v.codes == ["minor"])
            #expect(v.actions == pilot.riskActions + ["notify_partners"])
        } else {
            #expect(v.decision == "admit")
            #expect(v.reasons.isEmpty)
        }
    }

    // MARK: - Point 2: exclusions of 3.1

    @Test(
        arguments: Pilot.allCases,
        [("0", false), ("9", false), ("9.5", false), ("10", true), ("11", true), ("12", true)])
    func entryBanOfTenYearsOrMoreExcludes(pilot: Pilot, ban: (String, Bool)) throws {
        let v = try intake(pilot, ["entry_ban_years": .number(ban.0)])
        if ban.1 {
            #expect(v.decision == "exclude")
            #expect(v.codes == ["entry_ban_10y"])
            #expect(
                v.reasons.first?.facts.contains { $0.name == "entry_ban_years" } == true,
                "the reason shows the fact it read")
            #expect(v.actions == pilot.riskActions + ["notify_partners"])
        } else {
            #expect(v.decision == "admit")
            #expect(v.reasons.isEmpty)
            #expect(v.actions == ["notify_partners"])
        }
    }

    @Test(arguments: Pilot.allCases)
    func declaredUndesirableExcludes(pilot: Pilot) throws {
        let v = try intake(pilot, ["declared_undesirable": true])
        #expect(v.decision == "exclude")
        #expect(v.codes == ["declared_undesirable"])
        #expect(v.actions == pilot.riskActions + ["notify_partners"])
    }

    @Test(arguments: Pilot.allCases)
    func dublinClaimantExcludes(pilot: Pilot) throws {
        let v = try intake(pilot, ["dublin_claimant": true])
        #expect(v.decision == "exclude")
        #expect(v.codes == ["dublin_claimant"])
        #expect(v.actions == pilot.riskActions + ["notify_partners"])
    }

    static let euMemberStates = [
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    ]

    /// (nationality, reference date, EU citizen?): member states on the reference date; the
    /// United Kingdom up to and including 2020-01-31; EEA, Swiss and `XX` are not.
    static let nationalities: [(String, String, Bool)] =
        euMemberStates.map { ($0, "2022-05-01", true) } + [
            ("GB", "2019-06-01", true),
            ("GB", "2020-01-31", true),
            ("GB", "2020-02-01", false),
            ("GB", "2022-05-01", false),
            ("NO", "2022-05-01", false),
            ("IS", "2022-05-01", false),
            ("LI", "2022-05-01", false),
            ("CH", "2022-05-01", false),
            ("XX", "2022-05-01", false),
            ("SY", "2022-05-01", false),
            ("TR", "2022-05-01", false),
            ("UA", "2022-05-01", false),
        ]

    @Test(arguments: Pilot.allCases, nationalities)
    func euCitizenshipFromTheNationalityCode(pilot: Pilot, nationality: (String, String, Bool)) throws {
        let (code, reference, isEU) = nationality
        let v = try intake(pilot, ["nationality": .string(code), "reference_date": .string(reference)])
        if isEU {
            #expect(v.decision == "exclude")
            #expect(v.codes == ["eu_citizen"])
        } else {
            #expect(v.decision == "admit")
            #expect(v.reasons.isEmpty)
        }
    }

    @Test(arguments: Pilot.allCases)
    func severalExclusionsAtOnceAreAllListed(pilot: Pilot) throws {
        let v = try intake(
            pilot,
            [
                "entry_ban_years": 12, "declared_undesirable": true, "dublin_claimant": true, "nationality": "DE",
            ])
        #expect(v.decision == "exclude")
        #expect(v.codes == ["declared_undesirable", "dublin_claimant", "entry_ban_10y", "eu_citizen"])
        #expect(v.actions == pilot.riskActions + ["notify_partners"])
    }

    /// Every exclusion of the national file and of the pilot at once: every one is listed.
    @Test(arguments: Pilot.allCases)
    func everyExclusionOfThePilotAtOnceIsListed(pilot: Pilot) throws {
        let v = try intake(
            pilot,
            [
                "reference_date": "2025-01-01", "lawful_residence": true, "reception_entitlement": "coa",
                "birth_date": "2010-03-03", "entry_ban_years": 15, "declared_undesirable": true,
                "dublin_claimant": true,
                "nationality": "PL", "binding_province": "Zeeland", "binding_municipality": "Middelburg",
                "safe_country_national": true, "previously_in_bbb": false, "willing_to_cooperate": false,
            ])
        var expected = [
            "outside_programme_period", "lawful_residence", "reception_entitlement", "minor", "entry_ban_10y",
            "declared_undesirable", "dublin_claimant", "eu_citizen",
        ]
        var referrals = ["coa", "minor_reception"]
        if pilot.hasRegionalBinding { expected.append("no_regional_binding") }
        if pilot == .groningen || pilot.excludesAllSafeCountryNationals { expected.append("safe_country") }
        if pilot == .groningen { referrals.append("vbl") }
        if pilot.requiresWillingnessAtIntake { expected.append("not_willing_to_cooperate") }
        #expect(v.decision == "exclude")
        #expect(v.codes == expected.bag)
        #expect(v.referrals.bag == referrals.bag)
        #expect(v.actions == pilot.riskActions + ["notify_partners"])
        #expect(v.exceptional == false)
        #expect(v.missingFacts.isEmpty)
    }

    // MARK: - Point 3: exceptional admission

    /// The pilot's narrowings, set up so that each one holds, and the codes they give.
    static func narrowings(_ pilot: Pilot) -> (overrides: Overrides, codes: [String]) {
        switch pilot {
        case .national:
            return (["binding_province": "Limburg", "safe_country_national": true, "willing_to_cooperate": false], [])
        case .groningen:
            return (
                [
                    "binding_province": "Drenthe", "safe_country_national": true, "previously_in_bbb": false,
                    "willing_to_cooperate": false,
                ],
                ["no_regional_binding", "safe_country"]
            )
        case .amsterdam:
            return (
                ["binding_province": "Utrecht", "safe_country_national": true, "willing_to_cooperate": false],
                ["no_regional_binding", "safe_country"]
            )
        case .rotterdam:
            return (
                ["binding_province": "Noord-Brabant", "safe_country_national": true, "willing_to_cooperate": false],
                ["no_regional_binding", "not_willing_to_cooperate"]
            )
        case .utrecht:
            return (
                ["binding_province": "Gelderland", "safe_country_national": true, "willing_to_cooperate": false],
                ["no_regional_binding", "not_willing_to_cooperate", "safe_country"]
            )
        case .eindhoven:
            return (
                ["binding_province": "Limburg", "safe_country_national": true, "willing_to_cooperate": false],
                ["no_regional_binding"]
            )
        }
    }

    @Test(arguments: Pilot.allCases)
    func exceptionOverridesEveryExclusionOfThreeOneAndEveryPilotNarrowing(pilot: Pilot) throws {
        let (narrowing, narrowingCodes) = Self.narrowings(pilot)
        let json = Cases.intake(
            pilot, narrowing,
            [
                "entry_ban_years": 12, "declared_undesirable": true, "dublin_claimant": true, "nationality": "FR",
                "exceptional_admission": Cases.exception(date: "2022-04-01"),
            ])
        let v = try decide(pilot, json)
        let overridden = (["entry_ban_10y", "declared_undesirable", "dublin_claimant", "eu_citizen"] + narrowingCodes)
            .bag
        #expect(v.decision == "admit")
        #expect(v.exceptional == true)
        #expect(v.codes == (overridden + ["exception_granted"]).bag)
        #expect(v.overriddenCodes == overridden)
        #expect(v.reasons.first { $0.code == "exception_granted" }?.isOverridden == false)
        #expect(v.referrals.isEmpty, "an admitted person is not referred (not even Groningen's VBL)")
        #expect(v.actions == ["notify_partners"], "no risk analysis on an admit")
        #expect(v.missingFacts.isEmpty)
    }

    @Test(arguments: Pilot.municipalities)
    func exceptionOverridesAPilotNarrowingAlone(pilot: Pilot) throws {
        let (narrowing, codes) = Self.narrowings(pilot)
        let json = Cases.intake(
            pilot, narrowing, ["exceptional_admission": Cases.exception(date: "2022-05-01", decidedBy: "lso")])
        let v = try decide(pilot, json)
        #expect(v.decision == "admit")
        #expect(v.exceptional == true)
        #expect(v.codes == (codes + ["exception_granted"]).bag)
        #expect(v.overriddenCodes == codes.bag)
        // Without the exception the same case is excluded on exactly those codes.
        let without = try decide(pilot, Cases.intake(pilot, narrowing, [:]))
        #expect(without.decision == "exclude")
        #expect(without.codes == codes.bag)
    }

    /// Who decided and on what grounds are shown, not weighed.
    @Test(arguments: ["stuurgroep", "lso", "mayor"], ["humanitarian", "public_order"])
    func everyDeciderAndGroundsCountAlike(decidedBy: String, grounds: String) throws {
        for pilot in Pilot.allCases {
            let v = try intake(
                pilot,
                [
                    "dublin_claimant": true,
                    "exceptional_admission": Cases.exception(
                        date: "2022-03-01", decidedBy: decidedBy, grounds: grounds),
                ])
            #expect(v.decision == "admit", "\(pilot)")
            #expect(v.exceptional == true)
            #expect(v.codes == ["dublin_claimant", "exception_granted"])
        }
    }

    @Test(arguments: Pilot.allCases)
    func exceptionWithoutAnyExclusionIsAPlainAdmit(pilot: Pilot) throws {
        let v = try intake(pilot, ["exceptional_admission": Cases.exception(date: "2022-04-01")])
        #expect(v.decision == "admit")
        #expect(v.exceptional == false, "exceptional only when an exclusion was overridden")
        #expect(v.reasons.isEmpty)
    }

    @Test(
        arguments: Pilot.allCases,
        [("2022-05-01", true), ("2022-04-30", true), ("2022-05-02", false), ("2023-01-01", false)])
    func exceptionCountsFromItsDate(pilot: Pilot, dated: (String, Bool)) throws {
        let v = try intake(
            pilot,
            [
                "entry_ban_years": 12, "exceptional_admission": Cases.exception(date: dated.0),
            ])
        if dated.1 {
            #expect(v.decision == "admit")
            #expect(v.exceptional == true)
            #expect(v.codes == ["entry_ban_10y", "exception_granted"])
        } else {
            #expect(v.decision == "exclude")
            #expect(v.exceptional == false)
            #expect(v.codes == ["entry_ban_10y"], "an exception dated after the reference date does not count")
            #expect(v.actions == pilot.riskActions + ["notify_partners"])
        }
    }

    /// What an exception never lifts: reception entitlement, minority, lawful residence, the
    /// programme period. The exclusion stands and lists only the reasons it cannot lift.
    static let unliftable: [(String, Overrides, [String], [String])] = [
        ("reception entitlement (coa)", ["reception_entitlement": "coa"], ["reception_entitlement"], ["coa"]),
        (
            "reception entitlement (family location)", ["reception_entitlement": "family_location"],
            ["reception_entitlement"], ["family_location"]
        ),
        ("reception entitlement (vbl)", ["reception_entitlement": "vbl"], ["reception_entitlement"], ["vbl"]),
        ("minor", ["birth_date": "2006-01-01"], ["minor"], ["minor_reception"]),
        ("lawful residence", ["lawful_residence": true], ["lawful_residence"], []),
        ("after the programme", ["reference_date": "2025-01-01"], ["outside_programme_period"], []),
    ]

    @Test(arguments: Pilot.allCases, unliftable.indices)
    func exceptionDoesNotLift(pilot: Pilot, index: Int) throws {
        let (what, overrides, codes, referrals) = Self.unliftable[index]
        let json = Cases.intake(
            pilot, overrides,
            [
                "entry_ban_years": 12, "exceptional_admission": Cases.exception(date: "2022-04-01"),
            ])
        let v = try decide(pilot, json)
        #expect(v.decision == "exclude", "\(what)")
        #expect(v.exceptional == false)
        #expect(v.codes == codes, "only the reasons the exception cannot lift are listed")
        #expect(v.referrals == referrals)
        #expect(v.actions == pilot.riskActions + ["notify_partners"])
    }

    @Test(arguments: Pilot.allCases)
    func exceptionDoesNotLiftTheIdentityCheck(pilot: Pilot) throws {
        let noNumber = try intake(
            pilot,
            [
                "v_number": nil, "entry_ban_years": 12, "exceptional_admission": Cases.exception(date: "2022-04-01"),
            ])
        #expect(noNumber.decision == "refer")
        #expect(noNumber.exceptional == false)
        #expect(noNumber.codes == ["no_v_number"])
        #expect(noNumber.referrals == ["police_identification"])
        #expect(noNumber.actions == pilot.riskActions + ["notify_partners"])

        let doubt = try intake(
            pilot,
            [
                "identity_doubt": true, "entry_ban_years": 12,
                "exceptional_admission": Cases.exception(date: "2022-04-01"),
            ])
        #expect(doubt.decision == "refer")
        #expect(doubt.exceptional == false)
        #expect(doubt.codes == ["identity_doubt"])
        #expect(doubt.referrals == ["police_identification"])
        #expect(doubt.actions == ["notify_partners"])
    }

    @Test(arguments: Pilot.allCases)
    func exceptionWithoutADateLeavesTheIntakeUndetermined(pilot: Pilot) throws {
        let v = try intake(
            pilot,
            [
                "declared_undesirable": true,
                "exceptional_admission": ["decided_by": "mayor", "grounds": "humanitarian"],
            ])
        #expect(v.decision == "undetermined")
        #expect(v.missingFacts == ["exceptional_admission.date"])
        #expect(v.reasons.isEmpty)
        #expect(v.actions == ["notify_partners"])
    }

    /// An `exceptional_admission` object records that an exception was decided (CONTRACT.md 1:
    /// only absent or null means none). Who decided and on what grounds are not weighed, so only
    /// its date can change the decision.
    @Test(arguments: Pilot.allCases)
    func exceptionRecordedWithoutDetailsMissesOnlyItsDate(pilot: Pilot) throws {
        let v = try intake(pilot, ["entry_ban_years": 12, "exceptional_admission": [:]])
        #expect(v.decision == "undetermined")
        #expect(v.missingFacts == ["exceptional_admission.date"])
    }

    @Test(arguments: Pilot.allCases)
    func exceptionWithADateButNoDetailsCounts(pilot: Pilot) throws {
        let v = try intake(pilot, ["entry_ban_years": 12, "exceptional_admission": ["date": "2022-04-01"]])
        #expect(v.decision == "admit")
        #expect(v.exceptional == true)
        #expect(v.codes == ["entry_ban_10y", "exception_granted"])
    }

    // MARK: - Missing facts

    /// Each fact whose unknown value could change the decision of the base case, for every pilot.
    static let decisiveFacts = [
        "identity_doubt", "birth_date", "nationality", "lawful_residence", "reception_entitlement",
        "entry_ban_years", "declared_undesirable", "dublin_claimant",
    ]

    @Test(arguments: Pilot.allCases, decisiveFacts)
    func anUnknownFactThatCouldChangeTheDecisionLeavesItUndetermined(pilot: Pilot, fact: String) throws {
        for overrides: Overrides in [[fact: nil], [fact: .null]] {
            let v = try decide(pilot, Cases.intake(pilot, overrides))
            #expect(v.decision == "undetermined")
            #expect(v.missingFacts == [fact])
            #expect(v.reasons.isEmpty)
            #expect(v.referrals.isEmpty)
            #expect(v.actions == ["notify_partners"], "no risk analysis while undetermined")
            #expect(v.exceptional == false)
        }
    }

    @Test(arguments: Pilot.allCases)
    func severalUnknownsAreAllMissing(pilot: Pilot) throws {
        let v = try intake(pilot, ["birth_date": nil, "nationality": .null, "dublin_claimant": nil])
        #expect(v.decision == "undetermined")
        #expect(v.sortedMissing == ["birth_date", "dublin_claimant", "nationality"])
    }

    /// Pilot facts: (fact, pilots where its being unknown matters in the base case).
    static let pilotFacts: [(String, [Pilot])] = [
        ("binding_province", Pilot.municipalities),
        ("safe_country_national", [.groningen, .amsterdam, .utrecht]),
        ("willing_to_cooperate", [.rotterdam, .utrecht]),
        ("binding_municipality", []),
        ("previously_in_bbb", []),
    ]

    @Test(arguments: Pilot.allCases, pilotFacts)
    func pilotFactsMatterOnlyWhereThePilotUsesThem(pilot: Pilot, fact: (String, [Pilot])) throws {
        let v = try intake(pilot, [fact.0: nil])
        if fact.1.contains(pilot) {
            #expect(v.decision == "undetermined")
            #expect(v.missingFacts == [fact.0])
        } else {
            #expect(v.decision == "admit")
            #expect(v.missingFacts.isEmpty)
        }
    }

    @Test(arguments: Pilot.allCases)
    func aCertainExclusionDecidesWhateverIsUnknown(pilot: Pilot) throws {
        // Only the reference date, the province and one certain exclusion are known.
        let json = CaseJSON.object([
            ("case_id", "MIN-1"), ("reference_date", "2022-05-01"), ("binding_province", .string(pilot.province)),
            ("dublin_claimant", true),
        ]).text
        let v = try decide(pilot, json)
        #expect(v.decision == "exclude")
        #expect(v.codes == ["dublin_claimant"], "listed reasons are those that hold whatever the unknowns are")
        #expect(v.missingFacts.isEmpty)
        #expect(v.referrals.isEmpty)
        #expect(v.actions == pilot.riskActions + ["notify_partners"])
    }

    @Test(arguments: Pilot.allCases)
    func unknownFactsBesideACertainExclusionAreNotListed(pilot: Pilot) throws {
        let v = try intake(
            pilot, ["entry_ban_years": 12, "declared_undesirable": nil, "birth_date": .null, "nationality": nil])
        #expect(v.decision == "exclude")
        #expect(v.codes == ["entry_ban_10y"])
        #expect(v.missingFacts.isEmpty)
    }

    @Test(arguments: Pilot.allCases)
    func anExceptionMakesOnlyTheFactsItCannotLiftMatter(pilot: Pilot) throws {
        let exception = Cases.exception(date: "2022-04-01")
        // The exception lifts entry ban and binding, so an unknown province does not matter…
        let lifted = try intake(
            pilot, ["entry_ban_years": 12, "binding_province": nil, "exceptional_admission": exception])
        #expect(lifted.decision == "admit")
        #expect(lifted.exceptional == true)
        #expect(lifted.missingFacts.isEmpty)
        // … but an unknown birth date (minority is never lifted) does.
        let minor = try intake(pilot, ["entry_ban_years": 12, "birth_date": nil, "exceptional_admission": exception])
        #expect(minor.decision == "undetermined")
        #expect(minor.missingFacts == ["birth_date"])
    }

    // MARK: - Point 4: identity (000 3.3)

    @Test(arguments: Pilot.allCases)
    func noVNumberRefersToThePolice(pilot: Pilot) throws {
        for overrides: Overrides in [["v_number": nil], ["v_number": .null]] {
            let v = try decide(pilot, Cases.intake(pilot, overrides))
            #expect(v.decision == "refer")
            #expect(v.codes == ["no_v_number"])
            #expect(v.referrals == ["police_identification"])
            #expect(v.missingFacts.isEmpty)
            #expect(
                v.actions == pilot.riskActions + ["notify_partners"],
                "Groningen: risk analysis when no V-number is known")
        }
    }

    @Test(arguments: Pilot.allCases)
    func identityDoubtRefersToThePolice(pilot: Pilot) throws {
        let v = try intake(pilot, ["identity_doubt": true])
        #expect(v.decision == "refer")
        #expect(v.codes == ["identity_doubt"])
        #expect(v.referrals == ["police_identification"])
        #expect(v.actions == ["notify_partners"], "no risk analysis for identity doubt with a known V-number")
    }

    @Test(arguments: Pilot.allCases)
    func noVNumberAndIdentityDoubtAreBothListed(pilot: Pilot) throws {
        let v = try intake(pilot, ["v_number": nil, "identity_doubt": true])
        #expect(v.decision == "refer")
        #expect(v.codes == ["identity_doubt", "no_v_number"])
        #expect(v.referrals == ["police_identification"])
        #expect(v.actions == pilot.riskActions + ["notify_partners"])
    }

    @Test(arguments: Pilot.allCases)
    func identityReferralGoesBeforeOtherUnknownFacts(pilot: Pilot) throws {
        let unknowns: Overrides = [
            "birth_date": nil, "nationality": nil, "entry_ban_years": .null, "lawful_residence": nil,
            "reception_entitlement": nil, "declared_undesirable": nil, "dublin_claimant": nil, "binding_province": nil,
            "safe_country_national": nil, "willing_to_cooperate": nil,
        ]
        let noNumber = try decide(pilot, Cases.intake(pilot, unknowns, ["v_number": nil]))
        #expect(noNumber.decision == "refer")
        #expect(noNumber.codes == ["no_v_number"])
        #expect(noNumber.referrals == ["police_identification"])
        #expect(noNumber.missingFacts.isEmpty)

        let doubt = try decide(pilot, Cases.intake(pilot, unknowns, ["identity_doubt": true]))
        #expect(doubt.decision == "refer")
        #expect(doubt.codes == ["identity_doubt"])
        #expect(doubt.missingFacts.isEmpty)
    }

    @Test(arguments: Pilot.allCases)
    func aCertainExclusionGoesBeforeIdentification(pilot: Pilot) throws {
        for exclusion: Overrides in [
            ["entry_ban_years": 10], ["dublin_claimant": true], ["reception_entitlement": "coa"],
            ["reference_date": "2019-03-31"],
        ] {
            for identity: Overrides in [
                ["v_number": nil], ["identity_doubt": true], ["v_number": .null, "identity_doubt": true],
            ] {
                let v = try decide(pilot, Cases.intake(pilot, identity, exclusion))
                #expect(v.decision == "exclude")
                #expect(!v.codes.contains("no_v_number") && !v.codes.contains("identity_doubt"))
                #expect(!v.referrals.contains("police_identification"))
                #expect(v.actions == pilot.riskActions + ["notify_partners"])
            }
        }
    }

    @Test(arguments: Pilot.allCases)
    func anExclusionThatAnUndatedExceptionMayLiftIsNotCertain(pilot: Pilot) throws {
        // The exception's date is unknown, so the entry ban may be lifted: identity goes first.
        let v = try intake(
            pilot,
            [
                "v_number": nil, "entry_ban_years": 12,
                "exceptional_admission": ["decided_by": "lso", "grounds": "humanitarian"],
            ])
        #expect(v.decision == "refer")
        #expect(v.codes == ["no_v_number"])
        #expect(v.referrals == ["police_identification"])
        #expect(v.missingFacts.isEmpty)
        #expect(v.actions == pilot.riskActions + ["notify_partners"])
    }

    @Test(arguments: Pilot.municipalities)
    func aCertainPilotNarrowingAlsoGoesBeforeIdentification(pilot: Pilot) throws {
        let v = try intake(pilot, ["v_number": nil, "binding_province": "Overijssel"])
        #expect(v.decision == "exclude")
        #expect(v.codes == ["no_regional_binding"])
        #expect(v.referrals.isEmpty)
    }

    @Test(arguments: Pilot.allCases)
    func unknownIdentityDoubtWithAVNumberIsUndetermined(pilot: Pilot) throws {
        let v = try intake(pilot, ["identity_doubt": nil])
        #expect(v.decision == "undetermined")
        #expect(v.missingFacts == ["identity_doubt"])
    }

    // MARK: - Point 5: the programme period (1 April 2019 - 31 December 2024)

    @Test(
        arguments: Pilot.allCases,
        [
            ("2019-03-31", false), ("2019-04-01", true), ("2022-05-01", true), ("2024-12-31", true),
            ("2025-01-01", false), ("2018-01-01", false),
        ])
    func intakeOnlyWithinTheProgrammePeriod(pilot: Pilot, date: (String, Bool)) throws {
        let v = try intake(pilot, ["reference_date": .string(date.0)])
        if date.1 {
            #expect(v.decision == "admit")
            #expect(v.reasons.isEmpty)
        } else {
            #expect(v.decision == "exclude")
            #expect(v.codes == ["outside_programme_period"])
            #expect(v.actions == pilot.riskActions + ["notify_partners"])
        }
    }

    // MARK: - Groningen's risk analysis (002)

    static let riskCases: [(String, Overrides, String, Bool)] = [
        ("admit", [:], "admit", false),
        ("exclude (national)", ["declared_undesirable": true], "exclude", true),
        ("exclude (regional binding)", ["binding_province": "Friesland"], "exclude", true),
        ("exclude (new safe-country national)", ["safe_country_national": true], "exclude", true),
        ("refer, no V-number", ["v_number": nil], "refer", true),
        ("refer, identity doubt with a V-number", ["identity_doubt": true], "refer", false),
        ("refer, identity doubt and no V-number", ["identity_doubt": true, "v_number": nil], "refer", true),
        ("undetermined", ["entry_ban_years": nil], "undetermined", false),
        (
            "admit by exception",
            ["entry_ban_years": 11, "exceptional_admission": Cases.exception(date: "2022-01-01")], "admit", false
        ),
    ]

    @Test(arguments: riskCases.indices)
    func groningenRiskAnalysis(index: Int) throws {
        let (what, overrides, decision, risk) = Self.riskCases[index]
        let v = try intake(.groningen, overrides)
        #expect(v.decision == decision, "\(what)")
        #expect(v.actions == (risk ? ["risk_analysis"] : []) + ["notify_partners"], "\(what)")
    }

    @Test(arguments: Pilot.allCases.filter { $0 != .groningen })
    func noRiskAnalysisOutsideGroningen(pilot: Pilot) throws {
        for (_, overrides, _, _) in Self.riskCases {
            let v = try intake(pilot, overrides)
            #expect(!v.actions.contains("risk_analysis"))
        }
    }

    // MARK: - Pilot rules (DOMAIN table)

    static let provinces = [
        "Groningen", "Noord-Holland", "Zuid-Holland", "Utrecht", "Noord-Brabant", "Friesland", "Drenthe",
    ]

    @Test(arguments: Pilot.allCases, provinces)
    func regionalBindingIsThePilotsOwnProvince(pilot: Pilot, province: String) throws {
        let v = try intake(pilot, ["binding_province": .string(province), "binding_municipality": "Ergens"])
        if !pilot.hasRegionalBinding || province == pilot.province {
            #expect(v.decision == "admit")
            #expect(v.reasons.isEmpty)
        } else {
            #expect(v.decision == "exclude")
            #expect(v.codes == ["no_regional_binding"])
            // (rev 2) Bound to another pilot's region: referred to that LVV.
            let otherPilot = Pilot.municipalities.contains { $0.province == province }
            #expect(v.referrals == (otherPilot ? ["other_lvv"] : []))
            #expect(v.actions == pilot.riskActions + ["notify_partners"])
        }
    }

    @Test(arguments: Pilot.municipalities)
    func bindingMunicipalityElsewhereInTheProvinceCounts(pilot: Pilot) throws {
        let v = try intake(pilot, ["binding_municipality": "Elders in de provincie"])
        #expect(v.decision == "admit")
    }

    @Test(arguments: Pilot.allCases, [false, true])
    func safeCountryNationals(pilot: Pilot, previouslyInBBB: Bool) throws {
        let v = try intake(pilot, ["safe_country_national": true, "previously_in_bbb": .bool(previouslyInBBB)])
        switch pilot {
        case .groningen where !previouslyInBBB:
            // New safe-country nationals go to the VBL (004).
            #expect(v.decision == "exclude")
            #expect(v.codes == ["safe_country"])
            #expect(v.referrals == ["vbl"])
            #expect(v.actions == ["risk_analysis", "notify_partners"])
        case .amsterdam, .utrecht:
            #expect(v.decision == "exclude")
            #expect(v.codes == ["safe_country"])
            #expect(v.referrals.isEmpty)
        case .groningen, .rotterdam, .eindhoven, .national:
            #expect(v.decision == "admit")
            #expect(v.reasons.isEmpty)
        }
    }

    @Test func groningenSafeCountryRuleNeedsTheBBBHistory() throws {
        let unknownBBB = try intake(.groningen, ["safe_country_national": true, "previously_in_bbb": nil])
        #expect(unknownBBB.decision == "undetermined")
        #expect(unknownBBB.missingFacts == ["previously_in_bbb"])
        // Unknown safe-country nationality does not matter for someone who was in a BBB.
        let unknownSafe = try intake(.groningen, ["safe_country_national": nil, "previously_in_bbb": true])
        #expect(unknownSafe.decision == "admit")
        // An unknown BBB history does not matter for a non-safe-country national.
        let notSafe = try intake(.groningen, ["previously_in_bbb": nil])
        #expect(notSafe.decision == "admit")
    }

    @Test(arguments: [Pilot.amsterdam, .utrecht])
    func bbbHistoryDoesNotMatterWhereAllSafeCountryNationalsAreExcluded(pilot: Pilot) throws {
        let v = try intake(pilot, ["safe_country_national": true, "previously_in_bbb": nil])
        #expect(v.decision == "exclude")
        #expect(v.codes == ["safe_country"])
        #expect(v.missingFacts.isEmpty)
    }

    @Test(arguments: Pilot.allCases)
    func willingnessToCooperateAtIntake(pilot: Pilot) throws {
        let v = try intake(pilot, ["willing_to_cooperate": false])
        if pilot.requiresWillingnessAtIntake {
            #expect(v.decision == "exclude")
            #expect(v.codes == ["not_willing_to_cooperate"])
            #expect(v.referrals.isEmpty)
        } else {
            #expect(v.decision == "admit")
            #expect(v.reasons.isEmpty)
        }
    }

    // MARK: - Utrecht's families (deviation, 004)

    @Test(
        arguments: Pilot.allCases,
        [("2020-06-01", true), ("2020-11-16", true), ("2020-11-17", false), ("2022-05-01", false)])
    func familiesEntitledToAFamilyLocation(pilot: Pilot, date: (String, Bool)) throws {
        // (rev 2) Utrecht's deviation covers the families from its former BBB only.
        let v = try intake(
            pilot,
            [
                "reception_entitlement": "family_location", "reference_date": .string(date.0),
                "previously_in_bbb": true,
            ])
        if pilot == .utrecht && date.1 {
            #expect(v.decision == "admit")
            #expect(v.reasons.isEmpty)
            #expect(v.referrals.isEmpty)
        } else {
            #expect(v.decision == "exclude")
            #expect(v.codes == ["reception_entitlement"])
            #expect(v.referrals == ["family_location"])
        }
    }

    @Test(arguments: ["coa", "vbl"])
    func utrechtAdmitsOnlyFamiliesNotOtherEntitlements(entitlement: String) throws {
        let v = try intake(.utrecht, ["reception_entitlement": .string(entitlement), "reference_date": "2020-06-01"])
        #expect(v.decision == "exclude")
        #expect(v.codes == ["reception_entitlement"])
        #expect(v.referrals == [entitlement])
    }

    @Test func utrechtFamiliesAreStillSubjectToTheOtherRules() throws {
        let unbound = try intake(
            .utrecht,
            [
                "reception_entitlement": "family_location", "previously_in_bbb": true,
                "reference_date": "2020-11-16", "binding_province": "Gelderland",
            ])
        #expect(unbound.decision == "exclude")
        #expect(unbound.codes == ["no_regional_binding"])
        let dublin = try intake(
            .utrecht,
            [
                "reception_entitlement": "family_location", "previously_in_bbb": true,
                "reference_date": "2020-11-16", "dublin_claimant": true,
            ])
        #expect(dublin.decision == "exclude")
        #expect(dublin.codes == ["dublin_claimant"])
        #expect(dublin.referrals.isEmpty)
    }
}
