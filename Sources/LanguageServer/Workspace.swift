import LVVRules
import RuleDSL

/// An open document: the text the editor holds, which wins over the file on disk.
struct Document {
    let uri: String
    /// The file path the URI names (`file:///…/groningen.rules` → `/…/groningen.rules`).
    let path: String
    var bytes: [UInt8]
    var version: Int
    var lines: LineTable
    /// Failures of the last "run tests", shown until the next edit.
    var testDiagnostics: [JSONValue] = []

    init(uri: String, bytes: [UInt8], version: Int) {
        self.uri = uri
        self.path = DocumentURI.path(of: uri)
        self.bytes = bytes
        self.version = version
        self.lines = LineTable(bytes)
    }
}

/// `file://` URIs and paths; other schemes (`untitled:`) keep the URI as their path.
enum DocumentURI {
    static func path(of uri: String) -> String {
        guard uri.hasPrefix("file://") else { return uri }
        var rest = Substring(uri.dropFirst("file://".count))
        // `file://host/path`: only the local host (empty) is meaningful here.
        if !rest.hasPrefix("/"), let slash = rest.firstIndex(of: "/") { rest = rest[slash...] }
        return percentDecoded(rest)
    }

    static func uri(of path: String) -> String {
        var result = "file://"
        for byte in path.utf8 {
            let safe =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || "/-._~".utf8.contains(byte)
            if safe {
                result.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                let hex = Array("0123456789ABCDEF".utf8)
                result += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 15)]], as: UTF8.self)
            }
        }
        return result
    }

    private static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "%"), i + 2 < utf8.count, let high = hexValue(utf8[i + 1]),
                let low = hexValue(utf8[i + 2])
            {
                bytes.append(high << 4 | low)
                i += 3
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// The folder of a path (`.` for a bare name).
    static func folder(of path: String) -> String {
        FileSystem.parent(of: path)
    }

    /// The file name of a path.
    static func fileName(of path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}

/// One document loaded with the files it extends: the loader's result (diagnostics, program),
/// the parsed chain's symbol index, and where each file of the chain lives.
final class Analysis {
    let result: RuleSetLoader.Result
    /// Built on the first request that needs it: publishing diagnostics after an edit does not.
    /// A file over the loader's size limit is indexed as empty, as the loader refuses it.
    lazy var index = SymbolIndex(
        files: result.files.enumerated().map { index, file in
            file.bytes.count > RuleSetLoader.maximumFileSize
                ? RuleFile(header: nil, declarations: []) : Parser.parse(file, fileIndex: index).0
        })
    /// Per file of the chain (base first): its URI and line table.
    let uris: [String]
    let lines: [LineTable]
    /// The document's own file in the chain (the last one).
    var top: Int { result.files.count - 1 }

    init(result: RuleSetLoader.Result, uris: [String]) {
        self.result = result
        self.uris = uris
        self.lines = result.files.map { LineTable($0.bytes) }
    }

    var paths: [String] { result.files.map(\.path) }

    /// An LSP location of a byte range.
    func location(_ range: SourceRange, encoding: PositionEncoding) -> JSONValue {
        .object([
            "uri": .string(uris[range.file]),
            "range": lines[range.file].range(range.start, range.end, encoding: encoding),
        ])
    }

    /// Per test of the program: the rules and exceptions that certainly hold in it. Computed on
    /// the first hover that asks, then kept with this analysis (it is thrown away on every edit).
    lazy var heldInTests: [(title: String, held: Set<String>, reasons: Set<String>)] = {
        guard let program = result.program else { return [] }
        let evaluator = MachineEvaluator(program: program)
        return program.tests.map { test in
            var held = Set<String>()
            for event in evaluator.evaluate(test.facts, trace: true).trace.events {
                switch event {
                case .rule(let rule, let inForce, let truth, _, _, _):
                    if inForce, truth == .true { held.insert(program.rules[rule].id) }
                case .exception(let exception, let inForce, let truth, _):
                    if inForce, truth == .true { held.insert(program.exceptions[exception].id) }
                case .decision, .outcome:
                    break
                }
            }
            let reasons = Set(test.expectations.flatMap { ($0.reasons ?? []).map(\.text) })
            return (test.title, held, reasons)
        }
    }()
}
