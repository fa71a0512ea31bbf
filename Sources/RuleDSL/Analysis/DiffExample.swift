/// Makes a diff's example read like a real case: the search finds cases at region edges
/// (1 January 1900, a text no rule names), and any value of the same cell shows the same change.
/// Each fact takes the value the rule files' own tests give it while the example still shows
/// what it shows (checked concretely), so which values are ordinary is stated in the rule files,
/// never in Swift. Same idea as the prover's readable counterexamples; see docs/compliance.md.
enum DiffExample {
    static func plausible(_ found: [Value?], program: Program, shows: ([Value?]) -> Bool) -> [Value?] {
        var order = Array(program.facts.indices)
        if let reference = program.referenceFact {
            order.removeAll { $0 == reference }
            order.insert(reference, at: 0)
        }
        var best = found
        var bestScore = -1
        for test in program.tests.prefix(6) {
            let source = test.facts
            var current = found
            // Move every date together first, so the days between them (an age, a stay) are kept.
            if let reference = program.referenceFact, case .date(let to)? = source[reference] {
                let from: CivilDate? = { if case .date(let d)? = current[reference] { return d } else { return nil } }()
                var trial = current
                if let from {
                    let shift = Int(to.dayNumber) - Int(from.dayNumber)
                    for (slot, value) in current.enumerated() {
                        if case .date(let d)? = value { trial[slot] = .date(d.addingDays(shift)) }
                    }
                } else {
                    trial[reference] = .date(to)
                }
                if shows(trial) {
                    current = trial
                } else if let from {
                    // Moved by whole months instead: calendar months (a three-month stay) are kept.
                    let months = (to.year - from.year) * 12 + (to.month - from.month)
                    trial = current
                    for (slot, value) in current.enumerated() {
                        if case .date(let d)? = value { trial[slot] = .date(d.addingMonths(months)) }
                    }
                    if shows(trial) { current = trial }
                }
            }
            for slot in order {
                let fact = program.facts[slot]
                if fact.isGroupPresence { continue }
                let known = current[slot] != nil && current[slot] != Value.none
                guard known || (fact.isRequired && current[slot] == nil) else { continue }
                var target = source[slot]
                if target == nil || target == Value.none {
                    // A date no test gives: try the reference date.
                    guard fact.type == .date, let reference = program.referenceFact, case .date? = current[reference] else { continue }
                    target = current[reference]
                }
                guard let wanted = target, current[slot] != wanted else { continue }
                var trial = current
                trial[slot] = wanted
                if shows(trial) { current = trial }
            }
            // A reference date of the tests' own (an ordinary day in the programme) counts most.
            var score = current.indices.filter { current[$0] != nil && current[$0] == source[$0] }.count
            if let reference = program.referenceFact, current[reference] != nil, current[reference] == source[reference] { score += 1000 }
            if score > bestScore {
                best = current
                bestScore = score
            }
        }
        return best
    }
}
