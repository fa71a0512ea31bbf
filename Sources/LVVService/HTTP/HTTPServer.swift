#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the server asks of the application: a route for each request head, and the response
/// for an error found before routing. One handler per worker thread (it may keep scratch state).
public protocol HTTPHandler: AnyObject {
    func route(_ head: HTTPRequestHead) -> HTTPRoute
    /// The response for a request the server refuses itself (bad syntax, timeout, 401, 411, 413);
    /// `head` is nil when there was none to read.
    func refusal(_ error: HTTPError, head: HTTPRequestHead?) -> HTTPResponse
}

/// What to do with a request once its head is read.
public enum HTTPRoute {
    /// Answer at once (a body, if sent, up to `HTTPServer.defaultBodyLimit`, is read and dropped).
    case respond(HTTPResponse)
    /// Read the whole body, at most `limit` bytes (413 past it), then answer.
    case body(limit: Int, (UnsafeBufferPointer<UInt8>) -> HTTPResponse)
    /// Stream: the body is read through `read` (like `read(2)`) while the answer, 200 with these
    /// header fields, is written through `write` in chunks. It runs on the worker, blocking.
    case stream(
        headers: [(name: String, value: String)],
        (
            _ read: (UnsafeMutablePointer<UInt8>, Int) -> Int,
            _ write: (UnsafeBufferPointer<UInt8>) -> (written: Int, error: Int32)
        ) -> Void)
}

/// HTTP/1.1 over POSIX sockets: a listening socket and its connections in one poller, served by
/// a fixed pool of worker threads that each wait on the poller, read what a connection has sent
/// without blocking, answer every complete request in order (pipelining), and hand the
/// connection back. A timer thread closes, with 408, connections whose request takes too long
/// to arrive (slowloris) or that idle past the keep-alive timeout. Idle connections cost a few
/// hundred bytes each, not a thread.
public final class HTTPServer: @unchecked Sendable {
    /// How `rule-check serve` runs the server: where it listens, its threads, limits and timeouts.
    public struct Configuration: Sendable {
        /// The address to listen on; `127.0.0.1` keeps the decision service local.
        public var host = "127.0.0.1"
        /// The port to listen on; 0 lets the system choose (see `HTTPServer.port`).
        public var port: UInt16 = 8080
        /// Worker threads serving requests (at least one).
        public var threads = 2
        /// How long a connection may wait between requests.
        public var idleTimeout: Double = 30
        /// How long one request (head and body) may take to arrive, and one read or write of a stream.
        public var requestTimeout: Double = 10
        /// Open connections allowed; past it a new one gets 503 `too_many_connections` and is closed.
        public var maximumConnections = 4096
        /// With a token, every request needs `Authorization: Bearer <token>`.
        public var token: String?
        /// Where the access log goes (a descriptor), if anywhere.
        public var accessLog: Int32?
        /// The defaults: local address, port 8080, two threads, no token, no access log.
        public init() {}
    }

    /// The body limit of requests that carry none the route wants (documented: 1 MiB).
    public static let defaultBodyLimit = 1 << 20

    /// The configuration the server was started with.
    public let configuration: Configuration
    /// The port bound (useful when 0 was asked).
    public private(set) var port: UInt16 = 0
    private let listener: Int32
    private let poller: Poller
    private let makeHandler: @Sendable () -> HTTPHandler
    private static let listenerToken = UInt64.max

    /// Open connections by descriptor; guarded by `lock`, as are the counters below.
    private var connections: [Connection?]
    private var openCount = 0
    private var generation: UInt64 = 0
    private var draining = false
    private let lock = Lock()
    /// Held while accepting, so the listener is not closed (and its number reused) under it.
    private let acceptLock = Lock()
    private let logLock = Lock()

    /// Why the server could not start: a host that is not an IP address, or a socket call that failed.
    public enum StartError: Error, CustomStringConvertible {
        case address(String)
        case socket(String, Int32)
        /// One line for the command line's error message.
        public var description: String {
            switch self {
            case .address(let host): return "`\(host)` is not an IP address (use e.g. 127.0.0.1, ::1 or 0.0.0.0)"
            case .socket(let what, let code): return "cannot \(what): \(String(cString: strerror(code)))"
            }
        }
    }

