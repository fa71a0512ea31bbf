import RuleMachine
import RuleSemantics
import RuleSyntax
import RuleValues

/// Makes a counterexample read like a case that policy staff can show a colleague.
///
/// The search finds a case at the edges of the regions it explores (1 January 1900, a text no
/// rule names such as `ZZ`); any value of the same region shows the same thing. So each fact
/// takes the value the rule files' own `example`s give it, when the counterexample still shows
/// what it shows (checked concretely); a date or number that must stay in its region takes the
/// value of that region nearest to the example's. Which values are ordinary is thus stated in the
/// rule files (the national `adult` and `resident`, a pilot's own examples), never in Swift.
/// Every fact the case format requires (the reference date) is given, so the result is a valid case.
/// The one maker of example cases: `comply`'s counterexamples and `diff`'s examples both use it.
enum Counterexample {
    /// `shows`: whether a case still shows what the counterexample shows.
    static func plausible(_ found: [Value?], program: Program, shows: ([Value?]) -> Bool) -> [Value?] {
        let atoms = AtomIndex(program: program)
        var order = Array(program.facts.indices)
        if let reference = program.referenceFact {
            order.removeAll { $0 == reference }
            order.insert(reference, at: 0)
        }
        var best = found
        var bestScore = -1
        var chosen: [Value?]?
        // The authors' examples first (a pilot's own, then the base's), then the cases of the
        // pilot's tests (they show values an example cannot, such as another province).
        var sources = program.examples.map(\.facts)
        for test in program.tests where !sources.contains(where: { $0 == test.facts }) { sources.append(test.facts) }
        for example in sources {
            var current = found
            // First move every date together so the reference date becomes the example's: the
            // days between them (an age, a stay) are kept, which a fact moved alone cannot do.
            if let reference = program.referenceFact, case .date(let from)? = current[reference],
                case .date(let to)? = example[reference], from != to
            {
                let shift = Int(to.dayNumber) - Int(from.dayNumber)
                var trial = current
                for (slot, value) in current.enumerated() {
                    if case .date(let d)? = value { trial[slot] = .date(d.addingDays(shift)) }
                }
                if shows(trial) {
                    current = trial
                } else {
                    // Moved by whole months instead: a stay counted in calendar months (three
                    // months of reception) is kept where a count of days is not.
                    let months = (to.year - from.year) * 12 + (to.month - from.month)
                    trial = current
                    for (slot, value) in current.enumerated() {
                        if case .date(let d)? = value { trial[slot] = .date(d.addingMonths(months)) }
                    }
                    if shows(trial) { current = trial }
                }
            }
            for _ in 0..<2 {
                for slot in order {
                    let fact = program.facts[slot]
                    if fact.isGroupPresence { continue }
                    let known = current[slot] != nil && current[slot] != Value.none
                    // Facts the counterexample leaves out stay out (they do not matter); a required
                    // fact is always given.
                    guard known || (fact.isRequired && current[slot] == nil) else { continue }
                    var target = example[slot]
                    if target == nil || target == Value.none {
                        // A date no example gives: near the reference date.
                        guard fact.type == .date, let reference = program.referenceFact,
                            case .date? = current[reference]
                        else { continue }
                        target = current[reference]
                    }
                    guard let wanted = target, current[slot] != wanted else { continue }
                    var trial = current
                    trial[slot] = wanted
                    if shows(trial) {
                        current = trial
                        continue
                    }
                    guard let value = current[slot], value != .none else { continue }
                    let slots = current.map { AbstractEvaluator.Slot.assigned($0) }
                    guard let (low, high) = atoms.region(of: slot, value: value, slots: slots) else { continue }
                    var nearest = wanted
                    if Run.compareValues(.less, nearest, low) { nearest = low }
                    if Run.compareValues(.greater, nearest, high) { nearest = high }
                    guard nearest != value else { continue }
                    trial[slot] = nearest
                    if shows(trial) { current = trial }
                }
            }
            let score = order.filter { current[$0] != nil && current[$0] != Value.none && current[$0] == example[$0] }
                .count
            if score > bestScore {
                best = current
                bestScore = score
                chosen = example
            }
        }
        // Facts the counterexample leaves unknown or absent (they do not matter to it) take the
        // chosen example's values too, where it still shows the same: a case with its usual facts
        // given (a V-number, a binding municipality with the province) reads as a case. Optional
        // groups (an exception) are left as the search found them.
        if let example = chosen {
            // A text the case keeps from the search (no example's value would do) says the example
            // does not describe this person: its other texts (a municipality) are then left out.
            let textsAgree = order.allSatisfy { slot in
                guard case .text? = best[slot], program.facts[slot].type == .text else { return true }
                return best[slot] == example[slot]
            }
            for slot in order
            where (textsAgree || program.facts[slot].type != .text) && (best[slot] == nil || best[slot] == Value.none)
                && program.facts[slot].group == nil
                && !program.facts[slot].isGroupPresence
            {
                guard let value = example[slot], value != .none else { continue }
                var trial = best
                trial[slot] = value
                if shows(trial) { best = trial }
            }
        }
        // Without an example that gives them, required facts take the first value that works.
        let helper = Search(program: program, invariant: .constant(.bool(true)), maximumNodes: 0)
        for (slot, fact) in program.facts.enumerated() where fact.isRequired && best[slot] == nil {
            let slots = best.enumerated().map { index, value in
                index == slot ? AbstractEvaluator.Slot.unassigned : .assigned(value)
            }
            for candidate in helper.candidates(for: slot, in: slots) {
                guard let value = candidate else { continue }
                var trial = best
                trial[slot] = value
                if shows(trial) {
                    best = trial
                    break
                }
            }
        }
        return best
    }
}
