import Foundation

/// The normalized feed JSON of `tidings parse` (schema: shared/conformance/SCHEMA.md).
public enum FeedJSON {
    public static func document(_ feed: ParsedFeed) -> JSONValue {
        var head: [String: JSONValue] = [:]
        head["title"] = feed.title.map { .string($0.value) }
        head["link"] = feed.link.map(JSONValue.string)
        head["subtitle"] = feed.subtitle.map { .string($0.value) }
        head["language"] = feed.language.map(JSONValue.string)
        head["id"] = feed.id.map(JSONValue.string)
        head["author"] = feed.author.map(JSONValue.string)
        head["updated"] = feed.updated.map { .string(ISO8601.string($0)) }
        head["published"] = feed.published.map { .string(ISO8601.string($0)) }
        head["tags"] = .array(feed.tags.map(tag))
        var object: [String: JSONValue] = [
            "bozo": .bool(feed.bozo),
            "version": .string(feed.format.rawValue),
            "encoding": .string(feed.encoding),
            "feed": .object(head),
            "entries": .array(feed.entries.map(entry)),
        ]
        if let reason = feed.bozoReason { object["bozo_exception"] = .string(reason) }
        return .object(object)
    }

    static func entry(_ entry: FeedEntry) -> JSONValue {
        var object: [String: JSONValue] = [:]
        object["title"] = entry.title.map { .string($0.value) }
        object["link"] = entry.link.map(JSONValue.string)
        object["id"] = entry.id.map(JSONValue.string)
        object["summary"] = entry.summary.map { .string($0.value) }
        object["content"] = entry.content.map { .string($0.value) }
        object["author"] = entry.author.map(JSONValue.string)
        object["published"] = entry.published.map { .string(ISO8601.string($0)) }
        object["updated"] = entry.updated.map { .string(ISO8601.string($0)) }
        object["tags"] = .array(entry.tags.map(tag))
        object["enclosures"] = .array(entry.enclosures.map {
            .object(["href": .string($0.href), "type": $0.type.map(JSONValue.string) ?? .null,
                     "length": $0.length.map(JSONValue.string) ?? .null])
        })
        return .object(object)
    }

    private static func tag(_ tag: FeedTag) -> JSONValue {
        .object(["term": .string(tag.term), "scheme": tag.scheme.map(JSONValue.string) ?? .null,
                 "label": tag.label.map(JSONValue.string) ?? .null])
    }
}
