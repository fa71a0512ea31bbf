#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few file operations the command line needs, on the C library. Not Foundation: loading
/// Foundation (and ICU) costs a process about ten milliseconds at start, most of what one
/// `rule-check eval` takes.
///
/// Every failure carries its reason (the system's words, lower case), so a message never says
/// "no such file" for a link that loops or a folder. Output goes through `write(_:to:inputs:)`,
/// the one writer of files (see docs/hardening.md, "How output files are written").
public enum FileSystem {
    /// What a path names, after links are followed: a regular file, a folder, or something else.
    public enum Kind: Sendable { case file, directory, other }

    /// Why a file operation failed, in words for a message (`no such file or directory`,
    /// `is a directory`, `too many levels of symbolic links`).
    public struct FileError: Error, Sendable, CustomStringConvertible {
        /// The reason in the system's words, lower case: what the command's message says after the path.
        public let description: String
        /// The input was larger than the limit the caller set (nothing past it was read).
        public let isTooLarge: Bool

        /// A failure with its reason; `isTooLarge` when the input passed the caller's limit.
        public init(_ description: String, isTooLarge: Bool = false) {
            self.description = description
            self.isTooLarge = isTooLarge
        }

        /// The reason for a C library error number.
        public init(code: Int32) {
            self.init(FileSystem.describe(code))
        }
    }

    /// The earlier name of `FileError`.
    public typealias WriteError = FileError

    /// What identifies a file whatever its path: its device and inode.
    public struct Identity: Sendable, Hashable {
        /// The device the file is on.
        public let device: UInt64
        /// The file's inode number on that device.
        public let inode: UInt64

        init(_ info: stat) {
            device = UInt64(truncatingIfNeeded: info.st_dev)
            inode = UInt64(truncatingIfNeeded: info.st_ino)
        }
    }

    /// An input of a command, which its output must never overwrite: the path it was read from
    /// (nil for standard input) and the file's identity (nil when it is not a file, a pipe say).
    public struct Input: Sendable {
        /// The path the input was read from; nil for standard input.
        public let path: String?
        /// The identity of the file read; nil when it is not a file (a pipe, say).
        public let identity: Identity?

        /// An input from its path and identity, as `path(_:)` finds them.
        public init(path: String?, identity: Identity?) {
            self.path = path
            self.identity = identity
        }

        /// The input at `path` (followed through links, as reading it does).
        public static func path(_ path: String) -> Input {
            Input(path: path, identity: FileSystem.identity(path))
        }

        /// The input read from an open descriptor (standard input, say).
        public static func descriptor(_ descriptor: Int32, path: String?) -> Input {
            var info = stat()
            guard fstat(descriptor, &info) == 0 else { return Input(path: path, identity: nil) }
            return Input(path: path, identity: Identity(info))
        }
    }

    /// The system's words for an error number, lower case (`no space left on device`).
    public static func describe(_ code: Int32) -> String {
        // A standard descriptor the caller closed (see `rule-check`'s `Console`).
        if code == EBADF { return "it is closed" }
        guard let text = strerror(code) else { return "error \(code)" }
        let words = String(cString: text)
        guard let first = words.first else { return "error \(code)" }
        // "No such file…" → "no such file…", but not "I/O error" → "i/O error".
        let second = words.dropFirst().first
        if first.isUppercase, second.map({ !$0.isUppercase }) ?? true { return first.lowercased() + words.dropFirst() }
        return words
    }

    /// What is at `path`, nil when nothing is (or it cannot be seen).
    public static func kind(_ path: String) -> Kind? {
        try? inspect(path)
    }

    /// What is at `path`, or why it cannot be reached (a link that loops, no such file).
    public static func inspect(_ path: String) throws(FileError) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { throw FileError(code: errno) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    /// The identity of the file at `path` (links followed), nil when there is none.
    public static func identity(_ path: String) -> Identity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Identity(info)
    }

