import LVVRules
import RuleDSL

/// What the editor shows about the rule language: hover text, completion candidates, document
/// symbols. Built on the symbol index (syntax) and, where the file checks, the program (tests).
struct LanguageFeatures {
    let analysis: Analysis
    /// Reads a sibling rule file's text: the open document's if open, else the file on disk.
    let readFile: (String) -> [UInt8]?

    // MARK: - Hover

    /// Markdown for the symbol at `offset` of the document, or nil when no name is there.
    func hover(at offset: Int) -> (text: String, range: SourceRange)? {
        guard let occurrence = analysis.index.occurrence(atFile: analysis.top, offset: offset) else { return nil }
        let key = occurrence.key
        var lines: [String] = []
        switch key.kind {
        case .rule, .exception:
            lines += ruleHover(key)
        case .fact:
            lines += factHover(key.name)
        case .constant, .derived:
            lines += valueHover(key)
        case .decision:
            lines += decisionHover(key.name)
        case .reason, .referral, .action:
            lines += codeHover(key)
        case .invariant:
            lines += invariantHover(key.name)
        case .stage:
            lines.append("**stage** `\(key.name)`")
            let rules = rulesWhere { placement, _ in
                if case .stage(let decision, let stage)? = placement {
                    return "\(decision.text).\(stage.text)" == key.name
                }
                return false
            }
            lines.append(
                rules.isEmpty ? "no rule decides in it" : "rules deciding in it: " + rules.joined(separator: ", "))
            lines += declaredIn(key)
        case .ruleKind:
            lines.append("**kind** `\(key.name)`")
            let rules = rulesWhere { _, kind in kind == key.name }
            lines.append("rules of this kind: " + rules.joined(separator: ", "))
        case .ruleset, .outcome, .example, .enumValue:
            lines.append("**\(key.kind.rawValue)** `\(key.name)`")
            lines += declaredIn(key)
        }
        return (lines.joined(separator: "\n\n"), occurrence.range)
    }

    /// The ids of the rules in force in the chain (overrides replacing, switched-off ones left
    /// out) whose placement and kind pass `test`, in file order.
    private func rulesWhere(_ test: (RuleDeclaration.Placement?, String?) -> Bool) -> [String] {
        var rules: [String: RuleDeclaration] = [:]
        var order: [String] = []
        for file in analysis.index.files {
            for declaration in file.declarations {
                switch declaration {
                case .rule(let r) where r.role == .rule:
                    if rules[r.id.text] == nil { order.append(r.id.text) }
                    rules[r.id.text] = r
                case .disable(let d) where d.role == .rule:
                    rules[d.id.text] = nil
                case .vocabulary, .fact, .constant, .derived, .decision, .extendDecision, .rule, .disable, .example,
                    .test, .invariant, .responsibility:
                    continue
                }
            }
        }
        return order.compactMap { id in rules[id].flatMap { test($0.placement, $0.kind?.text) ? "`\(id)`" : nil } }
    }

    /// The declaration that counts (a pilot's override wins over the base's rule).
    private func declaration(_ key: SymbolIndex.Key) -> (Declaration, file: Int)? {
        for (fileIndex, file) in analysis.index.files.enumerated().reversed() {
            for declaration in file.declarations {
                switch declaration {
                case .rule(let r) where r.id.text == key.name && (r.role == .exception) == (key.kind == .exception):
                    return (declaration, fileIndex)
                case .fact(let f) where f.name.text == key.name && key.kind == .fact:
                    return (declaration, fileIndex)
                case .constant(let c) where c.name.text == key.name && key.kind == .constant:
                    return (declaration, fileIndex)
                case .derived(let d) where d.name.text == key.name && key.kind == .derived:
                    return (declaration, fileIndex)
                case .decision(let d) where d.name.text == key.name && key.kind == .decision:
                    return (declaration, fileIndex)
                case .invariant(let i) where i.id.text == key.name && key.kind == .invariant:
                    return (declaration, fileIndex)
                case .vocabulary, .fact, .constant, .derived, .decision, .extendDecision, .rule, .disable, .example,
                    .test, .invariant, .responsibility:
                    continue
                }
            }
        }
        return nil
    }

    private func fileName(_ file: Int) -> String {
        DocumentURI.fileName(of: analysis.result.files[file].path)
    }

    private func line(_ range: SourceRange) -> Int {
        analysis.lines[range.file].position(of: range.start, encoding: .utf8).line + 1
    }

    private func declaredIn(_ key: SymbolIndex.Key) -> [String] {
        let places = analysis.index.declarations(of: key).map { "`\(fileName($0.range.file))` line \(line($0.range))" }
        return places.isEmpty ? ["not declared in this rule set"] : ["declared in " + places.joined(separator: ", ")]
    }

