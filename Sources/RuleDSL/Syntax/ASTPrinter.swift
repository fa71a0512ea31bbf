import RuleValues

/// Prints a syntax tree back as rule-language text. Parsing the printed text gives the same
/// tree again (the fuzz tests hold it to that), and the checker compares printed rules to see
/// whether an override changes anything.
public enum ASTPrinter {
    /// A whole rule file as rule-language text: the header, then every declaration.
    public static func print(_ file: RuleFile) -> String {
        var out = ""
        if let header = file.header {
            out += "ruleset \(header.name.text)"
            if let base = header.base { out += " extends \(base.text)" }
            out += "\n"
            if let title = header.title { out += "  title \(quote(title))\(translated(header.titleTranslations))\n" }
            if let language = header.language { out += "  language \(language.text)\n" }
            if let source = header.source { out += "  source \(quote(source))\n" }
            if !header.validity.isAlways { out += "  " + validity(header.validity) + "\n" }
            out += "\n"
        }
        for declaration in file.declarations {
            out += print(declaration) + "\n"
        }
        return out
    }

    /// One declaration as rule-language text.
    public static func print(_ declaration: Declaration) -> String {
        switch declaration {
        case .vocabulary(let v):
            return "vocabulary \(v.kind.rawValue) "
                + v.words.map { word in
                    word.text + (v.texts[word.text].map { " " + text($0) } ?? "")
                }.joined(separator: ", ") + "\n"
        case .fact(let f):
            var line = "fact \(f.name.text): \(type(f.type))"
            if f.isOptional { line += ", optional" }
            if f.isRequired { line += ", required" }
            if f.isReference { line += ", reference" }
            if f.isWhole { line += ", whole" }
            if f.isRecorded { line += ", recorded" }
            if f.isFixed { line += ", fixed" }
            if let least = f.atLeast { line += ", at least \(least)" }
            if let most = f.atMost { line += ", at most \(most)" }
            if let format = f.format { line += ", format \(quote(format.pattern))" }
            if let title = f.title { line += " title \(quote(title))\(translated(f.titleTranslations))" }
            if let question = f.question { line += "\n  ask \(text(question))" }
            for (value, option) in f.optionTexts.sorted(by: { $0.key < $1.key }) {
                line += "\n  option \(value) \(text(option))"
            }
            return line + "\n"
        case .constant(let c):
            return "const \(c.name.text) = \(print(c.value))"
                + (c.title.map { " title \(quote($0))\(translated(c.titleTranslations))" } ?? "") + "\n"
        case .derived(let d):
            return "let \(d.name.text) = \(print(d.value))"
                + (d.title.map { " title \(quote($0))\(translated(d.titleTranslations))" } ?? "") + "\n"
        case .decision(let d):
            var out = "decision \(d.name.text)\n"
            if let title = d.title { out += "  title \(quote(title))\(translated(d.titleTranslations))\n" }
            if let condition = d.condition { out += "  when \(print(condition))\n" }
            if !d.outcomes.isEmpty { out += "  outcomes " + d.outcomes.map(\.text).joined(separator: ", ") + "\n" }
            for stage in d.stages { out += "  " + print(stage) + "\n" }
            if let otherwise = d.otherwise {
                out += "  otherwise \(otherwise.text)" + (d.otherwiseReason.map { " reason \($0.text)" } ?? "") + "\n"
            }
            for (outcome, said) in d.outcomeTexts.sorted(by: { $0.key < $1.key }) {
                out += "  outcome \(outcome) \(text(said))\n"
            }
            if let closing = d.closing { out += "  closing \(text(closing))\n" }
            return out
        case .extendDecision(let e):
            return "extend decision \(e.decision.text)\n" + e.stages.map { "  " + print($0) + "\n" }.joined()
        case .rule(let r):
            return print(rule: r, asOverride: r.isOverride)
        case .disable(let d):
            return "disable \(d.role.rawValue) \(d.id.text) because \(quote(d.because))\n"
        case .example(let e):
            return "example \(e.name.text): " + given(e.bases, e.assignments) + "\n"
        case .test(let t):
            var out = "test \(quote(t.title))\n"
            if !t.bases.isEmpty || !t.assignments.isEmpty { out += "  given " + given(t.bases, t.assignments) + "\n" }
            for e in t.expectations {
                out += "  expect \(e.decision.text) \(e.outcome.text)\n"
                if let r = e.reasons { out += "  reasons \(words(r))\n" }
                if let r = e.referrals { out += "  referrals \(words(r))\n" }
                if let a = e.actions { out += "  actions \(words(a))\n" }
                if let m = e.missing { out += "  missing \(words(m))\n" }
                if let x = e.exceptional { out += "  exceptional \(x)\n" }
            }
            if !t.violates.isEmpty { out += "  violates \(words(t.violates))\n" }
            return out
        case .invariant(let i):
            var out = "invariant \(i.id.text)\n"
            if let title = i.title { out += "  title \(quote(title))\(translated(i.titleTranslations))\n" }
            if let source = i.source { out += "  source \(quote(source))\n" }
            out += "  \(i.isNever ? "never" : "always") \(print(i.expression))\n"
            return out
        case .responsibility(let r):
            let facts = r.facts.isEmpty ? "other facts" : r.facts.map(\.text).joined(separator: ", ")
            return "responsible \(quote(r.party))\(translated(r.partyTranslations)) for \(facts)"
                + (r.source.map { " source \(quote($0))" } ?? "") + "\n"
        }
    }

