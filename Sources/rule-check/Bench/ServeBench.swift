import Dispatch
import LVVRules
import LVVService
import RuleDSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
    import Foundation  // `ProcessInfo`: Darwin's headers declare no `environ`
#endif

/// `rule-check bench --serve [--pilot P] [--seconds S] [--connections 1,8,64] [--idle N]`: the
/// decision service under load, with a load generator of our own over loopback. It starts
/// `rule-check serve` (this same build) as a child on a free port of 127.0.0.1, then:
/// - decide throughput and p50/p99/p99.9 latency at each number of keep-alive connections, each
///   client sending the next generated case as soon as the answer to the last one is in;
/// - the service's resident memory with N idle connections open (each answered once);
/// - `batch` through the service (cases/s) beside `rule-check batch` as a process.
/// The generator runs on the same cores as the service; every phase is bounded in time and count.
enum ServeBench {
    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        let args = try Arguments(
            command: "bench --serve", arguments,
            valueFlags: ["--pilot", "--rules", "--seconds", "--connections", "--idle", "--cases", "--threads"],
            switchFlags: ["--trace"])
        let pilot = args.value("--pilot") ?? "groningen"
        let rules = args.value("--rules") ?? "rules"
        let seconds = Double(args.value("--seconds") ?? "3") ?? 0
        let levels = (args.value("--connections") ?? "1,8,64").split(separator: ",").compactMap { Int($0) }
        let idle = Int(args.value("--idle") ?? "1000") ?? -1
        let count = Int(args.value("--cases") ?? "20000") ?? -1
        guard seconds > 0, seconds <= 60, !levels.isEmpty, levels.allSatisfy({ $0 > 0 && $0 <= 256 }), idle >= 0,
            idle <= 5000, count > 0, count <= 1_000_000
        else {
            throw .usage("`--seconds` 0–60, `--connections` a list of 1–256, `--idle` 0–5000, `--cases` 1–1000000")
        }
        let trace = args.has("--trace")
        raiseDescriptorLimit()

        var generator = CaseGenerator()
        let lines = (0..<count).map { generator.nextCase(index: $0 + 1) }
        let path = "/v1/pilots/\(pilot)/decide" + (trace ? "" : "?trace=false")
        let requests: [[UInt8]] = lines.prefix(2000).map { line in
            Array(
                "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(line.utf8.count)\r\n\r\n\(line)"
                    .utf8)
        }

        let executable = BenchCommand.executablePath()
        var serveArguments = ["serve", "--pilot", pilot, "--rules", rules, "--port", "0", "--idle-timeout", "120"]
        if let threads = args.value("--threads") { serveArguments += ["--threads", threads] }
        guard let (pid, errors) = startServer(executable, serveArguments) else {
            throw CommandError(status: .failure, message: "cannot start `rule-check serve`")
        }
        defer {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            close(errors)
        }
        var announced: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !announced.contains(10) {
            let n = chunk.withUnsafeMutableBytes { read(errors, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            announced += chunk[..<n]
        }
        let text = String(decoding: announced, as: UTF8.self)
        guard let range = text.firstRange(of: "127.0.0.1:"),
            let port = UInt16(text[range.upperBound...].prefix { $0.isNumber })
        else {
            throw CommandError(status: .failure, message: "`rule-check serve` did not start: \(text)")
        }
        Console.out(
            "rule-check bench --serve: pilot \(pilot), \(requests.count) distinct generated cases, decide\(trace ? " with trace" : " ?trace=false"), \(seconds) s per level, service pid \(pid) on 127.0.0.1:\(port)\n"
        )
        Console.out(
            "note: the load generator runs on the same \(Threads.processorCount) core(s) as the service\n"
        )
        #if DEBUG
            Console.out("note: this is a debug build; use `swift build -c release` for real figures\n")
        #endif

        // Warm up: a second of load at the middle level.
        _ = load(port: port, requests, connections: 8, seconds: min(1, seconds))
        Console.out("\ndecide (keep-alive, one request in flight per connection)\n")
        Console.out("  connections    decisions/s      p50 ms      p99 ms    p99.9 ms   errors\n")
        for connections in levels {
            let result = load(port: port, requests, connections: connections, seconds: seconds)
            let (right, ms) = (PlainText.rightAligned, PlainText.threeDecimals)
            Console.out(
                "  " + right(String(connections), 11) + " " + right(PlainText.noDecimals(result.rate), 14) + " "
                    + right(ms(result.p50 * 1e3), 11) + " " + right(ms(result.p99 * 1e3), 11) + " "
                    + right(ms(result.p999 * 1e3), 11) + " " + right(String(result.errors), 8) + "\n")
        }

        if idle > 0 {
            let before = residentKB(of: pid)
            var sockets: [Int32] = []
            var failed = 0
            for _ in 0..<idle {
                guard let client = Client(port: port) else {
                    failed += 1
                    continue
                }
                let request = Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
                if client.roundTrip(request) {
                    sockets.append(client.detach())
                } else {
                    failed += 1
                    client.close()
                }
            }
            let opened = residentKB(of: pid)
            usleep(2_000_000)
            let later = residentKB(of: pid)
            // One more request on each: the idle connections are still served, and memory stays flat.
            var served = 0
            for fd in sockets {
                let client = Client(adopting: fd)
                if client.roundTrip(Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)) { served += 1 }
                client.close()
            }
            Console.out("\nresident memory of the service (VmRSS)\n")
            Console.out(
                "  before: \(before / 1024) MB; with \(sockets.count) idle connections: \(opened / 1024) MB; 2 s later: \(later / 1024) MB; each answered again: \(served)\(failed > 0 ? "; \(failed) could not connect" : "")\n"
            )
        }

        // batch: through the service, and as the command.
        let body = Array((lines.joined(separator: "\n") + "\n").utf8)
        let start = Stopwatch.now()
        let received = streamBatch(port: port, pilot: pilot, body: body)
        let serviceSeconds = Stopwatch.now() - start
        let outcome = verdictLines(received)
        var cliSeconds = 0.0
        do {
            let folder = try FileSystem.makeTemporaryFolder(prefix: "rule-check-bench-serve")
            defer { FileSystem.removeTemporaryFolder(folder) }
            let file = FileSystem.join(folder, "cases.jsonl")
            try FileSystem.write(body, to: file)
            cliSeconds =
                BenchCommand.spawn(
                    executable, ["batch", "--pilot", pilot, "--rules", rules, "--no-trace"], input: file)?.seconds ?? 0
        } catch {
            Console.out("note: the CLI batch could not be measured: \(error)\n")
        }
        Console.out("\nbatch, \(count) cases, --no-trace\n")
        let rate = { (seconds: Double) in PlainText.rightAligned(PlainText.noDecimals(Double(count) / seconds), 10) }
        Console.out("  through the service: \(rate(serviceSeconds)) cases/s (\(outcome) lines back)\n")
        if cliSeconds > 0 {
            Console.out("  rule-check batch:    \(rate(cliSeconds)) cases/s (a process, file to /dev/null)\n")
        }
        return .success
    }

