import LVVRules
import RuleDSL

/// Draws one decision of a program as an inline SVG: the stages in order as boxes, each with
/// its rules (rules a pilot added or overrode in another colour, rules it switched off greyed
/// out), the exceptions on the left with an arrow to every rule they lift, and on the right the
/// outcome each stage gives and the reason, referrals and actions each rule produces; the
/// `otherwise` outcome at the end, and the rules that act after the decision below it.
///
/// The layout is computed, not searched: everything stacks top to bottom in three fixed
/// columns, text is measured at a fixed width per character and wrapped, and every box grows
/// to fit what it holds, so nothing overlaps and the same program always gives the same bytes.
public struct DecisionDiagram {
    /// The rule set the diagram is drawn from: a pilot with the national rules it extends.
    public let program: Program
    /// The index of the decision drawn (`intake`, `review`, …) in `program.decisions`.
    public let decision: Int
    /// The reader's language: the frame words from `FrameText`, titles from the rule files.
    public let language: TextLanguage
    private let words: FrameText

    /// - Parameter language: the reader's language; nil means the rule set's own.
    public init(program: Program, decision: Int, language: TextLanguage? = nil) {
        self.program = program
        self.decision = decision
        self.language = language ?? program.texts.language
        self.words = FrameText(self.language)
    }

    private func t(_ word: FrameText.BookWord) -> String { words[book: word] }

    // MARK: - Geometry

    /// Width of the drawing; the page is wider, so it shows at full size.
    static let width = 1160.0
    /// Rough advance of one character at 12px: sans-serif text and monospaced identifiers.
    static let charWidth = 7.0
    static let monoCharWidth = 7.5
    static let lineHeight = 16.0
    static let exceptionX = 10.0
    static let exceptionWidth = 210.0
    static let mainX = 270.0
    static let mainWidth = 500.0
    static let outputX = 810.0
    static let outputWidth = 340.0
    static let pillHeight = 20.0
    static let gap = 38.0

    /// Colours: national rules blue, a pilot's own rules green, its overrides orange.
    enum Palette {
        static let national = ("#eef3fb", "#9db5da")
        static let added = ("#dcf2e3", "#4f9f6a")
        static let overridden = ("#ffe9c7", "#d9902a")
        static let disabled = ("#f1f2f4", "#b8c0ca")
        static let deviation = "#c81e1e"
        static let exception = "#7b3fc4"
        static let ink = "#1d232b"
        static let muted = "#5c6773"
    }

    enum PillStyle {
        case outcome, reason, referral, action

        var colours: (fill: String, stroke: String, text: String) {
            switch self {
            case .outcome: return ("#1d232b", "#1d232b", "#ffffff")
            case .reason: return ("#eef3fb", "#6f8fc4", "#20406f")
            case .referral: return ("#dcf2e3", "#4f9f6a", "#1b5e31")
            case .action: return ("#fff6d6", "#caa12a", "#6b5200")
            }
        }
    }

    // MARK: - Drawing

