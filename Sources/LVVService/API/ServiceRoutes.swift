import LVVPresentation
import LVVRules
import RuleDSL

/// The service's routes: which path and method does what, with which rule set. One instance
/// per worker thread: it keeps that thread's batch processors (working storage, reused).
public final class ServiceRoutes: HTTPHandler {
    private let rules: ServedRules
    /// The pilot and trace setting of each cached processor, with the program it was made for.
    private var processors: [String: BatchProcessor] = [:]
    /// The reader, builder and reason prefixes of `decide` per pilot, made once per rule set.
    private var deciders: [String: Decider] = [:]

    private struct Decider {
        let program: Program
        let reader: CaseReader
        let builder: VerdictBuilder
        let prefixes: VerdictJSON.ReasonPrefixes
    }

    /// `?why_not=true`: the counterfactual search per pilot, made on first use (most clients
    /// never ask, and the fast path must not pay for it).
    private var whyNots: [String: WhyNot] = [:]

    private func whyNot(_ program: Program) -> WhyNot {
        if let cached = whyNots[program.name], cached.program === program { return cached }
        let made = WhyNot(program: program)
        whyNots[program.name] = made
        return made
    }

    private func decider(_ program: Program) -> Decider {
        if let cached = deciders[program.name], cached.program === program { return cached }
        let made = Decider(
            program: program, reader: CaseReader(program: program), builder: VerdictBuilder(program: program),
            prefixes: VerdictJSON.ReasonPrefixes(program: program))
        deciders[program.name] = made
        return made
    }

    /// Routes deciding with `rules`; the server makes one per worker thread (`makeHandler`).
    public init(rules: ServedRules) {
        self.rules = rules
    }

    /// What the decision service does with a request: answer at once, or read the case body first and decide.
    public func route(_ head: HTTPRequestHead) -> HTTPRoute {
        // One snapshot for the whole request: a reload meanwhile does not touch it.
        let snapshot = rules.snapshot()
        let languageParameter = head.parameter("lang")
        let language = languageParameter.flatMap(TextLanguage.init(rawValue:)) ?? ServiceRoutes.language(of: snapshot)
        let global = [(name: HTTPServer.hashHeader, value: snapshot.sha256)]
        if let given = languageParameter, TextLanguage(rawValue: given) == nil {
            return .respond(error(400, "bad_parameter", "`lang` is `nl` or `en`, not `\(given)`", language, global))
        }
        let segments = head.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        switch segments {
        case [""]:
            return only(["GET", "HEAD"], head, language, global) {
                .respond(IntakePage.response(head, snapshot: snapshot, language: language))
            }
        case ["healthz"]:
            return only(["GET", "HEAD"], head, language, global) {
                .respond(
                    .json(200, Array("{\"status\":\"ok\",\"pilots\":\(snapshot.pilots.count)}\n".utf8), headers: global)
                )
            }
        case ["openapi.json"]:
            return only(["GET", "HEAD"], head, language, global) {
                .respond(.json(200, OpenAPI.document(snapshot), headers: global))
            }
        case ["v1", "pilots"]:
            return only(["GET", "HEAD"], head, language, global) {
                .respond(.json(200, ServiceJSON.pilots(snapshot), headers: global))
            }
        case let s
        where s.count == 4 && s[0] == "v1" && s[1] == "pilots" && ["facts", "decide", "batch"].contains(s[3]):
            guard let program = snapshot.program(s[2]) else {
                return .respond(
                    error(
                        404, "unknown_pilot",
                        "this service does not serve the pilot `\(s[2])`; `GET /v1/pilots` lists the ones it does",
                        language, global))
            }
            let stamp = [(name: HTTPServer.hashHeader, value: program.sha256)]
            switch s[3] {
            case "facts":
                return only(["GET", "HEAD"], head, language, stamp) {
                    if let conflict = self.pinConflict(head, program, language, stamp) { return .respond(conflict) }
                    return .respond(.json(200, ServiceJSON.facts(program, language), headers: stamp))
                }
            case "decide":
                return only(["POST"], head, language, stamp) {
                    if let conflict = self.pinConflict(head, program, language, stamp) { return .respond(conflict) }
                    guard let trace = self.flag(head, "trace", default: true),
                        let whyNot = self.flag(head, "why_not", default: false)
                    else {
                        return .respond(
                            self.error(
                                400, "bad_parameter", "`trace` and `why_not` are `true` or `false`", language, stamp))
                    }
                    let text = head.parameter("format") == "text"
                    if let format = head.parameter("format"), format != "text", format != "json" {
                        return .respond(
                            self.error(
                                400, "bad_parameter", "`format` is `json` or `text`, not `\(format)`", language, stamp))
                    }
                    return .body(limit: CaseReader.maximumCaseSize) { body in
                        self.decide(body, program, trace: trace, whyNot: whyNot, text: text, language, stamp)
                    }
                }
            default:
                return only(["POST"], head, language, stamp) {
                    if let conflict = self.pinConflict(head, program, language, stamp) { return .respond(conflict) }
                    guard let trace = self.flag(head, "trace", default: true) else {
                        return .respond(
                            self.error(400, "bad_parameter", "`trace` is `true` or `false`", language, stamp))
                    }
                    let processor = self.processor(program, trace: trace)
                    return .stream(headers: [("Content-Type", "application/x-ndjson")] + stamp) { read, write in
                        _ = BatchStream.run(read: read, write: write, processor)
                    }
                }
            }
        default:
            return .respond(error(404, "not_found", "no such path; see `GET /openapi.json`", language, global))
        }
    }

