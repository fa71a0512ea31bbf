import Foundation
import LVVRules
import RuleDSL
import Testing

/// `CaseScanner` against `CaseReader`, its specification: for every input both read the case with
/// the same id and the same value in every slot, or both fail with the same error. Inputs:
/// generated intake and review cases, the repository's examples, hand-written edge cases and
/// seeded byte and member mutations of real lines, for every pilot.
@Suite struct CaseScannerTests {
    /// A generated file of intake and review cases (a fixed seed), split at its newlines as a
    /// batch reads it: the piece after the last newline is empty.
    static let mixedFileLines: [[UInt8]] = {
        let data = Array(generatedCaseLines(5_000, seed: 11).map { $0 + "\n" }.joined().utf8)
        return data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { [UInt8]($0) }
    }()

    static func generatedLines(_ count: Int) -> [[UInt8]] {
        var generator = CaseGenerator()
        return (0..<count).map { Array(generator.nextCase(index: $0).utf8) }
    }

    static let exampleFiles: [[UInt8]] = {
        let folder = repositoryRoot + "/examples"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted().filter { $0.hasSuffix(".json") }.compactMap {
            FileManager.default.contents(atPath: folder + "/" + $0).map { [UInt8]($0) }
        }
    }()

    // MARK: Comparing

    /// Reads inputs with both and records every difference; counts what the fast path took.
    struct Differential {
        let scanner: CaseScanner
        let reader: CaseReader
        let table: TextTable
        /// One CaseFacts for all reads, as `batch` would use it; starts the wrong size on purpose.
        var facts = CaseFacts(count: 0)
        /// The same line read again as `batch` reads it, texts left in the line
        /// (`read(_:into:texts:)`): it must agree with the copying read.
        var lineFacts = CaseFacts(count: 0)
        let texts: LineTexts
        var inputs = 0
        var read = 0
        var fast = 0

        init(_ pilot: Pilot) throws {
            self.init(program: try Pilots.program(pilot))
        }

        /// `texts`: the reader's scratch, to share one between rule sets (the key memory with it).
        init(program: Program, texts: LineTexts? = nil) {
            let ruleSet = CompiledRuleSet(program)
            scanner = CaseScanner(ruleSet)
            reader = CaseReader(program: program)
            table = ruleSet.plan.texts
            self.texts = texts ?? LineTexts(slots: program.facts.count)
        }

        mutating func check(_ line: [UInt8], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
            inputs += 1
            let expected = line.withUnsafeBufferPointer { reader.read($0) }
            let actual = line.withUnsafeBufferPointer { scanner.read($0, into: &facts) }
            let shown = String(decoding: line.prefix(600), as: UTF8.self)
            checkTextsInLine(line, copied: actual, shown, sourceLocation)
            switch (expected, actual) {
            case (.failure(let e), .failure(let a)):
                if e != a {
                    Issue.record("error differs: \(a) instead of \(e)\n\(shown)", sourceLocation: sourceLocation)
                }
            case (.success(let input), .success(let id)):
                read += 1
                let idText: String
                switch id {
                case .bytes(let range):
                    fast += 1
                    idText = String(decoding: line[range], as: UTF8.self)
                case .text(let text):
                    idText = text
                }
                if idText != input.caseID {
                    Issue.record(
                        "case id \(idText) instead of \(input.caseID)\n\(shown)", sourceLocation: sourceLocation)
                }
                guard facts.slots.count == input.facts.count else {
                    Issue.record(
                        "\(facts.slots.count) slots instead of \(input.facts.count)", sourceLocation: sourceLocation)
                    return
                }
                for slot in input.facts.indices {
                    let value = facts.value(facts.slots[slot], table: table)
                    if value != input.facts[slot] {
                        Issue.record(
                            "slot \(slot): \(String(describing: value)) instead of \(String(describing: input.facts[slot]))\n\(shown)",
                            sourceLocation: sourceLocation)
                    }
                }
            case (.failure(let e), .success):
                Issue.record("read, but CaseReader says \(e)\n\(shown)", sourceLocation: sourceLocation)
            case (.success, .failure(let a)):
                Issue.record("failed with \(a), but CaseReader reads it\n\(shown)", sourceLocation: sourceLocation)
            }
        }

