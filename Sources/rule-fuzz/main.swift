// rule-fuzz: a libFuzzer entry point for long fuzz runs of the rule loader, the case reader and
// the language server's frame and message reader.
//
// Built with `-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DFUZZING`,
// libFuzzer supplies `main` and calls `LLVMFuzzerTestOneInput` for every input.
// Built plainly (`swift build`), this file is an ordinary executable that runs the same
// function over the files (or the files in the folders) named on the command line, so a crash
// input saved by libFuzzer can be replayed in a normal debug build: `rule-fuzz out/crash-…`.
// See docs/hardening.md.
import Foundation
import LVVRules
import LVVService
import LanguageServer
import RuleDSL

/// What every input is run against, loaded once (static lets: lazy, thread-safe, nonisolated).
enum Fuzz {
    /// The rules folder: `$RULE_FUZZ_RULES`, else `rules` under the working directory.
    static let rulesDirectory: String = ProcessInfo.processInfo.environment["RULE_FUZZ_RULES"] ?? "rules"

    /// `national.rules`, read once: each input is loaded as a pilot file on top of it.
    static let national: SourceFile = {
        let path = (rulesDirectory as NSString).appendingPathComponent("national.rules")
        guard let data = FileManager.default.contents(atPath: path) else {
            fatalError("rule-fuzz: cannot read \(path); run from the repository root or set RULE_FUZZ_RULES")
        }
        return SourceFile(path: "national.rules", bytes: Array(data))
    }()

    /// The groningen pilot, loaded once, through both batch paths: with a trace (the readable
    /// reader, builder and encoder) and without (scanner, machine, verdict writer). The fuzzer
    /// runs on one thread, so sharing their working storage is safe.
    nonisolated(unsafe) static let processors: [BatchProcessor] = {
        do {
            let program = try RuleLibrary(directory: rulesDirectory).load(pilot: "groningen")
            return [BatchProcessor(program: program, trace: true), BatchProcessor(program: program, trace: false)]
        } catch {
            fatalError("rule-fuzz: the groningen rules do not load: \(error)")
        }
    }()

    /// The first message of every language server session, so the input reaches the handlers.
    static let initialize: [UInt8] = JSONRPC.frame(
        Array(#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{}}"#.utf8))

    /// `RULE_FUZZ_TARGET=http`: only the HTTP request parser (a focused run); otherwise every
    /// input goes through all the front doors, the parser included.
    static let httpOnly = ProcessInfo.processInfo.environment["RULE_FUZZ_TARGET"] == "http"

    /// Runs each file (or each file in each folder) through `fuzz`; returns how many ran.
    static func replay(_ arguments: [String]) -> Int {
        var replayed = 0
        for argument in arguments {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                FileHandle.standardError.write(Data("rule-fuzz: no such file `\(argument)`\n".utf8))
                exit(2)
            }
            var paths = [argument]
            if isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
                paths = names.sorted().map { (argument as NSString).appendingPathComponent($0) }
            }
            for path in paths {
                guard let data = FileManager.default.contents(atPath: path) else { continue }
                // A valid pointer even for an empty input, as libFuzzer passes one.
                let bytes = [UInt8](data) + [0]
                _ = bytes.withUnsafeBufferPointer { fuzz($0.baseAddress!, bytes.count - 1) }
                replayed += 1
            }
        }
        print("rule-fuzz: \(replayed) input(s) ran without a finding")
        return replayed
    }
}

