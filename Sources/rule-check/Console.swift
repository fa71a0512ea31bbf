#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes to standard output and standard error with plain `write(2)` calls: no buffering
/// surprises, and a verdict line goes out in one call (a killed batch leaves whole lines).
enum Console {
    static func out(_ text: String) {
        write(1, text)
    }

    static func error(_ text: String) {
        write(2, text.hasSuffix("\n") ? text : text + "\n")
    }

    static func write(_ descriptor: Int32, _ text: String) {
        var text = text
        text.withUTF8 { buffer in writeAll(descriptor, buffer) }
    }

    static func writeAll(_ descriptor: Int32, _ buffer: UnsafeBufferPointer<UInt8>) {
        guard var pointer = buffer.baseAddress else { return }
        var remaining = buffer.count
        while remaining > 0 {
            #if canImport(Glibc)
                let written = Glibc.write(descriptor, pointer, remaining)
            #else
                let written = Darwin.write(descriptor, pointer, remaining)
            #endif
            if written < 0 {
                if errno == EINTR { continue }
                return  // a closed pipe: nothing more we can do
            }
            remaining -= written
            pointer += written
        }
    }
}
