import RuleDSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the reader gets bytes: standard input, a pipe, or a buffer in tests and benchmarks.
public protocol ByteSource {
    /// Reads up to `count` bytes; an empty result means the end of input.
    mutating func read(upTo count: Int) -> [UInt8]
}

/// A file descriptor (standard input for `rule-check lsp`).
public struct DescriptorSource: ByteSource {
    /// The descriptor read from: 0, standard input, when an editor runs `rule-check lsp`.
    public let descriptor: Int32
    /// A source reading from `descriptor`; it is not closed by the reader.
    public init(descriptor: Int32) { self.descriptor = descriptor }

    /// Reads what is available, up to `count` bytes, retrying when interrupted; empty at end or error.
    public mutating func read(upTo count: Int) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        while true {
            let n = buffer.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, count) }
            if n < 0, errno == EINTR { continue }
            return n <= 0 ? [] : Array(buffer[0..<n])
        }
    }
}

private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
        return Glibc.read(fd, buffer, count)
    #elseif canImport(Darwin)
        return Darwin.read(fd, buffer, count)
    #endif
}

/// Bytes held in memory, handed out in chunks of at most `chunk` bytes (to test frames split
/// across reads).
public struct BufferSource: ByteSource {
    private var bytes: [UInt8]
    private var position = 0
    private let chunk: Int
    /// A source over `bytes`, handing out at most `chunk` bytes per read.
    public init(_ bytes: [UInt8], chunk: Int = 65_536) {
        self.bytes = bytes
        self.chunk = max(1, chunk)
    }
    /// The next at most `count` bytes (and at most `chunk`); empty when all were read.
    public mutating func read(upTo count: Int) -> [UInt8] {
        let end = min(bytes.count, position + min(count, chunk))
        defer { position = end }
        return Array(bytes[position..<end])
    }
}

/// Splits the byte stream into frames: header lines (`Content-Length: N`, others ignored), an
/// empty line, then N bytes of body. A bad frame is reported and skipped; the reader then goes
/// on with the next header, so one broken message never stops the server.
public struct MessageReader<Source: ByteSource> {
    /// The largest body accepted: 16 MiB, four times the largest rule file (a rule file's text,
    /// JSON-escaped, inside a `didOpen`). A larger body is read and thrown away unbuffered.
    public static var maximumBodySize: Int { 4 * RuleSetLoader.maximumFileSize }
    /// The largest header section accepted; real headers are under 100 bytes.
    public static var maximumHeaderSize: Int { 8 * 1024 }

    /// What the next frame was.
    public enum Frame: Sendable, Equatable {
        case message([UInt8])
        /// A frame that was skipped, and why (answered with an error whose id is null).
        case malformed(String)
        /// The input ended inside a frame.
        case truncated(String)
        case end
    }

    private var source: Source
    private var buffer: [UInt8] = []
    private var position = 0
    /// How far `findHeaderEnd` has looked (an index into `buffer`).
    private var searched = 0
    private var atEnd = false

    /// A reader taking the language server's messages from `source`.
    public init(source: Source) {
        self.source = source
    }

    /// Reads the next frame.
    public mutating func next() -> Frame {
        // The header section: up to and including the first empty line.
        var headerEnd: Int?
        while headerEnd == nil {
            if let end = findHeaderEnd() {
                headerEnd = end
                break
            }
            if buffer.count - position > Self.maximumHeaderSize {
                // No empty line where one must be: drop what we have up to the last line break,
                // so a frame starting further on is still found.
                let lastBreak = buffer[position...].lastIndex(of: 10) ?? buffer.count
                position = lastBreak
                compact()
                return .malformed("header section longer than \(Self.maximumHeaderSize) bytes")
            }
            if !fill() {
                let rest = buffer.count - position
                position = buffer.count
                if rest == 0 || buffer[buffer.count - rest..<buffer.count].allSatisfy({ $0 == 13 || $0 == 10 }) {
                    return .end
                }
                return .truncated("the input ended inside a message header")
            }
        }
        let header = Array(buffer[position..<headerEnd!])
        position = headerEnd! + 4
        if header.count > Self.maximumHeaderSize {
            compact()
            return .malformed("header section longer than \(Self.maximumHeaderSize) bytes")
        }
        let length: Int
        switch Self.contentLength(header) {
        case .success(let n): length = n
        case .failure(let problem):
            compact()
            return .malformed(problem.message)
        }
        if length > Self.maximumBodySize {
            var remaining = length
            while remaining > 0 {
                let available = buffer.count - position
                if available == 0 {
                    if !fill() { return .truncated("the input ended inside a message of \(length) bytes") }
                    continue
                }
                let take = min(available, remaining)
                position += take
                remaining -= take
                compact()
            }
            return .malformed("message of \(length) bytes is larger than the limit of \(Self.maximumBodySize) bytes")
        }
        while buffer.count - position < length {
            if !fill() {
                position = buffer.count
                return .truncated("the input ended inside a message of \(length) bytes")
            }
        }
        let body = Array(buffer[position..<position + length])
        position += length
        compact()
        return .message(body)
    }

