#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few file operations the command line needs, on the C library. Not Foundation: loading
/// Foundation (and ICU) costs a process about ten milliseconds at start, most of what one
/// `rule-check eval` takes.
public enum FileSystem {
    public enum Kind: Sendable { case file, directory, other }

    /// What is at `path`, nil when nothing is.
    public static func kind(_ path: String) -> Kind? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// The size in bytes of the file at `path`.
    public static func size(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    /// The whole contents of a file (or of a descriptor, such as standard input).
    public static func read(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        return read(descriptor: descriptor)
    }

    public static func read(descriptor: Int32) -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    /// The names in a folder (not `.` and `..`), unsorted.
    public static func list(_ folder: String) -> [String]? {
        guard let directory = opendir(folder) else { return nil }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    public struct WriteError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes a file whole: to a temporary file next to it, then renamed over it, so a reader
    /// never sees half a file. Creates missing folders on the way.
    public static func write(_ bytes: [UInt8], to path: String) throws(WriteError) {
        let folder = parent(of: path)
        if !folder.isEmpty { try createFolders(folder) }
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw WriteError(description: lastError()) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let message = lastError()
                close(descriptor)
                unlink(temporary)
                throw WriteError(description: message)
            }
            written += n
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let message = lastError()
            unlink(temporary)
            throw WriteError(description: message)
        }
    }

    /// `mkdir -p`.
    public static func createFolders(_ path: String) throws(WriteError) {
        if kind(path) == .directory { return }
        let above = parent(of: path)
        if !above.isEmpty, above != path { try createFolders(above) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw WriteError(description: lastError()) }
    }

    /// `folder/name`, without doubling a slash.
    public static func join(_ folder: String, _ name: String) -> String {
        if folder.isEmpty { return name }
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// The folder part of a path: `a/b` for `a/b/c`, empty for `c`, `/` for `/c`.
    public static func parent(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
