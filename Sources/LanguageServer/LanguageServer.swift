import LVVRules
import RuleDSL

/// The language server for rule files: reads JSON-RPC messages, keeps the open documents, and
/// answers from the rule language's loader, symbol index and test runner. One thread, one
/// message at a time, in order: an edit's diagnostics are published before the next message is
/// read. Nothing a client sends stops it except `exit` or the end of its input.
public final class LanguageServer {
    /// Formats a rule file's text, or returns nil when it cannot (parse errors). Given by the
    /// command line; without one the server does not offer formatting.
    public typealias Formatter = @Sendable (String) -> String?

    /// The command a "run tests" code lens runs.
    public static let runTestsCommand = "rule-check.runTests"

    private let format: Formatter?
    private let send: ([UInt8]) -> Void
    private var encoding: PositionEncoding = .utf16
    private var state: State = .waiting
    private var documents: [String: Document] = [:]
    /// Per open document, the analysis of its current text (dropped on every edit).
    private var analyses: [String: Analysis] = [:]

    private enum State {
        case waiting, running, shuttingDown
    }

    /// `send` receives each outgoing message, framed (header and body).
    public init(format: Formatter? = nil, send: @escaping ([UInt8]) -> Void) {
        self.format = format
        self.send = send
    }

    /// Serves until `exit` or the end of input; returns the process exit status: 0 after
    /// `shutdown` then `exit`, 1 when the client exits (or disappears) without `shutdown`.
    public func run<Source: ByteSource>(_ reader: inout MessageReader<Source>) -> Int32 {
        while true {
            switch reader.next() {
            case .message(let body):
                if let status = handle(body) { return status }
            case .malformed(let problem):
                send(JSONRPC.frame(JSONRPC.error(id: nil, code: .invalidRequest, message: problem)))
            case .truncated:
                return state == .shuttingDown ? 0 : 1
            case .end:
                return state == .shuttingDown ? 0 : 1
            }
        }
    }

    /// Handles one message body; returns the exit status when the message was `exit`.
    public func handle(_ body: [UInt8]) -> Int32? {
        let message: JSONRPC.Message
        switch JSONRPC.decode(body) {
        case .success(let m): message = m
        case .failure(let error):
            reply(JSONRPC.error(id: error.id, code: error.code, message: error.message))
            return nil
        }
        switch message {
        case .request(let id, let method, let params):
            request(id: id, method: method, params: params)
        case .notification(let method, let params):
            if method == "exit" { return state == .shuttingDown ? 0 : 1 }
            notification(method: method, params: params)
        case .response:
            break  // the server sends no requests it waits for
        }
        return nil
    }

    private func reply(_ body: [UInt8]) {
        send(JSONRPC.frame(body))
    }

    /// A failure of one request, answered as a JSON-RPC error.
    private struct RequestError: Error {
        let code: JSONRPC.ErrorCode
        let message: String
        static func params(_ message: String) -> RequestError { RequestError(code: .invalidParams, message: message) }
    }

    // MARK: - Requests

    private func request(id: JSONRPC.ID, method: String, params: JSONValue?) {
        switch state {
        case .waiting where method != "initialize":
            reply(JSONRPC.error(id: id, code: .serverNotInitialized, message: "the server is not initialized"))
            return
        case .shuttingDown:
            reply(JSONRPC.error(id: id, code: .invalidRequest, message: "the server is shutting down"))
            return
        case .waiting, .running:
            break
        }
        do {
            let result: JSONValue
            switch method {
            case "initialize": result = try initialize(params)
            case "shutdown":
                state = .shuttingDown
                result = .null
            case "textDocument/hover": result = try hover(params)
            case "textDocument/definition": result = try definition(params)
            case "textDocument/references": result = try references(params)
            case "textDocument/documentSymbol": result = try documentSymbols(params)
            case "textDocument/completion": result = try completion(params)
            case "textDocument/codeLens": result = try codeLenses(params)
            case "textDocument/formatting" where format != nil: result = try formatting(params)
            case "workspace/executeCommand": result = try executeCommand(params)
            default:
                throw RequestError(code: .methodNotFound, message: "unknown method `\(method)`")
            }
            reply(JSONRPC.response(id: id, result: result))
        } catch let error as RequestError {
            reply(JSONRPC.error(id: id, code: error.code, message: error.message))
        } catch {
            reply(JSONRPC.error(id: id, code: .internalError, message: "\(error)"))
        }
    }

