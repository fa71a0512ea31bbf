import RuleValues

/// Prints a rule file in the one canonical layout, comments kept. Why: when every rule file has
/// the same layout, a diff of a rule file shows changes of meaning (and of comments), never of
/// taste, and reviewers find clauses where they expect them. The layout is that of the shipped
/// files: two-space clauses in a fixed order, long conditions broken before `and` or `or`,
/// lists filled up to `lineLimit`, one blank line around multi-line declarations.
///
/// It never changes meaning: the text it returns is parsed again and its tree (source ranges
/// left out) must equal the input's, with the same comments; otherwise it returns a failure
/// rather than a text. A file with parse errors is refused with its diagnostics.
public enum RuleFormatter {
    /// Lines are filled up to this many characters; only text in quotes, a comment or a single
    /// name too long for a line passes it.
    public static let lineLimit = 110

    /// Why a file could not be formatted.
    public enum Failure: Error, Sendable {
        /// The file does not parse; nothing is formatted.
        case invalid([Diagnostic])
        /// The printed text would not mean the same (a bug in the formatter, never the user's).
        case changesMeaning(String)
    }

    /// The file's text in the canonical layout.
    public static func format(_ source: SourceFile) -> Result<String, Failure> {
        let input = read(source)
        let errors = input.diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty else { return .failure(.invalid(input.diagnostics)) }
        let text: String
        var printer = LayoutPrinter(source: source, input: input)
        switch printer.print() {
        case .success(let printed): text = printed
        case .failure(let failure): return .failure(failure)
        }
        // The proof: the output parses to the same tree and keeps every comment.
        let printed = SourceFile(path: source.path, text: text)
        let output = read(printed)
        guard !output.diagnostics.contains(where: { $0.severity == .error }) else {
            return .failure(.changesMeaning("the formatted text does not parse: \(output.diagnostics[0].message)"))
        }
        guard output.file.strippingLocations == input.file.strippingLocations else {
            return .failure(.changesMeaning("the formatted text parses to a different rule file"))
        }
        let before = input.comments.map { commentText(source, $0) }.sorted()
        let after = output.comments.map { commentText(printed, $0) }.sorted()
        guard before == after else { return .failure(.changesMeaning("a comment was lost or changed")) }
        return .success(text)
    }

    /// One file lexed with its comments and parsed with its layout marks.
    struct Input {
        var file: RuleFile
        var tokens: [Token]
        var comments: [SourceRange]
        var marks: [LayoutMark]
        var diagnostics: [Diagnostic]
    }

    static func read(_ source: SourceFile) -> Input {
        var lexer = Lexer(source: source, fileIndex: 0)
        lexer.keepsComments = true
        let tokens = lexer.tokenize()
        var parser = Parser(tokens: tokens)
        parser.recordsLayout = true
        let file = parser.parseFile()
        let diagnostics = (lexer.diagnostics + parser.diagnostics).sorted { $0.range.start < $1.range.start }
        return Input(
            file: file, tokens: tokens, comments: lexer.comments, marks: parser.layoutMarks,
            diagnostics: Array(diagnostics.prefix(Parser.maximumErrors)))
    }

    /// A comment's text without trailing blanks (nor the `\r` of a CRLF line end).
    static func commentText(_ source: SourceFile, _ range: SourceRange) -> String {
        var end = range.end
        while end > range.start, [0x20, 0x09, 0x0D].contains(source.bytes[end - 1]) { end -= 1 }
        return String(decoding: source.bytes[range.start..<end], as: UTF8.self)
    }
}

// MARK: - Layout documents