/// One input, through all three front doors. Anything that is not a clean error is a finding:
/// a trap (crash), a diagnostic pointing outside its file, a batch output that is not one line,
/// or a language server reply that is not one frame.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    fuzzHTTP(input)
    if Fuzz.httpOnly { return 0 }

    // 1. As a pilot rule file extending national.rules.
    let pilot = SourceFile(path: "fuzz.rules", bytes: Array(input))
    let chain = [Fuzz.national, pilot]
    let result = RuleSetLoader.load(chain: chain)
    let renderer = DiagnosticRenderer(files: result.files)
    for diagnostic in result.diagnostics {
        let range = diagnostic.range
        guard range.file >= 0, range.file < chain.count,
            0 <= range.start, range.start <= range.end, range.end <= chain[range.file].bytes.count
        else {
            fatalError("rule-fuzz: diagnostic \(diagnostic.code) has range \(range) outside its file")
        }
        _ = renderer.render(diagnostic)
    }
    if result.errors.isEmpty {
        // print ∘ parse must be idempotent on whatever parses.
        let (file, _) = Parser.parse(pilot, fileIndex: 1)
        let printed = ASTPrinter.print(file)
        let (again, againDiagnostics) = Parser.parse(SourceFile(path: "printed.rules", text: printed))
        if againDiagnostics.contains(where: { $0.severity == .error }) || ASTPrinter.print(again) != printed {
            fatalError("rule-fuzz: printed rules do not parse back to the same print:\n\(printed)")
        }
    }
    // The formatter never changes meaning (it checks itself), and formats its output to itself.
    switch RuleFormatter.format(pilot) {
    case .success(let formatted):
        guard case .success(formatted) = RuleFormatter.format(SourceFile(path: "formatted.rules", text: formatted))
        else {
            fatalError("rule-fuzz: formatting the formatted rules changes them:\n\(formatted)")
        }
    case .failure(.changesMeaning(let why)):
        fatalError("rule-fuzz: the formatter would change the meaning: \(why)")
    case .failure(.invalid):
        break
    }

    // 2. As one batch line for the groningen pilot, with the trace and without.
    var outputs: [[UInt8]] = []
    for processor in Fuzz.processors {
        var output: [UInt8] = []
        _ = processor.process(input, lineNumber: 1, into: &output)
        guard output.last == UInt8(ascii: "\n"), !output.dropLast().contains(UInt8(ascii: "\n")) else {
            fatalError("rule-fuzz: batch output is not exactly one line")
        }
        // A cheap shape check only: parsing this output again with JSONParser (as the unit tests
        // do) crashed the ASan build in JSONParser itself (docs/hardening.md, Findings), which
        // would stop every run at the same place; the unit tests parse every output instead.
        guard output.first == UInt8(ascii: "{"), output.dropLast().last == UInt8(ascii: "}") else {
            fatalError("rule-fuzz: batch output is not a JSON object")
        }
        outputs.append(output)
    }
    // The two paths agree: the line without trace is the traced line without its trace.
    let (traced, quiet) = (outputs[0], outputs[1])
    let head = Array(quiet.dropLast(2))
    let agree =
        traced == quiet
        || (traced.starts(with: head) && traced[head.count...].starts(with: Array(#","trace":["#.utf8)))
    guard agree else {
        fatalError(
            "rule-fuzz: batch without trace differs from batch with trace:\n"
                + String(decoding: quiet, as: UTF8.self) + String(decoding: traced, as: UTF8.self))
    }

    // 3. As bytes on the language server's standard input, after an `initialize`: frames are
    // read, messages decoded and handled; every reply must be one well-formed frame.
    var replies: [[UInt8]] = []
    let server = LanguageServer(send: { replies.append($0) })
    var reader = MessageReader(
        source: BufferSource(Fuzz.initialize + Array(input), chunk: max(1, Int(input.first ?? 0))))
    _ = server.run(&reader)
    for reply in replies {
        var check = MessageReader(source: BufferSource(reply))
        guard case .message = check.next(), check.next() == .end else {
            fatalError("rule-fuzz: the language server wrote a reply that is not one frame")
        }
    }
    return 0
}

/// Structural mutations libFuzzer's byte mutator would take ages to find: long operator
/// chains, long and shared `let` and `example` chains, odd line ends, control and invisible
/// characters, out-of-range arithmetic. Each appends (or rewrites) text so the input stays a
/// plausible pilot file; see docs/hardening.md.
enum HostileMutation {
    static let operators = [" or ", " and ", " + ", " - ", " * "]

    /// `input` mutated by one of the kinds, at most `limit` bytes long.
    static func apply(_ input: [UInt8], seed: UInt32, limit: Int) -> [UInt8] {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(max(bound, 1)))
        }
        var text = input
        func append(_ s: String) { text += Array(s.utf8) }
        let n = 1 + next(next(2) == 0 ? 400 : 12_000)
        switch next(9) {
        case 0:
            let op = operators[next(operators.count)]
            let term = op == " or " || op == " and " ? "identity_doubt" : "entry_ban_years"
            append("\nrule fuzz_chain\n  stage intake.exclusion\n  reason eu_citizen\n  when ")
            append(
                Array(repeating: term, count: n).joined(separator: op) + (term == "identity_doubt" ? "\n" : " > 1\n"))
        case 1:
            let forward = next(2) == 0
            var lines = ["let fl0 = identity_doubt"] + (1...n).map { "let fl\($0) = fl\($0 - 1) or identity_doubt" }
            if !forward { lines.reverse() }
            append(
                "\n" + lines.joined(separator: "\n")
                    + "\nrule fuzz_lets\n  stage intake.exclusion\n  reason eu_citizen\n  when fl\(n)\n")
        case 2:
            let levels = 1 + next(60)
            append(
                "\nlet fs0 = identity_doubt\n"
                    + (1...levels).map { "let fs\($0) = fs\($0 - 1) or fs\($0 - 1)" }.joined(separator: "\n"))
            append("\nrule fuzz_shared\n  stage intake.exclusion\n  reason eu_citizen\n  when fs\(levels)\n")
        case 3:
            let shared = next(2) == 0
            let count = shared ? 1 + next(60) : n
            append("\nexample fe0: identity_doubt = true\n")
            append(
                (1...count).map { "example fe\($0): fe\($0 - 1)" + (shared ? ", fe\($0 - 1)" : "") }.joined(
                    separator: "\n"))
            append("\ntest \"fuzz examples\"\n  given fe\(count)\n  expect intake undetermined\n")
        case 4:
            // Line ends: all CR, or CR / CRLF / NUL / BEL at random places.
            if next(2) == 0 {
                text = text.map { $0 == UInt8(ascii: "\n") ? UInt8(ascii: "\r") : $0 }
            } else {
                for _ in 0..<(1 + next(4)) {
                    let odd: [[UInt8]] = [[0x0D], [0x0D, 0x0A], [0x00], [0x07], [0x1B], [0x0A, 0x0D]]
                    text.insert(contentsOf: odd[next(odd.count)], at: next(text.count + 1))
                }
            }
        case 5:
            // An invisible or bidirectional character, inside a text if there is one.
            let invisible: [[UInt8]] = [
                [0xE2, 0x80, 0x8B], [0xE2, 0x80, 0x8C], [0xE2, 0x80, 0x8D], [0xE2, 0x81, 0xA0], [0xEF, 0xBB, 0xBF],
                [0xE2, 0x80, 0xAE], [0xE2, 0x80, 0xAA], [0xE2, 0x81, 0xA6], [0xE2, 0x81, 0xA9],
            ]
            let quotes = text.indices.filter { text[$0] == UInt8(ascii: "\"") }
            let at = quotes.isEmpty ? next(text.count + 1) : quotes[next(quotes.count)] + 1
            text.insert(contentsOf: invisible[next(invisible.count)], at: min(at, text.count))
        case 6:
            let big = [
                "999999999999 + 1", "999999999999 * entry_ban_years", "-999999999999 - entry_ban_years",
                "entry_ban_years * entry_ban_years * 999999",
                "years_between(add_days(reference_date, 99999999), birth_date)",
            ]
            append(
                "\nrule fuzz_range\n  stage intake.exclusion\n  reason eu_citizen\n  when not (\(big[next(big.count)]) > 1)\n"
            )
        case 7:
            // Many rules, or many decisions reading each other after the fact.
            append(
                "\n"
                    + (0..<min(n, 3_000)).map {
                        "rule fuzz_r\($0)\n  stage intake.exclusion\n  reason eu_citizen\n  when entry_ban_years > \($0)"
                    }.joined(separator: "\n") + "\n")
        default:
            let header = [
                "ruleset amsterdam extends national\n", "ruleset fuzz extends ../../etc/passwd\n", "",
                "# only a comment\n",
            ]
            text = Array(header[next(header.count)].utf8) + (next(2) == 0 ? [] : text)
        }
        return Array(text.prefix(limit))
    }
}