    /// Binds and listens as `configuration` says, without serving yet (`start()` does); `makeHandler` makes
    /// each worker's handler.
    public init(configuration: Configuration, makeHandler: @escaping @Sendable () -> HTTPHandler) throws(StartError) {
        self.configuration = configuration
        self.makeHandler = makeHandler
        HTTPServer.raiseDescriptorLimit()
        guard let poller = Poller() else { throw .socket("create the poller", errno) }
        self.poller = poller
        let (fd, port) = try HTTPServer.listen(host: configuration.host, port: configuration.port)
        listener = fd
        self.port = port
        var limit = rlimit()
        getrlimit(HTTPServer.nofile, &limit)
        connections = Array(repeating: nil, count: Int(min(limit.rlim_cur, 1 << 20)))
    }

    /// Whether an address is the machine itself (the only place served without a token).
    public static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return host.hasPrefix("127.") }
        return false
    }

    /// Starts the workers and the timer; returns at once.
    public func start() {
        _ = poller.arm(listener, token: HTTPServer.listenerToken, first: true)
        for _ in 0..<max(1, configuration.threads) {
            Threads.start(stackSize: 1 << 20) { [self] in self.work(self.makeHandler()) }
        }
        Threads.start { [self] in self.watch() }
    }

    /// Stops accepting; open connections finish their request and close. See `inFlight`.
    public func drain() {
        acceptLock.lock()
        lock.lock()
        let first = !draining
        draining = true
        lock.unlock()
        if first {
            poller.remove(listener)
            close(listener)
        }
        acceptLock.unlock()
    }

    /// Connections still open (while draining: those busy or part-way through a request).
    public var openConnections: Int {
        lock.lock()
        defer { lock.unlock() }
        return openCount
    }

    // MARK: workers

    private func work(_ handler: HTTPHandler) {
        var tokens: [UInt64] = []
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            poller.wait(milliseconds: 250, into: &tokens)
            for token in tokens {
                if token == HTTPServer.listenerToken {
                    acceptAll()
                } else if let connection = claim(token) {
                    serve(connection, handler, &scratch)
                }
            }
        }
    }

    private func acceptAll() {
        acceptLock.lock()
        defer { acceptLock.unlock() }
        lock.lock()
        let stopped = draining
        lock.unlock()
        if stopped { return }
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                if errno == EMFILE || errno == ENFILE { usleep(10_000) }
                break
            }
            HTTPServer.prepare(fd)
            lock.lock()
            if openCount >= configuration.maximumConnections || Int(fd) >= connections.count {
                lock.unlock()
                let busy = HTTPResponse.error(503, "too_many_connections", "the service has too many open connections")
                    .serialized(close: true)
                _ = busy.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count, HTTPServer.sendFlags) }
                close(fd)
                continue
            }
            generation &+= 1
            let token = UInt64(UInt32(fd)) | (generation & 0xFFFF_FFFF) << 32
            let connection = Connection(fd: fd, token: token)
            connection.deadline = Clock.now() + nanoseconds(configuration.idleTimeout)
            connections[Int(fd)] = connection
            openCount += 1
            _ = poller.arm(fd, token: token, first: true)
            lock.unlock()
        }
        _ = poller.arm(listener, token: HTTPServer.listenerToken, first: false)
    }

    /// The connection a poller event is for, now owned by the caller; nil when it was closed meanwhile.
    private func claim(_ token: UInt64) -> Connection? {
        let fd = Int(token & 0xFFFF_FFFF)
        lock.lock()
        defer { lock.unlock() }
        guard fd < connections.count, let connection = connections[fd], connection.token == token, !connection.busy
        else { return nil }
        connection.busy = true
        return connection
    }

    private func closeConnection(_ connection: Connection) {
        lock.lock()
        if connections[Int(connection.fd)] === connection {
            connections[Int(connection.fd)] = nil
            openCount -= 1
            close(connection.fd)
        }
        lock.unlock()
    }

    /// Reads what has arrived, answers each complete request, writes the answers in order.
    private func serve(_ connection: Connection, _ handler: HTTPHandler, _ scratch: inout [UInt8]) {
        let fd = connection.fd
        var peerGone = false
        let cap = HTTPRequestParser.maximumHeadSize + HTTPServer.defaultBodyLimit + scratch.count
        while connection.buffer.count < cap {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n > 0 {
                connection.buffer.append(contentsOf: scratch[0..<n])
                if n < scratch.count { break }
            } else if n == 0 {
                peerGone = true
                break
            } else if errno == EINTR {
                continue
            } else {
                if errno != EAGAIN && errno != EWOULDBLOCK { peerGone = true }
                break
            }
        }

        var out: [UInt8] = []
        var closing = false
        var consumed = 0
        var completed = false
        requests: while !closing, consumed < connection.buffer.count {
            let parsed = connection.buffer.withUnsafeBufferPointer {
                HTTPRequestParser.parse(UnsafeBufferPointer(rebasing: $0[consumed...]))
            }
            let head: HTTPRequestHead
            switch parsed {
            case .incomplete:
                break requests
            case .failure(let error):
                let response = handler.refusal(error, head: nil)
                out += response.serialized(close: true)
                log(method: "-", path: "-", response.status, started: Clock.now(), response)
                closing = true
                break requests
            case .complete(let value):
                head = value
            }
            let started = Clock.now()
            let available = connection.buffer.count - consumed - head.length
            var route: HTTPRoute
            if let refusal = refuse(head) {
                route = .respond(handler.refusal(refusal, head: head))
            } else {
                route = handler.route(head)
            }
            if head.hasTransferEncoding {
                // The body's end cannot be found without decoding it: refuse, and close.
                let response = handler.refusal(
                    HTTPError(411, "length_required", "chunked request bodies are not read; send `Content-Length`"),
                    head: head)
                out += response.serialized(close: true)
                log(head, response.status, started: started, response)
                closing = true
                break requests
            }
            let length = head.contentLength ?? 0
            switch route {
            case .respond, .body:
                var limit = HTTPServer.defaultBodyLimit
                if case .body(let l, _) = route {
                    limit = l
                    if head.contentLength == nil {
                        route = .respond(
                            handler.refusal(
                                HTTPError(411, "length_required", "this request needs a body with `Content-Length`"),
                                head: head))
                    }
                }
                if length > limit {
                    let response = handler.refusal(
                        HTTPError(413, "body_too_large", "the body may be at most \(limit) bytes"), head: head)
                    out += response.serialized(close: true)
                    log(head, response.status, started: started, response)
                    closing = true
                    break requests
                }
                if available < length {
                    // `Expect: 100-continue` (curl sends it for large bodies): say go on, once.
                    if head.expectsContinue, !connection.continued {
                        out += HTTPServer.continueLine
                        connection.continued = true
                    }
                    break requests
                }
                connection.continued = false
                let response: HTTPResponse
                switch route {
                case .respond(let r): response = r
                case .body(_, let answer):
                    response = connection.buffer.withUnsafeBufferPointer {
                        answer(
                            UnsafeBufferPointer(
                                rebasing: $0[(consumed + head.length)..<(consumed + head.length + length)]))
                    }
                case .stream: response = HTTPResponse(status: 500)
                }
                consumed += head.length + length
                completed = true
                let close = !head.keepAlive || isDraining
                out += response.serialized(close: close, includeBody: head.method != "HEAD")
                log(head, response.status, started: started, response)
                if close { closing = true }
            case .stream(let headers, let run):
                // Answers before it go out first: pipelined answers stay in order.
                if head.expectsContinue, !connection.continued, available < length { out += HTTPServer.continueLine }
                connection.continued = false
                if !out.isEmpty {
                    guard sendAll(fd, out) else {
                        closing = true
                        out = []
                        break requests
                    }
                    out = []
                }
                consumed += head.length
                completed = true
                let ok = stream(connection, head, headers, run, buffered: &consumed, length: length)
                log(head, 200, started: started, nil, hash: headers.first { $0.name == HTTPServer.hashHeader }?.value)
                if !ok || !head.keepAlive || !head.isHTTP11 || isDraining { closing = true }
            }
        }
        if consumed > 0 { connection.buffer.removeFirst(consumed) }
        if !out.isEmpty, !sendAll(fd, out) { closing = true }
        if closing || peerGone {
            closeConnection(connection)
            return
        }
        let now = Clock.now()
        lock.lock()
        connection.busy = false
        if connection.buffer.isEmpty {
            connection.requestStart = nil
            connection.deadline = now + nanoseconds(configuration.idleTimeout)
        } else {
            if completed || connection.requestStart == nil { connection.requestStart = now }
            connection.deadline = connection.requestStart! + nanoseconds(configuration.requestTimeout)
        }
        if connection.buffer.capacity > 1 << 16, connection.buffer.isEmpty { connection.buffer = [] }
        // Armed under the lock: the timer cannot close it (and its number be reused) in between.
        _ = poller.arm(fd, token: connection.token, first: false)
        lock.unlock()
    }

    private static let continueLine = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// The header that carries the rule-set hash (the access log takes it from there).
    public static let hashHeader = "Ruleset-Sha256"

    private var isDraining: Bool {
        lock.lock()
        defer { lock.unlock() }
        return draining
    }

    /// What the server refuses before any route: a missing or wrong bearer token.
    private func refuse(_ head: HTTPRequestHead) -> HTTPError? {
        guard let token = configuration.token else { return nil }
        let given = head.header("authorization") ?? ""
        if HTTPServer.constantTimeEqual(given, "Bearer " + token) { return nil }
        return HTTPError(401, "unauthorized", "this service needs `Authorization: Bearer <token>`")
    }

    /// Compares in time that depends only on the lengths, never on where the texts differ.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<y.count { difference |= (i < x.count ? x[i] : 0) ^ y[i] }
        return difference == 0
    }

    /// Runs a streamed route with the socket blocking (reads and writes time out), the body read
    /// from what is buffered first, then from the socket, never past `Content-Length`.
    private func stream(
        _ connection: Connection, _ head: HTTPRequestHead, _ headers: [(name: String, value: String)],
        _ run: ((UnsafeMutablePointer<UInt8>, Int) -> Int, (UnsafeBufferPointer<UInt8>) -> (written: Int, error: Int32))
            -> Void,
        buffered consumed: inout Int, length: Int
    ) -> Bool {
        let fd = connection.fd
        let chunked = head.isHTTP11
        let headBytes = HTTPResponse.head(
            status: 200, headers: headers, contentLength: chunked ? nil : nil, close: !chunked || !head.keepAlive)
        var headToSend =
            chunked
            ? headBytes
            : PlainText.replacing(Array("Transfer-Encoding: chunked\r\n".utf8), in: headBytes)
        setBlocking(fd, true)
        defer { setBlocking(fd, false) }
        var remaining = length
        var readFailed = false
        var offset = consumed
        let buffer = connection.buffer
        let read: (UnsafeMutablePointer<UInt8>, Int) -> Int = { pointer, count in
            if remaining == 0 { return 0 }
            let fromBuffer = min(buffer.count - offset, remaining, count)
            if fromBuffer > 0 {
                buffer.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress! + offset, count: fromBuffer) }
                offset += fromBuffer
                remaining -= fromBuffer
                return fromBuffer
            }
            while true {
                let n = recv(fd, pointer, min(count, remaining), 0)
                if n > 0 {
                    remaining -= n
                    return n
                }
                if n < 0, errno == EINTR { continue }
                readFailed = true
                if n == 0 { errno = ECONNRESET }
                return -1
            }
        }
        var writeFailed = false
        let write: (UnsafeBufferPointer<UInt8>) -> (written: Int, error: Int32) = { bytes in
            if !headToSend.isEmpty {
                guard self.sendAll(fd, headToSend) else {
                    writeFailed = true
                    return (0, errno == 0 ? EPIPE : errno)
                }
                headToSend = []
            }
            if bytes.isEmpty { return (0, 0) }
            var frame = chunked ? Array((String(bytes.count, radix: 16) + "\r\n").utf8) : []
            frame.append(contentsOf: bytes)
            if chunked { frame += [13, 10] }
            guard self.sendAll(fd, frame) else {
                writeFailed = true
                return (0, errno == 0 ? EPIPE : errno)
            }
            return (bytes.count, 0)
        }
        run(read, write)
        _ = write(UnsafeBufferPointer(start: nil, count: 0))
        consumed = offset
        // A body the route stopped reading early is drained, so the next request starts right.
        var sink = [UInt8](repeating: 0, count: 4096)
        while remaining > 0, !readFailed, read(&sink, sink.count) > 0 {}
        consumed = offset
        if writeFailed || readFailed { return false }
        if chunked { return sendAll(fd, Array("0\r\n\r\n".utf8)) }
        return true
    }

    /// Writes all of `bytes`, waiting for the socket up to the request timeout when it is full.
    private func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { p in
            var sent = 0
            while sent < p.count {
                let n = send(fd, p.baseAddress! + sent, p.count - sent, HTTPServer.sendFlags)
                if n > 0 {
                    sent += n
                    continue
                }
                if n < 0, errno == EINTR { continue }
                if n < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                    var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    if poll(&pfd, 1, Int32(configuration.requestTimeout * 1000)) > 0 { continue }
                }
                return false
            }
            return true
        }
    }

    private func setBlocking(_ fd: Int32, _ blocking: Bool) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK)
        var timeout = timeval(tv_sec: Int(configuration.requestTimeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    // MARK: the timer

    /// Every tenth of a second: 408 and close for connections past their deadline; while
    /// draining, idle connections close at once.
    private func watch() {
        while true {
            usleep(100_000)
            let now = Clock.now()
            var expired: [Connection] = []
            lock.lock()
            let stopping = draining
            for case let connection? in connections where !connection.busy {
                if connection.deadline < now || (stopping && connection.buffer.isEmpty) {
                    connection.busy = true
                    expired.append(connection)
                }
            }
            lock.unlock()
            for connection in expired {
                if connection.deadline < now {
                    let waiting = !connection.buffer.isEmpty
                    let response = HTTPResponse.error(
                        408, "request_timeout",
                        waiting
                            ? "the request did not arrive in time"
                            : "the connection was idle past the keep-alive timeout"
                    ).serialized(close: true)
                    _ = response.withUnsafeBufferPointer {
                        send(connection.fd, $0.baseAddress, $0.count, HTTPServer.sendFlags | Int32(MSG_DONTWAIT))
                    }
                    log(method: "-", path: "-", 408, started: now, nil)
                }
                closeConnection(connection)
            }
        }
    }

    // MARK: the access log

    /// One line per request: time, method, path (never the query: it may hold facts), status,
    /// duration and rule-set hash. Nothing else about the request is written anywhere.
    private func log(
        _ head: HTTPRequestHead, _ status: Int, started: UInt64, _ response: HTTPResponse?, hash: String? = nil
    ) {
        log(method: head.method, path: head.path, status, started: started, response, hash: hash)
    }

    private func log(
        method: String, path: String, _ status: Int, started: UInt64, _ response: HTTPResponse?, hash: String? = nil
    ) {
        guard let descriptor = configuration.accessLog else { return }
        let milliseconds = Double(Clock.now() - started) / 1e6
        let hash = hash ?? response?.header(HTTPServer.hashHeader) ?? "-"
        let safePath = String(path.unicodeScalars.map { $0.value < 0x21 || $0.value == 0x7F ? "?" : Character($0) })
        let line =
            "\(Clock.timestamp()) \(method) \(safePath) \(status) \(PlainText.threeDecimals(milliseconds))ms \(hash)\n"
        logLock.lock()
        _ = Array(line.utf8).withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count) }
        logLock.unlock()
    }

    // MARK: sockets

    /// How many connections may wait to be accepted.
    private static let listenBacklog: Int32 = 1024

    // A peer that goes away must not raise SIGPIPE: Linux says so per call (MSG_NOSIGNAL),
    // Darwin per socket (SO_NOSIGPIPE, set in `prepare`). The C library names differ in type too.
    #if canImport(Glibc)
        private static let sendFlags = Int32(MSG_NOSIGNAL)
        private static let nofile = Int32(RLIMIT_NOFILE.rawValue)
    #elseif canImport(Darwin)
        private static let sendFlags: Int32 = 0
        private static let nofile = RLIMIT_NOFILE
    #endif

    private static func raiseDescriptorLimit() {
        var limit = rlimit()
        if getrlimit(nofile, &limit) == 0, limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = min(limit.rlim_max, 1 << 16)
            _ = setrlimit(nofile, &limit)
        }
    }

    /// Non-blocking, close-on-exec, no Nagle delay (answers are small and awaited).
    private static func prepare(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
            setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    private static func listen(host: String, port: UInt16) throws(StartError) -> (Int32, UInt16) {
        let name = host == "localhost" ? "127.0.0.1" : host
        var v4 = sockaddr_in()
        var v6 = sockaddr_in6()
        let family: Int32
        if inet_pton(AF_INET, name, &v4.sin_addr) == 1 {
            family = AF_INET
        } else if inet_pton(AF_INET6, name, &v6.sin6_addr) == 1 {
            family = AF_INET6
        } else {
            throw .address(host)
        }
        #if canImport(Glibc)
            let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        #elseif canImport(Darwin)
            let fd = socket(family, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw .socket("open a socket", errno) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound: Int32
        if family == AF_INET {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            bound = withUnsafePointer(to: &v4) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        } else {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            bound = withUnsafePointer(to: &v6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw .socket("listen on \(host) port \(port)", code)
        }
        guard systemListen(fd, HTTPServer.listenBacklog) == 0 else {
            let code = errno
            close(fd)
            throw .socket("listen on \(host) port \(port)", code)
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var storage = sockaddr_in6()
        var size = socklen_t(MemoryLayout<sockaddr_in6>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &size) }
        }
        // sin_port and sin6_port sit at the same offset.
        let actual = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        }
        return (fd, actual)
    }

    private func nanoseconds(_ seconds: Double) -> UInt64 { UInt64(seconds * 1e9) }
}

