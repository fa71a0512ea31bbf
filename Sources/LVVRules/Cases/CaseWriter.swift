import RuleDSL

/// Writes facts back as a case in the CONTRACT.md format (the inverse of `CaseReader`): unknown
/// and none facts are left out, dotted facts become one object. Used for counterexamples.
public enum CaseWriter {
    /// The case as one JSON object, for a counterexample or narrowing to run with `eval`.
    public static func json(caseID: String, facts: [Value?], program: Program) -> String {
        var w = JSONWriter(reservingCapacity: 512)
        w.appendRaw("{")
        w.appendKey(CaseReader.caseIDKey)
        w.appendString(caseID)
        var groupsWritten = Set<String>()
        for (slot, fact) in program.facts.enumerated() where !fact.isGroupPresence {
            if let group = fact.group {
                guard !groupsWritten.contains(group) else { continue }
                groupsWritten.insert(group)
                let members = program.facts.indices.filter { program.facts[$0].group == group }
                // Absent group: leave it out. Present: write the members that are known.
                let present =
                    program.factSlots[group].map { facts[$0] == .bool(true) }
                    ?? members.contains { facts[$0] != Value.none }
                guard present else { continue }
                w.appendRaw(",")
                w.appendKey(group)
                w.appendRaw("{")
                var first = true
                for member in members {
                    guard let value = facts[member], value != .none else { continue }
                    if !first { w.appendRaw(",") }
                    first = false
                    w.appendKey(String(program.facts[member].name.dropFirst(group.count + 1)))
                    VerdictJSON.appendValue(value, &w)
                }
                w.appendRaw("}")
                continue
            }
            guard let value = facts[slot], value != .none else { continue }
            w.appendRaw(",")
            w.appendKey(fact.name)
            VerdictJSON.appendValue(value, &w)
        }
        w.appendRaw("}")
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
