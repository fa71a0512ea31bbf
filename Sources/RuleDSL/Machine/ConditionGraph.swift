import RuleSemantics
import RuleSyntax
import RuleValues

/// Conditions compiled to graphs of tests, for runs without a trace: each test reads one fact
/// (or one derived value or decision) and names the next test for each of its outcomes, so a
/// condition is decided by a loop that follows edges, without recursion and without building
/// intermediate values. `and`, `or` and `not` disappear into the edges.
///
/// Kleene's `and`, `or` and `not` depend on an operand's outcome, which is one of four: true,
/// false, unknown, or a known value that is not a truth value (an optional `bool` fact that is
/// `none`), which `and` takes as true and `or` as false, as the machine's `value` does. So the
/// graph for `x and y` tests `x`, and on true tests `y` as the whole; on unknown it tests a
/// second copy of `y` whose true and known edges lead to unknown. Copies are shared where their
/// edges are equal; a condition that would need more than `ConditionGraphCompiler.limit` tests
/// becomes one test that evaluates it as a whole.
///
/// The traced run keeps evaluating the expression tree: it must record what each part read.
struct ConditionTest: Sendable {
    enum Kind: UInt8, Sendable {
        /// `a` is a fact slot. A fact compared with a constant has a kind of its own for each
        /// comparison, so the loop does not ask which it is: `=`, `!=`, and the orderings with a
        /// number or date (the only ones the checker lets through).
        case factEquals, factNotEquals, factLess, factLessOrEqual, factGreater, factGreaterOrEqual
        case factPresence, factMember, factInTexts, factValue
        /// `is_blank` of fact `a` (`no_v_number` asks it of every intake).
        case factBlank
        /// Facts `a` and `b` compared.
        case compareFacts
        /// `a` is a derived value's or a decision's index.
        case compareDerived, compareDecision
        /// Anything else: node `a` evaluated by the machine's `value`.
        case value
    }
    var kind: Kind
    /// `compare…`: the comparison.
    var comparison: PlanNode.Op = .equal
    /// `factPresence`: is present; `factMember`, `factInTexts`: negated.
    var flag = false
    var a: Int32 = -1
    /// `factMember`: the set's range in `setMembers`; `factInTexts`: its first bitmap word.
    var b: Int32 = -1
    var c: Int32 = -1
    var constant: Scalar = .unknown

    /// The four outcomes of a test, as indices into its edges.
    static let isTrue = 0, isFalse = 1, isUnknown = 2, isOther = 3
    /// The ends of a graph, as edges: a negative edge is `-1 - outcome`.
    static let endTrue: Int32 = -1, endFalse: Int32 = -2, endUnknown: Int32 = -3
}

/// Builds the graphs of a plan's conditions. Works on plan nodes, after fusing, so each fused
/// node becomes one test.
struct ConditionGraphCompiler {
    /// The most tests one condition may take.
    static let limit = 64

    let nodes: [PlanNode]
    /// The root node of each derived value.
    let derived: [Int32]
    private(set) var tests: [ConditionTest] = []
    /// Four per test: where to go on true, false, unknown, other.
    private(set) var edges: [Int32] = []
    private var shared: [Key: Int32] = [:]
    /// The condition being compiled may not emit a test at or past this count; once it tried,
    /// `overflowed` stops the compilation early (copies can multiply with the depth of a
    /// condition, so the limit is kept while building, not checked after).
    private var budgetEnd = Int.max
    private var overflowed = false
    /// Steps of `graph` left for this condition: constants emit no test, so the test limit
    /// alone would not stop a walk over a tree of shared `let`s of constants.
    private var steps = 0
    /// Keys of `shared` entered while compiling the current condition.
    private var added: [Key] = []
    /// `isTestable` per derived value, worked out once (a `let` read twice is not walked twice).
    private var testable: [Int32: Bool] = [:]

    private struct Key: Hashable {
        let node: Int32
        let edges: [Int32]
    }

    init(nodes: [PlanNode], derived: [Int32]) {
        self.nodes = nodes
        self.derived = derived
    }

    /// The entry test of the graph for condition node `n`: true, false and unknown end there;
    /// a value that is not a truth value counts as unknown, as `Scalar.truth` has it.
    mutating func compile(_ n: Int32) -> Int32 {
        let (testCount, edgeCount) = (tests.count, edges.count)
        added.removeAll(keepingCapacity: true)
        let ends = [ConditionTest.endTrue, ConditionTest.endFalse, ConditionTest.endUnknown, ConditionTest.endUnknown]
        (budgetEnd, overflowed) = (testCount + ConditionGraphCompiler.limit, false)
        steps = 64 * ConditionGraphCompiler.limit
        var entry = graph(n, ends)
        budgetEnd = Int.max
        if overflowed {
            tests.removeSubrange(testCount...)
            edges.removeSubrange(edgeCount...)
            // Only what this condition added is taken back (a copy of the whole table per
            // condition would make many conditions quadratic).
            for key in added { shared[key] = nil }
            entry = -1
        }
        if entry < 0 {
            // A whole-condition test, also for a condition that is decided before any test.
            return emit(ConditionTest(kind: .value, a: n), ends)
        }
        return entry
    }

