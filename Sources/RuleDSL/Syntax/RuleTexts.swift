import RuleValues

/// A language the rule files' texts are written in. The tool's own frame words are translated
/// into the same languages (the presentation layer's catalogue).
public enum TextLanguage: String, Sendable, CaseIterable {
    case nl
    case en

    /// The language's name as a diagnostic says it (`English`).
    public var name: String {
        switch self {
        case .nl: return "Dutch"
        case .en: return "English"
        }
    }
}

/// Which policy text: the thing a text belongs to, so a renderer asks for "the title of rule
/// `minor`" and gets it in the reader's language.
public enum TextKey: Hashable, Sendable {
    case ruleset
    case fact(String)
    case question(String)
    case option(fact: String, value: String)
    /// A `const` or `let` title.
    case value(String)
    case decision(String)
    case outcome(decision: String, outcome: String)
    case closing(String)
    /// A rule's or an exception's title, by id.
    case rule(String)
    case invariant(String)
    case word(VocabularyDeclaration.Kind, String)
    /// A responsible party, by the name its file wrote (`politie (AVIM)`).
    case party(String)
}

/// Every policy text of a rule set in every language it was written in. Texts belong to policy
/// and live in the rule files; Swift only picks the reader's language. A missing translation
/// falls back to the text as written (and `check` warns about it).
public struct RuleTexts: Sendable {
    /// The language the rule set is written in (`language nl`; a pilot inherits it).
    public let language: TextLanguage
    /// Whether a file declared the language: only then does `check` ask for every translation.
    public let isDeclared: Bool
    private let entries: [TextKey: [TextLanguage: String]]

    /// The texts of a rule set written in `language`, with their translations by key.
    public init(
        language: TextLanguage = .nl, isDeclared: Bool = false, entries: [TextKey: [TextLanguage: String]] = [:]
    ) {
        self.language = language
        self.isDeclared = isDeclared
        self.entries = entries
    }

    /// The question that asks for a fact (`ask "…"`), else its title: what an interview or an
    /// intake page shows for it. The one place that choice is made.
    public func question(for fact: String, in language: TextLanguage) -> String? {
        text(.question(fact), in: language) ?? text(.fact(fact), in: language)
    }

    /// How an answer reads (`option coa "…"`); nil when the rule file gives no text for it.
    public func option(_ value: String, of fact: String, in language: TextLanguage) -> String? {
        text(.option(fact: fact, value: value), in: language)
    }

    /// The text in `language`, else as written in the rule set's language; nil when there is none.
    public func text(_ key: TextKey, in language: TextLanguage) -> String? {
        guard let forms = entries[key] else { return nil }
        return forms[language] ?? forms[self.language] ?? TextLanguage.allCases.lazy.compactMap { forms[$0] }.first
    }
}

