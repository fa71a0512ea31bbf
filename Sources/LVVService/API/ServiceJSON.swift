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
        w.appendMember("pilots")
        w.appendRaw("[")
        for (i, program) in snapshot.pilots.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendRaw("{")
            w.appendMember("name", program.name)
            w.appendMember("title")
            if let title = program.title { w.appendString(title) } else { w.appendRaw("null") }
            w.appendMember("sha256", program.sha256)
            w.appendMember("files")
            w.appendValue(.array(program.files.map { .string(fileName($0.path)) }))
            w.appendRaw("}")
        }
        w.appendRaw("]")
        w.appendMember("sha256", snapshot.sha256)
        w.appendRaw("}\n")
        return w.bytes
    }

    /// The facts a case may give, in declared order, with type, limits, and in `language` the
    /// title, the question (the rule file's `ask`, `RuleTexts.question`) and who checks each one.
    static func facts(_ program: Program, _ language: TextLanguage) -> [UInt8] {
        var w = JSONWriter(reservingCapacity: 4096)
        w.appendRaw("{")
        w.appendMember("pilot", program.name)
        w.appendMember("language", language.rawValue)
        w.appendMember("ruleset")
        w.appendRaw("{")
        w.appendMember("name", program.name)
        w.appendMember("sha256", program.sha256)
        w.appendRaw("}")
        w.appendMember("facts")
        w.appendRaw("[")
        var first = true
        for fact in askable(program) {
            if !first { w.appendRaw(",") }
            first = false
            w.appendRaw("{")
            w.appendMember("name", fact.name)
            w.appendMember("type", typeName(fact.type))
            if case .enumeration(let values) = fact.type {
                w.appendMember("values")
                w.appendValue(.array(values.map { .string($0) }))
            }
            w.appendMember("required", fact.isRequired)
            w.appendMember("optional", fact.isOptional)
            if fact.isWhole {
                w.appendMember("whole")
                w.appendRaw("true")
            }
            if let least = fact.atLeast {
                w.appendMember("minimum")
                w.appendRaw(least.description)
            }
            if let most = fact.atMost {
                w.appendMember("maximum")
                w.appendRaw(most.description)
            }
            w.appendMember("title")
            if let title = program.texts.text(.fact(fact.name), in: language) ?? fact.title {
                w.appendString(title)
            } else {
                w.appendRaw("null")
            }
            w.appendMember("question", question(fact, program, language))
            w.appendMember("checked_by")
            if let party = checkedBy(fact.name, program, language) {
                w.appendString(party)
            } else {
                w.appendRaw("null")
            }
            w.appendRaw("}")
        }
        w.appendRaw("]}\n")
        return w.bytes
    }

    /// The text that asks for a fact, in `language`: the rule file's `ask` text, else its title,
    /// else its name, exactly as `rule-check interview` asks it.
    static func question(_ fact: FactInfo, _ program: Program, _ language: TextLanguage) -> String {
        Interview.questionText(for: fact, program: program, language: language)
    }

    /// Who checks a fact (the rule file's `responsible` lines), named in `language`.
    static func checkedBy(_ fact: String, _ program: Program, _ language: TextLanguage) -> String? {
        VerdictText.responsible(for: fact, program: program).map { program.texts.text(.party($0), in: language) ?? $0 }
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
