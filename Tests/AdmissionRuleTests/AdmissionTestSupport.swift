import Foundation
import LVVRules
import RuleDSL
import Testing

/// Shared fixtures for the domain tests: the repository root, the shipped pilots (loaded once),
/// complete base cases per pilot written as JSON, and small helpers to decide and inspect them.

/// The repository root: this file is at `Tests/AdmissionRuleTests/<file>.swift`.
let repositoryRoot: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// The pilots of CONTRACT.md section 3, with the province of their regional binding (DOMAIN.md).
enum Pilot: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case national, groningen, amsterdam, rotterdam, utrecht, eindhoven

    /// The five pilot municipalities (national is the framework, not a municipality).
    static let municipalities: [Pilot] = [.groningen, .amsterdam, .rotterdam, .utrecht, .eindhoven]

    /// `binding_province` of the base case: the pilot's own province (national has no binding rule).
    var province: String {
        switch self {
        case .national, .groningen: return "Groningen"
        case .amsterdam: return "Noord-Holland"
        case .rotterdam: return "Zuid-Holland"
        case .utrecht: return "Utrecht"
        case .eindhoven: return "Noord-Brabant"
        }
    }

    var municipality: String {
        switch self {
        case .national, .groningen: return "Groningen"
        case .amsterdam: return "Amsterdam"
        case .rotterdam: return "Rotterdam"
        case .utrecht: return "Utrecht"
        case .eindhoven: return "Eindhoven"
        }
    }

    /// Whether the pilot has a regional-binding rule (all five municipalities; DOMAIN table).
    var hasRegionalBinding: Bool { self != .national }
    /// Whether safe-country nationals are excluded whatever their BBB history (Amsterdam, Utrecht).
    var excludesAllSafeCountryNationals: Bool { self == .amsterdam || self == .utrecht }
    /// Whether willingness to cooperate is part of the target group at intake (Rotterdam, Utrecht).
    var requiresWillingnessAtIntake: Bool { self == .rotterdam || self == .utrecht }

    /// The actions expected on an intake that does not meet the criteria (exclude, or refer for
    /// lack of a V-number): Groningen's risk analysis (002), nothing elsewhere.
    var riskActions: [String] { self == .groningen ? ["risk_analysis"] : [] }

    var testDescription: String { rawValue }
}

