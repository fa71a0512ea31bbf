import LVVRules
import RuleDSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The rule sets the service decides with: loaded and checked once at start, replaced whole on
/// reload. A request takes one snapshot when it starts and keeps it to the end, so a reload
/// never changes the rules under a request in flight.
public final class ServedRules: @unchecked Sendable {
    /// One consistent set of pilots.
    public struct Snapshot: Sendable {
        /// The pilots in the order they were named.
        public let pilots: [Program]
        /// SHA-256 over the pilots' names and hashes (`name sha256\n` each): the header value
        /// of responses that concern no single pilot.
        public let sha256: String

        /// The pilot named `name` in this snapshot, or nil when the service does not serve it.
        public func program(_ name: String) -> Program? { pilots.first { $0.name == name } }

        init(_ pilots: [Program]) {
            self.pilots = pilots
            sha256 = SHA256.hexDigest(of: pilots.map { "\($0.name) \($0.sha256)\n" }.joined())
        }
    }

    /// Why rules could not be (re)loaded: the text to show, diagnostics rendered as `check` does.
    public struct LoadFailure: Error, Sendable {
        /// What went wrong, in one line: the start's error, or why a reload on SIGHUP was refused.
        public let message: String
        /// Rendered diagnostics (`file:line:col: error: …` with the source line), possibly empty.
        public let diagnostics: String
        /// An unknown pilot name (a usage error) rather than broken files.
        public let isUsage: Bool
    }

    /// The rules folder the pilots are loaded from (`--rules`), again on every reload.
    public let directory: String
    /// The pilots served, in the order they were named on the command line.
    public let names: [String]
    private var current: Snapshot
    private let lock = Lock()

    /// Loads and checks the named pilots from `directory`; throws, with diagnostics, when any does not load.
    public init(directory: String, pilots: [String]) throws(LoadFailure) {
        self.directory = directory
        names = pilots
        current = try ServedRules.load(directory: directory, pilots: pilots, runTests: false)
    }

    /// The current rule sets; a request keeps the snapshot it took to its end, whatever reloads meanwhile.
    public func snapshot() -> Snapshot {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// Loads the rules again; the new set replaces the old only if every pilot checks clean
    /// and its own tests pass. Returns what happened, in one line for the log.
    @discardableResult
    public func reload() -> Result<Snapshot, LoadFailure> {
        do {
            let next = try ServedRules.load(directory: directory, pilots: names, runTests: true)
            lock.lock()
            current = next
            lock.unlock()
            return .success(next)
        } catch {
            return .failure(error)
        }
    }

    private static func load(directory: String, pilots: [String], runTests: Bool) throws(LoadFailure) -> Snapshot {
        let library = RuleLibrary(directory: directory)
        var programs: [Program] = []
        for pilot in pilots {
            let program: Program
            do {
                program = try library.load(pilot: pilot)
            } catch {
                switch error {
                case .unknownPilot:
                    throw LoadFailure(message: error.description, diagnostics: "", isUsage: true)
                case .unreadable:
                    throw LoadFailure(message: error.description, diagnostics: "", isUsage: false)
                case .invalid(let result):
                    throw LoadFailure(
                        message: "the rules of `\(pilot)` do not load: \(result.errors.count) error(s)",
                        diagnostics: DiagnosticRenderer(files: result.files).render(result.errors), isUsage: false)
                }
            }
            if runTests {
                let report = TestRunner(program: program).run()
                if report.failed > 0 {
                    let titles = report.results.filter { !$0.passed }.prefix(3).map { "`\($0.test.title)`" }.joined(
                        separator: ", ")
                    throw LoadFailure(
                        message:
                            "the tests of `\(pilot)` fail: \(report.failed) of \(report.results.count) (\(titles))",
                        diagnostics: "", isUsage: false)
                }
            }
            programs.append(program)
        }
        return Snapshot(programs)
    }
}
