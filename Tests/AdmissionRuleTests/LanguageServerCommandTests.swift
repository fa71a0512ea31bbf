import Foundation
import Testing

/// `rule-check lsp` as an editor runs it: a process talking over standard input and output.
/// The client's messages are written up front; the server answers them in order.
@Suite struct LanguageServerCommandTests {
    static func frame(_ body: String) -> String {
        "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    static func bodies(_ stdout: String) -> [String] {
        var result: [String] = []
        var rest = Substring(stdout)
        while let header = rest.range(of: "\r\n\r\n") {
            let length = Int(rest[..<header.lowerBound].split(separator: " ").last ?? "") ?? 0
            let body = rest.utf8[header.upperBound...].prefix(length)
            result.append(String(decoding: body, as: UTF8.self))
            rest = Substring(String(decoding: rest.utf8[header.upperBound...].dropFirst(length), as: UTF8.self))
        }
        return result
    }

    @Test func theServerAnswersOverStandardInputAndOutputAndExitsZeroAfterShutdown() throws {
        let national = try String(contentsOfFile: repositoryRoot + "/rules/national.rules", encoding: .utf8)
        let uri = "file://" + repositoryRoot + "/rules/national.rules"
        let text = String(
            decoding: try JSONSerialization.data(withJSONObject: [national], options: [.withoutEscapingSlashes]),
            as: UTF8.self
        )
        .dropFirst().dropLast()
        var input = Self.frame(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#)
        input += Self.frame(#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#)
        input += "Content-Length: -1\r\n\r\n"  // a broken frame on the way: answered, not fatal
        input += Self.frame(
            #"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"\#(uri)","languageId":"rules","version":1,"text":\#(text)}}}"#
        )
        input += Self.frame(
            #"{"jsonrpc":"2.0","id":2,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"\#(uri)"}}}"#
        )
        input += Self.frame(#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#)
        input += Self.frame(#"{"jsonrpc":"2.0","method":"exit"}"#)
        let run = try CommandLineTests.run(["lsp"], stdin: input)
        #expect(run.status == 0)
        #expect(run.stderr == "")
        let bodies = Self.bodies(run.stdout)
        #expect(bodies.count == 5, "initialize, the frame error, diagnostics, symbols, shutdown")
        #expect(bodies[0].hasPrefix(#"{"jsonrpc":"2.0","id":1,"result":{"capabilities":{"positionEncoding":"utf-16""#))
        #expect(bodies[1].contains(#""id":null,"error":{"code":-32600"#))
        #expect(
            bodies[2].contains(#""method":"textDocument/publishDiagnostics""#)
                && bodies[2].contains(#""diagnostics":[]"#))
        #expect(bodies[3].contains(#""name":"entry_ban""#))
        #expect(bodies[4] == #"{"jsonrpc":"2.0","id":3,"result":null}"#)
    }

    @Test func theEndOfInputWithoutShutdownIsStatusOne() throws {
        let run = try CommandLineTests.run(
            ["lsp"], stdin: Self.frame(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#))
        #expect(run.status == 1)
        #expect(try CommandLineTests.run(["lsp", "--stdio-please"]).status == 2, "an unknown flag is a usage error")
    }
}