    /// The SVG element, with a `viewBox` so it scales down on narrow screens.
    public func svg() -> String {
        var canvas = Canvas(prefix: HTML.anchor("d", program.name, program.decisions[decision].name))
        let info = program.decisions[decision]
        let top = program.files.count - 1
        var y = 8.0

        // Title and legend.
        canvas.text(Self.mainX, y + 14, "\(t(.decisionLower)) \(info.name)", size: 15, weight: "700", mono: true)
        y += 22
        if let title = program.texts.text(.decision(info.name), in: language) ?? info.title {
            for line in wrap(title, width: Self.width - Self.mainX - 10) {
                canvas.text(Self.mainX, y + 12, line, colour: Palette.muted)
                y += Self.lineHeight
            }
        }
        y += 6
        y = legend(&canvas, y: y)
        y += 14

        // Start: when the question applies.
        let condition = info.condition.map { _ in conditionText(of: info) } ?? t(.everyCase)
        let startLines = wrap(t(.appliesWhen) + condition, width: Self.mainWidth - 24, mono: true)
        let startHeight = 12 + Double(startLines.count) * Self.lineHeight
        canvas.rect(Self.mainX, y, Self.mainWidth, startHeight, fill: "#ffffff", stroke: Palette.ink, radius: 18)
        for (i, line) in startLines.enumerated() {
            canvas.text(Self.mainX + 14, y + 18 + Double(i) * Self.lineHeight, line, mono: true)
        }
        var previousBottom = y + startHeight
        y = previousBottom

        // Rows of every stage, remembered for the exception arrows.
        var rowAnchors: [Int: (y: Double, x: Double)] = [:]
        var liftedRowsTop: [Int: Double] = [:]
        for (stageNumber, stage) in info.stages.enumerated() {
            y += Self.gap
            canvas.arrow(Self.mainX + Self.mainWidth / 2, previousBottom, Self.mainX + Self.mainWidth / 2, y)
            if stageNumber > 0 {
                canvas.text(
                    Self.mainX + Self.mainWidth / 2 + 10, previousBottom + 23, t(.noRuleAboveHolds), size: 11,
                    colour: Palette.muted)
            }
            let stageTop = y
            let stageMark = canvas.mark
            var header = ["\(t(.stage).lowercased()) \(stageNumber + 1): \(stage.name)"]
            let note = words.diagramStageNote(stage.outcome, evenUnknown: stage.overridesUnknowns)
            header += wrap(note, width: Self.mainWidth - 24)
            var inner = y + 8
            for (i, line) in header.enumerated() {
                inner += Self.lineHeight
                canvas.text(
                    Self.mainX + 12, inner - 3, line, size: i == 0 ? 13 : 12, weight: i == 0 ? "700" : "400",
                    colour: i == 0 ? Palette.ink : Palette.muted)
            }
            let headerMid = y + 8 + Self.lineHeight - 6
            // The outcome of the stage, out to the right.
            let gives = "\(t(.gives)) " + stage.outcome
            let outcomeWidth = pillWidth(gives, size: 13, bold: true)
            canvas.line(
                Self.mainX + Self.mainWidth, headerMid, Self.outputX, headerMid, stroke: Palette.ink, width: 1.5,
                arrow: true)
            canvas.pill(Self.outputX, headerMid - 11, gives, style: .outcome, width: outcomeWidth, height: 22, size: 13)
            inner += 8
            let ruleIndices = stage.rules
            let switchedOff = program.disabled.filter {
                if case .stage(let d, let s)? = $0.declaration.placement {
                    return d.text == info.name && s.text == stage.name
                }
                return false
            }
            if ruleIndices.isEmpty && switchedOff.isEmpty {
                canvas.text(Self.mainX + 22, inner + 12, t(.noRules), colour: Palette.muted)
                inner += Self.lineHeight + 4
            }
            for ruleIndex in ruleIndices {
                let (bottom, anchor) = ruleRow(&canvas, ruleIndex, y: inner, top: top)
                rowAnchors[ruleIndex] = anchor
                if !program.rules[ruleIndex].liftedBy.isEmpty { liftedRowsTop[ruleIndex] = inner }
                inner = bottom + 6
            }
            for off in switchedOff {
                inner = disabledRow(&canvas, off, y: inner) + 6
            }
            let stageHeight = inner - stageTop + 4
            canvas.insert(
                rectElement(
                    Self.mainX, stageTop, Self.mainWidth, stageHeight, fill: "#fafbfc", stroke: "#7d8896",
                    radius: 6, strokeWidth: 1.5), behindFrom: stageMark)
            previousBottom = stageTop + stageHeight
            y = previousBottom
        }

        // The end: otherwise.
        y += Self.gap
        canvas.arrow(Self.mainX + Self.mainWidth / 2, previousBottom, Self.mainX + Self.mainWidth / 2, y)
        if !info.stages.isEmpty {
            canvas.text(
                Self.mainX + Self.mainWidth / 2 + 10, previousBottom + 23, t(.noRuleAboveHolds), size: 11,
                colour: Palette.muted)
        }
        let unknownNote = wrap(
            t(.ifUnknown),
            width: Self.mainWidth - 24)
        let otherwiseHeight = 30 + Double(unknownNote.count) * Self.lineHeight + 8
        canvas.rect(
            Self.mainX, y, Self.mainWidth, otherwiseHeight, fill: "#ffffff", stroke: Palette.ink, radius: 18,
            strokeWidth: 1.5)
        canvas.text(Self.mainX + 14, y + 21, t(.otherwiseLower), size: 13, weight: "700")
        for (i, line) in unknownNote.enumerated() {
            canvas.text(Self.mainX + 14, y + 40 + Double(i) * Self.lineHeight, line, size: 12, colour: Palette.muted)
        }
        if let otherwise = info.otherwise {
            let mid = y + 15
            canvas.line(
                Self.mainX + Self.mainWidth, mid, Self.outputX, mid, stroke: Palette.ink, width: 1.5, arrow: true)
            let label = "\(t(.gives)) " + otherwise
            let w = pillWidth(label, size: 13, bold: true)
            canvas.pill(Self.outputX, mid - 11, label, style: .outcome, width: w, height: 22, size: 13)
            if let reason = info.otherwiseReason {
                let r = "\(t(.reason)) " + reason
                canvas.pill(
                    Self.outputX + w + 8, mid - 10, r, style: .reason, width: pillWidth(r), height: Self.pillHeight)
            }
        }
        previousBottom = y + otherwiseHeight
        y = previousBottom

        // Rules that act after the decision: they add reasons and actions, whatever the outcome.
        if !info.afterRules.isEmpty {
            y += Self.gap
            canvas.arrow(Self.mainX + Self.mainWidth / 2, previousBottom, Self.mainX + Self.mainWidth / 2, y)
            canvas.text(
                Self.mainX + Self.mainWidth / 2 + 10, previousBottom + 23, t(.thenWhatever), size: 11,
                colour: Palette.muted)
            let boxTop = y
            let boxMark = canvas.mark
            var inner = y + 8 + Self.lineHeight
            canvas.text(Self.mainX + 12, inner - 3, t(.afterDecisionAdds), size: 13, weight: "700")
            inner += 8
            for ruleIndex in info.afterRules {
                let (bottom, _) = ruleRow(&canvas, ruleIndex, y: inner, top: top)
                inner = bottom + 6
            }
            let height = inner - boxTop + 4
            canvas.insert(
                rectElement(
                    Self.mainX, boxTop, Self.mainWidth, height, fill: "#fafbfc", stroke: "#7d8896",
                    radius: 6, strokeWidth: 1.5, dashed: true), behindFrom: boxMark)
            y = boxTop + height
        }

        // Exceptions, on the left, level with the first rule they lift.
        var exceptionBottom = 0.0
        var exceptionOrdinal = 0
        for exception in program.exceptions {
            let lifted = exception.lifts.filter { rowAnchors[$0] != nil }
            guard !lifted.isEmpty else { continue }
            let firstTop = lifted.compactMap { liftedRowsTop[$0] }.min() ?? y
            let boxY = max(firstTop, exceptionBottom + 16)
            var lines: [(String, Double, String, String, Bool)] = []  // text, size, weight, colour, mono
            lines.append((t(.exceptionLower), 11, "400", Palette.exception, false))
            for l in wrap(exception.id, width: Self.exceptionWidth - 20, mono: true) {
                lines.append((l, 12, "700", Palette.ink, true))
            }
            for l in wrap(
                program.texts.text(.rule(exception.id), in: language) ?? exception.title ?? "",
                width: Self.exceptionWidth - 20)
            { lines.append((l, 12, "400", Palette.ink, false)) }
            let lifts = exception.declaration.lifts.map {
                switch $0 {
                case .rule(let n): return n.text
                case .kind(let n): return "\(t(.kindLower)) " + n.text
                }
            }.joined(separator: ", ")
            for l in wrap("\(t(.liftsLower)) " + lifts, width: Self.exceptionWidth - 20) {
                lines.append((l, 12, "600", Palette.exception, false))
            }
            if let reason = exception.reason {
                for l in wrap("\(t(.addsReason)) " + reason, width: Self.exceptionWidth - 20) {
                    lines.append((l, 12, "400", Palette.muted, false))
                }
            }
            var untouched: [String] = []
            for stage in info.stages {
                for ruleIndex in stage.rules where !exception.lifts.contains(ruleIndex) {
                    if let kind = program.rules[ruleIndex].kind, !untouched.contains(kind) { untouched.append(kind) }
                }
            }
            if !untouched.isEmpty {
                for l in wrap(
                    "\(t(.doesNotLiftKind)) " + untouched.joined(separator: ", "), width: Self.exceptionWidth - 20)
                {
                    lines.append((l, 11, "400", Palette.muted, false))
                }
            }
            let height = 12 + Double(lines.count) * Self.lineHeight
            canvas.rect(
                Self.exceptionX, boxY, Self.exceptionWidth, height, fill: "#f5efff", stroke: Palette.exception,
                radius: 6,
                strokeWidth: 1.5)
            for (i, line) in lines.enumerated() {
                canvas.text(
                    Self.exceptionX + 10, boxY + 20 + Double(i) * Self.lineHeight, line.0, size: line.1, weight: line.2,
                    colour: line.3, mono: line.4)
            }
            // Edges run along a vertical bus between the columns, then branch right into each row.
            let fromX = Self.exceptionX + Self.exceptionWidth
            let fromY = boxY + 24
            let busX = fromX + 16 + Double(exceptionOrdinal % 4) * 7
            exceptionOrdinal += 1
            let anchors = lifted.compactMap { rowAnchors[$0] }
            let busTop = min(fromY, anchors.map(\.y).min() ?? fromY)
            let busBottom = max(fromY, anchors.map(\.y).max() ?? fromY)
            canvas.line(fromX, fromY, busX, fromY, stroke: Palette.exception, width: 1.5)
            canvas.line(busX, busTop, busX, busBottom, stroke: Palette.exception, width: 1.5, dashed: true)
            for anchor in anchors {
                canvas.line(
                    busX, anchor.y, anchor.x, anchor.y, stroke: Palette.exception, width: 1.3, arrow: true,
                    dashed: true,
                    marker: "lift")
                canvas.dot(busX, anchor.y, colour: Palette.exception)
            }
            exceptionBottom = boxY + height
            y = max(y, exceptionBottom)
        }

        return canvas.render(
            width: Self.width, height: y + 12, label: "\(t(.diagramOf)) \(info.name) \(t(.inWord)) \(program.name)")
    }

