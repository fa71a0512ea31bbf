import LVVRules
import RuleDSL

/// Counts over a stream of verdict lines (as `rule-check batch` writes them), for
/// `rule-check report`: how many cases got each decision, reason code, referral and action,
/// per pilot. Lines are added one at a time, so a file of any size is read in constant memory
/// (the counts grow only with the number of distinct codes).
public struct CaseSummary: Sendable {
    /// Non-blank lines seen.
    public private(set) var lines = 0
    /// Lines that were verdicts.
    public private(set) var verdicts = 0
    /// `{"line": N, "error": "…"}` lines: cases `batch` could not read.
    public private(set) var errorLines = 0
    /// Lines that are neither a verdict nor a batch error (not JSON, or another shape), by line number.
    public private(set) var unreadableLines = 0
    /// The first `keptUnreadable` unreadable lines with why, for the report's list of lines it could not use.
    public private(set) var firstUnreadable: [(line: Int, message: String)] = []
    /// Verdicts with `exceptional: true`: intake admissions by individual exception.
    public private(set) var exceptional = 0

    /// Verdicts per pilot (the verdict's `pilot`), for the Pilots table.
    public private(set) var pilots = Tally()
    /// Verdicts per question, `intake` or `review`.
    public private(set) var questions = Tally()
    /// `question: decision`, e.g. `intake: exclude`.
    public private(set) var decisions = Tally()
    /// Every reason listed, counted once per verdict that lists it.
    public private(set) var reasons = Tally()
    /// Every referral listed (where the person goes), counted once per verdict that lists it.
    public private(set) var referrals = Tally()
    /// Every action listed (what happens next), counted once per verdict that lists it.
    public private(set) var actions = Tally()
    /// Every missing fact listed, counted once per verdict that lists it (undetermined verdicts only).
    public private(set) var missingFacts = Tally()
    /// Review only: the scenario advice (`undetermined` when `null`).
    public private(set) var scenarioAdvice = Tally()
    /// The rule sets the verdicts were made with: `name sha256`.
    public private(set) var rulesets = Tally()
    /// Review verdicts that show an outflow (an `outcome` among the facts their reasons or trace
    /// read): per pilot, how often each outcome. Classed durable or temporary only when the
    /// report is rendered, by the rule files (`OutflowClassification`).
    public private(set) var outflow: [String: Tally] = [:]

    /// At most this many unreadable lines are kept with their message.
    public static let keptUnreadable = 10

    /// The outcomes each question may have, by rule set name (`groningen` → `intake` → admit,
    /// exclude, …, undetermined): a verdict whose decision is not among them is not a verdict.
    /// A rule set not listed is checked for shape only.
    public let outcomes: [String: [String: Set<String>]]

    /// A summary that checks verdict decisions against `outcomes` (see `outcomes(of:)`); empty checks shape only.
    public init(outcomes: [String: [String: Set<String>]] = [:]) {
        self.outcomes = outcomes
    }

    /// The outcomes table of `outcomes` for these rule sets: each question's outcomes and
    /// `undetermined`.
    public static func outcomes(of programs: [Program]) -> [String: [String: Set<String>]] {
        var table: [String: [String: Set<String>]] = [:]
        for program in programs {
            for decision in program.decisions {
                table[program.name, default: [:]][decision.name] = Set(
                    decision.outcomes + [DecisionResult.undetermined])
            }
        }
        return table
    }

    /// Counts of distinct strings, reported largest first (ties by name, so output is stable).
    public struct Tally: Sendable {
        /// The count per string; only `add(_:)` changes it.
        public private(set) var counts: [String: Int] = [:]
        /// Counts one more verdict for `key` (a decision, reason code, referral, …).
        public mutating func add(_ key: String) { counts[key, default: 0] += 1 }
        /// The sum of all counts: verdicts counted, or listings when one verdict lists several keys.
        public var total: Int { counts.values.reduce(0, +) }
        /// Every key with its count, largest first and ties by name, the order the report prints.
        public var sorted: [(key: String, count: Int)] {
            counts.map { (key: $0.key, count: $0.value) }.sorted {
                $0.count != $1.count ? $0.count > $1.count : $0.key < $1.key
            }
        }
        /// The count for `key`, 0 when it was never added.
        public subscript(key: String) -> Int { counts[key] ?? 0 }
    }

