import Foundation
import LVVPresentation
import LVVRules
import RuleDSL
import Testing

/// `rule-check report`: the counts it gives equal counts computed directly from the verdict
/// file, error lines are counted apart, and the HTML page and its charts are well formed.
@Suite struct ReportTests {
    /// A small verdict file as `rule-check batch` writes it: real verdicts of two pilots, intake
    /// and review, a batch error line and a blank line.
    static func verdictLines() throws -> [String] {
        var lines: [String] = []
        func add(_ pilot: Pilot, _ verdict: Verdict) throws {
            let program = try Pilots.program(pilot)
            lines.append(String(decoding: VerdictJSON.encode(verdict, program: program, trace: false), as: UTF8.self))
        }
        try add(.groningen, try intake(.groningen))
        try add(.groningen, try intake(.groningen, ["entry_ban_years": 12, "dublin_claimant": true]))
        try add(.groningen, try intake(.groningen, ["safe_country_national": true, "previously_in_bbb": false]))
        try add(.groningen, try intake(.groningen, ["v_number": nil]))
        lines.append("{\"line\":5,\"error\":\"unknown key `colour`\"}")
        try add(.groningen, try intake(.groningen, ["binding_province": nil]))
        try add(
            .groningen,
            try intake(
                .groningen, ["entry_ban_years": 15, "exceptional_admission": Cases.exception(date: "2022-01-01")]))
        lines.append("")
        try add(.utrecht, try intake(.utrecht, ["reception_entitlement": "coa"]))
        try add(.utrecht, try intake(.utrecht, ["willing_to_cooperate": false, "safe_country_national": true]))
        try add(.utrecht, try review(.utrecht, ["lso_consensus": false]))
        try add(
            .utrecht,
            try review(
                .utrecht, ["reference_date": "2024-07-02", "last_review_date": "2024-04-01", "onward_option": true]))
        try add(.utrecht, try review(.utrecht, ["pending_procedure": nil]))
        lines.append("{\"line\":13,\"error\":\"line longer than 1048576 bytes\"}")
        return lines
    }

    /// The counts, computed straight from the lines with JSONSerialization.
    struct Expected {
        var verdicts = 0, errors = 0, exceptional = 0
        var decisions: [String: Int] = [:], reasons: [String: Int] = [:], referrals: [String: Int] = [:]
        var actions: [String: Int] = [:], pilots: [String: Int] = [:], missing: [String: Int] = [:],
            advice: [String: Int] = [:]