    /// The legend: what the colours and arrows mean.
    private func legend(_ canvas: inout Canvas, y: Double) -> Double {
        var x = Self.exceptionX
        var row = y
        let items: [(String, String, String, Bool)] = [
            (t(.legendNational), Palette.national.0, Palette.national.1, false),
            (t(.legendAdded), Palette.added.0, Palette.added.1, false),
            (t(.legendOverridden), Palette.overridden.0, Palette.overridden.1, false),
            (t(.legendSwitchedOff), Palette.disabled.0, Palette.disabled.1, false),
            (t(.legendDeviation), "#ffffff", Palette.deviation, true),
        ]
        for item in items {
            let w = 22 + Double(item.0.count) * Self.charWidth + 18
            if x + w > Self.width {
                x = Self.exceptionX
                row += 22
            }
            canvas.rect(
                x, row, 16, 14, fill: item.1, stroke: item.2, radius: 3, strokeWidth: item.3 ? 2 : 1, dashed: item.3)
            canvas.text(x + 22, row + 12, item.0, size: 12)
            x += w
        }
        let pills: [(String, PillStyle)] = [
            (t(.pillReason), .reason), (t(.pillRefer), .referral), (t(.pillAction), .action),
            (t(.pillOutcome), .outcome),
        ]
        for p in pills {
            let w = pillWidth(p.0, bold: p.1 == .outcome)
            if x + w + 10 > Self.width {
                x = Self.exceptionX
                row += 22
            }
            canvas.pill(x, row - 3, p.0, style: p.1, width: w, height: Self.pillHeight)
            x += w + 10
        }
        let liftLabel = t(.liftLegend)
        if x + 46 + Double(liftLabel.count) * Self.charWidth > Self.width {
            x = Self.exceptionX
            row += 22
        }
        canvas.line(
            x, row + 7, x + 36, row + 7, stroke: Palette.exception, width: 1.3, arrow: true, dashed: true,
            marker: "lift")
        canvas.text(x + 44, row + 12, liftLabel, size: 12)
        return row + 22
    }

