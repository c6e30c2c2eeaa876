import Foundation

/// A 64-bit hash that is the same in every process and on every machine
/// (FNV-1a). Swift's `Hasher` is seeded per process, so anything that is
/// stored — identities, content fingerprints — must use this instead.
public enum StableHash {
    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// Hash of bytes.
    public static func fnv1a64<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash = offsetBasis
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= prime
        }
        return hash
    }

    /// Hash of the UTF-8 bytes of `text`.
    public static func fnv1a64(_ text: String) -> UInt64 { fnv1a64(text.utf8) }

    /// The hash of `text` as 16 lower-case hex digits.
    public static func hex(_ text: String) -> String { hexDigits(fnv1a64(text.utf8)) }

    /// The hash of raw bytes (a fetched body) as 16 lower-case hex digits.
    public static func hex(_ data: Data) -> String {
        // Through a buffer pointer: Data's own iterator costs a call per byte.
        hexDigits(data.withUnsafeBytes { fnv1a64($0.bindMemory(to: UInt8.self)) })
    }

    /// FNV-1a fed a byte at a time, for hashing text while normalizing it.
    struct Stream {
        private(set) var value = StableHash.offsetBasis

        mutating func add(_ byte: UInt8) {
            value ^= UInt64(byte)
            value &*= StableHash.prime
        }

        var hex: String { StableHash.hexDigits(value) }
    }

    fileprivate static func hexDigits(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
