// swift-tools-version:6.0
// The LVV rules engine: a rule language (RuleDSL), the LVV domain on top of it (LVVRules)
// and the command line for intake staff, policy staff and auditors (rule-check).
// No package dependencies: Swift, Foundation, Dispatch, XCTest and Swift Testing only.
import PackageDescription

let package = Package(
    name: "LVVRules",
    products: [
        .library(name: "RuleDSL", targets: ["RuleDSL"]),
        .library(name: "LVVRules", targets: ["LVVRules"]),
        .library(name: "LVVPresentation", targets: ["LVVPresentation"]),
        .library(name: "LVVService", targets: ["LVVService"]),
        .executable(name: "rule-check", targets: ["rule-check"]),
    ],
    targets: [
        // The rule language, one module per layer, each importing only the layers below it
        // (ARCHITECTURE.md): values, syntax, semantics, the machine, analysis. `RuleDSL` is the
        // facade that re-exports them all.
        .target(name: "RuleValues", path: "Sources/RuleDSL/Values"),
        .target(name: "RuleSyntax", dependencies: ["RuleValues"], path: "Sources/RuleDSL/Syntax"),
        .target(name: "RuleSemantics", dependencies: ["RuleValues", "RuleSyntax"], path: "Sources/RuleDSL/Semantics"),
        .target(
            name: "RuleMachine", dependencies: ["RuleValues", "RuleSyntax", "RuleSemantics"],
            path: "Sources/RuleDSL/Machine"),
        .target(
            name: "RuleAnalysis", dependencies: ["RuleValues", "RuleSyntax", "RuleSemantics", "RuleMachine"],
            path: "Sources/RuleDSL/Analysis"),
        .target(
            name: "RuleDSL", dependencies: ["RuleValues", "RuleSyntax", "RuleSemantics", "RuleMachine", "RuleAnalysis"],
            path: "Sources/RuleDSL/Facade"),
        // The LVV domain: reading cases, deciding, writing verdicts. It shows nothing to people:
        // the HTML, SVG and text renderers are `LVVPresentation`, in its own folder inside it.
        .target(name: "LVVRules", dependencies: ["RuleDSL"], exclude: ["Presentation"]),
        .target(name: "LVVPresentation", dependencies: ["RuleDSL", "LVVRules"], path: "Sources/LVVRules/Presentation"),
        // The Language Server Protocol over standard input and output (`rule-check lsp`).
        .target(name: "LanguageServer", dependencies: ["RuleDSL", "LVVRules"]),
        // The decision service (`rule-check serve`): HTTP/1.1 on POSIX sockets, no packages.
        .target(name: "CPoller"),
        .target(name: "LVVService", dependencies: ["RuleDSL", "LVVRules", "LVVPresentation", "CPoller"]),
        .executableTarget(
            name: "rule-check", dependencies: ["RuleDSL", "LVVRules", "LVVPresentation", "LanguageServer", "LVVService"]),
        // libFuzzer entry point for long fuzz runs (docs/hardening.md); a replay tool in a plain build.
        .executableTarget(
            name: "rule-fuzz", dependencies: ["RuleDSL", "LVVRules", "LVVPresentation", "LanguageServer", "LVVService"]),
        // Fixtures are read from the source tree (golden files), not bundled as resources.
        // The tests reach into every layer of the language (`@testable import RuleMachine`, …).
        .testTarget(
            name: "RuleDSLTests",
            dependencies: ["RuleDSL", "RuleValues", "RuleSyntax", "RuleSemantics", "RuleMachine", "RuleAnalysis"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "AdmissionRuleTests",
            dependencies: [
                "RuleDSL", "RuleValues", "RuleSyntax", "RuleSemantics", "RuleMachine", "RuleAnalysis", "LVVRules",
                "LVVPresentation", "LVVService",
            ],
            exclude: ["Fixtures"]),
        .testTarget(name: "LanguageServerTests", dependencies: ["LanguageServer", "RuleDSL", "LVVRules"]),
    ]
)
