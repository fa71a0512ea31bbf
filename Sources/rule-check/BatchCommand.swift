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
    /// A line longer than this (its line end not counted) is reported as an error, not
    /// buffered: the documented limit exactly, the size a case may have (`CaseReader`).
    static let maximumLineLength = CaseReader.maximumCaseSize
    /// Output is flushed in chunks of about this size, always ending at a line boundary.
    static let flushThreshold = 1 << 16

    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        let args = try Arguments(command: "batch", arguments, valueFlags: ["--pilot", "--rules"], switchFlags: ["--no-trace"])
        if let extra = args.positionals.first {
            throw .usage("`rule-check batch` reads cases from standard input, not `\(extra)`: rule-check batch --pilot P < cases.jsonl")
        }
        let program = try PilotLoader.load(args)
        let processor = BatchProcessor(program: program, trace: !args.has("--no-trace"))
        let result = stream(from: 0, to: 1, processor)
        switch result.failure {
        case nil:
            break
        case .write(let code, let line)?:
            Console.outputFailure = code
            Console.outputFailureReported = true
            throw CommandError(
                status: .failure,
                message: "cannot write the output for input line \(line) to standard output: \(Console.describe(code)); it and the lines after it are lost")
        case .read(let code, let line)?:
            let after = line > 0 ? " after line \(line)" : ""
            throw CommandError(status: .badInput, message: "cannot read standard input\(after): \(FileSystem.describe(code))")
        }
        return result.badLines == 0 ? .success : .badInput
    }

    /// How a stream ended early.
    enum Failure: Equatable {
        /// Reading failed after input line `line` (0: before the first).
        case read(Int32, line: Int)
        /// Writing failed; the output for input line `line` (and all after it) did not go out whole.
        case write(Int32, line: Int)
    }

    /// Reads JSONL cases from `input` and writes one line per case to `output`: how many lines
    /// were bad, how many bytes went out, and what stopped it early. The benchmark runs exactly this.
    static func stream(from input: Int32, to output: Int32, _ processor: BatchProcessor)
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
            let sent = Console.writeAll(output, buffer.bytes)
            bytes += sent.written
            if sent.error != 0 {
                let whole = buffer.bytes.prefix(sent.written).reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
                failure = .write(sent.error, line: lineNumbers.isEmpty ? 0 : lineNumbers[min(whole, lineNumbers.count - 1)])
                return false
            }
            buffer.removeAll()
            lineNumbers.removeAll(keepingCapacity: true)
            return true
        }
        let end = LineReader.forEachLine(descriptor: input, maximumLength: maximumLineLength) { lineNumber, line in
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

/// Reads a file descriptor line by line into one reused buffer: constant memory whatever the
/// input size; a final line without a newline still counts; a line end is `\n` or `\r\n`.
enum LineReader {
    enum Line {
        case bytes(UnsafeBufferPointer<UInt8>)
        /// Longer than the limit (its line end not counted), and not blank: its bytes were dropped.
        case tooLong
    }

    /// How reading ended: at the end of the input, at a read error, or when the body said stop.
    struct End {
        /// The error number of the read that failed.
        var readError: Int32?
        /// The number of the last line handed to the body (0 for none).
        var lastLine = 0
    }

    /// Hands each line to `body` with its number (from 1), until the input ends, a read fails,
    /// or `body` returns false. A line longer than `maximumLength` is `.tooLong`, unless it holds
    /// only blanks (spaces, tabs, CRs): then, as any blank line, it is passed over without a word.
    @discardableResult
    static func forEachLine(descriptor: Int32, maximumLength: Int, _ body: (Int, Line) -> Bool) -> End {
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk * 2)
        var start = 0  // start of the current line in buffer
        var end = 0  // end of valid bytes
        var lineNumber = 1
        var discarding = false  // inside a line that was too long
        var discardedBlank = true  // and all of it so far was blanks
        var result = End()
        var going = true

        /// The line `p[start..<lineEnd]` (its `\n` left out) is complete.
        func finish(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ lineEnd: Int) {
            var lineEnd = lineEnd
            if lineEnd > start, p[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            let line = UnsafeBufferPointer(rebasing: p[start..<lineEnd])
            if discarding {
                if !(discardedBlank && BatchProcessor.isBlank(line)) { going = body(lineNumber, .tooLong) }
            } else if line.count > maximumLength {
                if !BatchProcessor.isBlank(line) { going = body(lineNumber, .tooLong) }
            } else {
                going = body(lineNumber, .bytes(line))
            }
            result.lastLine = lineNumber
            discarding = false
            discardedBlank = true
        }

        while going {
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
                FileSystem.systemRead(descriptor, p.baseAddress! + end, chunk)
            }
            if count < 0 {
                if errno == EINTR { continue }
                result.readError = errno
                return result
            }
            if count == 0 { break }
            end += count
            buffer.withUnsafeBufferPointer { p in
                let base = p.baseAddress!
                // memchr finds the line ends: the C library scans many bytes per step.
                while going, start < end, let found = memchr(base + start, Int32(UInt8(ascii: "\n")), end - start) {
                    let scan = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    finish(p, start, scan)
                    lineNumber += 1
                    start = scan + 1
                }
                // A partial line past the limit (and a CR that may end it) cannot be a case: drop
                // its bytes as they come, remembering whether they were all blanks.
                if going, discarding || end - start > maximumLength + 1 {
                    discardedBlank = discardedBlank && BatchProcessor.isBlank(UnsafeBufferPointer(rebasing: p[start..<end]))
                    discarding = true
                    start = end
                }
            }
        }
        if going, discarding || end > start {
            buffer.withUnsafeBufferPointer { p in finish(p, start, end) }
        }
        return result
    }
}
