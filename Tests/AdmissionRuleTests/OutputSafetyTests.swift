import Foundation
import Testing

@testable import LVVRules

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Issue 16, output and file handling, end to end through the built `rule-check` (as
/// `CommandLineTests`): output that cannot be written is an error (status 1), a reader that goes
/// away ends the process quietly, input that cannot be read is an error, `--out` files are
/// written safely, and the flags and messages of the smaller points. Every hostile input is made
/// here, in a scratch folder.
@Suite(.serialized) struct OutputSafetyTests {
    /// `/dev/full` (every write fails with ENOSPC) is Linux's; macOS has none.
    static let hasFullDevice = FileSystem.kind("/dev/full") != nil
    static let noFullDevice: Comment = "no `/dev/full` on this system (Linux has one; macOS does not)"

    typealias Scratch = CommandLineTests.Scratch

    /// Runs `rule-check` through `/bin/sh -c SCRIPT`, where `$R` is the executable, from the
    /// repository root: for what `Process` cannot set up (a closed descriptor, `/dev/full`, a
    /// process substitution).
    static func shell(_ script: String, stdin: String = "", shell: String = "/bin/sh") throws -> CommandLineTests.Run {
        let executable = try #require(CommandLineTests.executable, "rule-check not found next to the test bundle")
        let scratch = try Scratch()
        let out = scratch.url("stdout")
        let err = scratch.url("stderr")
        let input = scratch.url("stdin")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        _ = FileManager.default.createFile(atPath: input.path, contents: Data(stdin.utf8))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: shell)
        process.arguments = ["-c", script]
        process.environment = ProcessInfo.processInfo.environment.merging(["R": executable]) { $1 }
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
        let outHandle = try FileHandle(forWritingTo: out)
        let errHandle = try FileHandle(forWritingTo: err)
        let inHandle = try FileHandle(forReadingFrom: input)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = inHandle
        try process.run()
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
        try inHandle.close()
        return CommandLineTests.Run(
            status: process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }

    /// Single-quoted for the shell.
    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    // MARK: - Finding 5: output that is lost

    /// Each command and its arguments (a shell's words).
    static func commands(_ scratch: Scratch) throws -> [(name: String, arguments: String)] {
        let casePath = try scratch.write("case.json", Cases.intake(.groningen))
        let verdicts = try verdictsFile(scratch)
        return [
            ("help", "help"),
            ("check", "check"),
            ("batch", "batch --pilot groningen < \(quoted(casePath))"),
            ("eval", "eval --pilot groningen \(quoted(casePath))"),
            ("report", "report \(quoted(verdicts))"),
        ]
    }

    @Test(.enabled(if: Self.hasFullDevice, Self.noFullDevice)) func aFullDiskIsAnErrorForEveryCommand() throws {
        let scratch = try Scratch()
        for command in try Self.commands(scratch) {
            let run = try Self.shell("\"$R\" \(command.arguments) > /dev/full")
            #expect(run.status == 1, "\(command.name): \(run.stderr)")
            #expect(run.stderrLines.count == 1, "\(command.name): \(run.stderr)")
            #expect(
                run.stderr.contains("cannot write") && run.stderr.contains("no space left on device"),
                "\(command.name): \(run.stderr)")
        }
    }

    @Test func aClosedStandardOutputIsAnErrorForEveryCommand() throws {
        let scratch = try Scratch()
        for command in try Self.commands(scratch) {
            let run = try Self.shell("\"$R\" \(command.arguments) >&-")
            #expect(run.status == 1, "\(command.name): \(run.stderr)")
            #expect(
                run.stderr.contains("cannot write") && run.stderr.contains("closed"), "\(command.name): \(run.stderr)")
        }
    }

    @Test func theUsageOnStandardErrorKeepsItsLines() throws {
        // Errors are escaped to one line; the usage list, printed on standard error without a
        // command, is text with lines of its own.
        let run = try CommandLineTests.run([])
        #expect(run.status == 2)
        #expect(run.stderrLines.count > 5 && run.stderrLines.first?.hasPrefix("usage:") == true, "\(run.stderr)")
        #expect(!run.stderr.contains("\\n"))
    }

    @Test(.enabled(if: Self.hasFullDevice, Self.noFullDevice)) func aBatchThatCannotWriteNamesTheFirstLineLost() throws
    {
        let scratch = try Scratch()
        // Lines 1 and 2 are blank: the first output belongs to input line 3.
        let input = try scratch.write(
            "cases.jsonl", "\n  \n" + Cases.intake(.groningen) + "\n" + Cases.intake(.groningen) + "\n")
        let run = try Self.shell("\"$R\" batch --pilot groningen --no-trace < \(Self.quoted(input)) > /dev/full")
        #expect(run.status == 1)
        #expect(run.stderrLines.count == 1, "\(run.stderr)")
        #expect(run.stderr.contains("input line 3"), "\(run.stderr)")
    }

    @Test func aClosedStandardOutputIsNotTakenByAFileTheCommandOpens() throws {
        // With descriptor 1 closed, the verdicts file opened first would get number 1: the report
        // must not write its summary into its own input.
        let scratch = try Scratch()
        let text = Cases.intake(.groningen) + "\n"
        let verdicts = try scratch.write("verdicts.jsonl", text)
        let run = try Self.shell("\"$R\" report \(Self.quoted(verdicts)) >&-")
        #expect(run.status == 1)
        #expect(try String(contentsOfFile: verdicts, encoding: .utf8) == text)
    }

    @Test func aReaderThatGoesAwayEndsTheProcessQuietly() throws {
        let executable = try #require(CommandLineTests.executable)
        let scratch = try Scratch()
        let input = scratch.url("cases.jsonl")
        // With the trace, a few thousand verdicts are far more than a pipe holds.
        try Data(
            ((1...3_000).map { Cases.intake(.groningen, ["case_id": .string("P-\($0)")]) }.joined(separator: "\n")
                + "\n").utf8
        ).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["batch", "--pilot", "groningen"]
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
        let pipe = Pipe()
        let errors = Pipe()
        let inHandle = try FileHandle(forReadingFrom: input)
        process.standardInput = inHandle
        process.standardOutput = pipe
        process.standardError = errors
        try process.run()
        // Read one line, then go away (as `| head -1`).
        var first = Data()
        while !first.contains(UInt8(ascii: "\n")) {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            first += chunk
        }
        try pipe.fileHandleForReading.close()
        process.waitUntilExit()
        try inHandle.close()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        #expect(first.count > 0)
        #expect(
            process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGPIPE,
            "ends by SIGPIPE, not \(process.terminationReason) \(process.terminationStatus)")
        #expect(stderr.isEmpty, "quietly: \(String(decoding: stderr, as: UTF8.self))")
    }

    // MARK: - Finding 6: input that cannot be read

    @Test func batchFromAFolderOrAClosedInputIsAnError() throws {
        let run = try Self.shell("\"$R\" batch --pilot groningen < rules")
        #expect(run.status == 3)
        #expect(run.stdout.isEmpty)
        #expect(
            run.stderr.contains("cannot read standard input") && run.stderr.contains("is a directory"), "\(run.stderr)")
        let eval = try Self.shell("\"$R\" eval --pilot groningen - < rules")
        #expect(eval.status == 3)
        #expect(eval.stderr.contains("is a directory"), "\(eval.stderr)")
        for script in ["\"$R\" batch --pilot groningen <&-", "\"$R\" eval --pilot groningen - <&-"] {
            let closed = try Self.shell(script)
            #expect(closed.status == 3, "\(script)")
            #expect(closed.stderr.contains("cannot read standard input: it is closed"), "\(closed.stderr)")
        }
    }

    // MARK: - Finding 14: size limits

    /// A case padded with spaces after its `{` to exactly `size` bytes.
    static func paddedCase(size: Int) -> String {
        let text = Cases.intake(.groningen)
        return "{" + String(repeating: " ", count: size - text.utf8.count) + text.dropFirst()
    }

    @Test func aBatchLineMayHaveExactlyTheDocumentedLength() throws {
        let limit = CaseReader.maximumCaseSize
        let input =
            Self.paddedCase(size: limit) + "\r\n" + Self.paddedCase(size: limit + 1) + "\n"
            + String(repeating: " ", count: 2 * limit) + "\n" + String(repeating: " \t", count: limit) + "\r\n"
            + Cases.intake(.groningen, ["case_id": "LAST"])
        let run = try CommandLineTests.run(["batch", "--pilot", "groningen", "--no-trace"], stdin: input)
        #expect(run.status == 3)
        let lines = try CommandLineTests.batchLines(run)
        #expect(lines.count == 3, "a verdict, an error, the blank lines skipped, a verdict: \(run.stdout.prefix(500))")
        guard lines.count == 3 else { return }
        #expect(lines[0]["decision"] != nil, "exactly the limit is read")
        #expect((lines[1]["line"] as? NSNumber)?.intValue == 2)
        #expect((lines[1]["error"] as? String)?.contains("longer than \(limit) bytes") == true)
        #expect(lines[2]["case_id"] as? String == "LAST", "over-long blank lines are skipped and counted")
    }

    @Test func evalRefusesACaseLargerThanTheLimit() throws {
        let scratch = try Scratch()
        let limit = CaseReader.maximumCaseSize
        let fits = try scratch.write("fits.json", Self.paddedCase(size: limit))
        #expect(try CommandLineTests.run(["eval", "--pilot", "groningen", fits, "--no-trace"]).status == 0)
        let large = try scratch.write("large.json", Self.paddedCase(size: limit + 1))
        let run = try CommandLineTests.run(["eval", "--pilot", "groningen", large])
        #expect(run.status == 3)
        #expect(run.stderr.contains("larger than \(limit) bytes"), "\(run.stderr)")
        // 100 MB (sparse: nothing is written) is refused by its size, not read.
        let huge = scratch.url("huge.json").path
        #expect(FileManager.default.createFile(atPath: huge, contents: Data("{".utf8)))
        #expect(truncate(huge, 100_000_000) == 0)
        let hugeRun = try CommandLineTests.run(["eval", "--pilot", "groningen", huge])
        #expect(hugeRun.status == 3)
        #expect(hugeRun.stderr.contains("larger than \(limit) bytes"), "\(hugeRun.stderr)")
        // A stream is cut off as soon as it passes the limit.
        let piped = try CommandLineTests.run(
            ["eval", "--pilot", "groningen", "-"], stdin: Self.paddedCase(size: 3 * limit))
        #expect(piped.status == 3)
        #expect(piped.stderr.contains("larger than \(limit) bytes"), "\(piped.stderr)")
    }

    // MARK: - Smaller points: pipes and messages that name the real cause

    @Test func evalReadsAProcessSubstitutionAFIFOAndDevStdin() throws {
        let scratch = try Scratch()
        let casePath = try scratch.write("case.json", Cases.intake(.groningen, ["case_id": "PIPE-1"]))
        let substituted = try Self.shell(
            "exec \"$R\" eval --pilot groningen <(cat \(Self.quoted(casePath))) --format json --no-trace",
            shell: "/bin/bash")
        #expect(substituted.status == 0, "\(substituted.stderr)")
        #expect(substituted.stdout.contains("\"case_id\":\"PIPE-1\""))
        for script in [
            "\"$R\" eval --pilot groningen /dev/stdin --format json --no-trace < \(Self.quoted(casePath))",
            "cat \(Self.quoted(casePath)) | \"$R\" eval --pilot groningen /dev/stdin --format json --no-trace",
        ] {
            let run = try Self.shell(script)
            #expect(run.status == 0, "\(script): \(run.stderr)")
            #expect(run.stdout.contains("\"case_id\":\"PIPE-1\""))
        }
        let fifo = scratch.url("case.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let throughFIFO = try Self.shell(
            "cat \(Self.quoted(casePath)) > \(Self.quoted(fifo)) & \"$R\" eval --pilot groningen \(Self.quoted(fifo)) --format json --no-trace"
        )
        #expect(throughFIFO.status == 0, "\(throughFIFO.stderr)")
        #expect(throughFIFO.stdout.contains("\"case_id\":\"PIPE-1\""))
    }

    @Test func aLinkToItselfIsNamedAsSuch() throws {
        let scratch = try Scratch()
        let loop = scratch.url("loop.rules").path
        #expect(symlink(loop, loop) == 0)
        let check = try CommandLineTests.run(["check", loop])
        #expect(check.status == 1)
        #expect(check.stdout.contains("too many levels of symbolic links"), "\(check.stdout)")
        let eval = try CommandLineTests.run(["eval", "--pilot", "groningen", loop])
        #expect(eval.status == 3)
        #expect(eval.stderr.contains("too many levels of symbolic links"), "\(eval.stderr)")
        let report = try CommandLineTests.run(["report", loop])
        #expect(report.status == 3)
        #expect(report.stderr.contains("too many levels of symbolic links"), "\(report.stderr)")
    }

    @Test func aFileThatIsNotARuleFileOrAFolderIsNamedAsSuch() throws {
        let scratch = try Scratch()
        let path = try scratch.write("f.txt", "not rules")
        let run = try CommandLineTests.run(["check", path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("not a folder or a `.rules` file"), "\(run.stderr)")
        #expect(!run.stderr.contains("cannot list"))
    }

    @Test func reportOnAFolderSaysItIsAFolder() throws {
        let run = try CommandLineTests.run(["report", "rules"])
        #expect(run.status == 3)
        #expect(run.stderr.contains("is a directory"), "\(run.stderr)")
        #expect(!run.stderr.contains("no such file"))
    }

    @Test(arguments: [
        (["eval", "--pilot", "groningen", "--pilot", "amsterdam", "examples/groningen-intake.json"], "given twice"),
        (["report", "x.jsonl", "--out", ""], "not an empty one"),
        (["report", "x.jsonl", "--out="], "not an empty one"),
        (["check", "--rules", ""], "not an empty one"),
        (["eval", "--pilot", "groningen", "--no-trace=yes", "examples/groningen-intake.json"], "takes no value"),
    ])
    func flagMistakesAreUsageErrors(arguments: [String], message: String) throws {
        let run = try CommandLineTests.run(arguments)
        #expect(run.status == 2, "\(arguments): \(run.stderr)")
        #expect(run.stderr.contains(message), "\(arguments): \(run.stderr)")
        #expect(!run.stderr.contains("did you mean"))
    }

    @Test func reportRefusesVerdictsThatAreNot() throws {
        let scratch = try Scratch()
        let good = try CommandLineTests.run(
            ["batch", "--pilot", "groningen", "--no-trace"], stdin: Cases.intake(.groningen) + "\n")
        let verdict = try #require(good.stdoutLines.first)
        #expect(verdict.contains("\"decision\":\"exclude\"") || verdict.contains("\"decision\":\"admit\""))
        let nonsense = verdict.replacingOccurrences(of: #""decision":"admit""#, with: #""decision":"nonsense""#)
            .replacingOccurrences(of: #""decision":"exclude""#, with: #""decision":"nonsense""#)
        for (bad, reason) in [
            (nonsense, "nonsense"), (#"{"line":"a","error":5}"#, "batch error line"),
            (#"{"line":0,"error":"x"}"#, "batch error line"),
        ] {
            let path = try scratch.write("bad.jsonl", verdict + "\n" + bad + "\n")
            let run = try CommandLineTests.run(["report", path])
            #expect(run.status == 3, "\(bad)")
            #expect(run.stderr.contains(reason), "\(run.stderr)")
        }
        let fine = try scratch.write("fine.jsonl", verdict + "\n" + #"{"line":7,"error":"unknown key `x`"}"# + "\n")
        #expect(try CommandLineTests.run(["report", fine]).status == 0)
    }

    // MARK: - Findings 7–9: files written with `--out`

    static func verdictsFile(_ scratch: Scratch) throws -> String {
        try scratch.write("verdicts.jsonl", #"{"line":1,"error":"unknown key `x`"}"# + "\n")
    }

    @Test(.enabled(if: Self.hasFullDevice, Self.noFullDevice)) func aDeviceIsWrittenInPlaceNeverReplaced() throws {
        let scratch = try Scratch()
        let verdicts = try Self.verdictsFile(scratch)
        let full = try CommandLineTests.run(["report", verdicts, "--out", "/dev/full"])
        #expect(full.status == 1)
        #expect(full.stderr.contains("no space left on device"), "\(full.stderr)")
        var info = stat()
        #expect(stat("/dev/full", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "/dev/full is still a device")
        let null = try CommandLineTests.run(["report", verdicts, "--out", "/dev/null"])
        #expect(null.status == 0, "\(null.stderr)")
        #expect(stat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
    }

    @Test func aFIFOIsWrittenInPlace() throws {
        let scratch = try Scratch()
        let verdicts = try Self.verdictsFile(scratch)
        let fifo = scratch.url("page.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let copy = scratch.url("copy.html").path
        let run = try Self.shell(
            "cat \(Self.quoted(fifo)) > \(Self.quoted(copy)) & \"$R\" report \(Self.quoted(verdicts)) --out \(Self.quoted(fifo)); wait"
        )
        #expect(run.status == 0, "\(run.stderr)")
        var info = stat()
        #expect(lstat(fifo, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, "still a FIFO")
        #expect(try String(contentsOfFile: copy, encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
    }

    @Test func aSymbolicLinkIsNeitherFollowedNorReplaced() throws {
        let scratch = try Scratch()
        let verdicts = try Self.verdictsFile(scratch)
        let target = try scratch.write("precious.txt", "keep me\n")
        let link = scratch.url("page.html").path
        #expect(symlink(target, link) == 0)
        let run = try CommandLineTests.run(["report", verdicts, "--out", link])
        #expect(run.status == 1)
        #expect(run.stderr.contains("symbolic link"), "\(run.stderr)")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me\n")
        var info = stat()
        #expect(lstat(link, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK, "still a link")
        // doc's page too.
        let out = scratch.url("doc").path
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        #expect(symlink(target, out + "/groningen.html") == 0)
        let doc = try CommandLineTests.run(["doc", "--pilot", "groningen", "--out", out])
        #expect(doc.status == 1)
        #expect(doc.stderr.contains("symbolic link"), "\(doc.stderr)")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me\n")
    }

    @Test func aRegularFileIsReplacedWholeKeepingItsPermissions() throws {
        let scratch = try Scratch()
        let verdicts = try Self.verdictsFile(scratch)
        let page = try scratch.write("page.html", "old\n")
        #expect(chmod(page, 0o640) == 0)
        let run = try CommandLineTests.run(["report", verdicts, "--out", page])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try String(contentsOfFile: page, encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
        var info = stat()
        #expect(stat(page, &info) == 0 && info.st_mode & 0o777 == 0o640)
        // No temporary file is left behind.
        #expect(
            Set(try FileManager.default.contentsOfDirectory(atPath: scratch.folder.path)) == [
                "verdicts.jsonl", "page.html",
            ])
    }

    @Test func anOutputThatIsAnInputIsRefused() throws {
        let scratch = try Scratch()
        let text = #"{"line":1,"error":"unknown key `x`"}"# + "\n"
        let verdicts = try scratch.write("verdicts.jsonl", text)
        let other = scratch.url("other-name.jsonl").path
        #expect(link(verdicts, other) == 0)
        for arguments in [
            ["report", verdicts, "--out", verdicts],
            ["report", verdicts, "--out", other],  // the same file by another name
        ] {
            let run = try CommandLineTests.run(arguments)
            #expect(run.status == 1, "\(arguments)")
            #expect(run.stderr.contains("input"), "\(run.stderr)")
        }
        let piped = try Self.shell("\"$R\" report - --out \(Self.quoted(verdicts)) < \(Self.quoted(verdicts))")
        #expect(piped.status == 1)
        #expect(try String(contentsOfFile: verdicts, encoding: .utf8) == text)
        // doc: a page written over a rule file it read.
        let rules = scratch.url("rules").path
        try FileManager.default.createDirectory(atPath: rules, withIntermediateDirectories: true)
        for pilot in ["national", "groningen"] {
            try FileManager.default.copyItem(
                atPath: repositoryRoot + "/rules/\(pilot).rules", toPath: rules + "/\(pilot).rules")
        }
        #expect(link(rules + "/groningen.rules", rules + "/groningen.html") == 0)
        let doc = try CommandLineTests.run(["doc", "--pilot", "groningen", "--rules", rules, "--out", rules])
        #expect(doc.status == 1)
        #expect(doc.stderr.contains("input"), "\(doc.stderr)")
    }

    @Test func theWriterUsesAFreshPrivateTemporaryName() throws {
        let scratch = try Scratch()
        let path = scratch.url("out.html").path
        // What the old writer used: a link planted there must stay untouched.
        let planted = try scratch.write("victim.txt", "victim\n")
        #expect(symlink(planted, path + ".tmp-\(getpid())") == 0)
        try FileSystem.write(Array("page\n".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "page\n")
        #expect(try String(contentsOfFile: planted, encoding: .utf8) == "victim\n")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: scratch.folder.path).count == 3, "no temporary left")
        // Same path as an input that is not there yet.
        #expect(throws: FileSystem.FileError.self) {
            try FileSystem.write(
                [], to: scratch.url("new.html").path, inputs: [.init(path: scratch.url("new.html").path, identity: nil)]
            )
        }
    }

    @Test func benchKeepsItsFilesInAPrivateFolder() throws {
        let folder = try FileSystem.makeTemporaryFolder(prefix: "rule-check-test")
        var info = stat()
        #expect(lstat(folder, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR && info.st_mode & 0o777 == 0o700)
        let other = try FileSystem.makeTemporaryFolder(prefix: "rule-check-test")
        #expect(other != folder)
        _ = FileManager.default.createFile(atPath: folder + "/a", contents: Data("x".utf8))
        FileSystem.removeTemporaryFolder(folder)
        FileSystem.removeTemporaryFolder(other)
        #expect(FileSystem.kind(folder) == nil && FileSystem.kind(other) == nil)
        // The command itself leaves nothing in its temporary folder.
        let scratch = try Scratch()
        let run = try Self.shell(
            "TMPDIR=\(Self.quoted(scratch.folder.path)) \"$R\" bench --cases 20 --runs 1 --only evaluate")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.folder.path).isEmpty)
    }
}
