import LVVRules
import RuleDSL

/// A pilot's rules as one self-contained HTML page for people (`rule-check doc`): every rule in
/// plain words with its condition as written, what the pilot adds, overrides and switches off
/// against the national file, the exceptions and what they lift, the invariants with whether
/// they are proven, the decision diagrams, and which of the file's tests show each rule firing.
///
/// Inline CSS and SVG only: no scripts, no external files, so the page can be mailed or archived
/// next to the rule files it was made from (their sha256 is on the page).
public struct Rulebook {
    public let program: Program
    public let compliance: ComplianceReport

    /// Which tests saw each rule hold, not hold, or stay unknown (indices into `program.tests`).
    struct Coverage {
        var fired: [Int: [Int]] = [:]
        var quiet: [Int: [Int]] = [:]
        var unknown: [Int: [Int]] = [:]
    }

    private let coverage: Coverage
    private let testResults: [TestRunner.TestResult]
    /// Parsed files, base first: for the rules an override replaced and the decisions' conditions.
    private let parsed: [RuleFile]

    public init(program: Program, compliance: ComplianceReport? = nil) {
        self.program = program
        self.compliance = compliance ?? ComplianceReport(program: program)
        let evaluator = MachineEvaluator(program: program)
        var coverage = Coverage()
        for (testIndex, test) in program.tests.enumerated() {
            let evaluation = evaluator.evaluate(test.facts, trace: true)
            var seen = Set<Int>()
            for event in evaluation.trace.events {
                guard case .rule(let rule, let inForce, let truth, _, _, _) = event, seen.insert(rule).inserted else { continue }
                switch (inForce, truth) {
                case (true, .true): coverage.fired[rule, default: []].append(testIndex)
                case (true, .unknown): coverage.unknown[rule, default: []].append(testIndex)
                case (false, _), (true, .false): coverage.quiet[rule, default: []].append(testIndex)
                }
            }
        }
        self.coverage = coverage
        self.testResults = TestRunner(program: program).run().results
        self.parsed = program.files.enumerated().map { Parser.parse($0.element, fileIndex: $0.offset).0 }
    }

    private var top: Int { program.files.count - 1 }
    private var topName: String { stem(program.files[top].path) }

    // MARK: - The page

    public func html() -> String {
        var body = ""
        body += header()
        body += changes()
        body += diagrams()
        body += rules()
        body += exceptions()
        body += invariants()
        body += tests()
        body += facts()
        body += "<footer class=\"muted\"><p>Made by <code>rule-check doc --pilot \(HTML.escape(program.name))</code> from "
            + program.files.map { "<code>\(HTML.escape($0.path))</code>" }.joined(separator: " + ")
            + " (sha256 <code>\(HTML.escape(program.sha256))</code>). Escaped text only, no scripts.</p></footer>\n"
        return HTML.page(title: "Rulebook \(program.name): \(program.title ?? program.name)", style: HTML.baseStyle + Self.style, body: body)
    }

    static let style = """
        nav.toc { background: #f4f6f8; border-radius: 6px; padding: 8px 16px; margin: 16px 0; }
        nav.toc ol { margin: 4px 0; padding-left: 20px; columns: 2; }
        dl.meta { display: grid; grid-template-columns: 170px 1fr; gap: 4px 12px; margin: 12px 0; }
        dl.meta dt { font-weight: 600; color: #39424e; }
        dl.meta dd { margin: 0; overflow-wrap: anywhere; }
        .summary { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
        .summary div { background: #f4f6f8; border-radius: 6px; padding: 8px 14px; min-width: 120px; }
        .summary b { display: block; font-size: 22px; }
        article.rule { border: 1px solid #d9dee5; border-left: 6px solid #9db5da; border-radius: 6px; padding: 10px 16px; margin: 12px 0; }
        article.rule.added { border-left-color: #4f9f6a; background: #fbfefc; }
        article.rule.overridden { border-left-color: #d9902a; background: #fffdf8; }
        article.rule.disabled { border-left-color: #b8c0ca; background: #f8f9fa; }
        article.rule.has-deviation { border-color: #f3b0b0; border-left-color: #c81e1e; }
        article.rule h4 { font-size: 16px; }
        article.rule p.plain { margin: 4px 0 8px; }
        dl.fields { display: grid; grid-template-columns: 130px 1fr; gap: 3px 12px; margin: 6px 0 0; }
        dl.fields dt { color: #5c6773; font-size: 13px; padding-top: 2px; }
        dl.fields dd { margin: 0; overflow-wrap: anywhere; }
        dl.fields ul { margin: 0; padding-left: 18px; }
        dl.fields.short { grid-template-columns: 130px minmax(0, 1fr) 110px minmax(0, 1fr); }
        .deviation { background: #fde8e8; border: 2px solid #c81e1e; border-radius: 6px; padding: 8px 12px; margin: 8px 0; color: #5f0f0f; }
        .deviation strong { color: #9b1c1c; }
        .compare { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; margin: 8px 0; }
        .compare .old pre { background: #f4f4f4; text-decoration: line-through; text-decoration-color: #b0b0b0; }
        .compare .new pre { background: #fff6e6; border-color: #f0c27a; }
        .compare h5 { margin: 0; font-size: 13px; }
        .violation { background: #fde8e8; border: 2px solid #c81e1e; border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
        .violation h4 { color: #9b1c1c; }
        .invariant { border: 1px solid #d9dee5; border-radius: 6px; padding: 10px 16px; margin: 12px 0; }
        .invariant.proven { border-left: 6px solid #4f9f6a; }
        .invariant.unproven { border-left: 6px solid #d9902a; }
        .invariant.violated { border-left: 6px solid #c81e1e; }
        .exception { border: 1px solid #cdb6ea; border-left: 6px solid #7b3fc4; border-radius: 6px; padding: 10px 16px; margin: 12px 0; background: #fcfaff; }
        .diagram-wrap { overflow-x: auto; border: 1px solid #e1e5ea; border-radius: 6px; margin: 8px 0 24px; }
        svg.diagram { display: block; max-width: 100%; height: auto; }
        details summary { cursor: pointer; color: #2c4f86; }
        .fail { color: #9b1c1c; font-weight: 600; }
        .pass { color: #1b6b34; font-weight: 600; }
        td.title { max-width: 520px; }
        """