    /// The error response for a request the server refused before routing, in the requested language
    /// and stamped with the served rules' hash.
    public func refusal(_ problem: HTTPError, head: HTTPRequestHead?) -> HTTPResponse {
        let snapshot = rules.snapshot()
        let language =
            head?.parameter("lang").flatMap(TextLanguage.init(rawValue:)) ?? ServiceRoutes.language(of: snapshot)
        var headers = [(name: HTTPServer.hashHeader, value: snapshot.sha256)]
        if problem.status == 401 { headers.append(("WWW-Authenticate", "Bearer")) }
        return error(problem.status, problem.code, problem.message, language, headers)
    }

    /// One case in, the verdict out: exactly `rule-check eval --format json` (or `text`).
    private func decide(
        _ body: UnsafeBufferPointer<UInt8>, _ program: Program, trace: Bool, whyNot: Bool, text: Bool,
        _ language: TextLanguage, _ stamp: [(name: String, value: String)]
    ) -> HTTPResponse {
        // Without trace, a one-line case takes batch's fast path (case scanner, machine, verdict
        // writer), whose lines are byte for byte those of the readable path (FastBatchEquivalenceTests).
        // A bad case goes the readable way below, for `eval`'s message.
        if !trace, !text, !whyNot, !ServiceRoutes.mentionsPin(body), let line = ServiceRoutes.oneLine(body) {
            var out: [UInt8] = []
            out.reserveCapacity(1024)
            if processor(program, trace: false).process(line, lineNumber: 1, into: &out) {
                return .json(200, out, headers: stamp)
            }
        }
        let decider = decider(program)
        let reader = decider.reader
        var result = reader.read(body)
        // A pin in the body (`"ruleset_sha256"`) is taken out before the case is read.
        if ServiceRoutes.mentionsPin(body), case .success(.object(let members)) = JSONParser.parse(body),
            let pin = members.first(where: { $0.key == ServiceRoutes.pinKey })
        {
            guard case .string(let wanted) = pin.value else {
                return error(
                    400, "bad_case", "`ruleset_sha256` must be a text (a sha256 in hexadecimal)", language, stamp)
            }
            if wanted.lowercased() != program.sha256 {
                return error(
                    409, "ruleset_mismatch",
                    "the case pins rule set \(wanted); `\(program.name)` is served with \(program.sha256)", language,
                    stamp)
            }
            result = reader.read(.object(members.filter { $0.key != ServiceRoutes.pinKey }))
        }
        switch result {
        case .success(let input):
            let verdict = decider.builder.verdict(for: input, trace: trace)
            // `?why_not=true`: what would have to change, as `eval --why-not` (docs/why.md).
            let search = whyNot ? self.whyNot(program) : nil
            let counterfactuals = search?.explain(verdict)
            if text {
                var explanation = VerdictText.render(verdict, program: program, trace: trace, language: language)
                if let search, let counterfactuals {
                    explanation += WhyNotText.render(
                        counterfactuals, program: program, search: search.search, language: language)
                }
                return HTTPResponse(
                    status: 200,
                    headers: [("Content-Type", "text/plain; charset=utf-8"), ("Content-Language", language.rawValue)]
                        + stamp,
                    body: Array(explanation.utf8))
            }
            var bytes = VerdictJSON.encode(
                verdict, program: program, trace: trace, prefixes: decider.prefixes, counterfactuals: counterfactuals)
            bytes.append(UInt8(ascii: "\n"))
            return .json(200, bytes, headers: stamp)
        case .failure(let problem):
            return error(400, "bad_case", problem.message, language, stamp)
        }
    }

