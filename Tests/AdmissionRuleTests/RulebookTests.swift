import Foundation
import LVVPresentation
import LVVRules
import RuleDSL
import Testing

/// `rule-check doc`: the rulebook page is well formed, names every rule, marks what a pilot
/// changed, and its decision diagrams are well-formed SVG without overlapping text.
@Suite struct RulebookTests {
    /// Rendered once per pilot, in the rule set's language (Dutch): the compliance proof inside
    /// takes a moment.
    static let proofs: [Pilot: (program: Program, compliance: ComplianceReport)] = {
        var proofs: [Pilot: (program: Program, compliance: ComplianceReport)] = [:]
        for pilot in Pilot.allCases {
            if let program = try? Pilots.program(pilot) {
                proofs[pilot] = (program, ComplianceReport(program: program))
            }
        }
        return proofs
    }()

    static let pages: [Pilot: String] = proofs.mapValues {
        Rulebook(program: $0.program, compliance: $0.compliance).html()
    }

    /// The same rulebooks in English (`doc --lang en`), with the same proof.
    static let englishPages: [Pilot: String] = proofs.mapValues {
        Rulebook(program: $0.program, compliance: $0.compliance, language: .en).html()
    }

    static func page(_ pilot: Pilot) throws -> String {
        try #require(pages[pilot], "the rulebook of \(pilot) did not render")
    }

    static func englishPage(_ pilot: Pilot) throws -> String {
        try #require(englishPages[pilot], "the English rulebook of \(pilot) did not render")
    }

    // MARK: - Well formed