    /// One table of the report: a title, what one count means, and the tally.
    public struct Table {
        /// A stable id for the table, the anchor of its section on the HTML page.
        public let id: String
        /// The table's heading in English, used when `FrameText` has no heading for `id`.
        public let title: String
        /// What one count is (`verdicts`, `verdicts listing the code`), in English; like `title`, a fallback.
        public let unit: String
        /// The counts the table shows, largest first.
        public let tally: Tally
    }

    /// The report's tables in the order they are printed: decisions, reason codes, referrals, actions,
    /// pilots, missing facts and scenario advice.
    public var tables: [Table] {
        [
            Table(id: "decisions", title: "Decisions", unit: "verdicts", tally: decisions),
            Table(id: "reasons", title: "Reason codes", unit: "verdicts listing the code", tally: reasons),
            Table(id: "referrals", title: "Referrals", unit: "verdicts", tally: referrals),
            Table(id: "actions", title: "Actions", unit: "verdicts", tally: actions),
            Table(id: "pilots", title: "Pilots", unit: "verdicts", tally: pilots),
            Table(id: "missing", title: "Missing facts", unit: "undetermined verdicts missing it", tally: missingFacts),
            Table(id: "advice", title: "Scenario advice", unit: "review verdicts", tally: scenarioAdvice),
        ]
    }

    /// Adds one line (without its newline). Blank lines are skipped.
    public mutating func add(line bytes: UnsafeBufferPointer<UInt8>, number: Int) {
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
        lines += 1
        switch JSONParser.parse(bytes) {
        case .failure(let error):
            unreadable(number, "not JSON: \(error.description)")
        case .success(let value):
            add(value, number: number)
        }
    }

    /// Counts a line that could not be read at all (too long to buffer, say).
    public mutating func addUnreadable(number: Int, message: String) {
        lines += 1
        unreadable(number, message)
    }

    /// Adds one line given as a string (tests, and callers that already hold text); see `add(line:number:)`.
    public mutating func add(line text: String, number: Int) {
        var text = text
        text.withUTF8 { add(line: $0, number: number) }
    }

