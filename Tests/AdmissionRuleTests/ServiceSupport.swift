import Foundation
import LVVRules
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real `rule-check serve` on a free port of 127.0.0.1, its standard error in a file, and a
/// plain socket client to talk to it: the tests see exactly what a client would.
final class ServiceProcess: @unchecked Sendable {
    let process = Process()
    let port: UInt16
    let scratch: CommandLineTests.Scratch
    private let errorFile: URL

    init(_ arguments: [String] = ["--pilot", "groningen"], sourceLocation: Testing.SourceLocation = #_sourceLocation)
        throws
    {
        let executable = try #require(
            CommandLineTests.executable, "rule-check not found next to the test bundle", sourceLocation: sourceLocation)
        scratch = try CommandLineTests.Scratch()
        errorFile = scratch.url("stderr")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", "--port", "0", "--threads", "2"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
        process.standardError = try FileHandle(forWritingTo: errorFile)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var found: UInt16?
        for _ in 0..<400 where found == nil {
            usleep(25_000)
            let text = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on http://127.0.0.1:") {
                found = UInt16(text[range.upperBound...].prefix { $0.isNumber })
            } else if !process.isRunning {
                break
            }
        }
        let text = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        guard let found else {
            Issue.record("the service did not start: \(text)", sourceLocation: sourceLocation)
            throw TestConnection.TestConnectionError.refused
        }
        port = found
    }

    var stderr: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }

    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// SIGTERM, then the exit status (nil if it did not end within `seconds`).
    func stop(within seconds: Double = 15) -> Int32? {
        send(SIGTERM)
        return waitForExit(seconds)
    }

    func waitForExit(_ seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    func connect() throws -> TestConnection { try TestConnection(port: port) }

    /// One request on a new connection.
    func request(_ method: String, _ path: String, body: [UInt8]? = nil, headers: [String] = []) throws -> TestResponse
    {
        let connection = try connect()
        defer { connection.close() }
        try connection.send(TestConnection.request(method, path, body: body, headers: headers))
        return try #require(connection.readResponse(), "no response to \(method) \(path)")
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}

struct TestResponse {
    let status: Int
    /// Names in lower case.
    let headers: [String: String]
    let body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSONValue? {
        body.withUnsafeBufferPointer { if case .success(let v) = JSONParser.parse($0) { return v } else { return nil } }
    }
    /// The `error` code of an error body.
    var errorCode: String? {
        if case .object(let members)? = json,
            case .string(let code)? = members.first(where: { $0.key == "error" })?.value
        {
            return code
        }
        return nil
    }
}

/// A client socket that reads responses one by one (pipelined answers stay queued in order).
final class TestConnection {
    let fd: Int32
    private var pending: [UInt8] = []

    init(port: UInt16, timeout: Int = 10) throws {
        #if canImport(Glibc)
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #elseif canImport(Darwin)
            fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                socketConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            socketClose(fd)
            throw TestConnectionError.refused
        }
        var time = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
            // Darwin has no MSG_NOSIGNAL (see `socketSend`): the socket itself raises no SIGPIPE.
            setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    enum TestConnectionError: Error { case refused, write }

    static func request(_ method: String, _ path: String, body: [UInt8]? = nil, headers: [String] = []) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for header in headers { head += header + "\r\n" }
        if let body { head += "Content-Length: \(body.count)\r\n" }
        return Array((head + "\r\n").utf8) + (body ?? [])
    }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBufferPointer { socketSend(fd, $0.baseAddress! + sent, bytes.count - sent) }
            guard n > 0 else { throw TestConnectionError.write }
            sent += n
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Reads more bytes; false at the end of the stream or a timeout.
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return false }
        pending += chunk[0..<n]
        return true
    }

    /// Whether the server closed the connection (reads reach the end) within the receive timeout.
    func isClosedByPeer() -> Bool {
        while true {
            var byte: UInt8 = 0
            let n = recv(fd, &byte, 1, 0)
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    func readResponse(bodyless: Bool = false) -> TestResponse? {
        var headEnd: Int?
        while headEnd == nil {
            headEnd = find([13, 10, 13, 10], in: pending)
            if headEnd == nil, !fill() { return nil }
        }
        let head = String(decoding: pending[0..<headEnd!], as: UTF8.self)
        pending.removeFirst(headEnd! + 4)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        var body: [UInt8] = []
        if bodyless {
        } else if let length = headers["content-length"].flatMap({ Int($0) }) {
            while pending.count < length { if !fill() { return nil } }
            body = Array(pending[0..<length])
            pending.removeFirst(length)
        } else if headers["transfer-encoding"] == "chunked" {
            while true {
                var lineEnd = find([13, 10], in: pending)
                while lineEnd == nil {
                    if !fill() { return nil }
                    lineEnd = find([13, 10], in: pending)
                }
                let size = Int(String(decoding: pending[0..<lineEnd!], as: UTF8.self), radix: 16) ?? 0
                pending.removeFirst(lineEnd! + 2)
                while pending.count < size + 2 { if !fill() { return nil } }
                body += pending[0..<size]
                pending.removeFirst(size + 2)
                if size == 0 { break }
            }
        } else {
            while fill() {}
            body = pending
            pending = []
        }
        return TestResponse(status: status, headers: headers, body: body)
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }

    func close() { socketClose(fd) }
}

// The C library's socket calls, named apart: inside `TestConnection`, `send` and `close` are its own.
private func socketConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(fd, address, length)
}
private func socketClose(_ fd: Int32) { _ = close(fd) }
private func socketSend(_ fd: Int32, _ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int {
    #if canImport(Glibc)
        return send(fd, bytes, count, Int32(MSG_NOSIGNAL))
    #elseif canImport(Darwin)
        return send(fd, bytes, count, 0)
    #endif
}

/// Checks a JSON value against a JSON Schema of the OpenAPI document: the keywords the document
/// uses (`$ref`, `type`, `required`, `properties`, `additionalProperties`, `items`, `enum`,
/// `const`, `pattern`, `minimum`, `oneOf`); it fails on any other keyword, so it cannot pass by ignoring one.
struct SchemaChecker {
    let document: JSONValue

    func check(_ value: JSONValue, _ schema: JSONValue, at path: String = "$") -> [String] {
        guard case .object(let keywords) = schema else { return ["\(path): the schema is not an object"] }
        var problems: [String] = []
        for keyword in keywords {
            switch (keyword.key, keyword.value) {
            case ("$ref", .string(let reference)):
                guard let target = resolve(reference) else { return ["\(path): cannot resolve \(reference)"] }
                problems += check(value, target, at: path)
            case ("type", .string(let type)):
                if !has(value, type) { problems.append("\(path): not of type \(type)") }
            case ("type", .array(let types)):
                if !types.contains(where: { if case .string(let t) = $0 { return has(value, t) } else { return false } }
                ) {
                    problems.append("\(path): not of the types \(types)")
                }
            case ("required", .array(let names)):
                if case .object(let members) = value {
                    for case .string(let name) in names where !members.contains(where: { $0.key == name }) {
                        problems.append("\(path): lacks `\(name)`")
                    }
                }
            case ("properties", .object(let properties)):
                if case .object(let members) = value {
                    for member in members {
                        if let property = properties.first(where: { $0.key == member.key }) {
                            problems += check(member.value, property.value, at: "\(path).\(member.key)")
                        }
                    }
                }
            case ("additionalProperties", .bool(false)):
                if case .object(let members) = value,
                    case .object(let properties)? = keywords.first(where: { $0.key == "properties" })?.value
                {
                    for member in members where !properties.contains(where: { $0.key == member.key }) {
                        problems.append("\(path): `\(member.key)` is not described")
                    }
                }
            case ("items", let itemSchema):
                if case .array(let elements) = value {
                    for (i, element) in elements.enumerated() {
                        problems += check(element, itemSchema, at: "\(path)[\(i)]")
                    }
                }
            case ("enum", .array(let allowed)):
                if !allowed.contains(value) { problems.append("\(path): \(value) is not one of \(allowed)") }
            case ("const", let allowed):
                if value != allowed { problems.append("\(path): \(value) is not \(allowed)") }
            case ("pattern", .string(let pattern)):
                if case .string(let text) = value, text.range(of: pattern, options: .regularExpression) == nil {
                    problems.append("\(path): `\(text)` does not match \(pattern)")
                }
            case ("minimum", .number(let minimum)):
                if case .number(let n) = value, Double(n)! < Double(minimum)! {
                    problems.append("\(path): below \(minimum)")
                }
            case ("oneOf", .array(let choices)):
                let passing = choices.filter { check(value, $0, at: path).isEmpty }.count
                if passing != 1 {
                    problems.append("\(path): matches \(passing) of the `oneOf` schemas, not exactly one")
                }
            case ("description", _), ("default", _):
                break
            default:
                problems.append("\(path): the checker does not know the keyword `\(keyword.key)`")
            }
        }
        return problems
    }

    func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#/") else { return nil }
        var node = document
        for part in reference.dropFirst(2).split(separator: "/") {
            let key = part.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard case .object(let members) = node, let next = members.first(where: { $0.key == key }) else {
                return nil
            }
            node = next.value
        }
        return node
    }

    /// The schema a response of `operation` with `status` and `contentType` must follow.
    func responseSchema(path: String, method: String, status: Int, contentType: String = "application/json")
        -> JSONValue?
    {
        let escaped = path.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
        guard var response = resolve("#/paths/\(escaped)/\(method)/responses/\(status)") else { return nil }
        if case .object(let members) = response,
            case .string(let reference)? = members.first(where: { $0.key == "$ref" })?.value
        {
            guard let target = resolve(reference) else { return nil }
            response = target
        }
        guard case .object(let members) = response,
            case .object(let content)? = members.first(where: { $0.key == "content" })?.value,
            case .object(let media)? = content.first(where: { $0.key == contentType })?.value,
            let schema = media.first(where: { $0.key == "schema" })?.value
        else { return nil }
        return schema
    }

    private func has(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null),
            ("number", .number):
            return true
        case ("integer", .number(let text)):
            return !text.contains(".") && !text.contains("e") && !text.contains("E")
        default:
            return false
        }
    }
}