    @Test(arguments: Pilot.allCases)
    func pageIsWellFormedHTML(pilot: Pilot) throws {
        for html in [try Self.page(pilot), try Self.englishPage(pilot)] {
            let checker = MarkupChecker(html, mode: .html)
            #expect(checker.problems.isEmpty, "\(checker.problems.joined(separator: "\n"))")
        }
        let html = try Self.page(pilot)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<meta charset=\"utf-8\"/>"))
    }

    @Test(arguments: Pilot.allCases)
    func pageIsSelfContained(pilot: Pilot) throws {
        let html = try Self.page(pilot)
        let checker = MarkupChecker(html, mode: .html)
        #expect(!checker.tags.contains { $0.name == "script" }, "no JavaScript")
        #expect(
            !checker.tags.contains { $0.name == "link" || $0.name == "img" || $0.name == "iframe" },
            "no external assets")
        for tag in checker.tags {
            for (name, value) in tag.attributes where name == "href" || name == "src" {
                #expect(value.hasPrefix("#"), "only links within the page, not `\(value)` on <\(tag.name)>")
            }
        }
        #expect(!html.contains("url(http"), "no external assets in the style sheet")
    }

    @Test func renderingIsDeterministic() throws {
        let program = try Pilots.program(.groningen)
        #expect(Rulebook(program: program).html() == Rulebook(program: program).html())
    }

    // MARK: - Content

    @Test(arguments: Pilot.allCases)
    func everyRuleExceptionInvariantAndTestAppears(pilot: Pilot) throws {
        let program = try Pilots.program(pilot)
        let html = try Self.page(pilot)
        for rule in program.rules {
            #expect(html.contains("id=\"rule-\(HTML.anchor(rule.id))\""), "rule `\(rule.id)` has its own entry")
            #expect(html.contains("<code>\(HTML.escape(rule.id))</code>"), "rule id `\(rule.id)` is shown")
            if let title = rule.title { #expect(html.contains(HTML.escape(title)), "title of `\(rule.id)`") }
            if let source = rule.source { #expect(html.contains(HTML.escape(source)), "source of `\(rule.id)`") }
            if let condition = rule.declaration.condition {
                #expect(
                    html.contains("<pre><code>\(HTML.escape(ASTPrinter.print(condition)))</code></pre>"),
                    "condition of `\(rule.id)`")
            }
            if let reason = rule.reason { #expect(html.contains("<code>\(HTML.escape(reason))</code>")) }
        }
        for exception in program.exceptions {
            #expect(html.contains("id=\"exception-\(HTML.anchor(exception.id))\""))
        }
        for invariant in program.invariants {
            #expect(html.contains("id=\"invariant-\(HTML.anchor(invariant.id))\""))
        }
        for test in program.tests {
            #expect(html.contains(HTML.escape(test.title)), "test “\(test.title)” is listed")
        }
        #expect(html.contains(program.sha256), "the rule set's hash is on the page")
        for file in program.files { #expect(html.contains(HTML.escape(file.path))) }
    }

    @Test func ruleShowsWhereItActsAndWhichTestsCoverIt() throws {
        let html = try Self.englishPage(.groningen)
        let card = try Self.article(html, id: "rule-safe_country")
        #expect(card.contains("decision <code>intake</code>, stage 1 <code>exclusion</code>"))
        #expect(card.contains("<code>intake = exclude</code>"))
        #expect(card.contains("<code>vbl</code>"), "its referral")
        #expect(card.contains("fires in 2 tests"))
        #expect(card.contains("nieuwe veilige lander: uitgesloten en door naar de VBL, met risicoanalyse"))
        #expect(card.contains("does not fire in"))
        #expect(card.contains("exceptional_admission"), "lifted by the exception")
        let after = try Self.article(html, id: "rule-risk_analysis")
        #expect(after.contains("after the decision <code>intake</code>"))
        #expect(after.contains("<code>risk_analysis</code>"), "its action")
    }

    @Test func utrechtsOverridesAdditionsAndDeviationsAreMarked() throws {
        let html = try Self.englishPage(.utrecht)
        for id in ["reception_entitlement", "review_reception_entitlement"] {
            let card = try Self.article(html, id: "rule-\(id)")
            #expect(card.hasPrefix("<article class=\"rule overridden has-deviation\""))
            #expect(card.contains("<span class=\"badge b-overridden\">overridden by utrecht</span>"))
            #expect(card.contains("<span class=\"badge b-deviation\">deviation</span>"))
            #expect(card.contains("<div class=\"deviation\"><strong>Deviation from the convenant.</strong>"))
            #expect(
                card.contains("<h5>before: national</h5><pre><code>reception_entitlement != none</code></pre>"),
                "the old condition")
            #expect(card.contains("<h5>now: utrecht</h5>"), "the new condition")
            // (rev 2) The intake rule reads Utrecht's `bbb_family`, which holds the date.
            #expect(card.contains(id == "reception_entitlement" ? "bbb_family" : "FAMILY_INFLOW_END"))
        }
        for id in ["regional_binding", "cooperation_at_intake", "safe_country"] {
            let card = try Self.article(html, id: "rule-\(id)")
            #expect(
                card.contains("<span class=\"badge b-added\">added by utrecht</span>"), "`\(id)` is marked as added")
            #expect(card.contains("<span class=\"badge b-narrowing\">narrowing</span>"))
        }
        let national = try Self.article(html, id: "rule-entry_ban")
        #expect(national.contains("<span class=\"badge b-inherited\">national</span>"))
        // The change table names every change with its badge.
        let changes = try #require(html.range(of: "<section id=\"changes\">").map { html[$0.lowerBound...] })
        #expect(
            changes.contains(
                "overridden</span> <span class=\"badge b-deviation\">deviation</span></td><td><a href=\"#rule-reception_entitlement\">"
            ))
        #expect(changes.contains("added</span></td><td><a href=\"#rule-cooperation_at_intake\">"))
        // The violated invariant is red, with the counterexample.
        let invariant = try Self.block(
            html, start: "<div class=\"invariant violated\" id=\"invariant-never_admit_entitled\">",
            end: "</div>\n</div>")
        #expect(invariant.contains("<div class=\"violation\">"))
        #expect(invariant.contains("&quot;reception_entitlement&quot;:&quot;family_location&quot;"))
        #expect(html.contains("<span class=\"badge b-violated\">not compliant</span>"))
    }

    @Test func groningenIsCompliantAndEveryInvariantIsProven() throws {
        let html = try Self.englishPage(.groningen)
        #expect(html.contains("<span class=\"badge b-proven\">compliant</span>"))
        for invariant in try Pilots.program(.groningen).invariants {
            #expect(html.contains("<div class=\"invariant proven\" id=\"invariant-\(invariant.id)\">"))
        }
        #expect(!html.contains("class=\"violation\""))
    }

    @Test func aSwitchedOffRuleIsMarked() throws {
        let scratch = try CommandLineTests.Scratch()
        let national = try String(contentsOfFile: repositoryRoot + "/rules/national.rules", encoding: .utf8)
        let utrecht = try String(contentsOfFile: repositoryRoot + "/rules/utrecht.rules", encoding: .utf8)
        _ = try scratch.write("national.rules", national)
        let path = try scratch.write(
            "utrecht.rules",
            utrecht + "\ndisable rule no_v_number because \"INLIA checks the V-number <before> intake & so\"\n")
        let program = try RuleLibrary(directory: scratch.folder.path).load(path: path)
        let html = Rulebook(program: program, language: .en).html()
        #expect(MarkupChecker(html, mode: .html).problems.isEmpty)
        let card = try Self.article(html, id: "disabled-no_v_number")
        #expect(card.contains("<span class=\"badge b-disabled\">switched off by utrecht</span>"))
        #expect(card.contains("INLIA checks the V-number &lt;before&gt; intake &amp; so"))
        #expect(card.contains("<pre><code>is_blank(v_number)</code></pre>"), "what the rule said")
        #expect(
            html.contains(
                "<span class=\"badge b-disabled\">switched off</span></td><td><a href=\"#disabled-no_v_number\">"))
        #expect(!html.contains("id=\"rule-no_v_number\""), "no longer listed as a rule in force")
        let svg = try #require(MarkupChecker.svgElements(in: html).first)
        #expect(svg.contains("no_v_number (switched off)"), "greyed out in the diagram")
    }

    @Test func textFromRuleFilesIsEscaped() throws {
        let scratch = try CommandLineTests.Scratch()
        _ = try scratch.write(
            "national.rules", try String(contentsOfFile: repositoryRoot + "/rules/national.rules", encoding: .utf8))
        let path = try scratch.write(
            "evil.rules",
            """
            ruleset evil extends national
              title "Evil <b>pilot</b> & co"

            rule evil_rule
              title "<script>alert('x')</script> & \\"quoted\\" ]]> -->"
              source "a < b > c & d"
              kind narrowing
              stage intake.exclusion
              when binding_province != "<Groningen&>"
              reason no_regional_binding
              deviation "<i>not</i> & so on"

            """)
        let program = try RuleLibrary(directory: scratch.folder.path).load(path: path)
        let html = Rulebook(program: program).html()
        let checker = MarkupChecker(html, mode: .html)
        #expect(checker.problems.isEmpty, "\(checker.problems.joined(separator: "\n"))")
        #expect(!html.contains("<script>"))
        #expect(!html.contains("<b>pilot"))
        #expect(!html.contains("<i>not"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot; ]]&gt; --&gt;"))
        #expect(html.contains("binding_province != &quot;&lt;Groningen&amp;&gt;&quot;"))
        for svg in MarkupChecker.svgElements(in: html) {
            let xml = MarkupChecker(svg, mode: .xml)
            #expect(xml.problems.isEmpty, "\(xml.problems.joined(separator: "\n"))")
        }
    }

    // MARK: - Diagrams

    @Test(arguments: Pilot.allCases)
    func everyDecisionHasAWellFormedDiagram(pilot: Pilot) throws {
        let program = try Pilots.program(pilot)
        let svgs = MarkupChecker.svgElements(in: try Self.page(pilot))
        #expect(svgs.count == program.decisions.count)
        for svg in svgs {
            let checker = MarkupChecker(svg, mode: .xml)
            #expect(checker.problems.isEmpty, "\(checker.problems.joined(separator: "\n"))")
            #expect(checker.tags.first?.name == "svg")
            #expect(checker.tags.first?.attributes.contains { $0 == ("xmlns", "http://www.w3.org/2000/svg") } == true)
        }
    }

    @Test func intakeDiagramShowsStagesRulesExceptionAndProducts() throws {
        let program = try Pilots.program(.groningen)
        let intake = try #require(program.decisionIndex(named: "intake"))
        let svg = DecisionDiagram(program: program, decision: intake, language: .en).svg()
        let texts = Self.texts(in: svg).map(\.text)
        for (number, stage) in program.decisions[intake].stages.enumerated() {
            #expect(texts.contains("stage \(number + 1): \(stage.name)"))
            #expect(texts.contains("gives \(stage.outcome)"))
            for rule in stage.rules {
                let id = program.rules[rule].id
                #expect(texts.contains { $0.hasPrefix(id) }, "rule `\(id)` is drawn")
                if let reason = program.rules[rule].reason { #expect(texts.contains("reason \(reason)")) }
            }
        }
        #expect(texts.contains("gives admit"), "the otherwise outcome")
        #expect(texts.contains("regional_binding (added)"), "a pilot rule is marked")
        #expect(texts.contains("refer → vbl"))
        #expect(texts.contains("refer → police_identification"))
        #expect(texts.contains("action risk_analysis"))
        #expect(texts.contains("exceptional_admission"))
        // One lift arrow per rule the exception lifts in this decision.
        let lifted = program.rules.filter { $0.decision == intake && !$0.liftedBy.isEmpty }.count
        #expect(lifted == 6)
        let arrows = svg.components(separatedBy: "marker-end=\"url(#d-groningen-intake-lift-").count - 1
        #expect(arrows == lifted + 1, "one arrow per lifted rule, plus the legend's")
        // Added rules in another colour.
        #expect(svg.contains("fill=\"#dcf2e3\""))
    }

    @Test(arguments: Pilot.allCases)
    func diagramTextNeverOverlaps(pilot: Pilot) throws {
        let program = try Pilots.program(pilot)
        for decision in program.decisions.indices {
            for language in TextLanguage.allCases {
                let svg = DecisionDiagram(program: program, decision: decision, language: language).svg()
                let width = try #require(Self.number(svg, attribute: "width"))
                let boxes = Self.texts(in: svg)
                #expect(boxes.count > 10, "the diagram's text was found")
                for (i, a) in boxes.enumerated() {
                    #expect(
                        a.maxX <= width + 0.5, "“\(a.text)” runs off the drawing in \(program.decisions[decision].name)"
                    )
                    for b in boxes[(i + 1)...] where a.intersects(b) {
                        Issue.record(
                            "“\(a.text)” overlaps “\(b.text)” in \(pilot) \(program.decisions[decision].name) (\(language))"
                        )
                    }
                }
            }
        }
    }

    // MARK: - Languages

    /// `doc` writes in the rule set's language (Dutch) by default: the frame words from the one
    /// catalogue, the titles from the rule files; `--lang en` gives the English of both.
    @Test func theRulebookIsInTheRuleSetsLanguageAndInEnglishOnRequest() throws {
        let program = try Pilots.program(.utrecht)
        let dutch = try Self.page(.utrecht)
        let english = try Self.englishPage(.utrecht)
        #expect(dutch.contains("<html lang=\"nl\">") && english.contains("<html lang=\"en\">"))
        #expect(dutch.contains("<p class=\"muted\">Regelboek van de Landelijke Vreemdelingen Voorziening (LVV)</p>"))
        #expect(dutch.contains("regels van kracht</div>") && english.contains("rules in force</div>"))
        let card = try Self.article(dutch, id: "rule-reception_entitlement")
        #expect(card.contains("<span class=\"badge b-overridden\">vervangen door utrecht</span>"))
        #expect(card.contains("<div class=\"deviation\"><strong>Afwijking van het convenant.</strong>"))
        #expect(card.contains("<h5>eerst: national</h5>") && card.contains("<h5>nu: utrecht</h5>"))
        let safe = try Self.article(dutch, id: "rule-safe_country")
        #expect(safe.contains("besluit <code>intake</code>, stap "))
        #expect(safe.contains("Als deze voorwaarde geldt, is het besluit <code>intake</code> <strong>exclude</strong>"))
        // Titles in the reader's language, from the rule files.
        for rule in program.rules {
            if let nl = program.texts.text(.rule(rule.id), in: .nl) {
                #expect(dutch.contains(HTML.escape(nl)), "Dutch title of `\(rule.id)`")
            }
            if let en = program.texts.text(.rule(rule.id), in: .en) {
                #expect(english.contains(HTML.escape(en)), "English title of `\(rule.id)`")
            }
        }
        // No English frame words left on the Dutch page (outside the rule files' own texts and
        // the conditions, which are code).
        for phrase in [
            "rules in force", "Decision diagrams", "What utrecht changes", "fires in", "Test cases", "no test shows",
            "national rule", "exception lifts the rule", "applies when:", "Stage 1",
        ] {
            #expect(!dutch.contains(phrase), "`\(phrase)` on the Dutch page")
        }
        let svg = try #require(MarkupChecker.svgElements(in: dutch).first)
        #expect(svg.contains(">landelijke regel<") && svg.contains(">uitzondering heft de regel op<"))
    }

    @Test func everyBookWordHasBothLanguages() {
        for word in FrameText.BookWord.allCases {
            #expect(!FrameText(.nl)[book: word].isEmpty && !FrameText(.en)[book: word].isEmpty, "\(word)")
        }
    }

    @Test func docCommandTakesTheLanguage() throws {
        let scratch = try CommandLineTests.Scratch()
        let out = scratch.url("book").path
        let run = try CommandLineTests.run(["doc", "--pilot", "groningen", "--out", out, "--lang", "en"])
        #expect(run.status == 0, "\(run.stderr)")
        let html = try String(contentsOfFile: out + "/groningen.html", encoding: .utf8)
        #expect(
            html
                == (try Self.englishPage(.groningen)).replacingOccurrences(
                    of: repositoryRoot + "/rules/", with: "rules/"))
        let bad = try CommandLineTests.run(["doc", "--pilot", "groningen", "--out", out, "--lang", "de"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("`--lang` is `nl` or `en`, not `de`"))
    }

    // MARK: - Command line

    @Test func docCommandWritesThePage() throws {
        let scratch = try CommandLineTests.Scratch()
        let out = scratch.url("book").path
        let run = try CommandLineTests.run(["doc", "--pilot", "groningen", "--out", out])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("wrote \(out)/groningen.html"))
        let html = try String(contentsOfFile: out + "/groningen.html", encoding: .utf8)
        #expect(MarkupChecker(html, mode: .html).problems.isEmpty)
        #expect(
            html == (try Self.page(.groningen)).replacingOccurrences(of: repositoryRoot + "/rules/", with: "rules/"))
    }

    @Test func docCommandErrors() throws {
        let unknown = try CommandLineTests.run(["doc", "--pilot", "groningn"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("did you mean `groningen`"))
        #expect(try CommandLineTests.run(["doc"]).status == 2, "no pilot")
        #expect(try CommandLineTests.run(["doc", "--pilot", "groningen", "--colour"]).status == 2, "unknown flag")
        #expect(try CommandLineTests.run(["doc", "--pilot", "groningen", "extra.rules"]).status == 2)
        let scratch = try CommandLineTests.Scratch()
        _ = try scratch.write("national.rules", "ruleset national\nrule broken\n  when\n")
        let broken = try CommandLineTests.run([
            "doc", "--pilot", "national", "--rules", scratch.folder.path, "--out", scratch.url("o").path,
        ])
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("do not load"))
        #expect(!FileManager.default.fileExists(atPath: scratch.url("o/national.html").path))
    }

    // MARK: - Helpers

    /// The `<article …id="ID"…>…</article>` element.
    static func article(_ html: String, id: String) throws -> String {
        let marker = "id=\"\(id)\">"
        let at = try #require(html.range(of: marker), "no element with id `\(id)`")
        let start = try #require(
            html.range(of: "<article", options: .backwards, range: html.startIndex..<at.lowerBound))
        let end = try #require(html.range(of: "</article>", range: at.upperBound..<html.endIndex))
        return String(html[start.lowerBound..<end.upperBound])
    }

    static func block(_ html: String, start: String, end: String) throws -> String {
        let s = try #require(html.range(of: start), "no `\(start)`")
        let e = try #require(html.range(of: end, range: s.upperBound..<html.endIndex))
        return String(html[s.lowerBound..<e.upperBound])
    }

    static func number(_ tag: String, attribute: String) -> Double? {
        guard let r = tag.range(of: " \(attribute)=\"") else { return nil }
        let rest = tag[r.upperBound...]
        guard let q = rest.firstIndex(of: "\"") else { return nil }
        return Double(rest[..<q])
    }

    /// A text element's box, estimated the way the layout measures text: 7px per character at
    /// 12px (7.5px for monospace), 15% wider when bold.
    struct TextBox {
        let text: String
        let minX, maxX, minY, maxY: Double
        func intersects(_ other: TextBox) -> Bool {
            minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
        }
    }

    static func texts(in svg: String) -> [TextBox] {
        var boxes: [TextBox] = []
        for piece in svg.components(separatedBy: "<text ").dropFirst() {
            guard let close = piece.range(of: ">"), let end = piece.range(of: "</text>") else { continue }
            let attributes = " " + String(piece[..<close.lowerBound])
            let text = MarkupChecker.unescape(String(piece[close.upperBound..<end.lowerBound]))
            guard let x = number(attributes, attribute: "x"), let y = number(attributes, attribute: "y") else {
                continue
            }
            let size = number(attributes, attribute: "font-size") ?? 12
            let mono = attributes.contains("Mono")
            let bold = (number(attributes, attribute: "font-weight") ?? 400) >= 600
            let perCharacter = (mono ? 7.5 : 7.0 * (bold ? 1.15 : 1)) * size / 12
            let width = Double(text.count) * perCharacter
            let anchoredEnd = attributes.contains("text-anchor=\"end\"")
            // The baseline is at y; letters rise about 0.75 of the size and descend 0.2.
            boxes.append(
                TextBox(
                    text: text, minX: anchoredEnd ? x - width : x, maxX: anchoredEnd ? x : x + width,
                    minY: y - size * 0.75, maxY: y + size * 0.2))
        }
        return boxes
    }
}
