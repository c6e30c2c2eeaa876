/// One article's shingle tops counted in a table of all 65,536 values, so that the tops it shares
/// with each candidate are counted in one pass over the candidate's: a merge of the two sorted
/// lists mispredicted a branch at most of its steps (a sixth of the judging thread's time).
/// The count is the merge's: values matched one to one, repeats included. The table is all
/// zeros between articles (`unload`), so it is never cleared whole.
final class TopsTally {
    /// Per value: the article's count in the low 16 bits, the current candidate's matches above.
    private let table: UnsafeMutablePointer<UInt32>

    init() {
        table = .allocate(capacity: 1 << 16)
        table.initialize(repeating: 0, count: 1 << 16)
    }

    deinit { table.deallocate() }

    /// Counts the article's tops (at most 65,535 of one value).
    func load(_ tops: ArraySlice<UInt16>) {
        tops.withUnsafeBufferPointer { tops in
            for value in tops where table[Int(value)] < 0xFFFF { table[Int(value)] &+= 1 }
        }
    }

    /// Forgets the article loaded with `tops`.
    func unload(_ tops: ArraySlice<UInt16>) {
        tops.withUnsafeBufferPointer { tops in
            for value in tops { table[Int(value)] = 0 }
        }
    }

    /// How many of `other` match the loaded tops one to one.
    func shared(with other: ArraySlice<UInt16>) -> Int {
        var shared = 0
        other.withUnsafeBufferPointer { other in
            for value in other {
                let entry = table[Int(value)]
                let hit: UInt32 = entry >> 16 < entry & 0xFFFF ? 1 : 0
                shared &+= Int(hit)
                table[Int(value)] = entry &+ hit << 16
            }
            for value in other { table[Int(value)] &= 0xFFFF }
        }
        return shared
    }
}
