import RuleValues

/// Makes text from outside (a case's keys and values, a path, a rule file's line) safe to print
/// for a person: every control character is written as an escape (`\n`, `\t`, `\u001b`), so one
/// message stays one line, no line can be forged (`…\nrule-check: all fine`), and no escape
/// sequence reaches a terminal. Also escaped: DEL, the C1 controls, the line and paragraph
/// separators, and the bidirectional controls (which reorder what a reader sees).
public enum TerminalText {
    /// The text with every unsafe character escaped; unchanged (no copy) when none is.
    public static func escape(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            guard isUnsafe(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            out += escape(scalar)
        }
        return out
    }

    /// The escape for one unsafe character.
    public static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            let hex = String(scalar.value, radix: 16)
            return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        }
    }

    /// Whether printing the character could break a line, move the cursor, change colours or
    /// reorder text.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
