import RuleValues

/// Every source range in a tree set to one fixed value, so two parses of differently laid out
/// text compare equal exactly when they mean the same: how the formatter proves that it changed
/// nothing but layout. A new field holding a range must be stripped here too.
extension RuleFile {
    /// The file with every source range zeroed, for comparing meaning.
    public var strippingLocations: RuleFile {
        var file = self
        if var header = file.header {
            header.name = header.name.stripped
            header.base = header.base?.stripped
            header.language = header.language?.stripped
            file.header = header
        }
        file.declarations = declarations.map(\.strippingLocations)
        return file
    }
}

private let nowhere = SourceRange(file: 0, start: 0, end: 0)

extension Name {
    fileprivate var stripped: Name { Name(text, nowhere) }
}

extension [Name] {
    fileprivate var stripped: [Name] { map(\.stripped) }
}

extension Declaration {
    /// The declaration with every source range zeroed, for comparing meaning.
    public var strippingLocations: Declaration {
        switch self {
        case .vocabulary(var v):
            v.words = v.words.stripped
            v.texts = v.texts.mapValues(\.stripped)
            v.range = nowhere
            return .vocabulary(v)
        case .fact(var f):
            f.name = f.name.stripped
            f.type = f.type.stripped
            f.question = f.question?.stripped
            f.optionTexts = f.optionTexts.mapValues(\.stripped)
            f.range = nowhere
            return .fact(f)
        case .constant(let c):
            return .constant(c.stripped)
        case .derived(let d):
            return .derived(d.stripped)
        case .decision(var d):
            d.name = d.name.stripped
            d.condition = d.condition?.strippingLocations
            d.outcomes = d.outcomes.stripped
            d.stages = d.stages.map(\.stripped)
            d.otherwise = d.otherwise?.stripped
            d.otherwiseReason = d.otherwiseReason?.stripped
            d.outcomeTexts = d.outcomeTexts.mapValues(\.stripped)
            d.closing = d.closing?.stripped
            d.range = nowhere
            return .decision(d)
        case .extendDecision(var e):
            e.decision = e.decision.stripped
            e.stages = e.stages.map(\.stripped)
            e.range = nowhere
            return .extendDecision(e)
        case .rule(var r):
            r.id = r.id.stripped
            r.kind = r.kind?.stripped
            switch r.placement {
            case .stage(let decision, let stage)?:
                r.placement = .stage(decision: decision.stripped, stage: stage.stripped)
            case .after(let decision)?: r.placement = .after(decision: decision.stripped)
            case nil: break
            }
            r.condition = r.condition?.strippingLocations
            r.reason = r.reason?.stripped
            r.referrals = r.referrals.stripped
            r.actions = r.actions.stripped
            r.lifts = r.lifts.map { target in
                switch target {
                case .rule(let name): return .rule(name.stripped)
                case .kind(let name): return .kind(name.stripped)
                }
            }
            r.range = nowhere
            return .rule(r)
        case .disable(var d):
            d.id = d.id.stripped
            d.range = nowhere
            return .disable(d)
        case .example(var e):
            e.name = e.name.stripped
            e.bases = e.bases.stripped
            e.assignments = e.assignments.map(\.stripped)
            e.range = nowhere
            return .example(e)
        case .test(var t):
            t.bases = t.bases.stripped
            t.assignments = t.assignments.map(\.stripped)
            t.expectations = t.expectations.map { expectation in
                var e = expectation
                e.decision = e.decision.stripped
                e.outcome = e.outcome.stripped
                e.reasons = e.reasons?.stripped
                e.referrals = e.referrals?.stripped
                e.actions = e.actions?.stripped
                e.missing = e.missing?.stripped
                e.range = nowhere
                return e
            }
            t.violates = t.violates.stripped
            t.range = nowhere
            return .test(t)
        case .invariant(var i):
            i.id = i.id.stripped
            i.expression = i.expression.strippingLocations
            i.range = nowhere
            return .invariant(i)
        case .responsibility(var r):
            r.facts = r.facts.stripped
            r.range = nowhere
            return .responsibility(r)
        }
    }
}

extension PolicyText {
    fileprivate var stripped: PolicyText { PolicyText(text: text, translations: translations, range: nowhere) }
}

extension TypeExpression {
    fileprivate var stripped: TypeExpression {
        switch self {
        case .bool, .number, .text, .date: return self
        case .oneOf(let values): return .oneOf(values.stripped)
        }
    }
}

extension ValueDeclaration {
    fileprivate var stripped: ValueDeclaration {
        var v = self
        v.name = name.stripped
        v.value = value.strippingLocations
        v.range = nowhere
        return v
    }
}

extension StageDeclaration {
    fileprivate var stripped: StageDeclaration {
        var s = self
        s.name = name.stripped
        s.outcome = outcome.stripped
        switch placement {
        case .end: break
        case .before(let name): s.placement = .before(name.stripped)
        case .after(let name): s.placement = .after(name.stripped)
        }
        s.range = nowhere
        return s
    }
}

extension FactAssignment {
    fileprivate var stripped: FactAssignment {
        FactAssignment(fact: fact.stripped, value: value.strippingLocations)
    }
}

extension Expression {
    /// The expression with every source range zeroed, for comparing meaning.
    public var strippingLocations: Expression {
        switch self {
        case .name(let name): return .name(name.stripped)
        case .number(let n, _): return .number(n, nowhere)
        case .text(let t, _): return .text(t, nowhere)
        case .date(let d, _): return .date(d, nowhere)
        case .bool(let b, _): return .bool(b, nowhere)
        case .none: return .none(nowhere)
        case .unknown: return .unknown(nowhere)
        case .set(let elements, _): return .set(elements.map(\.strippingLocations), nowhere)
        case .call(let name, let arguments, _):
            return .call(name.stripped, arguments.map(\.strippingLocations), nowhere)
        case .not(let e, _): return .not(e.strippingLocations, nowhere)
        case .negate(let e, _): return .negate(e.strippingLocations, nowhere)
        case .binary(let op, let a, let b, _): return .binary(op, a.strippingLocations, b.strippingLocations, nowhere)
        case .presence(let e, let isPresent, _): return .presence(e.strippingLocations, isPresent: isPresent, nowhere)
        case .conditional(let c, let a, let b, _):
            return .conditional(c.strippingLocations, a.strippingLocations, b.strippingLocations, nowhere)
        }
    }
}
