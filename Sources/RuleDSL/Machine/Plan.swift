import RuleSemantics
import RuleSyntax
import RuleValues

/// A program lowered for the machine: expressions as one flat array of nodes that point at each
/// other by index, texts as numbers, constant sets sorted for binary search, every list of rules
/// a range in one pool. Built once per rule set (by `CompiledRuleSet`); evaluating a case then
/// touches no String, no dictionary and no reference count.
///
/// Its tables live in memory the plan allocates and frees itself, read through unsafe buffer
/// pointers: the machine reads them millions of times a second, and an array in a class is
/// retained and released around reads. Nothing writes them after `init`.
package final class Plan: @unchecked Sendable {
    /// Every text the rule set can produce or compare with.
    package let texts: TextTable
    let nodes: UnsafeBufferPointer<PlanNode>
    /// The members of every constant set for `in`, each set sorted by (kind, bits); a `member`
    /// node holds its set's range.
    let setMembers: UnsafeBufferPointer<Scalar>
    /// Sets of texts as bitmaps over text ids, one bit per text the rule set knows
    /// (`factInTexts`).
    let textSets: UnsafeBufferPointer<UInt64>
    /// Referral places of rules (`PlanReferral`) and the text ids of their actions, by range.
    let referrals: UnsafeBufferPointer<PlanReferral>
    let actions: UnsafeBufferPointer<Int32>
    let derived: UnsafeBufferPointer<Int32>
    let rules: UnsafeBufferPointer<PlanRule>
    let exceptions: UnsafeBufferPointer<PlanException>
    let decisions: UnsafeBufferPointer<PlanDecision>
    let stages: UnsafeBufferPointer<PlanStage>
    /// Rule and exception indices, referenced by ranges from the tables above.
    let pool: UnsafeBufferPointer<Int32>
    /// For a place in `pool` that holds a stage's rule: what the machine's rule loop needs first,
    /// so a stage's rules are tested in order without following rule, condition and node.
    let stageRules: UnsafeBufferPointer<StageRule>
    /// Every condition as a graph of tests (`ConditionTest`), for runs without a trace: the tests,
    /// four edges per test, and the entry test of each rule's, exception's and question's
    /// condition (-1: a question that always applies).
    let tests: UnsafeBufferPointer<ConditionTest>
    let testEdges: UnsafeBufferPointer<Int32>
    let ruleTest: UnsafeBufferPointer<Int32>
    let exceptionTest: UnsafeBufferPointer<Int32>
    let decisionTest: UnsafeBufferPointer<Int32>
    /// For a rule whose reads depend on its left operand (`PlanRule.readsByLeft`): that
    /// operand's test; else -1.
    let leftTest: UnsafeBufferPointer<Int32>
    /// For each text id, its place in the reasons, referrals and actions vocabularies
    /// (`texts.count` when it is not in them), so sorting compares numbers.
    let reasonRank: UnsafeBufferPointer<Int32>
    let referralRank: UnsafeBufferPointer<Int32>
    let actionRank: UnsafeBufferPointer<Int32>
    /// For each text id, whether the text is blank (`is_blank`).
    let blankText: UnsafeBufferPointer<Bool>
    let referenceFact: Int32
    package let factCount: Int
    /// The program this plan was lowered from, and how to find the exact missing facts of an
    /// undetermined decision on it (`ExactMissingFacts`): the one slow path of a run.
    let program: Program
    let exactMissing: ExactMissingFacts
    /// For each rule, the unknown facts that move it when they leave it open (worked out by
    /// the analysis layer, `MissingFacts.Tables`): with them the machine finds most exact
    /// missing facts on its own tables, without `exactMissing`, as `MissingFacts`'s
    /// independent way would. Empty: always ask.
    let freeFacts: [FreeFacts]
    /// For each rule, the stage it decides in (an index into `stages`), or -1 for an `after` rule.
    let stageOfRule: [Int32]

    /// Lowers `program`; `exactMissing` is what a run asks for an undetermined decision's
    /// missing facts.
    init(_ program: Program, exactMissing: @escaping ExactMissingFacts, freeFacts: [FreeFacts] = []) {
        self.program = program
        self.exactMissing = exactMissing
        self.freeFacts = freeFacts
        let facts = program.facts
        let vocabulary = program.vocabulary
        let derived = program.derived
        let decisions = program.decisions
        let rules = program.rules
        let exceptions = program.exceptions
        let referenceFact = program.referenceFact
        var compiler = PlanCompiler()
        for kind in VocabularyDeclaration.Kind.allCases {
            for word in vocabulary[kind] ?? [] { compiler.texts.intern(word) }
        }
        for fact in facts {
            if case .enumeration(let values) = fact.type { for value in values { compiler.texts.intern(value) } }
        }
        for decision in decisions { for outcome in decision.outcomes { compiler.texts.intern(outcome) } }

        compiler.writtenOut = PlanCompiler.cheapDerived(derived)
        self.derived = Plan.frozen(derived.map { compiler.lower($0.expression) })
        // Reasons are listed in vocabulary order, then by the id of what gave them; ranking the
        // ids once turns that order into one number per producer.
        let ids = Set(rules.map(\.id) + exceptions.map(\.id) + [""]).sorted()
        let idRank = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, Int32($0)) })
        func text(_ s: String?) -> Int32 { s.map { compiler.texts.intern($0) } ?? -1 }
        func validity(_ v: Validity) -> (Int64, Int64) {
            (v.from.map { Int64($0.dayNumber) } ?? .min, v.until.map { Int64($0.dayNumber) } ?? .max)
        }
        var pool: [Int32] = []
        func range(_ items: [Int]) -> Range<Int32> {
            let start = Int32(pool.count)
            pool += items.map(Int32.init)
            return start..<Int32(pool.count)
        }
        var referralPool: [PlanReferral] = []
        var actionPool: [Int32] = []
        let analysis = ReadAnalysis(derived: derived)
        let planRules: [PlanRule] = rules.map { rule in
            let (from, until) = validity(rule.validity)
            let firstReferral = Int32(referralPool.count)
            for target in rule.referrals {
                switch target {
                case .fixed(let place): referralPool.append(PlanReferral(text: compiler.texts.intern(place), fact: -1))
                case .fact(let slot): referralPool.append(PlanReferral(text: -1, fact: Int32(slot)))
                }
            }
            let firstAction = Int32(actionPool.count)
            actionPool += rule.actions.map { compiler.texts.intern($0) }
            let reads = analysis.when(rule.condition, is: true)
            let byLeft = reads == nil ? analysis.byLeft(rule.condition, is: true) : nil
            return PlanRule(
                condition: compiler.lower(rule.condition), reason: text(rule.reason), idRank: idRank[rule.id]!,
                isAlways: rule.validity.isAlways, from: from, until: until, liftedBy: range(rule.liftedBy),
                referrals: firstReferral..<Int32(referralPool.count), actions: firstAction..<Int32(actionPool.count),
                readsWhenTrue: reads != nil, readWhenTrue: reads ?? byLeft?.whenDominant ?? FactSet(),
                readsByLeft: byLeft != nil, left: byLeft.map { compiler.lower($0.left) } ?? -1,
                leftDominant: byLeft?.dominant ?? true, readOtherwise: byLeft?.otherwise ?? FactSet())
        }
        self.rules = Plan.frozen(planRules)
        self.exceptions = Plan.frozen(
            exceptions.map { exception in
                let (from, until) = validity(exception.validity)
                return PlanException(
                    condition: compiler.lower(exception.condition), reason: text(exception.reason),
                    idRank: idRank[exception.id]!, isAlways: exception.validity.isAlways, from: from, until: until)
            })
        var stages: [PlanStage] = []
        self.decisions = Plan.frozen(
            decisions.map { decision in
                let first = Int32(stages.count)
                for stage in decision.stages {
                    stages.append(
                        PlanStage(
                            outcome: compiler.texts.intern(stage.outcome),
                            overridesUnknowns: stage.overridesUnknowns, rules: range(stage.rules)))
                }
                return PlanDecision(
                    condition: decision.condition.map { compiler.lower($0) } ?? -1, stages: first..<Int32(stages.count),
                    otherwise: text(decision.otherwise), otherwiseReason: text(decision.otherwiseReason),
                    otherwiseIDRank: idRank[""]!, afterRules: range(decision.afterRules))
            })
        self.stages = Plan.frozen(stages)
        self.pool = Plan.frozen(pool)
        compiler.texts.seal()
        let table = compiler.texts
        func ranks(_ kind: VocabularyDeclaration.Kind) -> [Int32] {
            var rank = Array(repeating: Int32(table.count), count: table.count)
            for (i, word) in (vocabulary[kind] ?? []).enumerated().reversed() {
                rank[Int(table.id(of: word)!)] = Int32(i)
            }
            return rank
        }
        reasonRank = Plan.frozen(ranks(.reasons))
        referralRank = Plan.frozen(ranks(.referrals))
        actionRank = Plan.frozen(ranks(.actions))
        blankText = Plan.frozen(table.texts.map(TextBlank.isBlank))
        self.texts = table
        // Now that every text has its id, a set of known texts becomes a bitmap: a case's text the
        // rule set does not know is in no set.
        let words = (table.count + 63) / 64
        var textSets: [UInt64] = []
        for n in compiler.nodes.indices where compiler.nodes[n].op == .factMember {
            let members = compiler.setMembers[Int(compiler.nodes[n].b)..<Int(compiler.nodes[n].c)]
            guard members.allSatisfy({ $0.kind == .text }) else { continue }
            let first = textSets.count
            textSets += Array(repeating: 0, count: words)
            for m in members { textSets[first + Int(m.bits) / 64] |= 1 << UInt64(m.bits % 64) }
            compiler.nodes[n].op = .factInTexts
            compiler.nodes[n].b = Int32(first)
        }
        self.textSets = Plan.frozen(textSets)
        self.nodes = Plan.frozen(compiler.nodes)
        var graphs = ConditionGraphCompiler(nodes: compiler.nodes, derived: Array(self.derived))
        let ruleTest = planRules.map { graphs.compile($0.condition) }
        self.ruleTest = Plan.frozen(ruleTest)
        self.exceptionTest = Plan.frozen(self.exceptions.map { graphs.compile($0.condition) })
        self.decisionTest = Plan.frozen(self.decisions.map { $0.condition >= 0 ? graphs.compile($0.condition) : -1 })
        self.leftTest = Plan.frozen(planRules.map { $0.readsByLeft ? graphs.compile($0.left) : -1 })
        var stageRules = Array(repeating: StageRule(), count: pool.count)
        var stageOfRule = Array(repeating: Int32(-1), count: planRules.count)
        for (index, stage) in stages.enumerated() {
            for p in stage.rules { stageOfRule[Int(pool[Int(p)])] = Int32(index) }
        }
        self.stageOfRule = stageOfRule
        for stage in stages {
            for p in stage.rules {
                let rule = planRules[Int(pool[Int(p)])]
                stageRules[Int(p)] = StageRule(
                    condition: compiler.nodes[Int(rule.condition)], test: ruleTest[Int(pool[Int(p)])],
                    rule: pool[Int(p)], isAlways: rule.isAlways, isLiftable: !rule.liftedBy.isEmpty)
            }
        }
        self.stageRules = Plan.frozen(stageRules)
        self.tests = Plan.frozen(graphs.tests)
        self.testEdges = Plan.frozen(graphs.edges)
        self.setMembers = Plan.frozen(compiler.setMembers)
        self.referrals = Plan.frozen(referralPool)
        self.actions = Plan.frozen(actionPool)
        self.referenceFact = referenceFact.map(Int32.init) ?? -1
        self.factCount = facts.count
    }

    deinit {
        let tables: [UnsafeRawPointer?] = [
            UnsafeRawPointer(nodes.baseAddress), UnsafeRawPointer(setMembers.baseAddress),
            UnsafeRawPointer(textSets.baseAddress), UnsafeRawPointer(stageRules.baseAddress),
            UnsafeRawPointer(referrals.baseAddress), UnsafeRawPointer(actions.baseAddress),
            UnsafeRawPointer(derived.baseAddress), UnsafeRawPointer(rules.baseAddress),
            UnsafeRawPointer(exceptions.baseAddress), UnsafeRawPointer(decisions.baseAddress),
            UnsafeRawPointer(stages.baseAddress), UnsafeRawPointer(pool.baseAddress),
            UnsafeRawPointer(reasonRank.baseAddress), UnsafeRawPointer(referralRank.baseAddress),
            UnsafeRawPointer(actionRank.baseAddress), UnsafeRawPointer(blankText.baseAddress),
            UnsafeRawPointer(tests.baseAddress),
            UnsafeRawPointer(testEdges.baseAddress), UnsafeRawPointer(ruleTest.baseAddress),
            UnsafeRawPointer(exceptionTest.baseAddress), UnsafeRawPointer(decisionTest.baseAddress),
            UnsafeRawPointer(leftTest.baseAddress),
        ]
        for table in tables { table?.deallocate() }
    }

    /// A copy of `array` in memory the plan owns (plain values only).
    private static func frozen<T>(_ array: [T]) -> UnsafeBufferPointer<T> {
        let memory = UnsafeMutableBufferPointer<T>.allocate(capacity: max(array.count, 1))
        _ = memory.initialize(from: array)
        return UnsafeBufferPointer(start: memory.baseAddress, count: array.count)
    }
}

