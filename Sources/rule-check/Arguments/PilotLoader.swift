import LVVRules
import RuleDSL

/// Loads the pilot a command names (`--pilot P`, under `--rules DIR`), turning each failure
/// into the contract's exit status: 2 for an unknown pilot, 1 for rule files that do not load.
enum PilotLoader {
    static func load(_ args: Arguments) throws(CommandError) -> Program {
        let pilot = try args.required("--pilot")
        let library = RuleLibrary(directory: args.value("--rules") ?? "rules")
        do {
            return try library.load(pilot: pilot)
        } catch {
            switch error {
            case .unknownPilot:
                throw .usage(error.description)
            case .unreadable:
                throw CommandError(status: .failure, message: error.description)
            case .invalid(let result):
                Console.errorText(DiagnosticRenderer(files: result.files).render(result.errors))
                throw CommandError(
                    status: .failure,
                    message: "the rules of `\(pilot)` do not load: \(result.errors.count) error(s) above")
            }
        }
    }
}
