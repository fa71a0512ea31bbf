/// Escaping and a few building blocks for the HTML and SVG pages (`rule-check doc`,
/// `rule-check report`). Every piece of text that comes from a rule file or a verdict goes
/// through `HTML.escape`, so a title with `<`, `&` or a quote can never break the page.
public enum HTML {
    /// Text escaped for element content and for attribute values in double quotes: `&`, `<`,
    /// `>`, `"` and `'` become entities; control characters other than tab and newline (never
    /// valid in XML 1.0) are dropped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            case "\r": out += "\n"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A fragment id made of letters, digits, `-` and `_` only, stable for the same input.
    public static func anchor(_ parts: String...) -> String {
        var out = ""
        for (i, part) in parts.enumerated() {
            if i > 0 { out += "-" }
            for scalar in part.unicodeScalars {
                if ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                    || scalar == "_" || scalar == "-"
                {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += "_"
                }
            }
        }
        return out
    }

    /// The document around a body: UTF-8, a viewport, a title, and the style sheet inline.
    static func page(title: String, style: String, body: String, language: String = "nl") -> String {
        """
        <!DOCTYPE html>
        <html lang="\(language)">
        <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>\(escape(title))</title>
        <style>
        \(style)
        </style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    /// The style both pages share: readable type, tables, badges.
    static let baseStyle = """
        body { font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1d232b;
          margin: 0 auto; max-width: 1240px; padding: 24px 32px 64px; line-height: 1.45; background: #fff; }
        h1 { font-size: 28px; margin: 0 0 4px; }
        h2 { font-size: 22px; margin: 40px 0 12px; padding-bottom: 4px; border-bottom: 2px solid #d9dee5; }
        h3 { font-size: 18px; margin: 28px 0 8px; }
        h4 { font-size: 15px; margin: 0 0 6px; }
        code, pre { font-family: "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; }
        pre { background: #f4f6f8; border: 1px solid #e1e5ea; border-radius: 4px; padding: 8px 10px; margin: 4px 0;
          white-space: pre-wrap; overflow-wrap: anywhere; }
        table { border-collapse: collapse; margin: 8px 0 16px; }
        th, td { text-align: left; vertical-align: top; padding: 4px 10px; border-bottom: 1px solid #e1e5ea; }
        th { background: #f4f6f8; font-weight: 600; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        .muted { color: #5c6773; }
        .badge { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 8px; border-radius: 10px;
          margin-right: 4px; vertical-align: middle; border: 1px solid transparent; white-space: nowrap; }
        .b-added { background: #e3f4e8; color: #1b6b34; border-color: #9fd4b0; }
        .b-overridden { background: #fff1dc; color: #8a4b00; border-color: #f0c27a; }
        .b-disabled { background: #eceff3; color: #39424e; border-color: #b8c0ca; text-decoration: line-through; }
        .b-inherited { background: #eef3fb; color: #2c4f86; border-color: #bfd0ea; }
        .b-deviation { background: #fde8e8; color: #9b1c1c; border-color: #f3b0b0; }
        .b-narrowing { background: #f3ecfb; color: #5b2c91; border-color: #cdb6ea; }
        .b-proven { background: #e3f4e8; color: #1b6b34; border-color: #9fd4b0; }
        .b-violated { background: #fde8e8; color: #9b1c1c; border-color: #f3b0b0; }
        .b-unproven { background: #fff1dc; color: #8a4b00; border-color: #f0c27a; }
        .b-kind { background: #f4f6f8; color: #39424e; border-color: #d9dee5; }
        """
}