/// One expression node. `a`, `b`, `c` are child nodes, or a fact slot (`fact`), a derived value
/// or decision index, or for `member` the operand and the set's range in `setMembers`.
struct PlanNode: Sendable {
    enum Op: UInt8, Sendable {
        case constant, fact, derived, decision, not, and, or
        case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
        case member, presence, conditional
        case yearsBetween, monthsBetween, daysBetween, addDays, addMonths, addYears
        case plus, minus, times, negate
        /// `is_blank(a)`.
        case isBlank
        /// `only_because(d, {codes})`: `a` the decision, `b..<c` the codes' range in `setMembers`.
        case onlyBecause
        // Fused forms of the commonest shapes, one dispatch instead of two or three: a fact
        // compared with a constant (`comparison` holds the comparison), tested for presence, or
        // looked up in a constant set. `a` is the fact's slot.
        case compareFact, factPresence, factMember
        // A derived value (`a` its index) or a decision (`a` its index) compared with a constant,
        // as in `age < 18` and `intake = exclude`.
        case compareDerived, compareDecision
        // `factMember` for a set of texts the rule set knows: `b` is the first word of the set's
        // bitmap over text ids in `textSets`, so membership is one bit test.
        case factInTexts
    }
    var op: Op
    /// `member`: negated; `presence`: is present.
    var flag: Bool = false
    /// `compareFact`, `compareDerived`, `compareDecision`: the comparison.
    var comparison: Op = .equal
    var a: Int32 = -1
    var b: Int32 = -1
    var c: Int32 = -1
    var constant: Scalar = .unknown
}