    /// One rule inside a stage box: id, kind and title on the left, its products on the right.
    /// Returns the bottom of the row and where an exception arrow should point.
    private func ruleRow(_ canvas: inout Canvas, _ index: Int, y: Double, top: Int) -> (Double, (y: Double, x: Double))
    {
        let rule = program.rules[index]
        let rowX = Self.mainX + 12
        let rowWidth = Self.mainWidth - 24
        let textWidth = rowWidth - 20
        var colours = Palette.national
        var tag: String?
        switch rule.origin {
        case .inherited: break
        case .declared(let file):
            if file == top, top > 0 {
                colours = Palette.added
                tag = t(.tagAdded)
            }
        case .overridden:
            colours = Palette.overridden
            tag = t(.tagOverridden)
        }
        var first = rule.id
        if let tag { first += " (\(tag))" }
        var lines: [(String, Bool, String)] = wrap(first, width: textWidth, mono: true).map { ($0, true, Palette.ink) }
        var meta = [String]()
        if let kind = rule.kind { meta.append("\(t(.kindLower)) " + kind) }
        if !rule.validity.isAlways {
            meta.append("\(t(.validLower)) " + words.validity(from: rule.validity.from, until: rule.validity.until))
        }
        if !rule.liftedBy.isEmpty { meta.append(t(.liftable)) }
        if !meta.isEmpty {
            lines += wrap(meta.joined(separator: " · "), width: textWidth).map { ($0, false, Palette.muted) }
        }
        if let title = program.texts.text(.rule(rule.id), in: language) ?? rule.title {
            lines += wrap(title, width: textWidth).map { ($0, false, Palette.ink) }
        }
        if rule.deviation != nil {
            lines += wrap(t(.legendDeviation), width: textWidth).map { ($0, false, Palette.deviation) }
        }

        // Products on the right: reason, referrals, actions, as pills that wrap.
        var pills: [(String, PillStyle)] = []
        if let reason = rule.reason { pills.append(("\(t(.reason)) " + reason, .reason)) }
        for referral in rule.referrals { pills.append(("\(t(.referArrow)) " + referralText(referral), .referral)) }
        for action in rule.actions { pills.append(("\(t(.actionLower)) " + action, .action)) }
        var pillRows: [[(String, PillStyle, Double)]] = [[]]
        var rowUsed = 0.0
        for pill in pills {
            let w = min(pillWidth(pill.0), Self.outputWidth)
            if rowUsed > 0, rowUsed + 6 + w > Self.outputWidth {
                pillRows.append([])
                rowUsed = 0
            }
            pillRows[pillRows.count - 1].append((pill.0, pill.1, w))
            rowUsed += (rowUsed > 0 ? 6 : 0) + w
        }
        if pillRows.last?.isEmpty == true { pillRows.removeLast() }

        let textHeight = 10 + Double(lines.count) * Self.lineHeight
        let pillsHeight = Double(pillRows.count) * (Self.pillHeight + 4) + 4
        let height = max(textHeight, pillsHeight)
        canvas.rect(
            rowX, y, rowWidth, height, fill: colours.0, stroke: rule.deviation != nil ? Palette.deviation : colours.1,
            radius: 4, strokeWidth: rule.deviation != nil ? 2 : 1, dashed: rule.deviation != nil)
        for (i, line) in lines.enumerated() {
            canvas.text(
                rowX + 10, y + 18 + Double(i) * Self.lineHeight, line.0, size: 12, weight: line.1 ? "700" : "400",
                colour: line.2, mono: line.1)
        }
        let anchorY = y + 13
        if !pillRows.isEmpty {
            canvas.line(rowX + rowWidth, anchorY, Self.outputX - 2, anchorY, stroke: "#8f9aa7", width: 1, arrow: true)
            for (r, pillRow) in pillRows.enumerated() {
                var x = Self.outputX
                let py = y + 3 + Double(r) * (Self.pillHeight + 4)
                for pill in pillRow {
                    canvas.pill(x, py, pill.0, style: pill.1, width: pill.2, height: Self.pillHeight)
                    x += pill.2 + 6
                }
            }
        }
        return (y + height, (anchorY, rowX))
    }

