import Foundation
import LVVPresentation
import LVVRules
import LVVService
import RuleDSL
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `rule-check serve` end to end: the real server on a free port of 127.0.0.1, spoken to over
/// sockets (docs/service.md). Serialized: the timeouts below are short, and two cores are shared.
@Suite(.serialized) struct ServiceTests {
    static let groningenHash: String =
        (try? RuleLibrary(directory: repositoryRoot + "/rules").load(pilot: "groningen").sha256) ?? ""

    static func cases(_ count: Int, seed: UInt64 = 7) -> [String] {
        var generator = CaseGenerator(seed: seed)
        return (0..<count).map { generator.nextCase(index: $0) }
    }

    static func eval(_ caseJSON: String, trace: Bool, _ more: [String] = ["--format", "json"]) throws -> String {
        let scratch = try CommandLineTests.Scratch()
        let path = scratch.url("case.json").path
        try Data(caseJSON.utf8).write(to: URL(fileURLWithPath: path))
        let run = try CommandLineTests.run(
            ["eval", "--pilot", "groningen", path] + more + (trace ? [] : ["--no-trace"]))
        #expect(run.status == 0)
        return run.stdout
    }

    // MARK: endpoints

    @Test func everyEndpointAnswersWithTheRuleSetHash() throws {
        let service = try ServiceProcess()
        let health = try service.request("GET", "/healthz")
        #expect(health.status == 200)
        #expect(health.text == "{\"status\":\"ok\",\"pilots\":1}\n")
        let pilots = try service.request("GET", "/v1/pilots")
        #expect(pilots.status == 200)
        #expect(pilots.text.contains("\"sha256\":\"\(Self.groningenHash)\""))
        let facts = try service.request("GET", "/v1/pilots/groningen/facts")
        #expect(facts.status == 200)
        #expect(facts.headers["ruleset-sha256"] == Self.groningenHash)
        #expect(facts.text.contains("\"name\":\"v_number\""))
        #expect(facts.text.contains("\"checked_by\":\"INLIA\""))
        // The question texts are the rule files' `ask` texts, in the language asked for (else
        // the rule set's); a text without a translation falls back to the one written.
        let program = try RuleLibrary(directory: repositoryRoot + "/rules").load(pilot: "groningen")
        let english = try service.request("GET", "/v1/pilots/groningen/facts?lang=en")
        for (response, language) in [(facts, TextLanguage.nl), (english, .en)] {
            for name in ["v_number", "dublin_claimant", "binding_province"] {
                let question = try #require(program.texts.question(for: name, in: language))
                var w = JSONWriter(reservingCapacity: 64)
                w.appendString(question)
                #expect(
                    response.text.contains("\"question\":" + String(decoding: w.bytes, as: UTF8.self)),
                    "\(name) in \(language)")
            }
        }
        #expect(facts.text.contains("\"question\":\"Is de persoon een Dublinclaimant?\""))
        #expect(english.text.contains("\"question\":\"Is the person a Dublin claimant?\""))
        let openapi = try service.request("GET", "/openapi.json")
        #expect(openapi.status == 200)
        #expect(openapi.text.contains("\"openapi\": \"3.1.0\""))
        let page = try service.request("GET", "/")
        #expect(page.status == 200)
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.headers["cache-control"] == "no-store")
        #expect(!page.text.contains("<script"), "the page runs no scripts")
        #expect(
            !page.text.contains("http://") && !page.text.contains("https://"), "the page loads nothing from elsewhere")
        for response in [health, pilots, openapi, page] {
            #expect(response.headers["ruleset-sha256"]?.count == 64)
        }
        let headConnection = try service.connect()
        defer { headConnection.close() }
        try headConnection.send(TestConnection.request("HEAD", "/healthz") + TestConnection.request("GET", "/healthz"))
        #expect(headConnection.readResponse(bodyless: true)?.status == 200)
        #expect(
            headConnection.readResponse()?.text == health.text,
            "a HEAD answer has no body: the next answer follows at once")
        #expect(service.stop() == 0)
    }

    @Test func decideGivesExactlyTheVerdictOfEval() throws {
        let service = try ServiceProcess()
        for (i, line) in Self.cases(6).enumerated() {
            let trace = i % 2 == 0
            let response = try service.request(
                "POST", "/v1/pilots/groningen/decide" + (trace ? "" : "?trace=false"), body: Array(line.utf8))
            #expect(response.status == 200)
            #expect(response.headers["ruleset-sha256"] == Self.groningenHash)
            #expect(response.text == (try Self.eval(line, trace: trace)))
        }
        // A case written over several lines is one case too, as for `eval`.
        let pretty = "{\n  \"case_id\": \"P-1\",\n  \"reference_date\": \"2023-05-01\"\n}\n"
        let response = try service.request("POST", "/v1/pilots/groningen/decide", body: Array(pretty.utf8))
        #expect(response.text == (try Self.eval(pretty, trace: true)))
        let text = try service.request(
            "POST", "/v1/pilots/groningen/decide?format=text&trace=false", body: Array(pretty.utf8))
        #expect(text.status == 200)
        #expect(text.headers["content-type"] == "text/plain; charset=utf-8")
        #expect(text.text.contains("Besluit: "), "the text explanation is in the rule set's language, Dutch")
        _ = service.stop()
    }

    /// `?why_not=true` gives the counterfactuals of `eval --why-not`, byte for byte, in JSON and
    /// in text; without it the verdict has no such field.
    @Test func whyNotGivesTheCounterfactualsOfEval() throws {
        let service = try ServiceProcess()
        let excluded = Cases.intake(.groningen, ["dublin_claimant": true, "binding_province": "Drenthe"])
        let partial = "{\"case_id\":\"W-2\",\"reference_date\":\"2023-05-01\",\"v_number\":\"V1\"}"
        var kinds: Set<String> = []
        for (i, body) in ([excluded, partial] + Self.cases(6, seed: 3)).enumerated() {
            let trace = i % 2 == 1
            let response = try service.request(
                "POST", "/v1/pilots/groningen/decide?why_not=true" + (trace ? "" : "&trace=false"),
                body: Array(body.utf8))
            #expect(response.status == 200)
            #expect(response.text == (try Self.eval(body, trace: trace, ["--format", "json", "--why-not"])))
            if response.text.contains("\"counterfactuals\":{\"kind\":\"flip\"") { kinds.insert("flip") }
            if response.text.contains("\"counterfactuals\":{\"kind\":\"settle\"") { kinds.insert("settle") }
            let plain = try service.request(
                "POST", "/v1/pilots/groningen/decide" + (trace ? "" : "?trace=false"), body: Array(body.utf8))
            #expect(!plain.text.contains("\"counterfactuals\""), "only asked for")
        }
        #expect(
            kinds == ["flip", "settle"],
            "an exclusion says what would have to change, an undetermined case what would decide it")
        // The text explanation ends with it, in the language asked for.
        for lang in ["nl", "en"] {
            let text = try service.request(
                "POST", "/v1/pilots/groningen/decide?why_not=true&format=text&trace=false&lang=\(lang)",
                body: Array(excluded.utf8))
            #expect(text.status == 200)
            #expect(text.text == (try Self.eval(excluded, trace: false, ["--why-not", "--lang", lang])))
            #expect(text.text.contains(lang == "nl" ? "Wat zou er anders moeten zijn" : "What would have to change"))
            #expect(
                text.text.contains(
                    lang == "nl"
                        ? "`dublin_claimant` (Dublinclaimant) nee in plaats van ja"
                        : "`dublin_claimant` (Dublin claimant) no instead of yes"))
        }
        let bad = try service.request("POST", "/v1/pilots/groningen/decide?why_not=maybe", body: Array(excluded.utf8))
        #expect(bad.status == 400)
        _ = service.stop()
    }

    @Test func batchThroughTheServiceIsTheBatchCommandByteForByte() throws {
        let service = try ServiceProcess()
        let input =
            Self.cases(300).joined(separator: "\n") + "\n\nnot json\n   \n{\"case_id\": 5}\r\n"
            + Self.cases(3, seed: 9).joined(separator: "\r\n")
        for trace in [true, false] {
            let cli = try CommandLineTests.run(
                ["batch", "--pilot", "groningen"] + (trace ? [] : ["--no-trace"]), stdin: input)
            #expect(cli.status == 3)
            let response = try service.request(
                "POST", "/v1/pilots/groningen/batch" + (trace ? "" : "?trace=false"), body: Array(input.utf8))
            #expect(response.status == 200)
            #expect(response.headers["transfer-encoding"] == "chunked")
            #expect(response.headers["content-type"] == "application/x-ndjson")
            #expect(response.text == cli.stdout)
        }
        // A line past the limit gets the batch command's error line.
        let long =
            "{\"case_id\":\"" + String(repeating: "x", count: BatchStream.maximumLineLength) + "\"}\n"
            + Self.cases(1)[0] + "\n"
        let cli = try CommandLineTests.run(["batch", "--pilot", "groningen", "--no-trace"], stdin: long)
        let response = try service.request("POST", "/v1/pilots/groningen/batch?trace=false", body: Array(long.utf8))
        #expect(response.text == cli.stdout)
        #expect(response.text.hasPrefix("{\"line\":1,\"error\":"))
        _ = service.stop()
    }

    @Test func concurrentClientsGetTheVerdictsOfBatch() throws {
        let service = try ServiceProcess()
        let lines = Self.cases(400, seed: 11)
        let cli = try CommandLineTests.run(
            ["batch", "--pilot", "groningen"], stdin: lines.joined(separator: "\n") + "\n")
        let expected = cli.stdout.split(separator: "\n").map { String($0) + "\n" }
        #expect(expected.count == lines.count)
        let clients = 8
        let results = Results(count: lines.count)
        DispatchQueue.concurrentPerform(iterations: clients) { client in
            guard let connection = try? service.connect() else { return }
            defer { connection.close() }
            // Keep-alive, and every other client pipelines two requests at a time.
            var i = client
            while i < lines.count {
                let batch = client % 2 == 0 ? [i] : [i, i + clients].filter { $0 < lines.count }
                for j in batch {
                    try? connection.send(
                        TestConnection.request("POST", "/v1/pilots/groningen/decide", body: Array(lines[j].utf8)))
                }
                for j in batch { results.set(j, connection.readResponse()?.text) }
                i += clients * batch.count
            }
        }
        for i in 0..<lines.count { #expect(results.get(i) == expected[i], "case \(i)") }
        _ = service.stop()
    }

    final class Results: @unchecked Sendable {
        private var values: [String?]
        private let lock = NSLock()
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ value: String?) {
            lock.lock()
            values[i] = value
            lock.unlock()
        }
        func get(_ i: Int) -> String? {
            lock.lock()
            defer { lock.unlock() }
            return values[i]
        }
    }

    // MARK: bad input

    @Test func everyBadInputHasItsStatus() throws {
        let service = try ServiceProcess()
        let decide = "/v1/pilots/groningen/decide"
        let raw: [(String, Int, String)] = [
            ("GARBAGE\r\n\r\n", 400, "malformed_request_line"),
            ("GET /healthz\r\nHost: x\r\n\r\n", 400, "malformed_request_line"),
            ("GET healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400, "malformed_request_line"),
            ("GET /healthz HTTP/1.1\nHost: x\n\n", 400, "malformed_request"),
            ("GET /healthz HTTP/1.1\r\nHost x\r\n\r\n", 400, "malformed_header"),
            ("GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n", 400, "malformed_header"),
            ("GET /healthz HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400, "malformed_header"),
            ("GET /healthz HTTP/1.1\r\n\r\n", 400, "malformed_host"),
            ("GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", 505, "version_not_supported"),
            ("GET /healthz?lang=%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400, "malformed_query"),
            ("POST \(decide) HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n", 400, "malformed_content_length"),
            (
                "POST \(decide) HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400,
                "malformed_content_length"
            ),
            (
                "POST \(decide) HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
                "malformed_content_length"
            ),
            (
                "POST \(decide) HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 411,
                "length_required"
            ),
            ("POST \(decide) HTTP/1.1\r\nHost: x\r\n\r\n", 411, "length_required"),
            (
                "POST \(decide) HTTP/1.1\r\nHost: x\r\nContent-Length: \(HTTPServer.defaultBodyLimit + 1)\r\n\r\n", 413,
                "body_too_large"
            ),
            (
                "GET /" + String(repeating: "a", count: 17 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n", 431,
                "header_too_large"
            ),
            ("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n", 404, "not_found"),
            ("GET /v1/pilots/atlantis/facts HTTP/1.1\r\nHost: x\r\n\r\n", 404, "unknown_pilot"),
            ("DELETE /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method_not_allowed"),
            ("GET \(decide) HTTP/1.1\r\nHost: x\r\n\r\n", 405, "method_not_allowed"),
            ("GET /healthz?lang=fr HTTP/1.1\r\nHost: x\r\n\r\n", 400, "bad_parameter"),
            ("POST \(decide)?trace=maybe HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}", 400, "bad_parameter"),
            ("POST \(decide) HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n{\"case_", 400, "bad_case"),
            ("POST \(decide) HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 400, "bad_case"),
            (
                String(
                    decoding: TestConnection.request(
                        "POST", decide,
                        body: Array("{\"case_id\":\"A\",\"reference_date\":\"2023-01-01\",\"x\":1}".utf8)),
                    as: UTF8.self), 400, "bad_case"
            ),
        ]
        for (request, status, code) in raw {
            let connection = try service.connect()
            defer { connection.close() }
            try connection.send(request)
            let response = try #require(connection.readResponse(), "no answer to \(request.prefix(60))")
            #expect(response.status == status, "\(request.prefix(60))")
            #expect(response.errorCode == code, "\(request.prefix(60))")
            #expect(response.headers["content-type"] == "application/json")
            #expect(response.headers["ruleset-sha256"]?.count == 64)
        }
        // English on request; Dutch by default.
        let english = try service.request("GET", "/nowhere?lang=en")
        #expect(english.text.contains("no such path"))
        let dutch = try service.request("GET", "/nowhere")
        #expect(dutch.text.contains("dit pad bestaat niet"))
        // A bad case: the Dutch words, then which fact and what is wrong.
        let badCase = try service.request(
            "POST", "/v1/pilots/groningen/decide",
            body: Array("{\"case_id\":\"B\",\"reference_date\":\"2023-01-01\",\"dublin_claimant\":\"ja\"}".utf8))
        #expect(badCase.status == 400)
        #expect(
            badCase.text.contains("\"message\":\"de casus is ongeldig: ") && badCase.text.contains("dublin_claimant"),
            "\(badCase.text)")
        #expect(service.process.isRunning)
        _ = service.stop()
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let service = try ServiceProcess()
        let connection = try service.connect()
        defer { connection.close() }
        let lines = Self.cases(3)
        var bytes: [UInt8] = []
        for line in lines {
            bytes += TestConnection.request("POST", "/v1/pilots/groningen/decide?trace=false", body: Array(line.utf8))
        }
        bytes += TestConnection.request("GET", "/healthz")
        bytes += TestConnection.request(
            "POST", "/v1/pilots/groningen/batch?trace=false", body: Array((lines.joined(separator: "\n") + "\n").utf8))
        bytes += TestConnection.request("GET", "/nowhere")
        try connection.send(bytes)
        var batchExpected = ""
        for line in lines {
            let response = try #require(connection.readResponse())
            let verdict = try Self.eval(line, trace: false)
            #expect(response.text == verdict)
            batchExpected += verdict
        }
        #expect(connection.readResponse()?.status == 200)
        #expect(connection.readResponse()?.text == batchExpected)
        #expect(connection.readResponse()?.status == 404)
        _ = service.stop()
    }

    @Test func slowAndIdleClientsGet408AndAreClosed() throws {
        let service = try ServiceProcess(["--pilot", "groningen", "--request-timeout", "1", "--idle-timeout", "1.5"])
        // Slowloris: a head that never ends, dripped byte by byte.
        let slow = try service.connect()
        defer { slow.close() }
        for byte in "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: ".utf8 {
            try slow.send([byte])
            usleep(20_000)
        }
        let started = Date()
        for _ in 0..<20 {
            try? slow.send("a")
            usleep(100_000)
        }
        let timeout = try #require(slow.readResponse())
        #expect(timeout.status == 408)
        #expect(timeout.headers["connection"] == "close")
        #expect(slow.isClosedByPeer())
        #expect(Date().timeIntervalSince(started) < 5)
        // Idle past the keep-alive timeout after one answer.
        let idle = try service.connect()
        defer { idle.close() }
        try idle.send(TestConnection.request("GET", "/healthz"))
        #expect(idle.readResponse()?.status == 200)
        let answered = Date()
        #expect(idle.readResponse()?.status == 408)
        #expect(idle.isClosedByPeer())
        #expect(Date().timeIntervalSince(answered) >= 1.2)
        // A client that vanishes mid-answer harms no one (SIGPIPE ignored).
        for _ in 0..<5 {
            let vanishing = try service.connect()
            try vanishing.send(
                TestConnection.request(
                    "POST", "/v1/pilots/groningen/batch", body: Array(Self.cases(200).joined(separator: "\n").utf8)))
            vanishing.close()
        }
        #expect(try service.request("GET", "/healthz").status == 200)
        #expect(service.process.isRunning)
        _ = service.stop()
    }

    // MARK: security

    @Test func aTokenIsRequiredAndRefusedWithout() throws {
        let scratch = try CommandLineTests.Scratch()
        let tokenFile = scratch.url("token")
        try Data("s3cret-token-0123456789\n".utf8).write(to: tokenFile)
        let service = try ServiceProcess(["--pilot", "groningen", "--token-file", tokenFile.path])
        let refused = try service.request("GET", "/healthz")
        #expect(refused.status == 401)
        #expect(refused.headers["www-authenticate"] == "Bearer")
        #expect(
            try service.request("GET", "/healthz", headers: ["Authorization: Bearer s3cret-token-012345678"]).status
                == 401)
        #expect(
            try service.request("GET", "/healthz", headers: ["Authorization: Bearer s3cret-token-0123456789"]).status
                == 200)
        _ = service.stop()
        // Reachable from elsewhere without a token: refused before it starts.
        let open = try CommandLineTests.run(["serve", "--pilot", "groningen", "--host", "0.0.0.0", "--port", "0"])
        #expect(open.status == 2)
        #expect(open.stderr.contains("--token-file"))
        #expect(
            HTTPServer.constantTimeEqual("abc", "abc") && !HTTPServer.constantTimeEqual("abd", "abc")
                && !HTTPServer.constantTimeEqual("ab", "abc"))
    }

    @Test func ruleErrorsStopTheStartWithDiagnostics() throws {
        let scratch = try CommandLineTests.Scratch()
        let rules = try CommandLineTests.brokenRules(scratch)
        let run = try CommandLineTests.run(["serve", "--pilot", "groningen", "--rules", rules, "--port", "0"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("groningen.rules:"))
        #expect(try CommandLineTests.run(["serve", "--pilot", "atlantis", "--port", "0"]).status == 2)
        #expect(try CommandLineTests.run(["serve", "--port", "0"]).status == 2)
    }

    @Test func theAccessLogHoldsNoFactValue() throws {
        let scratch = try CommandLineTests.Scratch()
        let log = scratch.url("access.log")
        let service = try ServiceProcess(["--pilot", "groningen", "--access-log", log.path])
        let secret =
            "{\"case_id\":\"SECRET-ID-77\",\"reference_date\":\"2023-02-03\",\"nationality\":\"ZQ\",\"binding_municipality\":\"Geheimdorp\"}"
        _ = try service.request("POST", "/v1/pilots/groningen/decide", body: Array(secret.utf8))
        _ = try service.request("GET", "/?pilot=groningen&reference_date=2023-02-03&binding_municipality=Geheimdorp")
        _ = try service.request("POST", "/v1/pilots/groningen/batch", body: Array(secret.utf8))
        #expect(service.stop() == 0)
        let text = try String(contentsOf: log, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 3)
        for forbidden in ["SECRET", "Geheimdorp", "ZQ", "2023-02-03", "?"] { #expect(!text.contains(forbidden)) }
        #expect(lines[0].hasSuffix(" \(Self.groningenHash)"))
        #expect(lines[0].contains(" POST /v1/pilots/groningen/decide 200 "))
    }

    // MARK: pinning, reload, drain

    @Test func pinningRefusesAnotherRuleSet() throws {
        let service = try ServiceProcess()
        let line = Self.cases(1)[0]
        let path = "/v1/pilots/groningen/decide?trace=false"
        #expect(
            try service.request("POST", path, body: Array(line.utf8), headers: ["If-Match: \"\(Self.groningenHash)\""])
                .status == 200)
        #expect(
            try service.request(
                "POST", path, body: Array(line.utf8), headers: ["If-Match: \"\(String(repeating: "0", count: 64))\""]
            ).status == 409)
        #expect(try service.request("POST", path + "&ruleset_sha256=abc", body: Array(line.utf8)).status == 409)
        #expect(try service.request("GET", "/v1/pilots/groningen/facts", headers: ["If-Match: *"]).status == 200)
        let pinned = String(line.dropLast()) + ",\"ruleset_sha256\":\"\(Self.groningenHash)\"}"
        let answer = try service.request("POST", path, body: Array(pinned.utf8))
        #expect(answer.status == 200)
        #expect(answer.text == (try Self.eval(line, trace: false)), "the pin is taken out before the case is read")
        let wrong = String(line.dropLast()) + ",\"ruleset_sha256\":\"beef\"}"
        let conflict = try service.request("POST", path, body: Array(wrong.utf8))
        #expect(conflict.status == 409)
        #expect(conflict.errorCode == "ruleset_mismatch")
        _ = service.stop()
    }

    @Test func reloadUnderLoadLosesNoRequest() throws {
        let scratch = try CommandLineTests.Scratch()
        let folder = scratch.url("rules")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["national", "groningen"] {
            try FileManager.default.copyItem(
                atPath: repositoryRoot + "/rules/\(name).rules",
                toPath: folder.appendingPathComponent("\(name).rules").path)
        }
        let service = try ServiceProcess(["--pilot", "groningen", "--rules", folder.path])
        let old = Self.groningenHash
        let lines = Self.cases(50, seed: 3)
        let stop = Results(count: 1)
        let hashes = HashCounter()
        let group = DispatchGroup()
        for client in 0..<4 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                guard let connection = try? service.connect() else {
                    hashes.fail()
                    return
                }
                var i = client
                while stop.get(0) == nil {
                    try? connection.send(
                        TestConnection.request(
                            "POST", "/v1/pilots/groningen/decide?trace=false", body: Array(lines[i % lines.count].utf8))
                    )
                    guard let response = connection.readResponse(), response.status == 200 else {
                        hashes.fail()
                        return
                    }
                    hashes.add(response.headers["ruleset-sha256"] ?? "")
                    i += 1
                }
                connection.close()
            }
        }
        usleep(300_000)
        // An edit that checks clean and passes its tests: it replaces the rules.
        let pilotFile = folder.appendingPathComponent("groningen.rules")
        let original = try String(contentsOf: pilotFile, encoding: .utf8)
        try Data((original + "\n# reloaded\n").utf8).write(to: pilotFile)
        service.send(SIGHUP)
        var new: String?
        for _ in 0..<100 where new == nil {
            usleep(50_000)
            let pilots = try service.request("GET", "/v1/pilots").text
            if !pilots.contains(old) { new = pilots }
        }
        #expect(new != nil, "the edited rules were not taken: \(service.stderr)")
        usleep(300_000)
        stop.set(0, "stop")
        group.wait()
        #expect(hashes.failures == 0, "every request in flight across the reload was answered")
        #expect(hashes.seen.count == 2, "answers came from the old set, then the new: \(hashes.seen)")
        #expect(try service.request("GET", "/v1/pilots/groningen/facts", headers: ["If-Match: \(old)"]).status == 409)
        // A broken edit is refused; the service keeps the rules it had.
        try Data((original + "\nrule broken_rule\n  when this is not ( valid\n").utf8).write(to: pilotFile)
        let before = try service.request("GET", "/v1/pilots").text
        service.send(SIGHUP)
        for _ in 0..<100 where !service.stderr.contains("reload refused") { usleep(50_000) }
        #expect(service.stderr.contains("reload refused"))
        #expect(try service.request("GET", "/v1/pilots").text == before)
        _ = service.stop()
    }

    final class HashCounter: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var seen: Set<String> = []
        private(set) var failures = 0
        func add(_ hash: String) {
            lock.lock()
            seen.insert(hash)
            lock.unlock()
        }
        func fail() {
            lock.lock()
            failures += 1
            lock.unlock()
        }
    }

    @Test func sigtermFinishesWhatIsInFlightThenExitsZero() throws {
        let service = try ServiceProcess()
        let line = Self.cases(1)[0]
        let connection = try service.connect()
        defer { connection.close() }
        let request = TestConnection.request("POST", "/v1/pilots/groningen/decide?trace=false", body: Array(line.utf8))
        // Half a request in flight when the signal comes.
        try connection.send(Array(request.prefix(request.count - 10)))
        let idle = try service.connect()
        defer { idle.close() }
        usleep(200_000)
        service.send(SIGTERM)
        usleep(300_000)
        #expect((try? service.connect()) == nil, "no new connections once draining")
        #expect(idle.isClosedByPeer(), "an idle connection is closed at once")
        try connection.send(Array(request.suffix(10)))
        let response = try #require(connection.readResponse())
        #expect(response.status == 200)
        #expect(response.headers["connection"] == "close")
        #expect(response.text == (try Self.eval(line, trace: false)))
        #expect(service.waitForExit(10) == 0)
    }

    // MARK: the description and the page

    @Test func realResponsesFollowTheOpenAPIDescription() throws {
        let service = try ServiceProcess(["--pilot", "groningen", "--pilot", "amsterdam"])
        let document = try #require(try service.request("GET", "/openapi.json").json)
        let checker = SchemaChecker(document: document)
        var checked = 0
        func expectConforms(
            _ response: TestResponse, _ path: String, _ method: String,
            sourceLocation: Testing.SourceLocation = #_sourceLocation
        ) {
            guard let schema = checker.responseSchema(path: path, method: method, status: response.status) else {
                Issue.record(
                    "status \(response.status) of \(method) \(path) is not described", sourceLocation: sourceLocation)
                return
            }
            guard let value = response.json else {
                Issue.record("not JSON: \(response.text.prefix(80))", sourceLocation: sourceLocation)
                return
            }
            #expect(checker.check(value, schema) == [], sourceLocation: sourceLocation)
            checked += 1
        }
        expectConforms(try service.request("GET", "/healthz"), "/healthz", "get")
        expectConforms(try service.request("GET", "/v1/pilots"), "/v1/pilots", "get")
        expectConforms(try service.request("GET", "/v1/pilots?lang=de"), "/v1/pilots", "get")
        for pilot in ["groningen", "amsterdam"] {
            expectConforms(
                try service.request("GET", "/v1/pilots/\(pilot)/facts?lang=en"), "/v1/pilots/{pilot}/facts", "get")
        }
        expectConforms(try service.request("GET", "/v1/pilots/nowhere/facts"), "/v1/pilots/{pilot}/facts", "get")
        let review =
            "{\"case_id\":\"R-1\",\"reference_date\":\"2023-06-01\",\"admission_date\":\"2022-01-10\",\"phase\":\"reception\"}"
        for body in Self.cases(20, seed: 5) + [
            review, "{\"case_id\":\"U\",\"reference_date\":\"2023-01-01\"}", "[]", "{",
        ] {
            for query in ["", "?trace=false", "?why_not=true"] {
                expectConforms(
                    try service.request("POST", "/v1/pilots/groningen/decide" + query, body: Array(body.utf8)),
                    "/v1/pilots/{pilot}/decide", "post")
            }
        }
        expectConforms(
            try service.request("POST", "/v1/pilots/groningen/decide", headers: ["If-Match: x"]),
            "/v1/pilots/{pilot}/decide", "post")
        expectConforms(try service.request("POST", "/v1/pilots/groningen/decide"), "/v1/pilots/{pilot}/decide", "post")
        #expect(checked == 80)
        // Every verdict line of a batch is a Verdict too.
        let batch = try service.request(
            "POST", "/v1/pilots/amsterdam/batch", body: Array(Self.cases(10).joined(separator: "\n").utf8))
        let verdict = try #require(checker.resolve("#/components/schemas/Verdict"))
        for line in batch.text.split(separator: "\n") {
            let value = try #require(
                Array(line.utf8).withUnsafeBufferPointer {
                    if case .success(let v) = JSONParser.parse($0) { v } else { nil }
                })
            #expect(checker.check(value, verdict) == [])
        }
        _ = service.stop()
    }

    @Test func thePageAsksOnlyMissingFactsAndExplainsTheVerdict() throws {
        let service = try ServiceProcess()
        let first = try service.request("GET", "/?pilot=groningen")
        #expect(first.text.contains("data-fact=\"reference_date\""), "no decision without the day: that is asked first")
        let start = "/?pilot=groningen&reference_date=2023-04-01&v_number=V123&identity_doubt=false"
        let page = try service.request("GET", start).text
        #expect(page.contains("id=\"verdict\" data-decision=\"undetermined\""))
        // The one question asked is the first of the verdict's missing facts.
        let verdict = try Self.eval(
            "{\"case_id\":\"intake\",\"reference_date\":\"2023-04-01\",\"v_number\":\"V123\",\"identity_doubt\":false}",
            trace: false)
        let missing = try #require(
            verdict.range(of: "\"missing_facts\":[\"").map { verdict[$0.upperBound...].prefix { $0 != "\"" } })
        #expect(page.contains("id=\"question\" data-fact=\"\(missing)\""))
        #expect(page.contains("te controleren door"))
        #expect(page.contains("id=\"download\""))
        // Asked with the rule file's question text.
        let program = try RuleLibrary(directory: repositoryRoot + "/rules").load(pilot: "groningen")
        let asked = try #require(program.texts.question(for: String(missing), in: .nl))
        #expect(page.contains("<label for=\"answer\">\(HTML.escape(asked))</label>"))
        // Undetermined: which missing facts would decide it (`eval --why-not`).
        #expect(
            page.contains(
                "<section id=\"why-not\" data-kind=\"settle\"><h3>Welke ontbrekende gegevens de zaak beslissen</h3>"))
        // Skipping it asks the next one.
        let skipped = try service.request("GET", start + "&skip_add=\(missing)").text
        #expect(!skipped.contains("id=\"question\" data-fact=\"\(missing)\""))
        let english = try service.request("GET", start + "&lang=en").text
        #expect(
            english.contains("<html lang=\"en\">") && english.contains("Missing facts that could change the decision"))
        // A complete case: no question, the decision with its reasons.
        let excluded = try service.request("GET", start + "&entry_ban_years=12").text
        #expect(excluded.contains("data-decision=\"exclude\""))
        #expect(excluded.contains("<code>entry_ban_10y</code>"))
        #expect(!excluded.contains("id=\"question\""))
        // What would have to change, for a case with every fact given: as `eval --why-not`.
        let complete = try service.request("GET", Self.dublinPage).text
        #expect(complete.contains("data-decision=\"exclude\""))
        let whyNot = try #require(
            complete.range(of: "<section id=\"why-not\" data-kind=\"flip\">").map { complete[$0.lowerBound...] })
        #expect(
            whyNot.contains(
                "<h3>Wat zou er anders moeten zijn</h3><ol><li>alleen via een individuele uitzondering (<code>exceptional_admission</code>: "
            ))
        #expect(
            whyNot.contains(
                "<li><code>dublin_claimant</code> (Dublinclaimant) nee in plaats van ja en <code>binding_province</code> (provincie van aantoonbare regiobinding) <code>Groningen</code> in plaats van <code>Drenthe</code>: zou het besluit <code>admit</code> zijn</li>"
            ))
        let englishWhyNot = try service.request("GET", Self.dublinPage + "&lang=en").text
        #expect(englishWhyNot.contains("<h3>What would have to change</h3>"))
        #expect(englishWhyNot.contains("(Dublin claimant) no instead of yes"))
        // A case that nothing the person can change would admit says so.
        #expect(
            excluded.contains(
                "<section id=\"why-not\" data-kind=\"flip\"><h3>Wat zou er anders moeten zijn</h3><p class=\"note\">geen verandering van ten hoogste 4 gegevens"
            ))
        // A value of the wrong form is shown as the case reader's message, not a crash.
        let wrong = try service.request("GET", start + "&entry_ban_years=many")
        #expect(wrong.status == 200 && wrong.text.contains("id=\"case-error\""))
        _ = service.stop()
    }

    /// A Dublin claimant bound to Drenthe, every intake fact given: excluded, and two ways to admission.
    static let dublinPage =
        "/?pilot=groningen&reference_date=2022-05-01&v_number=1234567890&identity_doubt=false&birth_date=1990-06-15"
        + "&nationality=SY&lawful_residence=false&reception_entitlement=none&entry_ban_years=0&declared_undesirable=false"
        + "&dublin_claimant=true&binding_municipality=Groningen&binding_province=Drenthe&safe_country_national=false"
        + "&previously_in_bbb=false&willing_to_cooperate=true"

    static let chromium: String? = ["chromium", "chromium-browser", "google-chrome"].lazy.compactMap { name in
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }.first

    @Test(
        .enabled(
            if: chromium != nil,
            "chromium is not on PATH: the page is not rendered in a browser (apt-get install chromium)"))
    func thePageRendersTheVerdictInHeadlessChromium() throws {
        let service = try ServiceProcess()
        let url = "http://127.0.0.1:\(service.port)" + Self.dublinPage
        let scratch = try CommandLineTests.Scratch()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.chromium!)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--user-data-dir=\(scratch.url("profile").path)", "--dump-dom", url,
        ]
        let out = scratch.url("dom.html")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        if process.isRunning { process.terminate() }
        let dom = try String(contentsOf: out, encoding: .utf8)
        #expect(dom.contains("id=\"decision\" class=\"decision exclude\""), "rendered DOM: \(dom.prefix(300))")
        #expect(dom.contains("<code>dublin_claimant</code>"), "the reason's code")
        // "What would have to change", rendered.
        #expect(
            dom.contains("<section id=\"why-not\" data-kind=\"flip\"><h3>Wat zou er anders moeten zijn</h3>"),
            "rendered DOM: \(dom.suffix(1500))")
        #expect(
            dom.contains(
                "<code>binding_province</code> (provincie van aantoonbare regiobinding) <code>Groningen</code> in plaats van <code>Drenthe</code>"
            ))
        _ = service.stop()
    }

    // MARK: the parser itself

    @Test func theParserReadsHeadsStrictly() {
        func parse(_ text: String) -> HTTPRequestParser.Result {
            Array(text.utf8).withUnsafeBufferPointer { HTTPRequestParser.parse($0) }
        }
        guard
            case .complete(let head) = parse(
                "\r\nPOST /a/b?x=1&y=a+b%21 HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\nConnection: close\r\n\r\nbody")
        else {
            Issue.record("not parsed")
            return
        }
        #expect(head.method == "POST" && head.path == "/a/b")
        #expect(head.parameter("y") == "a b!")
        #expect(head.contentLength == 12 && !head.keepAlive)
        #expect(
            head.length
                == "\r\nPOST /a/b?x=1&y=a+b%21 HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\nConnection: close\r\n\r\n"
                .utf8.count)
        #expect(parse("GET / HTTP/1.1\r\nHost: h\r\n") == .incomplete)
        #expect(parse("GET / HT") == .incomplete)
        guard case .complete(let old) = parse("GET / HTTP/1.0\r\n\r\n") else {
            Issue.record("HTTP/1.0 without Host")
            return
        }
        #expect(!old.keepAlive)
        guard case .failure(let nul) = parse("GET /\0 HTTP/1.1\r\n\r\n") else {
            Issue.record("NUL accepted")
            return
        }
        #expect(nul.status == 400)
    }

    /// Mutated requests (bytes flipped, cut, doubled, spliced), deterministically: the parser
    /// never traps, and a head it accepts lies within the input and reads the same alone.
    @Test func theParserSurvivesMutatedRequests() {
        let seeds = [
            "GET /healthz?lang=en HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n",
            "POST /v1/pilots/groningen/decide?trace=false HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nIf-Match: \"x\"\r\n\r\n{}",
            "\r\nHEAD / HTTP/1.0\r\nX: %41%\r\n\r\n",
        ].map { Array($0.utf8) }
        var state: UInt64 = 0x5EED
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        var completed = 0
        for _ in 0..<20_000 {
            var bytes = seeds[next() % seeds.count]
            for _ in 0..<(1 + next() % 4) {
                guard !bytes.isEmpty else { break }
                let at = next() % bytes.count
                switch next() % 5 {
                case 0: bytes[at] = UInt8(truncatingIfNeeded: next())
                case 1: bytes.remove(at: at)
                case 2: bytes.insert([13, 10, 58, 32, 0, 127, 37, 63][next() % 8], at: at)
                case 3: bytes = Array(bytes.prefix(at))
                default: bytes.insert(contentsOf: bytes[at...].prefix(next() % 40), at: at)
                }
            }
            let result = bytes.withUnsafeBufferPointer { HTTPRequestParser.parse($0) }
            if case .complete(let head) = result {
                completed += 1
                #expect(head.length <= bytes.count && head.path.hasPrefix("/"))
                let alone = bytes.withUnsafeBufferPointer {
                    HTTPRequestParser.parse(UnsafeBufferPointer(rebasing: $0[0..<head.length]))
                }
                #expect(alone == .complete(head))
            }
        }
        #expect(completed > 1000, "the mutations leave enough valid requests to check")
    }
}
