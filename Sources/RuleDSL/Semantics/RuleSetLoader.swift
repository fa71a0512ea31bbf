import RuleSyntax
import RuleValues

/// The front door of the language: load = read chain → lex → parse → compose → check (rules, texts).
/// It stops after parse errors (checking a half-parsed file only adds noise).
public enum RuleSetLoader {
    /// Larger rule files are refused before lexing: a rule file is written by people.
    public static let maximumFileSize = 4 * 1024 * 1024
    /// How many files may extend each other (national ← pilot ← variant …).
    public static let maximumChainLength = 8

    /// The result of loading: a program when there were no errors, and every diagnostic.
    public struct Result: Sendable {
        /// The compiled rule set; nil when any diagnostic is an error.
        public let program: Program?
        /// Every error and warning of lexing, parsing and checking, in file order.
        public let diagnostics: [Diagnostic]
        /// The files read, base first; diagnostics' `range.file` indexes this list.
        public let files: [SourceFile]

        /// The diagnostics that stop the rule set from loading.
        public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    }

    /// Loads `top` and the files it extends; `resolveBase` finds a base rule set by name.
    public static func load(_ top: SourceFile, resolveBase: (String) -> SourceFile?) -> Result {
        // Find the chain first, top down; then parse it base first so file indices are in order.
        var chain = [top]
        var names: [String] = []
        var chainDiagnostics: [Diagnostic] = []
        // Rule sets named otherwise than their files, by place from the top (0: `top`).
        var misnamed: [(fromTop: Int, header: RulesetHeader)] = []
        while true {
            let current = chain[0]
            if let tooBig = sizeError(current, fileIndex: 0) {
                return Result(program: nil, diagnostics: [tooBig], files: [current])
            }
            let (parsed, _) = Parser.parse(current, fileIndex: 0)
            if let header = parsed.header, header.name.text != stem(current.path) {
                misnamed.append((chain.count - 1, header))
            }
            // A base that is not a name (`extends ../x`) has its own syntax error.
            guard let header = parsed.header, let base = header.base, !base.text.isEmpty else { break }
            names.append(header.name.text)
            if chain.count >= maximumChainLength || names.contains(base.text) || base.text == header.name.text {
                chainDiagnostics.append(
                    .error(
                        "extends-cycle",
                        "rule set `\(header.name.text)` cannot extend `\(base.text)`: the chain goes round or is longer than \(maximumChainLength)",
                        at: base.range))
                break
            }
            guard let baseFile = resolveBase(base.text) else {
                chainDiagnostics.append(
                    .error(
                        "unknown-base", "cannot find the rule set `\(base.text)` to extend",
                        at: base.range, help: "put `\(base.text).rules` next to this file"))
                break
            }
            chain.insert(baseFile, at: 0)
        }
        if !chainDiagnostics.isEmpty {
            // Point the diagnostics at the file that named the missing base (now the first in `chain`).
            let fixed = chainDiagnostics.map {
                Diagnostic(
                    $0.severity, $0.code, $0.message,
                    at: SourceRange(file: 0, start: $0.range.start, end: $0.range.end),
                    help: $0.help)
            }
            return Result(program: nil, diagnostics: fixed, files: [chain[0]])
        }
        let result = load(chain: chain)
        guard !misnamed.isEmpty else { return result }
        // A pilot is found by its file's name and its verdicts carry the rule set's name: the
        // two must be the same, or `eval --pilot groningen` would label verdicts `amsterdam`.
        var diagnostics = result.diagnostics
        for (fromTop, header) in misnamed {
            let file = chain.count - 1 - fromTop
            let stem = stem(chain[file].path)
            diagnostics.append(
                .error(
                    "ruleset-name", "the rule set is called `\(header.name.text)`, but its file is `\(stem).rules`",
                    at: SourceRange(file: file, start: header.name.range.start, end: header.name.range.end),
                    help: "name the rule set `\(stem)`, or the file `\(header.name.text).rules`"))
        }
        return Result(
            program: nil,
            diagnostics: diagnostics.sorted { ($0.range.file, $0.range.start) < ($1.range.file, $1.range.start) },
            files: result.files)
    }

    /// Loads an explicit chain, base first.
    public static func load(chain: [SourceFile]) -> Result {
        var parsedFiles: [RuleFile] = []
        var diagnostics: [Diagnostic] = []
        for (index, file) in chain.enumerated() {
            if let tooBig = sizeError(file, fileIndex: index) {
                return Result(program: nil, diagnostics: [tooBig], files: chain)
            }
            let (parsed, parseDiagnostics) = Parser.parse(file, fileIndex: index)
            parsedFiles.append(parsed)
            diagnostics += parseDiagnostics
            if parsed.header == nil, parsed.declarations.isEmpty,
                !parseDiagnostics.contains(where: { $0.severity == .error })
            {
                // Empty, all comments, or cut off before its first declaration.
                diagnostics.append(
                    .error(
                        "empty-file", "`\(stem(file.path)).rules` declares nothing",
                        at: SourceRange(file: index, start: 0, end: 0),
                        help: "a rule file starts with `ruleset` or a declaration such as `fact`"))
            }
        }
        if diagnostics.contains(where: { $0.severity == .error }) {
            return Result(program: nil, diagnostics: diagnostics, files: chain)
        }
        var hasher = SHA256()
        for file in chain { hasher.update(file.bytes) }
        let digest = hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        let top = parsedFiles[parsedFiles.count - 1]
        let name = top.header?.name.text ?? stem(chain[chain.count - 1].path)
        let composition = Composition(parsedFiles)
        let (texts, textDiagnostics) = TextCollector.collect(parsedFiles)
        var checker = Checker(composition: composition, files: chain)
        let (program, checkDiagnostics) = checker.check(
            name: name, title: top.header?.title, sha256: digest, texts: texts)
        // The text warnings join the checker's in location order (they are rarely there at all).
        let all =
            diagnostics
            + (textDiagnostics.isEmpty
                ? checkDiagnostics
                : (checkDiagnostics + textDiagnostics).enumerated().sorted {
                    ($0.element.range.file, $0.element.range.start, $0.offset) < (
                        $1.element.range.file, $1.element.range.start, $1.offset
                    )
                }.map(\.element))
        guard !textDiagnostics.contains(where: { $0.severity == .error }) else {
            return Result(program: nil, diagnostics: all, files: chain)
        }
        return Result(program: program, diagnostics: all, files: chain)
    }

    private static func sizeError(_ file: SourceFile, fileIndex: Int) -> Diagnostic? {
        guard file.bytes.count > maximumFileSize else { return nil }
        return .error(
            "file-too-large", "rule file is \(file.bytes.count) bytes; the limit is \(maximumFileSize)",
            at: SourceRange(file: fileIndex, start: 0, end: 0))
    }

    /// `rules/groningen.rules` → `groningen`.
    static func stem(_ path: String) -> String {
        let last = path.split(separator: "/").last.map(String.init) ?? path
        if let dot = last.lastIndex(of: ".") { return String(last[..<dot]) }
        return last
    }
}
