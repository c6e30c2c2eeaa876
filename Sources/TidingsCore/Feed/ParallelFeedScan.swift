import Foundation

/// Scans a large feed on several cores.
///
/// The part before the first entry is scanned first. The rest is cut into
/// pieces just before an entry's start tag, and each piece is scanned from a
/// copy of the state the first entry began in. That guess is then checked:
/// a piece is kept only if the piece before it ended exactly at its first byte
/// in that same state (same open elements, namespaces, bases and languages; no
/// entry, comment or CDATA section open) and if it changed none of the feed's
/// own fields. Any piece that fails this makes the whole document be scanned
/// again in one piece, so the result is always the one-piece result.
enum ParallelFeedScan {
    /// Scans `bytes` into a builder, its open elements closed at the end, and says in how
    /// many pieces it was scanned in the end (1 when the pieces had to be given up).
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, documentURL: URL?, maxEntries: Int,
                     split: Parallel.Split = .automatic) -> (builder: FeedBuilder, pieces: Int) {
        let builder = FeedBuilder(document: bytes, documentURL: documentURL, maxEntries: maxEntries)
        guard split.pieces(for: bytes.count) > 1 else { return whole(FeedXMLScanner(bytes: bytes, builder: builder)) }

        var head = FeedXMLScanner(bytes: bytes, builder: builder)
        head.run(to: bytes.count, stoppingBeforeEntry: true)
        guard let entryTag = head.entryTag else { return whole(head) }
        let tag = Array("<\(entryTag)".utf8)
        let starts = [head.index] + split.cuts(bytes.count, after: head.index) { entryStart(tag, in: bytes, from: $0) }
        guard starts.count > 1 else { return whole(head) }

        let snapshot = builder.fork()
        var pieces = starts.indices.map { number in
            Piece(scanner: number == 0 ? head : head.resumed(at: starts[number], into: snapshot.fork()),
                  limit: number + 1 < starts.count ? starts[number + 1] : bytes.count)
        }
        Parallel.forEach(&pieces, block: 1) { _, piece in piece.scanner.run(to: piece.limit) }
        pieces[pieces.count - 1].scanner.builder.closeOpenElements()

        for number in 1..<pieces.count {
            let before = pieces[number - 1].scanner
            guard before.index == starts[number], before.isInSameContext(as: head),
                  before.builder.isBetweenEntries(like: snapshot),
                  pieces[number].scanner.builder.hasFeedFields(of: snapshot) else {
                return whole(FeedXMLScanner(bytes: bytes, builder: FeedBuilder(document: bytes, documentURL: documentURL,
                                                                                  maxEntries: maxEntries)))
            }
        }
        for piece in pieces.dropFirst() { builder.append(piece: piece.scanner.builder) }  // the first piece's is `builder`
        return (builder, pieces.count)
    }

    private struct Piece {
        var scanner: FeedXMLScanner
        let limit: Int
    }

    /// Runs `scanner` to the end of the document and closes what is left open: the document in one piece.
    private static func whole(_ scanner: FeedXMLScanner) -> (builder: FeedBuilder, pieces: Int) {
        var scanner = scanner
        scanner.run(to: Int.max)
        scanner.builder.closeOpenElements()
        return (scanner.builder, 1)
    }

    /// The first `<` at or after `start` of a start tag written `tag` (`<item`, `<atom:entry`).
    private static func entryStart(_ tag: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var cursor = start
        while true {
            cursor = ByteScan.first(tag[0], in: bytes, from: cursor, to: bytes.count)
            guard cursor + tag.count < bytes.count else { return nil }
            let next = bytes[cursor + tag.count]
            if bytes[cursor..<cursor + tag.count].elementsEqual(tag),
               next == 0x20 || next == 0x3E || next == 0x2F || next == 0x0A || next == 0x09 || next == 0x0D {
                return cursor
            }
            cursor += 1
        }
    }
}
