#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// rule-check: the command line of the LVV rules engine (CONTRACT.md section 3). Thin on
/// purpose: each command parses its flags, calls the libraries and prints; errors become one
/// line on standard error and an exit status. Output that could not be written is an error too
/// (status 1), whatever the command returned.
Console.prepareStandardDescriptors()
let arguments = Array(CommandLine.arguments.dropFirst())
var status: ExitStatus
do {
    status = try Commands.run(arguments)
} catch {
    Console.error("rule-check: \(error.message)")
    status = error.status
}
if let lost = Console.outputFailureMessage {
    if !Console.outputFailureReported { Console.error("rule-check: \(lost)") }
    status = .failure
}
exit(status.rawValue)
