/// JUnit XML, the result format CI systems read (Jenkins, GitLab, GitHub Actions reporters):
/// `<testsuites>` holding one `<testsuite>` per rule file or pilot, each holding `<testcase>`s
/// with an optional `<failure>` or `<error>`. Only the common subset the Ant/Jenkins schema
/// allows is written, so every reader accepts it.
public enum JUnitXML {
    /// One test case: a rule-file test, or one invariant of one pilot.
    public struct TestCase: Sendable {
        /// The `name` attribute: the test's title, or `id: title` of an invariant.
        public let name: String
        /// The `classname` attribute CI groups cases by: the rule file's path (the pilot's top file for `comply`).
        public let className: String
        /// Seconds the case took; nil leaves the `time` attribute out (cases are not timed one by one).
        public let time: Double?
        /// Whether the test or invariant held, and if not, what the CI reader shows.
        public let outcome: Outcome

        /// How a case ended, written as JUnit's `<failure>`, `<error>` or `<skipped>` element (none when passed).
        public enum Outcome: Sendable {
            case passed
            /// An assertion did not hold: what differed (`message`) and the details (`text`).
            case failure(type: String, message: String, text: String)
            /// The case could not be run at all (a rule file that does not load).
            case error(type: String, message: String, text: String)
            case skipped(message: String)
        }

        /// A case as `rule-check test` and `comply --format junit` build it (`JUnitResults`).
        public init(name: String, className: String, time: Double? = nil, outcome: Outcome) {
            self.name = name
            self.className = className
            self.time = time
            self.outcome = outcome
        }
    }

    /// One `<testsuite>`: the tests of one rule file, or the national invariants checked for one pilot.
    public struct TestSuite: Sendable {
        /// The suite's name: the rule file's path (or the pilot's, for `comply`).
        public let name: String
        /// Seconds the suite took; the `<testsuites>` total is their sum.
        public let time: Double
        /// The suite's cases, written in this order; the counts in its attributes are taken from them.
        public let cases: [TestCase]

        /// A suite from its cases, one per rule file (`test`) or per pilot (`comply`).
        public init(name: String, time: Double, cases: [TestCase]) {
            self.name = name
            self.time = time
            self.cases = cases
        }

        var failures: Int { cases.filter { if case .failure = $0.outcome { true } else { false } }.count }
        var errors: Int { cases.filter { if case .error = $0.outcome { true } else { false } }.count }
        var skipped: Int { cases.filter { if case .skipped = $0.outcome { true } else { false } }.count }
    }

    /// The whole document; the counts of each suite and of the total are computed from the cases,
    /// so they can never disagree with them.
    public static func document(name: String, suites: [TestSuite]) -> String {
        let tests = suites.reduce(0) { $0 + $1.cases.count }
        let failures = suites.reduce(0) { $0 + $1.failures }
        let errors = suites.reduce(0) { $0 + $1.errors }
        let time = suites.reduce(0) { $0 + $1.time }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out +=
            "<testsuites name=\"\(attribute(name))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(seconds(time))\">\n"
        for (index, suite) in suites.enumerated() {
            out +=
                "  <testsuite name=\"\(attribute(suite.name))\" id=\"\(index)\" tests=\"\(suite.cases.count)\" failures=\"\(suite.failures)\""
            out += " errors=\"\(suite.errors)\" skipped=\"\(suite.skipped)\" time=\"\(seconds(suite.time))\">\n"
            for test in suite.cases {
                out += "    <testcase name=\"\(attribute(test.name))\" classname=\"\(attribute(test.className))\""
                if let time = test.time { out += " time=\"\(seconds(time))\"" }
                switch test.outcome {
                case .passed:
                    out += "/>\n"
                    continue
                case .failure(let type, let message, let text):
                    out +=
                        ">\n      <failure type=\"\(attribute(type))\" message=\"\(attribute(message))\">\(self.text(text))</failure>\n"
                case .error(let type, let message, let text):
                    out +=
                        ">\n      <error type=\"\(attribute(type))\" message=\"\(attribute(message))\">\(self.text(text))</error>\n"
                case .skipped(let message):
                    out += ">\n      <skipped message=\"\(attribute(message))\"/>\n"
                }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    /// Text for an attribute value in double quotes: `& < > " '` become entities, and a line
    /// break or tab becomes a character reference so a reader's attribute normalisation keeps it.
    public static func attribute(_ value: String) -> String {
        escape(value, inAttribute: true)
    }

    /// Text for element content: `& < > " '` become entities (`>` too, so `]]>` cannot occur).
    public static func text(_ value: String) -> String {
        escape(value, inAttribute: false)
    }

    /// XML 1.0 allows only tab, line feed, carriage return and U+0020 and up (minus the
    /// surrogates, which a Swift string cannot hold, and U+FFFE/U+FFFF); no escape makes the
    /// others legal, not even `&#1;`. A forbidden character is written as the visible text
    /// `\u{XX}` (hexadecimal code point), so the document stays well-formed and a reader still
    /// sees that the character was there.
    static func escape(_ value: String, inAttribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t": out += inAttribute ? "&#9;" : "\t"
            case "\n": out += inAttribute ? "&#10;" : "\n"
            case "\r": out += "&#13;"
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Seconds with three decimals (`0.004`), never exponent notation.
    static func seconds(_ value: Double) -> String {
        let millis = Int((max(0, value) * 1000).rounded())
        let fraction = String(millis % 1000)
        return "\(millis / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
