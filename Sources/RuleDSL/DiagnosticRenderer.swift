/// Prints diagnostics the way compilers do: `file:line:col: error: text`, the source line, and a
/// caret under the exact span; tabs and multi-byte letters do not shift the caret.
public struct DiagnosticRenderer: Sendable {
    public let files: [SourceFile]

    public init(files: [SourceFile]) {
        self.files = files
    }

    public func render(_ diagnostic: Diagnostic) -> String {
        guard diagnostic.range.file >= 0, diagnostic.range.file < files.count else {
            return "\(diagnostic.severity.rawValue): \(diagnostic.message)"
        }
        let file = files[diagnostic.range.file]
        let start = file.location(of: diagnostic.range.start)
        let end = file.location(of: diagnostic.range.end)
        var out = "\(file.path):\(start.line):\(start.column): \(diagnostic.severity.rawValue): \(diagnostic.message)\n"
        let line = file.lineText(start.line)
        out += "  " + line + "\n"
        // Build the caret line from the same characters, keeping tabs, so alignment holds.
        var marker = "  "
        var column = 1
        for scalar in line.unicodeScalars {
            if column >= start.column { break }
            marker.append(scalar == "\t" ? "\t" : " ")
            column += 1
        }
        let width = end.line == start.line ? max(1, end.column - start.column) : max(1, line.unicodeScalars.count - start.column + 1)
        marker += "^" + String(repeating: "~", count: max(0, width - 1))
        out += marker + "\n"
        if let help = diagnostic.help {
            out += "  help: \(help)\n"
        }
        return out
    }

    public func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(render).joined()
    }
}
