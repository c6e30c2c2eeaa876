import Foundation

/// The buffers the normalizer gathers a text's words in, one set per thread: a thread normalizes
/// texts one after another (an article's body, then its headline, over and over), so they are
/// allocated once per thread instead of three times a text (`tidings dedup` spent more time in
/// malloc and free than in hashing shingles).
final class ScannerBuffers {
    private(set) var words: UnsafeMutableBufferPointer<UInt64>
    private(set) var flags: UnsafeMutableBufferPointer<WordFlags>
    /// The word being read, for the Unicode path.
    let word: UnsafeMutableBufferPointer<UInt8>
    private var inUse = false

    /// Buffers that grew past this many words (a huge text) are not kept for the next text.
    private static let keptWords = 1 << 16

    private init(wordCapacity: Int) {
        words = .allocate(capacity: 1024)
        flags = .allocate(capacity: 1024)
        word = .allocate(capacity: wordCapacity)
    }

    deinit {
        words.deallocate()
        flags.deallocate()
        word.deallocate()
    }

    /// This thread's buffers, with room for `words` words, or fresh ones when this thread's are
    /// in use already. Hand them back with `giveBack`.
    static func take(words count: Int, wordCapacity: Int) -> ScannerBuffers {
        let buffers: ScannerBuffers
        if let pointer = pthread_getspecific(key) {
            let mine = Unmanaged<ScannerBuffers>.fromOpaque(pointer).takeUnretainedValue()
            buffers = mine.inUse ? ScannerBuffers(wordCapacity: wordCapacity) : mine
        } else {
            buffers = ScannerBuffers(wordCapacity: wordCapacity)
            pthread_setspecific(key, Unmanaged.passRetained(buffers).toOpaque())
        }
        buffers.inUse = true
        if buffers.words.count < count { buffers.replace(words: .allocate(capacity: count), flags: .allocate(capacity: count)) }
        return buffers
    }

    /// Takes back the buffers the scanner ended with (grown, perhaps).
    func giveBack(words: UnsafeMutableBufferPointer<UInt64>, flags: UnsafeMutableBufferPointer<WordFlags>) {
        if words.baseAddress != self.words.baseAddress { replace(words: words, flags: flags) }
        if self.words.count > Self.keptWords { replace(words: .allocate(capacity: 1024), flags: .allocate(capacity: 1024)) }
        inUse = false
    }

    private func replace(words: UnsafeMutableBufferPointer<UInt64>, flags: UnsafeMutableBufferPointer<WordFlags>) {
        self.words.deallocate()
        self.flags.deallocate()
        self.words = words
        self.flags = flags
    }

    /// Each thread's buffers, freed when the thread ends.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            if let pointer { Unmanaged<ScannerBuffers>.fromOpaque(pointer).release() }
        }
        return key
    }()
}
