// rule-fuzz: a libFuzzer entry point for long fuzz runs of the rule loader and the case reader.
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

/// One input, through both front doors. Anything that is not a clean error is a finding:
/// a trap (crash), a diagnostic pointing outside its file, or a batch output that is not one line.
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
    let agree = traced == quiet
        || (traced.starts(with: head) && traced[head.count...].starts(with: Array(#","trace":["#.utf8)))
    guard agree else {
        fatalError("rule-fuzz: batch without trace differs from batch with trace:\n"
            + String(decoding: quiet, as: UTF8.self) + String(decoding: traced, as: UTF8.self))
    }
    return 0
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
              (head.contentLength ?? 0) >= 0, head.path.hasPrefix("/"), !(head.hasTransferEncoding && head.contentLength != nil)
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
    // libFuzzer mode (`-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xlinker --export-dynamic`,
    // the last so that `dlsym` finds libFuzzer's driver in the executable): SwiftPM makes this
    // file's top-level code the program's `main` (its `--defsym main=rule_fuzz_main`), so
    // libFuzzer's own `main` is not used; hand the command line to libFuzzer's driver instead.
    typealias FuzzerDriver = @convention(c) (
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
    _ = Fuzz.replay(Array(CommandLine.arguments.dropFirst()))
#endif