    /// A national rule the pilot switched off: greyed, struck through, with the reason given.
    private func disabledRow(_ canvas: inout Canvas, _ off: DisabledInfo, y: Double) -> Double {
        let rowX = Self.mainX + 12
        let rowWidth = Self.mainWidth - 24
        var lines = wrap(off.id + " " + t(.switchedOffTag), width: rowWidth - 20, mono: true).map { ($0, true) }
        lines += wrap("\(t(.becauseLower)) " + off.because, width: rowWidth - 20).map { ($0, false) }
        let height = 10 + Double(lines.count) * Self.lineHeight
        canvas.rect(
            rowX, y, rowWidth, height, fill: Palette.disabled.0, stroke: Palette.disabled.1, radius: 4, dashed: true)
        for (i, line) in lines.enumerated() {
            canvas.text(
                rowX + 10, y + 18 + Double(i) * Self.lineHeight, line.0, size: 12, weight: line.1 ? "700" : "400",
                colour: Palette.muted, mono: line.1, strike: line.1)
        }
        return y + height
    }

    private func referralText(_ target: ReferralTarget) -> String {
        switch target {
        case .fixed(let place): return place
        case .fact(let slot): return "\(t(.valueOf)) " + program.facts[slot].name
        }
    }

    private func conditionText(of info: DecisionInfo) -> String {
        for file in program.files.indices.reversed() {
            let (parsed, _) = Parser.parse(program.files[file], fileIndex: file)
            for declaration in parsed.declarations {
                if case .decision(let d) = declaration, d.name.text == info.name, let c = d.condition {
                    return ASTPrinter.print(c)
                }
            }
        }
        return t(.condition)
    }

