import RuleMachine
import RuleSemantics
import RuleSyntax
import RuleValues

/// Cells and regions of a rule diff: a cell is one value per dimension (a changed fact's value
/// class, the truth of a changed rule's comparison over dates or numbers, a side of a changed
/// rule's validity bound); regions are cells merged while they differ in one dimension only, so
/// a region is exactly the union of the cells it came from.
enum DiffRegions {
    enum Dimension {
        /// A changed fact of a small domain (yes/no, enumeration, text): its value class.
        case fact(Int, String)
        /// A comparison of a changed rule; whether it is the new version's (else the old's).
        case atom(String, CompiledExpression, Bool)
        /// `reference_date from DATE`: a changed rule's validity starts (or ends the day before).
        case validity(String, from: CivilDate)
    }

    /// The comparisons in a condition, through derived values.
    static func atoms(in e: CompiledExpression, into result: inout [CompiledExpression]) {
        switch e {
        case .compare, .member, .presence:
            result.append(e)
        case .call(let builtin, _):
            if builtin == .isBlank { result.append(e) }
        case .not(let a), .negate(let a): atoms(in: a, into: &result)
        case .and(let a, let b), .or(let a, let b), .arithmetic(_, let a, let b):
            atoms(in: a, into: &result)
            atoms(in: b, into: &result)
        case .conditional(let a, let b, let c):
            atoms(in: a, into: &result)
            atoms(in: b, into: &result)
            atoms(in: c, into: &result)
        case .constant, .fact, .derived, .decision, .onlyBecause: break
        }
    }

    /// A compiled expression in the rule language's own notation.
    static func print(_ e: CompiledExpression, program: Program) -> String {
        func p(_ e: CompiledExpression) -> String { print(e, program: program) }
        switch e {
        case .constant(let v): return literal(v)
        case .fact(let s): return program.facts[s].name
        case .derived(let i): return program.derived[i].name
        case .decision(let i): return program.decisions[i].name
        case .not(let a): return "not " + p(a)
        case .and(let a, let b): return "(" + p(a) + " and " + p(b) + ")"
        case .or(let a, let b): return "(" + p(a) + " or " + p(b) + ")"
        case .compare(let op, let a, let b): return p(a) + " " + op.rawValue + " " + p(b)
        case .member(let a, let set, let negated):
            return p(a) + (negated ? " not in {" : " in {") + set.map(literal).sorted().joined(separator: ", ") + "}"
        case .presence(let a, let present): return p(a) + (present ? " is present" : " is absent")
        case .conditional(let c, let a, let b): return "if " + p(c) + " then " + p(a) + " else " + p(b)
        case .call(let builtin, let args): return builtin.rawValue + "(" + args.map(p).joined(separator: ", ") + ")"
        case .arithmetic(let op, let a, let b): return p(a) + " " + op.rawValue + " " + p(b)
        case .negate(let a): return "-" + p(a)
        case .onlyBecause(let d, let codes):
            return "only_because(" + program.decisions[d].name + ", {" + codes.sorted().joined(separator: ", ") + "})"
        }
    }

    static func literal(_ v: Value) -> String {
        switch v {
        case .text(let t): return "\"" + t + "\""
        case .bool, .number, .date, .none: return v.description
        }
    }

    /// The cell a complete case lies in.
    static func cell(of facts: [Value?], dimensions: [Dimension], search: DiffSearch) -> [String] {
        var oldFacts: [Value?]?
        return dimensions.map { dimension in
            switch dimension {
            case .fact(let slot, _):
                guard let value = facts[slot] else { return "unknown" }
                if case .text(let t) = value, case .text = search.new.facts[slot].type {
                    return search.textClasses(slot).first { $0.contains(t) }.map {
                        $0.map { "\"\($0)\"" }.joined(separator: ", ")
                    } ?? "other"
                }
                return literal(value)
            case .atom(_, let atom, let isNew):
                let value: Value?
                if isNew {
                    value = search.newHelper.evaluator.value(of: atom, facts: facts)
                } else {
                    if oldFacts == nil { oldFacts = search.oldFacts(facts) }
                    value = search.oldHelper.evaluator.value(of: atom, facts: oldFacts!)
                }
                switch value {
                case .bool(true)?: return "true"
                case .bool(false)?: return "false"
                default: return "unknown"
                }
            case .validity(_, let from):
                guard let reference = search.new.referenceFact, case .date(let d)? = facts[reference] else {
                    return "unknown"
                }
                return d >= from ? "true" : "false"
            }
        }
    }

    /// Cells merged into regions: two merge while they differ in one dimension only.
    static func merge(
        _ cells: [(cell: [String], transitions: [(old: String, new: String, example: [Value?])])],
        decision: String, dimensions: [Dimension], texts: [Int: [String]]
    ) -> [DecisionDiff.Region] {
        var boxes: [(sets: [Set<String>], transitions: [(old: String, new: String, example: [Value?])])] =
            cells.map { ($0.cell.map { [$0] }, $0.transitions) }
        var merged = true
        while merged {
            merged = false
            outer: for i in boxes.indices {
                for j in boxes.indices where j > i {
                    let differing = boxes[i].sets.indices.filter { boxes[i].sets[$0] != boxes[j].sets[$0] }
                    guard differing.count <= 1 else { continue }
                    for d in differing { boxes[i].sets[d].formUnion(boxes[j].sets[d]) }
                    for t in boxes[j].transitions
                    where !boxes[i].transitions.contains(where: { $0.old == t.old && $0.new == t.new }) {
                        boxes[i].transitions.append(t)
                    }
                    boxes.remove(at: j)
                    merged = true
                    break outer
                }
            }
        }
        return boxes.map { box in
            var conditions: [(fact: String, condition: String)] = []
            for (d, dimension) in dimensions.enumerated() {
                let set = box.sets[d]
                let unknown = set.contains("unknown") ? " (or unknown)" : ""
                let known = set.subtracting(["unknown"])
                switch dimension {
                case .fact(let slot, let name):
                    if known.isEmpty {
                        conditions.append((name, "is unknown"))
                    } else if known.count == 1, let only = known.first, only != "other", !only.contains(",") {
                        conditions.append((name, "= " + only + unknown))
                    } else if known.contains("other") {
                        let named = known.filter { $0 != "other" }.joined(separator: ", ")
                        let excluded = (texts[slot] ?? []).filter { t in !named.contains("\"\(t)\"") }.map {
                            "\"\($0)\""
                        }
                        conditions.append(
                            (
                                name,
                                (excluded.isEmpty
                                    ? "is any value" : "not in {" + excluded.joined(separator: ", ") + "}") + unknown
                            ))
                    } else {
                        conditions.append((name, "in {" + known.sorted().joined(separator: ", ") + "}" + unknown))
                    }
                case .atom(let text, _, _):
                    if set == ["true", "false", "unknown"] { continue }
                    if known == ["true"] {
                        conditions.append((text, "holds" + unknown))
                    } else if known == ["false"] {
                        conditions.append((text, "does not hold" + unknown))
                    } else if known.isEmpty {
                        conditions.append((text, "is unknown"))
                    } else {
                        conditions.append((text, "is known"))
                    }
                case .validity(let name, let from):
                    if known == ["true"] {
                        conditions.append((name, "from \(from)" + unknown))
                    } else if known == ["false"] {
                        let before = CivilDate(dayNumber: from.dayNumber - 1)
                        conditions.append((name, "until \(before)" + unknown))
                    }
                }
            }
            var region = DecisionDiff.Region(decision: decision, conditions: conditions, transitions: box.transitions)
            region.sets = box.sets
            return region
        }
    }
}
