import RuleDSL
import Testing

@testable import RuleAnalysis
@testable import RuleMachine
@testable import RuleSemantics
@testable import RuleSyntax
@testable import RuleValues

/// The bit set of fact slots, in particular the two operations the case scanner uses to find
/// duplicate keys and missing required facts.
@Suite struct FactSetTests {
    @Test func insertNewSaysWhetherTheSlotWasNew() {
        var set = FactSet()
        for slot in [0, 63, 64, 127, 128, 200, 255] {
            let first = set.insertNew(slot)
            let second = set.insertNew(slot)
            #expect(first)
            #expect(!second)
            #expect(set.contains(slot))
        }
        #expect(set.slots == [0, 63, 64, 127, 128, 200, 255])
        #expect(set.lowWord == UInt64(1) | UInt64(1) << 63)
    }

    @Test func supersetsCompareEveryWord() {
        var big = FactSet()
        var small = FactSet()
        for slot in [1, 70, 140, 250] {
            big.insert(slot)
            small.insert(slot)
        }
        big.insert(3)
        #expect(big.isSuperset(of: small))
        #expect(!small.isSuperset(of: big))
        #expect(big.isSuperset(of: FactSet()))
        for word in 1..<4 {
            var other = small
            other.insert(word * 64 + 5)
            #expect(!big.isSuperset(of: other), "a slot missing in word \(word)")
        }
    }
}
