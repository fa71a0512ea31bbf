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
    /// The pilot's rule set the page describes, national rules included.
    public let program: Program
    /// The `comply` result the page shows: invariants, narrowings and deviations of this pilot.
    public let compliance: ComplianceReport
    /// The reader's language: the frame words from `FrameText`, titles from the rule files.
    public let language: TextLanguage
    private let words: FrameText

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

    /// - Parameter language: the reader's language; nil means the rule set's own.
    public init(program: Program, compliance: ComplianceReport? = nil, language: TextLanguage? = nil) {
        self.program = program
        self.language = language ?? program.texts.language
        self.words = FrameText(self.language)
        self.compliance = compliance ?? ComplianceReport(program: program)
        let evaluator = MachineEvaluator(program: program)
        var coverage = Coverage()
        for (testIndex, test) in program.tests.enumerated() {
            let evaluation = evaluator.evaluate(test.facts, trace: true)
            var seen = Set<Int>()
            for event in evaluation.trace.events {
                guard case .rule(let rule, let inForce, let truth, _, _, _) = event, seen.insert(rule).inserted else {
                    continue
                }
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

    private func t(_ word: FrameText.BookWord) -> String { words[book: word] }
    private func say(_ sentence: FrameText.BookSentence) -> String { words.book(sentence) }

    /// A policy text in the reader's language (`RuleTexts`), else as the program has it.
    private func text(_ key: TextKey, _ fallback: String?) -> String? {
        program.texts.text(key, in: language) ?? fallback
    }
    private var rulesetTitle: String { text(.ruleset, program.title) ?? program.name }
    private func ruleTitle(_ rule: RuleInfo) -> String? { text(.rule(rule.id), rule.title) }
    private var topName: String { stem(program.files[top].path) }

    // MARK: - The page

    /// The whole page as one HTML document, the bytes `rule-check doc` writes.
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
        let command =
            "<code>rule-check doc --pilot \(HTML.escape(program.name))\(language == program.texts.language ? "" : " --lang \(language.rawValue)")</code>"
        body +=
            "<footer class=\"muted\"><p>"
            + say(
                .footer(
                    command, program.files.map { "<code>\(HTML.escape($0.path))</code>" }.joined(separator: " + "),
                    "<code>\(HTML.escape(program.sha256))</code>")) + "</p></footer>\n"
        return HTML.page(
            title: "\(t(.rulebook)) \(program.name): \(rulesetTitle)", style: HTML.baseStyle + Self.style, body: body,
            language: language.rawValue)
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
        var out = "<header>\n<p class=\"muted\">\(t(.rulebookOfLVV))</p>\n"
        out += "<h1>\(HTML.escape(rulesetTitle))</h1>\n"
        out += "<dl class=\"meta\">\n"
        out += "<dt>\(t(.ruleSet))</dt><dd><code>\(HTML.escape(program.name))</code>"
        if top > 0 {
            out += " \(t(.extends)) <code>\(HTML.escape(stem(program.files[top - 1].path)))</code>"
        }
        out += "</dd>\n"
        out +=
            "<dt>sha256</dt><dd><code>\(HTML.escape(program.sha256))</code> <span class=\"muted\">(\(t(.ofTheFiles)))</span></dd>\n"
        out += "<dt>\(t(.files))</dt><dd><ol>\n"
        for (i, file) in program.files.enumerated() {
            let lines = file.lineStarts.count
            let role = i == top ? (top > 0 ? t(.thisPilot) : t(.thisRuleSet)) : t(.base)
            out +=
                "<li><code>\(HTML.escape(file.path))</code> <span class=\"muted\">(\(role), \(lines) \(t(.lines)), \(file.bytes.count) \(t(.bytes)))</span></li>\n"
        }
        out += "</ol></dd>\n"
        if let source = parsed[top].header?.source {
            out += "<dt>\(t(.sources))</dt><dd>\(HTML.escape(source))</dd>\n"
        }
        out += "</dl>\n"

        let added = program.rules.filter { isAdded($0.origin) }.count
        let overridden = program.rules.filter { if case .overridden = $0.origin { return true } else { return false } }
            .count
        let proven = compliance.invariants.filter { $0.status == .proven }.count
        let violated = compliance.invariants.filter { $0.status == .violated }.count
        let passed = testResults.filter(\.passed).count
        out += "<div class=\"summary\">\n"
        out += "<div><b>\(program.rules.count)</b>\(t(.rulesInForce))</div>\n"
        if top > 0 {
            out += "<div><b>\(added)</b>\(say(.addedBy(HTML.escape(topName))))</div>\n"
            out += "<div><b>\(overridden)</b>\(t(.overridden))</div>\n"
            out += "<div><b>\(program.disabled.count)</b>\(t(.switchedOff))</div>\n"
        }
        out += "<div><b>\(program.exceptions.count)</b>\(words.exceptions(program.exceptions.count))</div>\n"
        out +=
            "<div><b>\(proven)/\(compliance.invariants.count)</b>\(t(.invariantsProven))"
            + (violated > 0 ? " <span class=\"badge b-violated\">\(violated) \(t(.violated))</span>" : "") + "</div>\n"
        out += "<div><b>\(passed)/\(testResults.count)</b>\(t(.testsPass))</div>\n"
        out += "</div>\n"
        out += """
            <nav class="toc"><strong>\(t(.contents))</strong><ol>
            <li><a href="#changes">\(say(.whatChanges(HTML.escape(program.name))))</a></li>
            <li><a href="#diagrams">\(t(.decisionDiagrams))</a></li>
            <li><a href="#rules">\(t(.theRules))</a></li>
            <li><a href="#exceptions">\(capitalized(t(.exceptions)))</a></li>
            <li><a href="#invariants">\(t(.invariantsAndCompliance))</a></li>
            <li><a href="#tests">\(t(.testCases))</a></li>
            <li><a href="#facts">\(t(.facts))</a></li>
            </ol></nav>
            </header>

            """
        return out
    }

    // MARK: - What the pilot changes

    private func changes() -> String {
        var out = "<section id=\"changes\">\n<h2>\(say(.whatChangesAgainstNational(HTML.escape(program.name))))</h2>\n"
        guard top > 0 else {
            out += "<p>\(t(.nationalItself))</p>\n</section>\n"
            return out
        }
        var rows: [String] = []
        for (index, rule) in program.rules.enumerated() {
            switch rule.origin {
            case .inherited: continue
            case .declared(let file) where file != top: continue
            case .declared:
                rows.append(
                    changeRow(
                        badge(t(.added), "b-added"), index: index,
                        what: t(.newRule) + (rule.kind == "narrowing" ? t(.narrowsTargetGroup) : "")))
            case .overridden:
                rows.append(changeRow(badge(t(.overridden), "b-overridden"), index: index, what: t(.replacesRule)))
            }
        }
        for exception in program.exceptions {
            switch exception.origin {
            case .declared(let file) where file == top:
                rows.append(
                    "<tr><td>\(badge(t(.added), "b-added"))</td><td><a href=\"#exception-\(HTML.anchor(exception.id))\"><code>\(HTML.escape(exception.id))</code></a></td><td>\(HTML.escape(text(.rule(exception.id), exception.title) ?? ""))</td><td>\(t(.newException))</td></tr>"
                )
            case .overridden:
                rows.append(
                    "<tr><td>\(badge(t(.overridden), "b-overridden"))</td><td><a href=\"#exception-\(HTML.anchor(exception.id))\"><code>\(HTML.escape(exception.id))</code></a></td><td>\(HTML.escape(text(.rule(exception.id), exception.title) ?? ""))</td><td>\(t(.replacesException))</td></tr>"
                )
            default: break
            }
        }
        for off in program.disabled {
            rows.append(
                "<tr><td>\(badge(t(.switchedOff), "b-disabled"))</td><td><a href=\"#disabled-\(HTML.anchor(off.id))\"><code>\(HTML.escape(off.id))</code></a></td><td>\(HTML.escape(off.declaration.title ?? ""))</td><td>\(t(.because)): \(HTML.escape(off.because))</td></tr>"
            )
        }
        for decision in program.decisions {
            for stage in decision.stages where stage.range.file == top {
                rows.append(
                    "<tr><td>\(badge(t(.addedStage), "b-added"))</td><td><code>\(HTML.escape(decision.name)).\(HTML.escape(stage.name))</code></td><td>\(say(.newStage("<code>\(HTML.escape(decision.name))</code>", "<code>\(HTML.escape(stage.outcome))</code>")))</td><td>\(stagePosition(decision, stage))</td></tr>"
                )
            }
        }
        if rows.isEmpty {
            out += "<p>\(say(.nothingChanges(HTML.escape(program.name))))</p>\n"
        } else {
            out +=
                "<table>\n<tr><th>\(t(.change))</th><th>\(t(.id))</th><th>\(t(.title))</th><th>\(t(.what))</th></tr>\n"
                + rows.joined(separator: "\n") + "\n</table>\n"
        }
        out += "<h3>\(t(.narrowingsHeading))</h3>\n"
        out += "<p class=\"muted\">\(t(.narrowingsNote))</p>\n"
        if compliance.narrowings.isEmpty {
            out += "<p>\(t(.none))</p>\n"
        } else {
            out +=
                "<ul>\n"
                + compliance.narrowings.map { n in
                    let who =
                        n.rule.isEmpty
                        ? t(.noSingleRule)
                        : "<a href=\"#rule-\(HTML.anchor(n.rule))\"><code>\(HTML.escape(n.rule))</code></a>: \(HTML.escape(text(.rule(n.rule), n.title) ?? n.title))"
                    return
                        "<li>\(badge(t(.narrowing), "b-narrowing"))\(HTML.escape(n.question)): \(HTML.escape(n.baseDecision)) → \(HTML.escape(n.decision)), \(t(.by)) \(who)</li>"
                }.joined(separator: "\n") + "\n</ul>\n"
        }
        out += "<h3>\(words.deviationsHeading)</h3>\n"
        if compliance.deviations.isEmpty {
            out += "<p>\(t(.none))</p>\n"
        } else {
            for deviation in compliance.deviations {
                out +=
                    "<div class=\"deviation\"><strong>\(t(.deviation))</strong> \(t(.inWord)) <a href=\"#rule-\(HTML.anchor(deviation.rule))\"><code>\(HTML.escape(deviation.rule))</code></a>: \(HTML.escape(deviation.note ?? ""))</div>\n"
            }
        }
        return out + "</section>\n"
    }

    private func changeRow(_ badge: String, index: Int, what: String) -> String {
        let rule = program.rules[index]
        var extra = ""
        if rule.deviation != nil { extra = " " + self.badge(t(.deviation), "b-deviation") }
        return
            "<tr><td>\(badge)\(extra)</td><td><a href=\"#rule-\(HTML.anchor(rule.id))\"><code>\(HTML.escape(rule.id))</code></a></td><td class=\"title\">\(HTML.escape(ruleTitle(rule) ?? ""))</td><td>\(HTML.escape(what))</td></tr>"
    }

    private func stagePosition(_ decision: DecisionInfo, _ stage: StageInfo) -> String {
        guard let position = decision.stages.firstIndex(where: { $0.name == stage.name }) else { return "" }
        if position + 1 < decision.stages.count {
            return say(.comesBefore("<code>\(HTML.escape(decision.stages[position + 1].name))</code>"))
        }
        return say(.comesLast)
    }

    // MARK: - Diagrams

    private func diagrams() -> String {
        var out = "<section id=\"diagrams\">\n<h2>\(t(.decisionDiagrams))</h2>\n"
        out += "<p>\(t(.diagramsIntro))</p>\n"
        for (index, decision) in program.decisions.enumerated() {
            out +=
                "<h3 id=\"diagram-\(HTML.anchor(decision.name))\"><code>\(HTML.escape(decision.name))</code>: \(HTML.escape(text(.decision(decision.name), decision.title) ?? ""))</h3>\n"
            out +=
                "<div class=\"diagram-wrap\">\n"
                + DecisionDiagram(program: program, decision: index, language: language).svg() + "\n</div>\n"
        }
        return out + "</section>\n"
    }

    // MARK: - Rules

    private func rules() -> String {
        var out = "<section id=\"rules\">\n<h2>\(t(.theRules))</h2>\n"
        out += "<p>\(say(.rulesIntro("<code>\(HTML.escape(program.files[top].path))</code>", pilot: top > 0)))</p>\n"
        for decision in program.decisions {
            out +=
                "<h3 id=\"decision-\(HTML.anchor(decision.name))\">\(t(.decision)) <code>\(HTML.escape(decision.name))</code>: \(HTML.escape(text(.decision(decision.name), decision.title) ?? ""))</h3>\n"
            out +=
                "<p>\(say(.askedWhen("<code>\(HTML.escape(decisionCondition(decision.name) ?? t(.always)))</code>"))) \(t(.possibleOutcomes)): "
                + decision.outcomes.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: ", ")
                + ", \(t(.orUndetermined)).</p>\n"
            for (number, stage) in decision.stages.enumerated() {
                out +=
                    "<h4 class=\"stage\">\(t(.stage)) \(number + 1): <code>\(HTML.escape(stage.name))</code> \(t(.gives)) <code>\(HTML.escape(stage.outcome))</code>"
                    + (stage.overridesUnknowns ? " <span class=\"muted\">\(t(.decidesEvenUnknown))</span>" : "")
                    + (stage.range.file == top && top > 0 ? " " + badge(t(.addedStage), "b-added") : "") + "</h4>\n"
                if stage.rules.isEmpty { out += "<p class=\"muted\">\(t(.noRulesInStage))</p>\n" }
                for ruleIndex in stage.rules { out += ruleCard(ruleIndex) }
                for off in program.disabled {
                    if case .stage(let d, let s)? = off.declaration.placement, d.text == decision.name,
                        s.text == stage.name
                    {
                        out += disabledCard(off)
                    }
                }
            }
            out += "<p><strong>\(t(.otherwise))</strong>: "
            if let otherwise = decision.otherwise {
                out += "<code>\(HTML.escape(decision.name)) = \(HTML.escape(otherwise))</code>"
                if let reason = decision.otherwiseReason {
                    out += " \(t(.withReason)) <code>\(HTML.escape(reason))</code>"
                }
            } else {
                out += t(.noOutcome)
            }
            out += ", \(t(.unlessUnknown)).</p>\n"
            if !decision.afterRules.isEmpty {
                out +=
                    "<h4 class=\"stage\">\(t(.afterDecision)) <code>\(HTML.escape(decision.name))</code> <span class=\"muted\">\(t(.afterDecisionNote))</span></h4>\n"
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
            badges += badge(t(.national), "b-inherited")
        case .declared(let file):
            if file == top && top > 0 {
                classes.append("added")
                badges += badge(say(.addedBy(topName)), "b-added")
            } else {
                badges += badge(stem(program.files[file].path), "b-inherited")
            }
        case .overridden:
            classes.append("overridden")
            badges += badge(say(.overriddenBy(topName)), "b-overridden")
        }
        if rule.kind == "narrowing" { badges += badge(t(.narrowing), "b-narrowing") }
        if rule.deviation != nil {
            classes.append("has-deviation")
            badges += badge(t(.deviation), "b-deviation")
        }

        var out = "<article class=\"\(classes.joined(separator: " "))\" id=\"rule-\(HTML.anchor(rule.id))\">\n"
        out += "<h4>\(HTML.escape(ruleTitle(rule) ?? rule.id)) \(badges)</h4>\n"
        out += "<p class=\"plain\">\(plainWords(index))</p>\n"
        if let deviation = rule.deviation {
            out +=
                "<div class=\"deviation\"><strong>\(t(.deviationFromConvenant))</strong> \(HTML.escape(deviation))</div>\n"
        }
        out += "<dl class=\"fields short\">\n"
        let none = "<span class=\"muted\">\(words[.none])</span>"
        out += field(t(.id), "<code>\(HTML.escape(rule.id))</code>")
        out += field(t(.kind), rule.kind.map { "<code>\(HTML.escape($0))</code>" } ?? none)
        if let stage = rule.stage {
            let info = decision.stages[stage]
            out += field(
                t(.actsIn),
                say(
                    .actsInStage(
                        "<code>\(HTML.escape(decision.name))</code>", stage + 1,
                        "<code>\(HTML.escape(info.name))</code>")))
            out += field(t(.outcome), "<code>\(HTML.escape(decision.name)) = \(HTML.escape(info.outcome))</code>")
        } else {
            out += field(t(.acts), say(.afterTheDecision("<code>\(HTML.escape(decision.name))</code>")))
            out += field(t(.outcome), "<span class=\"muted\">\(t(.doesNotChangeOutcome))</span>")
        }
        out += field(t(.reasonCode), rule.reason.map { "<code>\(HTML.escape($0))</code>" } ?? none)
        out += field(
            t(.referrals), rule.referrals.isEmpty ? none : rule.referrals.map(referralHTML).joined(separator: ", "))
        out += field(
            t(.actions),
            rule.actions.isEmpty ? none : rule.actions.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: ", ")
        )
        out += field(t(.valid), HTML.escape(words.validity(from: rule.validity.from, until: rule.validity.until)))
        out += "</dl>\n<dl class=\"fields\">\n"
        let condition = rule.declaration.condition.map(ASTPrinter.print) ?? t(.noCondition)
        if case .overridden(_, let baseFile) = rule.origin, let old = baseRule(rule.id, before: top, from: baseFile) {
            let oldCondition = old.condition.map(ASTPrinter.print) ?? t(.noCondition)
            var compare =
                "<div class=\"compare\"><div class=\"old\"><h5>\(t(.before)): \(HTML.escape(stem(program.files[baseFile].path)))</h5><pre><code>\(HTML.escape(oldCondition))</code></pre></div>"
            compare +=
                "<div class=\"new\"><h5>\(t(.now)): \(HTML.escape(topName))</h5><pre><code>\(HTML.escape(condition))</code></pre></div></div>"
            let changed = changedFields(old, rule.declaration)
            if !changed.isEmpty {
                compare +=
                    "<span class=\"muted\">\(t(.alsoChanged)): \(HTML.escape(changed.joined(separator: ", ")))</span>"
            }
            out += field(t(.when), compare)
        } else {
            out += field(t(.when), "<pre><code>\(HTML.escape(condition))</code></pre>")
        }
        out += field(t(.source), rule.source.map(HTML.escape) ?? "<span class=\"muted\">\(t(.noneGiven))</span>")
        if !rule.liftedBy.isEmpty {
            out += field(
                t(.liftedBy),
                rule.liftedBy.map {
                    let e = program.exceptions[$0]
                    return "<a href=\"#exception-\(HTML.anchor(e.id))\"><code>\(HTML.escape(e.id))</code></a>"
                }.joined(separator: ", "))
        } else if rule.stage != nil,
            program.rules.contains(where: { $0.decision == rule.decision && !$0.liftedBy.isEmpty })
        {
            out += field(t(.liftedBy), "<span class=\"muted\">\(t(.noExceptionLifts))</span>")
        }
        out += field(t(.tests), coverageHTML(index))
        out += "</dl>\n</article>\n"
        return out
    }

    private func disabledCard(_ off: DisabledInfo) -> String {
        var out = "<article class=\"rule disabled\" id=\"disabled-\(HTML.anchor(off.id))\">\n"
        out +=
            "<h4>\(HTML.escape(off.declaration.title ?? off.id)) \(badge(say(.switchedOffBy(topName)), "b-disabled"))</h4>\n"
        out +=
            "<p class=\"plain\">\(say(.notInPilot("<code>\(HTML.escape(off.id))</code>", HTML.escape(program.name))))</p>\n"
        out += "<dl class=\"fields\">\n"
        out += field(t(.because), HTML.escape(off.because))
        out += field(t(.id), "<code>\(HTML.escape(off.id))</code>")
        out += field(
            t(.was),
            "<pre><code>\(HTML.escape(off.declaration.condition.map(ASTPrinter.print) ?? t(.noCondition)))</code></pre>"
        )
        if let reason = off.declaration.reason {
            out += field(t(.reasonCodeWas), "<code>\(HTML.escape(reason.text))</code>")
        }
        if let source = off.declaration.source { out += field(t(.source), HTML.escape(source)) }
        return out + "</dl>\n</article>\n"
    }

    /// One sentence: when this holds, what happens.
    private func plainWords(_ index: Int) -> String {
        let rule = program.rules[index]
        let decision = program.decisions[rule.decision]
        var effects: [String] = []
        let and = " \(t(.and)) "
        if let reason = rule.reason { effects.append("\(t(.reason)) <code>\(HTML.escape(reason))</code>") }
        if !rule.referrals.isEmpty {
            effects.append("\(t(.referralTo)) " + rule.referrals.map(referralHTML).joined(separator: and))
        }
        if !rule.actions.isEmpty {
            effects.append(
                "\(t(.action)) " + rule.actions.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: and))
        }
        let with = effects.joined(separator: ", ")
        let name = "<code>\(HTML.escape(decision.name))</code>"
        if let stage = rule.stage {
            return say(
                .whenHolds(
                    name, HTML.escape(decision.stages[stage].outcome), with: with, earlier: stage > 0,
                    liftable: !rule.liftedBy.isEmpty))
        }
        return say(.afterGets(name, with: with))
    }

    private func referralHTML(_ target: ReferralTarget) -> String {
        switch target {
        case .fixed(let place): return "<code>\(HTML.escape(place))</code>"
        case .fact(let slot):
            let fact = program.facts[slot]
            var text = "\(t(.placeNamedBy)) <code>\(HTML.escape(fact.name))</code>"
            if case .enumeration(let values) = fact.type {
                text +=
                    " ("
                    + values.filter { $0 != "none" }.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: ", ")
                    + ")"
            }
            return text
        }
    }

    private func coverageHTML(_ index: Int) -> String {
        guard !program.tests.isEmpty else { return "<span class=\"muted\">\(t(.noTestsInFile))</span>" }
        let fired = coverage.fired[index] ?? []
        let quiet = coverage.quiet[index] ?? []
        let unknown = coverage.unknown[index] ?? []
        var out = ""
        // Missing coverage is a finding for the file's own rules; inherited rules are tested in their own file.
        let own = program.rules[index].origin.file == top
        let missing = own ? "fail" : "muted"
        if fired.isEmpty {
            out += "<span class=\"\(missing)\">\(say(.noTestFires(own: own)))</span>"
        } else {
            out += say(.firesIn(fired.count)) + "<ul>" + fired.map { "<li>\(testLink($0))</li>" }.joined() + "</ul>"
        }
        let notReached = program.tests.count - fired.count - quiet.count - unknown.count
        if quiet.isEmpty && unknown.isEmpty {
            out += "<span class=\"\(missing)\">\(say(.noTestQuiet(own: own)))</span>"
            if notReached > 0 { out += "<br/>" }
        } else {
            let count = quiet.count + unknown.count
            out +=
                "<details><summary>\(say(.quietIn(count)))</summary><ul>"
                + quiet.map { "<li>\(testLink($0))</li>" }.joined()
                + unknown.map { "<li>\(testLink($0)) <span class=\"muted\">\(t(.unknownThere))</span></li>" }.joined()
                + "</ul></details>"
        }
        if notReached > 0 {
            out += "<span class=\"muted\">\(say(.notReached(notReached)))</span>"
        }
        return out
    }

    private func testLink(_ index: Int) -> String {
        "<a href=\"#test-\(index + 1)\">\(HTML.escape(program.tests[index].title))</a>"
    }

    // MARK: - Exceptions

    private func exceptions() -> String {
        var out = "<section id=\"exceptions\">\n<h2>\(capitalized(t(.exceptions)))</h2>\n"
        if program.exceptions.isEmpty { return out + "<p>\(t(.none))</p>\n</section>\n" }
        out += "<p>\(t(.exceptionsIntro))</p>\n"
        for exception in program.exceptions {
            out += "<div class=\"exception\" id=\"exception-\(HTML.anchor(exception.id))\">\n"
            out +=
                "<h4>\(HTML.escape(text(.rule(exception.id), exception.title) ?? exception.id)) \(originBadge(exception.origin))</h4>\n<dl class=\"fields\">\n"
            out += field(t(.id), "<code>\(HTML.escape(exception.id))</code>")
            out += field(
                t(.when),
                "<pre><code>\(HTML.escape(exception.declaration.condition.map(ASTPrinter.print) ?? t(.noCondition)))</code></pre>"
            )
            let targets = exception.declaration.lifts.map { target -> String in
                switch target {
                case .rule(let name): return "\(t(.ruleWord)) <code>\(HTML.escape(name.text))</code>"
                case .kind(let name): return "\(t(.everyRuleOfKind)) <code>\(HTML.escape(name.text))</code>"
                }
            }
            out += field(t(.lifts), targets.joined(separator: "; "))
            out += field(
                t(.rulesLifted),
                exception.lifts.isEmpty
                    ? "<span class=\"muted\">\(t(.noneInRuleSet))</span>"
                    : exception.lifts.map {
                        let rule = program.rules[$0]
                        return "<a href=\"#rule-\(HTML.anchor(rule.id))\"><code>\(HTML.escape(rule.id))</code></a>"
                    }.joined(separator: ", "))
            var notLifted: [String] = []
            for (index, rule) in program.rules.enumerated() where rule.stage != nil && !exception.lifts.contains(index)
            {
                let kind = rule.kind ?? t(.noKind)
                if !notLifted.contains(kind) { notLifted.append(kind) }
            }
            if !notLifted.isEmpty {
                out += field(
                    t(.neverLifts),
                    "\(t(.rulesOfKind)) " + notLifted.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: ", "))
            }
            out += field(
                t(.reasonCode),
                exception.reason.map { "<code>\(HTML.escape($0))</code>" }
                    ?? "<span class=\"muted\">\(words[.none])</span>")
            out += field(
                t(.source), exception.source.map(HTML.escape) ?? "<span class=\"muted\">\(t(.noneGiven))</span>")
            out += field(
                t(.valid), HTML.escape(words.validity(from: exception.validity.from, until: exception.validity.until)))
            out += "</dl>\n</div>\n"
        }
        return out + "</section>\n"
    }

    // MARK: - Invariants

    private func invariants() -> String {
        var out = "<section id=\"invariants\">\n<h2>\(t(.invariantsAndCompliance))</h2>\n"
        out +=
            "<p>" + say(.invariantsIntro("<code>rule-check comply --pilot \(HTML.escape(program.name))</code>")) + " "
            + (compliance.isCompliant ? badge(t(.compliant), "b-proven") : badge(t(.notCompliant), "b-violated"))
            + "</p>\n"
        for invariant in program.invariants {
            let result = compliance.invariants.first { $0.id == invariant.id }
            let status = result?.status ?? .unproven
            out += "<div class=\"invariant \(status.rawValue)\" id=\"invariant-\(HTML.anchor(invariant.id))\">\n"
            out +=
                "<h4>\(HTML.escape(text(.invariant(invariant.id), invariant.title) ?? invariant.id)) \(badge(statusWord(status), "b-\(status.rawValue)")) \(originBadge(invariant.origin))</h4>\n"
            out += "<dl class=\"fields\">\n"
            out += field(t(.id), "<code>\(HTML.escape(invariant.id))</code>")
            let expression =
                (invariant.declaration.isNever ? "never " : "always ")
                + ASTPrinter.print(invariant.declaration.expression)
            out += field(t(.rule), "<pre><code>\(HTML.escape(expression))</code></pre>")
            out += field(
                t(.source), invariant.source.map(HTML.escape) ?? "<span class=\"muted\">\(t(.noneGiven))</span>")
            if let result {
                switch result.status {
                case .proven:
                    out += field(t(.proof), words.proven(nodes: result.nodes))
                case .unproven:
                    out += field(
                        t(.proof), "<span class=\"fail\">\(t(.notProven))</span>: \(HTML.escape(result.reason ?? ""))")
                case .violated:
                    break
                }
            }
            out += "</dl>\n"
            if let result, result.status == .violated {
                out += "<div class=\"violation\"><h4>\(t(.violatedHeading))</h4>\n"
                out += "<p>\(t(.decisionOnCounterexample)): <code>\(HTML.escape(result.decision ?? ""))</code></p>\n"
                if !result.rules.isEmpty {
                    out +=
                        "<p>\(t(.rulesInvolved))</p><ul>" + result.rules.map { "<li>\(HTML.escape($0))</li>" }.joined()
                        + "</ul>\n"
                }
                out +=
                    "<p>" + say(.counterexample("<code>rule-check eval --pilot \(HTML.escape(program.name))</code>"))
                    + "</p>\n"
                out += "<pre><code>\(HTML.escape(Self.pretty(result.counterexample ?? "")))</code></pre>\n"
                let documented = program.tests.filter { $0.violates.contains(invariant.id) }
                if !documented.isEmpty {
                    out +=
                        "<p class=\"muted\">"
                        + say(
                            .documentedBy(
                                documented.count,
                                documented.map { "“\(HTML.escape($0.title))”" }.joined(separator: ", "))) + "</p>\n"
                }
                out += "</div>\n"
            }
            out += "</div>\n"
        }
        if program.invariants.isEmpty { out += "<p>\(t(.noInvariants))</p>\n" }
        return out + "</section>\n"
    }

    // MARK: - Tests

    private func tests() -> String {
        var out = "<section id=\"tests\">\n<h2>\(t(.testCases))</h2>\n"
        guard !program.tests.isEmpty else { return out + "<p>\(t(.noTests))</p>\n</section>\n" }
        let passed = testResults.filter(\.passed).count
        out +=
            "<p>"
            + say(
                .testsIntro("<code>\(HTML.escape(program.files[top].path))</code>", passed, testResults.count - passed))
            + "</p>\n"
        out +=
            "<table>\n<tr><th class=\"num\">#</th><th>test</th><th>\(t(.line))</th><th>\(t(.expects))</th><th>\(t(.rulesThatFire))</th><th>\(t(.result))</th></tr>\n"
        for (index, result) in testResults.enumerated() {
            let test = result.test
            let line = program.files[test.range.file].location(of: test.range.start).line
            let expects = test.expectations.map { "\($0.decision.text) \($0.outcome.text)" }.joined(separator: "; ")
            var firing: [String] = []
            for (rule, tests) in coverage.fired.sorted(by: { $0.key < $1.key }) where tests.contains(index) {
                firing.append(
                    "<a href=\"#rule-\(HTML.anchor(program.rules[rule].id))\"><code>\(HTML.escape(program.rules[rule].id))</code></a>"
                )
            }
            out +=
                "<tr id=\"test-\(index + 1)\"><td class=\"num\">\(index + 1)</td><td class=\"title\">\(HTML.escape(test.title))"
            if !test.violates.isEmpty {
                out += " " + badge("\(t(.documentsViolation)) \(test.violates.joined(separator: ", "))", "b-deviation")
            }
            out +=
                "</td><td class=\"num\">\(line)</td><td><code>\(HTML.escape(expects))</code></td><td>\(firing.isEmpty ? "<span class=\"muted\">\(words[.none])</span>" : firing.joined(separator: ", "))</td>"
            if result.passed {
                out += "<td class=\"pass\">\(t(.passed))</td></tr>\n"
            } else {
                out +=
                    "<td class=\"fail\">\(t(.failed)): \(HTML.escape(result.failures.joined(separator: "; ")))</td></tr>\n"
            }
        }
        return out + "</table>\n</section>\n"
    }

    // MARK: - Facts

    private func facts() -> String {
        var out = "<section id=\"facts\">\n<h2>\(t(.facts))</h2>\n<p>\(t(.factsIntro))</p>\n"
        out += "<table>\n<tr><th>\(t(.fact))</th><th>\(t(.type))</th><th>\(t(.meaning))</th></tr>\n"
        for fact in program.facts where !fact.isGroupPresence {
            var type = fact.type.description
            if fact.isRequired { type += ", \(t(.required))" }
            if fact.isOptional { type += ", \(t(.optional))" }
            if let least = fact.atLeast { type += ", \(t(.atLeast)) \(least)" }
            if let most = fact.atMost { type += ", \(t(.atMost)) \(most)" }
            out +=
                "<tr><td><code>\(HTML.escape(fact.name))</code></td><td>\(HTML.escape(type))</td><td>\(HTML.escape(text(.fact(fact.name), fact.title) ?? ""))</td></tr>\n"
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
        case .inherited: return badge(t(.national), "b-inherited")
        case .declared(let file):
            return file == top && top > 0
                ? badge(say(.addedBy(topName)), "b-added") : badge(stem(program.files[file].path), "b-inherited")
        case .overridden: return badge(say(.overriddenBy(topName)), "b-overridden")
        }
    }

    /// An invariant's status as a badge says it.
    private func statusWord(_ status: ComplianceReport.InvariantResult.Status) -> String {
        switch status {
        case .proven: return t(.proven)
        case .unproven: return t(.unproven)
        case .violated: return t(.violated)
        }
    }

    /// `uitzonderingen` → `Uitzonderingen`, for a heading.
    private func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

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
        if old.title != new.title { changed.append(t(.fieldTitle)) }
        if old.source != new.source { changed.append(t(.fieldSource)) }
        if old.kind?.text != new.kind?.text { changed.append(t(.fieldKind)) }
        if old.reason?.text != new.reason?.text { changed.append(t(.fieldReason)) }
        if old.referrals.map(\.text) != new.referrals.map(\.text) { changed.append(t(.fieldReferrals)) }
        if old.actions.map(\.text) != new.actions.map(\.text) { changed.append(t(.fieldActions)) }
        if old.validity != new.validity { changed.append(t(.fieldValidity)) }
        if old.deviation != new.deviation {
            changed.append(new.deviation == nil ? t(.deviationRemoved) : t(.deviationAdded))
        }
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
}