/// Collects the policy texts of a chain of parsed files (base first) and checks them: every
/// text that would be printed has a form in every language once the rule set declares its own,
/// and an `option` or `outcome` text names something that exists.
package struct TextCollector {
    private(set) var diagnostics: [Diagnostic] = []
    private var entries: [TextKey: [TextLanguage: String]] = [:]
    private var declared: TextLanguage?
    private var fileLanguage: TextLanguage = .nl

    package static func collect(_ files: [RuleFile]) -> (RuleTexts, [Diagnostic]) {
        var collector = TextCollector()
        for file in files { collector.add(file) }
        let texts = RuleTexts(
            language: collector.declared ?? .nl, isDeclared: collector.declared != nil,
            entries: collector.entries)
        return (texts, collector.diagnostics)
    }

    private mutating func add(_ file: RuleFile) {
        if let name = file.header?.language, let language = TextLanguage(rawValue: name.text) {
            if let declared, declared != language {
                diagnostics.append(
                    .warning(
                        "language-differs", "this file is written in \(language.name), its base in \(declared.name)",
                        at: name.range, help: "texts are shown in the reader's language; write each text in both"))
            }
            declared = declared ?? language
            fileLanguage = language
        } else {
            fileLanguage = declared ?? .nl
        }
        if let header = file.header, let title = header.title {
            put(
                .ruleset, title, header.titleTranslations, what: "the title of rule set `\(header.name.text)`",
                at: header.name.range)
        }
        for declaration in file.declarations {
            switch declaration {
            case .vocabulary(let v):
                for word in v.words {
                    guard let text = v.texts[word.text] else { continue }
                    put(.word(v.kind, word.text), text, what: "the text of `\(word.text)`")
                }
            case .fact(let f):
                if let title = f.title {
                    put(
                        .fact(f.name.text), title, f.titleTranslations, what: "the title of fact `\(f.name.text)`",
                        at: f.name.range)
                }
                if let question = f.question {
                    put(.question(f.name.text), question, what: "the question of fact `\(f.name.text)`")
                }
                let options: [Name]
                switch f.type {
                case .oneOf(let names): options = names
                case .bool, .number, .text, .date: options = []
                }
                for (value, text) in f.optionTexts.sorted(by: { $0.key < $1.key }) {
                    guard options.contains(where: { $0.text == value }) else {
                        diagnostics.append(
                            .error(
                                "unknown-option", "`\(value)` is not an option of the fact `\(f.name.text)`",
                                at: text.range,
                                help: Suggestion.didYouMean(value, in: options.map(\.text))))
                        continue
                    }
                    put(
                        .option(fact: f.name.text, value: value), text,
                        what: "the text of option `\(value)` of fact `\(f.name.text)`")
                }
            case .constant(let c), .derived(let c):
                if let title = c.title {
                    put(
                        .value(c.name.text), title, c.titleTranslations, what: "the title of `\(c.name.text)`",
                        at: c.name.range)
                }
            case .decision(let d):
                if let title = d.title {
                    put(
                        .decision(d.name.text), title, d.titleTranslations,
                        what: "the title of decision `\(d.name.text)`", at: d.name.range)
                }
                for (outcome, text) in d.outcomeTexts.sorted(by: { $0.key < $1.key }) {
                    guard d.outcomes.contains(where: { $0.text == outcome }) else {
                        diagnostics.append(
                            .error(
                                "unknown-outcome", "`\(outcome)` is not an outcome of the decision `\(d.name.text)`",
                                at: text.range,
                                help: Suggestion.didYouMean(outcome, in: d.outcomes.map(\.text))))
                        continue
                    }
                    put(
                        .outcome(decision: d.name.text, outcome: outcome), text,
                        what: "the text of outcome `\(outcome)` of `\(d.name.text)`")
                }
                if let closing = d.closing {
                    put(.closing(d.name.text), closing, what: "the closing text of `\(d.name.text)`")
                }
            case .rule(let r):
                if let title = r.title {
                    put(
                        .rule(r.id.text), title, r.titleTranslations,
                        what: "the title of \(r.role.rawValue) `\(r.id.text)`", at: r.id.range)
                }
            case .invariant(let i):
                if let title = i.title {
                    put(
                        .invariant(i.id.text), title, i.titleTranslations,
                        what: "the title of invariant `\(i.id.text)`", at: i.id.range)
                }
            case .responsibility(let r):
                put(.party(r.party), r.party, r.partyTranslations, what: "the party \"\(r.party)\"", at: r.range)
            case .extendDecision, .disable, .example, .test:
                // Their words are not shown to a case worker: ids, test names and reasons for
                // switching a rule off are for policy staff and stay as written.
                break
            }
        }
    }

    private mutating func put(_ key: TextKey, _ text: PolicyText, what: String) {
        put(key, text.text, text.translations, what: what, at: text.range)
    }

    /// Records a text in the file's language and its translations; a later file's text (an
    /// override) replaces the earlier one whole.
    private mutating func put(
        _ key: TextKey, _ text: String, _ translations: Translations, what: String, at range: SourceRange
    ) {
        var forms: [TextLanguage: String] = [fileLanguage: text]
        for (code, translation) in translations {
            guard let language = TextLanguage(rawValue: code) else { continue }
            forms[language] = translation
        }
        entries[key] = forms
        guard declared != nil else { return }
        for language in TextLanguage.allCases where forms[language] == nil {
            let shown = text.count > 50 ? String(text.prefix(50)) + "…" : text
            diagnostics.append(
                .warning(
                    "missing-translation", "\(what) (\"\(TerminalText.escape(shown))\") has no \(language.name) form",
                    at: range,
                    help: "write it after the text: \"…\" \(language.rawValue) \"…\""))
        }
    }
}
