import RuleSemantics
import RuleSyntax
import RuleValues

/// What a run decided, per decision, with reasons and words in shared buffers. A class that
/// owns fixed-size storage, sized from the plan once: every list a run fills has a bound the
/// plan knows (a rule is evaluated at most once per case), so a run never grows a list, checks
/// uniqueness or allocates. Not for sharing between threads: one per worker, reused per case.
package final class CaseResult {
    package struct Decision: Sendable {
        /// Whether the decision's question applies (if not, there is no result).
        package var applies: Bool = false
        /// Text id of the outcome, -1 when undetermined.
        package var outcome: Int32 = -1
        package var exceptional = false
        package var missing = FactSet()
        package var reasons: Range<Int> = 0..<0
        package var referrals: Range<Int> = 0..<0
        package var actions: Range<Int> = 0..<0
    }

    package struct ReasonRecord: Sendable {
        package enum Producer: UInt8, Sendable { case rule, exception, otherwise }
        package var code: Int32
        package var producer: Producer
        /// Rule, exception or decision index.
        package var index: Int32
        package var facts: FactSet
        package var isLifted: Bool
        var sortKey: Int64
    }

    /// A trace event as plain numbers; `TraceEvent` is its readable form.
    package struct Event: Sendable {
        package enum Kind: UInt8, Sendable { case decision, exception, rule, outcome }
        package var kind: Kind
        package var index: Int32
        package var inForce: Bool
        package var truth: Truth
        package var effective: Truth
        /// For an outcome: its text id (-1 undetermined).
        package var outcome: Int32
        package var facts: FactSet
        /// For a rule: the exceptions that lifted it, a range of `liftedBy`.
        package var lifted: Range<Int>
    }

    /// The plan the storage is sized for.
    package let plan: Plan
    /// The machine's working state and the result's lists, kept from case to case. A result is
    /// used by one thread at a time (see above), so the run needs no dynamic exclusivity check.
    @exclusivity(unchecked) var run: MachineRun
    var reasonCount: Int { run.reasons.count }
    var wordCount: Int { run.words.count }
    var eventCount: Int { run.events.count }
    var liftedByCount: Int { run.liftedBy.count }

    package init(plan: Plan) {
        self.plan = plan
        run = MachineRun(plan: plan)
    }

    deinit { run.free() }

    /// The result of decision `index`, nil when its question does not apply to the case.
    package func decision(_ index: Int) -> Decision? {
        let d = run.decisions[index]
        return d.applies ? d : nil
    }

    package func reason(_ index: Int) -> ReasonRecord {
        precondition(index < reasonCount)
        return run.reasons[index]
    }

    /// A text id of a referral or action (see `Decision.referrals`, `Decision.actions`).
    package func word(_ index: Int) -> Int32 {
        precondition(index < wordCount)
        return run.words[index]
    }

    package var events: UnsafeBufferPointer<Event> { UnsafeBufferPointer(start: run.events.base, count: eventCount) }

    package func liftedBy(_ range: Range<Int>) -> [Int] {
        precondition(range.upperBound <= liftedByCount)
        return range.map { Int(run.liftedBy[$0]) }
    }
}

/// A list in memory a `CaseResult` owns: fixed capacity, and a count the run keeps. Pushing past
/// the capacity stops the program: the bounds are the plan's, and passing one is a bug.
/// Elements are plain values (no references), so nothing needs deinitialising.
struct Buffer<Element> {
    let base: UnsafeMutablePointer<Element>
    let capacity: Int
    var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = UnsafeMutablePointer<Element>.allocate(capacity: Swift.max(capacity, 1))
    }

    /// A view of `capacity` places of `block` from `from` on; freed with the block.
    init(slice block: Buffer<Element>, from: Int, capacity: Int) {
        precondition(from + capacity <= block.capacity)
        self.capacity = capacity
        base = block.base + from
    }

    func free() { base.deallocate() }

    subscript(index: Int) -> Element {
        @inline(__always) get { base[index] }
        @inline(__always) nonmutating set { base[index] = newValue }
    }

    @inline(__always) mutating func push(_ element: Element) {
        precondition(count < capacity, "machine buffer bound exceeded")
        (base + count).initialize(to: element)
        count += 1
    }

    @inline(__always) mutating func truncate(to mark: Int) {
        count = Swift.min(count, mark)
    }

    mutating func insert(_ element: Element, at index: Int) {
        precondition(count < capacity, "machine buffer bound exceeded")
        var k = count
        while k > index {
            (base + k).initialize(to: base[k - 1])
            k -= 1
        }
        (base + index).initialize(to: element)
        count += 1
    }

    /// Sets the first `count` places to `value` (per-case state).
    func fill(_ value: Element, count: Int) {
        base.initialize(repeating: value, count: count)
    }
}

extension Buffer where Element == Int32 {
    func contains(_ value: Int32, in range: Range<Int>) -> Bool {
        for k in range where base[k] == value { return true }
        return false
    }
}

/// A rule and the facts its condition read.
struct RuleRead: Sendable {
    var rule: Int32
    var read: FactSet
}
