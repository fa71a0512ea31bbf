import LVVPresentation
import LVVRules
import RuleDSL

/// `rule-check doc --pilot P [--out DIR] [--rules DIR] [--lang nl|en]`: writes the pilot's
/// rulebook, one self-contained HTML page, to `DIR/P.html` (default `out/`), in the rule set's
/// language unless `--lang` says otherwise.
enum DocCommand {
    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        let args = try Arguments(
            command: "doc", arguments, valueFlags: ["--pilot", "--rules", "--out", "--lang"], switchFlags: [])
        if let extra = args.positionals.first {
            throw .usage(
                "`rule-check doc` takes no file `\(extra)`; name the pilot with `--pilot` and the folder with `--out`")
        }
        let language = try args.language()
        let program = try PilotLoader.load(args)
        let folder = args.value("--out") ?? "out"
        let html = Rulebook(program: program, language: language).html()
        let path = FileSystem.join(folder, "\(program.name).html")
        do {
            try FileSystem.write(
                Array(html.utf8), to: path, inputs: program.files.map { FileSystem.Input.path($0.path) })
        } catch {
            throw CommandError(status: .failure, message: "cannot write `\(path)`: \(error)")
        }
        Console.out(
            "wrote \(path) (\(html.utf8.count) bytes; rules \(program.files.map(\.path).joined(separator: " + ")), sha256 \(program.sha256))\n"
        )
        return .success
    }
}
