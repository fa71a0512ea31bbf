import LVVRules
import RuleDSL

/// `rule-check check [PATH…]`: parse and check rule files, printing every diagnostic.
enum CheckCommand {
    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        let args = try Arguments(command: "check", arguments, valueFlags: ["--rules"], switchFlags: [])
        let paths = try RuleFilePaths.resolve(args.positionals, rules: args.value("--rules"))
        var errors = 0
        var warnings = 0
        for path in paths {
            let result: RuleSetLoader.Result
            do {
                result = try RuleLibrary(directory: args.value("--rules") ?? "rules").loadResult(path: path)
            } catch {
                Console.out(TerminalText.escape("\(path): error: \(error.description)") + "\n")
                errors += 1
                continue
            }
            // Diagnostics about a base file are reported when that file is checked itself.
            let own = result.diagnostics.filter { $0.range.file == result.files.count - 1 }
            Console.out(DiagnosticRenderer(files: result.files).render(own))
            errors += own.filter { $0.severity == .error }.count
            warnings += own.filter { $0.severity == .warning }.count
            if own.isEmpty, !result.errors.isEmpty {
                Console.out("\(path): error: a file it extends has errors; check that file first\n")
                errors += 1
            }
        }
        Console.out(
            "checked \(paths.count) file\(paths.count == 1 ? "" : "s"): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
        )
        return errors == 0 ? .success : .failure
    }
}

/// The rule files a command acts on: the paths given (files or folders), or every file in `rules/`.
enum RuleFilePaths {
    static func resolve(_ given: [String], rules: String?) throws(CommandError) -> [String] {
        let inputs = given.isEmpty ? [rules ?? "rules"] : given
        var paths: [String] = []
        for input in inputs {
            if input.hasSuffix(".rules") {
                paths.append(input)
                continue
            }
            do {
                paths += try RuleLibrary.ruleFiles(in: input)
            } catch {
                throw CommandError(status: .failure, message: error.description)
            }
        }
        if paths.isEmpty {
            throw CommandError(status: .failure, message: "no `.rules` files in \(inputs.joined(separator: ", "))")
        }
        return paths
    }
}
