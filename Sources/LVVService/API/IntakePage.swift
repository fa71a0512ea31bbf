import LVVPresentation
import LVVRules
import RuleDSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The intake page at `GET /`: one self-contained HTML page (no scripts, no external assets),
/// rendered on the server from the URL's parameters alone, so a link is the whole state and
/// `chromium --headless --dump-dom URL` shows the verdict. It asks, one at a time, the facts in
/// the current verdict's `missing_facts`: exactly the unknown facts that could still change the
/// decision. Nothing is stored, here or in the browser (`Cache-Control: no-store`).
///
/// Parameters: `pilot`, `lang`, `case_id`, one per fact given (its name, `group.field` for a
/// group), `skip` (facts the case worker could not answer, comma-separated) and `skip_add`.
enum IntakePage {
    static func response(_ head: HTTPRequestHead, snapshot: ServedRules.Snapshot, language: TextLanguage)
        -> HTTPResponse
    {
        let program = head.parameter("pilot").flatMap { snapshot.program($0) }
        let html = render(head, snapshot: snapshot, program: program, language: language)
        return HTTPResponse(
            status: 200,
            headers: [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Cache-Control", "no-store"),
                ("Referrer-Policy", "no-referrer"),
                ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"),
                ("Content-Language", language.rawValue),
                (HTTPServer.hashHeader, program?.sha256 ?? snapshot.sha256),
            ], body: Array(html.utf8))
    }

    private static func t(_ word: FrameText.PageWord, _ language: TextLanguage) -> String {
        FrameText(language)[page: word]
    }
    private static func e(_ text: String) -> String { HTML.escape(text) }

    static func render(
        _ head: HTTPRequestHead, snapshot: ServedRules.Snapshot, program: Program?, language: TextLanguage
    ) -> String {
        var body = "<h1>\(e(t(.title, language)))</h1>\n<p class=\"intro\">\(e(t(.intro, language)))</p>\n"
        body += pilotChooser(snapshot, program, language)
        if let program {
            body += interview(head, program, language)
        }
        return """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>\(e(t(.title, language)))</title>
            <style>\(style)</style></head>
            <body><main>
            \(body)</main></body></html>

            """
    }

    private static func pilotChooser(_ snapshot: ServedRules.Snapshot, _ program: Program?, _ language: TextLanguage)
        -> String
    {
        var out =
            "<form method=\"get\" action=\"/\" autocomplete=\"off\" id=\"pilot-form\"><input type=\"hidden\" name=\"lang\" value=\"\(language.rawValue)\">"
        out += "<label>\(e(t(.pilot, language))) <select name=\"pilot\">"
        for candidate in snapshot.pilots {
            let selected = candidate.name == program?.name ? " selected" : ""
            out += "<option value=\"\(e(candidate.name))\"\(selected)>\(e(candidate.title ?? candidate.name))</option>"
        }
        out += "</select></label> <button type=\"submit\">\(e(t(.choose, language)))</button>"
        for other in TextLanguage.allCases where other != language {
            out +=
                " <a href=\"/?lang=\(other.rawValue)\(program.map { "&amp;pilot=\(e($0.name))" } ?? "")\" hreflang=\"\(other.rawValue)\">\(e(FrameText(other)[page: .languageName]))</a>"
        }
        return out + "</form>\n"
    }