    private func ruleHover(_ key: SymbolIndex.Key) -> [String] {
        guard case (.rule(let r), let file)? = declaration(key) else {
            return ["**\(key.kind.rawValue)** `\(key.name)`: not declared in this rule set"]
        }
        var lines = ["**\(r.role.rawValue)** `\(r.id.text)`" + (r.title.map { ": \($0)" } ?? "")]
        if let source = r.source { lines.append("source: \(source)") }
        var facts: [String] = []
        switch r.placement {
        case .stage(let decision, let stage)?: facts.append("stage `\(decision.text).\(stage.text)`")
        case .after(let decision)?: facts.append("after `\(decision.text)`")
        case nil: break
        }
        if let reason = r.reason { facts.append("reason `\(reason.text)`") }
        if let kind = r.kind { facts.append("kind `\(kind.text)`") }
        if !facts.isEmpty { lines.append(facts.joined(separator: " · ")) }
        if let deviation = r.deviation { lines.append("deviation: \(deviation)") }
        lines.append(
            (r.isOverride ? "overrides the base's \(r.role.rawValue); " : "")
                + "declared in `\(fileName(file))` line \(line(r.id.range))")
        lines.append(pilotChanges(key))
        lines.append(coverage(id: r.id.text, reason: r.reason?.text))
        return lines
    }

    /// The other rule files of the folder that override or switch off this rule.
    private func pilotChanges(_ key: SymbolIndex.Key) -> String {
        guard let top = analysis.result.files.last else { return "" }
        let folder = DocumentURI.folder(of: top.path)
        let names = (FileSystem.list(folder) ?? []).filter { $0.hasSuffix(".rules") }.sorted()
        var changes: [String] = []
        let role: RuleDeclaration.Role = key.kind == .exception ? .exception : .rule
        for name in names {
            let path = FileSystem.join(folder, name)
            guard let bytes = readFile(path), bytes.count <= RuleSetLoader.maximumFileSize else { continue }
            let (file, _) = Parser.parse(SourceFile(path: path, bytes: bytes))
            let lines = LineTable(bytes)
            for declaration in file.declarations {
                switch declaration {
                case .rule(let r) where r.isOverride && r.id.text == key.name && r.role == role:
                    changes.append(
                        "overridden in `\(name)` line \(lines.position(of: r.id.range.start, encoding: .utf8).line + 1)"
                    )
                case .disable(let d) where d.id.text == key.name && d.role == role:
                    changes.append(
                        "switched off in `\(name)` line \(lines.position(of: d.id.range.start, encoding: .utf8).line + 1) (\"\(d.because)\")"
                    )
                case .vocabulary, .fact, .constant, .derived, .decision, .extendDecision, .rule, .disable, .example,
                    .test, .invariant, .responsibility:
                    continue
                }
            }
        }
        return changes.isEmpty
            ? "no pilot in this folder overrides or switches it off"
            : "pilots: " + changes.joined(separator: "; ")
    }

    /// Tests of this file that cover a rule: those in which it holds, and those whose
    /// expectations name its reason.
    private func coverage(id: String, reason: String?) -> String {
        let file = "`\(fileName(analysis.top))`"
        guard analysis.result.program != nil else {
            return "tests: not run, because this file has errors"
        }
        let tests = analysis.heldInTests
        let holding = tests.filter { $0.held.contains(id) }.map(\.title)
        let expecting = reason.map { reason in tests.filter { $0.reasons.contains(reason) }.map(\.title) } ?? []
        var text = "covered by tests of \(file) (a test covers it when it makes it hold, or expects its reason): "
        text += "holds in \(count(holding, "test"))\(list(holding))"
        if let reason { text += "; expect reason `\(reason)`: \(count(expecting, "test"))\(list(expecting))" }
        return text
    }

    private func count(_ items: [String], _ noun: String) -> String {
        "\(items.count) \(noun)\(items.count == 1 ? "" : "s")"
    }

    private func list(_ titles: [String]) -> String {
        guard !titles.isEmpty else { return "" }
        let shown = titles.prefix(3).map { "“\($0)”" }.joined(separator: ", ")
        return " (\(shown)\(titles.count > 3 ? ", …" : ""))"
    }

    private func factHover(_ name: String) -> [String] {
        guard case (.fact(let f), _)? = declaration(SymbolIndex.Key(.fact, name)) else {
            // An optional group (`exceptional_admission`), named by its members.
            return ["**fact group** `\(name)`: present when any of its members is given"]
        }
        var type: String
        switch f.type {
        case .bool: type = "bool"
        case .number: type = "number"
        case .text: type = "text"
        case .date: type = "date"
        case .oneOf(let values): type = "one of (\(values.map(\.text).joined(separator: ", ")))"
        }
        var modifiers: [String] = []
        if f.isOptional { modifiers.append("optional") }
        if f.isRequired { modifiers.append("required") }
        if f.isReference { modifiers.append("reference") }
        if f.isWhole { modifiers.append("whole") }
        if let least = f.atLeast { modifiers.append("at least \(least)") }
        if let most = f.atMost { modifiers.append("at most \(most)") }
        var lines = ["**fact** `\(f.name.text)`: \(([type] + modifiers).joined(separator: ", "))"]
        if let title = f.title { lines.append(title) }
        lines += declaredIn(SymbolIndex.Key(.fact, name))
        return lines
    }

