/// The text formats the service needs, on the standard library alone (Foundation stays out of
/// `rule-check`, see `Threads.swift`).
package enum PlainText {
    /// `value` in decimal, at least `width` digits, zeros in front (`%0Nd`).
    package static func zeroPadded(_ value: Int, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let padding = String(repeating: "0", count: max(0, width - digits.count - (value < 0 ? 1 : 0)))
        return (value < 0 ? "-" : "") + padding + digits
    }

    /// `value` with three decimals (`%.3f`; an exact tie rounds away from zero, where printf
    /// rounds to even: a measurement never tells).
    package static func threeDecimals(_ value: Double) -> String {
        guard value.isFinite else { return String(value) }
        let thousandths = Int((abs(value) * 1000).rounded())
        return (value < 0 && thousandths > 0 ? "-" : "") + String(thousandths / 1000) + "."
            + zeroPadded(thousandths % 1000, 3)
    }

    /// `text` right-aligned in `width` characters (`%Nd`, `%N.Mf` with the text made).
    package static func rightAligned(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// `value` rounded to a whole number (`%.0f`).
    package static func noDecimals(_ value: Double) -> String {
        value.isFinite ? String(Int(value.rounded())) : String(value)
    }

    /// `text`'s UTF-8 with every byte percent-encoded but the ASCII letters and digits and
    /// `keep`, in capitals, as Foundation's `addingPercentEncoding` does with those allowed.
    package static func percentEncoded(_ text: String, keeping keep: String = "") -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        let kept = Set(keep.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            let isAlphanumeric =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            if isAlphanumeric || kept.contains(byte) {
                out.append(byte)
            } else {
                out += [0x25, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether a scalar is a letter, a mark or a number (Unicode categories L, M and N: the
    /// scalars of Foundation's `CharacterSet.alphanumerics`).
    package static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }

    /// `bytes` with every occurrence of `part` replaced by `replacement`, left to right (what
    /// Foundation's `replacingOccurrences` does, on bytes).
    package static func replacing(_ part: [UInt8], with replacement: [UInt8] = [], in bytes: [UInt8]) -> [UInt8] {
        guard !part.isEmpty, bytes.count >= part.count else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var at = 0
        while at < bytes.count {
            if at + part.count <= bytes.count, bytes[at..<(at + part.count)].elementsEqual(part) {
                out += replacement
                at += part.count
            } else {
                out.append(bytes[at])
                at += 1
            }
        }
        return out
    }
}
