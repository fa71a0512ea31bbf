import Foundation
import LVVRules
import Testing

@testable import LanguageServer

/// Whatever a client sends, the server answers with a JSON-RPC error where it can and keeps
/// going: each case below is followed by a good request that must still be answered.
@Suite struct MalformedMessageTests {
    /// Sends `bad` after initialize, then a document symbol request that must be answered.
    func afterInitialize(_ bad: (inout Script) -> Void, chunk: Int = 65_536) -> (Transcript, probe: Int) {
        var script = Script()
        script.initialize()
        bad(&script)
        let probe = script.request("shutdown", "{}")
        script.notify("exit", "{}")
        let transcript = serve(script, chunk: chunk)
        #expect(transcript.result(probe) == .null, "the server goes on after a bad message")
        #expect(transcript.status == 0)
        return (transcript, probe)
    }

    @Test(arguments: [
        ("{\"jsonrpc\":\"2.0\",\"id\":7,", -32700),  // not JSON
        ("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"x\",\"method\":\"y\"}", -32700),  // duplicate key
        ("[{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"shutdown\"}]", -32600),  // a batch
        ("42", -32600),
        ("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"shutdown\"}", -32600),  // id of a wrong type
        ("{\"jsonrpc\":\"1.0\",\"id\":7,\"method\":\"shutdown\"}", -32600),
        ("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":12}", -32600),
        ("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"textDocument/hover\",\"params\":\"x\"}", -32600),
        ("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"textDocument/frobnicate\",\"params\":{}}", -32601),
        ("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"textDocument/hover\",\"params\":{}}", -32602),
        (
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"textDocument/hover\",\"params\":{\"textDocument\":{\"uri\":\"file:///nowhere.rules\"},\"position\":{\"line\":0,\"character\":0}}}",
            -32602
        ),
        ("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"initialize\",\"params\":{}}", -32600),  // twice
    ])
    func aBadMessageGetsAnErrorAndTheServerGoesOn(body: String, code: Int) {
        let (transcript, _) = afterInitialize { $0.raw(body) }
        let id: Int? = body.contains("\"id\":7") && code != -32700 ? 7 : nil
        #expect(transcript.errorCode(id) == code, "\(body)")
    }

    @Test func aRequestForADocumentThatIsNotOpenSaysSo() {
        let (transcript, _) = afterInitialize {
            $0.at("textDocument/definition", "file:///never/opened.rules", line: 0, character: 0)
        }
        #expect(transcript.errorMessages().contains("document `file:///never/opened.rules` is not open"))
    }

    @Test func unknownNotificationsAreIgnoredAndBadOnesLogged() {
        let (transcript, probe) = afterInitialize {
            $0.notify("$/somethingNew", "{}")
            $0.notify("textDocument/didChange", #"{"textDocument":{"uri":"file:///x.rules"},"contentChanges":[]}"#)
        }
        #expect(transcript.messages.filter { $0["id"] != nil }.count == 2, "initialize and the probe only")
        #expect(transcript.response(probe) != nil)
        let logged = transcript.notifications("window/logMessage").compactMap { $0["params"]?["message"]?.stringValue }
        #expect(logged == ["rule-check: textDocument/didChange: document `file:///x.rules` is not open"])
    }

    @Test(arguments: [
        "Content-Type: application/vscode-jsonrpc\r\n\r\n{}",  // no Content-Length
        "Content-Length: -5\r\n\r\n{}",
        "Content-Length: 12abc\r\n\r\n{}",
        "Content-Length: 99999999999999999999999999\r\n\r\n{}",
        "Content-Length 10\r\n\r\n{}",
        "no header at all\r\n\r\n",
    ])
    func aBadHeaderIsSkippedAndTheNextFrameIsRead(frame: String) {
        for chunk in [1, 7, 65_536] {
            let (transcript, _) = afterInitialize({ $0.bytes(Array(frame.utf8)) }, chunk: chunk)
            #expect(transcript.errorCode(nil) == -32600, "\(frame.debugDescription) in chunks of \(chunk)")
        }
    }

    @Test func aFrameOverTheLimitIsDiscardedWithoutBufferingIt() {
        let size = MessageReader<BufferSource>.maximumBodySize + 1
        let (transcript, _) = afterInitialize {
            $0.bytes(Array("Content-Length: \(size)\r\n\r\n".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: size))
        }
        #expect(
            transcript.errorMessages().contains {
                $0.hasPrefix("message of \(size) bytes is larger than the limit")
            })
    }

    @Test func aHeaderThatNeverEndsIsCutOff() {
        let (transcript, _) = afterInitialize {
            $0.bytes(Array(String(repeating: "X-Padding: y\r\n", count: 2_000).utf8) + Array("\r\n".utf8))
        }
        #expect(transcript.errorMessages().contains { $0.hasPrefix("header section longer than") })
    }

    @Test(arguments: ["Content-Length: 100\r\n\r\n{\"jsonrpc\"", "Content-Length: 10", "Content-Len"])
    func aFrameCutOffAtTheEndOfInputEndsTheServerWithoutACrash(tail: String) {
        var script = Script()
        script.initialize()
        let symbols = script.request("shutdown", "{}")
        script.bytes(Array(tail.utf8))
        let transcript = serve(script, chunk: 3)
        #expect(transcript.result(symbols) == .null)
        #expect(transcript.status == 0, "after shutdown the end of input is a clean end")
    }

    @Test func invalidUTF8InABodyIsAParseError() {
        let (transcript, _) = afterInitialize {
            $0.bytes(
                JSONRPC.frame(
                    Array("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"".utf8) + [0xFF, 0xFE] + Array("\"}".utf8)))
        }
        #expect(transcript.errorCode(nil) == -32700)
    }

    @Test func positionsOutsideTheTextAreClampedNotTrusted() throws {
        let fixture = try Fixture()
        let uri = fixture.uri("national.rules")
        let (transcript, _) = afterInitialize {
            $0.open(uri, Fixture.national)
            $0.at("textDocument/hover", uri, line: 10_000, character: 5)
            $0.at("textDocument/completion", uri, line: 3, character: 1_000_000)
            $0.at("textDocument/hover", uri, line: -1, character: 0)
        }
        #expect(transcript.errorCode(2) == nil && transcript.response(2) != nil)
        #expect(transcript.errorCode(3) == nil && transcript.response(3) != nil)
        #expect(transcript.errorCode(4) == -32602)
    }
}

/// A document over the loader's size limit is refused with a diagnostic, and requests on it
/// answer without parsing it.
@Suite struct OversizeDocumentTests {
    @Test func aHugeDocumentGetsOneDiagnosticAndEmptyAnswers() throws {
        let fixture = try Fixture()
        let uri = fixture.uri("huge.rules")
        var script = Script()
        script.initialize()
        script.open(uri, String(repeating: "fact a: bool\n", count: 330_000))  // just over 4 MiB
        let hover = script.at("textDocument/hover", uri, line: 3, character: 6)
        let references = script.at("textDocument/references", uri, line: 3, character: 6)
        script.shutdownAndExit()
        let transcript = serve(script)
        #expect(transcript.diagnostics(uri).map { $0["code"] } == [.string("file-too-large")])
        #expect(transcript.result(hover) == .null)
        #expect(transcript.result(references) == .array([]))
        #expect(transcript.status == 0)
    }
}
