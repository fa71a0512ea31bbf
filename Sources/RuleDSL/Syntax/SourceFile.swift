import RuleValues

/// A rule file's text with its name, so every stage can point back at file, line and column.
public struct SourceFile: Sendable {
    /// The path as the user named it; diagnostics print it verbatim.
    public let path: String
    /// The text as UTF-8 bytes; the lexer works on bytes, never on `Character`s, for speed.
    public let bytes: [UInt8]
    /// Byte offsets where each line starts (line 1 starts at 0).
    public let lineStarts: [Int]

    /// A file read as bytes; the line starts are found once, for diagnostics.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(index + 1)
        }
        self.lineStarts = starts
    }

    /// A file given as text (tests, an editor's buffer), stored as UTF-8 bytes.
    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// 1-based line and column of a byte offset; the column counts characters, not bytes,
    /// so a caret under text with accented letters lands where the reader expects it.
    public func location(of offset: Int) -> SourceLocation {
        let clamped = max(0, min(offset, bytes.count))
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
        }
        var column = 1
        var index = lineStarts[low]
        while index < clamped {
            // Count UTF-8 scalar starts only (continuation bytes are 10xxxxxx).
            if bytes[index] & 0xC0 != 0x80 { column += 1 }
            index += 1
        }
        return SourceLocation(line: low + 1, column: column)
    }

    /// The text of a 1-based line without its line terminator.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] : bytes.count
        while end > start, bytes[end - 1] == UInt8(ascii: "\n") || bytes[end - 1] == UInt8(ascii: "\r") {
            end -= 1
        }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

/// A 1-based line and column.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 1-based line number.
    public let line: Int
    /// The 1-based column, counted in characters, not bytes.
    public let column: Int
    /// A location at `line` and `column`, both 1-based.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    /// Earlier in the file first, so diagnostics sort in reading order.
    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
    /// `line:column`, as diagnostics print it.
    public var description: String { "\(line):\(column)" }
}

/// A half-open byte range in one source file; the unit every diagnostic and trace event points at.
public struct SourceRange: Sendable, Hashable {
    /// Index of the file in the rule set's file list (0 for a single file).
    public var file: Int
    /// Byte offset of the first byte in the range.
    public var start: Int
    /// Byte offset just past the last byte in the range.
    public var end: Int
    /// A range of bytes `start..<end` in the file at `file`.
    public init(file: Int, start: Int, end: Int) {
        self.file = file
        self.start = start
        self.end = max(start, end)
    }
    /// The smallest range covering both.
    public func joined(_ other: SourceRange) -> SourceRange {
        SourceRange(file: file, start: min(start, other.start), end: max(end, other.end))
    }
}
