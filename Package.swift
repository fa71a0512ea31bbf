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
        .executable(name: "rule-check", targets: ["rule-check"]),
    ],
    targets: [
        .target(name: "RuleDSL"),
        .target(name: "LVVRules", dependencies: ["RuleDSL"]),
        // The Language Server Protocol over standard input and output (`rule-check lsp`).
        .target(name: "LanguageServer", dependencies: ["RuleDSL", "LVVRules"]),
        .executableTarget(name: "rule-check", dependencies: ["RuleDSL", "LVVRules", "LanguageServer"]),
        // libFuzzer entry point for long fuzz runs (docs/hardening.md); a replay tool in a plain build.
        .executableTarget(name: "rule-fuzz", dependencies: ["RuleDSL", "LVVRules", "LanguageServer"]),
        // Fixtures are read from the source tree (golden files), not bundled as resources.
        .testTarget(name: "RuleDSLTests", dependencies: ["RuleDSL"], exclude: ["Fixtures"]),
        .testTarget(
            name: "AdmissionRuleTests", dependencies: ["RuleDSL", "LVVRules"], exclude: ["Fixtures"]),
        .testTarget(name: "LanguageServerTests", dependencies: ["LanguageServer", "RuleDSL", "LVVRules"]),
    ]
)