    /// The answers so far, the verdict they give, and the next question.
    private static func interview(_ head: HTTPRequestHead, _ program: Program, _ language: TextLanguage) -> String {
        let facts = ServiceJSON.askable(program)
        var answers: [(fact: FactInfo, value: String)] = []
        // `add_fact`/`add_value`: a fact the case worker gives unasked (the form below the verdict).
        let added = head.parameter("add_fact").flatMap { name in head.parameter("add_value").map { (name, $0) } }
        for fact in facts {
            if let value = head.parameter(fact.name), !value.isEmpty {
                answers.append((fact, value))
            } else if let added, added.0 == fact.name, !added.1.isEmpty {
                answers.append((fact, added.1))
            }
        }
        let caseID = head.parameter("case_id").flatMap { $0.isEmpty ? nil : $0 } ?? "intake"
        var skipped = Set((head.parameter("skip") ?? "").split(separator: ",").map(String.init))
        if let added = head.parameter("skip_add"), !added.isEmpty { skipped.insert(added) }
        let caseValue = caseJSON(caseID: caseID, answers: answers)
        var out = ""

        let reference = program.referenceFact.map { program.facts[$0] }
        let state = hiddenState(program, language, caseID, answers, skipped)
        if let reference, !answers.contains(where: { $0.fact.name == reference.name }) {
            // No decision without the day it is taken for: ask that first, today suggested.
            out += questionForm(
                reference, text: t(.referenceDate, language), suggested: today(), state: state, language, canSkip: false
            )
            out += answersList(answers, program, language, head)
            return out
        }
        switch CaseReader(program: program).read(caseValue) {
        case .failure(let problem):
            out +=
                "<section id=\"case-error\" class=\"error\"><h2>\(e(t(.caseError, language)))</h2><p>\(e(problem.message))</p></section>\n"
        case .success(let input):
            let verdict = VerdictBuilder(program: program).verdict(for: input, trace: false)
            let next = verdict.missingFacts.first { !skipped.contains($0) }.flatMap { name in
                facts.first { $0.name == name }
            }
            if let next {
                out += questionForm(
                    next, text: ServiceJSON.question(next, program, language), suggested: nil, state: state, language,
                    canSkip: true, program: program)
            } else if verdict.decision == DecisionResult.undetermined {
                out += "<p id=\"no-more\">\(e(t(.noMore, language)))</p>\n"
            }
            out += verdictSection(verdict, program, language)
            out += whyNotSection(verdict, program, language)
            out += otherFactForm(
                facts.filter { fact in !answers.contains { $0.fact.name == fact.name } }, program, state: state,
                language)
        }
        out += answersList(answers, program, language, head)
        var w = JSONWriter(reservingCapacity: 512)
        w.appendValue(caseValue)
        let json = String(decoding: w.bytes, as: UTF8.self) + "\n"
        let href =
            "data:application/json;charset=utf-8,"
            + PlainText.percentEncoded(json)
        out +=
            "<p><a id=\"download\" download=\"\(e(fileSafe(caseID))).json\" href=\"\(e(href))\">\(e(t(.download, language)))</a>"
        out +=
            " · <a href=\"/?lang=\(language.rawValue)&amp;pilot=\(e(program.name))\">\(e(t(.restart, language)))</a></p>\n"
        out +=
            "<p class=\"ruleset\">\(e(t(.ruleSet, language))): \(e(program.name)), sha256 <code>\(e(program.sha256))</code></p>\n"
        return out
    }

    /// The case in the contract's format: the answers typed by their facts, groups as objects.
    static func caseJSON(caseID: String, answers: [(fact: FactInfo, value: String)]) -> JSONValue {
        var members = [JSONMember(key: CaseReader.caseIDKey, value: .string(caseID), offset: 0)]
        var groups: [(name: String, members: [JSONMember])] = []
        for (fact, text) in answers where fact.name != CaseReader.caseIDKey {
            let value = typed(fact, text)
            if let group = fact.group {
                let field = String(fact.name.dropFirst(group.count + 1))
                if let i = groups.firstIndex(where: { $0.name == group }) {
                    groups[i].members.append(JSONMember(key: field, value: value, offset: 0))
                } else {
                    groups.append((group, [JSONMember(key: field, value: value, offset: 0)]))
                    members.append(JSONMember(key: group, value: .null, offset: 0))
                }
            } else {
                members.append(JSONMember(key: fact.name, value: value, offset: 0))
            }
        }
        members = members.map { member in
            guard let group = groups.first(where: { $0.name == member.key }) else { return member }
            return JSONMember(key: member.key, value: .object(group.members), offset: 0)
        }
        return .object(members)
    }

    /// A parameter as the JSON value its fact takes; a value of the wrong form stays a text, so
    /// the case reader names the fact and what was wrong.
    private static func typed(_ fact: FactInfo, _ text: String) -> JSONValue {
        switch fact.type {
        case .bool:
            return text == "true" ? .bool(true) : text == "false" ? .bool(false) : .string(text)
        case .number:
            if case .success(.number(let n)) = JSONParser.parse(text) { return .number(n) }
            return .string(text)
        case .set:
            return .array(text.split(separator: ",").map { .string($0.trimmingSpaces()) })
        case .text, .date, .enumeration, .none, .unresolved:
            return .string(text)
        }
    }

