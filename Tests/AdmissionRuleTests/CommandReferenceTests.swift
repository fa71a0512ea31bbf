import Foundation
import Testing

/// docs/commands.md cannot drift from the tool: every command `rule-check help` lists has its
/// own section there, and every flag named in a command's help line is documented in that
/// section. A section for a command the tool does not have fails too.
@Suite struct CommandReferenceTests {
    /// `name → flags` from `rule-check help`: each line `  NAME  summary: rule-check NAME [--flag …]`.
    static func helpCommands() throws -> [(name: String, flags: [String])] {
        let run = try CommandLineTests.run(["help"])
        #expect(run.status == 0)
        var commands: [(String, [String])] = []
        var inList = false
        for line in run.stdout.split(separator: "\n") {
            if line.hasPrefix("commands:") {
                inList = true
                continue
            }
            guard inList, line.hasPrefix("  ") else { continue }
            let words = line.split(separator: " ")
            guard let name = words.first else { continue }
            var flags: [String] = []
            for word in words.dropFirst() {
                // `[--format`, `text|json]`, `--out`: keep the flag itself.
                let trimmed = word.drop { $0 == "[" || $0 == "(" }
                guard trimmed.hasPrefix("--") else { continue }
                let flag = String(trimmed.prefix { $0 == "-" || $0.isLetter || $0.isNumber })
                if flag.count > 2, !flags.contains(flag) { flags.append(flag) }
            }
            commands.append((String(name), flags))
        }
        return commands
    }

    /// The reference, split into sections by `## \`rule-check NAME\`` headings.
    static func documentedSections() throws -> [String: String] {
        let text = try String(contentsOfFile: repositoryRoot + "/docs/commands.md", encoding: .utf8)
        var sections: [String: String] = [:]
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## `rule-check ") {
                let name = line.dropFirst("## `rule-check ".count).prefix { $0 != "`" && $0 != " " }
                current = String(name)
                sections[current!] = ""
            } else if line.hasPrefix("## ") {
                current = nil
            } else if let name = current {
                sections[name]! += line + "\n"
            }
        }
        return sections
    }

    @Test func helpListsCommands() throws {
        let commands = try Self.helpCommands()
        #expect(commands.count >= 7)
        for expected in ["check", "eval", "batch", "test", "comply", "doc", "report"] {
            #expect(commands.contains { $0.name == expected }, "`\(expected)` is in the help")
        }
        #expect(commands.first { $0.name == "doc" }?.flags == ["--pilot", "--out", "--rules", "--lang"])
    }

    @Test func everyCommandAndFlagIsDocumented() throws {
        let sections = try Self.documentedSections()
        for command in try Self.helpCommands() {
            guard let section = sections[command.name] else {
                Issue.record("docs/commands.md has no section `## `rule-check \(command.name)``")
                continue
            }
            for flag in command.flags {
                #expect(
                    section.contains("`\(flag)"),
                    "docs/commands.md: `rule-check \(command.name)` does not document `\(flag)`")
            }
            #expect(section.contains("Exit status"), "`rule-check \(command.name)`: exit statuses are documented")
        }
    }

    @Test func everyDocumentedCommandExists() throws {
        let names = Set(try Self.helpCommands().map(\.name))
        for documented in try Self.documentedSections().keys where documented != "help" {
            #expect(
                names.contains(documented),
                "docs/commands.md documents `rule-check \(documented)`, which `rule-check help` does not list")
        }
    }
}
