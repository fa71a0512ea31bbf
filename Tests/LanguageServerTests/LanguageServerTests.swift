import Foundation
import LVVRules
import Testing

@testable import LanguageServer

/// The language server driven by a scripted client: lifecycle, diagnostics on every change,
/// hover, definition across files, references, symbols, completion, formatting, run tests.
@Suite struct LanguageServerTests {
    @Test func lifecycleAnswersInitializeAndExitsCleanlyAfterShutdown() throws {
        var script = Script()
        script.request(
            "textDocument/hover", #"{"textDocument":{"uri":"file:///x.rules"},"position":{"line":0,"character":0}}"#)
        script.initialize()
        script.shutdownAndExit()
        let transcript = serve(script)
        #expect(transcript.errorCode(1) == -32002, "a request before initialize is refused")
        let capabilities = try #require(transcript.result(2)?["capabilities"])
        #expect(capabilities["positionEncoding"] == .string("utf-16"))
        #expect(capabilities["hoverProvider"] == .bool(true))
        #expect(capabilities["documentFormattingProvider"] == nil, "no formatter given, none offered")
        #expect(transcript.result(3) == .null)
        #expect(transcript.status == 0)
    }

    @Test func exitWithoutShutdownIsStatusOneAndRequestsAfterShutdownAreRefused() {
        var script = Script()
        script.initialize()
        script.notify("exit", "null")
        #expect(serve(script).status == 1)

        var after = Script()
        after.initialize()
        after.request("shutdown", "null")
        let late = after.request("textDocument/documentSymbol", #"{"textDocument":{"uri":"file:///x.rules"}}"#)
        after.notify("exit", "null")
        let transcript = serve(after)
        #expect(transcript.errorCode(late) == -32600)
        #expect(transcript.status == 0)

        var eof = Script()
        eof.initialize()
        #expect(serve(eof).status == 1, "the client vanished without shutdown")
    }

    @Test func diagnosticsArePublishedOnOpenAndOnEveryChange() throws {
        let fixture = try Fixture()
        let uri = fixture.uri("national.rules")
        var script = Script()
        script.initialize()
        script.open(uri, Fixture.national)
        let broken = Fixture.national.replacingOccurrences(
            of: "when entry_ban_years >= 10", with: "when entry_ban_yeers >= 10")
        script.change(uri, broken, version: 2)
        script.change(uri, Fixture.national, version: 3)
        script.shutdownAndExit()
        let transcript = serve(script)
        let published = transcript.notifications("textDocument/publishDiagnostics")
        #expect(published.count == 3)
        #expect(published[0]["params"]?["diagnostics"]?.arrayValue == [])
        let errors = try #require(published[1]["params"]?["diagnostics"]?.arrayValue)
        #expect(published[1]["params"]?["version"] == .number("2"))
        let error = try #require(errors.first { $0["code"] == .string("unknown-name") })
        #expect(error["severity"] == .number("1"))
        let location = position(of: "entry_ban_yeers", in: broken)
        #expect(error["range"]?["start"]?["line"] == .number(String(location.line)))
        #expect(error["range"]?["start"]?["character"] == .number(String(location.character)))
        #expect(error["message"]?.stringValue?.contains("did you mean `entry_ban_years`?") == true)
        #expect(published[2]["params"]?["diagnostics"]?.arrayValue == [])
    }

    @Test func aPilotIsCheckedWithItsNationalFileFromDiskOrFromTheEditor() throws {
        let fixture = try Fixture()
        let pilot = fixture.uri("groningen.rules")
        var script = Script()
        script.initialize()
        // Only the pilot open: the national file is read from disk, and the pilot checks.
        script.open(pilot, Fixture.groningen)
        // The national file opened with an edit that removes `entry_ban`: the pilot's override
        // now has nothing to override, and its diagnostics are published again.
        let national = fixture.uri("national.rules")
        let withoutRule = Fixture.national.replacingOccurrences(of: "rule entry_ban\n", with: "rule entry_banned\n")
        script.open(national, withoutRule)
        script.shutdownAndExit()
        let transcript = serve(script)
        let pilotPublished = transcript.notifications("textDocument/publishDiagnostics")
            .filter { $0["params"]?["uri"] == .string(pilot) }
        #expect(pilotPublished.count == 2)
        #expect(pilotPublished.first?["params"]?["diagnostics"]?.arrayValue == [])
        let codes = transcript.diagnostics(pilot).compactMap { $0["code"]?.stringValue }
        #expect(codes.contains("unknown-override"))
    }

    @Test(arguments: [false, true])
    func hoverOnARuleShowsTitleSourcePilotsAndTests(utf8: Bool) throws {
        let fixture = try Fixture()
        let uri = fixture.uri("national.rules")
        var script = Script()
        script.initialize(utf8: utf8)
        script.open(uri, Fixture.national)
        let at = position(of: "entry_ban", in: Fixture.national, fromLine: 20, utf8: utf8)
        let hover = script.at("textDocument/hover", uri, line: at.line, character: at.character + 2)
        script.shutdownAndExit()
        let transcript = serve(script)
        #expect(transcript.result(1)?["capabilities"]?["positionEncoding"] == .string(utf8 ? "utf-8" : "utf-16"))
        let result = try #require(transcript.result(hover))
        let text = try #require(result["contents"]?["value"]?.stringValue)
        #expect(text.contains("**rule** `entry_ban`: Zwaar inreisverbod"))
        #expect(text.contains("source: 000 art. 3.1 (regel 201)"))
        #expect(text.contains("overridden in `groningen.rules` line 4"))
        #expect(
            text.contains(
                "holds in 2 tests (“één inreisverbod van tien jaar”, “een inreisverbod van dertig jaar wordt opgeheven”)"
            ))
        #expect(text.contains("expect reason `entry_ban_10y`: 2 tests"))
        #expect(result["range"]?["start"]?["character"] == .number(String(at.character)))
    }

    /// The test line starts with `test "één …"`: the fact after it is at a different character
    /// in UTF-16 units than in UTF-8 bytes, and both encodings find it.
    @Test(arguments: [false, true])
    func positionsAfterAccentedLettersFollowTheNegotiatedEncoding(utf8: Bool) throws {
        let fixture = try Fixture()
        let uri = fixture.uri("national.rules")
        let at16 = position(of: "entry_ban_years = 10", in: Fixture.national, fromLine: 30)
        let at8 = position(of: "entry_ban_years = 10", in: Fixture.national, fromLine: 30, utf8: true)
        #expect(at8.character == at16.character + 2, "é is one UTF-16 unit, two UTF-8 bytes; twice")
        let at = utf8 ? at8 : at16
        var script = Script()
        script.initialize(utf8: utf8)
        script.open(uri, Fixture.national)
        let hover = script.at("textDocument/hover", uri, line: at.line, character: at.character + 1)
        script.shutdownAndExit()
        let transcript = serve(script)
        let result = try #require(transcript.result(hover))
        #expect(
            result["contents"]?["value"]?.stringValue?.hasPrefix(
                "**fact** `entry_ban_years`: number, whole, at least 0") == true)
        #expect(result["range"]?["start"]?["character"] == .number(String(at.character)))
        #expect(result["range"]?["end"]?["character"] == .number(String(at.character + "entry_ban_years".count)))
    }

