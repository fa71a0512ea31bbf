import Foundation
import RuleDSL
import Testing

@testable import RuleAnalysis
@testable import RuleMachine
@testable import RuleSemantics
@testable import RuleSyntax
@testable import RuleValues

/// Helpers shared by the rule-language tests: where the repository's files are, marked sources
/// (`1️⃣` instead of column counting), loading and evaluating small rule files, and a compact
/// typed dump of expressions that is also handy when debugging the parser.
enum RulePaths {
    /// `Tests/RuleDSLTests/` of this checkout, found from this file so tests run from any folder.
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repository = testsFolder.deletingLastPathComponent().deletingLastPathComponent()
    static let rulesFolder = repository.appendingPathComponent("rules")
    static let diagnosticsFixtures = testsFolder.appendingPathComponent("Fixtures/diagnostics")
    static let languageReference = repository.appendingPathComponent("docs/language.md")

    /// The shipped rule files, `national.rules` first.
    static func shippedRuleFiles() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: rulesFolder.path)) ?? []
        return names.filter { $0.hasSuffix(".rules") }
            .sorted { ($0 == "national.rules" ? "" : $0) < ($1 == "national.rules" ? "" : $1) }
            .map { rulesFolder.appendingPathComponent($0) }
    }

    /// A file as a `SourceFile`, named by `path` (so diagnostics do not depend on the machine).
    static func source(_ url: URL, path: String? = nil) throws -> SourceFile {
        let data = try Data(contentsOf: url)
        return SourceFile(path: path ?? url.lastPathComponent, bytes: Array(data))
    }
}

/// A source text with position markers (`1️⃣` … `9️⃣`, then `🔟` and `🅰` … `🅹`), stripped before
/// the text is used.
/// Tests name spans by markers, so they say *where* a diagnostic points, not which column.
struct MarkedSource {
    static let markers: [Character] = [
        "1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟",
        "🅰", "🅱", "🅲", "🅳", "🅴", "🅵", "🅶", "🅷", "🅸", "🅹",
    ]

    /// The text without markers.
    let text: String
    /// Byte offset in `text` of each marker.
    let offsets: [Character: Int]

    init(_ marked: String) {
        var text = ""
        var offsets: [Character: Int] = [:]
        var utf8Count = 0
        for character in marked {
            if MarkedSource.markers.contains(character) {
                precondition(offsets[character] == nil, "marker \(character) used twice")
                offsets[character] = utf8Count
            } else {
                text.append(character)
                utf8Count += character.utf8.count
            }
        }
        self.text = text
        self.offsets = offsets
    }

    subscript(_ marker: Character) -> Int {
        guard let offset = offsets[marker] else { preconditionFailure("no marker \(marker) in the source") }
        return offset
    }

    /// The range from one marker to another.
    func range(_ from: Character, _ to: Character, file: Int = 0) -> SourceRange {
        SourceRange(file: file, start: self[from], end: self[to])
    }

    /// The UTF-8 bytes, with each byte `placeholder` replaced by `replacement` (for bytes a Swift
    /// string cannot hold, such as invalid UTF-8). Same length, so marker offsets stay right.
    func bytes(replacing placeholder: UInt8 = 0x01, with replacement: UInt8) -> [UInt8] {
        text.utf8.map { $0 == placeholder ? replacement : $0 }
    }

    func source(path: String = "test.rules") -> SourceFile {
        SourceFile(path: path, text: text)
    }
}

/// A diagnostic reduced to what span assertions compare: code and exact byte range.
struct Spot: Equatable, CustomStringConvertible {
    let code: String
    let start: Int
    let end: Int

    init(_ code: String, _ range: SourceRange) {
        self.code = code
        start = range.start
        end = range.end
    }

    init(_ diagnostic: Diagnostic) {
        self.init(diagnostic.code, diagnostic.range)
    }

    var description: String { "\(code)@\(start)..<\(end)" }
}

enum RuleTest {
    /// Lexes and parses one text.
    static func parse(_ text: String, path: String = "test.rules") -> (RuleFile, [Diagnostic]) {
        Parser.parse(SourceFile(path: path, text: text))
    }

    /// Loads a single-file rule set.
    static func load(_ text: String, path: String = "test.rules") -> RuleSetLoader.Result {
        RuleSetLoader.load(chain: [SourceFile(path: path, text: text)])
    }

    /// Loads a chain of texts, base first, named `file0.rules`, `file1.rules`, ….
    static func load(chain texts: [String]) -> RuleSetLoader.Result {
        RuleSetLoader.load(
            chain: texts.enumerated().map { SourceFile(path: "file\($0.offset).rules", text: $0.element) })
    }

    /// The rendered diagnostics of a result, for failure messages.
    static func rendered(_ result: RuleSetLoader.Result) -> String {
        DiagnosticRenderer(files: result.files).render(result.diagnostics)
    }