    static let pinKey = "ruleset_sha256"

    /// The body without its trailing line end and blanks, if no other line end is inside it.
    private static func oneLine(_ body: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        var end = body.count
        while end > 0, [0x0A, 0x0D, 0x20, 0x09].contains(body[end - 1]) { end -= 1 }
        let line = UnsafeBufferPointer(rebasing: body[0..<end])
        return line.contains(0x0A) || line.contains(0x0D) ? nil : line
    }

    private static func mentionsPin(_ body: UnsafeBufferPointer<UInt8>) -> Bool {
        let key = Array(pinKey.utf8)
        guard body.count >= key.count else { return false }
        for i in 0...(body.count - key.count) where body[i] == key[0] {
            if (0..<key.count).allSatisfy({ body[i + $0] == key[$0] }) { return true }
        }
        return false
    }

    /// 409 when the request pins another rule set (`If-Match` or `?ruleset_sha256=`).
    private func pinConflict(
        _ head: HTTPRequestHead, _ program: Program, _ language: TextLanguage,
        _ stamp: [(name: String, value: String)]
    ) -> HTTPResponse? {
        var pins: [String] = []
        if let match = head.header("if-match") {
            pins += match.split(separator: ",").map { $0.trimmingSpaces().replacingQuotes() }
        }
        if let pin = head.parameter(ServiceRoutes.pinKey) { pins.append(pin) }
        guard !pins.isEmpty, !pins.contains("*"), !pins.contains(where: { $0.lowercased() == program.sha256 }) else {
            return nil
        }
        return error(
            409, "ruleset_mismatch",
            "the request pins rule set \(pins.joined(separator: ", ")); `\(program.name)` is served with \(program.sha256)",
            language, stamp)
    }

    /// The route if the method is one of `methods`, else 405 with `Allow`.
    private func only(
        _ methods: [String], _ head: HTTPRequestHead, _ language: TextLanguage,
        _ stamp: [(name: String, value: String)], _ route: () -> HTTPRoute
    ) -> HTTPRoute {
        guard methods.contains(head.method) else {
            return .respond(
                error(
                    405, "method_not_allowed",
                    "`\(head.method)` is not allowed here; use \(methods.joined(separator: " or "))", language,
                    stamp + [("Allow", methods.joined(separator: ", "))]))
        }
        return route()
    }

    /// A `true`/`false` query parameter; nil when it has another value.
    private func flag(_ head: HTTPRequestHead, _ name: String, default value: Bool) -> Bool? {
        switch head.parameter(name) {
        case nil: return value
        case "true"?: return true
        case "false"?: return false
        default: return nil
        }
    }

    private func processor(_ program: Program, trace: Bool) -> BatchProcessor {
        let key = "\(program.name) \(trace)"
        if let cached = processors[key], cached.program === program { return cached }
        let made = BatchProcessor(program: program, trace: trace)
        processors[key] = made
        return made
    }

    private func error(
        _ status: Int, _ code: String, _ english: String, _ language: TextLanguage,
        _ headers: [(name: String, value: String)]
    ) -> HTTPResponse {
        // A bad case keeps the case reader's message (which fact, what is wrong) after the words
        // in the reader's language: without it the case worker cannot tell what to fix.
        let message =
            FrameText(language).serviceError(code).map { code == "bad_case" ? "\($0): \(english)" : $0 } ?? english
        return .error(status, code, message, headers: headers + [("Content-Language", language.rawValue)])
    }

    /// The language of texts for people without `?lang`: the rule set's (`language nl` in its
    /// header), Dutch when nothing is served.
    static func language(of snapshot: ServedRules.Snapshot) -> TextLanguage {
        snapshot.pilots.first?.texts.language ?? .nl
    }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        var s = self
        if s.hasPrefix("W/") { s.removeFirst(2) }
        if s.count >= 2, s.first == "\"", s.last == "\"" { s = String(s.dropFirst().dropLast()) }
        return s
    }
}