struct PlanRule: Sendable {
    let condition: Int32
    let reason: Int32
    let idRank: Int32
    let isAlways: Bool
    let from: Int64
    let until: Int64
    let liftedBy: Range<Int32>
    let referrals: Range<Int32>
    let actions: Range<Int32>
    /// The facts its condition reads whenever it holds, if that set does not depend on the
    /// values (no `or` that may stop early, no decision): then a verdict can name them without
    /// evaluating the condition again. `readsWhenTrue` says whether `readWhenTrue` is that set.
    let readsWhenTrue: Bool
    let readWhenTrue: FactSet
    /// Else, for a condition `x or y` (or `x and y` held false, as under `not`) whose sides'
    /// reads are fixed: what it read depends on `x` alone. `readsByLeft` says so; `left` is
    /// `x`'s node; when `x` is `leftDominant` (true for `or`, false for `and`) the set is
    /// `readWhenTrue`, else `readOtherwise`. `ReadAnalysis.byLeft` finds these.
    let readsByLeft: Bool
    let left: Int32
    let leftDominant: Bool
    let readOtherwise: FactSet
}

/// A stage's rule as the machine's rule loop reads it: a copy of its condition's node, its
/// condition's entry test, and the two facts about the rule that decide whether the loop needs
/// more of it.
struct StageRule: Sendable {
    var condition = PlanNode(op: .constant)
    var test: Int32 = -1
    var rule: Int32 = -1
    /// In force whatever the reference date.
    var isAlways = false
    /// Some exception may lift it.
    var isLiftable = false
}

