#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// rule-check: the command line of the LVV rules engine (CONTRACT.md section 3). Thin on
/// purpose: each command parses its flags, calls the libraries and prints; errors become one
/// line on standard error and an exit status.
let arguments = Array(CommandLine.arguments.dropFirst())
let status: ExitStatus
do {
    status = try Commands.run(arguments)
} catch {
    Console.error("rule-check: \(error.message)")
    status = error.status
}
exit(status.rawValue)
