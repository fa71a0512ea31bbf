#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where bytes can be appended: an array, or a `ByteBuffer`. Lets the one JSON string quoting
/// (`JSONWriter.appendQuoted`) write into either, without an array in between.
public protocol ByteSink {
    mutating func append(_ byte: UInt8)
    mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>)
}

extension Array: ByteSink where Element == UInt8 {}

/// A growable run of bytes written through a pointer: appending is a capacity check and a copy,
/// without the uniqueness check and generic path of `Array.append(contentsOf:)`, which cost
/// more than the copying when a verdict is forty small pieces. The owner frees it (`free()`).
public struct ByteBuffer: ByteSink {
    /// The start of the bytes; it moves when the buffer grows, so do not keep it across appends.
    public private(set) var base: UnsafeMutablePointer<UInt8>
    /// The number of bytes written.
    public private(set) var count = 0
    private var capacity: Int

    /// An empty buffer for about `capacity` bytes (16 KiB by default, room for a verdict line).
    public init(capacity: Int = 1 << 14) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    /// Releases the storage; the buffer must not be used after.
    public func free() { base.deallocate() }

    /// Empties the buffer and keeps its storage, for the next verdict line.
    public mutating func removeAll() { count = 0 }

    /// The bytes written, valid until the next append or `free()`.
    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Appends one byte.
    @inline(__always) public mutating func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        base[count] = byte
        count += 1
    }

    /// Appends a run of bytes, copied by `copy(_:to:_:)`.
    @inline(__always) public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        if count + bytes.count > capacity { grow(to: count + bytes.count) }
        ByteBuffer.copy(source, to: base + count, bytes.count)
        count += bytes.count
    }

    /// Copies `n` bytes. Most pieces of a verdict are 4 to 32 bytes: those take two or four
    /// overlapping word moves (each reading and writing only inside the two runs) instead of a
    /// call to `memcpy`, which cost more than the copying.
    @inline(__always) static func copy(_ from: UnsafePointer<UInt8>, to: UnsafeMutablePointer<UInt8>, _ n: Int) {
        let source = UnsafeRawPointer(from)
        let target = UnsafeMutableRawPointer(to)
        if n >= 8, n <= 16 {
            let head = source.loadUnaligned(as: UInt64.self)
            let tail = source.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
            target.storeBytes(of: head, as: UInt64.self)
            target.storeBytes(of: tail, toByteOffset: n &- 8, as: UInt64.self)
        } else if n > 16, n <= 32 {
            let a = source.loadUnaligned(as: UInt64.self)
            let b = source.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let c = source.loadUnaligned(fromByteOffset: n &- 16, as: UInt64.self)
            let d = source.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
            target.storeBytes(of: a, as: UInt64.self)
            target.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
            target.storeBytes(of: c, toByteOffset: n &- 16, as: UInt64.self)
            target.storeBytes(of: d, toByteOffset: n &- 8, as: UInt64.self)
        } else if n >= 4, n < 8 {
            let head = source.loadUnaligned(as: UInt32.self)
            let tail = source.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
            target.storeBytes(of: head, as: UInt32.self)
            target.storeBytes(of: tail, toByteOffset: n &- 4, as: UInt32.self)
        } else {
            to.update(from: from, count: n)
        }
    }

    /// `ByteSink`'s append of a run; the same as `append(_:)`.
    @inline(__always) public mutating func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) {
        append(bytes)
    }

    /// Appends the bytes of an array.
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