    private mutating func add(_ value: JSONValue, number: Int) {
        guard case .object(let members) = value else {
            unreadable(number, "not a JSON object")
            return
        }
        func member(_ key: String) -> JSONValue? { members.first { $0.key == key }?.value }
        if member("error") != nil, member("line") != nil, member("decision") == nil {
            guard case .number(let line)? = member("line"), !line.isEmpty,
                line.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), line.first != "0",
                case .string? = member("error")
            else {
                unreadable(number, "not a batch error line: it needs a whole `line` number from 1 and an `error` text")
                return
            }
            errorLines += 1
            return
        }
        guard case .string(let question)? = member("question"), case .string(let decision)? = member("decision") else {
            unreadable(number, "not a verdict: no `question` and `decision`")
            return
        }
        var rulesetName: String?
        if case .object(let ruleset)? = member("ruleset"),
            case .string(let name)? = ruleset.first(where: { $0.key == "name" })?.value
        {
            rulesetName = name
        }
        if let known = rulesetName.flatMap({ outcomes[$0] }) {
            guard let allowed = known[question] else {
                unreadable(number, "not a verdict: rule set `\(rulesetName ?? "")` has no question `\(question)`")
                return
            }
            guard allowed.contains(decision) else {
                unreadable(
                    number,
                    "not a verdict: `\(decision)` is not a decision of `\(question)` in rule set `\(rulesetName ?? "")`"
                )
                return
            }
        }
        verdicts += 1
        questions.add(question)
        decisions.add("\(question): \(decision)")
        var pilot = "(none)"
        if case .string(let name)? = member("pilot") { pilot = name }
        pilots.add(pilot)
        if question == "review", let outcome = outflowOutcome(member("reasons")) ?? outflowOutcome(member("trace")) {
            outflow[pilot, default: Tally()].add(outcome)
        }
        if case .bool(true)? = member("exceptional") { exceptional += 1 }
        for code in Set(strings(member("reasons"), key: "code")) { reasons.add(code) }
        for referral in Set(strings(member("referrals"), key: nil)) { referrals.add(referral) }
        for action in Set(strings(member("actions"), key: nil)) { actions.add(action) }
        for fact in Set(strings(member("missing_facts"), key: nil)) { missingFacts.add(fact) }
        if case .object(let advice)? = member("scenario_advice") {
            switch advice.first(where: { $0.key == "scenario" })?.value {
            case .string(let scenario)?: scenarioAdvice.add(scenario)
            default: scenarioAdvice.add(DecisionResult.undetermined)
            }
        }
        if case .object(let ruleset)? = member("ruleset") {
            var name = ""
            var hash = ""
            for m in ruleset {
                if m.key == "name", case .string(let s) = m.value { name = s }
                if m.key == "sha256", case .string(let s) = m.value { hash = s }
            }
            rulesets.add("\(name) \(hash)")
        }
    }

    /// The outcome an array of reasons (or trace events) shows: the first `facts.outcome` that is text.
    private func outflowOutcome(_ value: JSONValue?) -> String? {
        guard case .array(let items)? = value else { return nil }
        for item in items {
            guard case .object(let members) = item,
                case .object(let facts)? = members.first(where: { $0.key == "facts" })?.value,
                case .string(let outcome)? = facts.first(where: { $0.key == OutflowClassification.outcomeFact })?.value
            else { continue }
            return outcome
        }
        return nil
    }

    /// The strings of an array: the elements themselves, or the `key` member of object elements.
    private func strings(_ value: JSONValue?, key: String?) -> [String] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { item in
            if let key {
                guard case .object(let members) = item,
                    case .string(let s)? = members.first(where: { $0.key == key })?.value
                else { return nil }
                return s
            }
            if case .string(let s) = item { return s }
            return nil
        }
    }

    private mutating func unreadable(_ line: Int, _ message: String) {
        unreadableLines += 1
        if firstUnreadable.count < Self.keptUnreadable { firstUnreadable.append((line, message)) }
    }

    // MARK: - Outflow

    /// One pilot's outflow, classed by its rule files.
    public struct OutflowRow: Sendable, Equatable {
        /// The pilot the row is for; `all` for the last row, which sums every pilot.
        public let pilot: String
        public var durable = 0, temporary = 0, unclassified = 0
        /// All outflow of the pilot: the base of its durable share.
        public var total: Int { durable + temporary + unclassified }
    }

    /// Per pilot (sorted by name) the durable, temporary and unclassified outflow; a last row
    /// `all` sums them when there is more than one pilot.
    public func outflowRows(_ classification: OutflowClassification) -> [OutflowRow] {
        var rows: [OutflowRow] = []
        for pilot in outflow.keys.sorted() {
            var row = OutflowRow(pilot: pilot)
            for (outcome, count) in outflow[pilot]!.counts {
                switch classification.durability(pilot: pilot, outcome: outcome) {
                case .durable: row.durable += count
                case .temporary: row.temporary += count
                case .unclassified: row.unclassified += count
                }
            }
            rows.append(row)
        }
        if rows.count > 1 {
            var all = OutflowRow(pilot: "all")
            for row in rows {
                all.durable += row.durable
                all.temporary += row.temporary
                all.unclassified += row.unclassified
            }
            rows.append(all)
        }
        return rows
    }

    /// What the reader of the outflow table should know: pilots whose outflow could not be
    /// classed, and verdicts made with other rules than those that classed them.
    public func outflowNotes(_ classification: OutflowClassification) -> [String] {
        var notes: [String] = []
        for pilot in outflow.keys.sorted() {
            if let problem = classification.problem(pilot: pilot) {
                notes.append("outflow of `\(pilot)` not classed: \(problem.message)")
                continue
            }
            guard let used = classification.sha256(pilot: pilot) else { continue }
            let made = rulesets.counts.keys.compactMap { key -> String? in
                let parts = key.split(separator: " ", maxSplits: 1).map(String.init)
                return parts.count == 2 && parts[0] == pilot && parts[1] != used ? parts[1] : nil
            }
            for hash in made.sorted() {
                notes.append(
                    "verdicts of `\(pilot)` were made with rules sha256 \(hash); their outflow is classed with the rules loaded now (sha256 \(used))"
                )
            }
        }
        return notes
    }

    // MARK: - Text

    /// The plain-text summary `rule-check report` prints without `--out`; outflow is classed
    /// by `outflow` (without it, unclassified). What a verdict file says (codes, pilots,
    /// messages) is printed with control characters escaped (`TerminalText`): a hostile file
    /// cannot forge lines or reach the terminal.
    public func text(
        source: String, outflow classification: OutflowClassification = OutflowClassification(),
        language: TextLanguage = .nl
    ) -> String {
        let words = FrameText(language)
        var out = "\(words[report: .summaryOf]) \(TerminalText.escape(source))\n"
        out +=
            "  "
            + words.reportCounts(verdicts: verdicts, errorLines: errorLines, unreadable: unreadableLines, lines: lines)
            + "\n"
        out += "  \(words[report: .exceptionalAdmissions]): \(exceptional)\n"
        for ruleset in rulesets.sorted {
            out += "  \(words[report: .ruleSet]): \(TerminalText.escape(ruleset.key)) (\(ruleset.count))\n"
        }
        for table in tables {
            let (title, unit) = Self.heading(table.id, words) ?? (table.title, table.unit)
            out += "\n\(title) (\(unit))\n"
            let rows = table.tally.sorted.map { (key: TerminalText.escape($0.key), count: $0.count) }
            if rows.isEmpty {
                out += "  \(words[.none])\n"
                continue
            }
            let width = max(rows.map(\.key.count).max() ?? 0, 8)
            for row in rows {
                let count = String(row.count)
                let share = percent(row.count, of: verdicts)
                out +=
                    "  " + row.key + String(repeating: " ", count: width - row.key.count + 2)
                    + String(repeating: " ", count: max(0, 8 - count.count)) + count
                    + String(repeating: " ", count: max(1, 8 - share.count)) + share + "\n"
            }
        }
        out += "\n\(words[report: .outflowHeading])\n"
        let rows = outflowRows(classification)
        if rows.isEmpty {
            out += "  \(words[.none])\n"
        } else {
            let width = max(rows.map(\.pilot.count).max() ?? 0, 8)
            func left(_ text: String) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
            func cell(_ text: String, _ size: Int) -> String {
                String(repeating: " ", count: max(1, size - text.count)) + text
            }
            var header = "  " + left(words[report: .pilot])
            header += cell(words[report: .durable], 10) + cell(words[report: .temporary], 11)
            header += cell(words[report: .unclassified], 14) + cell(words[report: .durableShare], 15)
            out += header + "\n"
            for row in rows {
                var line = "  " + left(row.pilot)
                line += cell(String(row.durable), 10) + cell(String(row.temporary), 11)
                line += cell(String(row.unclassified), 14) + cell(percent(row.durable, of: row.total), 15)
                out += line + "\n"
            }
        }
        for note in outflowNotes(classification) { out += "  \(words[report: .note]): \(note)\n" }
        if !firstUnreadable.isEmpty {
            out += "\n\(words[report: .unreadableLines])\n"
            for item in firstUnreadable {
                out += "  \(words[report: .line]) \(item.line): \(TerminalText.escape(item.message))\n"
            }
            if unreadableLines > firstUnreadable.count {
                out += "  … +\(unreadableLines - firstUnreadable.count) \(words[report: .more])\n"
            }
        }
        return out
    }

    /// A table's title and unit in the reader's language, by the table's id.
    private static func heading(_ id: String, _ words: FrameText) -> (String, String)? {
        switch id {
        case "decisions": return (words[report: .decisions], words[report: .verdictsUnit])
        case "reasons": return (words[report: .reasonCodes], words[report: .listingUnit])
        case "referrals": return (words[report: .referrals], words[report: .verdictsUnit])
        case "actions": return (words[report: .actions], words[report: .verdictsUnit])
        case "pilots": return (words[report: .pilots], words[report: .verdictsUnit])
        case "missing": return (words[report: .missingFacts], words[report: .undeterminedUnit])
        case "advice": return (words[report: .scenarioAdvice], words[report: .reviewUnit])
        default: return nil
        }
    }

    private func percent(_ count: Int, of total: Int) -> String {
        guard total > 0 else { return "-" }
        let tenths = (count * 1000 + total / 2) / total
        return "\(tenths / 10).\(tenths % 10)%"
    }

    // MARK: - HTML

    /// The HTML page `rule-check report --out FILE.html` writes: totals, then per table the
    /// counts and a bar chart drawn as inline SVG; its words in `language` (`FrameText`).
    public func html(
        source: String, outflow classification: OutflowClassification = OutflowClassification(),
        language: TextLanguage = .nl
    ) -> String {
        let words = FrameText(language)
        var body = "<header><p class=\"muted\">\(words[report: .pageHeader])</p>\n"
        body += "<h1>\(words[report: .verdictsIn]) <code>\(HTML.escape(source))</code></h1>\n</header>\n"
        body += "<div class=\"summary\">\n"
        body += "<div><b>\(verdicts)</b>\(words[report: .verdictsUnit])</div>\n"
        body += "<div><b>\(errorLines)</b>\(words[report: .errorLines])</div>\n"
        body += "<div><b>\(unreadableLines)</b>\(words[report: .unreadableLinesUnit])</div>\n"
        body += "<div><b>\(exceptional)</b>\(words[report: .exceptionalAdmissions])</div>\n"
        for question in questions.sorted { body += "<div><b>\(question.count)</b>\(HTML.escape(question.key))</div>\n" }
        body += "</div>\n"
        body += "<p>\(words.reportLinesRead(lines, verdicts: verdicts))</p>\n"
        if !rulesets.counts.isEmpty {
            body +=
                "<table>\n<tr><th>\(words[report: .ruleSet])</th><th>sha256</th><th class=\"num\">\(words[report: .verdictsUnit])</th></tr>\n"
            for ruleset in rulesets.sorted {
                let parts = ruleset.key.split(separator: " ", maxSplits: 1).map(String.init)
                body +=
                    "<tr><td><code>\(HTML.escape(parts.first ?? ""))</code></td><td><code>\(HTML.escape(parts.count > 1 ? parts[1] : ""))</code></td><td class=\"num\">\(ruleset.count)</td></tr>\n"
            }
            body += "</table>\n"
        }
        let headings = tables.map { Self.heading($0.id, words) ?? ($0.title, $0.unit) }
        body +=
            "<nav class=\"toc\"><strong>\(words[report: .tables])</strong>: "
            + zip(tables, headings).map { "<a href=\"#\($0.id)\">\(HTML.escape($1.0))</a>" }.joined(separator: " · ")
            + " · <a href=\"#outflow\">\(words[report: .outflowPerPilot])</a></nav>\n"
        for (table, (title, unit)) in zip(tables, headings) {
            body += "<section id=\"\(table.id)\">\n<h2>\(HTML.escape(title))</h2>\n"
            let rows = table.tally.sorted.map { (key: TerminalText.escape($0.key), count: $0.count) }
            if rows.isEmpty {
                body += "<p class=\"muted\">\(words[report: .none])</p>\n</section>\n"
                continue
            }
            body +=
                "<div class=\"pair\">\n<table>\n<tr><th>\(HTML.escape(title.lowercased()))</th><th class=\"num\">\(HTML.escape(unit))</th><th class=\"num\">\(words[report: .share])</th></tr>\n"
            for row in rows {
                body +=
                    "<tr><td><code>\(HTML.escape(row.key))</code></td><td class=\"num\">\(row.count)</td><td class=\"num\">\(percent(row.count, of: verdicts))</td></tr>\n"
            }
            body += "</table>\n"
            body +=
                BarChart(id: table.id, title: title, rows: rows, kind: words[report: .barChart]).svg()
                + "\n</div>\n</section>\n"
        }
        body += outflowSection(classification, words)
        if !firstUnreadable.isEmpty {
            body += "<section id=\"unreadable\"><h2>\(words[report: .unreadableLines])</h2><ul>\n"
            for item in firstUnreadable {
                body += "<li>\(words[report: .line]) \(item.line): \(HTML.escape(item.message))</li>\n"
            }
            if unreadableLines > firstUnreadable.count {
                body +=
                    "<li>… \(words[report: .andMore]) \(unreadableLines - firstUnreadable.count) \(words[report: .more])</li>\n"
            }
            body += "</ul></section>\n"
        }
        body += "<footer class=\"muted\"><p>\(words[report: .footer])</p></footer>\n"
        return HTML.page(
            title: "\(words[report: .verdicts]): \(source)", style: HTML.baseStyle + Self.style, body: body,
            language: language.rawValue)
    }

    /// The outflow table: per pilot durable, temporary and unclassified outflow and the durable share.
    private func outflowSection(_ classification: OutflowClassification, _ words: FrameText) -> String {
        var body = "<section id=\"outflow\">\n<h2>\(words[report: .outflowPerPilot])</h2>\n"
        body += "<p>\(words.reportOutflowIntro(value: "<code>\(OutflowClassification.derivedValue)</code>"))</p>\n"
        let rows = outflowRows(classification)
        if rows.isEmpty {
            body += "<p class=\"muted\">\(words[report: .none])</p>\n"
        } else {
            body +=
                "<table>\n<tr><th>\(words[report: .pilot])</th><th class=\"num\">\(words[report: .durable])</th><th class=\"num\">\(words[report: .temporary])</th>"
                + "<th class=\"num\">\(words[report: .unclassified])</th><th class=\"num\">\(words[report: .durableShare])</th></tr>\n"
            for row in rows {
                body +=
                    "<tr><td><code>\(HTML.escape(row.pilot))</code></td><td class=\"num\">\(row.durable)</td>"
                    + "<td class=\"num\">\(row.temporary)</td><td class=\"num\">\(row.unclassified)</td>"
                    + "<td class=\"num\">\(percent(row.durable, of: row.total))</td></tr>\n"
            }
            body += "</table>\n"
        }
        let notes = outflowNotes(classification)
        if !notes.isEmpty {
            body += "<ul>\n" + notes.map { "<li>\(HTML.escape($0))</li>\n" }.joined() + "</ul>\n"
        }
        return body + "</section>\n"
    }

    static let style = """
        .summary { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
        .summary div { background: #f4f6f8; border-radius: 6px; padding: 8px 14px; min-width: 120px; }
        .summary b { display: block; font-size: 22px; }
        nav.toc { background: #f4f6f8; border-radius: 6px; padding: 8px 16px; margin: 16px 0; }
        .pair { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
        .pair table { min-width: 320px; }
        svg.chart { display: block; max-width: 100%; height: auto; }
        """
}