    private func valueHover(_ key: SymbolIndex.Key) -> [String] {
        guard let (declaration, _) = declaration(key) else { return ["`\(key.name)`"] }
        let value: ValueDeclaration
        switch declaration {
        case .constant(let v), .derived(let v): value = v
        case .vocabulary, .fact, .decision, .extendDecision, .rule, .disable, .example, .test, .invariant,
            .responsibility:
            return ["`\(key.name)`"]
        }
        let word = key.kind == .constant ? "const" : "let"
        var lines = ["**\(word)** `\(value.name.text)` = `\(ASTPrinter.print(value.value))`"]
        if let title = value.title { lines.append(title) }
        lines += declaredIn(key)
        return lines
    }

    private func decisionHover(_ name: String) -> [String] {
        guard case (.decision(let d), _)? = declaration(SymbolIndex.Key(.decision, name)) else {
            return ["decision `\(name)`"]
        }
        var lines = ["**decision** `\(d.name.text)`" + (d.title.map { ": \($0)" } ?? "")]
        lines.append("outcomes: " + d.outcomes.map { "`\($0.text)`" }.joined(separator: ", "))
        let stages = analysis.index.qualifiedStages().filter { $0.hasPrefix(name + ".") }
        if !stages.isEmpty {
            lines.append("stages: " + stages.map { "`\($0.dropFirst(name.count + 1))`" }.joined(separator: ", "))
        }
        lines += declaredIn(SymbolIndex.Key(.decision, name))
        return lines
    }

    private func invariantHover(_ name: String) -> [String] {
        guard case (.invariant(let i), _)? = declaration(SymbolIndex.Key(.invariant, name)) else {
            return ["invariant `\(name)`"]
        }
        var lines = ["**invariant** `\(i.id.text)`" + (i.title.map { ": \($0)" } ?? "")]
        if let source = i.source { lines.append("source: \(source)") }
        lines += declaredIn(SymbolIndex.Key(.invariant, name))
        return lines
    }

    /// A reason, referral or action code: which rules give it, and which tests expect it.
    private func codeHover(_ key: SymbolIndex.Key) -> [String] {
        var lines = ["**\(key.kind.rawValue) code** `\(key.name)`"]
        var givers: [String] = []
        for file in analysis.index.files {
            for case .rule(let r) in file.declarations {
                let gives: Bool
                switch key.kind {
                case .reason: gives = r.reason?.text == key.name
                case .referral: gives = r.referrals.contains { $0.text == key.name }
                case .action: gives = r.actions.contains { $0.text == key.name }
                case .ruleset, .fact, .constant, .derived, .decision, .outcome, .stage, .rule, .exception, .invariant,
                    .example, .enumValue, .ruleKind:
                    gives = false
                }
                if gives, !givers.contains("`\(r.id.text)`") { givers.append("`\(r.id.text)`") }
            }
        }
        lines.append(givers.isEmpty ? "given by no rule" : "given by " + givers.joined(separator: ", "))
        if key.kind == .reason, analysis.result.program != nil {
            let expecting = analysis.heldInTests.filter { $0.reasons.contains(key.name) }.map(\.title)
            lines.append(
                "tests of `\(fileName(analysis.top))` that expect it: \(count(expecting, "test"))\(list(expecting))")
        }
        lines += declaredIn(key)
        return lines
    }

    // MARK: - Document symbols

    /// The declarations of the document's own file, in file order, tests included.
    func symbols() -> [(name: String, kind: Int, detail: String, range: SourceRange)] {
        var result: [(String, Int, String, SourceRange)] = []
        for occurrence in analysis.index.occurrences
        where occurrence.isDeclaration && occurrence.range.file == analysis.top {
            let kind: Int
            switch occurrence.key.kind {
            case .ruleset: kind = 2  // Module
            case .fact: kind = 8  // Field
            case .constant: kind = 14  // Constant
            case .derived: kind = 13  // Variable
            case .decision: kind = 10  // Enum
            case .rule, .exception: kind = 12  // Function
            case .invariant: kind = 17  // Boolean
            case .example: kind = 19  // Object
            case .outcome, .stage, .enumValue, .reason, .referral, .action, .ruleKind:
                continue  // parts of other declarations, or words; not worth an outline entry
            }
            result.append((occurrence.key.name, kind, occurrence.key.kind.rawValue, occurrence.range))
        }
        if analysis.top < analysis.index.files.count {
            for case .test(let t) in analysis.index.files[analysis.top].declarations {
                result.append((t.title, 6, "test", t.range))  // Method
            }
        }
        return result.sorted { $0.3.start < $1.3.start }
    }
}
