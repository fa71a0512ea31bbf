@_exported import RuleAnalysis  // abstract evaluation, prover, missing facts, diff, why-not
@_exported import RuleMachine  // plan, condition graphs, the machine, compiled rule sets
@_exported import RuleSemantics  // composition, checker, program, reference evaluator, tests
@_exported import RuleSyntax  // source, tokens, lexer, parser, AST, printer, diagnostics
// The rule language behind one import: `import RuleDSL` gives every layer's public API, from the
// bottom up. Each layer is a module of its own, so a lower one cannot import a higher one
// (ARCHITECTURE.md draws the graph).
@_exported import RuleValues  // values: numbers, dates, texts, fact sets, the machine's scalars
