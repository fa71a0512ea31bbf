import Foundation
import Testing

/// `rule-check format` end to end: printing, `--check`, `--in-place` (whole file, mode kept,
/// no temporary left, a symbolic link stays a link), and refusal of a file with parse errors.
@Suite struct FormatCommandTests {
    static let messy = "fact a:bool\nrule r when a  # why\n  reason r\n"
    static let tidy = "fact a: bool\n\nrule r\n  when a # why\n  reason r\n"

    @Test func printsTheCanonicalLayout() throws {
        let scratch = try CommandLineTests.Scratch()
        let path = try scratch.write("messy.rules", Self.messy)
        let run = try CommandLineTests.run(["format", path])
        #expect(run.status == 0)
        #expect(run.stdout == Self.tidy)
        #expect(run.stderr == "")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == Self.messy, "printing writes nothing")
    }

    @Test func checkListsTheFilesThatWouldChange() throws {
        let scratch = try CommandLineTests.Scratch()
        let messy = try scratch.write("messy.rules", Self.messy)
        _ = try scratch.write("tidy.rules", Self.tidy)
        let run = try CommandLineTests.run(["format", "--check", scratch.folder.path])
        #expect(run.status == 1)
        #expect(run.stdoutLines == [messy])
        #expect(run.stderr.contains("1 of 2 files not formatted"))
        let clean = try CommandLineTests.run(["format", "--check", scratch.url("tidy.rules").path])
        #expect(clean.status == 0)
        #expect(clean.stdout == "" && clean.stderr == "")
    }

    @Test func inPlaceRewritesWholeFilesAndKeepsTheirMode() throws {
        let scratch = try CommandLineTests.Scratch()
        let messy = try scratch.write("messy.rules", Self.messy)
        let tidy = try scratch.write("tidy.rules", Self.tidy)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: messy)
        let tidyModified = try FileManager.default.attributesOfItem(atPath: tidy)[.modificationDate] as? Date
        let run = try CommandLineTests.run(["format", "--in-place", scratch.folder.path])
        #expect(run.status == 0)
        #expect(run.stdoutLines == ["formatted \(messy)"])
        #expect(try String(contentsOfFile: messy, encoding: .utf8) == Self.tidy)
        let attributes = try FileManager.default.attributesOfItem(atPath: messy)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o640)
        #expect(
            try FileManager.default.attributesOfItem(atPath: tidy)[.modificationDate] as? Date == tidyModified,
            "a file already formatted is not rewritten")
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: scratch.folder.path).sorted() == [
                "messy.rules", "tidy.rules",
            ],
            "no temporary file is left")
    }

    @Test func inPlaceThroughASymbolicLinkReplacesTheFileAndKeepsTheLink() throws {
        let scratch = try CommandLineTests.Scratch()
        let target = try scratch.write("real.rules", Self.messy)
        let link = scratch.url("link.rules").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let run = try CommandLineTests.run(["format", "--in-place", link])
        #expect(run.status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == Self.tidy)
    }

    @Test func aFileWithErrorsIsRefusedAndNotWritten() throws {
        let scratch = try CommandLineTests.Scratch()
        let broken = "rule r\n  when a =\n"
        let bad = try scratch.write("bad.rules", broken)
        let messy = try scratch.write("messy.rules", Self.messy)
        let run = try CommandLineTests.run(["format", "--in-place", bad, messy])
        #expect(run.status == 1)
        #expect(run.stderrLines.first == "\(bad):3:1: error: expected a value, found the end of the file")
        #expect(run.stderr.contains("\(bad): not formatted: the file has errors"))
        #expect(try String(contentsOfFile: bad, encoding: .utf8) == broken)
        #expect(try String(contentsOfFile: messy, encoding: .utf8) == Self.tidy, "the other files go on")
    }

    @Test func checkAndInPlaceDoNotGoTogether() throws {
        let run = try CommandLineTests.run(["format", "--check", "--in-place", "rules"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("do not go together"))
    }

    @Test func theShippedRulesFormat() throws {
        let run = try CommandLineTests.run(["format", "rules/national.rules"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("# Landelijke afspraken LVV"))
    }
}