    // MARK: - Header

    private func header() -> String {
        var out = "<header>\n<p class=\"muted\">Rulebook of the Landelijke Vreemdelingen Voorziening (LVV)</p>\n"
        out += "<h1>\(HTML.escape(program.title ?? program.name))</h1>\n"
        out += "<dl class=\"meta\">\n"
        out += "<dt>rule set</dt><dd><code>\(HTML.escape(program.name))</code>"
        if top > 0 {
            out += " extends <code>\(HTML.escape(stem(program.files[top - 1].path)))</code>"
        }
        out += "</dd>\n"
        out += "<dt>sha256</dt><dd><code>\(HTML.escape(program.sha256))</code> <span class=\"muted\">(of the files below, in this order; "
            + "<code>rule-check eval --ruleset-hash</code> checks it)</span></dd>\n"
        out += "<dt>files</dt><dd><ol>\n"
        for (i, file) in program.files.enumerated() {
            let lines = file.lineStarts.count
            let role = i == top ? (top > 0 ? "this pilot" : "this rule set") : "base"
            out += "<li><code>\(HTML.escape(file.path))</code> <span class=\"muted\">(\(role), \(lines) lines, \(file.bytes.count) bytes)</span></li>\n"
        }
        out += "</ol></dd>\n"
        if let source = parsed[top].header?.source {
            out += "<dt>sources</dt><dd>\(HTML.escape(source))</dd>\n"
        }
        out += "</dl>\n"

        let added = program.rules.filter { isAdded($0.origin) }.count
        let overridden = program.rules.filter { if case .overridden = $0.origin { return true } else { return false } }.count
        let proven = compliance.invariants.filter { $0.status == .proven }.count
        let violated = compliance.invariants.filter { $0.status == .violated }.count
        let passed = testResults.filter(\.passed).count
        out += "<div class=\"summary\">\n"
        out += "<div><b>\(program.rules.count)</b>rules in force</div>\n"
        if top > 0 {
            out += "<div><b>\(added)</b>added by \(HTML.escape(topName))</div>\n"
            out += "<div><b>\(overridden)</b>overridden</div>\n"
            out += "<div><b>\(program.disabled.count)</b>switched off</div>\n"
        }
        out += "<div><b>\(program.exceptions.count)</b>exception\(program.exceptions.count == 1 ? "" : "s")</div>\n"
        out += "<div><b>\(proven)/\(compliance.invariants.count)</b>invariants proven"
            + (violated > 0 ? " <span class=\"badge b-violated\">\(violated) violated</span>" : "") + "</div>\n"
        out += "<div><b>\(passed)/\(testResults.count)</b>tests pass</div>\n"
        out += "</div>\n"
        out += """
            <nav class="toc"><strong>Contents</strong><ol>
            <li><a href="#changes">What \(HTML.escape(program.name)) changes</a></li>
            <li><a href="#diagrams">Decision diagrams</a></li>
            <li><a href="#rules">The rules</a></li>
            <li><a href="#exceptions">Exceptions</a></li>
            <li><a href="#invariants">Invariants and compliance</a></li>
            <li><a href="#tests">Test cases</a></li>
            <li><a href="#facts">Facts</a></li>
            </ol></nav>
            </header>

            """
        return out
    }

    // MARK: - What the pilot changes