    private static func hiddenState(
        _ program: Program, _ language: TextLanguage, _ caseID: String,
        _ answers: [(fact: FactInfo, value: String)], _ skipped: Set<String>
    ) -> String {
        var out =
            "<input type=\"hidden\" name=\"pilot\" value=\"\(e(program.name))\"><input type=\"hidden\" name=\"lang\" value=\"\(language.rawValue)\">"
        out += "<input type=\"hidden\" name=\"case_id\" value=\"\(e(caseID))\">"
        for (fact, value) in answers { out += "<input type=\"hidden\" name=\"\(e(fact.name))\" value=\"\(e(value))\">" }
        if !skipped.isEmpty {
            out += "<input type=\"hidden\" name=\"skip\" value=\"\(e(skipped.sorted().joined(separator: ",")))\">"
        }
        return out
    }

    private static func questionForm(
        _ fact: FactInfo, text: String, suggested: String?, state: String, _ language: TextLanguage,
        canSkip: Bool, program: Program? = nil
    ) -> String {
        var out =
            "<form method=\"get\" action=\"/\" autocomplete=\"off\" id=\"question\" data-fact=\"\(e(fact.name))\">\(state)"
        out +=
            "<fieldset><legend>\(e(t(.question, language)))</legend><p class=\"ask\"><label for=\"answer\">\(e(text))</label></p>"
        if let program, let party = ServiceJSON.checkedBy(fact.name, program, language) {
            out += "<p class=\"who\">\(e(t(.checkedBy, language))): \(e(party))</p>"
        }
        let name = e(fact.name)
        switch fact.type {
        case .bool:
            out +=
                "<label><input type=\"radio\" id=\"answer\" name=\"\(name)\" value=\"true\" required> \(e(t(.yes, language)))</label> "
            out += "<label><input type=\"radio\" name=\"\(name)\" value=\"false\"> \(e(t(.no, language)))</label>"
        case .enumeration(let values):
            out += "<select id=\"answer\" name=\"\(name)\" required><option value=\"\"></option>"
            for value in values {
                // The rule file's text for an option, beside the value the case holds.
                let reads =
                    program.flatMap { $0.texts.option(value, of: fact.name, in: language) }.map { ": \($0)" } ?? ""
                out += "<option value=\"\(e(value))\">\(e(value + reads))</option>"
            }
            out += "</select>"
        case .date:
            out += "<input type=\"date\" id=\"answer\" name=\"\(name)\" required value=\"\(e(suggested ?? ""))\">"
        case .number:
            out += "<input type=\"number\" id=\"answer\" name=\"\(name)\" step=\"any\" required>"
        case .text, .set, .none, .unresolved:
            out += "<input type=\"text\" id=\"answer\" name=\"\(name)\" required>"
        }
        out += " <button type=\"submit\">\(e(t(.next, language)))</button>"
        if canSkip {
            out +=
                " <button type=\"submit\" name=\"skip_add\" value=\"\(name)\" formnovalidate>\(e(t(.unknown, language)))</button>"
        }
        return out + "</fieldset></form>\n"
    }

    /// Any fact not yet given, unasked: a decided verdict lists no missing facts, yet the case
    /// worker may know more (a V-number found after a `refer`).
    private static func otherFactForm(_ facts: [FactInfo], _ program: Program, state: String, _ language: TextLanguage)
        -> String
    {
        guard !facts.isEmpty else { return "" }
        var out =
            "<details><summary>\(e(t(.other, language)))</summary><form method=\"get\" action=\"/\" autocomplete=\"off\" id=\"other\">\(state)"
        out +=
            "<select name=\"add_fact\">"
            + facts.map { "<option value=\"\(e($0.name))\">\(e(ServiceJSON.question($0, program, language)))</option>" }
            .joined() + "</select> "
        out +=
            "<input type=\"text\" name=\"add_value\" required> <button type=\"submit\">\(e(t(.next, language)))</button></form></details>\n"
        return out
    }

