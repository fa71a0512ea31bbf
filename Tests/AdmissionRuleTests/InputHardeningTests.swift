import Foundation
import LVVPresentation
import LVVRules
import RuleDSL
import Testing

/// Issue 16, inputs read wrongly and what reaches a terminal: a text fact's declared form
/// (`nationality`, `format "AA"`) on both readers, error messages that name the key and the
/// expected type without echoing a person's data, and control characters escaped in everything
/// printed for a person.
@Suite struct InputHardeningTests {
    // MARK: - Finding 10: a text fact's form

    @Test(arguments: ["pl", "PL ", "Pl", " PL", "P", "PLX", "P1", "ÄB", "", #"P\u004c "#])
    func aNationalityNotOfTheFormIsBadInput(value: String) throws {
        let program = try Pilots.program(.groningen)
        let line = Cases.intake(.groningen, ["nationality": .raw("\"" + value + "\"")])
        let reader = CaseReader(program: program)
        guard case .failure(let error) = reader.read(line) else {
            Issue.record("`\(value)` read as a nationality")
            return
        }
        #expect(error.key == "nationality")
        #expect(
            error.message.contains("`nationality`") && error.message.contains("`AA`")
                && error.message.contains("upper-case"), "\(error.message)")
        // The batch path (the fast scanner) refuses it with the same message.
        var output: [UInt8] = []
        let processor = BatchProcessor(program: program, trace: false)
        let good = Array(line.utf8).withUnsafeBufferPointer { processor.process($0, lineNumber: 7, into: &output) }
        #expect(!good)
        let expected = String(decoding: BatchProcessor.errorLine(7, error.message), as: UTF8.self)
        #expect(String(decoding: output, as: UTF8.self) == expected)
    }

    @Test(arguments: ["PL", "XX", "NL", #"P\u004C"#])
    func aNationalityOfTheFormIsReadAlikeByBothReaders(value: String) throws {
        var differential = try CaseScannerTests.Differential(.groningen)
        let line = Cases.intake(.groningen, ["nationality": .raw("\"" + value + "\"")])
        differential.check(Array(line.utf8))
        #expect(differential.read == 1)
        if !value.contains("\\") { #expect(differential.fast == 1, "a plain value stays on the fast path") }
    }

    @Test func thePolishNationalityStillExcludesAsAnEUCitizen() throws {
        let program = try Pilots.program(.groningen)
        let lower = CaseReader(program: program).read(Cases.intake(.groningen, ["nationality": "pl"]))
        #expect(throws: CaseError.self) { try lower.get() }
        let upper = try CaseReader(program: program).read(Cases.intake(.groningen, ["nationality": "PL"])).get()
        let verdict = VerdictBuilder(program: program).verdict(for: upper, trace: false)
        #expect(verdict.decision == "exclude")
        #expect(verdict.reasons.map(\.code).contains("eu_citizen"))
    }

    @Test func evalRefusesALowerCaseNationality() throws {
        let scratch = try CommandLineTests.Scratch()
        let path = try scratch.write("case.json", Cases.intake(.groningen, ["nationality": "pl"]))
        let run = try CommandLineTests.run(["eval", "--pilot", "groningen", path])
        #expect(run.status == 3)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("`nationality` must be text of the form `AA`"), "\(run.stderr)")
    }

    @Test func textFormatsMatchExactlyTheirForm() {
        let format = TextFormat("AA9a")
        #expect(format?.matches("NL5x") == true)
        for value in ["nL5x", "NL5X", "NLxx", "NL5", "NL5xx", "NL５x"] {
            #expect(format?.matches(value) == false, "\(value)")
        }
        for pattern in ["", "A-", "AB", "x", String(repeating: "A", count: TextFormat.maximumLength + 1)] {
            #expect(TextFormat(pattern) == nil, "\(pattern)")
        }
        #expect(TextFormat("AA")?.filler == "ZZ")
        #expect(TextFormat("a9")?.filler == "z9")
    }

    // MARK: - Finding 16: what an error shows

    @Test(
        arguments: [
            ("v_number", CaseJSON.number("1234567890"), "1234567890", "text"),
            ("birth_date", "1990-02-30", "1990", "valid date"),
            ("birth_date", CaseJSON.number("19900615"), "19900615", "date"),
            ("entry_ban_years", CaseJSON.number("-3"), "-3", "at least 0"),
            ("entry_ban_years", CaseJSON.number("1234567890123"), "1234567890123", "out of range"),
            ("entry_ban_years", CaseJSON.number("1.1234567"), "1234567", "decimals"),
            ("binding_municipality", CaseJSON.number("5"), "5", "text"),
            ("nationality", "Syrian Arab Republic", "Syrian", "`AA`"),
            ("lawful_residence", "yes, since 2019", "2019", "true or false"),
        ] as [(String, CaseJSON, String, String)])
    func anErrorNamesTheKeyAndTypeButNotThePersonsValue(key: String, value: CaseJSON, secret: String, expected: String)
        throws
    {
        let program = try Pilots.program(.groningen)
        let line = Cases.intake(.groningen, [key: value])
        let error = try #require(CaseReader(program: program).read(line).failureValue)
        #expect(error.message.contains("`\(key)`"), "\(error.message)")
        #expect(error.message.contains(expected), "\(error.message)")
        #expect(!error.message.contains(secret), "the value is not echoed: \(error.message)")
    }

    @Test func aWrongWordForAnEnumerationIsShown() throws {
        let program = try Pilots.program(.groningen)
        let error = try #require(
            CaseReader(program: program).read(Cases.intake(.groningen, ["reception_entitlement": "COA"])).failureValue)
        #expect(error.message.contains("\"COA\"") && error.message.contains("\"coa\""), "\(error.message)")
    }

    // MARK: - Finding 15: control characters

    static let hostile = "x\nrule-check: all fine\u{1b}[31m\u{07}\u{202e}"

    @Test func anErrorWithControlCharactersStaysOneLine() throws {
        let scratch = try CommandLineTests.Scratch()
        let key = try scratch.write("key.json", Cases.intake(.groningen, [Self.hostile: true]))
        let run = try CommandLineTests.run(["eval", "--pilot", "groningen", key])
        #expect(run.status == 3)
        #expect(run.stderrLines.count == 1, "one line: \(run.stderr)")
        #expect(!run.stderr.unicodeScalars.contains { $0 == "\u{1b}" || $0 == "\u{07}" || $0 == "\u{202e}" })
        #expect(run.stderr.contains(#"x\nrule-check: all fine\u001b[31m\u0007\u202e"#), "\(run.stderr)")
        // A path with a newline, too.
        let path = try scratch.write("odd\nname.json", "{")
        let odd = try CommandLineTests.run(["eval", "--pilot", "groningen", path])
        #expect(odd.stderrLines.count == 1, "\(odd.stderr)")
    }

    @Test func textEvalEscapesTheCaseIDAndTexts() throws {
        let scratch = try CommandLineTests.Scratch()
        let path = try scratch.write(
            "case.json",
            Cases.intake(.groningen, ["case_id": .string(Self.hostile), "binding_province": .string(Self.hostile)]))
        let text = try CommandLineTests.run(["eval", "--pilot", "groningen", path])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(!text.stdout.unicodeScalars.contains { $0 == "\u{1b}" || $0 == "\u{07}" || $0 == "\u{202e}" })
        #expect(!text.stdout.contains("\nrule-check: all fine"))
        #expect(text.stdout.hasPrefix(#"Zaak x\nrule-check: all fine\u001b[31m"#), "\(text.stdout.prefix(200))")
        // JSON escapes them by JSON's rules: one line, no raw control character.
        let json = try CommandLineTests.run(["eval", "--pilot", "groningen", path, "--format", "json"])
        #expect(json.stdoutLines.count == 1)
        #expect(!json.stdout.dropLast().unicodeScalars.contains { $0.value < 0x20 })
        #expect(try CommandLineTests.object(json.stdout)["case_id"] as? String == Self.hostile)
        let batch = try CommandLineTests.run(
            ["batch", "--pilot", "groningen"], stdin: Cases.intake(.groningen, [Self.hostile: 1]) + "\n")
        #expect(batch.stdoutLines.count == 1)
        #expect(!batch.stdout.dropLast().unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test func theTextReportEscapesWhatTheFileSays() {
        var summary = CaseSummary()
        summary.add(
            line: #"{"pilot":"p\u001b[2J","question":"intake","decision":"x\ny","reasons":[{"code":"c\u0007"}]}"#,
            number: 1)
        summary.add(line: #"{"unknown\u001b":1}"#, number: 2)
        let text = summary.text(source: "file\nname")
        #expect(!text.unicodeScalars.contains { $0 == "\u{1b}" || $0 == "\u{07}" })
        #expect(text.contains(#"x\ny"#) && text.contains(#"p\u001b[2J"#) && text.contains(#"file\nname"#), "\(text)")
    }

    @Test func aDiagnosticEscapesItsSourceLineAndKeepsTheCaret() {
        let file = SourceFile(path: "a.rules", text: "fact x: text title \"a\u{1b}[2Jb\" \u{07}\n")
        let at = SourceRange(file: 0, start: file.bytes.count - 2, end: file.bytes.count - 1)
        let rendered = DiagnosticRenderer(files: [file]).render(.error("test", "bad \u{07} here", at: at))
        #expect(!rendered.unicodeScalars.contains { $0 == "\u{1b}" || $0 == "\u{07}" })
        let lines = rendered.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4, "\(rendered)")
        guard lines.count == 4 else { return }
        #expect(lines[0].hasSuffix(#"error: bad \u0007 here"#))
        // The caret stands under the escaped BEL.
        let source = Array(lines[1])
        let caret = Array(lines[2])
        let column = caret.firstIndex(of: "^")
        #expect(column.map { String(source[$0...].prefix(6)) } == #"\u0007"#, "\(rendered)")
        #expect(caret.filter { $0 == "~" }.count == 5)
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