    struct LoadResult {
        var rate: Double
        var p50: Double
        var p99: Double
        var p999: Double
        var errors: Int
    }

    final class Latencies: @unchecked Sendable {
        private let lock = Lock()
        var all: [Double] = []
        var errors = 0
        func add(_ values: [Double], errors: Int) {
            lock.lock()
            all += values
            self.errors += errors
            lock.unlock()
        }
    }

    /// Starts `rule-check serve`: standard output to /dev/null, standard error into a pipe whose
    /// read end is returned with the process (the service announces its port there).
    private static func startServer(_ executable: String, _ arguments: [String]) -> (pid_t, Int32)? {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return nil }
        // The child must not inherit the read end: it would keep the pipe open after exit.
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        let pid = BenchCommand.launch(executable, arguments, errors: ends[1])
        close(ends[1])
        guard let pid else {
            close(ends[0])
            return nil
        }
        return (pid, ends[0])
    }

    /// `connections` clients, each on its own thread, for `seconds`.
    private static func load(port: UInt16, _ requests: [[UInt8]], connections: Int, seconds: Double) -> LoadResult {
        let latencies = Latencies()
        let group = DispatchGroup()
        let start = Stopwatch.now() + 0.05
        let end = start + seconds
        for index in 0..<connections {
            group.enter()
            Threads.start(stackSize: 256 * 1024) {
                defer { group.leave() }
                guard let client = Client(port: port) else {
                    latencies.add([], errors: 1)
                    return
                }
                defer { client.close() }
                var mine: [Double] = []
                mine.reserveCapacity(200_000)
                var errors = 0
                var i = index * 7919
                while Stopwatch.now() < start {}
                while true {
                    let t0 = Stopwatch.now()
                    if t0 >= end { break }
                    if client.roundTrip(requests[i % requests.count]) {
                        mine.append(Stopwatch.now() - t0)
                    } else {
                        errors += 1
                        break
                    }
                    i += 1
                }
                latencies.add(mine, errors: errors)
            }
        }
        group.wait()
        let sorted = latencies.all.sorted()
        func percentile(_ p: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
        return LoadResult(
            rate: Double(sorted.count) / seconds, p50: percentile(0.5), p99: percentile(0.99), p999: percentile(0.999),
            errors: latencies.errors)
    }

    /// POSTs the body to `…/batch?trace=false` while reading the streamed answer; returns the answer.
    private static func streamBatch(port: UInt16, pilot: String, body: [UInt8]) -> [UInt8] {
        guard let client = Client(port: port) else { return [] }
        defer { client.close() }
        let head = Array(
            "POST /v1/pilots/\(pilot)/batch?trace=false HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.count)\r\n\r\n"
                .utf8)
        let fd = client.fd
        Threads.start {
            _ = Client.sendAll(fd, head)
            _ = Client.sendAll(fd, body)
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            received.append(contentsOf: buffer[0..<n])
            // The last chunk, `0\r\n\r\n`; looked at by index (a slice of `received` kept alive
            // would make every append copy it).
            let c = received.count
            if c >= 5, received[c - 5] == 48, received[c - 4] == 13, received[c - 3] == 10, received[c - 2] == 13,
                received[c - 1] == 10
            {
                break
            }
        }
        return received
    }

    /// The verdict lines in a chunked answer.
    private static func verdictLines(_ received: [UInt8]) -> Int {
        // Undo the chunked framing, then count the verdict lines.
        guard let headEnd = find([13, 10, 13, 10], in: received, from: 0) else { return 0 }
        var at = headEnd + 4
        var lines = 0
        while let lineEnd = find([13, 10], in: received, from: at),
            let size = Int(String(decoding: received[at..<lineEnd], as: UTF8.self), radix: 16), size > 0
        {
            let start = lineEnd + 2
            guard start + size <= received.count else { break }
            lines += received[start..<(start + size)].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            at = start + size + 2
        }
        return lines
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        for i in start...(bytes.count - needle.count)
        where bytes[i] == needle[0] && Array(bytes[i..<(i + needle.count)]) == needle {
            return i
        }
        return nil
    }

    /// One keep-alive client connection.
    final class Client {
        let fd: Int32
        private var buffer = [UInt8](repeating: 0, count: 1 << 16)

        init?(port: UInt16) {
            #if canImport(Glibc)
                fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #elseif canImport(Darwin)
                fd = socket(AF_INET, SOCK_STREAM, 0)
            #endif
            guard fd >= 0 else { return nil }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else {
                closeSocket(fd)
                return nil
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            #if canImport(Darwin)
                // Darwin has no MSG_NOSIGNAL (see `sendAll`): the socket itself raises no SIGPIPE.
                setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
            #endif
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        init(adopting fd: Int32) { self.fd = fd }

        /// Hands the socket over (it stays open).
        func detach() -> Int32 { fd }

        func close() { closeSocket(fd) }

        static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
            bytes.withUnsafeBufferPointer { p in
                var sent = 0
                while sent < p.count {
                    #if canImport(Glibc)
                        let n = send(fd, p.baseAddress! + sent, p.count - sent, Int32(MSG_NOSIGNAL))
                    #elseif canImport(Darwin)
                        let n = send(fd, p.baseAddress! + sent, p.count - sent, 0)
                    #endif
                    if n <= 0 { return false }
                    sent += n
                }
                return true
            }
        }

        /// Sends one request and reads its whole answer (by `Content-Length`); false on any failure
        /// or a status other than 200.
        func roundTrip(_ request: [UInt8]) -> Bool {
            guard Client.sendAll(fd, request) else { return false }
            var have = 0
            var needed = -1
            return buffer.withUnsafeMutableBufferPointer { p in
                let base = p.baseAddress!
                while needed < 0 || have < needed {
                    let n = recv(fd, base + have, p.count - have, 0)
                    if n <= 0 { return false }
                    have += n
                    if needed < 0, let end = Client.headEnd(base, have) {
                        guard let length = Client.contentLength(base, end) else { return false }
                        needed = end + 4 + length
                        if needed > p.count { return false }
                    }
                }
                // "HTTP/1.1 200"
                return have >= 12 && base[9] == 50 && base[10] == 48 && base[11] == 48
            }
        }

        private static func headEnd(_ p: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int? {
            guard count >= 4 else { return nil }
            for i in 0...(count - 4) where p[i] == 13 && p[i + 1] == 10 && p[i + 2] == 13 && p[i + 3] == 10 { return i }
            return nil
        }

        private static func contentLength(_ p: UnsafeMutablePointer<UInt8>, _ end: Int) -> Int? {
            let head = String(decoding: UnsafeBufferPointer(start: p, count: end), as: UTF8.self)
            guard let range = head.firstRange(of: "Content-Length: ") else { return nil }
            return Int(head[range.upperBound...].prefix { $0.isNumber })
        }
    }

    /// `VmRSS` of a running process, in KB (0 when unreadable: on Darwin, which has no `/proc`).
    private static func residentKB(of pid: pid_t) -> Int {
        guard let bytes = FileSystem.read("/proc/\(pid)/status") else { return 0 }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.dropFirst(6).filter(\.isNumber)) ?? 0
        }
        return 0
    }

    private static func raiseDescriptorLimit() {
        var limit = rlimit()
        #if canImport(Glibc)
            let resource = Int32(RLIMIT_NOFILE.rawValue)
        #elseif canImport(Darwin)
            let resource = RLIMIT_NOFILE
        #endif
        if getrlimit(resource, &limit) == 0, limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = min(limit.rlim_max, 1 << 16)
            _ = setrlimit(resource, &limit)
        }
    }
}

/// The C `close`, which `Client.close()` hides inside the class.
private func closeSocket(_ fd: Int32) { _ = close(fd) }
