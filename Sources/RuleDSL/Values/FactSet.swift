/// A small fixed-size bit set of fact slots: which facts an answer depends on. Fixed size keeps
/// evaluation free of allocation; the checker refuses rule sets with more facts than it holds.
public struct FactSet: Sendable, Hashable {
    /// The most fact slots a set holds: the checker refuses a rule set with more facts.
    public static let capacity = 256
    @usableFromInline var w0: UInt64 = 0
    @usableFromInline var w1: UInt64 = 0
    @usableFromInline var w2: UInt64 = 0
    @usableFromInline var w3: UInt64 = 0

    /// The empty set: an answer that depends on no fact.
    public init() {}

    /// The set holding only `slot`.
    @inlinable
    public init(_ slot: Int) {
        insert(slot)
    }

    /// True when no fact is in the set.
    @inlinable
    public var isEmpty: Bool { (w0 | w1 | w2 | w3) == 0 }

    /// Adds `slot` to the set.
    @inlinable
    public mutating func insert(_ slot: Int) {
        let bit = UInt64(1) << UInt64(slot & 63)
        switch slot >> 6 {
        case 0: w0 |= bit
        case 1: w1 |= bit
        case 2: w2 |= bit
        default: w3 |= bit
        }
    }

    /// Inserts `slot`; true when it was not in the set yet.
    @inlinable
    public mutating func insertNew(_ slot: Int) -> Bool {
        let bit = UInt64(1) << UInt64(slot & 63)
        let old: UInt64
        switch slot >> 6 {
        case 0: (old, w0) = (w0, w0 | bit)
        case 1: (old, w1) = (w1, w1 | bit)
        case 2: (old, w2) = (w2, w2 | bit)
        default: (old, w3) = (w3, w3 | bit)
        }
        return old & bit == 0
    }

    /// Whether every fact in `other` is also in this set.
    @inlinable
    public func isSuperset(of other: FactSet) -> Bool {
        w0 & other.w0 == other.w0 && w1 & other.w1 == other.w1 && w2 & other.w2 == other.w2
            && w3 & other.w3 == other.w3
    }

    /// The one slot of a set that holds exactly one; nil for an empty set or a larger one.
    @inlinable
    public var onlySlot: Int? {
        let counts = (w0.nonzeroBitCount, w1.nonzeroBitCount, w2.nonzeroBitCount, w3.nonzeroBitCount)
        guard counts.0 + counts.1 + counts.2 + counts.3 == 1 else { return nil }
        if w0 != 0 { return w0.trailingZeroBitCount }
        if w1 != 0 { return 64 + w1.trailingZeroBitCount }
        if w2 != 0 { return 128 + w2.trailingZeroBitCount }
        return 192 + w3.trailingZeroBitCount
    }

    /// Slots 0..<64, one bit each.
    @inlinable
    public var lowWord: UInt64 { w0 }

    /// Whether `slot` is in the set.
    @inlinable
    public func contains(_ slot: Int) -> Bool {
        let bit = UInt64(1) << UInt64(slot & 63)
        switch slot >> 6 {
        case 0: return w0 & bit != 0
        case 1: return w1 & bit != 0
        case 2: return w2 & bit != 0
        default: return w3 & bit != 0
        }
    }

    /// Whether no fact is in both sets.
    @inlinable
    public func isDisjoint(with other: FactSet) -> Bool {
        (w0 & other.w0) | (w1 & other.w1) | (w2 & other.w2) | (w3 & other.w3) == 0
    }

    /// Adds every fact of `other` to the set.
    @inlinable
    public mutating func formUnion(_ other: FactSet) {
        w0 |= other.w0
        w1 |= other.w1
        w2 |= other.w2
        w3 |= other.w3
    }

    /// The facts in either set.
    @inlinable
    public func union(_ other: FactSet) -> FactSet {
        var result = self
        result.formUnion(other)
        return result
    }

    /// Calls `body` with each slot in increasing order, without making an array.
    @inlinable public func forEachSlot(_ body: (Int) -> Void) {
        for wordIndex in 0..<4 {
            var remaining = wordIndex == 0 ? w0 : wordIndex == 1 ? w1 : wordIndex == 2 ? w2 : w3
            while remaining != 0 {
                body(wordIndex * 64 + remaining.trailingZeroBitCount)
                remaining &= remaining - 1
            }
        }
    }

    /// The slots in increasing order.
    public var slots: [Int] {
        var result: [Int] = []
        for (wordIndex, word) in [w0, w1, w2, w3].enumerated() where word != 0 {
            var remaining = word
            while remaining != 0 {
                let bit = remaining.trailingZeroBitCount
                result.append(wordIndex * 64 + bit)
                remaining &= remaining - 1
            }
        }
        return result
    }
}