    /// The size in bytes of the file at `path`.
    public static func size(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    // MARK: Reading

    /// Opens a file to read: a regular file, a pipe (`<(…)`, `/dev/stdin`) or a device; a folder
    /// is refused (`is a directory`). The caller closes the descriptor.
    public static func openForReading(_ path: String) throws(FileError) -> Int32 {
        var descriptor: Int32
        repeat { descriptor = open(path, O_RDONLY | O_CLOEXEC) } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { throw FileError(code: errno) }
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            close(descriptor)
            throw FileError(code: EISDIR)
        }
        return descriptor
    }

    /// The whole contents of a file, or nil when it cannot be read (see `read(_:limit:)` for why).
    public static func read(_ path: String) -> [UInt8]? {
        try? read(path, limit: nil)
    }

    /// The whole contents of a file (a pipe too), refused unread past `limit` bytes when one is set.
    public static func read(_ path: String, limit: Int?) throws(FileError) -> [UInt8] {
        let descriptor = try openForReading(path)
        defer { close(descriptor) }
        return try read(descriptor: descriptor, limit: limit)
    }

    /// Everything left to read on a descriptor (standard input, say). With a `limit`, a regular
    /// file larger than it is refused before a byte is read, and a stream as soon as it passes it.
    public static func read(descriptor: Int32, limit: Int? = nil) throws(FileError) -> [UInt8] {
        var info = stat()
        if let limit, fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) > limit {
            throw tooLarge(limit)
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(code: errno)
            }
            if count == 0 { return bytes }
            if let limit, bytes.count + count > limit { throw tooLarge(limit) }
            bytes += chunk[0..<count]
        }
    }

    private static func tooLarge(_ limit: Int) -> FileError {
        FileError("it is larger than \(limit) bytes", isTooLarge: true)
    }

    /// The names in a folder (not `.` and `..`), unsorted; nil when it cannot be listed.
    public static func list(_ folder: String) -> [String]? {
        try? entries(folder)
    }

    /// The names in a folder (not `.` and `..`), unsorted, or why it cannot be listed
    /// (`not a directory` for a file).
    public static func entries(_ folder: String) throws(FileError) -> [String] {
        guard let directory = opendir(folder) else { throw FileError(code: errno) }
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

    // MARK: Writing

    /// Writes a file whole, the one way every command writes one (`--out`):
    ///
    /// - the path is never one of the command's `inputs` (same file, or same path);
    /// - a regular file, or none yet: the bytes go to a new temporary file in the same folder
    ///   (a random name, created exclusively, links not followed, mode 0600), which is then
    ///   given the old file's permissions (or the usual ones for a new file) and renamed over the
    ///   path, so a reader never sees half a file and nothing planted at a guessable name is
    ///   written through;
    /// - a character device or a pipe (`/dev/null`, a FIFO): written in place, never replaced;
    /// - a symbolic link, a folder, a block device or a socket: refused, with the reason.
    ///
    /// Missing folders on the way are created.
    public static func write(_ bytes: [UInt8], to path: String, inputs: [Input] = []) throws(FileError) {
        guard !path.isEmpty else { throw FileError("no file name") }
        let folder = parent(of: path)
        if !folder.isEmpty { try createFolders(folder) }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            let code = errno
            guard code == ENOENT else { throw FileError(code: code) }
            if inputs.contains(where: { $0.path == path }) { throw sameAsInput }
            try replace(path, folder: folder, with: bytes, mode: 0o666 & ~currentUmask())
            return
        }
        let identity = Identity(info)
        if inputs.contains(where: { $0.identity == identity || $0.path == path }) { throw sameAsInput }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            try replace(path, folder: folder, with: bytes, mode: info.st_mode & 0o7777)
        case S_IFCHR, S_IFIFO:
            try writeInPlace(path, identity: identity, bytes)
        case S_IFLNK:
            throw FileError("it is a symbolic link; output is never written through a link: name the file it points to")
        case S_IFDIR:
            throw FileError(code: EISDIR)
        default:
            throw FileError("it is not a regular file, a character device or a pipe")
        }
    }

    private static let sameAsInput = FileError("it is an input of this command; write the output to another file")

    /// Writes to a new temporary file next to `path` and renames it over `path`.
    private static func replace(_ path: String, folder: String, with bytes: [UInt8], mode: mode_t) throws(FileError) {
        let name = String(path.split(separator: "/").last ?? Substring(path))
        var descriptor: Int32 = -1
        var temporary = ""
        for _ in 0..<16 {
            // 64 random bits: nobody can plant a file or link at the name beforehand (and if one
            // is there, O_EXCL refuses it and another name is drawn).
            let random = String(UInt64.random(in: .min ... .max), radix: 16)
            temporary = join(folder, ".\(name).\(random).tmp")
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if descriptor >= 0 || errno != EEXIST { break }
        }
        guard descriptor >= 0 else { throw FileError(code: errno) }
        var failure = writeAll(descriptor, bytes)
        if failure == 0, fchmod(descriptor, mode) != 0 { failure = errno }
        if failure == 0, fsync(descriptor) != 0 { failure = errno }
        if close(descriptor) != 0, failure == 0 { failure = errno }
        if failure == 0, rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw FileError(code: failure)
        }
    }

    /// Writes to a character device or a pipe as it is: opened without following a link, and
    /// only if it is still the same device or pipe that was looked at.
    private static func writeInPlace(_ path: String, identity: Identity, _ bytes: [UInt8]) throws(FileError) {
        var descriptor: Int32
        repeat {
            descriptor = open(path, O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC)
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { throw FileError(code: errno) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, Identity(info) == identity,
            info.st_mode & S_IFMT == S_IFCHR || info.st_mode & S_IFMT == S_IFIFO
        else {
            close(descriptor)
            throw FileError("it changed while it was opened")
        }
        var failure = writeAll(descriptor, bytes)
        if close(descriptor) != 0, failure == 0, errno != EINTR { failure = errno }
        if failure != 0 { throw FileError(code: failure) }
    }

    /// Writes every byte; 0, or the error number of the write that failed.
    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBufferPointer { buffer in
            var written = 0
            while written < buffer.count {
                let n = systemWrite(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if n == 0 { return EIO }
                written += n
            }
            return 0
        }
    }

    /// The process's file-creation mask (read by setting it and setting it back: the command line
    /// has one thread when it writes).
    private static func currentUmask() -> mode_t {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }

    /// `mkdir -p`.
    public static func createFolders(_ path: String) throws(FileError) {
        if kind(path) == .directory { return }
        let above = parent(of: path)
        if !above.isEmpty, above != path { try createFolders(above) }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else { throw FileError(code: errno) }
    }

    /// A new private folder (mode 0700, a random name, `mkdtemp`) in the temporary folder
    /// (`$TMPDIR`, else `/tmp`), for files no other user may plant or read.
    public static func makeTemporaryFolder(prefix: String) throws(FileError) -> String {
        let base = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array(join(base, "\(prefix)-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard let made else { throw FileError(code: errno) }
        return String(cString: made)
    }

    /// Removes a folder made by `makeTemporaryFolder` and the files in it.
    public static func removeTemporaryFolder(_ folder: String) {
        for name in list(folder) ?? [] { unlink(join(folder, name)) }
        rmdir(folder)
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

    // MARK: The C library's read and write, by platform

    /// `read(2)`.
    public static func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
            Glibc.read(descriptor, buffer, count)
        #elseif canImport(Darwin)
            Darwin.read(descriptor, buffer, count)
        #endif
    }

    /// `write(2)`.
    public static func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
            Glibc.write(descriptor, buffer, count)
        #elseif canImport(Darwin)
            Darwin.write(descriptor, buffer, count)
        #endif
    }
}