/// A JSON value for building cases. Written out by hand so a test controls exactly what the
/// reader sees (key order, `-0`, `1e1`, …).
indirect enum CaseJSON: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByFloatLiteral, ExpressibleByDictionaryLiteral
{
    case string(String)
    /// A number as its JSON text.
    case number(String)
    case bool(Bool)
    case null
    case object([(String, CaseJSON)])
    case array([CaseJSON])
    /// Raw JSON text, written as is.
    case raw(String)

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .number(String(value)) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(floatLiteral value: Double) { self = .number(String(value)) }
    init(dictionaryLiteral elements: (String, CaseJSON)...) { self = .object(elements) }

    var text: String {
        switch self {
        case .string(let s): return CaseJSON.quote(s)
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .object(let members):
            return "{" + members.map { CaseJSON.quote($0.0) + ": " + $0.1.text }.joined(separator: ", ") + "}"
        case .array(let items): return "[" + items.map(\.text).joined(separator: ", ") + "]"
        case .raw(let r): return r
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

/// Overrides on a base case: a value replaces or adds the key, `nil` leaves the key out.
typealias Overrides = KeyValuePairs<String, CaseJSON?>

/// Case builders: a complete adult base case per pilot (everything known, admitted), and a
/// complete resident (review) case on top of it (everything known, continues).
enum Cases {
    /// The adult of national.rules' `adult` example, bound to the pilot's own province.
    static func adultMembers(_ pilot: Pilot, id: String = "TEST-0001") -> [(String, CaseJSON)] {
        [
            ("case_id", .string(id)),
            ("reference_date", "2022-05-01"),
            ("v_number", "1234567890"),
            ("identity_doubt", false),
            ("birth_date", "1990-06-15"),
            ("nationality", "SY"),
            ("lawful_residence", false),
            ("reception_entitlement", "none"),
            ("entry_ban_years", 0),
            ("declared_undesirable", false),
            ("dublin_claimant", false),
            ("binding_municipality", .string(pilot.municipality)),
            ("binding_province", .string(pilot.province)),
            ("safe_country_national", false),
            ("previously_in_bbb", false),
            ("willing_to_cooperate", true),
        ]
    }

    /// The review facts of national.rules' `resident` example.
    static let residentMembers: [(String, CaseJSON)] = [
        ("admission_date", "2022-01-10"),
        ("phase", "reception"),
        ("last_review_date", "2022-04-01"),
        ("scenario", "return"),
        ("progress", true),
        ("cooperating", true),
        ("lso_consensus", true),
        ("pending_procedure", false),
        ("new_asylum_grounds", false),
        ("no_fault_obstacle", false),
        ("onward_option", false),
    ]

    /// An intake case as JSON text; later overrides win.
    static func intake(_ pilot: Pilot, _ layers: Overrides...) -> String {
        merge(adultMembers(pilot), layers.flatMap { $0.map { ($0.key, $0.value) } })
    }

    /// A review case (admission_date known) as JSON text; later overrides win.
    static func review(_ pilot: Pilot, _ layers: Overrides...) -> String {
        merge(adultMembers(pilot) + residentMembers, layers.flatMap { $0.map { ($0.key, $0.value) } })
    }

    static func merge(_ base: [(String, CaseJSON)], _ overrides: [(String, CaseJSON?)]) -> String {
        var members = base
        for (key, value) in overrides {
            if let index = members.firstIndex(where: { $0.0 == key }) {
                if let value { members[index].1 = value } else { members.remove(at: index) }
            } else if let value {
                members.append((key, value))
            }
        }
        return CaseJSON.object(members).text
    }

    /// An exceptional admission (individual exception) as the contract writes it.
    static func exception(date: String, decidedBy: String = "mayor", grounds: String = "humanitarian") -> CaseJSON {
        ["decided_by": .string(decidedBy), "grounds": .string(grounds), "date": .string(date)]
    }
}

/// The shipped pilots, loaded once from `rules/`.
enum Pilots {
    private static let loaded: [String: Result<Program, any Error>] = {
        var programs: [String: Result<Program, any Error>] = [:]
        let library = RuleLibrary(directory: repositoryRoot + "/rules")
        for pilot in Pilot.allCases {
            do { programs[pilot.rawValue] = .success(try library.load(pilot: pilot.rawValue)) } catch {
                programs[pilot.rawValue] = .failure(error)
            }
        }
        return programs
    }()

    static func program(_ pilot: Pilot) throws -> Program {
        try loaded[pilot.rawValue]!.get()
    }
}

/// Reads a case for a pilot; a read error fails the test with the reader's message.
func readCase(_ pilot: Pilot, _ json: String) throws -> CaseInput {
    let program = try Pilots.program(pilot)
    switch CaseReader(program: program).read(json) {
    case .success(let input): return input
    case .failure(let error):
        Issue.record("case did not read: \(error.message)\n\(json)")
        throw error
    }
}

/// Decides a case for a pilot.
func decide(_ pilot: Pilot, _ json: String) throws -> Verdict {
    let program = try Pilots.program(pilot)
    return VerdictBuilder(program: program).verdict(for: try readCase(pilot, json))
}

/// Decides an intake case built from the pilot's adult base case.
func intake(_ pilot: Pilot, _ layers: Overrides...) throws -> Verdict {
    try decide(pilot, Cases.merge(Cases.adultMembers(pilot), layers.flatMap { $0.map { ($0.key, $0.value) } }))
}

/// Decides a review case built from the pilot's resident base case.
func review(_ pilot: Pilot, _ layers: Overrides...) throws -> Verdict {
    try decide(
        pilot,
        Cases.merge(Cases.adultMembers(pilot) + Cases.residentMembers, layers.flatMap { $0.map { ($0.key, $0.value) } })
    )
}

extension Verdict {
    /// Reason codes, sorted: reasons are compared as a multiset (the contract fixes no order).
    var codes: [String] { reasons.map(\.code).sorted() }
    /// Codes of the reasons an exception overrode.
    var overriddenCodes: [String] { reasons.filter(\.isOverridden).map(\.code).sorted() }
    var sortedMissing: [String] { missingFacts.sorted() }
    var adviceScenario: String? { scenarioAdvice?.scenario }
    var adviceCodes: [String] { (scenarioAdvice?.reasons ?? []).map(\.code).sorted() }
    var adviceMissing: [String] { (scenarioAdvice?.missingFacts ?? []).sorted() }
}

extension Array where Element == String {
    /// The same strings, sorted, to compare as a multiset.
    var bag: [String] { sorted() }
}

/// Real-looking cases, one JSON line each, for the larger differential tests: made by the case
/// generator (intake and review taking turns, a fixed seed), so they are the same on every machine
/// and those tests always run.
func generatedCaseLines(_ count: Int, seed: UInt64 = 20_190_401) -> [String] {
    var generator = CaseGenerator(seed: seed)
    return generator.cases(count, question: .mixed)
}
