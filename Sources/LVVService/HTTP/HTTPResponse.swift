/// One response, written whole: status, a few header fields, a body. The server adds
/// `Content-Length`, `Connection` and `Date`-free framing; nothing else is implied.
public struct HTTPResponse: Sendable {
    /// The status code, e.g. 200 for a verdict or 400 `bad_case` for a case that does not read.
    public var status: Int
    /// Header fields in order; the server adds the framing fields itself.
    public var headers: [(name: String, value: String)]
    /// The body bytes, e.g. a verdict as one line of JSON.
    public var body: [UInt8]

    /// A response from its parts; no field is added until it is serialized.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response (`Content-Type: application/json`), as every route of the decision service gives.
    public static func json(_ status: Int, _ body: [UInt8], headers: [(name: String, value: String)] = [])
        -> HTTPResponse
    {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    /// `{"error":"code","message":"…"}`, the shape of every error the service gives.
    public static func error(
        _ status: Int, _ code: String, _ message: String, headers: [(name: String, value: String)] = []
    ) -> HTTPResponse {
        json(status, errorBody(code, message), headers: headers)
    }

    /// The body of every error the service gives: `{"error":…,"message":…}` and a newline.
    public static func errorBody(_ code: String, _ message: String) -> [UInt8] {
        var out = Array("{\"error\":".utf8)
        appendJSONString(code, to: &out)
        out += Array(",\"message\":".utf8)
        appendJSONString(message, to: &out)
        out += Array("}\n".utf8)
        return out
    }

    /// The value of header field `name`, compared without case; nil when absent.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The bytes of the status line and header fields, ending with the empty line.
    public static func head(status: Int, headers: [(name: String, value: String)], contentLength: Int?, close: Bool)
        -> [UInt8]
    {
        var text = "HTTP/1.1 \(status) \(reason(status))\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if let contentLength {
            text += "Content-Length: \(contentLength)\r\n"
        } else {
            text += "Transfer-Encoding: chunked\r\n"
        }
        if close { text += "Connection: close\r\n" }
        text += "\r\n"
        return Array(text.utf8)
    }

    /// The whole response as it goes on the wire; without the body for `HEAD`.
    public func serialized(close: Bool, includeBody: Bool = true) -> [UInt8] {
        var out = HTTPResponse.head(status: status, headers: headers, contentLength: body.count, close: close)
        if includeBody { out += body }
        return out
    }

    /// The reason phrase of a status code for the status line.
    public static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 415: return "Unsupported Media Type"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Status"
        }
    }

    /// A JSON string literal, escaped as the verdict writer escapes (quotes, backslash, controls).
    public static func appendJSONString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): out += Array("\\n".utf8)
            case UInt8(ascii: "\r"): out += Array("\\r".utf8)
            case UInt8(ascii: "\t"): out += Array("\\t".utf8)
            case 0..<0x20, 0x7F:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
