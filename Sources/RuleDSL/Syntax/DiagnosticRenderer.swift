import RuleValues

/// Prints diagnostics the way compilers do: `file:line:col: error: text`, the source line, and a
/// caret under the exact span; tabs and multi-byte letters do not shift the caret.
public struct DiagnosticRenderer: Sendable {
    /// The rule set's files, base first; a diagnostic's `range.file` indexes this list.
    public let files: [SourceFile]

    /// A renderer for diagnostics of these files.
    public init(files: [SourceFile]) {
        self.files = files
    }

    /// One diagnostic with its source line and caret, ending in a line break.
    public func render(_ diagnostic: Diagnostic) -> String {
        guard diagnostic.range.file >= 0, diagnostic.range.file < files.count else {
            return "\(diagnostic.severity.rawValue): \(TerminalText.escape(diagnostic.message))"
        }
        let file = files[diagnostic.range.file]
        let start = file.location(of: diagnostic.range.start)
        let end = file.location(of: diagnostic.range.end)
        var out =
            TerminalText.escape(
                "\(file.path):\(start.line):\(start.column): \(diagnostic.severity.rawValue): \(diagnostic.message)")
            + "\n"
        let line = file.lineText(start.line)
        // Control characters in the line are shown escaped (tabs kept, for the caret), so a
        // rule file cannot move the cursor or forge a line; the caret counts their escapes.
        var shown = ""
        var widths: [Int] = []
        for scalar in line.unicodeScalars {
            if scalar != "\t", TerminalText.isUnsafe(scalar) {
                let escape = TerminalText.escape(scalar)
                shown += escape
                widths.append(escape.count)
            } else {
                shown.unicodeScalars.append(scalar)
                widths.append(1)
            }
        }
        out += "  " + shown + "\n"
        // Build the caret line from the same characters, keeping tabs, so alignment holds.
        var marker = "  "
        var column = 1
        for (scalar, width) in zip(line.unicodeScalars, widths) {
            if column >= start.column { break }
            marker += scalar == "\t" ? "\t" : String(repeating: " ", count: width)
            column += 1
        }
        let lastColumn = end.line == start.line ? max(start.column + 1, end.column) : widths.count + 1
        let columns = max(1, lastColumn - start.column)
        let spanned = widths.dropFirst(start.column - 1).prefix(columns)
        let width = spanned.reduce(0, +) + (columns - spanned.count)
        marker += "^" + String(repeating: "~", count: max(0, width - 1))
        out += marker + "\n"
        if let help = diagnostic.help {
            out += "  help: \(TerminalText.escape(help))\n"
        }
        return out
    }

    /// Every diagnostic in turn, in the order given.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
    }
}