    private struct HeaderProblem: Error { let message: String }

    /// The `Content-Length` of a header section; header names are case-insensitive, other
    /// headers are ignored. The name is looked for anywhere in a line, so a header right after
    /// the body of a frame that could not be read (no or a bad length) is still found.
    private static func contentLength(_ header: [UInt8]) -> Result<Int, HeaderProblem> {
        let text = String(decoding: header, as: UTF8.self)
        var length: Int?
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            let lower = Array(line.lowercased().utf8)
            let name = Array("content-length".utf8)
            guard lower.count >= name.count,
                let at = (0...(lower.count - name.count)).last(where: {
                    lower[$0..<$0 + name.count].elementsEqual(name)
                })
            else { continue }
            let rest = Substring(String(decoding: lower[(at + name.count)...], as: UTF8.self)).drop {
                $0 == " " || $0 == "\t"
            }
            guard rest.first == ":" else { continue }
            let value = rest.dropFirst().trimmingSpaces
            guard !value.isEmpty, value.count <= 18, value.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(value)
            else {
                return .failure(
                    HeaderProblem(
                        message: "`Content-Length` must be a whole number of bytes, not `\(value.prefix(40))`"))
            }
            length = n
        }
        guard let length else { return .failure(HeaderProblem(message: "message without `Content-Length` header")) }
        return .success(length)
    }

    /// The offset of `\r\n\r\n` after `position`, if buffered. Bytes already searched are not
    /// searched again, so a header arriving a byte at a time costs linear time.
    private mutating func findHeaderEnd() -> Int? {
        var i = max(position, searched - 3)
        while i + 3 < buffer.count {
            if buffer[i] == 13, buffer[i + 1] == 10, buffer[i + 2] == 13, buffer[i + 3] == 10 { return i }
            i += 1
        }
        searched = buffer.count
        return nil
    }

    /// Reads more input; false at the end.
    private mutating func fill() -> Bool {
        if atEnd { return false }
        let more = source.read(upTo: 65_536)
        if more.isEmpty {
            atEnd = true
            return false
        }
        buffer += more
        return true
    }

    /// Drops consumed bytes once they are the larger part of the buffer.
    private mutating func compact() {
        if position > 0, position * 2 >= buffer.count {
            buffer.removeFirst(position)
            searched = max(0, searched - position)
            position = 0
        }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        var text = self.drop { $0 == " " || $0 == "\t" }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}

/// Writes every byte to a file descriptor (standard output for `rule-check lsp`), retrying
/// short writes; a closed pipe ends the writes silently (the client went away).
public struct DescriptorSink {
    /// The descriptor written to: 1, standard output, for `rule-check lsp`.
    public let descriptor: Int32
    /// A sink writing to `descriptor`; it is not closed by the sink.
    public init(descriptor: Int32) { self.descriptor = descriptor }

    /// Writes all of `bytes` (one framed message to the editor), or stops silently when the pipe is closed.
    public func write(_ bytes: [UInt8]) {
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { buffer in
                #if canImport(Glibc)
                    Glibc.write(descriptor, buffer.baseAddress, buffer.count)
                #elseif canImport(Darwin)
                    Darwin.write(descriptor, buffer.baseAddress, buffer.count)
                #endif
            }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return }
            written += n
        }
    }
}