    private func initialize(_ params: JSONValue?) throws -> JSONValue {
        guard state == .waiting else {
            throw RequestError(code: .invalidRequest, message: "the server is already initialized")
        }
        let offered = params?["capabilities"]?["general"]?["positionEncodings"]?.arrayValue ?? []
        encoding = offered.contains(.string("utf-8")) ? .utf8 : .utf16
        state = .running
        let capabilities = JSONValue.object([
            "positionEncoding": .string(encoding.rawValue),
            "textDocumentSync": .object(["openClose": .bool(true), "change": .int(1)]),
            "hoverProvider": .bool(true),
            "definitionProvider": .bool(true),
            "referencesProvider": .bool(true),
            "documentSymbolProvider": .bool(true),
            "completionProvider": .object(["triggerCharacters": .array([.string("."), .string("=")])]),
            "codeLensProvider": .object(["resolveProvider": .bool(false)]),
            "executeCommandProvider": .object(["commands": .array([.string(Self.runTestsCommand)])]),
            "documentFormattingProvider": format == nil ? nil : .bool(true),
        ])
        return .object(["capabilities": capabilities, "serverInfo": .object(["name": .string("rule-check")])])
    }

    /// The open document a request names, and the byte offset of its `position`, if it has one.
    private func target(_ params: JSONValue?) throws -> (Document, Int?) {
        guard let uri = params?["textDocument"]?["uri"]?.stringValue else {
            throw RequestError.params("`textDocument.uri` must be a string")
        }
        guard let document = documents[uri] else {
            throw RequestError(code: .invalidParams, message: "document `\(uri)` is not open")
        }
        guard let position = params?["position"] else { return (document, nil) }
        guard let line = position["line"]?.intValue, let character = position["character"]?.intValue,
            line >= 0, character >= 0
        else {
            throw RequestError.params("`position` must have a whole `line` and `character`, zero or more")
        }
        return (document, document.lines.offset(of: Position(line: line, character: character), encoding: encoding))
    }

    private func analysis(_ document: Document) -> Analysis {
        if let cached = analyses[document.uri] { return cached }
        let analysis = analyze(document)
        analyses[document.uri] = analysis
        return analysis
    }

    private func hover(_ params: JSONValue?) throws -> JSONValue {
        let (document, offset) = try target(params)
        guard let offset else { throw RequestError.params("`position` is required") }
        let analysis = analysis(document)
        let features = LanguageFeatures(analysis: analysis, readFile: readFile)
        guard let (text, range) = features.hover(at: offset) else { return .null }
        return .object([
            "contents": .object(["kind": .string("markdown"), "value": .string(text)]),
            "range": analysis.lines[range.file].range(range.start, range.end, encoding: encoding),
        ])
    }

    private func definition(_ params: JSONValue?) throws -> JSONValue {
        let (document, offset) = try target(params)
        guard let offset else { throw RequestError.params("`position` is required") }
        let analysis = analysis(document)
        guard let occurrence = analysis.index.occurrence(atFile: analysis.top, offset: offset) else { return .null }
        if occurrence.key.kind == .ruleset {
            // `extends national`: the start of the base file.
            guard
                let file = analysis.result.files.firstIndex(where: {
                    RuleSetName.of($0) == occurrence.key.name
                })
            else { return .null }
            return .array([analysis.location(SourceRange(file: file, start: 0, end: 0), encoding: encoding)])
        }
        return .array(
            analysis.index.definitions(of: occurrence).map { analysis.location($0.range, encoding: encoding) })
    }

    private func references(_ params: JSONValue?) throws -> JSONValue {
        let (document, offset) = try target(params)
        guard let offset else { throw RequestError.params("`position` is required") }
        let analysis = analysis(document)
        guard let occurrence = analysis.index.occurrence(atFile: analysis.top, offset: offset) else {
            return .array([])
        }
        let includeDeclaration = params?["context"]?["includeDeclaration"] != .bool(false)
        var locations = analysis.index.references(to: occurrence.key)
            .filter { includeDeclaration || !$0.isDeclaration }
            .map { analysis.location($0.range, encoding: encoding) }
        locations += referencesInExtendingFiles(analysis, occurrence.key, includeDeclaration: includeDeclaration)
        return .array(locations)
    }

