#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import LVVRules
import RuleDSL

/// `rule-check batch --pilot P < cases.jsonl > verdicts.jsonl`: streams cases to verdicts,
/// one output line per non-blank input line, in order; a bad line yields
/// `{"line": N, "error": "…"}` and the stream goes on. Memory stays flat: one input buffer,
/// one output buffer, written out in whole lines.
enum BatchCommand {
    /// A line longer than this is reported as an error, not buffered.
    static let maximumLineLength = 1 << 20
    /// Output is flushed in chunks of about this size, always ending at a line boundary.
    static let flushThreshold = 1 << 16

    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        let args = try Arguments(command: "batch", arguments, valueFlags: ["--pilot", "--rules"], switchFlags: ["--no-trace"])
        if let extra = args.positionals.first {
            throw .usage("`rule-check batch` reads cases from standard input, not `\(extra)`: rule-check batch --pilot P < cases.jsonl")
        }
        let program = try PilotLoader.load(args)
        let processor = BatchProcessor(program: program, trace: !args.has("--no-trace"))
        let (badLines, _) = stream(from: 0, to: 1, processor)
        return badLines == 0 ? .success : .badInput
    }

    /// Reads JSONL cases from `input` and writes one line per case to `output`; returns how
    /// many lines were bad and how many bytes went out. The benchmark runs exactly this.
    static func stream(from input: Int32, to output: Int32, _ processor: BatchProcessor) -> (badLines: Int, bytes: Int) {
        var bytes = 0
        // The processor writes each line straight into this buffer.
        var buffer = ByteBuffer(capacity: flushThreshold * 2)
        defer { buffer.free() }
        var badLines = 0
        LineReader.forEachLine(descriptor: input, maximumLength: maximumLineLength) { lineNumber, line in
            switch line {
            case .tooLong:
                badLines += 1
                buffer.append(BatchProcessor.errorLine(lineNumber, "line longer than \(maximumLineLength) bytes"))
            case .bytes(let bytes):
                guard !BatchProcessor.isBlank(bytes) else { return }
                if !processor.process(bytes, lineNumber: lineNumber, into: &buffer) { badLines += 1 }
            }
            // Whole lines only, in one write: a killed run leaves no half line behind.
            if buffer.count >= flushThreshold {
                Console.writeAll(output, buffer.bytes)
                bytes += buffer.count
                buffer.removeAll()
            }
        }
        Console.writeAll(output, buffer.bytes)
        return (badLines, bytes + buffer.count)
    }
}

/// Reads a file descriptor line by line into one reused buffer: constant memory whatever the
/// input size; a final line without a newline still counts.
enum LineReader {
    enum Line {
        case bytes(UnsafeBufferPointer<UInt8>)
        case tooLong
    }

    static func forEachLine(descriptor: Int32, maximumLength: Int, _ body: (Int, Line) -> Void) {
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk * 2)
        var start = 0  // start of the current line in buffer
        var end = 0  // end of valid bytes
        var lineNumber = 1
        var discarding = false  // inside a line that was too long
        var eof = false
        while !eof {
            if buffer.count - end < chunk {
                // Move the partial line to the front, growing only up to the line limit.
                if start > 0 {
                    buffer.withUnsafeMutableBufferPointer { p in
                        _ = memmove(p.baseAddress!, p.baseAddress! + start, end - start)
                    }
                    end -= start
                    start = 0
                }
                if buffer.count - end < chunk { buffer += [UInt8](repeating: 0, count: chunk) }
            }
            let count = buffer.withUnsafeMutableBufferPointer { p in
                read(descriptor, p.baseAddress! + end, chunk)
            }
            if count < 0 {
                if errno == EINTR { continue }
                eof = true
            } else if count == 0 {
                eof = true
            } else {
                end += count
            }
            buffer.withUnsafeBufferPointer { p in
                let base = p.baseAddress!
                // memchr finds the line ends: the C library scans many bytes per step.
                while start < end, let found = memchr(base + start, Int32(UInt8(ascii: "\n")), end - start) {
                    let scan = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    if discarding {
                        discarding = false
                    } else {
                        var lineEnd = scan
                        if lineEnd > start, p[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                        body(lineNumber, .bytes(UnsafeBufferPointer(rebasing: p[start..<lineEnd])))
                    }
                    lineNumber += 1
                    start = scan + 1
                }
            }
            if !discarding, end - start > maximumLength {
                body(lineNumber, .tooLong)
                discarding = true
            }
            if discarding {
                start = end  // drop what we have of the long line
            }
        }
        if !discarding, end > start {
            buffer.withUnsafeBufferPointer { p in
                var lineEnd = end
                if p[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                body(lineNumber, .bytes(UnsafeBufferPointer(rebasing: p[start..<lineEnd])))
            }
        }
    }
}