    /// Loads and requires a program (no errors).
    static func program(
        _ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> Program {
        try program(chain: [text], sourceLocation: sourceLocation)
    }

    static func program(
        chain texts: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> Program {
        let result = texts.count == 1 ? load(texts[0]) : load(chain: texts)
        #expect(DiagnosticRenderer(files: result.files).render(result.errors) == "", sourceLocation: sourceLocation)
        return try #require(result.program, sourceLocation: sourceLocation)
    }
}

/// Decides cases against a program by fact name. The facts of a case are built exactly as a
/// rule file's own `test` builds them (an optional fact not given is `none`, any other unknown;
/// groups as the checker defines them), by appending a test to the text and loading it again.
struct CaseRunner {
    let program: Program
    /// The rule files, base first; the case is appended to the last as a `test`.
    private let texts: [String]

    init(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        try self.init(chain: [text], sourceLocation: sourceLocation)
    }

    init(chain texts: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        self.texts = texts
        program = try RuleTest.program(chain: texts, sourceLocation: sourceLocation)
    }

    /// The case's facts by slot; a name given `nil` is given as `unknown`.
    func facts(_ given: [String: Value?]) -> [Value?] {
        let assignments = given.sorted { $0.key < $1.key }.map { "\($0.key) = \(literal($0.key, $0.value))" }
        var test = "\ntest \"case built by CaseRunner\"\n"
        if !assignments.isEmpty { test += "  given " + assignments.joined(separator: ", ") + "\n" }
        test += "  expect \(program.decisions[0].name) undetermined\n"
        var chain = texts
        chain[chain.count - 1] += test
        let result = chain.count == 1 ? RuleTest.load(chain[0]) : RuleTest.load(chain: chain)
        guard let withCase = result.program, let facts = withCase.tests.last?.facts else {
            preconditionFailure("the case does not load:\n\(RuleTest.rendered(result))")
        }
        return facts
    }

    /// A value as a test writes it: enumeration values bare, text quoted, `unknown` for nil.
    private func literal(_ name: String, _ value: Value?) -> String {
        guard let value else { return "unknown" }
        switch value {
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n.description
        case .date(let d): return d.description
        case .none: return "none"
        case .text(let t):
            if let slot = program.factSlots[name], case .enumeration = program.facts[slot].type { return t }
            return ASTPrinter.quote(t)
        }
    }

    func evaluate(_ given: [String: Value?]) -> Evaluation {
        MachineEvaluator(program: program).evaluate(facts(given))
    }

    /// The result of one decision, or nil when it does not apply.
    func result(_ decision: String, _ given: [String: Value?]) -> DecisionResult? {
        guard let index = program.decisionIndex(named: decision) else { preconditionFailure("no decision \(decision)") }
        return evaluate(given).result(for: index)
    }

    /// The outcome by name; `undetermined` when the facts do not settle it, `-` when it does not apply.
    func outcome(_ decision: String, _ given: [String: Value?]) -> String {
        guard let result = result(decision, given) else { return "-" }
        return result.outcome ?? "undetermined"
    }

    func missing(_ result: DecisionResult?) -> [String] {
        (result?.missing.slots ?? []).map { program.facts[$0].name }
    }

    func reasons(_ result: DecisionResult?) -> [String] {
        (result?.reasons ?? []).map(\.code)
    }
}

/// Shorthands for fact values.
extension Value {
    static func date(_ text: String) -> Value {
        guard let date = CivilDate.parse(text) else { preconditionFailure("bad date \(text)") }
        return .date(date)
    }

    static func number(_ integer: Int) -> Value {
        .number(DecimalNumber(integer: integer))
    }
}

/// A compact, typed dump of expressions (ranges left out), e.g. `(or (and (not a) b) c)`.
/// Tests compare trees with it; it is also the quickest way to see what the parser built.
enum ExpressionDump {
    static func dump(_ expression: RuleDSL.Expression) -> String {
        switch expression {
        case .name(let name): return name.text
        case .number(let number, _): return number.description
        case .text(let text, _): return "\"\(text)\""
        case .date(let date, _): return date.description
        case .bool(let value, _): return value ? "true" : "false"
        case .none: return "none"
        case .unknown: return "unknown"
        case .set(let elements, _): return "{" + elements.map(dump).joined(separator: " ") + "}"
        case .call(let name, let arguments, _):
            return "(call \(name.text)" + arguments.map { " " + dump($0) }.joined() + ")"
        case .not(let operand, _): return "(not \(dump(operand)))"
        case .negate(let operand, _): return "(neg \(dump(operand)))"
        case .binary(let op, let left, let right, _): return "(\(op.rawValue) \(dump(left)) \(dump(right)))"
        case .presence(let operand, let isPresent, _): return "(\(isPresent ? "present" : "none?") \(dump(operand)))"
        case .conditional(let condition, let then, let otherwise, _):
            return "(if \(dump(condition)) \(dump(then)) \(dump(otherwise)))"
        }
    }
}

/// A small deterministic generator (SplitMix64), so fuzz cases are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