    private static func verdictSection(_ verdict: Verdict, _ program: Program, _ language: TextLanguage) -> String {
        var out =
            "<section id=\"verdict\" data-decision=\"\(e(verdict.decision))\" data-question=\"\(e(verdict.question))\">"
        // The decision in words: the rule file's outcome text, as `eval` explains it.
        let words = FrameText(language)
        let label =
            verdict.decision == DecisionResult.undetermined
            ? words.undetermined(missing: verdict.missingFacts.count)
            : program.texts.text(.outcome(decision: verdict.question, outcome: verdict.decision), in: language)
                ?? words.outcome(verdict.decision)
        out +=
            "<h2>\(e(t(.decision, language))): <span id=\"decision\" class=\"decision \(e(verdict.decision))\">\(e(label))</span> <code>\(e(verdict.decision))</code></h2>"
        let deciding = verdict.reasons.filter { !$0.isOverridden }
        let overridden = verdict.reasons.filter(\.isOverridden)
        if !deciding.isEmpty { out += reasons(deciding, id: "reasons", t(.reasons, language), program, language) }
        if !overridden.isEmpty {
            out += reasons(overridden, id: "overridden", t(.overridden, language), program, language)
        }
        if !verdict.referrals.isEmpty {
            out +=
                "<h3>\(e(t(.referrals, language)))</h3><ul id=\"referrals\">"
                + verdict.referrals.map { "<li>\(described(.referrals, $0, program, language))</li>" }.joined()
                + "</ul>"
        }
        if !verdict.missingFacts.isEmpty {
            out += "<h3>\(e(t(.missing, language)))</h3><ul id=\"missing\">"
            for name in verdict.missingFacts {
                let fact = program.factSlots[name].map { program.facts[$0] }
                var line =
                    "<li data-fact=\"\(e(name))\">\(e(fact.map { ServiceJSON.question($0, program, language) } ?? name)) <code>\(e(name))</code>"
                if let party = ServiceJSON.checkedBy(name, program, language) {
                    line += " — \(e(t(.checkedBy, language))) <strong>\(e(party))</strong>"
                }
                out += line + "</li>"
            }
            out += "</ul>"
        }
        if !verdict.actions.isEmpty {
            out +=
                "<h3>\(e(t(.actions, language)))</h3><ul id=\"actions\">"
                + verdict.actions.map { "<li>\(described(.actions, $0, program, language))</li>" }.joined() + "</ul>"
        }
        if let advice = verdict.scenarioAdvice {
            let advised =
                advice.scenario.flatMap {
                    program.texts.text(.outcome(decision: VerdictBuilder.adviceDecision, outcome: $0), in: language)
                }
                ?? (advice.scenario == nil ? FrameText(language)[.noAdviceYet] : "")
            out +=
                "<h3>\(e(t(.advice, language)))</h3><p id=\"advice\">\(e(advised)) <code>\(e(advice.scenario ?? "null"))</code></p>"
            if !advice.reasons.isEmpty { out += reasons(advice.reasons, id: "advice-reasons", "", program, language) }
        }
        return out + "</section>\n"
    }

    /// A referral or action: the rule file's text for it, then its code.
    private static func described(
        _ kind: VocabularyDeclaration.Kind, _ code: String, _ program: Program, _ language: TextLanguage
    ) -> String {
        let text = program.texts.text(.word(kind, code), in: language)
        return (text.map { e($0) + " " } ?? "") + "<code>\(e(code))</code>"
    }

    /// "What would have to change" (`eval --why-not`): for a decision other than the question's
    /// `otherwise`, the smallest sets of changes that would give it; for an undetermined case,
    /// the missing facts that would decide it. Fact names and values are shown as code.
    private static func whyNotSection(_ verdict: Verdict, _ program: Program, _ language: TextLanguage) -> String {
        guard let counterfactuals = WhyNot(program: program).explain(verdict) else { return "" }
        let lines = WhyNotText.lines(counterfactuals, program: program, language: language)
        let kind: String
        switch counterfactuals.kind {
        case .flips: kind = "flip"
        case .settles: kind = "settle"
        }
        var out = "<section id=\"why-not\" data-kind=\"\(kind)\"><h3>\(e(lines.heading))</h3>"
        if !lines.items.isEmpty {
            out += "<ol>"
            for item in lines.items {
                out += "<li>\(code(item.text))"
                if !item.details.isEmpty {
                    out += "<ul>" + item.details.map { "<li>\(code($0))</li>" }.joined() + "</ul>"
                }
                out += "</li>"
            }
            out += "</ol>"
        }
        for note in lines.notes { out += "<p class=\"note\">\(code(note))</p>" }
        return out + "</section>\n"
    }

