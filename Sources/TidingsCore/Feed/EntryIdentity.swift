/// Decides which stored article a feed entry is, within one source.
///
/// The ladder: the entry's guid/id, else its link, else a hash of title and
/// content. A feed that gives the same guid to different entries in one
/// document has broken guids, so those entries fall to the next rung.
/// Identities are never compared across sources.
public enum EntryIdentity {
    /// One identity per entry, in order. Entries identical in every field get
    /// the same identity: they are one article listed twice.
    public static func assign(_ entries: [FeedEntry]) -> [String] {
        let guidCounts = Dictionary(entries.compactMap { nonEmpty($0.id) }.map { ($0, 1) }, uniquingKeysWith: +)
        let linkCounts = Dictionary(entries.compactMap { nonEmpty($0.link) }.map { ($0, 1) }, uniquingKeysWith: +)
        var identities: [String] = []
        identities.reserveCapacity(entries.count)
        for entry in entries {
            let identity: String
            if let guid = nonEmpty(entry.id), guidCounts[guid] == 1 {
                identity = "guid:" + guid
            } else if let link = nonEmpty(entry.link), linkCounts[link] == 1 {
                identity = "link:" + link
            } else {
                identity = "hash:" + contentHash(entry)
            }
            identities.append(identity)
        }
        return identities
    }

    /// A stable fingerprint of what an entry says (title, link and text).
    public static func contentHash(_ entry: FeedEntry) -> String {
        let parts = [entry.title?.value ?? "", entry.link ?? "", (entry.content ?? entry.summary)?.value ?? ""]
        return StableHash.hex(parts.joined(separator: "\u{1F}"))
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text = text?.trimmedWhitespace, !text.isEmpty else { return nil }
        return text
    }
}

import Foundation
