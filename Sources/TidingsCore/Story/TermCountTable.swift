/// A counter per 64-bit term key: open addressing with linear probing over
/// keys that are already well-mixed hashes, so no hashing is needed. Several
/// times faster than a `Dictionary` for the millions of lookups story grouping
/// makes (every term of every article is counted, then weighed).
///
/// Beside each total it keeps what was added since the counts were last taken
/// to be saved, so counting a term probes the table once, not once per tally.
struct TermCountTable: Sendable {
    /// Slot keys are stored plus one, so that 0 marks an empty slot.
    private var keys: [UInt64]
    private var values: [UInt32]
    private var unsaved: [UInt32]
    private(set) var count = 0
    /// Keys with counts added since `takeUnsaved`.
    private(set) var unsavedCount = 0

    init(capacity: Int = 1 << 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: 0, count: size)
        values = Array(repeating: 0, count: size)
        unsaved = Array(repeating: 0, count: size)
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

    /// Adds `amount` to `key`'s count, and to what is unsaved of it when `unsaved`.
    mutating func add(_ amount: UInt32, to key: UInt64, unsaved isUnsaved: Bool = false) {
        if (count + 1) * 4 > keys.count * 3 { grow() }
        let slot = slot(of: key)
        values[slot] &+= amount
        if isUnsaved {
            if unsaved[slot] == 0 { unsavedCount += 1 }
            unsaved[slot] &+= amount
        }
    }

    /// `key`'s slot, taken when it has none.
    private mutating func slot(of key: UInt64) -> Int {
        let stored = key &+ 1
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: key) & mask
        while keys[slot] != stored, keys[slot] != 0 { slot = (slot + 1) & mask }
        if keys[slot] == 0 {
            keys[slot] = stored
            count += 1
        }
        return slot
    }

    /// Every key with its count.
    func forEach(_ body: (UInt64, UInt32) throws -> Void) rethrows {
        for slot in keys.indices where keys[slot] != 0 { try body(keys[slot] &- 1, values[slot]) }
    }

    /// The counts added (as unsaved) since the last call, by key; they are saved from now on.
    mutating func takeUnsaved() -> [(key: UInt64, count: UInt32)] {
        var taken: [(key: UInt64, count: UInt32)] = []
        taken.reserveCapacity(unsavedCount)
        for slot in unsaved.indices where unsaved[slot] != 0 {
            taken.append((keys[slot] &- 1, unsaved[slot]))
            unsaved[slot] = 0
        }
        unsavedCount = 0
        return taken
    }

    /// Halves every count `times` times (rounding down) and drops the keys left at 0, shrinking the
    /// table to fit. Every count must have been taken as saved: the store halves what it holds alike.
    mutating func halve(times: Int) {
        precondition(unsavedCount == 0, "halving unsaved counts would part the table from the store")
        var halved = TermCountTable(capacity: values.reduce(0) { $0 + ($1 >> times > 0 ? 1 : 0) })
        forEach { key, value in
            if value >> times > 0 { halved.add(value >> times, to: key) }
        }
        self = halved
    }

    private mutating func grow() {
        let old = (keys: keys, values: values, unsaved: unsaved)
        keys = Array(repeating: 0, count: old.keys.count * 2)
        values = Array(repeating: 0, count: old.keys.count * 2)
        unsaved = Array(repeating: 0, count: old.keys.count * 2)
        count = 0
        for index in old.keys.indices where old.keys[index] != 0 {
            let slot = slot(of: old.keys[index] &- 1)
            values[slot] = old.values[index]
            unsaved[slot] = old.unsaved[index]
        }
    }
}