    /// Text with `backticks` as HTML, the quoted parts as code, everything escaped.
    private static func code(_ text: String) -> String {
        text.split(separator: "`", omittingEmptySubsequences: false).enumerated().map { index, part in
            index % 2 == 1 ? "<code>\(e(String(part)))</code>" : e(String(part))
        }.joined()
    }

    private static func reasons(
        _ list: [VerdictReason], id: String, _ heading: String, _ program: Program, _ language: TextLanguage
    ) -> String {
        var out = heading.isEmpty ? "" : "<h3>\(e(heading))</h3>"
        out += "<ol id=\"\(id)\">"
        for reason in list {
            out +=
                "<li><strong>\(e(VerdictText.title(of: reason, program: program, language: language)))</strong> <code>\(e(reason.code))</code>"
            if !reason.source.isEmpty { out += "<br><small>\(e(t(.source, language))): \(e(reason.source))</small>" }
            out += "</li>"
        }
        return out + "</ol>"
    }

    /// The answers given, each with a link that takes it back.
    private static func answersList(
        _ answers: [(fact: FactInfo, value: String)], _ program: Program, _ language: TextLanguage,
        _ head: HTTPRequestHead
    ) -> String {
        guard !answers.isEmpty else { return "" }
        var out = "<h3>\(e(t(.answers, language)))</h3><dl id=\"answers\">"
        for (fact, value) in answers {
            let without = head.query.filter { $0.name != fact.name && $0.name != "skip_add" }
                .map { "\(percent($0.name))=\(percent($0.value))" }.joined(separator: "&")
            out +=
                "<dt>\(e(ServiceJSON.question(fact, program, language)))</dt><dd><code>\(e(value))</code> <a href=\"/?\(e(without))\">×</a></dd>"
        }
        return out + "</dl>\n"
    }

    private static func percent(_ text: String) -> String {
        PlainText.percentEncoded(text, keeping: "-._")
    }

    private static func fileSafe(_ text: String) -> String {
        String(
            text.unicodeScalars.map { PlainText.isAlphanumeric($0) || $0 == "-" ? Character($0) : "_" }
                .prefix(64))
    }

    private static func today() -> String {
        var t = time(nil)
        var parts = tm()
        gmtime_r(&t, &parts)
        return PlainText.zeroPadded(Int(parts.tm_year) + 1900, 4) + "-"
            + PlainText.zeroPadded(Int(parts.tm_mon) + 1, 2)
            + "-" + PlainText.zeroPadded(Int(parts.tm_mday), 2)
    }

    private static let style = """
        body{font-family:system-ui,sans-serif;margin:0;background:#f6f6f3;color:#1a1a1a}main{max-width:46rem;margin:0 auto;padding:1rem 1.25rem}\
        h1{font-size:1.5rem}fieldset{border:1px solid #bbb;padding:.75rem 1rem;background:#fff}.ask{font-weight:600}.who{color:#555;font-size:.9rem}\
        #verdict{background:#fff;border-left:.4rem solid #888;padding:.5rem 1rem;margin:1rem 0}.decision{font-weight:700}\
        .admit,.continue{color:#075e20}.exclude,.end{color:#8a1010}.undetermined,.refer,.escalate_mrt{color:#7a4d00}\
        #why-not{background:#fff;border-left:.4rem solid #4a6fa5;padding:.5rem 1rem;margin:1rem 0}.note{color:#555;font-size:.9rem}\
        .error{background:#fff0f0;border-left:.4rem solid #c00;padding:.5rem 1rem}code{font-size:.85em}dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem 1rem}\
        dd{margin:0}.ruleset{color:#555;font-size:.8rem;word-break:break-all}button{font:inherit;padding:.3rem .8rem}
        """
}
