import RuleDSL

/// The command line split into flags and positional arguments, checked against what the
/// command accepts, so a typo is a clear usage error ("did you mean `--pilot`?").
struct Arguments {
    let command: String
    private(set) var values: [String: String] = [:]
    private(set) var switches: Set<String> = []
    private(set) var positionals: [String] = []

    /// - Parameters:
    ///   - valueFlags: flags that take a value (`--pilot P`).
    ///   - switchFlags: flags that stand alone (`--no-trace`).
    init(command: String, _ arguments: [String], valueFlags: Set<String>, switchFlags: Set<String>) throws(CommandError)
    {
        self.command = command
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                positionals += arguments[index...]
                break
            }
            guard argument.hasPrefix("-"), argument.count > 1 else {
                positionals.append(argument)
                continue
            }
            var flag = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "=") {
                flag = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            if valueFlags.contains(flag) {
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else if index < arguments.count {
                    value = arguments[index]
                    index += 1
                } else {
                    throw .usage("`\(flag)` needs a value; see `rule-check help \(command)`")
                }
                // Given twice, one of them would silently win: say so instead.
                guard values[flag] == nil else {
                    throw .usage("`\(flag)` is given twice; give it once")
                }
                guard !value.isEmpty else {
                    throw .usage("`\(flag)` needs a value, not an empty one; see `rule-check help \(command)`")
                }
                values[flag] = value
            } else if switchFlags.contains(flag) {
                guard inlineValue == nil else {
                    throw .usage("`\(flag)` takes no value: write `\(flag)` alone")
                }
                switches.insert(flag)
            } else {
                let hint = Suggestion.didYouMean(flag, in: valueFlags.union(switchFlags)).map { " \($0)" } ?? ""
                throw .usage(
                    "unknown flag `\(flag)` for `rule-check \(command)`;\(hint) see `rule-check help \(command)`")
            }
        }
    }

    func value(_ flag: String) -> String? { values[flag] }
    func has(_ flag: String) -> Bool { switches.contains(flag) }

    func required(_ flag: String) throws(CommandError) -> String {
        guard let value = values[flag] else {
            throw .usage("`rule-check \(command)` needs `\(flag)`; see `rule-check help \(command)`")
        }
        return value
    }

    /// `--format text|json`, defaulting to text.
    func format() throws(CommandError) -> OutputFormat {
        guard let raw = values["--format"] else { return .text }
        guard let format = OutputFormat(rawValue: raw) else {
            throw .usage("`--format` is `text` or `json`, not `\(raw)`")
        }
        return format
    }
}

extension Arguments {
    /// `--lang nl|en`: the language prose is printed in; nil leaves it to the rule set's own
    /// (`language nl`). Never the machine's locale, so a command prints the same text everywhere.
    func language() throws(CommandError) -> TextLanguage? {
        guard let raw = values["--lang"] else { return nil }
        guard let language = TextLanguage(rawValue: raw.lowercased()) else {
            let all = TextLanguage.allCases.map { "`\($0.rawValue)`" }.joined(separator: " or ")
            throw .usage("`--lang` is \(all), not `\(TerminalText.escape(raw))`")
        }
        return language
    }

    /// `--format text|json|junit` for the commands whose results a CI system reads (`test`, `comply`).
    func reportFormat() throws(CommandError) -> ReportFormat {
        guard let raw = values["--format"] else { return .text }
        guard let format = ReportFormat(rawValue: raw) else {
            throw .usage("`--format` is `text`, `json` or `junit`, not `\(raw)`")
        }
        return format
    }
}

/// The formats of `test` and `comply`: JUnit XML on top of the usual two.
enum ReportFormat: String {
    case text
    case json
    case junit
}

enum OutputFormat: String {
    case text
    case json
}
