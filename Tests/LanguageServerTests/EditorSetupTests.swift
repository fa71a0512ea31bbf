import Foundation
import LVVRules
import Testing

@testable import LanguageServer

/// The editor files in `editors/` are valid JSON and know the language's keywords.
@Suite struct EditorSetupTests {
    static let editors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("editors")

    static func json(_ name: String) throws -> JSONValue {
        let data = try Data(contentsOf: editors.appendingPathComponent(name))
        return try JSONParser.parse(String(decoding: data, as: UTF8.self)).get()
    }

    @Test func theGrammarHighlightsEveryKeywordTheServerCompletes() throws {
        let grammar = try Self.json("rules.tmLanguage.json")
        #expect(grammar["scopeName"] == .string("source.rules"))
        let text = String(
            decoding: try Data(contentsOf: Self.editors.appendingPathComponent("rules.tmLanguage.json")), as: UTF8.self)
        let keywords =
            Completion.declarationKeywords + Completion.clauseKeywords.values.flatMap { $0 } + Completion.operatorWords
        for keyword in Set(keywords) {
            #expect(
                text.contains("|\(keyword)|") || text.contains("(\(keyword)|") || text.contains("|\(keyword))")
                    || text.contains("(\(keyword))") || text.contains("(\(keyword)\\\\s")
                    || text.contains("|\(keyword)\\\\s") || text.contains("(\(keyword)\\\\b"),
                "`\(keyword)` is not in the grammar")
        }
    }

    @Test func theLanguageConfigurationAndTheVSCodeExtensionAgree() throws {
        let configuration = try Self.json("language-configuration.json")
        #expect(configuration["comments"]?["lineComment"] == .string("#"))
        let extensionManifest = try Self.json("vscode/package.json")
        let language = extensionManifest["contributes"]?["languages"]?.arrayValue?.first
        #expect(language?["extensions"] == .array([.string(".rules")]))
        #expect(
            extensionManifest["contributes"]?["grammars"]?.arrayValue?.first?["scopeName"] == .string("source.rules"))
        let settings = extensionManifest["contributes"]?["configuration"]?["properties"]
        #expect(settings?["ruleCheck.path"] != nil)
        let readme = try String(contentsOf: Self.editors.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(
            readme.contains("`ruleCheck.path`") && readme.contains("vim.lsp.start") && readme.contains("languages.toml")
        )
    }
}
