import LVVRules
import RuleDSL

/// The report of `rule-check test --coverage`, per rule file: the percentage (`TestCoverage`),
/// the items no test made hold, and those no test made not hold. An item seen only holding is a
/// warning: the tests would pass just as well if its condition were `true`.
enum CoverageReport {
    struct File {
        let path: String
        let loadError: String?
        let coverage: TestCoverage?
        /// Line of each item, in `coverage.items` order.
        let lines: [Int]

        init(path: String, loadError: String) {
            self.path = path
            self.loadError = loadError
            coverage = nil
            lines = []
        }

        init(path: String, program: Program, report: TestRunner.Report) {
            self.path = path
            loadError = nil
            let coverage = TestCoverage(program: program, report: report, file: program.files.count - 1)
            self.coverage = coverage
            lines = coverage.items.map { program.files[$0.range.file].location(of: $0.range.start).line }
        }

        func text() -> String {
            guard let coverage else { return "coverage \(TerminalText.escape(path)): the rule file does not load\n" }
            var out =
                "coverage \(TerminalText.escape(path)): \(percent(coverage.percent))% (\(coverage.observed) of \(coverage.required) held and not-held observations)\n"
            for (item, line) in zip(coverage.items, lines) where item.held == 0 {
                out += "  never held:      \(item.kind.rawValue) `\(item.id)` (line \(line))\n"
            }
            for (item, line) in zip(coverage.items, lines) where item.canFail && item.notHeld == 0 {
                out +=
                    "  never not held:  \(item.kind.rawValue) `\(item.id)` (line \(line))"
                    + (item.onlyHeld ? "; warning: covered only as held" : "") + "\n"
            }
            let warnings = coverage.items.filter(\.onlyHeld).count
            if warnings > 0 { out += "  \(warnings) warning\(warnings == 1 ? "" : "s"): covered only as held\n" }
            return out
        }
    }

    /// The whole run as one JSON object: per file the percentage and every item with its counts.
    static func json(_ files: [File], passed: Int, failed: Int, minimum: Double?) -> String {
        var w = JSONWriter(reservingCapacity: 4096)
        w.appendRaw("{")
        w.appendMember("passed")
        w.appendRaw(String(passed))
        w.appendMember("failed")
        w.appendRaw(String(failed))
        if let minimum {
            w.appendMember("min_coverage")
            w.appendRaw(percent(minimum))
        }
        w.appendMember("files")
        w.appendRaw("[")
        for (i, file) in files.enumerated() {
            if i > 0 { w.appendRaw(",") }
            w.appendRaw("{")
            w.appendMember("file", file.path)
            guard let coverage = file.coverage else {
                w.appendMember("error", file.loadError ?? "")
                w.appendRaw("}")
                continue
            }
            w.appendMember("percent")
            w.appendRaw(percent(coverage.percent))
            w.appendMember("observed")
            w.appendRaw(String(coverage.observed))
            w.appendMember("required")
            w.appendRaw(String(coverage.required))
            w.appendMember("warnings")
            w.appendRaw(String(coverage.items.filter(\.onlyHeld).count))
            w.appendMember("items")
            w.appendRaw("[")
            for (j, (item, line)) in zip(coverage.items, file.lines).enumerated() {
                if j > 0 { w.appendRaw(",") }
                w.appendRaw("{")
                w.appendMember("kind", item.kind.rawValue)
                w.appendMember("id", item.id)
                w.appendMember("line")
                w.appendRaw(String(line))
                w.appendMember("held")
                w.appendRaw(String(item.held))
                w.appendMember("not_held")
                w.appendRaw(item.canFail ? String(item.notHeld) : "null")
                w.appendMember("only_held", item.onlyHeld)
                w.appendRaw("}")
            }
            w.appendRaw("]}")
        }
        w.appendRaw("]}\n")
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// One message per file below `minimum` percent (a file that does not load is below any).
    static func belowMinimum(_ files: [File], minimum: Double) -> [String] {
        files.compactMap { file in
            guard let coverage = file.coverage else {
                return "\(file.path): coverage unknown, the rule file does not load"
            }
            guard coverage.percent < minimum else { return nil }
            return "\(file.path): coverage \(percent(coverage.percent))% is below --min-coverage \(percent(minimum))%"
        }
    }

    /// One decimal, rounded down so 79.99% never shows as a passing 80.0%.
    static func percent(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded(.down))
        return "\(tenths / 10).\(tenths % 10)"
    }
}
