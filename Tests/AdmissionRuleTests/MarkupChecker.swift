import Foundation

/// A small well-formedness checker for the HTML and SVG the tool writes (`rule-check doc`,
/// `rule-check report`): every opened tag closed in order (HTML void elements excepted), no raw
/// `<` or stray `&` in text or attribute values, attributes quoted. In XML mode (inline SVG) there
/// are no void elements, only XML's five named entities are allowed, and there is one root.
/// Foundation's `XMLDocument` is not available on every Linux setup, so the tests use this.
struct MarkupChecker {
    enum Mode { case html, xml }

    static let voidElements: Set<String> = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    ]
    /// Elements whose content is raw text up to their end tag.
    static let rawTextElements: Set<String> = ["style", "script"]
    static let xmlEntities: Set<String> = ["amp", "lt", "gt", "quot", "apos"]

    /// A start tag as found: its name and attributes.
    struct Tag {
        let name: String
        let attributes: [(String, String)]
        let offset: Int
    }

    let mode: Mode
    private(set) var problems: [String] = []
    private(set) var tags: [Tag] = []

    /// Checks `text`; `problems` is empty when it is well formed.
    init(_ text: String, mode: Mode) {
        self.mode = mode
        check(Array(text.unicodeScalars))
    }

    private mutating func problem(_ message: String, _ offset: Int, _ s: [Unicode.Scalar]) {
        guard problems.count < 20 else { return }
        let start = max(0, offset - 30)
        let end = min(s.count, offset + 30)
        var context = ""
        context.unicodeScalars.append(contentsOf: s[start..<end])
        problems.append("\(message) at \(offset): …\(context.replacingOccurrences(of: "\n", with: "⏎"))…")
    }

    private static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_" || c == ":"
    }

    private static func isNameChar(_ c: Unicode.Scalar) -> Bool {
        isNameStart(c) || ("0"..."9").contains(c) || c == "-" || c == "."
    }

    private static func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\n" || c == "\t" || c == "\r" }

    private mutating func check(_ s: [Unicode.Scalar]) {
        var stack: [(String, Int)] = []
        var roots = 0
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == "&" {
                i = entity(s, i)
                continue
            }
            if c != "<" {
                if c == ">" && mode == .xml { problem("raw `>` in text", i, s) }
                if stack.isEmpty && !Self.isSpace(c) && mode == .xml { problem("text outside the root", i, s) }
                i += 1
                continue
            }
            // `<` must start markup.
            guard i + 1 < s.count else {
                problem("`<` at the end", i, s)
                return
            }
            let next = s[i + 1]
            if next == "!" {
                if starts(s, i, "<!--") {
                    guard let end = find(s, "-->", from: i + 4) else {
                        problem("unclosed comment", i, s)
                        return
                    }
                    i = end + 3
                } else if mode == .html, starts(s, i, "<!DOCTYPE") {
                    guard let end = find(s, ">", from: i) else {
                        problem("unclosed doctype", i, s)
                        return
                    }
                    i = end + 1
                } else {
                    problem("unexpected `<!`", i, s)
                    i += 2
                }
                continue
            }
            if next == "/" {
                var j = i + 2
                let nameStart = j
                while j < s.count, Self.isNameChar(s[j]) { j += 1 }
                let name = string(s[nameStart..<j])
                while j < s.count, Self.isSpace(s[j]) { j += 1 }
                guard j < s.count, s[j] == ">" else {
                    problem("malformed end tag `\(name)`", i, s)
                    return
                }
                let key = mode == .html ? name.lowercased() : name
                if let open = stack.last, open.0 == key {
                    stack.removeLast()
                } else {
                    problem("end tag `\(name)` does not match the open `\(stack.last?.0 ?? "(nothing)")`", i, s)
                    if let index = stack.lastIndex(where: { $0.0 == key }) { stack.removeSubrange(index...) }
                }
                i = j + 1
                continue
            }
            guard Self.isNameStart(next) else {
                problem("unescaped `<` in text", i, s)
                i += 1
                continue
            }
            // A start tag.
            var j = i + 1
            let nameStart = j
            while j < s.count, Self.isNameChar(s[j]) { j += 1 }
            let name = string(s[nameStart..<j])
            var attributes: [(String, String)] = []
            var selfClosing = false
            var seen = Set<String>()
            while true {
                while j < s.count, Self.isSpace(s[j]) { j += 1 }
                guard j < s.count else {
                    problem("unclosed tag `\(name)`", i, s)
                    return
                }
                if s[j] == ">" {
                    j += 1
                    break
                }
                if s[j] == "/", j + 1 < s.count, s[j + 1] == ">" {
                    selfClosing = true
                    j += 2
                    break
                }
                let attributeStart = j
                while j < s.count, Self.isNameChar(s[j]) { j += 1 }
                guard j > attributeStart else {
                    problem("bad character in tag `\(name)`", j, s)
                    return
                }
                let attribute = string(s[attributeStart..<j])
                if !seen.insert(attribute).inserted { problem("duplicate attribute `\(attribute)`", j, s) }
                guard j < s.count, s[j] == "=" else {
                    if mode == .xml { problem("attribute `\(attribute)` without a value", j, s) }
                    attributes.append((attribute, ""))
                    continue
                }
                j += 1
                guard j < s.count, s[j] == "\"" else {
                    problem("attribute `\(attribute)` not in double quotes", j, s)
                    return
                }
                j += 1
                let valueStart = j
                while j < s.count, s[j] != "\"" {
                    if s[j] == "<" { problem("raw `<` in attribute `\(attribute)`", j, s) }
                    if s[j] == "&" {
                        let after = entity(s, j)
                        j = after
                        continue
                    }
                    j += 1
                }
                guard j < s.count else {
                    problem("unterminated attribute `\(attribute)`", valueStart, s)
                    return
                }
                attributes.append((attribute, string(s[valueStart..<j])))
                j += 1
            }
            tags.append(Tag(name: name, attributes: attributes, offset: i))
            let key = mode == .html ? name.lowercased() : name
            if stack.isEmpty { roots += 1 }
            i = j
            if selfClosing { continue }
            if mode == .html && Self.voidElements.contains(key) { continue }
            if mode == .html && Self.rawTextElements.contains(key) {
                guard let end = find(s, "</\(key)", from: i) else {
                    problem("unclosed `\(key)`", i, s)
                    return
                }
                i = end
                stack.append((key, i))
                continue
            }
            stack.append((key, i))
        }
        for open in stack.reversed() { problem("`\(open.0)` is never closed", open.1, s) }
        if mode == .xml && roots != 1 { problems.append("expected one root element, found \(roots)") }
    }

    /// Checks an entity reference at `i` (`&name;`, `&#123;`, `&#x1F;`); returns where scanning goes on.
    private mutating func entity(_ s: [Unicode.Scalar], _ i: Int) -> Int {
        var j = i + 1
        if j < s.count, s[j] == "#" {
            j += 1
            let hex = j < s.count && (s[j] == "x" || s[j] == "X")
            if hex { j += 1 }
            let digitsStart = j
            while j < s.count,
                ("0"..."9").contains(s[j]) || (hex && (("a"..."f").contains(s[j]) || ("A"..."F").contains(s[j])))
            { j += 1 }
            guard j > digitsStart, j < s.count, s[j] == ";" else {
                problem("bad character reference", i, s)
                return i + 1
            }
            return j + 1
        }
        let nameStart = j
        while j < s.count, ("a"..."z").contains(s[j]) || ("A"..."Z").contains(s[j]) || ("0"..."9").contains(s[j]) {
            j += 1
        }
        guard j > nameStart, j < s.count, s[j] == ";" else {
            problem("stray `&` (not an entity)", i, s)
            return i + 1
        }
        let name = string(s[nameStart..<j])
        if mode == .xml && !Self.xmlEntities.contains(name) {
            problem("entity `&\(name);` is not defined in XML", i, s)
        }
        return j + 1
    }

    private func starts(_ s: [Unicode.Scalar], _ i: Int, _ prefix: String) -> Bool {
        let p = Array(prefix.unicodeScalars)
        guard i + p.count <= s.count else { return false }
        for k in 0..<p.count where s[i + k] != p[k] { return false }
        return true
    }

    private func find(_ s: [Unicode.Scalar], _ needle: String, from: Int) -> Int? {
        let n = Array(needle.unicodeScalars)
        guard n.count <= s.count else { return nil }
        var i = from
        while i + n.count <= s.count {
            var match = true
            for k in 0..<n.count where s[i + k] != n[k] {
                match = false
                break
            }
            if match { return i }
            i += 1
        }
        return nil
    }

    private func string(_ slice: ArraySlice<Unicode.Scalar>) -> String {
        var out = ""
        out.unicodeScalars.append(contentsOf: slice)
        return out
    }

    /// Every `<svg …>…</svg>` element in a page, as text.
    static func svgElements(in html: String) -> [String] {
        var out: [String] = []
        var rest = html[...]
        while let start = rest.range(of: "<svg"),
            let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex)
        {
            out.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        return out
    }

    /// Undoes the escaping of text and attribute values.
    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