/// A referral: a fixed place (`text`), or the value of a fact (`fact`).
struct PlanReferral: Sendable {
    let text: Int32
    let fact: Int32
}

struct PlanException: Sendable {
    let condition: Int32
    let reason: Int32
    let idRank: Int32
    let isAlways: Bool
    let from: Int64
    let until: Int64
}

struct PlanStage: Sendable {
    let outcome: Int32
    let overridesUnknowns: Bool
    let rules: Range<Int32>
}

struct PlanDecision: Sendable {
    /// -1: the question always applies.
    let condition: Int32
    let stages: Range<Int32>
    let otherwise: Int32
    let otherwiseReason: Int32
    let otherwiseIDRank: Int32
    let afterRules: Range<Int32>
}

/// Lowers compiled expressions to plan nodes, interning the texts they mention.
struct PlanCompiler {
    var texts = TextTable()
    var nodes: [PlanNode] = []
    var setMembers: [Scalar] = []
    /// Derived values written out where they are used, by index (see `cheapDerived`).
    var writtenOut: [Int: CompiledExpression] = [:]

    /// The derived values cheap to evaluate again (a few operators on facts and constants: no
    /// built-in, decision or other derived value). Written out where they are used, a case reads
    /// them without a call, and evaluating one twice costs less than remembering it. The result
    /// is the same: an expression's value and the facts it reads do not depend on where it is.
    static func cheapDerived(_ derived: [DerivedInfo]) -> [Int: CompiledExpression] {
        func size(_ e: CompiledExpression) -> Int? {
            switch e {
            case .constant, .fact: return 1
            case .derived, .decision, .call, .onlyBecause: return nil
            case .not(let x), .negate(let x), .presence(let x, _), .member(let x, _, _):
                return size(x).map { $0 + 1 }
            case .and(let x, let y), .or(let x, let y), .compare(_, let x, let y), .arithmetic(_, let x, let y):
                guard let a = size(x), let b = size(y) else { return nil }
                return a + b + 1
            case .conditional(let x, let y, let z):
                guard let a = size(x), let b = size(y), let c = size(z) else { return nil }
                return a + b + c + 1
            }
        }
        var cheap: [Int: CompiledExpression] = [:]
        for (index, info) in derived.enumerated() where (size(info.expression) ?? .max) <= 8 {
            cheap[index] = info.expression
        }
        return cheap
    }

