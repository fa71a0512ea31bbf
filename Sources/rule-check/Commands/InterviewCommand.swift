import LVVPresentation
import LVVRules
import RuleDSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `rule-check interview --pilot P [--case PARTIAL.json] [--out CASE.json] [--lang nl|en]`:
/// asks only the questions whose answer could still change the decision, one line of input
/// per answer (a terminal or a script on standard input), and ends with the explained verdict.
/// `--out` is written once, atomically, at the end; an interrupted interview writes nothing.
enum InterviewCommand {
    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        let args = try Arguments(
            command: "interview", arguments, valueFlags: ["--pilot", "--rules", "--case", "--out", "--lang"],
            switchFlags: [])
        guard args.positionals.isEmpty else {
            throw .usage("`rule-check interview` takes no case file; give a partial case with --case PARTIAL.json")
        }
        let chosen = try args.language()
        let program = try PilotLoader.load(args)
        // The rule set's language unless `--lang` says otherwise (never the machine's locale).
        let language = chosen ?? program.texts.language
        let words = FrameText(language).interview
        var caseID = "interview"
        var interview = Interview(program: program)
        if let path = args.value("--case") {
            let bytes: [UInt8]
            do {
                bytes = try FileSystem.read(path, limit: CaseReader.maximumCaseSize)
            } catch {
                throw CommandError(
                    status: .badInput, message: "cannot read the case file `\(path)`: \(error.description)")
            }
            switch bytes.withUnsafeBufferPointer({ CaseReader(program: program).read($0) }) {
            case .success(let input):
                caseID = input.caseID
                interview = Interview(program: program, facts: input.facts)
            case .failure(let error):
                throw CommandError(status: .badInput, message: "\(path): \(error.message)")
            }
        }
        Interrupt.install(words: words)
        var number = 0
        while let slot = interview.nextQuestion() {
            number += 1
            Console.out(
                prompt(
                    for: slot, number: number, open: interview.openFacts().count, interview: interview, words: words,
                    language: language))
            while true {
                guard let line = readLine(strippingNewline: true) else {
                    Interrupt.report(answered: interview.answered)
                    return .failure
                }
                if !isTerminal { Console.out("> \(TerminalText.escape(line))\n") }
                switch interview.parse(line, for: slot, words: words) {
                case .value(let value):
                    interview.answer(slot, value)
                case .unknown:
                    interview.answer(slot, nil)
                case .skip:
                    interview.skip(slot)
                case .bad(let message):
                    Console.out("  \(message); \(words.again)\n")
                    continue
                }
                break
            }
            Interrupt.update(answered: interview.answered)
        }
        Console.out("\n" + (interview.isSettled() ? words.settled : words.nothingLeft) + "\n\n")
        let input = CaseInput(caseID: caseID, facts: interview.caseFacts)
        let verdict = VerdictBuilder(program: program).verdict(for: input, trace: false)
        Console.out(VerdictText.render(verdict, program: program, trace: false, language: language))
        if let out = args.value("--out") {
            var bytes = Array(CaseWriter.json(caseID: caseID, facts: interview.caseFacts, program: program).utf8)
            bytes.append(UInt8(ascii: "\n"))
            do {
                try FileSystem.write(bytes, to: out)
            } catch {
                throw CommandError(status: .failure, message: "cannot write `\(out)`: \(error.description)")
            }
            Console.out("\n\(words.written) \(TerminalText.escape(out))\n")
        }
        return .success
    }

    /// Whether standard input is a terminal (then the typed answer is already on the screen;
    /// from a script it is echoed, so the transcript reads whole).
    private static var isTerminal: Bool { isatty(0) == 1 }

    /// The question, with how to answer it.
    static func prompt(
        for slot: Int, number: Int, open: Int, interview: Interview, words: FrameText.InterviewWords,
        language: TextLanguage
    ) -> String {
        let fact = interview.program.facts[slot]
        let text = Interview.questionText(for: fact, program: interview.program, language: language)
        var out = "\n\(words.question) \(number) (\(open) \(words.stillOpen)): \(text) [\(fact.name)]\n"
        var hints: [String] = []
        switch fact.type {
        case .bool: hints.append(words.yesNo)
        case .date: hints.append(words.dateHint)
        case .number: hints.append(words.numberHint)
        case .text: hints.append(words.textHint)
        case .enumeration(let options):
            for (i, option) in options.enumerated() {
                // The rule file's text for an answer, beside the name that may be typed.
                let reads = interview.program.texts.option(option, of: fact.name, in: language).map { ": \($0)" } ?? ""
                out += "  \(i + 1). \(option)\(reads)\n"
            }
            hints.append(words.optionsHint)
        case .set, .none, .unresolved: break
        }
        if fact.isOptional { hints.append(words.absentHint) }
        if !fact.isRequired { hints.append(words.passHint) }
        out += "  (" + hints.joined(separator: "; ") + ")\n"
        return out
    }
}

/// Ctrl-C during an interview: says how far it got and ends without writing anything. The
/// handler only calls `write(2)` and `_exit(2)` on text prepared before, as a handler must.
enum Interrupt {
    nonisolated(unsafe) static var answered = 0
    nonisolated(unsafe) private static var message: [UInt8] = []
    nonisolated(unsafe) private static var buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 512)
    nonisolated(unsafe) private static var length = 0

    static func install(words: FrameText.InterviewWords) {
        message = Array(words.interrupted.utf8)
        prepare()
        signal(SIGINT) { _ in
            _ = write(2, Interrupt.buffer, Interrupt.length)
            _exit(130)
        }
        // A parent may start us with SIGINT blocked (the mask is inherited): Ctrl-C must still
        // end the interview cleanly.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }

    /// Writes the message for the current count into the buffer the handler prints.
    private static func prepare() {
        var text = String(decoding: message, as: UTF8.self)
        if let r = text.firstRange(of: "%d") { text.replaceSubrange(r, with: String(answered)) }
        let bytes = Array(("\nrule-check: " + text + "\n").utf8.prefix(512))
        bytes.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: bytes.count) }
        length = bytes.count
    }

    /// End of input before the interview was over.
    static func report(answered: Int) {
        self.answered = answered
        prepare()
        Console.errorText(String(decoding: UnsafeBufferPointer(start: buffer, count: length), as: UTF8.self))
    }

    static func update(answered: Int) {
        self.answered = answered
        prepare()
    }
}
