import LVVPresentation
import LVVRules
import RuleDSL

/// The JSON of the service's own documents: the pilots served and a pilot's facts. Verdicts are
/// not written here: they come from `VerdictJSON`, exactly as `rule-check eval` writes them.
enum ServiceJSON {
    /// `{"pilots":[{"name","title","sha256","files"}]}`.
    static func pilots(_ snapshot: ServedRules.Snapshot) -> [UInt8] {
        var w = JSONWriter(reservingCapacity: 512)
        w.appendRaw("{")
        w.appendKey("pilots")
        w.appendRaw("[")
        for (i, program) in snapshot.pilots.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendRaw("{")
            w.appendKey("name")
            w.appendString(program.name)
            w.appendRaw(",")
            w.appendKey("title")
            if let title = program.title { w.appendString(title) } else { w.appendRaw("null") }
            w.appendRaw(",")
            w.appendKey("sha256")
            w.appendString(program.sha256)
            w.appendRaw(",")
            w.appendKey("files")
            w.appendValue(.array(program.files.map { .string(fileName($0.path)) }))
            w.appendRaw("}")
        }
        w.appendRaw("],")
        w.appendKey("sha256")
        w.appendString(snapshot.sha256)
        w.appendRaw("}\n")
        return w.bytes
    }

    /// The facts a case may give, in declared order, with type, limits, the question text in
    /// `language` and who checks each one.
    static func facts(_ program: Program, _ language: ServiceLanguage) -> [UInt8] {
        var w = JSONWriter(reservingCapacity: 4096)
        w.appendRaw("{")
        w.appendKey("pilot")
        w.appendString(program.name)
        w.appendRaw(",")
        w.appendKey("language")
        w.appendString(language.rawValue)
        w.appendRaw(",")
        w.appendKey("ruleset")
        w.appendRaw("{")
        w.appendKey("name")
        w.appendString(program.name)
        w.appendRaw(",")
        w.appendKey("sha256")
        w.appendString(program.sha256)
        w.appendRaw("},")
        w.appendKey("facts")
        w.appendRaw("[")
        var first = true
        for fact in askable(program) {
            if !first { w.appendRaw(",") }
            first = false
            w.appendRaw("{")
            w.appendKey("name")
            w.appendString(fact.name)
            w.appendRaw(",")
            w.appendKey("type")
            w.appendString(typeName(fact.type))
            if case .enumeration(let values) = fact.type {
                w.appendRaw(",")
                w.appendKey("values")
                w.appendValue(.array(values.map { .string($0) }))
            }
            w.appendRaw(",")
            w.appendKey("required")
            w.appendRaw(fact.isRequired ? "true" : "false")
            w.appendRaw(",")
            w.appendKey("optional")
            w.appendRaw(fact.isOptional ? "true" : "false")
            if fact.isWhole {
                w.appendRaw(",")
                w.appendKey("whole")
                w.appendRaw("true")
            }
            if let least = fact.atLeast {
                w.appendRaw(",")
                w.appendKey("minimum")
                w.appendRaw(least.description)
            }
            if let most = fact.atMost {
                w.appendRaw(",")
                w.appendKey("maximum")
                w.appendRaw(most.description)
            }
            w.appendRaw(",")
            w.appendKey("title")
            if let title = fact.title { w.appendString(title) } else { w.appendRaw("null") }
            w.appendRaw(",")
            w.appendKey("question")
            w.appendString(ServiceText.question(fact, language))
            w.appendRaw(",")
            w.appendKey("checked_by")
            if let party = VerdictText.responsible(for: fact.name, program: program) { w.appendString(party) } else { w.appendRaw("null") }
            w.appendRaw("}")
        }
        w.appendRaw("]}\n")
        return w.bytes
    }

    /// The facts a person can give: not the presence flags the checker adds for a group.
    static func askable(_ program: Program) -> [FactInfo] {
        program.facts.filter { !$0.isGroupPresence }
    }

    static func typeName(_ type: ValueType) -> String {
        switch type {
        case .bool: return "bool"
        case .number: return "number"
        case .text: return "text"
        case .date: return "date"
        case .enumeration: return "enum"
        case .set: return "set"
        case .none, .unresolved: return "text"
        }
    }

    private static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
