import RuleValues

/// Turns a rule file's bytes into tokens. Never fails: bad bytes become diagnostics and the
/// lexer carries on, so the parser can report every problem in one run.
public struct Lexer {
    /// Longest identifier or literal accepted; longer ones are almost surely a pasted blob.
    public static let maximumTokenLength = 1_024

    private let source: SourceFile
    private let fileIndex: Int
    private var position = 0
    /// Problems found so far (bad bytes, unterminated strings, overlong tokens).
    public private(set) var diagnostics: [Diagnostic] = []
    /// Set by the formatter, the one reader of comments; off for every other load, so
    /// ordinary lexing pays one untaken branch per comment.
    public var keepsComments = false
    /// Each comment's range, from `#` to the end of its line (without the line break).
    public private(set) var comments: [SourceRange] = []

    /// A lexer for one rule file; `fileIndex` is its place in the rule set, for source ranges.
    public init(source: SourceFile, fileIndex: Int) {
        self.source = source
        self.fileIndex = fileIndex
    }

    /// All tokens, ending with exactly one `.endOfFile`.
    public mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        let bytes = source.bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
        checkLineEnds()
        while true {
            skipTrivia()
            guard position < bytes.count else { break }
            let start = position
            let byte = bytes[position]
            if isIdentifierStart(byte) {
                while position < bytes.count, isIdentifierPart(bytes[position]) { position += 1 }
                tokens.append(make(.identifier, start))
            } else if isDigit(byte) {
                tokens.append(lexNumberOrDate(start))
            } else if byte == UInt8(ascii: "\"") {
                if let token = lexString(start) { tokens.append(token) }
            } else if let token = lexSymbol(start) {
                tokens.append(token)
            } else {
                // Skip one whole UTF-8 sequence so the message names the character the user sees.
                position += 1
                while position < bytes.count, bytes[position] & 0xC0 == 0x80 { position += 1 }
                let text = String(decoding: bytes[start..<position], as: UTF8.self)
                let shown =
                    byte == 0 ? "NUL byte" : (byte < 0x20 || byte == 0x7F ? "control character" : "character `\(text)`")
                report(
                    .error(
                        "unexpected-character", "unexpected \(shown)", at: range(start, position),
                        help: byte >= 0x80
                            ? "names are written in plain letters, digits and `_`; put other text in double quotes"
                            : nil))
            }
        }
        // A NUL outside comments and texts is an unexpected character above; one inside them
        // would pass unseen.
        if let nul = bytes.firstIndex(of: 0), !diagnostics.contains(where: { $0.range.start == nul }) {
            report(
                .error(
                    "nul-byte", "the file holds a NUL byte", at: range(nul, nul + 1),
                    help: "a rule file is plain UTF-8 text; remove the byte"))
        }
        tokens.append(Token(kind: .endOfFile, text: "", range: range(bytes.count, bytes.count)))
        return tokens
    }

    private mutating func skipTrivia() {
        let bytes = source.bytes
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r")
            {
                position += 1
            } else if byte == UInt8(ascii: "#") {
                let start = position
                while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
                checkUTF8(start, position)
                checkInvisible(start, position)
                if keepsComments { comments.append(range(start, position)) }
            } else {
                return
            }
        }
    }

    private mutating func lexNumberOrDate(_ start: Int) -> Token {
        let bytes = source.bytes
        // A date literal is exactly DDDD-DD-DD; anything else with digits is a number.
        if start + 10 <= bytes.count,
            (0..<10).allSatisfy({ i in
                i == 4 || i == 7 ? bytes[start + i] == UInt8(ascii: "-") : isDigit(bytes[start + i])
            }), start + 10 == bytes.count || !isIdentifierPart(bytes[start + 10])
        {
            position = start + 10
            let token = make(.date, start)
            if CivilDate.parse(token.text) == nil {
                report(
                    .error(
                        "invalid-date", "`\(token.text)` is not a valid date", at: token.range,
                        help: "dates are written YYYY-MM-DD and must exist in the calendar"))
            }
            return token
        }
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "."), isDigit(bytes[position + 1]) {
            position += 1
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, isIdentifierPart(bytes[position]) {
            while position < bytes.count, isIdentifierPart(bytes[position]) { position += 1 }
            report(
                .error(
                    "invalid-number", "`\(text(start, position))` is not a number",
                    at: range(start, position), help: "a name cannot start with a digit"))
        }
        return make(.number, start)
    }

    private mutating func lexString(_ start: Int) -> Token? {
        let bytes = source.bytes
        position += 1
        var content: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                checkUTF8(start, position)
                checkInvisible(start, position)
                let token = Token(
                    kind: .string, text: String(decoding: content, as: UTF8.self), range: range(start, position))
                if content.count > Lexer.maximumTokenLength * 16 {
                    report(
                        .error("too-long", "text longer than \(Lexer.maximumTokenLength * 16) bytes", at: token.range))
                }
                return token
            }
            if byte == UInt8(ascii: "\n") { break }
            if byte == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] != UInt8(ascii: "\n") {
                let next = bytes[position + 1]
                switch next {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): content.append(next)
                case UInt8(ascii: "n"): content.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): content.append(UInt8(ascii: "\t"))
                default:
                    report(
                        .error(
                            "invalid-escape", "unknown escape `\\\(String(decoding: [next], as: UTF8.self))` in text",
                            at: range(position, position + 2), help: "use `\\\"`, `\\\\`, `\\n` or `\\t`"))
                }
                position += 2
                continue
            }
            content.append(byte)
            position += 1
        }
        report(
            .error(
                "unterminated-string", "text is not closed", at: range(start, min(position, start + 1)),
                help: "add a closing `\"` on the same line"))
        return Token(kind: .string, text: String(decoding: content, as: UTF8.self), range: range(start, position))
    }

    private mutating func lexSymbol(_ start: Int) -> Token? {
        let bytes = source.bytes
        let byte = bytes[position]
        let next: UInt8 = position + 1 < bytes.count ? bytes[position + 1] : 0
        switch byte {
        case UInt8(ascii: "!"):
            guard next == UInt8(ascii: "=") else { return nil }
            position += 2
        case UInt8(ascii: "<"), UInt8(ascii: ">"):
            position += next == UInt8(ascii: "=") ? 2 : 1
        case UInt8(ascii: "="), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "{"), UInt8(ascii: "}"),
            UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"),
            UInt8(ascii: "*"):
            position += 1
        default:
            return nil
        }
        return make(.symbol, start)
    }

    private mutating func make(_ kind: TokenKind, _ start: Int) -> Token {
        if position - start > Lexer.maximumTokenLength {
            report(
                .error(
                    "too-long", "name or number longer than \(Lexer.maximumTokenLength) characters",
                    at: range(start, start + 1)))
            return Token(
                kind: kind, text: String(decoding: source.bytes[start..<(start + 32)], as: UTF8.self),
                range: range(start, position))
        }
        return Token(kind: kind, text: text(start, position), range: range(start, position))
    }

    /// Warns of each zero-width or bidirectional-control character in a text or comment:
    /// `"Noord\u{200B}-Brabant"` looks like `"Noord-Brabant"` but matches no case, and a
    /// right-to-left override can make a line read otherwise than it is.
    private mutating func checkInvisible(_ start: Int, _ end: Int) {
        let bytes = source.bytes
        var index = start
        while index + 2 < end {
            // All of them are three bytes in UTF-8: E2 80 xx, E2 81 xx or EF BB BF.
            let (a, b, c) = (bytes[index], bytes[index + 1], bytes[index + 2])
            var name: String?
            if a == 0xE2, b == 0x80 {
                switch c {
                case 0x8B: name = "zero-width space U+200B"
                case 0x8C: name = "zero-width non-joiner U+200C"
                case 0x8D: name = "zero-width joiner U+200D"
                case 0xAA...0xAE:
                    name = "bidirectional control U+202" + String(c - 0xAA + 0xA, radix: 16, uppercase: true)
                default: break
                }
            } else if a == 0xE2, b == 0x81 {
                switch c {
                case 0xA0: name = "word joiner U+2060"
                case 0xA6...0xA9: name = "bidirectional isolate U+206" + String(c - 0xA6 + 6)
                default: break
                }
            } else if a == 0xEF, b == 0xBB, c == 0xBF {
                name = "zero-width no-break space U+FEFF"
            }
            if let name {
                report(
                    .warning(
                        "invisible-character", "invisible \(name) here", at: range(index, index + 3),
                        help: "it cannot be seen but changes the text, so the value matches no case; delete it"))
                index += 3
            } else {
                index += 1
            }
        }
    }

    /// Reports the first carriage return without a line feed, wherever it is (comments
    /// included): a file saved with bare CR line ends would otherwise read as one long comment
    /// and check clean. Bare CRs are refused rather than read as line ends, so the file is shown
    /// and counted the same way by every tool.
    private mutating func checkLineEnds() {
        let bytes = source.bytes
        var index = bytes.firstIndex(of: UInt8(ascii: "\r"))
        while let cr = index {
            if cr + 1 >= bytes.count || bytes[cr + 1] != UInt8(ascii: "\n") {
                report(
                    .error(
                        "bare-cr", "a carriage return without a line feed: lines must end in LF or CRLF",
                        at: range(cr, cr + 1), help: "save the file with LF (Unix) or CRLF (Windows) line ends"))
                return
            }
            index = bytes[(cr + 1)...].firstIndex(of: UInt8(ascii: "\r"))
        }
    }

    /// Reports invalid UTF-8 inside comments and text, the only places non-ASCII may appear.
    private mutating func checkUTF8(_ start: Int, _ end: Int) {
        // Most text is ASCII, which is valid UTF-8 as it stands.
        if !source.bytes[start..<end].contains(where: { $0 >= 0x80 }) { return }
        var iterator = source.bytes[start..<end].makeIterator()
        var decoder = UTF8()
        var offset = start
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: break loop
            case .error:
                report(
                    .error(
                        "invalid-utf8", "the file is not valid UTF-8 here", at: range(offset, offset + 1),
                        help: "save the rule file as UTF-8"))
                break loop
            }
        }
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: source.bytes[start..<end], as: UTF8.self)
    }

    private func range(_ start: Int, _ end: Int) -> SourceRange {
        SourceRange(file: fileIndex, start: start, end: end)
    }

    private mutating func report(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    private func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95
    }
    private func isIdentifierPart(_ b: UInt8) -> Bool { isIdentifierStart(b) || isDigit(b) }
}
