import RuleDSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The line rules of `rule-check batch`, shared by the command and the service (`POST
/// …/batch`): one output line per non-blank input line, in order; a bad line yields
/// `{"line": N, "error": "…"}` and the stream goes on. Memory stays flat: one input buffer,
/// one output buffer, written out in whole lines.
public enum BatchStream {
    /// A line longer than this (its line end not counted) is reported as an error, not
    /// buffered: the documented limit exactly, the size a case may have (`CaseReader`).
    public static let maximumLineLength = CaseReader.maximumCaseSize
    /// Output is flushed in chunks of about this size, always ending at a line boundary.
    public static let flushThreshold = 1 << 16

    /// How a stream ended early.
    public enum Failure: Equatable, Sendable {
        /// Reading failed after input line `line` (0: before the first).
        case read(Int32, line: Int)
        /// Writing failed; the output for input line `line` (and all after it) did not go out whole.
        case write(Int32, line: Int)
    }

    /// Reads JSONL cases through `read` (a `read(2)`: bytes read, 0 at the end, -1 with `errno`)
    /// and writes one line per case through `write`: how many lines were bad, how many bytes went
    /// out, and what stopped it early. `rule-check batch`, the benchmark and the service run exactly this.
    public static func run(
        read: (UnsafeMutablePointer<UInt8>, Int) -> Int,
        write: (UnsafeBufferPointer<UInt8>) -> (written: Int, error: Int32), _ processor: BatchProcessor
    )
        -> (badLines: Int, bytes: Int, failure: Failure?)
    {
        var bytes = 0
        // The processor writes each line straight into this buffer.
        var buffer = ByteBuffer(capacity: flushThreshold * 2)
        defer { buffer.free() }
        // The input line of each output line in the buffer, to say which was lost.
        var lineNumbers: [Int] = []
        lineNumbers.reserveCapacity(1024)
        var badLines = 0
        var failure: Failure?
        // Whole lines only, in one write: a killed run leaves no half line behind.
        func flush() -> Bool {
            let sent = write(buffer.bytes)
            bytes += sent.written
            if sent.error != 0 {
                let whole = buffer.bytes.prefix(sent.written).reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
                failure = .write(
                    sent.error, line: lineNumbers.isEmpty ? 0 : lineNumbers[min(whole, lineNumbers.count - 1)])
                return false
            }
            buffer.removeAll()
            lineNumbers.removeAll(keepingCapacity: true)
            return true
        }
        let end = LineReader.forEachLine(read: read, maximumLength: maximumLineLength) { lineNumber, line in
            switch line {
            case .tooLong:
                badLines += 1
                buffer.append(BatchProcessor.errorLine(lineNumber, "line longer than \(maximumLineLength) bytes"))
            case .bytes(let bytes):
                guard !BatchProcessor.isBlank(bytes) else { return true }
                if !processor.process(bytes, lineNumber: lineNumber, into: &buffer) { badLines += 1 }
            }
            lineNumbers.append(lineNumber)
            return buffer.count < flushThreshold || flush()
        }
        if failure == nil, buffer.count > 0 { _ = flush() }
        if failure == nil, let code = end.readError { failure = .read(code, line: end.lastLine) }
        return (badLines, bytes, failure)
    }
}
