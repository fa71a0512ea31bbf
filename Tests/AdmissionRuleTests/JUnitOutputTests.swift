import Foundation
import LVVPresentation
import LVVRules
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `rule-check test --format junit`, `rule-check comply --format junit` and `rule-check test
/// --coverage`: the XML is checked against the common JUnit schema (Fixtures/junit.xsd) with
/// `xmllint` where it is installed, and always parsed and checked for structure here.
@Suite struct JUnitOutputTests {
    static let fixtures = "Tests/AdmissionRuleTests/Fixtures"

    static let xmllint: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/xmllint" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }()

    /// What the parser saw: for every element its name, attributes, parent and text.
    final class Element {
        let name: String
        let attributes: [String: String]
        var children: [Element] = []
        var text = ""
        init(name: String, attributes: [String: String]) {
            self.name = name
            self.attributes = attributes
        }
        func all(_ name: String) -> [Element] { children.filter { $0.name == name } }
        func count(_ key: String) -> Int? { attributes[key].flatMap { Int($0) } }
    }

    final class TreeBuilder: NSObject, XMLParserDelegate {
        var stack: [Element] = []
        var root: Element?
        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            let element = Element(name: name, attributes: attributes)
            if let parent = stack.last { parent.children.append(element) } else { root = element }
            stack.append(element)
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }

    /// Parses the document (well-formedness) and checks the JUnit structure: `testsuites` holding
    /// `testsuite`s, holding `testcase`s with a name and class name, and counts that match.
    static func parse(_ xml: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Element {
        let parser = XMLParser(data: Data(xml.utf8))
        let builder = TreeBuilder()
        parser.delegate = builder
        #expect(
            parser.parse(), "well-formed XML: \(String(describing: parser.parserError))", sourceLocation: sourceLocation
        )
        let root = try #require(builder.root, sourceLocation: sourceLocation)
        #expect(root.name == "testsuites", sourceLocation: sourceLocation)
        var tests = 0
        var failures = 0
        var errors = 0
        for suite in root.children {
            #expect(suite.name == "testsuite", sourceLocation: sourceLocation)
            #expect(suite.attributes["name"] != nil && suite.attributes["time"] != nil, sourceLocation: sourceLocation)
            let cases = suite.all("testcase")
            #expect(cases.count == suite.children.count, sourceLocation: sourceLocation)
            #expect(suite.count("tests") == cases.count, sourceLocation: sourceLocation)
            let failed = cases.filter { !$0.all("failure").isEmpty }.count
            let erred = cases.filter { !$0.all("error").isEmpty }.count
            #expect(suite.count("failures") == failed, sourceLocation: sourceLocation)
            #expect(suite.count("errors") == erred, sourceLocation: sourceLocation)
            #expect(suite.count("skipped") == 0, sourceLocation: sourceLocation)
            for test in cases {
                #expect(
                    test.attributes["name"]?.isEmpty == false && test.attributes["classname"]?.isEmpty == false,
                    sourceLocation: sourceLocation)
                #expect(
                    test.children.allSatisfy { ["failure", "error", "skipped"].contains($0.name) },
                    sourceLocation: sourceLocation)
            }
            tests += cases.count
            failures += failed
            errors += erred
        }
        #expect(
            root.count("tests") == tests && root.count("failures") == failures && root.count("errors") == errors,
            sourceLocation: sourceLocation)
        return root
    }

    /// Validates against Fixtures/junit.xsd with `xmllint --schema`.
    static func validate(_ xml: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let xmllint = try #require(Self.xmllint, sourceLocation: sourceLocation)
        let scratch = try CommandLineTests.Scratch()
        let file = scratch.url("result.xml")
        try Data(xml.utf8).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: xmllint)
        process.arguments = ["--noout", "--schema", repositoryRoot + "/" + fixtures + "/junit.xsd", file.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "xmllint: \(message)", sourceLocation: sourceLocation)
    }

    static func junit(_ arguments: [String]) throws -> (status: Int32, xml: String) {
        let run = try CommandLineTests.run(arguments + ["--format", "junit"])
        return (run.status, run.stdout)
    }

    /// Characters XML 1.0 forbids (control characters) stay visible as `\u{…}` and keep the
    /// document well-formed; a line break in an attribute survives as a character reference.
    @Test func forbiddenCharactersKeepTheDocumentWellFormed() throws {
        let name = "bell\u{7} nul\u{0} esc\u{1B} line\nbreak & <tag>"
        let xml = JUnitXML.document(
            name: "escaping",
            suites: [
                JUnitXML.TestSuite(
                    name: "suite", time: 0.0015,
                    cases: [
                        JUnitXML.TestCase(
                            name: name, className: "c",
                            outcome: .failure(type: "t", message: name, text: "]]> \u{8} \"q\" 'a'"))
                    ])
            ])
        #expect(xml.contains("time=\"0.002\""))
        let root = try Self.parse(xml)
        let test = try #require(root.all("testsuite").first?.all("testcase").first)
        #expect(test.attributes["name"] == "bell\\u{7} nul\\u{0} esc\\u{1B} line\nbreak & <tag>")
        #expect(test.all("failure").first?.text == "]]> \\u{8} \"q\" 'a'")
    }

    // MARK: - test

    @Test func shippedRulesGiveOnePassingCasePerTest() throws {
        let (status, xml) = try Self.junit(["test", "rules"])
        #expect(status == 0)
        let root = try Self.parse(xml)
        #expect(
            root.all("testsuite").map { $0.attributes["name"] ?? "" }
                == ["amsterdam", "eindhoven", "groningen", "national", "rotterdam", "utrecht"].map {
                    "rules/\($0).rules"
                })
        let cases = root.all("testsuite").flatMap { $0.all("testcase") }
        #expect(cases.count == root.count("tests") && cases.count > 100)
        #expect(root.count("failures") == 0)
        #expect(
            cases.contains { $0.attributes["name"] == "volwassene zonder verblijfsrecht of opvang wordt toegelaten" })
    }

    @Test func failingTestIsAFailureWithWhatDiffered() throws {
        let (status, xml) = try Self.junit(["test", Self.fixtures + "/failing_test.rules"])
        #expect(status == 1)
        let root = try Self.parse(xml)
        let cases = try #require(root.all("testsuite").first).all("testcase")
        #expect(cases.count == 2)
        #expect(cases[0].attributes["name"] == "an adult is admitted" && cases[0].children.isEmpty)
        // The title's `< > & ' "` went through the escaping and came back whole.
        #expect(cases[1].attributes["name"] == "a minor <under 18> & 'young' \"child\" is admitted")
        #expect(cases[1].attributes["classname"] == Self.fixtures + "/failing_test.rules")
        let failure = try #require(cases[1].all("failure").first)
        #expect(failure.attributes["message"] == "expected intake `admit`, got `exclude` (reasons: too_young)")
        #expect(failure.text.contains("failing_test.rules:22"))
    }

    static let brokenFile = "Tests/RuleDSLTests/Fixtures/diagnostics/bad_format.rules"

    @Test func fileThatDoesNotLoadIsAnError() throws {
        let (status, xml) = try Self.junit(["test", Self.brokenFile, Self.fixtures + "/failing_test.rules"])
        #expect(status == 1)
        let root = try Self.parse(xml)
        #expect(root.count("errors") == 1 && root.count("failures") == 1 && root.count("tests") == 3)
        let error = try #require(root.all("testsuite").first?.all("testcase").first?.all("error").first)
        #expect(error.attributes["message"] == "the rule file does not load")
        #expect(error.text.contains("bad_format.rules:4:27: error:"))
    }

    @Test(.enabled(if: JUnitOutputTests.xmllint != nil, "xmllint is not installed (apt-get install libxml2-utils)"))
    func testOutputValidatesAgainstTheSchema() throws {
        try Self.validate(try Self.junit(["test", "rules"]).xml)
        try Self.validate(try Self.junit(["test", Self.fixtures + "/failing_test.rules"]).xml)
        try Self.validate(try Self.junit(["test", Self.brokenFile]).xml)
    }

    // MARK: - comply

    @Test func utrechtViolationsCarryTheirCounterexample() throws {
        let (status, xml) = try Self.junit(["comply", "--pilot", "utrecht"])
        #expect(status == 1)
        let root = try Self.parse(xml)
        let suite = try #require(root.all("testsuite").first)
        #expect(root.all("testsuite").count == 1 && suite.attributes["name"] == "comply utrecht")
        let failed = suite.all("testcase").filter { !$0.all("failure").isEmpty }
        #expect(failed.count >= 1 && failed.count < suite.all("testcase").count)
        for test in failed {
            #expect(test.attributes["classname"] == "rules/utrecht.rules")
            let failure = try #require(test.all("failure").first)
            // The counterexample line is the case JSON, unescaped by the parser, and parses as JSON.
            let line = try #require(failure.text.split(separator: "\n").first { $0.hasPrefix("{") })
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect((object["case_id"] as? String)?.hasPrefix("counterexample-utrecht-") == true)
        }
    }

    @Test func groningenIsAllProven() throws {
        let (status, xml) = try Self.junit(["comply", "--pilot", "groningen"])
        #expect(status == 0)
        let root = try Self.parse(xml)
        let cases = try #require(root.all("testsuite").first).all("testcase")
        #expect(cases.count >= 4)
        #expect(cases.allSatisfy { $0.children.isEmpty && $0.attributes["classname"] == "rules/groningen.rules" })
    }

    @Test(.enabled(if: JUnitOutputTests.xmllint != nil, "xmllint is not installed (apt-get install libxml2-utils)"))
    func complyOutputValidatesAgainstTheSchema() throws {
        try Self.validate(try Self.junit(["comply", "--pilot", "utrecht"]).xml)
        try Self.validate(try Self.junit(["comply", "--pilot", "groningen"]).xml)
    }

    // MARK: - coverage

    @Test func coverageOfAKnownFile() throws {
        let run = try CommandLineTests.run([
            "test", Self.fixtures + "/coverage.rules", "--coverage", "--format", "json",
        ])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let file = try #require((object["files"] as? [[String: Any]])?.first)
        #expect(file["observed"] as? Int == 8 && file["required"] as? Int == 10 && file["percent"] as? Double == 80)
        let items = try #require(file["items"] as? [[String: Any]])
        let summary = items.map { "\($0["kind"]!) \($0["id"]!) \($0["held"]!)/\($0["not_held"]!) \($0["only_held"]!)" }
        #expect(
            summary == [
                "rule too_young 2/1 0", "rule no_papers 2/0 1", "exception vouched_for 1/1 0",
                "stage intake/exclusion 1/2 0", "stage intake/check 2/0 1",
            ])
        let text = try CommandLineTests.run(["test", Self.fixtures + "/coverage.rules", "--coverage"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("80.0% (8 of 10"))
        #expect(text.stdout.contains("never not held:  rule `no_papers` (line 22); warning: covered only as held"))
        #expect(text.stdout.contains("never not held:  stage `intake/check` (line 13); warning: covered only as held"))
        #expect(!text.stdout.contains("never held:"))
    }

    @Test func minimumCoveragePassesAndFails() throws {
        let pass = try CommandLineTests.run(["test", Self.fixtures + "/coverage.rules", "--min-coverage", "80"])
        #expect(pass.status == 0)
        let fail = try CommandLineTests.run(["test", Self.fixtures + "/coverage.rules", "--min-coverage", "80.1"])
        #expect(fail.status == 1)
        #expect(fail.stdout.contains("coverage.rules: coverage 80.0% is below --min-coverage 80.1%"))
        let json = try CommandLineTests.run([
            "test", Self.fixtures + "/coverage.rules", "--coverage", "--format", "json", "--min-coverage", "90",
        ])
        #expect(json.status == 1)
        #expect(json.stderr.contains("below --min-coverage 90.0%"))
        #expect((try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8))) != nil, "standard output stays JSON")
        let bad = try CommandLineTests.run(["test", "--min-coverage", "120"])
        #expect(bad.status == 2)
    }
}
