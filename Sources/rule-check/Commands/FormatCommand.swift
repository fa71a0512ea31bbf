import LVVRules
import RuleDSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `rule-check format [PATH…] [--check] [--in-place]`: rule files in the one canonical layout
/// (`RuleFormatter`), comments kept. Prints the formatted text; `--check` lists the files that would
/// change (exit 1 if any); `--in-place` rewrites them, each whole or not at all. A file that does
/// not parse is refused with its diagnostics and never written; the other files go on.
enum FormatCommand {
    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        let args = try Arguments(command: "format", arguments, valueFlags: [], switchFlags: ["--check", "--in-place"])
        if args.has("--check"), args.has("--in-place") {
            throw .usage("`--check` and `--in-place` do not go together; see `rule-check help format`")
        }
        let paths = try RuleFilePaths.resolve(args.positionals, rules: nil)
        var failed = 0
        var changed: [String] = []
        for path in paths {
            guard let bytes = FileSystem.read(path) else {
                Console.error("\(path): error: cannot read the file")
                failed += 1
                continue
            }
            let source = SourceFile(path: path, bytes: bytes)
            let text: String
            switch RuleFormatter.format(source) {
            case .success(let formatted):
                text = formatted
            case .failure(.invalid(let diagnostics)):
                Console.errorText(DiagnosticRenderer(files: [source]).render(diagnostics))
                Console.error("\(path): not formatted: the file has errors")
                failed += 1
                continue
            case .failure(.changesMeaning(let why)):
                // Impossible by design; said plainly so it is reported, and nothing is written.
                Console.error(
                    "\(path): error: not formatted, the formatter would change its meaning (\(why)); please report this"
                )
                failed += 1
                continue
            }
            let isChanged = Array(text.utf8) != bytes
            if isChanged { changed.append(path) }
            if args.has("--check") {
                if isChanged { Console.out(path + "\n") }
            } else if args.has("--in-place") {
                guard isChanged else { continue }
                if let problem = replace(path, with: Array(text.utf8)) {
                    Console.error("\(path): error: cannot write the formatted file: \(problem)")
                    failed += 1
                } else {
                    Console.out("formatted \(path)\n")
                }
            } else {
                Console.out(text)
            }
        }
        if args.has("--check"), !changed.isEmpty {
            let files = "\(changed.count) of \(paths.count) file\(paths.count == 1 ? "" : "s")"
            Console.error("\(files) not formatted; run `rule-check format --in-place`")
        }
        return failed == 0 && !(args.has("--check") && !changed.isEmpty) ? .success : .failure
    }

    /// Replaces the file at `path` whole, through the one safe writer every command uses
    /// (`FileSystem.write`: a temporary file created exclusively next to it, given its mode, then
    /// renamed over it). A symbolic link named on the command line is followed to its file, which
    /// is replaced; the link stays. Returns what went wrong, or nil.
    static func replace(_ path: String, with bytes: [UInt8]) -> String? {
        guard let resolved = realpath(path, nil) else { return String(cString: strerror(errno)) }
        let target = String(cString: resolved)
        free(resolved)
        do {
            try FileSystem.write(bytes, to: target)
            return nil
        } catch {
            return "\(error)"
        }
    }
}