    /// Uses of a symbol in the other rule files of the folder that extend the document (the
    /// pilots, for the national file): each is indexed on top of the document's chain.
    private func referencesInExtendingFiles(
        _ analysis: Analysis, _ key: SymbolIndex.Key, includeDeclaration: Bool
    ) -> [JSONValue] {
        guard let top = analysis.result.files.last, top.bytes.count <= RuleSetLoader.maximumFileSize else { return [] }
        let name = RuleSetName.of(top)
        let folder = DocumentURI.folder(of: top.path)
        let chain = analysis.index.files
        var locations: [JSONValue] = []
        for fileName in (FileSystem.list(folder) ?? []).filter({ $0.hasSuffix(".rules") }).sorted() {
            let path = FileSystem.join(folder, fileName)
            guard !analysis.paths.contains(path), let bytes = readFile(path),
                bytes.count <= RuleSetLoader.maximumFileSize
            else { continue }
            let (parsed, _) = Parser.parse(SourceFile(path: path, bytes: bytes), fileIndex: chain.count)
            guard parsed.header?.base?.text == name else { continue }
            let lines = LineTable(bytes)
            let uri = documents.values.first { $0.path == path }?.uri ?? DocumentURI.uri(of: path)
            for use in SymbolIndex(files: chain + [parsed]).references(to: key)
            where use.range.file == chain.count && (includeDeclaration || !use.isDeclaration) {
                locations.append(
                    .object([
                        "uri": .string(uri), "range": lines.range(use.range.start, use.range.end, encoding: encoding),
                    ]))
            }
        }
        return locations
    }

    private func documentSymbols(_ params: JSONValue?) throws -> JSONValue {
        let (document, _) = try target(params)
        let analysis = analysis(document)
        let lines = analysis.lines[analysis.top]
        return .array(
            LanguageFeatures(analysis: analysis, readFile: readFile).symbols().map { symbol in
                let range = lines.range(symbol.range.start, symbol.range.end, encoding: encoding)
                return .object([
                    "name": .string(symbol.name.isEmpty ? "(untitled)" : symbol.name), "detail": .string(symbol.detail),
                    "kind": .int(symbol.kind), "range": range, "selectionRange": range,
                ])
            })
    }

    private func completion(_ params: JSONValue?) throws -> JSONValue {
        let (document, offset) = try target(params)
        guard let offset else { throw RequestError.params("`position` is required") }
        let items = Completion(index: analysis(document).index).items(in: document.bytes, at: offset)
        var seen = Set<String>()
        return .object([
            "isIncomplete": .bool(false),
            "items": .array(
                items.compactMap { item in
                    guard seen.insert(item.label).inserted else { return nil }
                    return .object([
                        "label": .string(item.label), "kind": .int(item.kind), "detail": .string(item.detail),
                    ])
                }),
        ])
    }

    private func codeLenses(_ params: JSONValue?) throws -> JSONValue {
        let (document, _) = try target(params)
        let analysis = analysis(document)
        guard analysis.top < analysis.index.files.count else { return .array([]) }
        let tests = analysis.index.files[analysis.top].declarations.compactMap { declaration -> TestDeclaration? in
            if case .test(let t) = declaration { return t }
            return nil
        }
        guard let first = tests.first else { return .array([]) }
        let start = document.lines.position(of: first.range.start, encoding: encoding)
        let command = JSONValue.object([
            "title": .string("run tests (\(tests.count))"), "command": .string(Self.runTestsCommand),
            "arguments": .array([.string(document.uri)]),
        ])
        return .array([.object(["range": .object(["start": start.json, "end": start.json]), "command": command])])
    }

    private func formatting(_ params: JSONValue?) throws -> JSONValue {
        let (document, _) = try target(params)
        guard let format else { throw RequestError(code: .methodNotFound, message: "formatting is not available") }
        let text = String(decoding: document.bytes, as: UTF8.self)
        guard let formatted = format(text) else {
            throw RequestError(code: .requestFailed, message: "the file has errors; fix them before formatting")
        }
        if formatted == text { return .array([]) }
        let whole = document.lines.range(0, document.bytes.count, encoding: encoding)
        return .array([.object(["range": whole, "newText": .string(formatted)])])
    }