/// The C library's `listen(2)`, which the method of the same name hides inside the class.
private func systemListen(_ fd: Int32, _ backlog: Int32) -> Int32 { listen(fd, backlog) }

/// One client connection: what it has sent and not yet been answered, and who holds it.
final class Connection {
    let fd: Int32
    let token: UInt64
    var buffer: [UInt8] = []
    /// A worker is serving it (or the timer is closing it); guarded by the server's lock.
    var busy = false
    /// When the request part-way in the buffer began to arrive.
    var requestStart: UInt64?
    /// When the timer closes it, unless a worker takes it first.
    var deadline: UInt64 = 0
    /// `100 Continue` was sent for the request part-way in the buffer.
    var continued = false

    init(fd: Int32, token: UInt64) {
        self.fd = fd
        self.token = token
    }
}

/// Monotonic time in nanoseconds, and the wall clock for the log.
package enum Clock {
    package static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    static func timestamp() -> String {
        var t = time(nil)
        var parts = tm()
        gmtime_r(&t, &parts)
        let pad = PlainText.zeroPadded
        return pad(Int(parts.tm_year) + 1900, 4) + "-" + pad(Int(parts.tm_mon) + 1, 2) + "-"
            + pad(Int(parts.tm_mday), 2)
            + "T" + pad(Int(parts.tm_hour), 2) + ":" + pad(Int(parts.tm_min), 2) + ":" + pad(Int(parts.tm_sec), 2) + "Z"
    }
}
