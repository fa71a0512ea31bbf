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
                Console.error(DiagnosticRenderer(files: [source]).render(diagnostics))
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

    /// Replaces the file at `path` whole: a new file next to it (created with `O_EXCL`, so never
    /// through a symbolic link or over another file), given the old file's mode, synced, then
    /// renamed over it. A symbolic link named on the command line is followed to its file, which
    /// is replaced; the link stays. Returns what went wrong, or nil.
    static func replace(_ path: String, with bytes: [UInt8]) -> String? {
        guard let resolved = realpath(path, nil) else { return describe(errno) }
        let target = String(cString: resolved)
        free(resolved)
        var info = stat()
        guard stat(target, &info) == 0 else { return describe(errno) }
        let slash = target.lastIndex(of: "/")
        let folder = slash.map { String(target[..<$0]) } ?? "."
        let name = slash.map { String(target[target.index(after: $0)...]) } ?? target
        var descriptor: Int32 = -1
        var temporary = ""
        for attempt in 0..<100 {
            temporary = (folder.isEmpty ? "" : folder) + "/.\(name).format-\(getpid())-\(attempt).tmp"
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if descriptor >= 0 || errno != EEXIST { break }
        }
        guard descriptor >= 0 else { return describe(errno) }
        var failure: String?
        if fchmod(descriptor, info.st_mode & 0o7777) != 0 { failure = describe(errno) }
        var written = 0
        while failure == nil, written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                failure = describe(errno)
            } else {
                written += count
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = describe(errno) }
        if close(descriptor) != 0, failure == nil { failure = describe(errno) }
        if failure == nil, rename(temporary, target) != 0 { failure = describe(errno) }
        if let failure {
            unlink(temporary)
            return failure
        }
        return nil
    }

    private static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