/// A horizontal bar chart as inline SVG: one bar per row, labels on the left (measured at a
/// fixed width per character), counts at the end of each bar.
struct BarChart {
    let id: String
    let title: String
    let rows: [(key: String, count: Int)]
    /// What the chart is called for a screen reader (`staafdiagram`), in the page's language.
    var kind = "bar chart"

    static let charWidth = 7.0
    static let barArea = 360.0
    static let rowHeight = 24.0

    func svg() -> String {
        let labelWidth = min(280, max(80, Double(rows.map(\.key.count).max() ?? 0) * Self.charWidth + 16))
        let maxLabelChars = Int((labelWidth - 12) / Self.charWidth)
        let maximum = max(1, rows.map(\.count).max() ?? 1)
        let countWidth = Double(String(maximum).count) * Self.charWidth + 16
        let width = labelWidth + Self.barArea + countWidth
        let height = Double(rows.count) * Self.rowHeight + 12
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-label=\"\(HTML.escape(title)): \(HTML.escape(kind))\""
            + " width=\"\(Canvas.number(width))\" height=\"\(Canvas.number(height))\" viewBox=\"0 0 \(Canvas.number(width)) \(Canvas.number(height))\">\n"
        out += "<title>\(HTML.escape(title))</title>\n"
        out +=
            "<line x1=\"\(Canvas.number(labelWidth))\" y1=\"4\" x2=\"\(Canvas.number(labelWidth))\" y2=\"\(Canvas.number(height - 6))\" stroke=\"#8f9aa7\" stroke-width=\"1\"/>\n"
        for (i, row) in rows.enumerated() {
            let y = 6 + Double(i) * Self.rowHeight
            var label = row.key
            if label.count > maxLabelChars { label = String(label.prefix(max(1, maxLabelChars - 1))) + "…" }
            let barWidth = max(1, Self.barArea * Double(row.count) / Double(maximum))
            out +=
                "<text x=\"\(Canvas.number(labelWidth - 8))\" y=\"\(Canvas.number(y + 15))\" text-anchor=\"end\" font-family=\"DejaVu Sans Mono, Menlo, monospace\" font-size=\"12\" fill=\"#1d232b\">\(HTML.escape(label))</text>\n"
            out +=
                "<rect x=\"\(Canvas.number(labelWidth))\" y=\"\(Canvas.number(y + 2))\" width=\"\(Canvas.number(barWidth))\" height=\"\(Canvas.number(Self.rowHeight - 6))\" fill=\"#4a78b8\"/>\n"
            out +=
                "<text x=\"\(Canvas.number(labelWidth + barWidth + 6))\" y=\"\(Canvas.number(y + 15))\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\" fill=\"#1d232b\">\(row.count)</text>\n"
        }
        return out + "</svg>"
    }
}
