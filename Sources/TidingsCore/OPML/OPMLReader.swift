import CLibXML2
import Foundation

/// Reads the subscriptions of an OPML file (1.0 or 2.0, as feed readers export them) with libxml2:
/// no network, no entity expansion, and a clear error with the line for a file that is not OPML.
public enum OPMLReader {
    public static func read(_ data: Data, file: String) throws(OPMLError) -> [OPMLFeed] {
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let document: xmlDocPtr? = data.withUnsafeBytes { bytes in
            xmlReadMemory(bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count), file, nil, options)
        }
        guard let document else {
            if let error = xmlGetLastError() {
                let message = String(cString: error.pointee.message).trimmingCharacters(in: .whitespacesAndNewlines)
                throw OPMLError(description: "\(file):\(error.pointee.line): not well-formed XML: \(message); expected an OPML file")
            }
            throw OPMLError(description: "\(file): not well-formed XML; expected an OPML file")
        }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document), name(of: root) == "opml" else {
            throw OPMLError(description: "\(file): the root element is not <opml>; expected an OPML file such as feed readers export")
        }
        guard let body = children(of: root).first(where: { name(of: $0) == "body" }) else {
            throw OPMLError(description: "\(file):\(xmlGetLineNo(root)): <opml> has no <body>; expected the outlines in a <body>")
        }
        var feeds: [OPMLFeed] = []
        collect(body, folders: [], into: &feeds)
        return feeds
    }

    /// The outlines under `node`: those with a URL are subscriptions; the rest are folders whose text tags their children.
    private static func collect(_ node: xmlNodePtr, folders: [String], into feeds: inout [OPMLFeed]) {
        for outline in children(of: node) where name(of: outline) == "outline" {
            let text = attribute("text", of: outline) ?? ""
            let title = attribute("title", of: outline) ?? ""
            let label = (title.isEmpty ? text : title).trimmingCharacters(in: .whitespacesAndNewlines)
            let isPage = attribute("type", of: outline)?.lowercased() == "link"
            let url = attribute("xmlUrl", of: outline) ?? (isPage ? attribute("url", of: outline) : nil)
            if let url = url?.trimmingCharacters(in: .whitespacesAndNewlines), !url.isEmpty {
                let categories = (attribute("category", of: outline) ?? "").split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
                }
                var tags: [String] = []
                for tag in folders + categories where !tag.isEmpty && !tags.contains(tag) { tags.append(tag) }
                feeds.append(OPMLFeed(url: url, title: label, siteURL: attribute("htmlUrl", of: outline), tags: tags,
                                      isPage: isPage, line: Int(xmlGetLineNo(outline))))
            }
            collect(outline, folders: label.isEmpty || url != nil ? folders : folders + [label], into: &feeds)
        }
    }

    private static func children(of node: xmlNodePtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(current) }
            child = current.pointee.next
        }
        return result
    }

    private static func name(of node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) }?.lowercased() ?? ""
    }

    /// An attribute by name, any letter case (`xmlUrl`, `xmlurl` and `XMLURL` are all seen in the wild).
    private static func attribute(_ wanted: String, of node: xmlNodePtr) -> String? {
        var attribute = node.pointee.properties
        while let current = attribute {
            if let name = current.pointee.name, String(cString: name).caseInsensitiveCompare(wanted) == .orderedSame {
                // The value is the attribute's text children (more than one where a character reference split it).
                var value = ""
                var text = current.pointee.children
                while let node = text {
                    if let content = node.pointee.content { value += String(cString: content) }
                    text = node.pointee.next
                }
                return value
            }
            attribute = current.pointee.next
        }
        return nil
    }
}