        init(_ lines: [String]) throws {
            for line in lines where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                if object["error"] != nil {
                    errors += 1
                    continue
                }
                verdicts += 1
                decisions["\(object["question"]!): \(object["decision"]!)", default: 0] += 1
                pilots[object["pilot"] as! String, default: 0] += 1
                if object["exceptional"] as? Bool == true { exceptional += 1 }
                for code in Set((object["reasons"] as! [[String: Any]]).map { $0["code"] as! String }) {
                    reasons[code, default: 0] += 1
                }
                for r in Set(object["referrals"] as! [String]) { referrals[r, default: 0] += 1 }
                for a in Set(object["actions"] as! [String]) { actions[a, default: 0] += 1 }
                for m in Set(object["missing_facts"] as! [String]) { missing[m, default: 0] += 1 }
                if let scenarioAdvice = object["scenario_advice"] as? [String: Any] {
                    advice[(scenarioAdvice["scenario"] as? String) ?? "undetermined", default: 0] += 1
                }
            }
        }
    }

    @Test func theFixtureCoversWhatIsCounted() throws {
        let expected = try Expected(try Self.verdictLines())
        #expect(expected.verdicts == 11)
        #expect(expected.errors == 2)
        #expect(expected.exceptional == 1)
        #expect(
            Set(expected.decisions.keys).isSuperset(of: [
                "intake: admit", "intake: exclude", "intake: refer", "intake: undetermined",
                "review: continue", "review: escalate_mrt",
            ]))
        #expect(expected.pilots == ["groningen": 6, "utrecht": 5])
        #expect(
            !expected.referrals.isEmpty && !expected.actions.isEmpty && !expected.missing.isEmpty
                && !expected.advice.isEmpty)
    }

    @Test func summaryCountsEqualDirectCounts() throws {
        let lines = try Self.verdictLines()
        var summary = CaseSummary()
        for (number, line) in lines.enumerated() { summary.add(line: line, number: number + 1) }
        let expected = try Expected(lines)
        #expect(summary.verdicts == expected.verdicts)
        #expect(summary.errorLines == expected.errors)
        #expect(summary.unreadableLines == 0)
        #expect(summary.lines == lines.filter { !$0.isEmpty }.count)
        #expect(summary.exceptional == expected.exceptional)
        #expect(summary.decisions.counts == expected.decisions)
        #expect(summary.reasons.counts == expected.reasons)
        #expect(summary.referrals.counts == expected.referrals)
        #expect(summary.actions.counts == expected.actions)
        #expect(summary.pilots.counts == expected.pilots)
        #expect(summary.missingFacts.counts == expected.missing)
        #expect(summary.scenarioAdvice.counts == expected.advice)
    }

    @Test func textReportPrintsTheCounts() throws {
        let lines = try Self.verdictLines()
        let scratch = try CommandLineTests.Scratch()
        let path = try scratch.write("verdicts.jsonl", lines.joined(separator: "\n") + "\n")
        let run = try CommandLineTests.run(["report", path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty)
        let expected = try Expected(lines)
        // Dutch by default (the report reads verdicts of any pilot; Dutch is the users' language).
        #expect(run.stdout.contains("  \(expected.verdicts) uitkomsten, \(expected.errors) foutregel"))
        let sections = Self.sections(run.stdout)
        func check(_ title: String, _ counts: [String: Int], sourceLocation: Testing.SourceLocation = #_sourceLocation)
        {
            let rows = sections.first { $0.key.hasPrefix(title) }?.value ?? [:]
            #expect(rows == counts, "\(title)", sourceLocation: sourceLocation)
        }
        check("Besluiten", expected.decisions)
        check("Redencodes", expected.reasons)
        check("Verwijzingen", expected.referrals)
        check("Vervolgstappen", expected.actions)
        check("Pilots", expected.pilots)
        check("Ontbrekende gegevens", expected.missing)
        check("Scenarioadvies", expected.advice)
        // The same counts under English headings with `--lang en`.
        let english = try CommandLineTests.run(["report", path, "--lang", "en"])
        #expect(english.stdout.contains("  \(expected.verdicts) verdicts, \(expected.errors) error line"))
        let englishSections = Self.sections(english.stdout)
        #expect(englishSections.first { $0.key.hasPrefix("Decisions") }?.value == expected.decisions)
        #expect(englishSections.first { $0.key.hasPrefix("Reason codes") }?.value == expected.reasons)
    }

    @Test func htmlReportHasTablesAndCharts() throws {
        let lines = try Self.verdictLines()
        let scratch = try CommandLineTests.Scratch()
        let path = try scratch.write("verdicts.jsonl", lines.joined(separator: "\n"))
        let out = scratch.url("sub/report.html").path
        let run = try CommandLineTests.run(["report", path, "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("wrote \(out): 11 verdicts, 2 error lines, 0 unreadable lines"))
        let html = try String(contentsOfFile: out, encoding: .utf8)
        let checker = MarkupChecker(html, mode: .html)
        #expect(checker.problems.isEmpty, "\(checker.problems.joined(separator: "\n"))")
        #expect(!checker.tags.contains { $0.name == "script" || $0.name == "link" || $0.name == "img" })
        let expected = try Expected(lines)
        for (name, counts) in [
            ("decisions", expected.decisions), ("reasons", expected.reasons), ("referrals", expected.referrals),
            ("actions", expected.actions), ("pilots", expected.pilots),
        ] {
            let section = try RulebookTests.block(html, start: "<section id=\"\(name)\">", end: "</section>")
            for (key, count) in counts {
                #expect(
                    section.contains("<tr><td><code>\(HTML.escape(key))</code></td><td class=\"num\">\(count)</td>"),
                    "\(name): \(key) = \(count)")
            }
            let svgs = MarkupChecker.svgElements(in: section)
            #expect(svgs.count == 1, "one bar chart for \(name)")
            for svg in svgs {
                let xml = MarkupChecker(svg, mode: .xml)
                #expect(xml.problems.isEmpty, "\(xml.problems.joined(separator: "\n"))")
                #expect(xml.tags.filter { $0.name == "rect" }.count == counts.count, "one bar per row")
            }
        }
        // Dutch by default, like the text summary; English with `--lang en`.
        #expect(html.contains("<html lang=\"nl\">"))
        #expect(html.contains("<div><b>2</b>foutregels</div>"))
        #expect(html.contains("<div><b>11</b>uitkomsten</div>"))
        #expect(html.contains("<section id=\"reasons\">\n<h2>Redencodes</h2>"))
        let english = try CommandLineTests.run(["report", path, "--out", out, "--lang", "en"])
        #expect(english.status == 0, "\(english.stderr)")
        let page = try String(contentsOfFile: out, encoding: .utf8)
        #expect(page.contains("<html lang=\"en\">"))
        #expect(page.contains("<div><b>2</b>error lines</div>"))
        #expect(page.contains("<div><b>11</b>verdicts</div>"))
        #expect(page.contains("<section id=\"reasons\">\n<h2>Reason codes</h2>"))
        #expect(MarkupChecker(page, mode: .html).problems.isEmpty)
    }

    @Test func reportReadsALargeFileAsAStream() throws {
        // 20 000 lines through a pipe-sized buffer: the counts stay exact.
        let one = try Self.verdictLines()[1]
        let scratch = try CommandLineTests.Scratch()
        let path = try scratch.write("many.jsonl", String(repeating: one + "\n", count: 20_000))
        let run = try CommandLineTests.run(["report", path])
        #expect(run.status == 0)
        #expect(run.stdout.contains("  20000 uitkomsten, 0 foutregels"))
        #expect(run.stdout.contains("intake: exclude"))
    }

    @Test func reportErrors() throws {
        #expect(try CommandLineTests.run(["report"]).status == 2, "no file")
        #expect(try CommandLineTests.run(["report", "a.jsonl", "b.jsonl"]).status == 2)
        #expect(try CommandLineTests.run(["report", "x.jsonl", "--pilot", "groningen"]).status == 2, "unknown flag")
        let missing = try CommandLineTests.run(["report", "/nonexistent/verdicts.jsonl"])
        #expect(missing.status == 3)
        #expect(missing.stderr.contains("/nonexistent/verdicts.jsonl"))
        let scratch = try CommandLineTests.Scratch()
        let path = try scratch.write("bad.jsonl", try Self.verdictLines()[0] + "\nnot json\n[1]\n")
        let bad = try CommandLineTests.run(["report", path])
        #expect(bad.status == 3, "lines that are not verdicts are bad input")
        #expect(bad.stdout.contains("  1 uitkomst, 0 foutregels (zaken die batch niet kon lezen), 2 onleesbare regels"))
        #expect(bad.stdout.contains("regel 2: not JSON"))
        #expect(bad.stderr.contains("2 line(s)"))
    }

    @Test func htmlEscapesWhatTheFileSays() throws {
        var summary = CaseSummary()
        summary.add(
            line:
                #"{"case_id":"x","pilot":"<b>evil</b>","question":"intake","decision":"a&b","reasons":[{"code":"<script>"}],"referrals":[],"actions":[],"missing_facts":[]}"#,
            number: 1)
        let html = summary.html(source: "<file>.jsonl")
        #expect(MarkupChecker(html, mode: .html).problems.isEmpty)
        #expect(!html.contains("<script>") && !html.contains("<b>evil"))
        #expect(html.contains("&lt;script&gt;"))
    }

    /// The text report's sections: title line → rows `key count share`.
    static func sections(_ text: String) -> [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" "), !line.isEmpty {
                current = String(line)
                out[current!] = [:]
            } else if let title = current, line.hasPrefix("  ") {
                // `key count share`; a key may hold a space (`intake: admit`).
                let parts = line.split(separator: " ")
                if parts.count >= 3, let count = Int(parts[parts.count - 2]) {
                    out[title]![parts[..<(parts.count - 2)].joined(separator: " ")] = count
                }
            }
        }
        return out
    }
}
