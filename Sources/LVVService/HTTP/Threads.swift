#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A mutual-exclusion lock on `pthread_mutex_t`: what the service needs of `NSLock`. The service
/// does without Foundation because `rule-check` links it: every command, `eval` too, would load
/// Foundation's libraries (ICU among them) at start, some 5 ms and 10 MB (docs/performance.md).
package final class Lock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    package init() {
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    package func lock() { pthread_mutex_lock(mutex) }
    package func unlock() { pthread_mutex_unlock(mutex) }
}

/// Detached threads on pthreads: what the service and its load generator need of `Thread`.
package enum Threads {
    /// The body, kept alive across `pthread_create`'s C callback.
    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// Runs `body` on a new detached thread, with a stack of `stackSize` bytes when given.
    /// False when the thread could not be made (the body then never runs).
    @discardableResult
    package static func start(stackSize: Int? = nil, _ body: @escaping @Sendable () -> Void) -> Bool {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        if let stackSize { pthread_attr_setstacksize(&attributes, stackSize) }
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        #if canImport(Glibc)
            var thread = pthread_t()
        #elseif canImport(Darwin)
            var thread: pthread_t? = nil
        #endif
        let created = pthread_create(
            &thread, &attributes,
            { context in
                guard let context else { return nil }
                Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
                return nil
            }, context)
        if created != 0 { Unmanaged<Body>.fromOpaque(context).release() }
        return created == 0
    }

    /// The number of processors online (at least 1).
    package static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// Text helpers the service needed of Foundation.
package enum TextFormat {
    /// `value` in decimal, at least `width` digits, zeros in front (`%0Nd`).
    package static func zeroPadded(_ value: Int, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let padding = String(repeating: "0", count: max(0, width - digits.count - (value < 0 ? 1 : 0)))
        return (value < 0 ? "-" : "") + padding + digits
    }

    /// `value` with three decimals (`%.3f`; an exact tie rounds away from zero, where printf
    /// rounds to even: a measurement never tells).
    package static func threeDecimals(_ value: Double) -> String {
        guard value.isFinite else { return String(value) }
        let thousandths = Int((abs(value) * 1000).rounded())
        return (value < 0 && thousandths > 0 ? "-" : "") + String(thousandths / 1000) + "."
            + zeroPadded(thousandths % 1000, 3)
    }

    /// `text` right-aligned in `width` characters (`%Nd`, `%N.Mf` with the text made).
    package static func rightAligned(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// `value` rounded to a whole number (`%.0f`).
    package static func noDecimals(_ value: Double) -> String {
        value.isFinite ? String(Int(value.rounded())) : String(value)
    }

    /// `text`'s UTF-8 with every byte percent-encoded but the ASCII letters and digits and
    /// `keep`, in capitals, as Foundation's `addingPercentEncoding` does with those allowed.
    package static func percentEncoded(_ text: String, keeping keep: String = "") -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        let kept = Set(keep.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            let isAlphanumeric =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            if isAlphanumeric || kept.contains(byte) {
                out.append(byte)
            } else {
                out += [0x25, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether a scalar is a letter, a mark or a number (Unicode categories L, M and N: the
    /// scalars of Foundation's `CharacterSet.alphanumerics`).
    package static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }
}