    /// A rule or exception as text, with `override` before it when asked (to compare overrides).
    public static func print(rule r: RuleDeclaration, asOverride: Bool) -> String {
        var out = (asOverride ? "override " : "") + "\(r.role.rawValue) \(r.id.text)\n"
        if let title = r.title { out += "  title \(quote(title))\(translated(r.titleTranslations))\n" }
        if let source = r.source { out += "  source \(quote(source))\n" }
        if let kind = r.kind { out += "  kind \(kind.text)\n" }
        switch r.placement {
        case .stage(let d, let s)?: out += "  stage \(d.text).\(s.text)\n"
        case .after(let d)?: out += "  after \(d.text)\n"
        case nil: break
        }
        if let condition = r.condition { out += "  when \(print(condition))\n" }
        if !r.lifts.isEmpty {
            out +=
                "  lifts "
                + r.lifts.map {
                    switch $0 {
                    case .rule(let n): return n.text
                    case .kind(let n): return "kind \(n.text)"
                    }
                }.joined(separator: ", ") + "\n"
        }
        if let reason = r.reason { out += "  reason \(reason.text)\n" }
        if !r.referrals.isEmpty { out += "  refer \(words(r.referrals))\n" }
        if !r.actions.isEmpty { out += "  action \(words(r.actions))\n" }
        if !r.validity.isAlways { out += "  " + validity(r.validity) + "\n" }
        if let deviation = r.deviation { out += "  deviation \(quote(deviation))\n" }
        return out
    }

    static func print(_ stage: StageDeclaration) -> String {
        var out = "stage \(stage.name.text) gives \(stage.outcome.text)"
        if stage.overridesUnknowns { out += ", overriding unknowns" }
        switch stage.placement {
        case .end: break
        case .before(let n): out += " before \(n.text)"
        case .after(let n): out += " after \(n.text)"
        }
        return out
    }

    /// An expression, fully parenthesised where precedence could be misread.
    public static func print(_ expression: Expression) -> String {
        switch expression {
        case .name(let n): return n.text
        case .number(let n, _): return n.description
        case .text(let t, _): return quote(t)
        case .date(let d, _): return d.description
        case .bool(let b, _): return b ? "true" : "false"
        case .none: return "none"
        case .unknown: return "unknown"
        case .set(let elements, _): return "{" + elements.map(print).joined(separator: ", ") + "}"
        case .call(let name, let arguments, _):
            return name.text + "(" + arguments.map(print).joined(separator: ", ") + ")"
        case .not(let e, _): return "not " + operand(e)
        case .negate(let e, _): return "-" + operand(e)
        case .presence(let e, let isPresent, _): return operand(e) + (isPresent ? " is present" : " is none")
        case .conditional(let c, let a, let b, _):
            return "(if \(print(c)) then \(print(a)) else \(print(b)))"
        case .binary(let op, let a, let b, _):
            // A chain (`a or b or c`, `a + b - c`) is printed as written: parenthesising its
            // left-nested operands would nest parentheses as deep as the chain is long, past what
            // the parser takes back.
            let left: String
            if case .binary(let inner, _, _, _) = a, chainLevel(inner) != nil, chainLevel(inner) == chainLevel(op) {
                left = print(a)
            } else {
                left = operand(a)
            }
            return left + " " + op.rawValue + " " + operand(b)
        }
    }

    /// Operators that chain to the left, by precedence level (nil: comparisons, which do not chain).
    private static func chainLevel(_ op: BinaryOperator) -> Int? {
        switch op {
        case .or: return 0
        case .and: return 1
        case .plus, .minus: return 2
        case .times: return 3
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .in, .notIn: return nil
        }
    }

    private static func operand(_ e: Expression) -> String {
        switch e {
        case .binary, .not, .presence, .negate: return "(" + print(e) + ")"
        default: return print(e)
        }
    }

    private static func type(_ t: TypeExpression) -> String {
        switch t {
        case .bool: return "bool"
        case .number: return "number"
        case .text: return "text"
        case .date: return "date"
        case .oneOf(let values): return "one of (" + values.map(\.text).joined(separator: ", ") + ")"
        }
    }

    private static func given(_ bases: [Name], _ assignments: [FactAssignment]) -> String {
        (bases.map(\.text) + assignments.map { "\($0.fact.text) = \(print($0.value))" }).joined(separator: ", ")
    }

    private static func words(_ names: [Name]) -> String {
        names.isEmpty ? "none" : names.map(\.text).joined(separator: ", ")
    }

    private static func validity(_ v: Validity) -> String {
        var out = "valid"
        if let from = v.from { out += " from \(from)" }
        if let until = v.until { out += " until \(until)" }
        return out
    }

    /// ` en "…"` for each translation, in a fixed order.
    static func translated(_ translations: Translations) -> String {
        translations.sorted { $0.key < $1.key }.map { " \($0.key) \(quote($0.value))" }.joined()
    }

    static func text(_ text: PolicyText) -> String { quote(text.text) + translated(text.translations) }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