    /// The graph for node `n` leading to `next` (true, false, unknown, other).
    private mutating func graph(_ n: Int32, _ next: [Int32]) -> Int32 {
        if overflowed { return ConditionTest.endUnknown }
        steps -= 1
        if steps < 0 {
            overflowed = true
            return ConditionTest.endUnknown
        }
        let key = Key(node: n, edges: next)
        if let entry = shared[key] { return entry }
        let node = nodes[Int(n)]
        let (t, f, u, o) = (next[0], next[1], next[2], next[3])
        let entry: Int32
        switch node.op {
        case .and:
            // The right side decides once the left is true (or not a truth value); after an
            // unknown left, only its false decides.
            let rightAfterTrue = graph(node.b, [t, f, u, t])
            let rightAfterUnknown = graph(node.b, [u, f, u, u])
            entry = graph(node.a, [rightAfterTrue, f, rightAfterUnknown, rightAfterTrue])
        case .or:
            let rightAfterFalse = graph(node.b, [t, f, u, f])
            let rightAfterUnknown = graph(node.b, [t, u, u, u])
            entry = graph(node.a, [t, rightAfterFalse, rightAfterUnknown, rightAfterFalse])
        case .not:
            entry = graph(node.a, [f, t, u, o])
        case .derived where isTestableDerived(node.a):
            entry = graph(derived[Int(node.a)], next)
        case .constant:
            // Decided now: no test, the edge itself.
            switch node.constant.kind {
            case .bool: entry = node.constant.bits != 0 ? t : f
            case .unknown: entry = u
            default: entry = o
            }
        case .compareFact:
            let ordered = node.constant.kind == .number || node.constant.kind == .date
            let kind: ConditionTest.Kind
            switch node.comparison {
            case .equal: kind = .factEquals
            case .notEqual: kind = .factNotEquals
            case .less where ordered: kind = .factLess
            case .lessOrEqual where ordered: kind = .factLessOrEqual
            case .greater where ordered: kind = .factGreater
            case .greaterOrEqual where ordered: kind = .factGreaterOrEqual
            default: kind = .value  // an ordering with a constant neither number nor date (refused by the checker)
            }
            entry = emit(ConditionTest(kind: kind, a: kind == .value ? n : node.a, constant: node.constant), next)
        case .compareDerived, .compareDecision:
            let kind: ConditionTest.Kind = node.op == .compareDerived ? .compareDerived : .compareDecision
            let test = ConditionTest(kind: kind, comparison: node.comparison, a: node.a, constant: node.constant)
            entry = emit(test, next)
        case .factPresence:
            entry = emit(ConditionTest(kind: .factPresence, flag: node.flag, a: node.a), next)
        case .factMember:
            entry = emit(ConditionTest(kind: .factMember, flag: node.flag, a: node.a, b: node.b, c: node.c), next)
        case .factInTexts:
            entry = emit(ConditionTest(kind: .factInTexts, flag: node.flag, a: node.a, b: node.b), next)
        case .fact:
            entry = emit(ConditionTest(kind: .factValue, a: node.a), next)
        case .isBlank where nodes[Int(node.a)].op == .fact:
            entry = emit(ConditionTest(kind: .factBlank, a: nodes[Int(node.a)].a), next)
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            // (A `where` would guard only the last pattern of the list.)
            let (left, right) = (nodes[Int(node.a)], nodes[Int(node.b)])
            if left.op == .fact, right.op == .fact {
                entry = emit(ConditionTest(kind: .compareFacts, comparison: node.op, a: left.a, b: right.a), next)
            } else {
                entry = emit(ConditionTest(kind: .value, a: n), next)
            }
        default:
            entry = emit(ConditionTest(kind: .value, a: n), next)
        }
        shared[key] = entry
        added.append(key)
        return entry
    }

    /// Whether a derived value's expression is made of tests alone (no computed operand), so
    /// testing it where it is used costs no more than reading it once computed.
    private mutating func isTestable(_ n: Int32) -> Bool {
        let node = nodes[Int(n)]
        switch node.op {
        case .and, .or: return isTestable(node.a) && isTestable(node.b)
        case .not: return isTestable(node.a)
        case .derived: return isTestableDerived(node.a)
        case .constant, .fact, .compareFact, .factPresence, .factMember, .factInTexts, .compareDerived,
            .compareDecision:
            return true
        default: return false
        }
    }

    private mutating func isTestableDerived(_ index: Int32) -> Bool {
        if let known = testable[index] { return known }
        let answer = isTestable(derived[Int(index)])
        testable[index] = answer
        return answer
    }

    private mutating func emit(_ test: ConditionTest, _ next: [Int32]) -> Int32 {
        if tests.count >= budgetEnd {
            overflowed = true
            return ConditionTest.endUnknown
        }
        tests.append(test)
        edges += next
        return Int32(tests.count - 1)
    }
}
