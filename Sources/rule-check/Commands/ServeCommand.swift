import LVVRules
import LVVService
import RuleDSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `rule-check serve`: the decision service (docs/service.md). Loads and checks the rules once,
/// listens (on the loopback address unless told otherwise), and then waits for signals: SIGHUP
/// reloads the rules (kept only if they check clean and their tests pass), SIGTERM or SIGINT
/// stops accepting, lets requests in flight finish up to `--drain-timeout`, and exits 0.
enum ServeCommand {
    static let valueFlags: Set<String> = [
        "--pilot", "--rules", "--host", "--port", "--token-file", "--threads", "--access-log",
        "--idle-timeout", "--request-timeout", "--drain-timeout",
    ]

    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        var (pilots, rest) = pilotNames(arguments)
        let args = try Arguments(command: "serve", rest, valueFlags: valueFlags, switchFlags: ["--all"])
        if let extra = args.positionals.first {
            throw .usage("`rule-check serve` takes no file (`\(extra)`): rule-check serve --pilot P [--port N]")
        }
        if args.has("--all") {
            guard pilots.isEmpty else { throw .usage("`--all` and `--pilot` together: choose one") }
            pilots = RuleLibrary.pilots
        }
        guard !pilots.isEmpty else { throw .usage("`rule-check serve` needs `--pilot P` (repeatable) or `--all`") }

        var configuration = HTTPServer.Configuration()
        configuration.host = args.value("--host") ?? "127.0.0.1"
        configuration.port = try number(args, "--port", default: 8080, in: 0...65535).map { UInt16($0) } ?? 8080
        configuration.threads =
            try number(args, "--threads", default: Threads.processorCount, in: 1...256) ?? 1
        configuration.idleTimeout = try seconds(args, "--idle-timeout", default: 30)
        configuration.requestTimeout = try seconds(args, "--request-timeout", default: 10)
        let drainTimeout = try seconds(args, "--drain-timeout", default: 10)
        if let path = args.value("--token-file") {
            configuration.token = try readToken(path)
        } else if !HTTPServer.isLoopback(configuration.host) {
            throw .usage(
                "`--host \(configuration.host)` is reachable from other machines: give `--token-file F` too (docs/service.md)"
            )
        }
        if let path = args.value("--access-log") {
            let descriptor = path == "-" ? 2 : open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
            guard descriptor >= 0 else {
                throw CommandError(
                    status: .failure,
                    message: "cannot open the access log `\(path)`: \(String(cString: strerror(errno)))")
            }
            configuration.accessLog = descriptor
        }

        let rules: ServedRules
        do {
            rules = try ServedRules(directory: args.value("--rules") ?? "rules", pilots: pilots)
        } catch {
            if !error.diagnostics.isEmpty { Console.errorText(error.diagnostics) }
            throw CommandError(
                status: error.isUsage ? .usage : .failure,
                message: error.message + (error.diagnostics.isEmpty ? "" : " above"))
        }

        // A client that goes away mid-answer must not end the service.
        signal(SIGPIPE, SIG_IGN)
        // The signals are taken by `sigwait` below; every thread started from here on blocks them.
        var signals = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGHUP, SIGTERM, SIGINT] { sigaddset(&signals, signal) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        let server: HTTPServer
        do {
            server = try HTTPServer(configuration: configuration) { ServiceRoutes(rules: rules) }
        } catch {
            throw CommandError(status: .failure, message: error.description)
        }
        server.start()
        let shown = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        let snapshot = rules.snapshot()
        Console.error(
            "rule-check serve: listening on http://\(shown):\(server.port)/ with \(configuration.threads) worker(s); "
                + snapshot.pilots.map { "\($0.name) \($0.sha256.prefix(12))" }.joined(separator: ", "))

        while true {
            var received: Int32 = 0
            guard sigwait(&signals, &received) == 0 else { continue }
            if received == SIGHUP {
                switch rules.reload() {
                case .success(let next):
                    Console.error(
                        "rule-check serve: reloaded; "
                            + next.pilots.map { "\($0.name) \($0.sha256.prefix(12))" }.joined(separator: ", "))
                case .failure(let failure):
                    if !failure.diagnostics.isEmpty { Console.errorText(failure.diagnostics) }
                    Console.error(
                        "rule-check serve: reload refused, still serving the previous rules: \(failure.message)")
                }
                continue
            }
            server.drain()
            let deadline = Clock.now() + UInt64(max(0, drainTimeout) * 1e9)
            while server.openConnections > 0, Clock.now() < deadline { usleep(20_000) }
            let left = server.openConnections
            Console.error(
                "rule-check serve: stopped" + (left > 0 ? "; \(left) connection(s) cut off at the drain deadline" : ""))
            return .success
        }
    }

    /// Every `--pilot` value, in order (the flag may be repeated, or take `a,b`), and the other
    /// arguments (a `--pilot` without a value stays there, for the usual message).
    private static func pilotNames(_ arguments: [String]) -> ([String], [String]) {
        var names: [String] = []
        var rest: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--", index > 0 {
                rest += arguments[index...]
                break
            }
            if argument == "--pilot", index + 1 < arguments.count, !arguments[index + 1].hasPrefix("-") {
                names += arguments[index + 1].split(separator: ",").map(String.init)
                index += 1
            } else if argument.hasPrefix("--pilot="), argument.count > "--pilot=".count {
                names += argument.dropFirst("--pilot=".count).split(separator: ",").map(String.init)
            } else {
                rest.append(argument)
            }
            index += 1
        }
        var seen = Set<String>()
        return (names.filter { seen.insert($0).inserted }, rest)
    }

    private static func number(_ args: Arguments, _ flag: String, default value: Int, in range: ClosedRange<Int>)
        throws(CommandError) -> Int?
    {
        guard let text = args.value(flag) else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw .usage(
                "`\(flag)` takes a whole number from \(range.lowerBound) to \(range.upperBound), not `\(text)`")
        }
        return n
    }

    private static func seconds(_ args: Arguments, _ flag: String, default value: Double) throws(CommandError) -> Double
    {
        guard let text = args.value(flag) else { return value }
        guard let n = Double(text), n > 0, n <= 86_400 else {
            throw .usage("`\(flag)` takes a number of seconds above 0, not `\(text)`")
        }
        return n
    }

    /// The bearer token: the file's first line, without surrounding white space.
    private static func readToken(_ path: String) throws(CommandError) -> String {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(path, limit: 4096)
        } catch {
            throw CommandError(status: .failure, message: "cannot read the token file `\(path)`: \(error.description)")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let token =
            text.split(whereSeparator: \.isNewline).first.map { line in
                // Without the white space around it (spaces, tabs and the like: `isWhitespace` on a line).
                String(line.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
            } ?? ""
        guard token.count >= 16, token.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw CommandError(
                status: .failure,
                message: "the token in `\(path)` must be at least 16 visible ASCII characters on its first line")
        }
        return token
    }
}
