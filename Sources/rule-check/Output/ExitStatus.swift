/// The exit statuses of CONTRACT.md section 3, in one place.
enum ExitStatus: Int32 {
    case success = 0
    /// Rule files fail to load or check, tests fail, `comply` finds violations, or output could
    /// not be written (standard output or an `--out` file).
    case failure = 1
    /// Unknown command or flag, missing argument, unknown pilot.
    case usage = 2
    /// Bad case input for `eval` and `batch` (verdicts for `report`), or input that cannot be read.
    case badInput = 3
}

/// A user error the command line reports in one line and maps to an exit status.
struct CommandError: Error {
    let status: ExitStatus
    let message: String

    static func usage(_ message: String) -> CommandError { CommandError(status: .usage, message: message) }
}