        /// Reads `line` as `batch` does, texts left in the line, and compares with the copying
        /// read: the same outcome and scalars, and local text i is the same bytes either way;
        /// in the line only on the fast path, and then the facts hold no texts of their own.
        mutating func checkTextsInLine(
            _ line: [UInt8], copied: Result<CaseID, CaseError>, _ shown: String,
            _ sourceLocation: Testing.SourceLocation
        ) {
            let actual = line.withUnsafeBufferPointer { scanner.read($0, into: &lineFacts, texts: texts) }
            guard actual == copied else {
                Issue.record(
                    "texts in the line: \(actual) instead of \(copied)\n\(shown)", sourceLocation: sourceLocation)
                return
            }
            guard case .success(let id) = actual else { return }
            if lineFacts.slots != facts.slots {
                Issue.record("texts in the line: other scalars\n\(shown)", sourceLocation: sourceLocation)
            }
            let fast = if case .bytes = id { true } else { false }
            if texts.inLine != fast {
                Issue.record("texts in the line: inLine \(texts.inLine)\n\(shown)", sourceLocation: sourceLocation)
            }
            let copiedTexts = facts.localRanges.map { Array(facts.localBytes[$0]) }
            let lineTexts: [[UInt8]]
            if texts.inLine {
                if !lineFacts.localRanges.isEmpty {
                    Issue.record(
                        "texts in the line, but the facts hold some too\n\(shown)", sourceLocation: sourceLocation)
                }
                lineTexts = line.withUnsafeBufferPointer { line in
                    (0..<texts.count).map { Array(texts.text($0, in: line)) }
                }
            } else {
                lineTexts = lineFacts.localRanges.map { Array(lineFacts.localBytes[$0]) }
            }
            if lineTexts != copiedTexts {
                Issue.record(
                    "local texts \(lineTexts) instead of \(copiedTexts)\n\(shown)", sourceLocation: sourceLocation)
            }
        }
    }

    // MARK: Real and generated lines

    @Test(arguments: Pilot.allCases)
    func everyLineOfAGeneratedMixedFileReadsAlike(pilot: Pilot) throws {
        var differential = try Differential(pilot)
        for line in Self.mixedFileLines { differential.check(line) }
        // Every case is well formed and stays on the fast path; only the empty piece after the
        // last newline falls back, to fail as CaseReader does.
        #expect(differential.read == Self.mixedFileLines.count - 1)
        #expect(differential.fast == differential.read)
    }

    /// Every generated case reads, and every one on the fast path: the fallback must not be
    /// silently doing the work.
    @Test(arguments: Pilot.allCases)
    func generatedCasesReadAlikeOnTheFastPath(pilot: Pilot) throws {
        var differential = try Differential(pilot)
        let lines = Self.generatedLines(3_000)
        for line in lines { differential.check(line) }
        #expect(differential.read == lines.count)
        #expect(differential.fast == lines.count)
    }

    @Test(arguments: Pilot.allCases)
    func examplesReadAlike(pilot: Pilot) throws {
        var differential = try Differential(pilot)
        #expect(!Self.exampleFiles.isEmpty)
        for file in Self.exampleFiles { differential.check(file) }
        // Multi-line, spaced-out files are the fast path's too.
        #expect(differential.fast == differential.read)
    }

    /// The scanner guesses each key from the one before (declaration order); any other order must
    /// read the same, and still on the fast path.
    @Test(arguments: Pilot.allCases)
    func shuffledKeysReadAlikeOnTheFastPath(pilot: Pilot) throws {
        var differential = try Differential(pilot)
        var g = SplitMix64(seed: 0x0DE7)
        for line in Self.generatedLines(1_000) + Self.exampleFiles {
            guard case .success(.object(let members)) = line.withUnsafeBufferPointer({ JSONParser.parse($0) }) else {
                continue
            }
            var shuffled = members.map { "\"\($0.key)\":" + Self.json($0.value) }
            for i in shuffled.indices.reversed() { shuffled.swapAt(i, Int(g.next() % UInt64(i + 1))) }
            differential.check(Array(("{" + shuffled.joined(separator: ",") + "}").utf8))
        }
        #expect(differential.read == differential.inputs)
        #expect(differential.fast == differential.read)
    }

