extension String {
    /// True when the UTF-8 text holds `byte` (an ASCII byte: never part of another
    /// character). Read in place: `utf8.contains(_:)` steps through the view index by
    /// index, some twenty instructions a byte.
    func containsByte(_ byte: UInt8) -> Bool {
        firstByteOffset { $0 == byte } != nil
    }

    /// The offset of the first UTF-8 byte that `matches`, read in place when the string is
    /// stored contiguously (native strings are); nil when none does.
    func firstByteOffset(where matches: (UInt8) -> Bool) -> Int? {
        if let found = utf8.withContiguousStorageIfAvailable({ $0.firstIndex(where: matches) }) { return found }
        return utf8.firstIndex(where: matches).map { utf8.distance(from: utf8.startIndex, to: $0) }
    }
}
