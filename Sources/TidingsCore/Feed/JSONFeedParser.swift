import Foundation

/// JSON Feed 1.0 and 1.1 (https://jsonfeed.org) into the same `ParsedFeed`.
enum JSONFeedParser {
    static func parse(_ data: Data, baseURL: URL?, maxEntries: Int) throws -> ParsedFeed {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw FeedParseError.invalidJSON(reason: "the document is not valid JSON (\(JSONFeedParser.reason(error)))")
        }
        guard let root = object as? [String: Any] else {
            throw FeedParseError.invalidJSON(reason: "the document is not a JSON object")
        }
        let version = root["version"] as? String ?? ""
        guard version.contains("jsonfeed.org/version/") || root["items"] is [Any] else {
            throw FeedParseError.invalidJSON(reason: "no \"version\" naming jsonfeed.org and no \"items\"")
        }
        var feed = ParsedFeed(format: version.hasSuffix("/1.1") ? .json11 : .json10)
        let base = string(root["feed_url"]).flatMap { URL(string: $0) } ?? baseURL
        feed.title = string(root["title"]).map { FeedText($0, isHTML: false) }
        feed.link = string(root["home_page_url"]).map { FeedKey.resolve($0, base: base) }
        feed.subtitle = string(root["description"]).map { FeedText($0, isHTML: false) }
        feed.language = string(root["language"])
        feed.author = author(root)
        if !version.contains("jsonfeed.org/version/") {
            feed.bozo = true
            feed.bozoReason = "no JSON Feed \"version\""
        }
        let items = (root["items"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
        for item in items.prefix(maxEntries) {
            feed.entries.append(entry(item, base: base))
        }
        if let problem = ParsedFeed.entriesProblem(kept: feed.entries.count, dropped: items.count - feed.entries.count) {
            feed.bozo = true
            feed.bozoReason = feed.bozoReason ?? problem
        }
        return feed
    }

    private static func entry(_ item: [String: Any], base: URL?) -> FeedEntry {
        var entry = FeedEntry()
        if let id = item["id"] { entry.id = string(id) ?? (id as? NSNumber)?.stringValue }
        entry.link = (string(item["url"]) ?? string(item["external_url"])).map { FeedKey.resolve($0, base: base) }
        entry.title = string(item["title"]).map { FeedText($0, isHTML: false) }
        if let html = string(item["content_html"]) {
            entry.content = FeedText(HTMLSanitizer.sanitize(html, baseURL: base), isHTML: true)
        } else if let text = string(item["content_text"]) {
            entry.content = FeedText(text, isHTML: false)
        }
        entry.summary = string(item["summary"]).map { FeedText($0, isHTML: false) } ?? entry.content
        entry.published = string(item["date_published"]).flatMap(FeedDate.parse)
        entry.updated = string(item["date_modified"]).flatMap(FeedDate.parse)
        entry.author = author(item)
        entry.tags = (item["tags"] as? [Any] ?? []).compactMap { string($0) }.map { FeedTag(term: $0) }
        for case let attachment as [String: Any] in item["attachments"] as? [Any] ?? [] {
            guard let url = string(attachment["url"]) else { continue }
            let size = attachment["size_in_bytes"].flatMap { ($0 as? NSNumber)?.stringValue }
            entry.enclosures.append(FeedEnclosure(href: FeedKey.resolve(url, base: base),
                                                  type: string(attachment["mime_type"]), length: size))
        }
        return entry
    }

    /// `author` (1.0) or the first of `authors` (1.1), as "Name".
    private static func author(_ object: [String: Any]) -> String? {
        let candidates = [object["author"]] + ((object["authors"] as? [Any]) ?? []).map { Optional($0) }
        for case let person as [String: Any] in candidates.compactMap({ $0 }) {
            if let name = string(person["name"]) { return name }
            if let url = string(person["url"]) { return url }
        }
        return nil
    }

    private static func string(_ value: Any?) -> String? {
        guard let text = value as? String, !text.isEmpty else { return nil }
        return text
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
    }
}
