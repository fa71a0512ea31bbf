import RuleDSL

/// Finds and loads the rule files of a pilot from a rules folder (`rules/` by default): the
/// pilot's own file and the files it extends, read from disk and handed to `RuleSetLoader`.
public struct RuleLibrary: Sendable {
    /// The pilots the contract knows; any other name is a usage error.
    public static let pilots = ["national", "groningen", "amsterdam", "rotterdam", "utrecht", "eindhoven"]

    /// The rules folder the pilots' files are read from (`--rules`).
    public let directory: String

    /// A library over `directory`, `rules` relative to the working directory by default.
    public init(directory: String = "rules") {
        self.directory = directory
    }

    /// Why a pilot's rules could not be loaded: an unknown name, a file that cannot be read, or
    /// files that do not load (their diagnostics are in the result).
    public enum LoadError: Error, CustomStringConvertible {
        case unknownPilot(String)
        case unreadable(path: String, reason: String)
        case invalid(RuleSetLoader.Result)

        /// One line for the command line, with a did-you-mean for a misspelt pilot.
        public var description: String {
            switch self {
            case .unknownPilot(let name):
                let hint = Suggestion.didYouMean(name, in: RuleLibrary.pilots).map { " (\($0))" } ?? ""
                return "unknown pilot `\(name)`\(hint); pilots are \(RuleLibrary.pilots.joined(separator: ", "))"
            case .unreadable(let path, let reason):
                return "cannot read `\(path)`: \(reason)"
            case .invalid(let result):
                return "rule files do not load: \(result.errors.count) error(s)"
            }
        }
    }

    /// The path of a pilot's file.
    public func path(of pilot: String) -> String {
        FileSystem.join(directory, "\(pilot).rules")
    }

    /// Loads a pilot by name (and its base files).
    public func load(pilot: String) throws(LoadError) -> Program {
        guard RuleLibrary.pilots.contains(pilot) else { throw .unknownPilot(pilot) }
        return try load(path: path(of: pilot))
    }

    /// Loads the rule file at `path`; bases are looked up next to it, then in this library's folder.
    public func load(path: String) throws(LoadError) -> Program {
        let result = try loadResult(path: path)
        guard let program = result.program else { throw .invalid(result) }
        return program
    }

    /// Loads with every diagnostic, for `rule-check check`.
    public func loadResult(path: String) throws(LoadError) -> RuleSetLoader.Result {
        let top = try RuleLibrary.read(path)
        let folder = FileSystem.parent(of: path)
        return RuleSetLoader.load(top) { base in
            for candidate in [FileSystem.join(folder, "\(base).rules"), self.path(of: base)] {
                if let file = try? RuleLibrary.read(candidate) { return file }
            }
            return nil
        }
    }

    /// Reads a rule file, refusing folders and files past the size limit before reading them whole.
    public static func read(_ path: String) throws(LoadError) -> SourceFile {
        let kind: FileSystem.Kind
        do {
            kind = try FileSystem.inspect(path)
        } catch {
            throw .unreadable(path: path, reason: error.description)
        }
        if kind == .directory { throw .unreadable(path: path, reason: "it is a folder") }
        if let size = FileSystem.size(path), size > RuleSetLoader.maximumFileSize {
            throw .unreadable(
                path: path,
                reason: "the file is \(size) bytes; a rule file may be at most \(RuleSetLoader.maximumFileSize)")
        }
        guard kind == .file, let bytes = FileSystem.read(path) else {
            throw .unreadable(path: path, reason: "permission denied or not a regular file")
        }
        return SourceFile(path: path, bytes: bytes)
    }

    /// Every `.rules` file in a folder, sorted, so `check` and `test` can take a folder.
    public static func ruleFiles(in folder: String) throws(LoadError) -> [String] {
        let names: [String]
        do {
            names = try FileSystem.entries(folder)
        } catch {
            let reason =
                FileSystem.kind(folder) == .directory
                ? "cannot list the folder: \(error)"
                : FileSystem.kind(folder) != nil ? "it is not a folder or a `.rules` file" : error.description
            throw .unreadable(path: folder, reason: reason)
        }
        return names.filter { $0.hasSuffix(".rules") }.sorted().map { FileSystem.join(folder, $0) }
    }
}