    mutating func constant(_ value: Value) -> Scalar {
        switch value {
        case .bool(let b): return .bool(b)
        case .number(let n): return .number(n)
        case .date(let d): return .date(d)
        case .none: return .none
        case .text(let t): return .text(texts.intern(t))
        }
    }

    mutating func lower(_ expression: CompiledExpression) -> Int32 {
        var node: PlanNode
        switch expression {
        case .constant(let value):
            node = PlanNode(op: .constant, constant: constant(value))
        case .fact(let slot): node = PlanNode(op: .fact, a: Int32(slot))
        case .derived(let index):
            if let expression = writtenOut[index] { return lower(expression) }
            node = PlanNode(op: .derived, a: Int32(index))
        case .decision(let index): node = PlanNode(op: .decision, a: Int32(index))
        case .not(let e): node = PlanNode(op: .not, a: lower(e))
        case .negate(let e): node = PlanNode(op: .negate, a: lower(e))
        case .and(let x, let y): node = PlanNode(op: .and, a: lower(x), b: lower(y))
        case .or(let x, let y): node = PlanNode(op: .or, a: lower(x), b: lower(y))
        case .compare(let op, let x, let y):
            let ops: [ComparisonOperator: PlanNode.Op] = [
                .equal: .equal, .notEqual: .notEqual, .less: .less, .lessOrEqual: .lessOrEqual,
                .greater: .greater, .greaterOrEqual: .greaterOrEqual,
            ]
            if case .fact(let slot) = x, case .constant(let value) = y {
                node = PlanNode(op: .compareFact, comparison: ops[op]!, a: Int32(slot), constant: constant(value))
            } else if case .derived(let index) = x, writtenOut[index] == nil, case .constant(let value) = y {
                node = PlanNode(op: .compareDerived, comparison: ops[op]!, a: Int32(index), constant: constant(value))
            } else if case .decision(let index) = x, case .constant(let value) = y {
                node = PlanNode(op: .compareDecision, comparison: ops[op]!, a: Int32(index), constant: constant(value))
            } else {
                node = PlanNode(op: ops[op]!, a: lower(x), b: lower(y))
            }
        case .arithmetic(let op, let x, let y):
            let ops: [ArithmeticOperator: PlanNode.Op] = [.plus: .plus, .minus: .minus, .times: .times]
            node = PlanNode(op: ops[op]!, a: lower(x), b: lower(y))
        case .member(let e, let set, let negated):
            var fused = false
            var operand: Int32
            if case .fact(let slot) = e { (operand, fused) = (Int32(slot), true) } else { operand = lower(e) }
            let members = set.map { constant($0) }.sorted { ($0.kind.rawValue, $0.bits) < ($1.kind.rawValue, $1.bits) }
            let first = Int32(setMembers.count)
            setMembers += members
            node = PlanNode(
                op: fused ? .factMember : .member, flag: negated, a: operand, b: first, c: Int32(setMembers.count))
        case .presence(.fact(let slot), let isPresent):
            node = PlanNode(op: .factPresence, flag: isPresent, a: Int32(slot))
        case .presence(let e, let isPresent): node = PlanNode(op: .presence, flag: isPresent, a: lower(e))
        case .conditional(let x, let y, let z): node = PlanNode(op: .conditional, a: lower(x), b: lower(y), c: lower(z))
        case .onlyBecause(let decision, let codes):
            let members = codes.map { Scalar.text(texts.intern($0)) }.sorted { $0.bits < $1.bits }
            let first = Int32(setMembers.count)
            setMembers += members
            node = PlanNode(op: .onlyBecause, a: Int32(decision), b: first, c: Int32(setMembers.count))
        case .call(let builtin, let arguments):
            let ops: [Builtin: PlanNode.Op] = [
                .yearsBetween: .yearsBetween, .monthsBetween: .monthsBetween, .daysBetween: .daysBetween,
                .addDays: .addDays, .addMonths: .addMonths, .addYears: .addYears,
            ]
            if builtin == .isBlank {
                node = PlanNode(op: .isBlank, a: lower(arguments[0]))
            } else {
                // Every other built-in takes two arguments (the checker makes sure).
                node = PlanNode(op: ops[builtin]!, a: lower(arguments[0]), b: lower(arguments[1]))
            }
        }
        nodes.append(node)
        return Int32(nodes.count - 1)
    }
}

