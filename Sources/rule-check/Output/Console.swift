import LVVRules
import RuleDSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes to standard output and standard error with plain `write(2)` calls: no buffering
/// surprises, and a verdict line goes out in one call (a killed batch leaves whole lines).
///
/// A write to standard output that fails (a full disk, a closed descriptor) is remembered:
/// later output is dropped, and `main` reports the first failure and exits with status 1, so
/// lost output never looks like success. A reader that goes away (`| head -1`) ends the process
/// with the usual quiet SIGPIPE (`prepareStandardDescriptors`).
enum Console {
    /// The error number of the first failed write to standard output; nil while all went out.
    // INVARIANT: touched only from the command line's one thread.
    nonisolated(unsafe) static var outputFailure: Int32?
    /// Whether a command already said which output was lost (batch names the line).
    nonisolated(unsafe) static var outputFailureReported = false

    /// Text for standard output (a command's result; may span lines).
    static func out(_ text: String) {
        var text = text
        _ = text.withUTF8 { output($0) }
    }

    /// Bytes for standard output; false (and the failure remembered) when they did not all go out.
    @discardableResult
    static func output(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        guard outputFailure == nil else { return false }
        let result = writeAll(1, buffer)
        if result.error != 0 { outputFailure = result.error }
        return result.error == 0
    }

    /// One message for a person on standard error: control characters are escaped
    /// (`TerminalText`), so it stays one line whatever a case or a path held.
    static func error(_ message: String) {
        var text = message
        if text.hasSuffix("\n") { text.removeLast() }
        text = TerminalText.escape(text) + "\n"
        text.withUTF8 { _ = writeAll(2, $0) }
    }

    /// Text already made safe to print (rendered diagnostics), as is, on standard error.
    static func errorText(_ text: String) {
        var text = text
        text.withUTF8 { _ = writeAll(2, $0) }
    }

    /// What the first failed write to standard output lost, for `main`'s last message.
    static var outputFailureMessage: String? {
        outputFailure.map { "cannot write to standard output: \(describe($0))" }
    }

    /// The reason for a failed write, in words (`no space left on device`).
    static func describe(_ code: Int32) -> String {
        FileSystem.describe(code)
    }

    /// Writes every byte: how many went out, and the error number of the write that failed (0
    /// when all went out).
    static func writeAll(_ descriptor: Int32, _ buffer: UnsafeBufferPointer<UInt8>) -> (written: Int, error: Int32) {
        guard let base = buffer.baseAddress else { return (0, 0) }
        var written = 0
        while written < buffer.count {
            let n = FileSystem.systemWrite(descriptor, base + written, buffer.count - written)
            if n < 0 {
                if errno == EINTR { continue }
                return (written, errno)
            }
            if n == 0 { return (written, EIO) }
            written += n
        }
        return (written, 0)
    }

    /// Run first, before anything is opened: a standard descriptor the caller closed (`>&-`)
    /// gets `/dev/null` opened the wrong way round in its place, so that no file the command
    /// opens takes its number (a report read through descriptor 1 would be written to!) and every
    /// write to it fails with a message instead. SIGPIPE gets its default action, so a reader
    /// that goes away ends the process quietly even when the parent ignored the signal.
    static func prepareStandardDescriptors() {
        signal(SIGPIPE, SIG_DFL)
        for descriptor: Int32 in 0...2 where fcntl(descriptor, F_GETFD) < 0 && errno == EBADF {
            // Standard input write-only, the outputs read-only: every use fails with EBADF.
            let opened = open("/dev/null", descriptor == 0 ? O_WRONLY : O_RDONLY)
            if opened >= 0, opened != descriptor {
                dup2(opened, descriptor)
                close(opened)
            }
        }
    }
}
