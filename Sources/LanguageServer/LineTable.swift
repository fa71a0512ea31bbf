import LVVRules

/// How the client counts characters in a line: UTF-16 code units (the LSP default) or UTF-8
/// bytes (when the client offers `utf-8` in `general.positionEncodings`). In `"Pilot-LVV
/// Drenthe: geïntegreerd"` the `ï` is one UTF-16 unit but two UTF-8 bytes.
public enum PositionEncoding: String, Sendable {
    case utf16 = "utf-16"
    case utf8 = "utf-8"
}

/// An LSP position: 0-based line and character (in the negotiated encoding).
public struct Position: Sendable, Equatable {
    /// The line in the rule file, from 0.
    public var line: Int
    /// The offset in the line, from 0, counted in the negotiated `PositionEncoding`.
    public var character: Int
    /// A position as the editor sends it or the server reports a diagnostic.
    public init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }
    var json: JSONValue { .object(["line": .int(line), "character": .int(character)]) }
}

/// Converts between byte offsets (what the rule language's ranges hold) and LSP positions.
/// Lines end at `\n`, `\r\n` or a lone `\r`, as the LSP specification says.
struct LineTable: Sendable {
    let bytes: [UInt8]
    /// Byte offset where each line starts.
    let starts: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        var i = 0
        while i < bytes.count {
            if bytes[i] == 10 {
                starts.append(i + 1)
            } else if bytes[i] == 13 {
                if i + 1 < bytes.count, bytes[i + 1] == 10 { i += 1 }
                starts.append(i + 1)
            }
            i += 1
        }
        self.starts = starts
    }

    /// The end of a line's text, before its terminator.
    private func contentEnd(ofLine line: Int) -> Int {
        var end = line + 1 < starts.count ? starts[line + 1] : bytes.count
        while end > starts[line], bytes[end - 1] == 10 || bytes[end - 1] == 13 { end -= 1 }
        return end
    }

    /// The position of a byte offset.
    func position(of offset: Int, encoding: PositionEncoding) -> Position {
        let offset = max(0, min(offset, bytes.count))
        var low = 0
        var high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let start = starts[low]
        let end = min(offset, contentEnd(ofLine: low))
        switch encoding {
        case .utf8:
            return Position(line: low, character: end - start)
        case .utf16:
            var units = 0
            var i = start
            while i < end {
                let lead = bytes[i]
                let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
                units += length == 4 ? 2 : 1
                i += length
            }
            return Position(line: low, character: units)
        }
    }

    /// The byte offset of a position; a character past the line's end means the end of the line,
    /// a line past the end of the text the end of the text (as the specification asks).
    func offset(of position: Position, encoding: PositionEncoding) -> Int {
        guard position.line >= 0 else { return 0 }
        guard position.line < starts.count else { return bytes.count }
        let start = starts[position.line]
        let end = contentEnd(ofLine: position.line)
        var i = start
        var units = 0
        while i < end, units < position.character {
            let lead = bytes[i]
            let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            switch encoding {
            case .utf8:
                units += 1
                i += 1
                continue
            case .utf16: units += length == 4 ? 2 : 1
            }
            i += length
        }
        return min(i, end)
    }

    /// An LSP range `{start, end}` of a byte range.
    func range(_ start: Int, _ end: Int, encoding: PositionEncoding) -> JSONValue {
        .object([
            "start": position(of: start, encoding: encoding).json, "end": position(of: end, encoding: encoding).json,
        ])
    }
}
