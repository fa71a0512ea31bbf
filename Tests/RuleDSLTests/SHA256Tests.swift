import RuleDSL
import Testing

@testable import RuleAnalysis
@testable import RuleMachine
@testable import RuleSemantics
@testable import RuleSyntax
@testable import RuleValues

/// Tests for `SHA256` against the FIPS 180-4 / NIST example vectors and chunking edges.
@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func matchesNISTVectors(message: String, digest: String) {
        #expect(SHA256.hexDigest(of: message) == digest)
        #expect(SHA256.hexDigest(Array(message.utf8)) == digest)
        var hasher = SHA256()
        hasher.update(message)
        #expect(hexString(hasher.finalize()) == digest)
    }

    @Test func oneMillionA() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(SHA256.hexDigest(repeatElement(UInt8(ascii: "a"), count: 1_000_000)) == expected)
        // The same message streamed in 1000 updates of 1000 bytes.
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(hexString(hasher.finalize()) == expected)
    }

    @Test func hashReturns32Bytes() {
        #expect(SHA256.hash([UInt8]()).count == 32)
        #expect(SHA256.hash([UInt8]())[0] == 0xe3)
    }

    @Test func finalizeResetsTheHasher() {
        var hasher = SHA256()
        hasher.update("some earlier message")
        _ = hasher.finalize()
        hasher.update("abc")
        #expect(hexString(hasher.finalize()) == SHA256.hexDigest(of: "abc"))
    }

    @Test func randomChunkingMatchesOneShot() {
        var generator = SplitMix64(seed: 0x5eed)
        for _ in 0..<50 {
            let length = Int(generator.next() % 1000)
            let message = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let expected = SHA256.hash(message)
            var hasher = SHA256()
            var offset = 0
            while offset < length {
                let size = min(length - offset, Int(generator.next() % 130))
                hasher.update(message[offset..<(offset + size)])
                offset += size
            }
            #expect(hasher.finalize() == expected, "length \(length)")
        }
    }

    /// Lengths around the 56- and 64-byte padding boundaries, one byte at a time and in
    /// two uneven pieces, must agree with the one-shot digest.
    @Test(arguments: [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129])
    func paddingEdgesAgree(length: Int) {
        let message = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let expected = SHA256.hash(message)

        var byteByByte = SHA256()
        for byte in message { byteByByte.update(CollectionOfOne(byte)) }
        #expect(byteByByte.finalize() == expected)

        var twoPieces = SHA256()
        let split = length / 3
        twoPieces.update(message[..<split])
        twoPieces.update(message[split...])
        #expect(twoPieces.finalize() == expected)
    }

    /// Known digests for padding-edge lengths of "a" repeated (independently computed).
    @Test(arguments: [
        (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
        (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        (65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
    ])
    func paddingEdgeVectors(length: Int, digest: String) {
        #expect(SHA256.hexDigest(of: String(repeating: "a", count: length)) == digest)
    }

    /// Lower-case hex of `bytes`.
    private func hexString(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

/// A tiny deterministic generator so the chunking test is reproducible.
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_c049_1133_11eb
        return z ^ (z >> 31)
    }
}
