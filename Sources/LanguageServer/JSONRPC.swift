import LVVRules

/// JSON-RPC 2.0 as the Language Server Protocol uses it: decoding one message body into a
/// request, a notification or a response, and encoding replies. Values are `JSONValue`s from
/// the strict parser the case reader uses (duplicate keys, bad UTF-8 and deep nesting refused).
public enum JSONRPC {
    /// The error codes of JSON-RPC 2.0 and of the LSP specification.
    public enum ErrorCode: Int, Sendable {
        case parseError = -32700
        case invalidRequest = -32600
        case methodNotFound = -32601
        case invalidParams = -32602
        case internalError = -32603
        case serverNotInitialized = -32002
        case requestFailed = -32803
    }

    /// A request id: a number (kept as written) or a string.
    public enum ID: Sendable, Equatable {
        case number(String)
        case string(String)

        var json: JSONValue {
            switch self {
            case .number(let n): return .number(n)
            case .string(let s): return .string(s)
            }
        }
    }

    /// A decoded message.
    public enum Message: Sendable, Equatable {
        case request(id: ID, method: String, params: JSONValue?)
        case notification(method: String, params: JSONValue?)
        /// A reply from the client to a request of ours; the server sends none it waits for.
        case response(id: ID?)
    }

    /// Why a body is not a message, with the id to answer when it could be read.
    public struct DecodeError: Error, Sendable, Equatable {
        /// The JSON-RPC error code to answer with (parse error, invalid request, …).
        public let code: ErrorCode
        /// What is wrong with the message, for the editor's log.
        public let message: String
        /// The request's id when it could be read, so the error answers that request; nil answers with null.
        public let id: ID?
    }

    /// Nesting allowed in a message: LSP messages are shallow; deep nesting is an attack.
    public static let maximumDepth = 64

    /// Decodes one message body (the bytes after the header).
    public static func decode(_ body: [UInt8]) -> Result<Message, DecodeError> {
        let parsed = body.withUnsafeBufferPointer { JSONParser.parse($0, maxDepth: maximumDepth) }
        let value: JSONValue
        switch parsed {
        case .success(let v): value = v
        case .failure(let error):
            return .failure(
                DecodeError(code: .parseError, message: "the message is not JSON: \(error.description)", id: nil))
        }
        guard case .object = value else {
            // A batch (an array) is JSON-RPC but not used by LSP; refuse it like any non-object.
            return .failure(DecodeError(code: .invalidRequest, message: "a message must be a JSON object", id: nil))
        }
        var id: ID?
        switch value["id"] {
        case .number(let n)?: id = .number(n)
        case .string(let s)?: id = .string(s)
        case nil, .null?: id = nil
        case .bool?, .array?, .object?:
            return .failure(DecodeError(code: .invalidRequest, message: "`id` must be a number or a string", id: nil))
        }
        guard value["jsonrpc"] == .string("2.0") else {
            return .failure(DecodeError(code: .invalidRequest, message: "`jsonrpc` must be \"2.0\"", id: id))
        }
        var params = value["params"]
        switch params {
        case nil, .object?, .array?: break
        case .null?:
            params = nil  // not JSON-RPC, but some clients write it for `shutdown` and `exit`
        case .bool?, .number?, .string?:
            return .failure(
                DecodeError(code: .invalidRequest, message: "`params` must be an object or an array", id: id))
        }
        switch value["method"] {
        case .string(let method)?:
            if let id { return .success(.request(id: id, method: method, params: params)) }
            return .success(.notification(method: method, params: params))
        case nil where value["result"] != nil || value["error"] != nil:
            return .success(.response(id: id))
        case nil, .null?, .bool?, .number?, .array?, .object?:
            return .failure(DecodeError(code: .invalidRequest, message: "`method` must be a string", id: id))
        }
    }

    /// `{"jsonrpc":"2.0","id":…,"result":…}`.
    public static func response(id: ID, result: JSONValue) -> [UInt8] {
        encode(.object([member("jsonrpc", .string("2.0")), member("id", id.json), member("result", result)]))
    }

    /// `{"jsonrpc":"2.0","id":…,"error":{"code":…,"message":…}}`; a nil id is written `null`.
    public static func error(id: ID?, code: ErrorCode, message: String) -> [UInt8] {
        let error = JSONValue.object([
            member("code", .number(String(code.rawValue))), member("message", .string(message)),
        ])
        return encode(
            .object([member("jsonrpc", .string("2.0")), member("id", id?.json ?? .null), member("error", error)]))
    }

    /// `{"jsonrpc":"2.0","method":…,"params":…}`: a notification or request of the server.
    public static func notification(method: String, params: JSONValue) -> [UInt8] {
        encode(
            .object([member("jsonrpc", .string("2.0")), member("method", .string(method)), member("params", params)]))
    }

    /// The header and body of one frame: lengths in bytes of the UTF-8 body.
    public static func frame(_ body: [UInt8]) -> [UInt8] {
        Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
    }

    static func member(_ key: String, _ value: JSONValue) -> JSONMember {
        JSONMember(key: key, value: value, offset: 0)
    }

    /// Compact JSON text; object members in the order given.
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 256)
        write(value, into: &writer)
        return writer.bytes
    }

    private static func write(_ value: JSONValue, into writer: inout JSONWriter) {
        switch value {
        case .null: writer.appendRaw("null")
        case .bool(let b): writer.appendRaw(b ? "true" : "false")
        case .number(let n): writer.appendRaw(n)
        case .string(let s): writer.appendString(s)
        case .array(let elements):
            writer.appendRaw("[")
            for (index, element) in elements.enumerated() {
                if index > 0 { writer.appendRaw(",") }
                write(element, into: &writer)
            }
            writer.appendRaw("]")
        case .object(let members):
            writer.appendRaw("{")
            for (index, member) in members.enumerated() {
                if index > 0 { writer.appendRaw(",") }
                writer.appendString(member.key)
                writer.appendRaw(":")
                write(member.value, into: &writer)
            }
            writer.appendRaw("}")
        }
    }
}

/// Building and reading the JSON of LSP messages without ceremony.
extension JSONValue {
    /// The member `key` of an object; nil for a missing member or a non-object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// An object from key-value pairs in order; nil values are left out.
    static func object(_ pairs: KeyValuePairs<String, JSONValue?>) -> JSONValue {
        .object(pairs.compactMap { key, value in value.map { JSONRPC.member(key, $0) } })
    }

    static func int(_ n: Int) -> JSONValue { .number(String(n)) }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// A whole number that fits an `Int` (LSP positions, versions); nil for anything else.
    var intValue: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }
}
