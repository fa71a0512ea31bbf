import LVVRules
import LanguageServer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `lsp` part of `rule-check bench`: from an edit of the largest rule file to its
/// diagnostics published. The server runs in process; each edit is a framed `didChange` with
/// the whole text (as editors send it under full sync), read through the frame reader, and the
/// time is taken when the `publishDiagnostics` frame is handed to the output.
enum LanguageServerBench {
    /// Median and 99th percentile in milliseconds over `edits` edits, or nil when the file is unreadable.
    static func run(rulesDirectory: String, edits: Int) -> (file: String, median: Double, p99: Double)? {
        let files = (try? RuleLibrary.ruleFiles(in: rulesDirectory)) ?? []
        let sized = files.compactMap { path in (try? RuleLibrary.read(path)).map { (path, $0.bytes) } }
        guard let (path, bytes) = sized.max(by: { $0.1.count < $1.1.count }) else { return nil }
        let absolute = path.hasPrefix("/") ? path : FileSystem.join(currentDirectory(), path)
        let uri = "file://" + absolute
        let text = String(decoding: bytes, as: UTF8.self)
        var published: Double?
        let server = LanguageServer(send: { frame in
            // Only the diagnostics matter; a byte search is enough to spot them.
            if frame.count > 60, String(decoding: frame.prefix(120), as: UTF8.self).contains("publishDiagnostics") {
                published = Stopwatch.now()
            }
        })
        func feed(_ body: String) {
            var reader = MessageReader(source: BufferSource(JSONRPC.frame(Array(body.utf8))))
            _ = server.run(&reader)
        }
        feed(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#)
        feed(
            #"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":\#(quoted(uri)),"languageId":"rules","version":1,"text":\#(quoted(text))}}}"#
        )
        var times: [Double] = []
        for edit in 0..<edits {
            // A real edit: a comment line added at the end, different every time.
            let changed = text + "\n# edit \(edit)\n"
            let body =
                #"{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":\#(quoted(uri)),"version":\#(edit + 2)},"contentChanges":[{"text":\#(quoted(changed))}]}}"#
            published = nil
            let start = Stopwatch.now()
            feed(body)
            guard let end = published else { return nil }
            times.append((end - start) * 1000)
        }
        times.sort()
        return (DocumentName.of(path), times[times.count / 2], times[min(times.count - 1, times.count * 99 / 100)])
    }

    private static func quoted(_ text: String) -> String {
        String(decoding: JSONRPC.encode(.string(text)), as: UTF8.self)
    }

    private static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

private enum DocumentName {
    static func of(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }
}
