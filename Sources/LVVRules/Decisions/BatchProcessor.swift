import RuleDSL

/// Turns one JSONL case line into one verdict line (or a `{"line": N, "error": …}` line): the
/// work of `rule-check batch` per line, kept here so the benchmark measures the same path.
///
/// Without a trace it is the fast path: the case is read straight into reused `CaseFacts`, the
/// machine decides into a reused `CaseResult`, and `VerdictWriter` writes from it; nothing is
/// allocated per line. With a trace it goes the readable way (`CaseReader`, `VerdictBuilder`,
/// `VerdictJSON`), which writes the same verdict plus the trace. One per thread: it holds the
/// working storage.
public final class BatchProcessor {
    /// The pilot's rule set every line is decided with.
    public let program: Program
    /// Whether each verdict carries its trace (`batch --trace`); it also chooses the slow, readable path.
    public let trace: Bool
    private let reader: CaseReader
    private let scanner: CaseScanner
    private let builder: VerdictBuilder
    private let prefixes: VerdictJSON.ReasonPrefixes
    private let machine: Machine
    private let writer: VerdictWriter
    /// The facts, moved out to a local for each line and back: passing a stored property to a
    /// call copies (retains) its arrays, four of them, twice a line, and swapping an empty
    /// `CaseFacts` in and out instead cost making and releasing one per line.
    private let factsHome: UnsafeMutablePointer<CaseFacts>
    private let result: CaseResult
    /// Where the scanner leaves a case's texts the rule set does not know: in its line.
    private let texts: LineTexts
    /// Scratch for the `[UInt8]` form of `process`: the line is written here, then copied. A
    /// processor is used by one thread at a time (see above): no dynamic exclusivity check.
    @exclusivity(unchecked) private var scratch = ByteBuffer()

    /// A processor for `program`, compiled once for all its parts.
    public convenience init(program: Program, trace: Bool) {
        self.init(CompiledRuleSet(program), trace: trace)
    }

    /// A processor running `ruleSet`: the scanner, the machine and the writer share its plan.
    public init(_ ruleSet: CompiledRuleSet, trace: Bool) {
        let program = ruleSet.program
        self.program = program
        self.trace = trace
        reader = CaseReader(program: program)
        scanner = CaseScanner(ruleSet)
        builder = VerdictBuilder(ruleSet)
        prefixes = VerdictJSON.ReasonPrefixes(program: program)
        machine = Machine(plan: ruleSet.plan)
        writer = VerdictWriter(ruleSet)
        factsHome = .allocate(capacity: 1)
        factsHome.initialize(to: CaseFacts(count: program.facts.count))
        result = CaseResult(plan: ruleSet.plan)
        texts = LineTexts(slots: program.facts.count)
    }

    /// Appends the output line for an input line; returns false when the line was bad input.
    /// The verdict is written straight into `output` (`rule-check batch`'s buffer), not copied.
    public func process(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into output: inout ByteBuffer) -> Bool {
        guard !trace else { return processTraced(line, lineNumber: lineNumber, into: &output) }
        var facts = factsHome.move()
        defer { factsHome.initialize(to: facts) }
        switch scanner.read(line, into: &facts, texts: texts) {
        case .success(let id):
            machine.run(facts, tracing: false, into: result)
            switch id {
            case .bytes(let range):
                // Plain ASCII without escapes: the quoted id is the line's own bytes.
                let quoted = UnsafeBufferPointer(rebasing: line[(range.lowerBound - 1)..<(range.upperBound + 1)])
                writer.append(caseID: quoted, facts: facts, texts: texts, line: line, result: result, to: &output)
            case .text(let text):
                var w = JSONWriter(reservingCapacity: 32)
                w.appendString(text)
                w.bytes.withUnsafeBufferPointer {
                    writer.append(caseID: $0, facts: facts, texts: texts, line: line, result: result, to: &output)
                }
            }
            output.append(UInt8(ascii: "\n"))
            return true
        case .failure(let error):
            output.append(BatchProcessor.errorLine(lineNumber, error.message))
            return false
        }
    }

    /// `process` appending to an array (tests, `rule-fuzz`): the same line, copied once more.
    public func process(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into output: inout [UInt8]) -> Bool {
        scratch.removeAll()
        let good = process(line, lineNumber: lineNumber, into: &scratch)
        output.append(contentsOf: scratch.bytes)
        return good
    }

    private func processTraced(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into output: inout ByteBuffer)
        -> Bool
    {
        switch reader.read(line) {
        case .success(let input):
            let verdict = builder.verdict(for: input, trace: true)
            output.append(VerdictJSON.encode(verdict, program: program, trace: true, prefixes: prefixes))
            output.append(UInt8(ascii: "\n"))
            return true
        case .failure(let error):
            output.append(BatchProcessor.errorLine(lineNumber, error.message))
            return false
        }
    }

    deinit {
        scratch.free()
        factsHome.deinitialize(count: 1)
        factsHome.deallocate()
    }

    /// `{"line":N,"error":"…"}` and a newline: what a bad line gives.
    public static func errorLine(_ line: Int, _ message: String) -> [UInt8] {
        var w = JSONWriter(reservingCapacity: 128)
        w.appendRaw("{")
        w.appendKey("line")
        w.appendRaw(String(line))
        w.appendRaw(",")
        w.appendKey("error")
        w.appendString(message)
        w.appendRaw("}\n")
        return w.bytes
    }

    /// Whether a line holds nothing but blanks (skipped, CONTRACT.md section 3).
    public static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
    }
}
