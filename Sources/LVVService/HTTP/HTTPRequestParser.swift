/// The head of one HTTP/1.1 request, as the parser found it: nothing in it is trusted further
/// than the parser checked (RFC 9112 syntax, the documented limits).
public struct HTTPRequestHead: Sendable, Equatable {
    /// The method, as sent (methods are case-sensitive), e.g. `POST` for a decision.
    public var method: String
    /// The request target as sent (origin form: `/path?query`).
    public var target: String
    /// The target's path, undecoded.
    public var path: String
    /// The query's parameters in order, `+` and `%XX` decoded.
    public var query: [(name: String, value: String)]
    /// HTTP/1.1 (true) or HTTP/1.0 (false).
    public var isHTTP11: Bool
    /// Header fields in order, names in lower case.
    public var headers: [(name: String, value: String)]
    /// The body's length from `Content-Length`; nil when there is none.
    public var contentLength: Int?
    /// A `Transfer-Encoding` was given (the service reads no chunked bodies: 411).
    public var hasTransferEncoding: Bool
    /// Whether the client lets the connection stay open after the response.
    public var keepAlive: Bool
    /// How many bytes the head took, its empty line included (and any empty lines before it).
    public var length: Int

    /// The client waits for `100 Continue` before it sends the body.
    public var expectsContinue: Bool {
        isHTTP11 && header("expect")?.lowercased() == "100-continue"
    }

    /// The value of the first header field `name`; pass the name in lower case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }

    /// The value of the first query parameter `name` (e.g. `lang`, `why_not`); nil when absent.
    public func parameter(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// Equal when all fields but `path` and `query` are (those follow from `target`); written out because
    /// the tuple arrays are not `Equatable`.
    public static func == (a: HTTPRequestHead, b: HTTPRequestHead) -> Bool {
        a.method == b.method && a.target == b.target && a.isHTTP11 == b.isHTTP11
            && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
            && a.contentLength == b.contentLength && a.hasTransferEncoding == b.hasTransferEncoding
            && a.keepAlive == b.keepAlive && a.length == b.length
    }
}

/// A request the service will not serve, with the status it answers: a value with a stable code.
public struct HTTPError: Error, Sendable, Equatable {
    /// The HTTP status answered, e.g. 400, 413 or 431.
    public let status: Int
    /// Stable, for clients and tests: `malformed_request_line`, `header_too_large`, …
    public let code: String
    /// For people, in English (the routes translate the codes they know).
    public let message: String

    /// An error with its status, stable code and message for people.
    public init(_ status: Int, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }
}

/// Reads a request head from the bytes a connection has received so far. Strict on purpose:
/// lines end in CRLF, no folded or space-before-colon fields, one `Host`, one `Content-Length`,
/// no `Content-Length` beside a `Transfer-Encoding` (the two ways requests get smuggled).
public enum HTTPRequestParser {
    /// The most a head may take, request line and fields together (documented: 16 KiB).
    public static let maximumHeadSize = 16 * 1024
    /// The most header fields one request may have.
    public static let maximumFieldCount = 100

    /// What the bytes so far hold: not yet a whole head, a head, or a request to refuse.
    public enum Result: Sendable, Equatable {
        /// More bytes are needed (and the head is still within the limit).
        case incomplete
        case complete(HTTPRequestHead)
        case failure(HTTPError)
    }

    /// Parses the head at the start of `bytes`; the body, if any, follows after `length` bytes.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result {
        // Empty lines before a request line are ignored (RFC 9112, 2.2), a few of them.
        var start = 0
        while start + 1 < bytes.count, bytes[start] == cr, bytes[start + 1] == lf, start < 8 { start += 2 }
        if start < bytes.count, bytes[start] == lf { return .failure(bareLineFeed) }
        // Find the empty line that ends the head, checking line ends on the way.
        var i = start
        var lineStart = start
        var lines: [Range<Int>] = []
        let limit = min(bytes.count, start + maximumHeadSize)
        while i < limit {
            let byte = bytes[i]
            if byte == lf {
                guard i > lineStart, bytes[i - 1] == cr else { return .failure(bareLineFeed) }
                let line = lineStart..<(i - 1)
                if line.isEmpty {
                    return head(bytes, lines: lines, length: i + 1)
                }
                lines.append(line)
                if lines.count > maximumFieldCount + 1 {
                    return .failure(
                        HTTPError(
                            431, "too_many_fields", "a request may have at most \(maximumFieldCount) header fields"))
                }
                lineStart = i + 1
            } else if byte == cr, i + 1 < bytes.count, bytes[i + 1] != lf {
                return .failure(HTTPError(400, "malformed_header", "a carriage return must be followed by a line feed"))
            } else if byte == 0 {
                return .failure(HTTPError(400, "malformed_header", "the request head holds a NUL byte"))
            }
            i += 1
        }
        if bytes.count - start >= maximumHeadSize {
            return .failure(
                HTTPError(
                    431, "header_too_large",
                    "the request line and header fields may take at most \(maximumHeadSize) bytes"))
        }
        return .incomplete
    }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let bareLineFeed = HTTPError(400, "malformed_request", "lines must end in CRLF")