/// Which facts an expression reads, when that does not depend on the facts' values. It mirrors
/// the machine's tracked evaluation: `and` reads its right side unless the left is false, so
/// when the `and` holds both sides were read; `or` mirrors that for false; a decision's read
/// depends on what it decided, so it is never fixed. nil: it depends.
/// A derived value's answers are remembered: a `let` read twice (`l2 = l1 or l1`) is analysed
/// once, so sharing cannot make the analysis exponential.
final class ReadAnalysis {
    let derived: [DerivedInfo]
    private var alwaysOfDerived: [Int: FactSet?] = [:]
    private var whenOfDerived: [Int: FactSet?] = [:]

    init(derived: [DerivedInfo]) {
        self.derived = derived
    }

    /// Whatever the values.
    func always(_ e: CompiledExpression) -> FactSet? {
        switch e {
        case .constant: return FactSet()
        case .fact(let slot): return FactSet(slot)
        case .derived(let index):
            if let known = alwaysOfDerived[index] { return known }
            let read = always(derived[index].expression)
            alwaysOfDerived[index] = read
            return read
        case .decision, .and, .or, .conditional, .onlyBecause: return nil
        case .not(let x), .negate(let x), .presence(let x, _), .member(let x, _, _): return always(x)
        case .compare(_, let x, let y), .arithmetic(_, let x, let y):
            guard let a = always(x), let b = always(y) else { return nil }
            return a.union(b)
        case .call(_, let arguments):
            var read = FactSet()
            for argument in arguments {
                guard let r = always(argument) else { return nil }
                read.formUnion(r)
            }
            return read
        }
    }