    private func changes() -> String {
        var out = "<section id=\"changes\">\n<h2>What \(HTML.escape(program.name)) changes against the national file</h2>\n"
        guard top > 0 else {
            out += "<p>This is the national rule set itself: it extends nothing. Pilot files build on it with "
                + "<code>extends national</code>, and may add rules, <code>override</code> them or switch them off with "
                + "<code>disable … because</code>.</p>\n</section>\n"
            return out
        }
        var rows: [String] = []
        for (index, rule) in program.rules.enumerated() {
            switch rule.origin {
            case .inherited: continue
            case .declared(let file) where file != top: continue
            case .declared:
                rows.append(changeRow(badge("added", "b-added"), index: index, what: "new rule" + (rule.kind == "narrowing" ? "; narrows the national target group" : "")))
            case .overridden:
                rows.append(changeRow(badge("overridden", "b-overridden"), index: index, what: "replaces the national rule; the old and new conditions are shown with the rule"))
            }
        }
        for exception in program.exceptions {
            switch exception.origin {
            case .declared(let file) where file == top:
                rows.append("<tr><td>\(badge("added", "b-added"))</td><td><a href=\"#exception-\(HTML.anchor(exception.id))\"><code>\(HTML.escape(exception.id))</code></a></td><td>\(HTML.escape(exception.title ?? ""))</td><td>new exception</td></tr>")
            case .overridden:
                rows.append("<tr><td>\(badge("overridden", "b-overridden"))</td><td><a href=\"#exception-\(HTML.anchor(exception.id))\"><code>\(HTML.escape(exception.id))</code></a></td><td>\(HTML.escape(exception.title ?? ""))</td><td>replaces the national exception</td></tr>")
            default: break
            }
        }
        for off in program.disabled {
            rows.append("<tr><td>\(badge("switched off", "b-disabled"))</td><td><a href=\"#disabled-\(HTML.anchor(off.id))\"><code>\(HTML.escape(off.id))</code></a></td><td>\(HTML.escape(off.declaration.title ?? ""))</td><td>because: \(HTML.escape(off.because))</td></tr>")
        }
        for decision in program.decisions {
            for stage in decision.stages where stage.range.file == top {
                rows.append("<tr><td>\(badge("added stage", "b-added"))</td><td><code>\(HTML.escape(decision.name)).\(HTML.escape(stage.name))</code></td><td>a new step in <code>\(HTML.escape(decision.name))</code> that gives <code>\(HTML.escape(stage.outcome))</code></td><td>\(stagePosition(decision, stage))</td></tr>")
            }
        }
        if rows.isEmpty {
            out += "<p>Nothing: \(HTML.escape(program.name)) uses the national rules as they are.</p>\n"
        } else {
            out += "<table>\n<tr><th>change</th><th>id</th><th>title</th><th>what</th></tr>\n" + rows.joined(separator: "\n") + "\n</table>\n"
        }
        out += "<h3>Narrowings: where the pilot decides more strictly than the national rules</h3>\n"
        out += "<p class=\"muted\">Found by proof over every possible case; set in consultation with the programme council ('in afstemming met de programmaraad', 000 art. 3.1). Each has a counterexample in the compliance output.</p>\n"
        if compliance.narrowings.isEmpty {
            out += "<p>None.</p>\n"
        } else {
            out += "<ul>\n" + compliance.narrowings.map { n in
                let who = n.rule.isEmpty
                    ? "no single rule of the pilot"
                    : "<a href=\"#rule-\(HTML.anchor(n.rule))\"><code>\(HTML.escape(n.rule))</code></a>: \(HTML.escape(n.title))"
                return "<li>\(badge("narrowing", "b-narrowing"))\(HTML.escape(n.question)): \(HTML.escape(n.baseDecision)) → \(HTML.escape(n.decision)), by \(who)</li>"
            }.joined(separator: "\n") + "\n</ul>\n"
        }
        out += "<h3>Deviations from the convenant, as marked in the rule file</h3>\n"
        if compliance.deviations.isEmpty {
            out += "<p>None.</p>\n"
        } else {
            for deviation in compliance.deviations {
                out += "<div class=\"deviation\"><strong>deviation</strong> in <a href=\"#rule-\(HTML.anchor(deviation.rule))\"><code>\(HTML.escape(deviation.rule))</code></a>: \(HTML.escape(deviation.note ?? ""))</div>\n"
            }
        }
        return out + "</section>\n"
    }

    private func changeRow(_ badge: String, index: Int, what: String) -> String {
        let rule = program.rules[index]
        var extra = ""
        if rule.deviation != nil { extra = " " + self.badge("deviation", "b-deviation") }
        return "<tr><td>\(badge)\(extra)</td><td><a href=\"#rule-\(HTML.anchor(rule.id))\"><code>\(HTML.escape(rule.id))</code></a></td><td class=\"title\">\(HTML.escape(rule.title ?? ""))</td><td>\(HTML.escape(what))</td></tr>"
    }

    private func stagePosition(_ decision: DecisionInfo, _ stage: StageInfo) -> String {
        guard let position = decision.stages.firstIndex(where: { $0.name == stage.name }) else { return "" }
        if position + 1 < decision.stages.count {
            return "comes before <code>\(HTML.escape(decision.stages[position + 1].name))</code>"
        }
        return "comes last, before <code>otherwise</code>"
    }