    private static func head(_ bytes: UnsafeBufferPointer<UInt8>, lines: [Range<Int>], length: Int) -> Result {
        guard let requestLine = lines.first else {
            return .failure(HTTPError(400, "malformed_request_line", "the request line is missing"))
        }
        let line = Array(bytes[requestLine])
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            return .failure(
                HTTPError(400, "malformed_request_line", "the request line must be `METHOD /path HTTP/1.1`"))
        }
        guard parts[0].allSatisfy(isTokenByte) else {
            return .failure(HTTPError(400, "malformed_request_line", "the method is not a token"))
        }
        let version = String(decoding: parts[2], as: UTF8.self)
        let isHTTP11: Bool
        switch version {
        case "HTTP/1.1": isHTTP11 = true
        case "HTTP/1.0": isHTTP11 = false
        default:
            if version.hasPrefix("HTTP/"), version.count == 8 {
                return .failure(HTTPError(505, "version_not_supported", "only HTTP/1.1 and HTTP/1.0 are served"))
            }
            return .failure(HTTPError(400, "malformed_request_line", "the request line must end in `HTTP/1.1`"))
        }
        let target = parts[1]
        guard target.first == UInt8(ascii: "/"), target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .failure(
                HTTPError(
                    400, "malformed_request_line",
                    "the request target must be a path starting with `/`, in visible ASCII"))
        }
        let targetText = String(decoding: target, as: UTF8.self)
        let pathEnd = target.firstIndex(of: UInt8(ascii: "?")) ?? target.endIndex
        let path = String(decoding: target[target.startIndex..<pathEnd], as: UTF8.self)
        var query: [(name: String, value: String)] = []
        if pathEnd < target.endIndex {
            for pair in target[(pathEnd + 1)...].split(separator: UInt8(ascii: "&")) where !pair.isEmpty {
                let eq = pair.firstIndex(of: UInt8(ascii: "=")) ?? pair.endIndex
                guard let name = decode(pair[pair.startIndex..<eq]),
                    let value = decode(eq < pair.endIndex ? pair[(eq + 1)...] : pair[eq..<eq])
                else {
                    return .failure(
                        HTTPError(400, "malformed_query", "the query has a bad percent escape or is not UTF-8"))
                }
                query.append((name, value))
            }
        }

        var headers: [(name: String, value: String)] = []
        var contentLength: Int?
        var hasTransferEncoding = false
        var hosts = 0
        var connectionTokens: [String] = []
        for range in lines.dropFirst() {
            let field = UnsafeBufferPointer(rebasing: bytes[range])
            if let first = field.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                return .failure(HTTPError(400, "malformed_header", "folded header lines are not accepted"))
            }
            guard let colon = field.firstIndex(of: UInt8(ascii: ":")), colon > 0 else {
                return .failure(HTTPError(400, "malformed_header", "a header line must be `Name: value`"))
            }
            guard field[..<colon].allSatisfy(isTokenByte) else {
                return .failure(
                    HTTPError(400, "malformed_header", "a header name must be a token, with no space before the colon"))
            }
            var valueStart = colon + 1
            var valueEnd = field.count
            while valueStart < valueEnd, field[valueStart] == 0x20 || field[valueStart] == 0x09 { valueStart += 1 }
            while valueEnd > valueStart, field[valueEnd - 1] == 0x20 || field[valueEnd - 1] == 0x09 { valueEnd -= 1 }
            let valueBytes = field[valueStart..<valueEnd]
            guard valueBytes.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
                return .failure(HTTPError(400, "malformed_header", "a header value holds a control character"))
            }
            let name = String(decoding: field[..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: valueBytes, as: UTF8.self)
            switch name {
            case "content-length":
                guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    return .failure(
                        HTTPError(400, "malformed_content_length", "`Content-Length` must be a number of bytes"))
                }
                let number = value.utf8.count > 15 ? Int.max : Int(value)!
                if let earlier = contentLength, earlier != number {
                    return .failure(HTTPError(400, "malformed_content_length", "two different `Content-Length` fields"))
                }
                contentLength = number
            case "transfer-encoding":
                hasTransferEncoding = true
            case "host":
                hosts += 1
            case "connection":
                connectionTokens += value.lowercased().split(separator: ",").map { $0.trimmingSpaces() }
            default:
                break
            }
            headers.append((name, value))
        }
        if hasTransferEncoding, contentLength != nil {
            return .failure(
                HTTPError(
                    400, "malformed_content_length", "`Content-Length` and `Transfer-Encoding` together are refused"))
        }
        if isHTTP11, hosts != 1 {
            return .failure(HTTPError(400, "malformed_host", "an HTTP/1.1 request needs exactly one `Host` field"))
        }
        let keepAlive = isHTTP11 ? !connectionTokens.contains("close") : connectionTokens.contains("keep-alive")
        let method = String(decoding: parts[0], as: UTF8.self)
        return .complete(
            HTTPRequestHead(
                method: method, target: targetText, path: path, query: query, isHTTP11: isHTTP11, headers: headers,
                contentLength: contentLength, hasTransferEncoding: hasTransferEncoding, keepAlive: keepAlive,
                length: length))
    }

    /// tchar of RFC 9110 5.6.2.
    private static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }

    /// A query component: `+` is a space (HTML forms), `%XX` a byte; the result must be UTF-8.
    static func decode<C: Collection>(_ part: C) -> String? where C.Element == UInt8, C.Index == Int {
        var out: [UInt8] = []
        out.reserveCapacity(part.count)
        var i = part.startIndex
        while i < part.endIndex {
            let b = part[i]
            if b == UInt8(ascii: "+") {
                out.append(0x20)
            } else if b == UInt8(ascii: "%") {
                guard i + 2 < part.endIndex, let hi = hex(part[i + 1]), let lo = hex(part[i + 2]) else { return nil }
                out.append(hi << 4 | lo)
                i += 2
            } else {
                out.append(b)
            }
            i += 1
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        var s = self[...]
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
