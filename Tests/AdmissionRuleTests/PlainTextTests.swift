import Foundation
import Testing

@testable import LVVService

/// The service's text helpers that replaced Foundation's (`PlainText`):
/// held equal to Foundation here, in the tests, where Foundation costs nothing at start.
@Suite struct PlainTextTests {
    static let texts = [
        "", "abc", "aé z", "Zürich-1._x", "日本", "a\u{0301}", "{\"case_id\":\"A-1\",\"x\":[1,2]}\n", "~!*'()%+/?#",
        "😀 emoji", "tab\there",
    ]

    @Test(arguments: texts)
    func percentEncodingIsFoundations(text: String) {
        #expect(PlainText.percentEncoded(text) == text.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let kept = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._"))
        #expect(
            PlainText.percentEncoded(text, keeping: "-._") == text.addingPercentEncoding(withAllowedCharacters: kept))
    }

    @Test(arguments: texts)
    func alphanumericsAreFoundations(text: String) {
        for scalar in text.unicodeScalars {
            #expect(PlainText.isAlphanumeric(scalar) == CharacterSet.alphanumerics.contains(scalar), "\(scalar)")
        }
    }

    @Test func numbersAreFormattedAsPrintfDoes() {
        for (value, width) in [(0, 2), (7, 2), (12, 2), (2026, 4), (5, 4), (-3, 3), (123_456, 2)] {
            #expect(PlainText.zeroPadded(value, width) == String(format: "%0\(width)d", value))
        }
        for value in [0.0, 0.0004, 1.2344, 1.2346, 12.5, 999.9996, 1234.5] {
            #expect(PlainText.threeDecimals(value) == String(format: "%.3f", value), "\(value)")
        }
        for value in [0.0, 1.4, 2.6, 1_234_567.2] {
            #expect(PlainText.noDecimals(value) == String(format: "%.0f", value), "\(value)")
        }
        #expect(PlainText.rightAligned("42", 5) == String(format: "%5d", 42))
        #expect(PlainText.rightAligned("123456", 3) == "123456")
    }

    @Test func replacingIsFoundations() {
        for (text, part, replacement) in [
            ("a CASE_SCHEMA b CASE_SCHEMA", "CASE_SCHEMA", "{}"),
            (
                "HTTP/1.1 200\r\nTransfer-Encoding: chunked\r\n\r\n",
                "Transfer-Encoding: chunked\r\n", ""
            ), ("aaa", "aa", "b"), ("none here", "xyz", "q"), ("", "x", "y"),
        ] {
            let bytes = PlainText.replacing(Array(part.utf8), with: Array(replacement.utf8), in: Array(text.utf8))
            #expect(String(decoding: bytes, as: UTF8.self) == text.replacingOccurrences(of: part, with: replacement))
        }
    }
}