    /// When what `e` read on coming out `outcome` depends only on how its left operand came out:
    /// `x or y` true read `x` alone when `x` was true, else both sides; `x and y` false, the same
    /// with false. Both sides' reads must be fixed. `not` and derived values are looked through.
    func byLeft(_ e: CompiledExpression, is outcome: Bool)
        -> (left: CompiledExpression, dominant: Bool, whenDominant: FactSet, otherwise: FactSet)?
    {
        switch e {
        case .not(let x): return byLeft(x, is: !outcome)
        case .derived(let index): return byLeft(derived[index].expression, is: outcome)
        case .or(let x, let y) where outcome, .and(let x, let y) where !outcome:
            guard let left = always(x), let right = when(y, is: outcome) else { return nil }
            return (x, outcome, left, left.union(right))
        default: return nil
        }
    }

    /// When `e` comes out `outcome`: an `and` that held read both sides (the left was true), as
    /// did an `or` that failed; `not` turns the question round.
    func when(_ e: CompiledExpression, is outcome: Bool) -> FactSet? {
        switch e {
        case .and(let x, let y) where outcome, .or(let x, let y) where !outcome:
            guard let a = when(x, is: outcome), let b = when(y, is: outcome) else { return nil }
            return a.union(b)
        case .not(let x): return when(x, is: !outcome)
        case .derived(let index):
            let key = outcome ? index : ~index
            if let known = whenOfDerived[key] { return known }
            let read = when(derived[index].expression, is: outcome)
            whenOfDerived[key] = read
            return read
        default: return always(e)
        }
    }
}

extension Plan {
    /// Whether `value` is in the text set whose bitmap starts at word `first` of `textSets`.
    @inline(__always)
    static func textSetContains(_ textSets: UnsafeBufferPointer<UInt64>, _ first: Int32, _ value: Scalar) -> Bool {
        guard value.kind == .text else { return false }
        let id = Int(value.bits)
        return textSets[Int(first) + id >> 6] & (1 << UInt64(id & 63)) != 0
    }
}

/// For one rule, the unknown facts that can move it when they leave it open: what lets exact
/// missing facts be found from the stages alone (`MissingFacts.Context.independent`, and the
/// machine on its own tables). The proofs are in docs/why.md.
package struct FreeFacts: Sendable {
    /// Facts the rule is free in whenever one of them alone leaves it open: those tested once
    /// in a test that goes both ways, and dates and numbers, taken to be free.
    package var alone: FactSet
    /// Facts tested more than once that a truth table shows free when one of them alone leaves
    /// the rule open, while the facts in `needsKnown` (other than it) are known.
    package var byTable: FactSet
    /// The facts `byTable` needs known (usually none): those the rule's other parts read.
    package var needsKnown: FactSet
    /// Facts that occur in the rule once, in a test that goes both ways: a rule left open by
    /// several of them moves with each.
    package var once: FactSet

    package init(alone: FactSet, byTable: FactSet, needsKnown: FactSet, once: FactSet) {
        self.alone = alone
        self.byTable = byTable
        self.needsKnown = needsKnown
        self.once = once
    }

    /// Whether the rule, left open by `unknown`, moves with each of those facts by its form;
    /// `isKnown` says whether a fact is known in the case. False does not say it cannot move.
    @inline(__always)
    package func moves(_ unknown: FactSet, isKnown: (Int) -> Bool) -> Bool {
        guard let fact = unknown.onlySlot else { return !unknown.isEmpty && once.isSuperset(of: unknown) }
        if alone.contains(fact) { return true }
        guard byTable.contains(fact) else { return false }
        var known = true
        needsKnown.forEachSlot { if $0 != fact, !isKnown($0) { known = false } }
        return known
    }
}