/// 3. As the bytes a client sent to `rule-check serve`: the request parser never traps, a head
/// it accepts lies within the input and the limit, and parsing just that head gives it again.
func fuzzHTTP(_ input: UnsafeBufferPointer<UInt8>) {
    switch HTTPRequestParser.parse(input) {
    case .incomplete:
        guard input.count < HTTPRequestParser.maximumHeadSize + 16 else {
            fatalError("rule-fuzz: the HTTP parser waits for more past the head limit")
        }
    case .failure(let error):
        guard [400, 431, 505].contains(error.status), !error.code.isEmpty else {
            fatalError("rule-fuzz: the HTTP parser refused with status \(error.status)")
        }
    case .complete(let head):
        guard head.length > 0, head.length <= input.count, head.length <= HTTPRequestParser.maximumHeadSize + 16,
            (head.contentLength ?? 0) >= 0, head.path.hasPrefix("/"),
            !(head.hasTransferEncoding && head.contentLength != nil)
        else {
            fatalError("rule-fuzz: the HTTP parser accepted an impossible head")
        }
        let again = HTTPRequestParser.parse(UnsafeBufferPointer(rebasing: input[0..<head.length]))
        guard again == .complete(head) else {
            fatalError("rule-fuzz: the HTTP parser reads the head alone differently")
        }
    }
}