    // MARK: - Text measuring

    func wrap(_ text: String, width: Double, mono: Bool = false) -> [String] {
        Self.wrap(text, maxCharacters: max(8, Int(width / (mono ? Self.monoCharWidth : Self.charWidth))))
    }

    /// Breaks text into lines of at most `maxCharacters`, at spaces where possible.
    static func wrap(_ text: String, maxCharacters: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = String(word)
            while word.count > maxCharacters {
                if !current.isEmpty {
                    lines.append(current)
                    current = ""
                }
                lines.append(String(word.prefix(maxCharacters)))
                word = String(word.dropFirst(maxCharacters))
            }
            if current.isEmpty {
                current = word
            } else if current.count + 1 + word.count <= maxCharacters {
                current += " " + word
            } else {
                lines.append(current)
                current = word
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// Bold text runs about 15% wider than regular text.
    func pillWidth(_ text: String, size: Double = 12, bold: Bool = false) -> Double {
        Double(text.count) * Self.charWidth * size / 12 * (bold ? 1.15 : 1) + 16
    }

    fileprivate func rectElement(
        _ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String, radius: Double,
        strokeWidth: Double = 1, dashed: Bool = false
    ) -> String {
        Canvas.rectElement(
            x, y, w, h, fill: fill, stroke: stroke, radius: radius, strokeWidth: strokeWidth, dashed: dashed)
    }
}

/// The SVG being built: elements in drawing order, with a way to put a box behind what was
/// drawn inside it (a stage's size is known only after its rules are laid out).
struct Canvas {
    let prefix: String
    private var elements: [String] = []
    private var markers: Set<String> = []

    init(prefix: String) {
        self.prefix = prefix
    }

    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(rounded)
    }

    static func rectElement(
        _ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String, radius: Double,
        strokeWidth: Double = 1, dashed: Bool = false
    ) -> String {
        "<rect x=\"\(number(x))\" y=\"\(number(y))\" width=\"\(number(w))\" height=\"\(number(h))\" rx=\"\(number(radius))\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"\(number(strokeWidth))\""
            + (dashed ? " stroke-dasharray=\"5 3\"" : "") + "/>"
    }

    mutating func rect(
        _ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String, radius: Double,
        strokeWidth: Double = 1, dashed: Bool = false
    ) {
        elements.append(
            Self.rectElement(
                x, y, w, h, fill: fill, stroke: stroke, radius: radius, strokeWidth: strokeWidth, dashed: dashed))
    }

    static func textElement(
        _ x: Double, _ y: Double, _ text: String, size: Double = 12, weight: String = "400",
        colour: String = "#1d232b", mono: Bool = false, strike: Bool = false
    ) -> String {
        let family = mono ? "DejaVu Sans Mono, Menlo, Consolas, monospace" : "DejaVu Sans, Helvetica, Arial, sans-serif"
        return
            "<text x=\"\(number(x))\" y=\"\(number(y))\" font-family=\"\(family)\" font-size=\"\(number(size))\" font-weight=\"\(weight)\" fill=\"\(colour)\""
            + (strike ? " text-decoration=\"line-through\"" : "") + ">\(HTML.escape(text))</text>"
    }

    mutating func text(
        _ x: Double, _ y: Double, _ text: String, size: Double = 12, weight: String = "400",
        colour: String = "#1d232b", mono: Bool = false, strike: Bool = false
    ) {
        elements.append(
            Self.textElement(x, y, text, size: size, weight: weight, colour: colour, mono: mono, strike: strike))
    }

    /// Where the next element goes: remember it to draw a box behind what follows.
    var mark: Int { elements.count }

    /// Puts `element` behind everything drawn since `mark` (a box whose size was not known yet).
    mutating func insert(_ element: String, behindFrom mark: Int) {
        elements.insert(element, at: min(mark, elements.count))
    }

    mutating func line(
        _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double, arrow: Bool = false,
        dashed: Bool = false, marker: String = "plain"
    ) {
        var element =
            "<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" y2=\"\(Self.number(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\""
        if dashed { element += " stroke-dasharray=\"6 4\"" }
        if arrow {
            markers.insert("\(marker)|\(stroke)")
            element += " marker-end=\"url(#\(markerID(marker, stroke)))\""
        }
        elements.append(element + "/>")
    }

    mutating func dot(_ x: Double, _ y: Double, colour: String) {
        elements.append("<circle cx=\"\(Self.number(x))\" cy=\"\(Self.number(y))\" r=\"2.5\" fill=\"\(colour)\"/>")
    }

    func markerID(_ marker: String, _ colour: String) -> String {
        "\(prefix)-\(marker)-" + colour.filter { $0 != "#" }
    }

    mutating func arrow(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) {
        line(x1, y1, x2, y2, stroke: "#1d232b", width: 1.5, arrow: true, marker: "flow")
    }

    mutating func pill(
        _ x: Double, _ y: Double, _ label: String, style: DecisionDiagram.PillStyle, width: Double, height: Double,
        size: Double = 12
    ) {
        let c = style.colours
        rect(x, y, width, height, fill: c.fill, stroke: c.stroke, radius: height / 2)
        text(
            x + 8, y + height / 2 + size * 0.36, label, size: size, weight: style == .outcome ? "700" : "400",
            colour: c.text)
    }

    func render(width: Double, height: Double, label: String) -> String {
        var out =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"diagram\" role=\"img\" aria-label=\"\(HTML.escape(label))\""
        out +=
            " width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\">\n"
        out += "<title>\(HTML.escape(label))</title>\n<defs>\n"
        for entry in markers.sorted() {
            let parts = entry.split(separator: "|", maxSplits: 1).map(String.init)
            out +=
                "<marker id=\"\(markerID(parts[0], parts[1]))\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"\(parts[1])\"/></marker>\n"
        }
        out += "</defs>\n"
        out +=
            "<rect x=\"0\" y=\"0\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" fill=\"#ffffff\"/>\n"
        for element in elements { out += element + "\n" }
        return out + "</svg>"
    }
}
