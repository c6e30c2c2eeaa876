import Foundation

/// OPML subscriptions as `[[source]]` tables to append to a config file: an id made from each
/// title (unique, and unlike the ids and URLs the config already has), the URL, the title and the tags.
public struct SourceTables: Sendable {
    /// The TOML text: a heading comment, then one table per new source.
    public var text: String
    /// How many tables were written.
    public var imported: Int
    /// Why each left-out subscription was left out, with its line.
    public var skipped: [String]

    /// `existing` are the configured sources (id and URL) to neither repeat nor collide with.
    public init(_ feeds: [OPMLFeed], from file: String, existing: [(id: String, url: String)] = []) {
        var ids = Set(existing.map(\.id))
        var urls = Dictionary(existing.map { ($0.url, $0.id) }, uniquingKeysWith: { first, _ in first })
        var tables: [String] = []
        var skipped: [String] = []
        for feed in feeds {
            let place = feed.line > 0 ? "\(file):\(feed.line)" : file
            guard let url = URL(string: feed.url), let scheme = url.scheme?.lowercased(),
                  scheme == "file" || (["http", "https"].contains(scheme) && url.host != nil) else {
                skipped.append("\(place): \"\(feed.url)\" is not an http, https or file URL")
                continue
            }
            if let id = urls[feed.url] {
                skipped.append("\(place): \(feed.url) is already source \"\(id)\"")
                continue
            }
            let id = Self.uniqueID(for: feed, url: url, taken: ids)
            ids.insert(id)
            urls[feed.url] = id
            var lines = ["[[source]]", "id = \(Self.quoted(id))", "url = \(Self.quoted(feed.url))"]
            if feed.isPage { lines.append("kind = \"page\"") }
            if !feed.title.isEmpty { lines.append("title = \(Self.quoted(feed.title))") }
            if !feed.tags.isEmpty { lines.append("tags = [" + feed.tags.map(Self.quoted).joined(separator: ", ") + "]") }
            tables.append(lines.joined(separator: "\n"))
        }
        var heading = "# \(tables.count) source\(tables.count == 1 ? "" : "s") from \(file) (tidings sources import-opml)"
        for reason in skipped { heading += "\n# skipped \(reason)" }
        text = ([heading] + tables).joined(separator: "\n\n") + "\n"
        imported = tables.count
        self.skipped = skipped
    }

    /// A config id from the title (transliterated to Latin letters), else from the host: lower case,
    /// words joined by "-", at most 48 characters, with "-2", "-3"... when taken.
    static func uniqueID(for feed: OPMLFeed, url: URL, taken: Set<String>) -> String {
        var base = slug(feed.title)
        if base.isEmpty { base = slug(url.host ?? "") }
        if base.isEmpty { base = "source" }
        var candidate = base
        var number = 2
        while taken.contains(candidate) {
            candidate = "\(base)-\(number)"
            number += 1
        }
        return candidate
    }

    static func slug(_ text: String) -> String {
        let latin = text.applyingTransform(.toLatin, reverse: false)?.applyingTransform(.stripDiacritics, reverse: false) ?? text
        var slug = ""
        var pendingSeparator = false
        for scalar in latin.lowercased().unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingSeparator, !slug.isEmpty { slug += "-" }
                pendingSeparator = false
                slug.unicodeScalars.append(scalar)
            } else if scalar.properties.isWhitespace || scalar.properties.generalCategory.isPunctuationOrSymbol {
                pendingSeparator = true
            }
            if slug.count >= 48 { break }
        }
        return slug
    }

    /// A TOML basic string.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: result += String(format: "\\u%04X", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

extension Unicode.GeneralCategory {
    var isPunctuationOrSymbol: Bool {
        switch self {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .otherSymbol:
            true
        default:
            false
        }
    }
}