/// A piece of layout: text, pieces side by side, or items filled onto lines (a space between
/// two items that fit, otherwise a line break indented `nest` deeper than the enclosing piece).
indirect enum LayoutDocument {
    case text(String)
    case sequence([LayoutDocument])
    case fill(nest: Int, [LayoutDocument])
    /// Items one a line, each after the first indented `nest` deeper.
    case stack(nest: Int, [LayoutDocument])

    /// The width on one line.
    var width: Int {
        switch self {
        case .text(let text): return text.count
        case .sequence(let parts): return parts.reduce(0) { $0 + $1.width }
        case .fill(_, let items), .stack(_, let items): return items.reduce(max(0, items.count - 1)) { $0 + $1.width }
        }
    }

    /// The lines of this piece starting at column `indent`, indented by `indent` spaces.
    func lines(indent: Int) -> [String] {
        var renderer = Renderer(text: String(repeating: " ", count: indent), column: indent)
        renderer.render(self, indent: indent, trailing: 0)
        return renderer.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    private struct Renderer {
        var text: String
        var column: Int

        /// `trailing` is the width of the text that follows on the same line whatever happens.
        mutating func render(_ document: LayoutDocument, indent: Int, trailing: Int) {
            switch document {
            case .text(let piece):
                text += piece
                column += piece.count
            case .sequence(let parts):
                var after = parts.map(\.width)
                var sum = trailing
                for index in after.indices.reversed() {
                    let width = after[index]
                    after[index] = sum
                    sum += width
                }
                for (index, part) in parts.enumerated() { render(part, indent: indent, trailing: after[index]) }
            case .fill(let nest, let items):
                let inner = indent + nest
                for (index, item) in items.enumerated() {
                    let tail = index == items.count - 1 ? trailing : 0
                    if index > 0 {
                        if column + 1 + item.width + tail <= RuleFormatter.lineLimit {
                            text += " "
                            column += 1
                        } else {
                            text += "\n" + String(repeating: " ", count: inner)
                            column = inner
                        }
                    }
                    render(item, indent: inner, trailing: tail)
                }
            case .stack(let nest, let items):
                for (index, item) in items.enumerated() {
                    if index > 0 {
                        text += "\n" + String(repeating: " ", count: indent + nest)
                        column = indent + nest
                    }
                    render(item, indent: indent + nest, trailing: index == items.count - 1 ? trailing : 0)
                }
            }
        }
    }
}

// MARK: - Printing declarations

/// Prints one parsed file with its comments. Comments are found by the layout marks of the
/// parser: an own-line comment belongs to the declaration or clause whose first token follows
/// it; a comment at the end of a line to the clause of the token before it. One inside a clause
/// (within a wrapped list or condition) is printed on its own line just before that clause.
private struct LayoutPrinter {
    enum Item {
        case blank
        case comment(String, indented: Bool)
    }

    /// The comments of one printed unit (a declaration's first line, or a clause).
    struct Group {
        var leading: [Item] = []
        var trailing: String?
        var printed = false
    }

    /// A unit of the source: a declaration's first line or a clause, and what it prints as.
    struct Unit {
        var offset: Int
        var declaration: Int
        var key: String
    }

    let source: SourceFile
    let input: RuleFormatter.Input
    /// The top-level units in order: the `ruleset` header (if any), then each declaration.
    var declarations: [Declaration?] = []
    var groups: [[String: Group]] = []
    var dangling: [[String]] = []
    var fileEnd: [Item] = []

    init(source: SourceFile, input: RuleFormatter.Input) {
        self.source = source
        self.input = input
    }

    mutating func print() -> Result<String, RuleFormatter.Failure> {
        declarations = (input.file.header == nil ? [] : [nil]) + input.file.declarations.map { $0 }
        guard let units = units() else {
            return .failure(.changesMeaning("the declarations could not be matched with the source"))
        }
        groups = Array(repeating: [:], count: declarations.count)
        dangling = Array(repeating: [], count: declarations.count)
        collectComments(units)

        var lines: [String] = []
        func add(_ items: [Item]) {
            for item in items {
                switch item {
                case .blank: if let last = lines.last, last != "" { lines.append("") }
                case .comment(let text, _): lines.append(text)
                }
            }
        }
        for index in declarations.indices {
            var leading = groups[index]["header", default: Group()].leading
            if index > 0, isBlock(index - 1) || isBlock(index) {
                lines.append("")
            }
            if index == 0 || isBlock(index - 1) || isBlock(index) {
                while case .blank? = leading.first { leading.removeFirst() }
            }
            add(leading)
            lines += declarationLines(index)
        }
        add(fileEnd)
        while lines.last == "" { lines.removeLast() }
        return .success(lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n")
    }

    /// Multi-line declarations stand apart with a blank line; one-line kinds (facts, constants,
    /// vocabularies…) keep the grouping the author chose.
    func isBlock(_ index: Int) -> Bool {
        guard let declaration = declarations[index] else { return true }
        switch declaration {
        case .decision, .extendDecision, .rule, .test, .invariant: return true
        case .vocabulary, .fact, .constant, .derived, .disable, .example, .responsibility: return false
        }
    }

    // MARK: Comments

    /// The units of the source in order, each with the key of the unit it prints as.
    func units() -> [Unit]? {
        var units: [Unit] = []
        var declaration = -1
        var tokenAt: [Int: Int] = [:]
        for (index, token) in input.tokens.enumerated() { tokenAt[token.range.start] = index }
        var counters: [String: Int] = [:]
        for mark in input.marks {
            if mark.isDeclaration {
                declaration += 1
                guard declaration < declarations.count else { return nil }
                counters = [:]
                units.append(Unit(offset: mark.offset, declaration: declaration, key: "header"))
                continue
            }
            guard declaration >= 0, units.last.map({ $0.offset < mark.offset }) ?? false,
                let key = clauseKey(
                    mark.word, of: declarations[declaration], counters: &counters,
                    next: tokenAt[mark.offset].flatMap { $0 + 1 < input.tokens.count ? input.tokens[$0 + 1].text : nil }
                )
            else { continue }
            units.append(Unit(offset: mark.offset, declaration: declaration, key: key))
        }
        return declaration == declarations.count - 1 ? units : nil
    }

    /// The printed clause a source clause belongs to; nil for a word that starts no clause here.
    /// `next` is the word after it: an `outcome` clause is known by the outcome it tells, as the
    /// printed order of those clauses need not be the source's.
    func clauseKey(_ word: String, of declaration: Declaration?, counters: inout [String: Int], next: String?)
        -> String?
    {
        func counted(_ name: String, advancing: Bool) -> String {
            if advancing { counters[name, default: -1] += 1 }
            return "\(word)#\(counters[name, default: 0])"
        }
        guard let declaration else { return ["title", "source", "valid", "language"].contains(word) ? word : nil }
        switch declaration {
        case .decision:
            if word == "stage" { return counted("stage", advancing: true) }
            if word == "outcome" { return "outcome:" + (next ?? "") }
            return ["title", "when", "outcomes", "otherwise", "closing"].contains(word) ? word : nil
        case .extendDecision:
            return word == "stage" ? counted("stage", advancing: true) : nil
        case .rule:
            if word == "stage" || word == "after" { return "placement" }
            let words = ["title", "source", "kind", "when", "reason", "refer", "action", "valid", "deviation", "lifts"]
            return words.contains(word) ? word : nil
        case .test:
            if word == "expect" { return counted("expect", advancing: true) }
            if ["reasons", "referrals", "actions", "missing", "exceptional"].contains(word) {
                return counted("expect", advancing: false)
            }
            return ["given", "violates"].contains(word) ? word : nil
        case .invariant:
            if word == "never" || word == "always" { return "body" }
            return ["title", "source"].contains(word) ? word : nil
        case .vocabulary, .fact, .constant, .derived, .disable, .example, .responsibility:
            return nil
        }
    }

    mutating func collectComments(_ units: [Unit]) {
        let bytes = source.bytes
        let tokens = input.tokens.dropLast()  // without the end of file
        var unitAt: [Int: Int] = [:]
        for (index, unit) in units.enumerated() { unitAt[unit.offset] = index }
        /// The last unit starting at or before `offset`.
        func unit(containing offset: Int) -> Unit {
            var low = 0
            var high = units.count - 1
            while low < high {
                let mid = (low + high + 1) / 2
                if units[mid].offset <= offset { low = mid } else { high = mid - 1 }
            }
            return units[low]
        }
        /// Line ends between two offsets: LF, CRLF, or a bare CR.
        func newlines(_ start: Int, _ end: Int) -> Int {
            var count = 0
            for index in start..<max(start, end) {
                if bytes[index] == 0x0A
                    || (bytes[index] == 0x0D && (index + 1 == bytes.count || bytes[index + 1] != 0x0A))
                {
                    count += 1
                }
            }
            return count
        }
        var leading: [Int: [Item]] = [:]
        var interior: [Int: [String]] = [:]
        var trailing: [Int: String] = [:]
        var lastEnd: Int?
        var tokenIndex = tokens.startIndex
        var comments = input.comments[...]
        while tokenIndex < tokens.endIndex || !comments.isEmpty {
            let token = tokenIndex < tokens.endIndex ? tokens[tokenIndex] : nil
            if let token, comments.first.map({ token.range.start < $0.start }) ?? true {
                if let index = unitAt[token.range.start], let lastEnd, newlines(lastEnd, token.range.start) >= 2 {
                    leading[index, default: []].append(.blank)
                }
                lastEnd = token.range.end
                tokenIndex += 1
                continue
            }
            let comment = comments.removeFirst()
            let text = RuleFormatter.commentText(source, comment)
            let lines = lastEnd.map { newlines($0, comment.start) } ?? 1
            var lineStart = comment.start
            while lineStart > 0, bytes[lineStart - 1] != 0x0A, bytes[lineStart - 1] != 0x0D { lineStart -= 1 }
            let indented = lineStart < comment.start
            lastEnd = comment.end
            if lines == 0, tokenIndex > tokens.startIndex {
                // At the end of a line: with the clause of the token before it.
                let before = tokens[tokenIndex - 1]
                let owner = unitAt[unit(containing: before.range.start).offset]!
                if token == nil || unitAt[token!.range.start] != nil {
                    if let earlier = trailing[owner] { interior[owner, default: []].append(earlier) }
                    trailing[owner] = text
                } else {
                    interior[owner, default: []].append(text)
                }
                continue
            }
            let items: [Item] = (lines >= 2 ? [.blank] : []) + [.comment(text, indented: indented)]
            guard let token else {
                fileEnd += items
                continue
            }
            let owner = unitAt[unit(containing: token.range.start).offset]!
            if units[owner].offset == token.range.start {
                leading[owner, default: []] += items
            } else {
                interior[owner, default: []].append(text)
            }
        }
        // Indented comments right under a declaration (no blank line) stay at its end.
        func takeDangling(_ items: inout [Item], into declaration: Int) {
            while case .comment(let text, true)? = items.first {
                dangling[declaration].append(text)
                items.removeFirst()
            }
        }
        for (index, unit) in units.enumerated() {
            var items = leading[index] ?? []
            if unit.key == "header", unit.declaration > 0 { takeDangling(&items, into: unit.declaration - 1) }
            var group = groups[unit.declaration][unit.key, default: Group()]
            group.leading += items
            group.leading += (interior[index] ?? []).map { .comment($0, indented: true) }
            if let text = trailing[index] {
                if let earlier = group.trailing { group.leading.append(.comment(earlier, indented: true)) }
                group.trailing = text
            }
            groups[unit.declaration][unit.key] = group
        }
        if !declarations.isEmpty { takeDangling(&fileEnd, into: declarations.count - 1) }
    }

    // MARK: Declarations

    mutating func declarationLines(_ index: Int) -> [String] {
        var lines: [String] = []
        /// A unit's lines with its comments (a declaration's own-line comments are printed
        /// before it by `print`, with the blank lines between declarations).
        func emit(_ key: String, _ document: LayoutDocument, indent: Int) {
            var group = groups[index][key] ?? Group()
            if key != "header" {
                for case .comment(let text, _) in group.leading {
                    lines.append(String(repeating: " ", count: indent) + text)
                }
            }
            var printed = document.lines(indent: indent)
            if let trailing = group.trailing { printed[printed.count - 1] += " " + trailing }
            lines += printed
            group.printed = true
            groups[index][key] = group
        }
        func clause(_ key: String, _ document: LayoutDocument) { emit(key, document, indent: 2) }
        func clause(_ key: String, _ text: String) { emit(key, .text(text), indent: 2) }
        func clause(_ key: String, condition keyword: String, _ condition: Expression) {
            emit(key, .fill(nest: 2, [.sequence([.text(keyword), expression(condition, nest: 0)])]), indent: 2)
        }

        switch declarations[index] {
        case nil:
            let header = input.file.header!
            emit(
                "header", .text("ruleset \(header.name.text)" + (header.base.map { " extends \($0.text)" } ?? "")),
                indent: 0)
            if let language = header.language { clause("language", "language \(language.text)") }
            if let title = header.title { clause("title", texted("title ", title, header.titleTranslations)) }
            if let source = header.source { clause("source", "source " + quote(source)) }
            if !header.validity.isAlways { clause("valid", validity(header.validity)) }
        case .vocabulary(let v)?:
            emit("header", vocabulary(v), indent: 0)
        case .fact(let f)?:
            let head = "fact \(f.name.text): "
            var type: LayoutDocument
            switch f.type {
            case .bool: type = .text("bool")
            case .number: type = .text("number")
            case .text: type = .text("text")
            case .date: type = .text("date")
            case .oneOf(let values):
                type = .sequence([.text("one of ("), items(values.map { .text($0.text) }, nest: 0), .text(")")])
            }
            var modifiers = ""
            if f.isRequired { modifiers += ", required" }
            if f.isReference { modifiers += ", reference" }
            if f.isOptional { modifiers += ", optional" }
            if f.isWhole { modifiers += ", whole" }
            if let least = f.atLeast { modifiers += ", at least \(least)" }
            if let most = f.atMost { modifiers += ", at most \(most)" }
            if f.isRecorded { modifiers += ", recorded" }
            if f.isFixed { modifiers += ", fixed" }
            if let format = f.format { modifiers += ", format \(quote(format.pattern))" }
            emit(
                "header", titled([.text(head), type, .text(modifiers)], title: f.title, f.titleTranslations), indent: 0)
            // `ask` and `option` clauses carry no layout marks: their comments stay with the fact.
            if let question = f.question { clause("ask", texted("ask ", question)) }
            for (value, text) in ordered(f.optionTexts, by: optionOrder(f.type)) {
                clause("option:" + value, texted("option \(value) ", text))
            }
        case .constant(let c)?:
            emit(
                "header",
                titled(
                    [.text("const \(c.name.text) = "), expression(c.value, nest: 0)], title: c.title,
                    c.titleTranslations),
                indent: 0)
        case .derived(let d)?:
            emit(
                "header",
                titled(
                    [.text("let \(d.name.text) = "), expression(d.value, nest: 0)], title: d.title, d.titleTranslations),
                indent: 0)
        case .decision(let d)?:
            emit("header", .text("decision \(d.name.text)"), indent: 0)
            if let title = d.title { clause("title", texted("title ", title, d.titleTranslations)) }
            if let condition = d.condition { clause("when", condition: "when ", condition) }
            if !d.outcomes.isEmpty { clause("outcomes", list("outcomes ", d.outcomes.map(\.text))) }
            for (outcome, text) in ordered(d.outcomeTexts, by: d.outcomes.map(\.text)) {
                clause("outcome:" + outcome, texted("outcome \(outcome) ", text))
            }
            if let closing = d.closing { clause("closing", texted("closing ", closing)) }
            for (number, stage) in d.stages.enumerated() { clause("stage#\(number)", self.stage(stage)) }
            if let otherwise = d.otherwise {
                clause(
                    "otherwise", "otherwise \(otherwise.text)" + (d.otherwiseReason.map { " reason \($0.text)" } ?? ""))
            }
        case .extendDecision(let e)?:
            emit("header", .text("extend decision \(e.decision.text)"), indent: 0)
            for (number, stage) in e.stages.enumerated() { clause("stage#\(number)", self.stage(stage)) }
        case .rule(let r)?:
            emit("header", .text((r.isOverride ? "override " : "") + "\(r.role.rawValue) \(r.id.text)"), indent: 0)
            if let title = r.title { clause("title", texted("title ", title, r.titleTranslations)) }
            if let source = r.source { clause("source", "source " + quote(source)) }
            if let kind = r.kind { clause("kind", "kind \(kind.text)") }
            switch r.placement {
            case .stage(let decision, let stage)?: clause("placement", "stage \(decision.text).\(stage.text)")
            case .after(let decision)?: clause("placement", "after \(decision.text)")
            case nil: break
            }
            if let condition = r.condition { clause("when", condition: "when ", condition) }
            if !r.lifts.isEmpty {
                clause(
                    "lifts",
                    list(
                        "lifts ",
                        r.lifts.map { target in
                            switch target {
                            case .rule(let name): return name.text
                            case .kind(let name): return "kind \(name.text)"
                            }
                        }))
            }
            if let reason = r.reason { clause("reason", "reason \(reason.text)") }
            if !r.referrals.isEmpty {
                // `refer to` is optional; a first referral named `to` needs it written.
                clause("refer", list(r.referrals[0].text == "to" ? "refer to " : "refer ", r.referrals.map(\.text)))
            }
            if !r.actions.isEmpty { clause("action", list("action ", r.actions.map(\.text))) }
            if !r.validity.isAlways { clause("valid", validity(r.validity)) }
            if let deviation = r.deviation { clause("deviation", "deviation " + quote(deviation)) }
        case .disable(let d)?:
            emit(
                "header",
                .fill(
                    nest: 2, [.text("disable \(d.role.rawValue) \(d.id.text)"), .text("because " + quote(d.because))]),
                indent: 0)
        case .example(let e)?:
            emit("header", given("example \(e.name.text): ", e.bases, e.assignments), indent: 0)
        case .test(let t)?:
            emit("header", .text("test " + quote(t.title)), indent: 0)
            if !t.bases.isEmpty || !t.assignments.isEmpty { clause("given", given("given ", t.bases, t.assignments)) }
            for (number, e) in t.expectations.enumerated() {
                clause("expect#\(number)", "expect \(e.decision.text) \(e.outcome.text)")
                if let words = e.reasons { clause("reasons#\(number)", list("reasons ", names(words))) }
                if let words = e.referrals { clause("referrals#\(number)", list("referrals ", names(words))) }
                if let words = e.actions { clause("actions#\(number)", list("actions ", names(words))) }
                if let words = e.missing { clause("missing#\(number)", list("missing ", names(words))) }
                if let exceptional = e.exceptional { clause("exceptional#\(number)", "exceptional \(exceptional)") }
            }
            if !t.violates.isEmpty { clause("violates", list("violates ", t.violates.map(\.text))) }
        case .invariant(let i)?:
            emit("header", .text("invariant \(i.id.text)"), indent: 0)
            if let title = i.title { clause("title", texted("title ", title, i.titleTranslations)) }
            if let source = i.source { clause("source", "source " + quote(source)) }
            clause("body", condition: i.isNever ? "never " : "always ", i.expression)
        case .responsibility(let r)?:
            let facts: LayoutDocument =
                r.facts.isEmpty ? .text("other facts") : items(r.facts.map { .text($0.text) }, nest: 0)
            emit(
                "header",
                titled(
                    [.text("responsible \(quote(r.party))\(ASTPrinter.translated(r.partyTranslations)) for "), facts],
                    title: r.source, word: "source"), indent: 0
            )
        }
        // Comments of clauses that print nothing of their own, then those left under the declaration.
        for key in groups[index].keys.sorted() where !(groups[index][key]!.printed) {
            let group = groups[index][key]!
            for case .comment(let text, _) in group.leading { lines.append("  " + text) }
            if let text = group.trailing { lines.append("  " + text) }
        }
        lines += dangling[index].map { "  " + $0 }
        return lines
    }

    // MARK: Pieces

    /// `fact …`, `const …`, `let …` or `responsible …`, with `title "…"` (or `source "…"`) after
    /// it on the same line when all fits, else on a line of its own.
    func titled(
        _ parts: [LayoutDocument], title: String?, _ translations: Translations = [:], word: String = "title"
    ) -> LayoutDocument {
        let head = LayoutDocument.sequence(parts)
        guard let title else { return .fill(nest: 2, [head]) }
        let clause = LayoutDocument.text(word + " " + quote(title))
        // A head broken over lines gets its title below it, not at the end of its last line; a
        // title on a line of its own has its `en "…"` two spaces deeper.
        return head.width + 1 + clause.width > RuleFormatter.lineLimit
            ? .stack(nest: 2, [head, .fill(nest: 2, [clause] + translationItems(translations))])
            : .fill(nest: 2, [head, clause] + translationItems(translations))
    }

    /// `vocabulary referrals` and its words, filled; a word with a text (`coa "…" en "…"`) gets
    /// a line of its own, and when the first word has one the keyword line stands alone.
    func vocabulary(_ v: VocabularyDeclaration) -> LayoutDocument {
        let head = "vocabulary \(v.kind.rawValue)"
        var lines: [LayoutDocument] = []
        var run: [LayoutDocument] = []
        func comma(_ index: Int) -> String { index < v.words.count - 1 ? "," : "" }
        func endRun() {
            guard !run.isEmpty else { return }
            lines.append(.fill(nest: 0, run))
            run = []
        }
        for (index, word) in v.words.enumerated() {
            if let text = v.texts[word.text] {
                endRun()
                if lines.isEmpty { lines.append(.text(head)) }
                lines.append(.sequence([texted(word.text + " ", text), .text(comma(index))]))
            } else {
                let item = LayoutDocument.text(word.text + comma(index))
                run.append(lines.isEmpty && run.isEmpty ? .sequence([.text(head + " "), item]) : item)
            }
        }
        endRun()
        return .stack(nest: 2, lines)
    }

    /// `prefix "…" en "…"`: a text and its translations, each `en "…"` on a continuation line
    /// when the line gets too long.
    func texted(_ prefix: String, _ text: String, _ translations: Translations) -> LayoutDocument {
        .fill(nest: 2, [.text(prefix + quote(text))] + translationItems(translations))
    }

    func texted(_ prefix: String, _ text: PolicyText) -> LayoutDocument {
        texted(prefix, text.text, text.translations)
    }

    /// The `en "…"` forms of a text, in a fixed order.
    func translationItems(_ translations: Translations) -> [LayoutDocument] {
        translations.sorted { $0.key < $1.key }.map { .text("\($0.key) \(quote($0.value))") }
    }

    /// Texts by name (outcomes, options) in the order their names are declared, then any others
    /// sorted (the checker reports those).
    func ordered(_ texts: [String: PolicyText], by names: [String]) -> [(String, PolicyText)] {
        let known = names.compactMap { name in texts[name].map { (name, $0) } }
        let others = texts.filter { !names.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return known + others
    }

    func optionOrder(_ type: TypeExpression) -> [String] {
        switch type {
        case .oneOf(let values): return values.map(\.text)
        case .bool, .number, .text, .date: return []
        }
    }

    /// `prefix a, b, c`, filled, continued two spaces deeper.
    func list(_ prefix: String, _ words: [String]) -> LayoutDocument {
        items(words.map { .text($0) }, prefix: prefix, nest: 2)
    }

    /// Items separated by commas, filled; the first follows `prefix` on its line.
    func items(_ items: [LayoutDocument], prefix: String = "", nest: Int) -> LayoutDocument {
        var filled: [LayoutDocument] = []
        for (index, item) in items.enumerated() {
            var parts: [LayoutDocument] = index == 0 && !prefix.isEmpty ? [.text(prefix), item] : [item]
            if index < items.count - 1 { parts.append(.text(",")) }
            filled.append(parts.count == 1 ? parts[0] : .sequence(parts))
        }
        if filled.isEmpty { return .text(prefix) }
        return .fill(nest: nest, filled)
    }

    /// `given adult, entry_ban_years = 10`: bases first, then assignments.
    func given(_ prefix: String, _ bases: [Name], _ assignments: [FactAssignment]) -> LayoutDocument {
        let parts: [LayoutDocument] =
            bases.map { .text($0.text) }
            + assignments.map { .sequence([.text("\($0.fact.text) = "), expression($0.value, nest: 2)]) }
        return items(parts, prefix: prefix, nest: 2)
    }

    func names(_ words: [Name]) -> [String] {
        words.isEmpty ? ["none"] : words.map(\.text)
    }

    func stage(_ stage: StageDeclaration) -> String {
        var out = "stage \(stage.name.text) gives \(stage.outcome.text)"
        if stage.overridesUnknowns { out += ", overriding unknowns" }
        switch stage.placement {
        case .end: break
        case .before(let name): out += " before \(name.text)"
        case .after(let name): out += " after \(name.text)"
        }
        return out
    }

    func validity(_ validity: Validity) -> String {
        var out = "valid"
        if let from = validity.from { out += " from \(from)" }
        if let until = validity.until { out += " until \(until)" }
        return out
    }

    func quote(_ text: String) -> String { ASTPrinter.quote(text) }

    // MARK: Expressions

    /// How tightly an expression binds, as the parser reads it: an operand below the level its
    /// place asks for is put in parentheses, and only then.
    static func level(_ expression: Expression) -> Int {
        switch expression {
        case .conditional: return 0
        case .binary(let op, _, _, _):
            switch op {
            case .or: return 1
            case .and: return 2
            case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .in, .notIn: return 4
            case .plus, .minus: return 5
            case .times: return 6
            }
        case .not: return 3
        case .presence: return 4
        case .negate: return 7
        case .name, .number, .text, .date, .bool, .none, .unknown, .set, .call: return 8
        }
    }

    /// An expression in a place that needs at least `level`.
    func operand(_ expression: Expression, _ level: Int) -> LayoutDocument {
        if Self.level(expression) >= level { return self.expression(expression, nest: 2) }
        return .sequence([.text("("), self.expression(expression, nest: 2), .text(")")])
    }

    /// An expression; `nest` is how much deeper its own continuation lines go.
    func expression(_ expression: Expression, nest: Int) -> LayoutDocument {
        switch expression {
        case .name(let name): return .text(name.text)
        case .number(let number, _): return .text(number.description)
        case .text(let text, _): return .text(quote(text))
        case .date(let date, _): return .text(date.description)
        case .bool(let value, _): return .text(value ? "true" : "false")
        case .none: return .text("none")
        case .unknown: return .text("unknown")
        case .set(let elements, _):
            if elements.isEmpty { return .text("{}") }
            return .sequence([.text("{"), items(elements.map { operand($0, 7) }, nest: nest), .text("}")])
        case .call(let name, let arguments, _):
            if arguments.isEmpty { return .text(name.text + "()") }
            return .sequence([.text(name.text + "("), items(arguments.map { operand($0, 0) }, nest: nest), .text(")")])
        case .not(let operand, _):
            // `not (a = b)`: not needed by the parser, but `not a = b` is easily misread.
            return .sequence([.text("not "), self.operand(operand, Self.level(operand) == 4 ? 5 : 3)])
        case .negate(let operand, _):
            // `- -x`, not `--x` nor `-(-x)`: parentheses would nest deeper than the source did.
            if case .negate = operand { return .sequence([.text("- "), self.operand(operand, 7)]) }
            return .sequence([.text("-"), self.operand(operand, 7)])
        case .presence(let operand, let isPresent, _):
            return .sequence([self.operand(operand, 5), .text(isPresent ? " is present" : " is none")])
        case .conditional(let condition, let then, let otherwise, _):
            return .fill(
                nest: nest,
                [
                    .sequence([.text("if "), self.expression(condition, nest: 2)]),
                    .sequence([.text("then "), self.expression(then, nest: 2)]),
                    .sequence([.text("else "), self.expression(otherwise, nest: 2)]),
                ])
        case .binary(let op, let left, let right, _):
            switch op {
            case .or, .and, .plus, .minus, .times:
                // A left-leaning chain of one level (`a and b and c`, `a + b - c`) as one fill,
                // broken before an operator.
                let level = Self.level(expression)
                var operands: [(BinaryOperator?, Expression)] = [(op, right)]
                var first = left
                while case .binary(let inner, let l, let r, _) = first, Self.level(first) == level,
                    op == inner || level == 5
                {
                    operands.append((inner, r))
                    first = l
                }
                operands.append((nil, first))
                return .fill(
                    nest: nest,
                    operands.reversed().map { (op, operand) in
                        // `a or (b and c)`: not needed by the parser, but how readers expect it.
                        var needed = op == nil ? level : level + 1
                        if level == 1, case .binary(.and, _, _, _) = operand { needed = 3 }
                        let document = self.operand(operand, needed)
                        guard let op else { return document }
                        return .sequence([.text(op.rawValue + " "), document])
                    })
            case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .in, .notIn:
                return .sequence([operand(left, 5), .text(" \(op.rawValue) "), operand(right, 5)])
            }
        }
    }
}