    /// `rule-check.runTests URI`: runs the file's tests and shows each failure as a diagnostic
    /// on its test, until the next edit. Answers `{"passed": N, "failed": M}`.
    private func executeCommand(_ params: JSONValue?) throws -> JSONValue {
        guard params?["command"]?.stringValue == Self.runTestsCommand else {
            throw RequestError.params("unknown command; the server has only `\(Self.runTestsCommand)`")
        }
        guard let uri = params?["arguments"]?.arrayValue?.first?.stringValue else {
            throw RequestError.params("`\(Self.runTestsCommand)` takes the document's URI")
        }
        guard var document = documents[uri] else {
            throw RequestError(code: .invalidParams, message: "document `\(uri)` is not open")
        }
        let analysis = analysis(document)
        guard let program = analysis.result.program else {
            throw RequestError(code: .requestFailed, message: "the rules have errors; fix them to run the tests")
        }
        let report = TestRunner(program: program).run()
        document.testDiagnostics = report.results.filter { !$0.passed && $0.test.range.file == analysis.top }.map {
            result in
            diagnostic(
                range: result.test.range, severity: 1, code: "test-failed",
                message: "test “\(result.test.title)” fails: " + result.failures.joined(separator: "; "),
                lines: document.lines)
        }
        documents[uri] = document
        publishDiagnostics(document, analysis)
        send(
            JSONRPC.frame(
                JSONRPC.notification(
                    method: "window/showMessage",
                    params: .object([
                        "type": .int(report.failed == 0 ? 3 : 1),
                        "message": .string(
                            "\(DocumentURI.fileName(of: document.path)): \(report.passed) passed, \(report.failed) failed"
                        ),
                    ]))))
        return .object(["passed": .int(report.passed), "failed": .int(report.failed)])
    }

    // MARK: - Notifications

    private func notification(method: String, params: JSONValue?) {
        guard state == .running else { return }  // before `initialize` or after `shutdown`: dropped
        do {
            switch method {
            case "textDocument/didOpen":
                guard let item = params?["textDocument"], let uri = item["uri"]?.stringValue,
                    let text = item["text"]?.stringValue
                else { throw RequestError.params("`textDocument` must have a `uri` and a `text`") }
                documents[uri] = Document(uri: uri, bytes: Array(text.utf8), version: item["version"]?.intValue ?? 0)
                changed(uri)
            case "textDocument/didChange":
                guard let uri = params?["textDocument"]?["uri"]?.stringValue,
                    let changes = params?["contentChanges"]?.arrayValue
                else { throw RequestError.params("`didChange` must have a `textDocument.uri` and `contentChanges`") }
                guard var document = documents[uri] else { throw RequestError.params("document `\(uri)` is not open") }
                for change in changes {
                    guard let text = change["text"]?.stringValue else {
                        throw RequestError.params("a change must have a `text`")
                    }
                    if let range = change["range"] {
                        // Incremental edits are not asked for, but cost little to honour.
                        guard let start = range["start"], let end = range["end"],
                            let startLine = start["line"]?.intValue, let startCharacter = start["character"]?.intValue,
                            let endLine = end["line"]?.intValue, let endCharacter = end["character"]?.intValue
                        else { throw RequestError.params("a change's `range` must have a `start` and an `end`") }
                        let from = document.lines.offset(
                            of: Position(line: startLine, character: startCharacter), encoding: encoding)
                        let to = max(
                            from,
                            document.lines.offset(
                                of: Position(line: endLine, character: endCharacter), encoding: encoding))
                        document.bytes.replaceSubrange(from..<to, with: Array(text.utf8))
                    } else {
                        document.bytes = Array(text.utf8)
                    }
                    document.lines = LineTable(document.bytes)
                }
                document.version = params?["textDocument"]?["version"]?.intValue ?? document.version
                document.testDiagnostics = []
                documents[uri] = document
                changed(uri)
            case "textDocument/didClose":
                guard let uri = params?["textDocument"]?["uri"]?.stringValue else {
                    throw RequestError.params("`textDocument.uri` must be a string")
                }
                guard let document = documents.removeValue(forKey: uri) else { return }
                analyses.removeValue(forKey: uri)
                send(
                    JSONRPC.frame(
                        JSONRPC.notification(
                            method: "textDocument/publishDiagnostics",
                            params: .object([
                                "uri": .string(uri), "diagnostics": .array([]),
                            ]))))
                // Files extending it now read it from disk.
                refreshDependents(of: document.path)
            case "workspace/didChangeWatchedFiles":
                // A rule file changed on disk (a base no editor has open, say): check again.
                analyses.removeAll()
                for document in documents.values.sorted(by: { $0.uri < $1.uri }) {
                    publishDiagnostics(document, analysis(document))
                }
            default:
                break  // `initialized`, `$/cancelRequest`, `$/setTrace` and unknown notifications
            }
        } catch let error as RequestError {
            // A notification has no reply; say what was wrong in the client's log instead.
            send(
                JSONRPC.frame(
                    JSONRPC.notification(
                        method: "window/logMessage",
                        params: .object([
                            "type": .int(1), "message": .string("rule-check: \(method): \(error.message)"),
                        ]))))
        } catch {
            // Only RequestError is thrown above.
        }
    }

