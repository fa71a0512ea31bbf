import LVVRules
import RuleDSL

/// `rule-check generate --pilot P --cases N [--question intake|review|mixed] [--seed S]`: a
/// deterministic population of realistic cases (JSONL on standard output) to measure a change
/// against with `diff --cases`. Every case is read back with the pilot's facts before it is
/// written, so the output is always valid input for `batch`, `eval` and `diff`.
enum GenerateCommand {
    static func run(_ arguments: [String]) throws(CommandError) -> ExitStatus {
        let args = try Arguments(
            command: "generate", arguments, valueFlags: ["--pilot", "--cases", "--question", "--seed", "--rules"],
            switchFlags: [])
        let program = try PilotLoader.load(args)
        guard let count = Int(try args.required("--cases")), count > 0, count <= 10_000_000 else {
            throw .usage("`--cases` takes a whole number from 1 to 10000000")
        }
        let name = args.value("--question") ?? "intake"
        guard let question = CaseGenerator.Question(rawValue: name) else {
            throw .usage("`--question` takes `intake`, `review` or `mixed`, not `\(name)`")
        }
        var seed: UInt64 = 20_190_401
        if let text = args.value("--seed") {
            guard let value = UInt64(text) else { throw .usage("`--seed` takes a whole number, not `\(text)`") }
            seed = value
        }
        var generator = CaseGenerator(seed: seed)
        let reader = CaseReader(program: program)
        var out = ""
        out.reserveCapacity(64 * 1024)
        for index in 1...count {
            let line = generator.nextCase(index: index, question: question)
            if case .failure(let error) = reader.read(line) {
                throw CommandError(
                    status: .failure,
                    message: "generated case \(index) does not fit the rules of `\(program.name)`: \(error.message)")
            }
            out += line + "\n"
            if out.utf8.count > 60 * 1024 {
                Console.out(out)
                out = ""
            }
        }
        Console.out(out)
        return .success
    }
}
