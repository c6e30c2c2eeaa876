/// A counter per 64-bit term key: open addressing with linear probing over
/// keys that are already well-mixed hashes, so no hashing is needed. Several
/// times faster than a `Dictionary` for the millions of lookups story grouping
/// makes (every term of every article is counted, then weighed).
struct TermCountTable: Sendable {
    /// Slot keys are stored plus one, so that 0 marks an empty slot.
    private var keys: [UInt64]
    private var values: [UInt32]
    private(set) var count = 0

    init(capacity: Int = 1 << 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: 0, count: size)
    }

    subscript(key: UInt64) -> UInt32 {
        let stored = key &+ 1
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let found = keys[slot]
            if found == stored { return values[slot] }
            if found == 0 { return 0 }
            slot = (slot + 1) & mask
        }
    }

    /// Adds `amount` to `key`'s count.
    mutating func add(_ amount: UInt32, to key: UInt64) {
        if (count + 1) * 4 > keys.count * 3 { grow() }
        let stored = key &+ 1
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let found = keys[slot]
            if found == stored {
                values[slot] &+= amount
                return
            }
            if found == 0 {
                keys[slot] = stored
                values[slot] = amount
                count += 1
                return
            }
            slot = (slot + 1) & mask
        }
    }

    /// Every key with its count.
    func forEach(_ body: (UInt64, UInt32) throws -> Void) rethrows {
        for slot in keys.indices where keys[slot] != 0 { try body(keys[slot] &- 1, values[slot]) }
    }

    private mutating func grow() {
        let old = (keys, values)
        keys = Array(repeating: 0, count: old.0.count * 2)
        values = Array(repeating: 0, count: old.0.count * 2)
        count = 0
        for slot in old.0.indices where old.0[slot] != 0 { add(old.1[slot], to: old.0[slot] &- 1) }
    }
}