    /// After a document's text changed: check it and publish, then the open files extending it.
    private func changed(_ uri: String) {
        guard let document = documents[uri] else { return }
        analyses.removeValue(forKey: uri)
        publishDiagnostics(document, analysis(document))
        refreshDependents(of: document.path)
    }

    private func refreshDependents(of path: String) {
        for (otherURI, other) in documents.sorted(by: { $0.key < $1.key }) where other.path != path {
            guard let old = analyses[otherURI], old.paths.dropLast().contains(path) else { continue }
            analyses.removeValue(forKey: otherURI)
            publishDiagnostics(other, analysis(other))
        }
    }

    // MARK: - Checking

    /// Loads a document with the files it extends: each base from the open documents when
    /// open, else from disk next to the document.
    private func analyze(_ document: Document) -> Analysis {
        let top = SourceFile(path: document.path, bytes: document.bytes)
        let folder = DocumentURI.folder(of: document.path)
        let result = RuleSetLoader.load(top) { base in
            let path = FileSystem.join(folder, "\(base).rules")
            return self.readFile(path).map { SourceFile(path: path, bytes: $0) }
        }
        let uris = result.files.enumerated().map { index, file in
            index == result.files.count - 1
                ? document.uri
                : documents.values.first { $0.path == file.path }?.uri ?? DocumentURI.uri(of: file.path)
        }
        return Analysis(result: result, uris: uris)
    }

    /// A file's text: the open document's if one has this path, else the file on disk.
    private func readFile(_ path: String) -> [UInt8]? {
        if let open = documents.values.first(where: { $0.path == path }) { return open.bytes }
        return try? RuleLibrary.read(path).bytes
    }

    private func publishDiagnostics(_ document: Document, _ analysis: Analysis) {
        let top = analysis.top
        var diagnostics: [JSONValue] = []
        for d in analysis.result.diagnostics where d.range.file == top {
            diagnostics.append(
                diagnostic(
                    range: d.range, severity: d.severity == .error ? 1 : 2, code: d.code,
                    message: d.message + (d.help.map { "\nhelp: \($0)" } ?? ""), lines: document.lines))
        }
        // Errors in a file it extends are that file's diagnostics; here one line says so.
        let baseErrors = analysis.result.errors.filter { $0.range.file != top }
        if let first = baseErrors.first {
            let name = DocumentURI.fileName(of: analysis.result.files[first.range.file].path)
            diagnostics.insert(
                diagnostic(
                    range: SourceRange(file: top, start: 0, end: 0), severity: 1, code: "base-has-errors",
                    message:
                        "`\(name)`, which this file extends, has \(baseErrors.count) error\(baseErrors.count == 1 ? "" : "s"): \(first.message)",
                    lines: document.lines), at: 0)
        }
        diagnostics += document.testDiagnostics
        send(
            JSONRPC.frame(
                JSONRPC.notification(
                    method: "textDocument/publishDiagnostics",
                    params: .object([
                        "uri": .string(document.uri), "version": .int(document.version),
                        "diagnostics": .array(diagnostics),
                    ]))))
    }

    private func diagnostic(range: SourceRange, severity: Int, code: String, message: String, lines: LineTable)
        -> JSONValue
    {
        .object([
            "range": lines.range(range.start, range.end, encoding: encoding), "severity": .int(severity),
            "code": .string(code), "source": .string("rule-check"), "message": .string(message),
        ])
    }
}

/// The rule set name of a loaded file: its header's name, else its file name without `.rules`.
enum RuleSetName {
    static func of(_ file: SourceFile) -> String {
        if let header = Parser.parse(file).0.header { return header.name.text }
        let name = DocumentURI.fileName(of: file.path)
        return name.hasSuffix(".rules") ? String(name.dropLast(".rules".count)) : name
    }
}
