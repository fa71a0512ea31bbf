#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a file descriptor line by line into one reused buffer: constant memory whatever the
/// input size; a final line without a newline still counts; a line end is `\n` or `\r\n`.
public enum LineReader {
    /// One line handed to the body: its bytes (line end left out), or word that it was too long.
    public enum Line {
        case bytes(UnsafeBufferPointer<UInt8>)
        /// Longer than the limit (its line end not counted), and not blank: its bytes were dropped.
        case tooLong
    }

    /// How reading ended: at the end of the input, at a read error, or when the body said stop.
    public struct End {
        /// The error number of the read that failed.
        public var readError: Int32?
        /// The number of the last line handed to the body (0 for none).
        public var lastLine = 0
    }

    /// Hands each line to `body` with its number (from 1), until the input ends, a read fails,
    /// or `body` returns false. A line longer than `maximumLength` is `.tooLong`, unless it holds
    /// only blanks (spaces, tabs, CRs): then, as any blank line, it is passed over without a word.
    @discardableResult
    public static func forEachLine(descriptor: Int32, maximumLength: Int, _ body: (Int, Line) -> Bool) -> End {
        forEachLine(read: { FileSystem.systemRead(descriptor, $0, $1) }, maximumLength: maximumLength, body)
    }

    /// The same over any `read(2)`-like source (the service reads a request body this way).
    @discardableResult
    public static func forEachLine(
        read: (UnsafeMutablePointer<UInt8>, Int) -> Int, maximumLength: Int, _ body: (Int, Line) -> Bool
    ) -> End {
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
                read(p.baseAddress! + end, chunk)
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
                    discardedBlank =
                        discardedBlank && BatchProcessor.isBlank(UnsafeBufferPointer(rebasing: p[start..<end]))
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