    @Test func hoverOnFactsConstantsReasonsAndDisabledRules() throws {
        let fixture = try Fixture()
        let uri = fixture.uri("national.rules")
        var script = Script()
        script.initialize()
        script.open(uri, Fixture.national)
        let constant = position(of: "ADULT_AGE", in: Fixture.national, fromLine: 25)
        let reason = position(of: "reason minor", in: Fixture.national)
        let rule = position(of: "rule minor", in: Fixture.national)
        let ids = [
            script.at("textDocument/hover", uri, line: constant.line, character: constant.character),
            script.at("textDocument/hover", uri, line: reason.line, character: reason.character + 8),
            script.at("textDocument/hover", uri, line: rule.line, character: rule.character + 6),
            script.at("textDocument/hover", uri, line: 2, character: 0),
            script.at(
                "textDocument/hover", uri, line: position(of: "long_stay", in: Fixture.national).line, character: 12),
            script.at(
                "textDocument/hover", uri, line: position(of: "stage intake.exclusion", in: Fixture.national).line,
                character: 16),
            script.at(
                "textDocument/hover", uri, line: position(of: "lifts kind exclusion", in: Fixture.national).line,
                character: 16),
        ]
        script.shutdownAndExit()
        let transcript = serve(script)
        let texts = ids.map { transcript.result($0)?["contents"]?["value"]?.stringValue ?? "" }
        #expect(texts[0].contains("**const** `ADULT_AGE` = `18`"))
        #expect(texts[0].contains("meerderjarig vanaf"))
        #expect(texts[1].contains("**reason code** `minor`"))
        #expect(texts[1].contains("given by `minor`"))
        #expect(texts[1].contains("tests of `national.rules` that expect it: 1 test"))
        #expect(texts[2].contains("switched off in `amsterdam.rules` line 3 (\"in deze pilot beslist de gemeente\")"))
        #expect(transcript.result(ids[3]) == .null, "an empty line has nothing to show")
        #expect(
            texts[4].hasPrefix(
                "**exception** `long_stay`: Lang verblijf: toch toelaten\n\nsource: 000 art. 3.1 (regels 203-204)"))
        #expect(texts[4].contains("holds in 1 test (“een inreisverbod van dertig jaar wordt opgeheven”)"))
        #expect(texts[4].contains("no pilot in this folder overrides or switches it off"))
        #expect(texts[5].hasPrefix("**stage** `intake.exclusion`\n\nrules deciding in it: `entry_ban`, `minor`"))
        #expect(texts[6] == "**kind** `exclusion`\n\nrules of this kind: `entry_ban`")
    }

    @Test func definitionGoesAcrossFilesAndAnOverrideJumpsToWhatItOverrides() throws {
        let fixture = try Fixture()
        let pilot = fixture.uri("groningen.rules")
        var script = Script()
        script.initialize()
        script.open(pilot, Fixture.groningen)
        let override = position(of: "entry_ban", in: Fixture.groningen)
        let fact = position(of: "entry_ban_years", in: Fixture.groningen)
        let base = position(of: "national", in: Fixture.groningen)
        let ids = [
            script.at("textDocument/definition", pilot, line: override.line, character: override.character),
            script.at("textDocument/definition", pilot, line: fact.line, character: fact.character + 3),
            script.at("textDocument/definition", pilot, line: base.line, character: base.character),
        ]
        script.shutdownAndExit()
        let transcript = serve(script)
        let national = fixture.uri("national.rules")
        let ruleAt = position(of: "entry_ban", in: Fixture.national, fromLine: 20)
        let factAt = position(of: "entry_ban_years", in: Fixture.national)
        for (id, expected) in zip(ids, [ruleAt, factAt, (line: 0, character: 0)]) {
            let locations = try #require(transcript.result(id)?.arrayValue)
            #expect(locations.count == 1)
            #expect(locations.first?["uri"] == .string(national))
            #expect(locations.first?["range"]?["start"]?["line"] == .number(String(expected.line)))
            #expect(locations.first?["range"]?["start"]?["character"] == .number(String(expected.character)))
        }
    }

    @Test func referencesAndDocumentSymbols() throws {
        let fixture = try Fixture()
        let uri = fixture.uri("national.rules")
        var script = Script()
        script.initialize()
        script.open(uri, Fixture.national)
        let reason = position(of: "entry_ban_10y", in: Fixture.national)
        let references = script.at(
            "textDocument/references", uri, line: reason.line, character: reason.character,
            extra: #","context":{"includeDeclaration":true}"#)
        let symbols = script.request("textDocument/documentSymbol", #"{"textDocument":{"uri":"\#(uri)"}}"#)
        script.shutdownAndExit()
        let transcript = serve(script)
        // Declared once, given by one rule, expected by two tests; in the Groningen pilot, which
        // extends this file, given by its override and expected by its test.
        let found = transcript.result(references)?.arrayValue ?? []
        #expect(found.count == 6)
        #expect(found.filter { $0["uri"] == .string(fixture.uri("groningen.rules")) }.count == 2)
        let names = transcript.result(symbols)?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(
            names == [
                "national", "reference_date", "birth_date", "entry_ban_years", "reception_entitlement", "ADULT_AGE",
                "age",
                "intake", "entry_ban", "minor", "long_stay", "één inreisverbod van tien jaar",
                "een volwassene zonder inreisverbod wordt toegelaten", "een minderjarige wordt uitgesloten",
                "een inreisverbod van dertig jaar wordt opgeheven",
            ])
    }

    /// Completion by context: `reason ` gives reason codes, `given … = ` an enumeration's
    /// values, `expect intake ` its outcomes, and a fresh clause line the rule's keywords.
    @Test func completionOffersWhatTheGrammarAllowsThere() throws {
        let fixture = try Fixture()
        let uri = fixture.uri("groningen.rules")
        let text =
            Fixture.groningen + """

                rule late
                  stage intake.exclusion
                  when reception_entitlement = 
                  reason 
                  ref
                test "x"
                  given reception_entitlement = 
                  expect intake 

                """
        var script = Script()
        script.initialize()
        script.open(uri, text)
        func at(_ needle: String, after line: Int = 15) -> (Int, Int) {
            let p = position(of: needle, in: text, fromLine: line)
            return (p.line, p.character + needle.count)
        }
        let cursors = [
            at("when reception_entitlement = "), at("reason "), at("  ref"), at("given reception_entitlement = "),
            at("expect intake "), at("when "),
        ]
        let ids = cursors.map { script.at("textDocument/completion", uri, line: $0.0, character: $0.1) }
        script.shutdownAndExit()
        let transcript = serve(script)
        let labels = ids.map { id in
            transcript.result(id)?["items"]?.arrayValue?.compactMap { $0["label"]?.stringValue } ?? []
        }
        #expect(labels[0] == ["none", "coa", "vbl"])
        #expect(labels[1] == ["entry_ban_10y", "minor"])
        #expect(labels[2] == ["refer"])
        #expect(labels[3] == ["none", "coa", "vbl", "true", "false", "unknown"])
        #expect(labels[4] == ["admit", "exclude", "undetermined"])
        #expect(labels[5].contains("entry_ban_years") && labels[5].contains("ADULT_AGE") && labels[5].contains("age"))
        #expect(labels[5].contains("years_between") && labels[5].contains("not"))
    }

    @Test func formattingGoesThroughTheFormatterItWasGiven() throws {
        let fixture = try Fixture()
        let uri = fixture.uri("national.rules")
        var script = Script()
        script.initialize()
        script.open(uri, Fixture.national)
        let formatted = script.request(
            "textDocument/formatting",
            #"{"textDocument":{"uri":"\#(uri)"},"options":{"tabSize":2,"insertSpaces":true}}"#)
        script.change(uri, "rule (", version: 2)
        let refused = script.request(
            "textDocument/formatting",
            #"{"textDocument":{"uri":"\#(uri)"},"options":{"tabSize":2,"insertSpaces":true}}"#)
        script.shutdownAndExit()
        // A stand-in for `rule-check format`: upper-cases the file, refuses text with `(`.
        let transcript = serve(
            script, format: { text in text.contains("(") && !text.contains("one of") ? nil : text.uppercased() })
        #expect(transcript.result(1)?["capabilities"]?["documentFormattingProvider"] == .bool(true))
        let edits = try #require(transcript.result(formatted)?.arrayValue)
        #expect(edits.count == 1)
        #expect(edits.first?["newText"] == .string(Fixture.national.uppercased()))
        let lastLine = Fixture.national.components(separatedBy: "\n").count - 1
        #expect(edits.first?["range"]?["end"]?["line"] == .number(String(lastLine)))
        #expect(transcript.errorCode(refused) == -32803)
    }

    @Test func theRunTestsLensRunsTheFileTestsAndShowsFailuresAsDiagnostics() throws {
        let fixture = try Fixture()
        let uri = fixture.uri("national.rules")
        // The adult's test expects the wrong outcome (only the first `expect intake admit`).
        let first = try #require(Fixture.national.range(of: "expect intake admit"))
        let wrong = Fixture.national.replacingCharacters(in: first, with: "expect intake exclude")
        var script = Script()
        script.initialize()
        script.open(uri, wrong)
        let lens = script.request("textDocument/codeLens", #"{"textDocument":{"uri":"\#(uri)"}}"#)
        let run = script.request(
            "workspace/executeCommand", #"{"command":"rule-check.runTests","arguments":["\#(uri)"]}"#)
        script.shutdownAndExit()
        let transcript = serve(script)
        let lenses = try #require(transcript.result(lens)?.arrayValue)
        #expect(lenses.count == 1)
        #expect(lenses.first?["command"]?["title"] == .string("run tests (4)"))
        #expect(
            lenses.first?["range"]?["start"]?["line"] == .number(String(position(of: "test \"één", in: wrong).line)))
        #expect(transcript.result(run)?["passed"] == .number("3"))
        #expect(transcript.result(run)?["failed"] == .number("1"))
        let failures = transcript.diagnostics(uri).filter { $0["code"] == .string("test-failed") }
        #expect(failures.count == 1)
        #expect(failures.first?["message"]?.stringValue?.contains("expected intake `exclude`, got `admit`") == true)
        #expect(
            failures.first?["range"]?["start"]?["line"]
                == .number(String(position(of: "test \"een volwassene", in: wrong).line)))
        #expect(
            transcript.notifications("window/showMessage").first?["params"]?["message"]
                == .string("national.rules: 3 passed, 1 failed"))
    }
}

/// How an edit in one file reaches the diagnostics of the files that extend it.
@Suite struct LanguageServerDocumentTests {
    @Test func errorsInTheBaseShowOnceAtTheTopOfThePilotAndCloseClearsDiagnostics() throws {
        let fixture = try Fixture()
        let national = fixture.uri("national.rules")
        let pilot = fixture.uri("groningen.rules")
        var script = Script()
        script.initialize()
        script.open(national, Fixture.national + "\nrule (\n")
        script.open(pilot, Fixture.groningen)
        script.notify("textDocument/didClose", #"{"textDocument":{"uri":"\#(national)"}}"#)
        script.shutdownAndExit()
        let transcript = serve(script)
        let pilotPublished = transcript.notifications("textDocument/publishDiagnostics")
            .filter { $0["params"]?["uri"] == .string(pilot) }
        #expect(pilotPublished.count == 2, "on open, and again when the national file is closed (read from disk)")
        let first = try #require(pilotPublished.first?["params"]?["diagnostics"]?.arrayValue)
        #expect(first.count == 1)
        #expect(first.first?["code"] == .string("base-has-errors"))
        #expect(
            first.first?["message"]?.stringValue
                == "`national.rules`, which this file extends, has 2 errors: expected a rule id, found `(`")
        #expect(first.first?["range"]?["start"]?["line"] == .number("0"))
        #expect(transcript.diagnostics(pilot) == [])
        #expect(transcript.diagnostics(national) == [], "closing a file clears its diagnostics")
    }

    @Test func aPilotWhoseBaseIsMissingSaysWhereToPutIt() throws {
        let fixture = try Fixture()
        let uri = fixture.uri("drenthe.rules")
        var script = Script()
        script.initialize()
        script.open(uri, "ruleset drenthe extends noord\n")
        script.shutdownAndExit()
        let diagnostics = serve(script).diagnostics(uri)
        #expect(diagnostics.first?["code"] == .string("unknown-base"))
        #expect(
            diagnostics.first?["message"]?.stringValue
                == "cannot find the rule set `noord` to extend\nhelp: put `noord.rules` next to this file")
    }

    /// A ranged change after `ë`: the range is in UTF-16 units, as negotiated.
    @Test func aRangedChangeIsAppliedInTheNegotiatedEncoding() throws {
        let fixture = try Fixture()
        let uri = fixture.uri("groningen.rules")
        var script = Script()
        script.initialize()
        script.open(uri, Fixture.groningen)
        // `title "Pilot-LVV Groningen: geëvalueerd"`: put a typo into `title`, then remove the ë.
        script.notify(
            "textDocument/didChange",
            #"""
            {"textDocument":{"uri":"\#(uri)","version":2},"contentChanges":[
            {"range":{"start":{"line":1,"character":2},"end":{"line":1,"character":7}},"text":"titel"},
            {"range":{"start":{"line":1,"character":32},"end":{"line":1,"character":33}},"text":"e"}]}
            """#)
        let formatted = script.request("textDocument/formatting", #"{"textDocument":{"uri":"\#(uri)"},"options":{}}"#)
        script.notify("workspace/didChangeWatchedFiles", #"{"changes":[]}"#)
        script.shutdownAndExit()
        let transcript = serve(script, format: { $0 + "# read back" })
        let published = transcript.notifications("textDocument/publishDiagnostics")
        #expect(published.count == 3, "open, change, watched files")
        let afterChange = try #require(published[1]["params"]?["diagnostics"]?.arrayValue)
        #expect(afterChange.first?["message"]?.stringValue?.hasPrefix("unexpected `titel`") == true)
        #expect(afterChange.first?["range"]?["start"]?["line"] == .number("1"))
        #expect(afterChange.first?["range"]?["start"]?["character"] == .number("2"))
        let header = Fixture.groningen.components(separatedBy: "\n")[1]
        #expect(Array(header.utf16)[32] == "ë".utf16.first!, "the second change replaces exactly the ë")
        // The text as the server holds it, read back through the formatting seam.
        let edits = try #require(transcript.result(formatted)?.arrayValue)
        let expected = Fixture.groningen.replacingOccurrences(
            of: "  title \"Pilot-LVV Groningen: geëvalueerd\"",
            with: "  titel \"Pilot-LVV Groningen: geevalueerd\"")
        #expect(edits.first?["newText"] == .string(expected + "# read back"))
    }
}
