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

extension String {
    /// The string with each `byte` (an ASCII byte: never part of another character) replaced by
    /// `replacement`, made from its UTF-8 bytes. Foundation's `replacingOccurrences(of:with:)` goes
    /// through NSString: 10–15 µs a call, and a `tidings` table made dozens of calls.
    func replacingByte(_ byte: UInt8, with replacement: String) -> String {
        guard containsByte(byte) else { return self }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count + 16)
        for unit in utf8 {
            if unit == byte { bytes.append(contentsOf: replacement.utf8) } else { bytes.append(unit) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
