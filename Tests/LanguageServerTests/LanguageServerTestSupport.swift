import Foundation
import LVVRules
import Testing

@testable import LanguageServer

/// A scripted LSP client: messages are written into a byte stream, the server reads them
/// through its frame reader, and every message it sends is read back the same way.
struct Script {
    private(set) var bytes: [UInt8] = []
    private var nextID = 1

    /// Appends a request; returns its id.
    @discardableResult
    mutating func request(_ method: String, _ params: String) -> Int {
        defer { nextID += 1 }
        raw(#"{"jsonrpc":"2.0","id":\#(nextID),"method":"\#(method)","params":\#(params)}"#)
        return nextID
    }

    mutating func notify(_ method: String, _ params: String) {
        raw(#"{"jsonrpc":"2.0","method":"\#(method)","params":\#(params)}"#)
    }

    /// A framed body, as written.
    mutating func raw(_ body: String) {
        bytes += JSONRPC.frame(Array(body.utf8))
    }

    /// Bytes as they are, framing and all.
    mutating func bytes(_ more: [UInt8]) {
        bytes += more
    }

    mutating func initialize(utf8: Bool = false) {
        let encodings = utf8 ? #"["utf-8","utf-16"]"# : #"["utf-16"]"#
        request(
            "initialize",
            #"{"processId":null,"rootUri":null,"capabilities":{"general":{"positionEncodings":\#(encodings)}}}"#)
        notify("initialized", "{}")
    }

    mutating func open(_ uri: String, _ text: String, version: Int = 1) {
        notify(
            "textDocument/didOpen",
            #"{"textDocument":{"uri":"\#(uri)","languageId":"rules","version":\#(version),"text":\#(quoted(text))}}"#)
    }

    mutating func change(_ uri: String, _ text: String, version: Int) {
        notify(
            "textDocument/didChange",
            #"{"textDocument":{"uri":"\#(uri)","version":\#(version)},"contentChanges":[{"text":\#(quoted(text))}]}"#)
    }

    /// A request about a position: hover, definition, completion, references.
    @discardableResult
    mutating func at(_ method: String, _ uri: String, line: Int, character: Int, extra: String = "") -> Int {
        request(
            method,
            #"{"textDocument":{"uri":"\#(uri)"},"position":{"line":\#(line),"character":\#(character)}\#(extra)}"#)
    }

    mutating func shutdownAndExit() {
        request("shutdown", "null")
        notify("exit", "null")
    }
}

/// JSON text of a string.
func quoted(_ text: String) -> String {
    String(decoding: JSONRPC.encode(.string(text)), as: UTF8.self)
}

/// What the server sent, in order, and how it ended.
struct Transcript {
    let status: Int32
    let messages: [JSONValue]

    func response(_ id: Int) -> JSONValue? {
        messages.first { $0["id"] == .number(String(id)) }
    }

    func result(_ id: Int) -> JSONValue? {
        response(id)?["result"]
    }

    func errorCode(_ id: Int?) -> Int? {
        let message: JSONValue? = id.flatMap { response($0) } ?? messages.first { $0["id"] == .null }
        if case .number(let code)? = message?["error"]?["code"] { return Int(code) }
        return nil
    }

    func notifications(_ method: String) -> [JSONValue] {
        messages.filter { $0["method"] == .string(method) }
    }

    /// The diagnostics last published for a document.
    func diagnostics(_ uri: String) -> [JSONValue] {
        let last = notifications("textDocument/publishDiagnostics").last { $0["params"]?["uri"] == .string(uri) }
        return last?["params"]?["diagnostics"]?.arrayValue ?? []
    }

    func errorMessages() -> [String] {
        messages.compactMap { $0["error"]?["message"]?.stringValue }
    }
}

/// Runs the server in process over the script, reading it in chunks of `chunk` bytes.
func serve(_ script: Script, chunk: Int = 65_536, format: LanguageServer.Formatter? = nil) -> Transcript {
    var output: [UInt8] = []
    let server = LanguageServer(format: format, send: { output += $0 })
    var reader = MessageReader(source: BufferSource(script.bytes, chunk: chunk))
    let status = server.run(&reader)
    return Transcript(status: status, messages: decodeFrames(output))
}

/// Splits framed output into JSON values; every frame the server writes must be valid.
func decodeFrames(_ bytes: [UInt8]) -> [JSONValue] {
    var reader = MessageReader(source: BufferSource(bytes))
    var messages: [JSONValue] = []
    while case .message(let body) = reader.next() {
        switch body.withUnsafeBufferPointer({ JSONParser.parse($0) }) {
        case .success(let value): messages.append(value)
        case .failure(let error): Issue.record("the server wrote invalid JSON: \(error)")
        }
    }
    return messages
}

/// The small national and pilot files of these tests, in a temporary folder.
final class Fixture {
    let folder: URL
    static let national = """
        ruleset national
          title "Landelijke regels: geïntegreerde LVV"

        vocabulary reasons entry_ban_10y, minor
        vocabulary referrals coa, vbl

        fact reference_date: date, required, reference title "peildatum"
        fact birth_date: date title "geboortedatum"
        fact entry_ban_years: number, whole, at least 0 title "duur van het inreisverbod in jaren"
        fact reception_entitlement: one of (none, coa, vbl), recorded

        const ADULT_AGE = 18 title "meerderjarig vanaf"
        let age = years_between(birth_date, reference_date)

        decision intake
          title "Toelating"
          outcomes admit, exclude
          stage exclusion gives exclude
          otherwise admit

        rule entry_ban
          title "Zwaar inreisverbod"
          source "000 art. 3.1 (regel 201)"
          kind exclusion
          stage intake.exclusion
          when entry_ban_years >= 10
          reason entry_ban_10y

        rule minor
          title "Minderjarig"
          stage intake.exclusion
          when age < ADULT_AGE
          reason minor

        exception long_stay
          title "Lang verblijf: toch toelaten"
          source "000 art. 3.1 (regels 203-204)"
          when entry_ban_years >= 30
          lifts kind exclusion

        test "één inreisverbod van tien jaar" given reference_date = 2024-05-01, birth_date = 1990-06-15, entry_ban_years = 10
          expect intake exclude
          reasons entry_ban_10y

        test "een volwassene zonder inreisverbod wordt toegelaten"
          given reference_date = 2024-05-01, birth_date = 1990-06-15, entry_ban_years = 0
          expect intake admit

        test "een minderjarige wordt uitgesloten"
          given reference_date = 2024-05-01, birth_date = 2010-06-15, entry_ban_years = 0
          expect intake exclude
          reasons minor

        test "een inreisverbod van dertig jaar wordt opgeheven"
          given reference_date = 2024-05-01, birth_date = 1990-06-15, entry_ban_years = 30
          expect intake admit
          reasons entry_ban_10y
          exceptional true

        """
    static let groningen = """
        ruleset groningen extends national
          title "Pilot-LVV Groningen: geëvalueerd"

        override rule entry_ban
          title "Inreisverbod van vijf jaar of meer"
          kind exclusion
          stage intake.exclusion
          when entry_ban_years >= 5
          reason entry_ban_10y
          deviation "strenger dan het convenant"

        test "vijf jaar sluit uit in Groningen"
          given reference_date = 2024-05-01, birth_date = 1990-06-15, entry_ban_years = 5
          expect intake exclude
          reasons entry_ban_10y

        """
    static let amsterdam = """
        ruleset amsterdam extends national

        disable rule minor because "in deze pilot beslist de gemeente"

        test "een volwassene wordt toegelaten"
          given reference_date = 2024-05-01, birth_date = 1990-06-15, entry_ban_years = 0
          expect intake admit

        """

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lsp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(Self.national.utf8).write(to: folder.appendingPathComponent("national.rules"))
        try Data(Self.groningen.utf8).write(to: folder.appendingPathComponent("groningen.rules"))
        try Data(Self.amsterdam.utf8).write(to: folder.appendingPathComponent("amsterdam.rules"))
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func uri(_ name: String) -> String {
        "file://" + folder.appendingPathComponent(name).path
    }
}

/// The 0-based line and the character offset (in UTF-16 units, or UTF-8 bytes) of the first
/// `needle` in `text` at or after line `from`.
func position(of needle: String, in text: String, fromLine: Int = 0, utf8: Bool = false) -> (line: Int, character: Int)
{
    let lines = text.components(separatedBy: "\n")
    for (index, line) in lines.enumerated() where index >= fromLine {
        if let range = line.range(of: needle) {
            let before = line[..<range.lowerBound]
            return (index, utf8 ? before.utf8.count : before.utf16.count)
        }
    }
    Issue.record("`\(needle)` not found")
    return (0, 0)
}
