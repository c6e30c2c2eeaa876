/// Writes subscriptions as an OPML 2.0 document that feed readers import: one flat
/// `<outline>` per source, its tags in `category`.
public enum OPMLWriter {
    public static func document(_ feeds: [OPMLFeed], title: String = "Tidings sources") -> String {
        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<opml version=\"2.0\">",
            "  <head>",
            "    <title>\(escaped(title))</title>",
            "  </head>",
            "  <body>",
        ]
        for feed in feeds {
            var attributes: [(String, String)] = [("type", feed.isPage ? "link" : "rss"), ("text", feed.title), ("title", feed.title),
                                                  (feed.isPage ? "url" : "xmlUrl", feed.url)]
            if let site = feed.siteURL, !site.isEmpty { attributes.append(("htmlUrl", site)) }
            if !feed.tags.isEmpty { attributes.append(("category", feed.tags.joined(separator: ","))) }
            lines.append("    <outline " + attributes.map { "\($0.0)=\"\(escaped($0.1))\"" }.joined(separator: " ") + "/>")
        }
        lines += ["  </body>", "</opml>"]
        return lines.joined(separator: "\n")
    }

    /// Text safe in an attribute value or element: markup characters as references,
    /// characters XML 1.0 forbids dropped, line breaks kept as references.
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\n": result += "&#10;"
            case "\t": result += "&#9;"
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
