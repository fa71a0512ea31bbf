import LVVRules
import Testing

/// `ByteBuffer` copies short runs with overlapping word moves: every length, at every
/// alignment, must come out as the bytes given, with nothing before or after disturbed.
@Suite struct ByteBufferTests {
    @Test func everyLengthAndOffsetCopiesExactly() {
        let source: [UInt8] = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for length in 0...80 {
            for start in 0..<9 {
                for lead in 0..<9 {
                    var buffer = ByteBuffer(capacity: 16)  // small: appends must grow it
                    defer { buffer.free() }
                    var expected: [UInt8] = Array(repeating: 0xEE, count: lead)
                    for _ in 0..<lead { buffer.append(0xEE) }
                    source.withUnsafeBufferPointer {
                        buffer.append(UnsafeBufferPointer(rebasing: $0[start..<(start + length)]))
                    }
                    expected += source[start..<(start + length)]
                    buffer.append(0xDD)
                    expected.append(0xDD)
                    #expect(Array(buffer.bytes) == expected, "length \(length), from \(start), after \(lead)")
                }
            }
        }
    }
}