    /// Compact JSON for the plain values of generated cases and examples.
    static func json(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let text): return text
        case .string(let s): return "\"" + s + "\""
        case .array(let items): return "[" + items.map(json).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { "\"\($0.key)\":" + json($0.value) }.joined(separator: ",") + "}"
        }
    }

    // MARK: Edge cases

    static let head = #"{"case_id":"E-1","reference_date":"2024-01-02""#

    /// Members appended to a minimal case (`head`), each as its own input.
    static let edgeMembers: [String] = [
        // Escapes and Unicode in values and keys.
        #""nationality":"S\"Y""#, #""nationality":"caf\u00e9""#, #""nationality":"café""#, #""nationality":"😀""#,
        #""nationality":"\ud83d\ude00""#, #""binding_province":"Fryslân""#, #""binding_province":"Frysla\u0302n""#,
        #""nationality":"a\/b""#, #""nationality":"tab\there""#, #""nationality":"\u0000""#,
        "\"nationality\":\"raw\ttab\"",
        #""nation\u0061lity":"SY""#, #""nationalité":"SY""#, #""reception_entitlement":"co\u0061""#,
        #""nationality":"""#, #""v_number":"""#, #""v_number":"123""#, #""v_number":null"#,
        // The same texts in a free text fact (nationality's have the form `AA`), and formed ones.
        #""binding_municipality":"caf\u00e9""#, #""binding_municipality":"café""#, #""binding_municipality":"😀""#,
        #""binding_municipality":"a\/b""#, #""nationality":"N\u004C""#, #""nationality":"nl""#, #""nationality":"NL ""#,
        #""nationality":"ÑL""#, #""nationality":"N1""#, #""nationality":"NLD""#,
        // Duplicates, also after decoding.
        #""nationality":"SY","nationality":"SY""#, #""nationality":"SY","nation\u0061lity":"SY""#,
        #""case_id":"E-2""#, #""reference_date":"2024-01-02""#,
        #""exceptional_admission":null,"exceptional_admission":null"#,
        // Wrong types.
        #""identity_doubt":"true""#, #""identity_doubt":1"#, #""identity_doubt":null"#, #""entry_ban_years":"3""#,
        #""birth_date":19900101"#, #""nationality":true"#, #""nationality":12"#, #""reception_entitlement":"COA""#,
        #""reception_entitlement":"coa ""#, #""reception_entitlement":"coa""#, #""reception_entitlement":null"#,
        #""reception_entitlement":"vbl""#, #""phase":"research""#, #""phase":null"#, #""scenario":null"#,
        #""scenario":"return""#, #""outcome":"departed""#, #""outcome":null"#, #""outcome":"gone""#,
        #""last_review_date":null"#, #""admission_date":null"#, #""progress":true"#,
        #""identity_doubt":truex"#, #""identity_doubt":tru"#, #""identity_doubt":True"#, #""identity_doubt":nul"#,
        #""identity_doubt":false"#, #""identity_doubt":nullx"#, #""v_number":NaN"#,
        // Numbers.
        #""entry_ban_years":1e2"#, #""entry_ban_years":-0"#, #""entry_ban_years":0.0000001"#, #""entry_ban_years":01"#,
        #""entry_ban_years":1."#, #""entry_ban_years":-1"#, #""entry_ban_years":1.5"#, #""entry_ban_years":0.5e1"#,
        #""entry_ban_years":1E+1"#, #""entry_ban_years":2.000000"#, #""entry_ban_years":1e400"#,
        #""entry_ban_years":999999999999"#, #""entry_ban_years":1000000000000"#, #""entry_ban_years":-"#,
        #""entry_ban_years":+1"#, #""entry_ban_years":.5"#, #""entry_ban_years":0x10"#, #""entry_ban_years":1e-7"#,
        #""entry_ban_years":12abc"#, #""entry_ban_years":1.5.3"#, #""entry_ban_years":--1"#, #""entry_ban_years":-0.0"#,
        #""entry_ban_years":1.1234567"#, #""entry_ban_years":0e999999"#, #""entry_ban_years":Infinity"#,
        #""entry_ban_years":12 "#, #""entry_ban_years":1e"#, #""entry_ban_years":1e+"#,
        // Dates.
        #""birth_date":"2023-02-29""#, #""birth_date":"2024-02-29""#, #""birth_date":"2024-1-01""#,
        #""birth_date":"2024-01-01 ""#, #""birth_date":"0000-01-01""#, #""birth_date":"9999-12-31""#,
        #""birth_date":"2024-02-30""#, #""birth_date":"2024\u002d01-01""#, #""birth_date":"２０２４-01-01""#,
        // Groups.
        #""exceptional_admission":null"#, #""exceptional_admission":{}"#, #""exceptional_admission": { } "#,
        #""exceptional_admission":{"decided_by":"mayor","grounds":"humanitarian","date":"2024-01-01"}"#,
        #""exceptional_admission":{"decided_by":"mayor","colour":"x"}"#,
        #""exceptional_admission":{"decided_by":null}"#,
        #""exceptional_admission":{"decided_by":{"a":1}}"#, #""exceptional_admission":{"date":"2023-02-29"}"#,
        #""exceptional_admission":{"x":{"y":{}}}"#,
        #""exceptional_admission":{"decided_by":"mayor","decided_by":"lso"}"#,
        #""exceptional_admission":{"decided_by":"MAYOR"}"#, #""exceptional_admission":{"case_id":"x"}"#,
        #""exceptional_admission":{"exceptional_admission":{}}"#, #""exceptional_admission":true"#,
        #""exceptional_admission":"x""#, #""exceptional_admission":[]"#, #""exceptional_admission":{"date":null}"#,
        #""exceptional_admission":{"grounds":"public_order",}"#, #""exceptional_admission":{"grounds" "public_order"}"#,
        #""exceptional_admission":{"nationality":"SY"}"#, #""exceptional_admission.date":"2024-01-01""#,
        #""exceptional_admission":{"date":"2024-01-01"},"v_number":"1""#,
        // Arrays and nesting.
        #""nationality":["SY"]"#, #""nationality":[]"#, #""nationality":{}"#,
        "\"nationality\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
        // Unknown keys, near misses, keys longer than 16 bytes that differ only inside.
        #""favourite_colour":"blue""#, #""nationalty":"SY""#, #""willing_to_coXperate":true"#,
        #""willing_to_cooperate":true"#, #""binding_municipalitY":"x""#, #""":1"#, #""case_id ":"x""#,
        // Layout.
        "\t\"nationality\" :\r\n\"SY\" ", #""nationality":"SY","#, #""nationality":"SY" "nationality":"SY""#,
        #""nationality""SY""#, #""nationality":"SY"#, #""nationality"#,
    ]

    /// Whole inputs, as bytes (some are not UTF-8).
    static let edgeLines: [[UInt8]] = {
        var lines = edgeMembers.map { Array((head + "," + $0 + "}").utf8) }
        let texts: [String] = [
            head + "}", head + "}\r", head + "}\r\n", head + "}\n", "  \t" + head + " } \t ", head + "}x",
            head + "} {}",
            head + "},", head + "}}", head + ",}", head, "", " ", "\t", "\r", "\r\n", "{}", "{ }", "[]", "null", "1",
            "\"x\"",
            #"[{"case_id":"x","reference_date":"2024-01-02"}]"#, #"{"reference_date":"2024-01-02"}"#,
            #"{"case_id":"E-1"}"#, #"{"case_id":1,"reference_date":"2024-01-02"}"#,
            #"{"case_id":null,"reference_date":"2024-01-02"}"#, #"{"case_id":"","reference_date":"2024-01-02"}"#,
            #"{"case_id":"a\"b","reference_date":"2024-01-02"}"#,
            #"{"case_id":"caf\u00e9","reference_date":"2024-01-02"}"#,
            #"{"case_id":"café","reference_date":"2024-01-02"}"#, #"{"case_id":"a\\b","reference_date":"2024-01-02"}"#,
            "{\"case_id\":\"del\u{7F}\",\"reference_date\":\"2024-01-02\"}",
            #"{"\u0063ase_id":"E","reference_date":"2024-01-02"}"#,
            #"{"case_id":"E","reference_date":null}"#, #"{"case_id":"E","reference_date":"2024-02-30"}"#,
            #"{"reference_date":"2024-01-02","case_id":"E"}"#,
            "{\n  \"case_id\": \"E\",\n  \"reference_date\": \"2024-01-02\"\n}\n",
            "\u{FEFF}" + head + "}", #"{"case_id":"E","reference_date":"2024-01-02""#, #"{"case_id":"E"#, "{\"",
        ]
        lines += texts.map { Array($0.utf8) }
        // Not UTF-8, or not the shortest form: a lone lead byte, an overlong `/`, a surrogate,
        // past U+10FFFF, a lone continuation byte, a sequence cut off by the closing quote.
        for bad: [UInt8] in [
            [0xC3], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE2, 0x82],
            [0xFF], [0xC3, 0xA9], [0xF0, 0x9F, 0x98, 0x80], [0xEF, 0xBF, 0xBD],
        ] {
            lines.append(Array((head + #","nationality":""#).utf8) + bad + Array("\"}".utf8))
            lines.append(Array(#"{"case_id":""#.utf8) + bad + Array(#"","reference_date":"2024-01-02"}"#.utf8))
            lines.append(Array((head + ",\"").utf8) + bad + Array("\":1}".utf8))
        }
        return lines
    }()

    @Test(arguments: Pilot.allCases)
    func edgeCasesReadAlike(pilot: Pilot) throws {
        var differential = try Differential(pilot)
        for line in Self.edgeLines { differential.check(line) }
        // Spot checks that the edges are what they claim: some read, some fail, some fast.
        #expect(differential.read > 40)
        #expect(differential.fast > 30)
        #expect(differential.read < differential.inputs)
    }

    @Test func anEscapedCaseIDFallsBackToText() throws {
        let scanner = CaseScanner(program: try Pilots.program(.groningen))
        var facts = CaseFacts(count: 0)
        let line = Array(#"{"case_id":"a\"b","reference_date":"2024-01-02"}"#.utf8)
        let id = line.withUnsafeBufferPointer { scanner.read($0, into: &facts) }
        #expect(id == .success(.text("a\"b")))
        let plain = Array(#"{"case_id":"GRN-1","reference_date":"2024-01-02"}"#.utf8)
        #expect(plain.withUnsafeBufferPointer { scanner.read($0, into: &facts) } == .success(.bytes(12..<17)))
    }

    // MARK: A rule set with what the pilots lack

    /// Whole numbers with bounds, a required optional fact, groups with and without a presence
    /// fact, a required group member, a dotted member, long keys that differ only inside.
    static let oddRules = """
        ruleset odd
        vocabulary reasons many
        fact ref: date, required, reference
        fact count: number, whole, at least -5, at most 20, recorded
        fact ratio: number, at least 0.5, recorded
        fact label: text, optional, required, recorded
        fact colour: one of (red, green), recorded
        fact visit.place: text, recorded
        fact visit.when: date, optional, recorded
        fact visit.code: text, required, recorded
        fact trip.place: text, recorded
        fact deep.x.y: bool, optional, recorded
        fact a_rather_long_fact_name_one: bool, recorded
        fact a_rather_long_fact_xame_one: bool, recorded
        decision d
          outcomes yes, no
          stage s gives yes
          otherwise no
        rule r
          stage d.s
          when count > 3
          reason many
        """

    static let oddLines: [String] = {
        let head = #"{"case_id":"O-1","ref":"2024-01-02","label":"x","visit":{"code":"c"}"#
        let members = [
            "", #""count":3"#, #""count":3.0"#, #""count":3.5"#, #""count":-5"#, #""count":-6"#, #""count":20"#,
            #""count":20.000001"#, #""count":21"#, #""count":2e1"#, #""count":-0"#, #""count":null"#,
            #""ratio":0.5"#, #""ratio":0.4999999"#, #""ratio":0.499999"#, #""ratio":5e-1"#, #""ratio":1"#,
            #""colour":"red""#, #""colour":"blue""#, #""colour":null"#,
            #""trip":{"place":"p"}"#, #""trip":{}"#, #""trip":null"#, #""trip":{"place":null}"#,
            #""trip":{"when":"2024-01-01"}"#,
            #""deep":{"x.y":true}"#, #""deep":{"x.y":null}"#, #""deep":{}"#, #""deep":null"#,
            #""deep":{"x":{"y":true}}"#,
            #""a_rather_long_fact_name_one":true"#, #""a_rather_long_fact_xame_one":false"#,
            #""a_rather_long_fact_nbme_one":false"#,
            #""a_rather_long_fact_name_one":true,"a_rather_long_fact_xame_one":true"#,
        ]
        var lines = members.map { head + ($0.isEmpty ? "" : "," + $0) + "}" }
        lines += [
            #"{"case_id":"O-1","ref":"2024-01-02","visit":{"code":"c"}}"#,
            #"{"case_id":"O-1","ref":"2024-01-02","label":null,"visit":{"code":"c"}}"#,
            #"{"case_id":"O-1","ref":"2024-01-02","label":"x"}"#,
            #"{"case_id":"O-1","ref":"2024-01-02","label":"x","visit":null}"#,
            #"{"case_id":"O-1","ref":"2024-01-02","label":"x","visit":{}}"#,
            #"{"case_id":"O-1","ref":"2024-01-02","label":"x","visit":{"code":null}}"#,
            #"{"case_id":"O-1","ref":"2024-01-02","label":"x","visit":{"code":"c","when":null,"place":"p"}}"#,
            #"{"case_id":"O-1","ref":"2024-01-02","label":"x","visit":{"when":"2024-01-01","code":"c","code":"d"}}"#,
        ]
        return lines
    }()

    @Test func aRuleSetWithBoundsGroupsAndRequiredMembersReadsAlike() throws {
        let result = RuleSetLoader.load(chain: [SourceFile(path: "odd.rules", text: Self.oddRules)])
        guard let program = result.program else {
            Issue.record("odd.rules does not load: \(DiagnosticRenderer(files: result.files).render(result.errors))")
            return
        }
        var differential = Differential(program: program)
        for line in Self.oddLines { differential.check(Array(line.utf8)) }
        #expect(differential.read > 10)
        #expect(differential.fast == differential.read)
        #expect(differential.read < differential.inputs)
    }

    // MARK: Mutations

    static let seedLines: [[UInt8]] = {
        var lines = generatedLines(150)
        lines += mixedFileLines.filter { !$0.isEmpty }.prefix(150)
        lines += exampleFiles
        // Lines with groups and review facts, so mutations reach them.
        lines += Pilot.allCases.map {
            Array(Cases.review($0, ["exceptional_admission": Cases.exception(date: "2024-01-01")]).utf8)
        }
        return lines
    }()

    /// Bytes worth inserting: JSON structure, escapes, digits, literal letters, UTF-8 pieces.
    static let interestingBytes: [UInt8] =
        Array(#"{}[]":,\ -+.eE0159ntrfulsaxu"#.utf8) + [
            0x09, 0x0A, 0x0D, 0x00, 0x7F, 0x80, 0xC3, 0xA9, 0xE2, 0xED, 0xF0, 0xFF,
        ]

    static func mutate(_ line: [UInt8], using g: inout SplitMix64) -> [UInt8] {
        var bytes = line
        for _ in 0..<(1 + Int(g.next() % 3)) {
            let at = bytes.isEmpty ? 0 : Int(g.next() % UInt64(bytes.count))
            let byte =
                g.next() % 4 == 0
                ? UInt8(truncatingIfNeeded: g.next()) : interestingBytes[Int(g.next() % UInt64(interestingBytes.count))]
            switch g.next() % 7 {
            case 0, 1: if !bytes.isEmpty { bytes.remove(at: at) }
            case 2, 3: bytes.insert(byte, at: min(at, bytes.count))
            case 4: if !bytes.isEmpty { bytes[at] = byte }
            case 5:  // copy a span elsewhere: duplicate members, nested objects
                guard !bytes.isEmpty else { break }
                let length = 1 + Int(g.next() % 40)
                let span = Array(bytes[at..<min(at + length, bytes.count)])
                bytes.insert(contentsOf: span, at: Int(g.next() % UInt64(bytes.count + 1)))
            default:  // cut the line short
                bytes.removeSubrange(at...)
            }
        }
        return bytes
    }

    /// Member-level swaps that byte noise rarely finds: a value from one key under another.
    static func swapValues(_ line: [UInt8], using g: inout SplitMix64) -> [UInt8] {
        let text = String(decoding: line, as: UTF8.self)
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count > 3 else { return line }
        let a = 1 + Int(g.next() % UInt64(parts.count - 2))
        let b = 1 + Int(g.next() % UInt64(parts.count - 2))
        guard let colonA = parts[a].firstIndex(of: ":"), let colonB = parts[b].firstIndex(of: ":") else { return line }
        var out = parts.map(String.init)
        out[a] = String(parts[a][..<colonA]) + String(parts[b][colonB...])
        return Array(out.joined(separator: ",").utf8)
    }

    @Test(arguments: Pilot.allCases)
    func mutatedLinesReadAlike(pilot: Pilot) throws {
        var differential = try Differential(pilot)
        var g = SplitMix64(seed: 0x5CA7_7E11 &+ UInt64(pilot.rawValue.utf8.count))
        let seeds = Self.seedLines
        let mutants = pilot == .groningen ? 12_000 : 4_000
        for _ in 0..<mutants {
            let seed = seeds[Int(g.next() % UInt64(seeds.count))]
            let line = g.next() % 5 == 0 ? Self.swapValues(seed, using: &g) : Self.mutate(seed, using: &g)
            differential.check(line)
        }
        // Mutants must exercise both outcomes, and the fast path on some that still read.
        #expect(differential.read > mutants / 20)
        #expect(differential.read < differential.inputs)
        #expect(differential.fast > 0)
    }

    /// SplitMix64: a small seeded generator, the same on every machine.
    struct SplitMix64 {
        private var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