#if FUZZING
    /// libFuzzer calls this for each new input when it is defined: half the time one of the
    /// hostile mutations, else libFuzzer's own byte mutator (`LLVMFuzzerMutate`).
    @_cdecl("LLVMFuzzerCustomMutator")
    public func customMutator(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
        typealias Mutate = @convention(c) (UnsafeMutablePointer<UInt8>, Int, Int) -> Int
        if seed % 2 == 0, let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "LLVMFuzzerMutate") {
            return unsafeBitCast(symbol, to: Mutate.self)(data, size, maxSize)
        }
        let mutated = HostileMutation.apply(
            Array(UnsafeBufferPointer(start: data, count: size)), seed: seed / 2, limit: maxSize)
        if mutated.isEmpty { return 0 }
        mutated.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: mutated.count) }
        return mutated.count
    }

    // libFuzzer mode (`-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xlinker --export-dynamic`,
    // the last so that `dlsym` finds libFuzzer's driver in the executable): SwiftPM makes this
    // file's top-level code the program's `main` (its `--defsym main=rule_fuzz_main`), so
    // libFuzzer's own `main` is not used; hand the command line to libFuzzer's driver instead.
    typealias FuzzerDriver =
        @convention(c) (
            UnsafeMutablePointer<CInt>, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
            @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
        ) -> CInt
    guard let driverSymbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "LLVMFuzzerRunDriver") else {
        fatalError("rule-fuzz: no LLVMFuzzerRunDriver: build with -sanitize=fuzzer and -Xlinker --export-dynamic")
    }
    let driver = unsafeBitCast(driverSymbol, to: FuzzerDriver.self)
    var fuzzArgc = CommandLine.argc
    var fuzzArgv = CommandLine.unsafeArgv
    exit(driver(&fuzzArgc, &fuzzArgv, { data, size in fuzz(data, size) }))
#else
    // Replay mode, for a plain build: run every file named on the command line (for a folder,
    // every file inside it) through `fuzz`, e.g. a crash input libFuzzer saved.
    // `rule-fuzz --hostile N`: N hostile mutations (`HostileMutation`) of the groningen file.
    let arguments = Array(CommandLine.arguments.dropFirst())
    if arguments.first == "--hostile", arguments.count == 2, let count = UInt32(arguments[1]) {
        let path = (Fuzz.rulesDirectory as NSString).appendingPathComponent("groningen.rules")
        let base = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
        for seed in 0..<count {
            let bytes = HostileMutation.apply(base, seed: seed, limit: 1 << 20) + [0]
            if ProcessInfo.processInfo.environment["RULE_FUZZ_VERBOSE"] != nil { print("seed", seed) }
            _ = bytes.withUnsafeBufferPointer { fuzz($0.baseAddress!, bytes.count - 1) }
        }
        print("rule-fuzz: \(count) hostile mutation(s) ran without a finding")
    } else {
        _ = Fuzz.replay(arguments)
    }
#endif
