import Foundation
import LVVRules
import RuleDSL
import Testing

/// `CaseScanner` keeps scratch in the `LineTexts` of its reader (which key followed which, to
/// guess the next key) and gathers a case's local texts on the stack: neither may change what is
/// read.
/// Every read is compared with `CaseReader`'s, as in `CaseScannerTests`.
@Suite struct CaseScannerMemoryTests {
    typealias Differential = CaseScannerTests.Differential

    /// One `CaseFacts` and one `LineTexts` read into by scanners of different rule sets in turn:
    /// each finds the other's key memory (sometimes of its own size) and must not be misled by it.
    @Test func aCaseFactsSharedByRuleSetsReadsAlike() throws {
        let odd = RuleSetLoader.load(chain: [SourceFile(path: "odd.rules", text: CaseScannerTests.oddRules)])
        var programs = try [Pilot.groningen, .national, .utrecht].map { try Pilots.program($0) }
        if let program = odd.program { programs.append(program) }
        let texts = LineTexts(slots: programs.map(\.facts.count).max() ?? 1)
        var differentials = programs.map { Differential(program: $0, texts: texts) }
        let lines = CaseScannerTests.generatedLines(300) + CaseScannerTests.oddLines.map { Array($0.utf8) }
        var shared = CaseFacts(count: 0)
        for (n, line) in lines.enumerated() {
            var differential = differentials[n % differentials.count]
            differential.facts = shared
            differential.check(line)
            shared = differential.facts
            differentials[n % differentials.count] = differential
        }
        #expect(differentials.allSatisfy { $0.fast > 0 })
    }

    /// Key memory overwritten with anything at all before every read: the same facts, and
    /// still the fast path (a wrong guess only costs a lookup).
    @Test(arguments: [Pilot.groningen, .rotterdam])
    func anyKeyMemoryReadsAlike(pilot: Pilot) throws {
        var differential = try Differential(pilot)
        var g = CaseScannerTests.SplitMix64(seed: 0xBAD_5EED)
        let lines = CaseScannerTests.generatedLines(500)
        for line in lines {
            let count = differential.texts.keyMemory.count
            let values: [Int32] = [0, -1, 1, .max, .min, -7, 63, 64, 255, 256]
            differential.texts.keyMemory = (0..<count).map { _ in
                g.next() % 3 == 0 ? values[Int(g.next() % UInt64(values.count))] : Int32(truncatingIfNeeded: g.next())
            }
            differential.check(line)
        }
        #expect(differential.read == lines.count)
        #expect(differential.fast == lines.count)
    }

    /// Texts the rule set does not know, more than the stack keeps (a kilobyte, or 64 of them):
    /// the case falls back and reads alike; and short ones are on the fast path again after it.
    @Test func localTextsBeyondTheStackReadAlike() throws {
        var differential = try Differential(.groningen)
        let head = #"{"case_id":"L-1","reference_date":"2024-01-02""#
        let long = String(repeating: "x", count: 1_100)
        let lines = [
            head + #","v_number":"\#(long)"}"#,
            head + #","v_number":"\#(long.prefix(600))","binding_province":"\#(long.prefix(500))"}"#,
            head + #","v_number":"\#(long.prefix(500))","binding_province":"\#(long.prefix(500))","#
                + #""binding_municipality":"\#(long.prefix(20))"}"#,
            head + #","v_number":"123","nationality":"QQ"}"#,
        ]
        for line in lines { differential.check(Array(line.utf8)) }
        #expect(differential.read == lines.count)
        #expect(differential.fast >= 2)
    }

    /// Texts left in the line (`batch`'s read) and texts the facts own (CaseReader's, after an
    /// escape) in turn: each read sees only its own line's texts, whichever came before.
    @Test func textsInTheLineAndTheFactsOwnInTurn() throws {
        var differential = try Differential(.groningen)
        let head = #"{"case_id":"T-1","reference_date":"2024-01-02""#
        let lines = [
            head + #","v_number":"Zz9","binding_municipality":"Zz8"}"#,  // fast, two texts in the line
            head + #","v_number":"Z\u007a9","binding_municipality":"Qq"}"#,  // an escape: CaseReader's texts
            head + #","nationality":"NL"}"#,  // fast, no local text: none of the facts' own may stay
            head + #","v_number":"Z\"z","binding_province":"Zz9"}"#,  // CaseReader again
            head + #","v_number":"Zz9","binding_municipality":"Zz9"}"#,  // fast, one text twice
        ]
        for line in lines { differential.check(Array(line.utf8)) }
        #expect(differential.read == lines.count)
        #expect(differential.fast == 3)
        #expect(differential.texts.inLine && differential.texts.count == 1)
    }

    /// Equal texts the rule set does not know are one local text, so their scalars are equal
    /// (the machine compares texts by scalar); different ones are not.
    @Test func equalUnknownTextsShareALocalText() throws {
        let program = try Pilots.program(.groningen)
        let ruleSet = CompiledRuleSet(program)
        let scanner = CaseScanner(ruleSet)
        var facts = CaseFacts(count: 0)
        // (Not `nationality`: its texts have the form `AA`, which these do not.)
        let line = Array(
            (#"{"case_id":"T-1","reference_date":"2024-01-02","v_number":"Zz9","#
                + #""binding_municipality":"Zz8","binding_province":"Zz9"}"#).utf8)
        let id = line.withUnsafeBufferPointer { scanner.read($0, into: &facts) }
        guard case .success(.bytes) = id else {
            Issue.record("not read on the fast path: \(id)")
            return
        }
        let slot = { (name: String) in program.factSlots[name]! }
        let vNumber = facts.slots[slot("v_number")]
        #expect(vNumber.kind == .localText)
        #expect(facts.slots[slot("binding_province")] == vNumber)
        #expect(facts.slots[slot("binding_municipality")] != vNumber)
        #expect(facts.localRanges.count == 2)
        #expect(facts.localBytes == Array("Zz9Zz8".utf8))
        #expect(facts.value(vNumber, table: ruleSet.plan.texts) == .text("Zz9"))
    }

    /// `CaseFacts.setLocalTexts` replaces the local texts as `localText` would have laid them
    /// out, and `localText` keeps one per distinct text.
    @Test func localTextsAreSetAtOnceOrOneByOne() {
        var one = CaseFacts(count: 1)
        let a = Array("abc".utf8)
        let b = Array("de".utf8)
        let first = a.withUnsafeBufferPointer { one.localText($0) }
        let second = b.withUnsafeBufferPointer { one.localText($0) }
        let again = a.withUnsafeBufferPointer { one.localText($0) }
        #expect(first == again && first != second)

        var all = CaseFacts(count: 1)
        let bytes = a + b
        bytes.withUnsafeBufferPointer { bytes in
            [0..<3, 3..<5].withUnsafeBufferPointer { all.setLocalTexts(bytes, ranges: $0) }
        }
        #expect(all.localBytes == one.localBytes && all.localRanges == one.localRanges)
        // Replacing by fewer, then none.
        b.withUnsafeBufferPointer { bytes in [0..<2].withUnsafeBufferPointer { all.setLocalTexts(bytes, ranges: $0) } }
        #expect(all.localBytes == b && all.localRanges == [0..<2])
        all.setLocalTexts(UnsafeBufferPointer(start: nil, count: 0), ranges: UnsafeBufferPointer(start: nil, count: 0))
        #expect(all.localBytes.isEmpty && all.localRanges.isEmpty)
    }
}
