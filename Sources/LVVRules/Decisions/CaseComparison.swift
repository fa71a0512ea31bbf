import RuleDSL

/// The cases of a file decided under two versions of a pilot's rules: which get another decision
/// or other reasons, counted per transition (`end → continue`). What `rule-check diff --cases`
/// measures a change with. Intake and review cases alike: each is read with each version's facts,
/// so a fact one version lacks is an error of that line, never a crash. A bad line is counted as
/// an error and the comparison goes on, as `batch` does.
public struct CaseComparison: Sendable {
    /// A case whose decision or reasons differ between the versions.
    public struct Change: Sendable {
        /// The line of the case file (from 1).
        public let line: Int
        /// The case's `case_id`.
        public let caseID: String
        /// The verdict under the old version of the rules.
        public let old: Verdict
        /// The verdict under the new version of the rules.
        public let new: Verdict
    }

    /// The changed cases, in file order.
    public private(set) var changes: [Change] = []
    /// How many changed cases go from one decision to another, by `old → new`.
    public private(set) var transitions: [String: Int] = [:]
    /// The cases compared (lines read by both versions).
    public private(set) var total = 0
    /// Lines that could not be read, with the reason.
    public private(set) var errors: [(line: Int, message: String)] = []

    private let oldReader: CaseReader
    private let newReader: CaseReader
    private let oldBuilder: VerdictBuilder
    private let newBuilder: VerdictBuilder

    /// A comparison of `old` against `new`, empty until case lines are added.
    public init(old: Program, new: Program) {
        oldReader = CaseReader(program: old)
        newReader = CaseReader(program: new)
        oldBuilder = VerdictBuilder(program: old)
        newBuilder = VerdictBuilder(program: new)
    }

    /// Decides one line of a case file with both versions; a blank line is passed over.
    public mutating func compare(line number: Int, _ bytes: UnsafeBufferPointer<UInt8>) {
        guard !BatchProcessor.isBlank(bytes) else { return }
        let oldInput: CaseInput
        let newInput: CaseInput
        switch oldReader.read(bytes) {
        case .success(let input): oldInput = input
        case .failure(let error):
            errors.append((number, error.message))
            return
        }
        switch newReader.read(bytes) {
        case .success(let input): newInput = input
        case .failure(let error):
            errors.append((number, error.message))
            return
        }
        total += 1
        let oldVerdict = oldBuilder.verdict(for: oldInput, trace: false)
        let newVerdict = newBuilder.verdict(for: newInput, trace: false)
        if oldVerdict.decision != newVerdict.decision
            || oldVerdict.reasons.map(\.code) != newVerdict.reasons.map(\.code)
        {
            changes.append(Change(line: number, caseID: newInput.caseID, old: oldVerdict, new: newVerdict))
            transitions[oldVerdict.decision + " → " + newVerdict.decision, default: 0] += 1
        }
    }

    /// Compares one line given as text (tests, and callers that hold the cases in memory).
    public mutating func compare(line number: Int, _ text: String) {
        var text = text
        text.withUTF8 { compare(line: number, $0) }
    }

    /// Compares every line read from a descriptor (a file or a pipe), as `batch` reads it: a line
    /// over the case size limit is an error of its own. Returns the comparison and how reading
    /// ended (`readError` set when a read failed).
    public static func compare(old: Program, new: Program, descriptor: Int32) -> (CaseComparison, LineReader.End) {
        var comparison = CaseComparison(old: old, new: new)
        let end = LineReader.forEachLine(descriptor: descriptor, maximumLength: BatchStream.maximumLineLength) {
            number, line in
            switch line {
            case .bytes(let bytes): comparison.compare(line: number, bytes)
            case .tooLong: comparison.errors.append((number, "line longer than \(BatchStream.maximumLineLength) bytes"))
            }
            return true
        }
        return (comparison, end)
    }
}
