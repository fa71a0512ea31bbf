import LanguageServer
import RuleDSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `rule-check lsp`: the language server for rule files, on standard input and output, for as
/// long as the editor keeps it. Messages go only to standard output; nothing else is printed.
enum LSPCommand {
    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        // `--stdio` is what generic clients (vscode-languageclient) add; standard I/O is the only transport.
        _ = try Arguments(command: "lsp", arguments, valueFlags: [], switchFlags: ["--stdio"])
        // A client that closes the pipe must not kill the server with SIGPIPE mid-write.
        signal(SIGPIPE, SIG_IGN)
        let sink = DescriptorSink(descriptor: 1)
        let server = LanguageServer(format: formatter, send: { sink.write($0) })
        var reader = MessageReader(source: DescriptorSource(descriptor: 0))
        return server.run(&reader) == 0 ? .success : .failure
    }

    /// The formatter the server offers: `rule-check format`'s canonical text of a file, or nil
    /// when it has parse errors (the editor is then told to fix them first).
    static let formatter: LanguageServer.Formatter = { text in
        switch RuleFormatter.format(SourceFile(path: "document.rules", text: text)) {
        case .success(let formatted): return formatted
        case .failure: return nil
        }
    }
}
