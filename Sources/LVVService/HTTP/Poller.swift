import CPoller

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Readiness of many sockets, one event at a time per socket: each registration fires once
/// and must be re-armed (epoll's EPOLLONESHOT, kqueue's EV_ONESHOT, in `CPoller`), so the
/// worker that got a connection owns it until it hands it back. Any worker may wait on it.
final class Poller: @unchecked Sendable {
    let descriptor: Int32

    init?() {
        descriptor = cpoller_create()
        if descriptor < 0 { return nil }
    }

    /// Watches `socket` for one readable event, reported with `token`.
    func arm(_ socket: Int32, token: UInt64, first: Bool) -> Bool {
        cpoller_arm(descriptor, socket, token, first ? 1 : 0) == 0
    }

    /// Stops watching `socket` (the listener, at drain).
    func remove(_ socket: Int32) {
        _ = cpoller_remove(descriptor, socket)
    }

    /// Waits up to `milliseconds` for one event (one, so that a ready connection never waits
    /// behind another one on a busy worker); returns its token, if any.
    func wait(milliseconds: Int32, into tokens: inout [UInt64]) {
        tokens.removeAll(keepingCapacity: true)
        var token: UInt64 = 0
        let n = cpoller_wait(descriptor, &token, 1, milliseconds)
        if n > 0 { tokens.append(token) }
    }

    deinit { close(descriptor) }
}