    // MARK: - Diagrams

    private func diagrams() -> String {
        var out = "<section id=\"diagrams\">\n<h2>Decision diagrams</h2>\n"
        out += "<p>Each question is answered stage by stage, top to bottom: the first stage in which a rule holds for certain gives "
            + "its outcome, with the reasons of every rule that holds there. Rules \(HTML.escape(program.name)) added are green, rules it "
            + "overrode orange. An exception (left) lifts the rules its arrows point at. On the right: what each rule produces.</p>\n"
        for (index, decision) in program.decisions.enumerated() {
            out += "<h3 id=\"diagram-\(HTML.anchor(decision.name))\"><code>\(HTML.escape(decision.name))</code>: \(HTML.escape(decision.title ?? ""))</h3>\n"
            out += "<div class=\"diagram-wrap\">\n" + DecisionDiagram(program: program, decision: index).svg() + "\n</div>\n"
        }
        return out + "</section>\n"
    }

    // MARK: - Rules

    private func rules() -> String {
        var out = "<section id=\"rules\">\n<h2>The rules</h2>\n"
        out += "<p>Grouped by the question they answer and the stage in which they act, in the order the engine applies them. "
            + "Test coverage is by the test cases of <code>\(HTML.escape(program.files[top].path))</code>"
            + (top > 0 ? " (the national file's own tests are in the national rulebook)" : "") + ".</p>\n"
        for decision in program.decisions {
            out += "<h3 id=\"decision-\(HTML.anchor(decision.name))\">Decision <code>\(HTML.escape(decision.name))</code>: \(HTML.escape(decision.title ?? ""))</h3>\n"
            out += "<p>Asked when <code>\(HTML.escape(decisionCondition(decision.name) ?? "always"))</code>. Possible outcomes: "
                + decision.outcomes.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: ", ")
                + ", or <code>undetermined</code> when unknown facts could change it.</p>\n"
            for (number, stage) in decision.stages.enumerated() {
                out += "<h4 class=\"stage\">Stage \(number + 1): <code>\(HTML.escape(stage.name))</code> gives <code>\(HTML.escape(stage.outcome))</code>"
                    + (stage.overridesUnknowns ? " <span class=\"muted\">(decides even while facts of earlier stages are unknown)</span>" : "")
                    + (stage.range.file == top && top > 0 ? " " + badge("added stage", "b-added") : "") + "</h4>\n"
                if stage.rules.isEmpty { out += "<p class=\"muted\">No rules in this stage.</p>\n" }
                for ruleIndex in stage.rules { out += ruleCard(ruleIndex) }
                for off in program.disabled {
                    if case .stage(let d, let s)? = off.declaration.placement, d.text == decision.name, s.text == stage.name {
                        out += disabledCard(off)
                    }
                }
            }
            out += "<p><strong>Otherwise</strong>: "
            if let otherwise = decision.otherwise {
                out += "<code>\(HTML.escape(decision.name)) = \(HTML.escape(otherwise))</code>"
                if let reason = decision.otherwiseReason { out += " with reason <code>\(HTML.escape(reason))</code>" }
            } else {
                out += "no outcome"
            }
            out += ", unless unknown facts could still change the outcome (then <code>undetermined</code>).</p>\n"
            if !decision.afterRules.isEmpty {
                out += "<h4 class=\"stage\">After the decision <code>\(HTML.escape(decision.name))</code> <span class=\"muted\">(adds reasons and actions; never changes the outcome)</span></h4>\n"
                for ruleIndex in decision.afterRules { out += ruleCard(ruleIndex) }
            }
            for off in program.disabled {
                if case .after(let d)? = off.declaration.placement, d.text == decision.name { out += disabledCard(off) }
            }
        }
        return out + "</section>\n"
    }

    private func ruleCard(_ index: Int) -> String {
        let rule = program.rules[index]
        let decision = program.decisions[rule.decision]
        var classes = ["rule"]
        var badges = ""
        switch rule.origin {
        case .inherited:
            badges += badge("national", "b-inherited")
        case .declared(let file):
            if file == top && top > 0 { classes.append("added"); badges += badge("added by \(topName)", "b-added") }
            else { badges += badge(stem(program.files[file].path), "b-inherited") }
        case .overridden:
            classes.append("overridden"); badges += badge("overridden by \(topName)", "b-overridden")
        }
        if rule.kind == "narrowing" { badges += badge("narrowing", "b-narrowing") }
        if rule.deviation != nil { classes.append("has-deviation"); badges += badge("deviation", "b-deviation") }

        var out = "<article class=\"\(classes.joined(separator: " "))\" id=\"rule-\(HTML.anchor(rule.id))\">\n"
        out += "<h4>\(HTML.escape(rule.title ?? rule.id)) \(badges)</h4>\n"
        out += "<p class=\"plain\">\(plainWords(index))</p>\n"
        if let deviation = rule.deviation {
            out += "<div class=\"deviation\"><strong>Deviation from the convenant.</strong> \(HTML.escape(deviation))</div>\n"
        }
        out += "<dl class=\"fields short\">\n"
        out += field("id", "<code>\(HTML.escape(rule.id))</code>")
        out += field("kind", rule.kind.map { "<code>\(HTML.escape($0))</code>" } ?? "<span class=\"muted\">none</span>")
        if let stage = rule.stage {
            let info = decision.stages[stage]
            out += field("acts in", "decision <code>\(HTML.escape(decision.name))</code>, stage \(stage + 1) <code>\(HTML.escape(info.name))</code>")
            out += field("outcome", "<code>\(HTML.escape(decision.name)) = \(HTML.escape(info.outcome))</code>")
        } else {
            out += field("acts", "after the decision <code>\(HTML.escape(decision.name))</code>, whatever its outcome")
            out += field("outcome", "<span class=\"muted\">does not change the outcome</span>")
        }
        out += field("reason code", rule.reason.map { "<code>\(HTML.escape($0))</code>" } ?? "<span class=\"muted\">none</span>")
        out += field("referrals", rule.referrals.isEmpty ? "<span class=\"muted\">none</span>" : rule.referrals.map(referralHTML).joined(separator: ", "))
        out += field("actions", rule.actions.isEmpty ? "<span class=\"muted\">none</span>" : rule.actions.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: ", "))
        out += field("valid", HTML.escape(Self.validityText(rule.validity)))
        out += "</dl>\n<dl class=\"fields\">\n"
        let condition = rule.declaration.condition.map(ASTPrinter.print) ?? "(no condition)"
        if case .overridden(_, let baseFile) = rule.origin, let old = baseRule(rule.id, before: top, from: baseFile) {
            let oldCondition = old.condition.map(ASTPrinter.print) ?? "(no condition)"
            var compare = "<div class=\"compare\"><div class=\"old\"><h5>before: \(HTML.escape(stem(program.files[baseFile].path)))</h5><pre><code>\(HTML.escape(oldCondition))</code></pre></div>"
            compare += "<div class=\"new\"><h5>now: \(HTML.escape(topName))</h5><pre><code>\(HTML.escape(condition))</code></pre></div></div>"
            let changed = changedFields(old, rule.declaration)
            if !changed.isEmpty { compare += "<span class=\"muted\">also changed: \(HTML.escape(changed.joined(separator: ", ")))</span>" }
            out += field("when", compare)
        } else {
            out += field("when", "<pre><code>\(HTML.escape(condition))</code></pre>")
        }
        out += field("source", rule.source.map(HTML.escape) ?? "<span class=\"muted\">none given</span>")
        if !rule.liftedBy.isEmpty {
            out += field("lifted by", rule.liftedBy.map {
                let e = program.exceptions[$0]
                return "<a href=\"#exception-\(HTML.anchor(e.id))\"><code>\(HTML.escape(e.id))</code></a>"
            }.joined(separator: ", "))
        } else if rule.stage != nil, program.rules.contains(where: { $0.decision == rule.decision && !$0.liftedBy.isEmpty }) {
            out += field("lifted by", "<span class=\"muted\">no exception lifts it</span>")
        }
        out += field("tests", coverageHTML(index))
        out += "</dl>\n</article>\n"
        return out
    }

    private func disabledCard(_ off: DisabledInfo) -> String {
        var out = "<article class=\"rule disabled\" id=\"disabled-\(HTML.anchor(off.id))\">\n"
        out += "<h4>\(HTML.escape(off.declaration.title ?? off.id)) \(badge("switched off by \(topName)", "b-disabled"))</h4>\n"
        out += "<p class=\"plain\">The national rule <code>\(HTML.escape(off.id))</code> does not apply in \(HTML.escape(program.name)).</p>\n"
        out += "<dl class=\"fields\">\n"
        out += field("because", HTML.escape(off.because))
        out += field("id", "<code>\(HTML.escape(off.id))</code>")
        out += field("was", "<pre><code>\(HTML.escape(off.declaration.condition.map(ASTPrinter.print) ?? "(no condition)"))</code></pre>")
        if let reason = off.declaration.reason { out += field("reason code was", "<code>\(HTML.escape(reason.text))</code>") }
        if let source = off.declaration.source { out += field("source", HTML.escape(source)) }
        return out + "</dl>\n</article>\n"
    }

    /// One sentence: when this holds, what happens.
    private func plainWords(_ index: Int) -> String {
        let rule = program.rules[index]
        let decision = program.decisions[rule.decision]
        var effects: [String] = []
        if let reason = rule.reason { effects.append("reason <code>\(HTML.escape(reason))</code>") }
        if !rule.referrals.isEmpty { effects.append("a referral to " + rule.referrals.map(referralHTML).joined(separator: " and ")) }
        if !rule.actions.isEmpty { effects.append("action " + rule.actions.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: " and ")) }
        let with = effects.isEmpty ? "" : ", with " + effects.joined(separator: ", ")
        if let stage = rule.stage {
            let outcome = decision.stages[stage].outcome
            var sentence = "When this condition holds, the <code>\(HTML.escape(decision.name))</code> decision is "
                + "<strong>\(HTML.escape(outcome))</strong>\(with)"
            if stage > 0 { sentence += ", unless a rule of an earlier stage already decided" }
            if !rule.liftedBy.isEmpty { sentence += "; an exception can lift it" }
            return sentence + "."
        }
        return "After the <code>\(HTML.escape(decision.name))</code> decision, when this condition holds, the verdict gets\(with.isEmpty ? " nothing" : String(with.dropFirst()))."
    }

    private func referralHTML(_ target: ReferralTarget) -> String {
        switch target {
        case .fixed(let place): return "<code>\(HTML.escape(place))</code>"
        case .fact(let slot):
            let fact = program.facts[slot]
            var text = "the place named by <code>\(HTML.escape(fact.name))</code>"
            if case .enumeration(let values) = fact.type {
                text += " (" + values.filter { $0 != "none" }.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: ", ") + ")"
            }
            return text
        }
    }

    private func coverageHTML(_ index: Int) -> String {
        guard !program.tests.isEmpty else { return "<span class=\"muted\">this file has no tests</span>" }
        let fired = coverage.fired[index] ?? []
        let quiet = coverage.quiet[index] ?? []
        let unknown = coverage.unknown[index] ?? []
        var out = ""
        // Missing coverage is a finding for the file's own rules; inherited rules are tested in their own file.
        let own = program.rules[index].origin.file == top
        let missing = own ? "fail" : "muted"
        if fired.isEmpty {
            out += "<span class=\"\(missing)\">no test\(own ? "" : " of this file") shows it firing</span>"
        } else {
            out += "fires in \(fired.count) test\(fired.count == 1 ? "" : "s"):<ul>" + fired.map { "<li>\(testLink($0))</li>" }.joined() + "</ul>"
        }
        let notReached = program.tests.count - fired.count - quiet.count - unknown.count
        if quiet.isEmpty && unknown.isEmpty {
            out += "<span class=\"\(missing)\">no test\(own ? "" : " of this file") shows it not firing</span>"
            if notReached > 0 { out += "<br/>" }
        } else {
            let count = quiet.count + unknown.count
            out += "<details><summary>does not fire in \(count) test\(count == 1 ? "" : "s")</summary><ul>"
                + quiet.map { "<li>\(testLink($0))</li>" }.joined()
                + unknown.map { "<li>\(testLink($0)) <span class=\"muted\">(unknown there)</span></li>" }.joined() + "</ul></details>"
        }
        if notReached > 0 {
            out += "<span class=\"muted\">not evaluated in the other \(notReached) test\(notReached == 1 ? "" : "s") "
                + "(another question, or an earlier stage decided)</span>"
        }
        return out
    }

    private func testLink(_ index: Int) -> String {
        "<a href=\"#test-\(index + 1)\">\(HTML.escape(program.tests[index].title))</a>"
    }

    // MARK: - Exceptions

    private func exceptions() -> String {
        var out = "<section id=\"exceptions\">\n<h2>Exceptions</h2>\n"
        if program.exceptions.isEmpty { return out + "<p>None.</p>\n</section>\n" }
        out += "<p>An exception that holds lifts rules: a lifted rule that holds no longer decides, and an admission by exception "
            + "lists the lifted reasons. Rules of other kinds are not touched and still decide.</p>\n"
        for exception in program.exceptions {
            out += "<div class=\"exception\" id=\"exception-\(HTML.anchor(exception.id))\">\n"
            out += "<h4>\(HTML.escape(exception.title ?? exception.id)) \(originBadge(exception.origin))</h4>\n<dl class=\"fields\">\n"
            out += field("id", "<code>\(HTML.escape(exception.id))</code>")
            out += field("when", "<pre><code>\(HTML.escape(exception.declaration.condition.map(ASTPrinter.print) ?? "(no condition)"))</code></pre>")
            let targets = exception.declaration.lifts.map { target -> String in
                switch target {
                case .rule(let name): return "rule <code>\(HTML.escape(name.text))</code>"
                case .kind(let name): return "every rule of kind <code>\(HTML.escape(name.text))</code>"
                }
            }
            out += field("lifts", targets.joined(separator: "; "))
            out += field("rules lifted", exception.lifts.isEmpty ? "<span class=\"muted\">none in this rule set</span>" : exception.lifts.map {
                let rule = program.rules[$0]
                return "<a href=\"#rule-\(HTML.anchor(rule.id))\"><code>\(HTML.escape(rule.id))</code></a>"
            }.joined(separator: ", "))
            var notLifted: [String] = []
            for (index, rule) in program.rules.enumerated() where rule.stage != nil && !exception.lifts.contains(index) {
                let kind = rule.kind ?? "(no kind)"
                if !notLifted.contains(kind) { notLifted.append(kind) }
            }
            if !notLifted.isEmpty {
                out += field("never lifts", "rules of kind " + notLifted.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: ", "))
            }
            out += field("reason code", exception.reason.map { "<code>\(HTML.escape($0))</code>" } ?? "<span class=\"muted\">none</span>")
            out += field("source", exception.source.map(HTML.escape) ?? "<span class=\"muted\">none given</span>")
            out += field("valid", HTML.escape(Self.validityText(exception.validity)))
            out += "</dl>\n</div>\n"
        }
        return out + "</section>\n"
    }

    // MARK: - Invariants

    private func invariants() -> String {
        var out = "<section id=\"invariants\">\n<h2>Invariants and compliance</h2>\n"
        out += "<p>What the rules must never do, checked by <code>rule-check comply --pilot \(HTML.escape(program.name))</code> over "
            + "every possible case (not a sample). Result: "
            + (compliance.isCompliant ? badge("compliant", "b-proven") : badge("not compliant", "b-violated")) + "</p>\n"
        for invariant in program.invariants {
            let result = compliance.invariants.first { $0.id == invariant.id }
            let status = result?.status ?? .unproven
            out += "<div class=\"invariant \(status.rawValue)\" id=\"invariant-\(HTML.anchor(invariant.id))\">\n"
            out += "<h4>\(HTML.escape(invariant.title ?? invariant.id)) \(badge(status.rawValue, "b-\(status.rawValue)")) \(originBadge(invariant.origin))</h4>\n"
            out += "<dl class=\"fields\">\n"
            out += field("id", "<code>\(HTML.escape(invariant.id))</code>")
            let expression = (invariant.declaration.isNever ? "never " : "always ") + ASTPrinter.print(invariant.declaration.expression)
            out += field("rule", "<pre><code>\(HTML.escape(expression))</code></pre>")
            out += field("source", invariant.source.map(HTML.escape) ?? "<span class=\"muted\">none given</span>")
            if let result {
                switch result.status {
                case .proven:
                    out += field("proof", "proven for every case (\(result.nodes) partial cases searched)")
                case .unproven:
                    out += field("proof", "<span class=\"fail\">not proven</span>: \(HTML.escape(result.reason ?? ""))")
                case .violated:
                    break
                }
            }
            out += "</dl>\n"
            if let result, result.status == .violated {
                out += "<div class=\"violation\"><h4>Violated</h4>\n"
                out += "<p>Decision on the counterexample: <code>\(HTML.escape(result.decision ?? ""))</code></p>\n"
                if !result.rules.isEmpty {
                    out += "<p>Rules involved:</p><ul>" + result.rules.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>\n"
                }
                out += "<p>Counterexample (a case in the case format; save it and run <code>rule-check eval --pilot \(HTML.escape(program.name))</code> on it):</p>\n"
                out += "<pre><code>\(HTML.escape(Self.pretty(result.counterexample ?? "")))</code></pre>\n"
                let documented = program.tests.filter { $0.violates.contains(invariant.id) }
                if !documented.isEmpty {
                    out += "<p class=\"muted\">Documented as a known violation by the test"
                        + (documented.count == 1 ? "" : "s") + " " + documented.map { "“\(HTML.escape($0.title))”" }.joined(separator: ", ") + ".</p>\n"
                }
                out += "</div>\n"
            }
            out += "</div>\n"
        }
        if program.invariants.isEmpty { out += "<p>No invariants are declared.</p>\n" }
        return out + "</section>\n"
    }

    // MARK: - Tests

    private func tests() -> String {
        var out = "<section id=\"tests\">\n<h2>Test cases</h2>\n"
        guard !program.tests.isEmpty else { return out + "<p>This file has no tests.</p>\n</section>\n" }
        let passed = testResults.filter(\.passed).count
        out += "<p>The test cases written in <code>\(HTML.escape(program.files[top].path))</code>, as <code>rule-check test</code> runs them: "
            + "\(passed) passed, \(testResults.count - passed) failed.</p>\n"
        out += "<table>\n<tr><th class=\"num\">#</th><th>test</th><th>line</th><th>expects</th><th>rules that fire</th><th>result</th></tr>\n"
        for (index, result) in testResults.enumerated() {
            let test = result.test
            let line = program.files[test.range.file].location(of: test.range.start).line
            let expects = test.expectations.map { "\($0.decision.text) \($0.outcome.text)" }.joined(separator: "; ")
            var firing: [String] = []
            for (rule, tests) in coverage.fired.sorted(by: { $0.key < $1.key }) where tests.contains(index) {
                firing.append("<a href=\"#rule-\(HTML.anchor(program.rules[rule].id))\"><code>\(HTML.escape(program.rules[rule].id))</code></a>")
            }
            out += "<tr id=\"test-\(index + 1)\"><td class=\"num\">\(index + 1)</td><td class=\"title\">\(HTML.escape(test.title))"
            if !test.violates.isEmpty {
                out += " " + badge("documents a violation of \(test.violates.joined(separator: ", "))", "b-deviation")
            }
            out += "</td><td class=\"num\">\(line)</td><td><code>\(HTML.escape(expects))</code></td><td>\(firing.isEmpty ? "<span class=\"muted\">none</span>" : firing.joined(separator: ", "))</td>"
            if result.passed {
                out += "<td class=\"pass\">passed</td></tr>\n"
            } else {
                out += "<td class=\"fail\">failed: \(HTML.escape(result.failures.joined(separator: "; ")))</td></tr>\n"
            }
        }
        return out + "</table>\n</section>\n"
    }

    // MARK: - Facts

    private func facts() -> String {
        var out = "<section id=\"facts\">\n<h2>Facts</h2>\n<p>What a case may tell (the keys of the case JSON). Unknown facts are "
            + "treated with three-valued logic: a decision that depends on them is <code>undetermined</code>.</p>\n"
        out += "<table>\n<tr><th>fact</th><th>type</th><th>meaning</th></tr>\n"
        for fact in program.facts where !fact.isGroupPresence {
            var type = fact.type.description
            if fact.isRequired { type += ", required" }
            if fact.isOptional { type += ", optional (absent = none)" }
            if let least = fact.atLeast { type += ", at least \(least)" }
            if let most = fact.atMost { type += ", at most \(most)" }
            out += "<tr><td><code>\(HTML.escape(fact.name))</code></td><td>\(HTML.escape(type))</td><td>\(HTML.escape(fact.title ?? ""))</td></tr>\n"
        }
        return out + "</table>\n</section>\n"
    }

    // MARK: - Helpers

    private func field(_ name: String, _ html: String) -> String {
        "<dt>\(HTML.escape(name))</dt><dd>\(html)</dd>\n"
    }

    private func badge(_ text: String, _ cls: String) -> String {
        "<span class=\"badge \(cls)\">\(HTML.escape(text))</span>"
    }

    private func originBadge(_ origin: Origin) -> String {
        switch origin {
        case .inherited: return badge("national", "b-inherited")
        case .declared(let file): return file == top && top > 0 ? badge("added by \(topName)", "b-added") : badge(stem(program.files[file].path), "b-inherited")
        case .overridden: return badge("overridden by \(topName)", "b-overridden")
        }
    }

    private func isAdded(_ origin: Origin) -> Bool {
        if case .declared(let file) = origin { return file == top && top > 0 }
        return false
    }

    /// The rule of that id as the base file declared it (the last base before `before` that has it).
    private func baseRule(_ id: String, before: Int, from preferred: Int) -> RuleDeclaration? {
        let order = [preferred] + (0..<before).reversed().filter { $0 != preferred }
        for file in order where file < parsed.count {
            for declaration in parsed[file].declarations {
                if case .rule(let r) = declaration, r.id.text == id { return r }
            }
        }
        return nil
    }

    private func decisionCondition(_ name: String) -> String? {
        for file in parsed.reversed() {
            for declaration in file.declarations {
                if case .decision(let d) = declaration, d.name.text == name { return d.condition.map(ASTPrinter.print) }
            }
        }
        return nil
    }

    private func changedFields(_ old: RuleDeclaration, _ new: RuleDeclaration) -> [String] {
        var changed: [String] = []
        if old.title != new.title { changed.append("title") }
        if old.source != new.source { changed.append("source") }
        if old.kind?.text != new.kind?.text { changed.append("kind") }
        if old.reason?.text != new.reason?.text { changed.append("reason") }
        if old.referrals.map(\.text) != new.referrals.map(\.text) { changed.append("referrals") }
        if old.actions.map(\.text) != new.actions.map(\.text) { changed.append("actions") }
        if old.validity != new.validity { changed.append("validity") }
        if old.deviation != new.deviation { changed.append(new.deviation == nil ? "deviation removed" : "deviation added") }
        return changed
    }

    /// `rules/groningen.rules` → `groningen`.
    private func stem(_ path: String) -> String {
        let last = path.split(separator: "/").last.map(String.init) ?? path
        if let dot = last.lastIndex(of: ".") { return String(last[..<dot]) }
        return last
    }

    /// A case as JSON with one top-level member per line, so a long counterexample reads well;
    /// text that does not parse as an object is returned as is.
    static func pretty(_ json: String) -> String {
        guard case .success(.object(let members)) = JSONParser.parse(json) else { return json }
        var lines: [String] = []
        for member in members {
            var w = JSONWriter(reservingCapacity: 64)
            w.appendKey(member.key)
            w.appendValue(member.value)
            lines.append("  " + String(decoding: w.bytes, as: UTF8.self))
        }
        return "{\n" + lines.joined(separator: ",\n") + "\n}"
    }

    /// A validity period in words: `always`, `from 2024-03-01`, `until …`, `from … until …` (both inclusive).
    public static func validityText(_ validity: Validity) -> String {
        switch (validity.from, validity.until) {
        case (nil, nil): return "always"
        case (let from?, nil): return "from \(from)"
        case (nil, let until?): return "until \(until) (inclusive)"
        case (let from?, let until?): return "from \(from) until \(until) (inclusive)"
        }
    }
}
