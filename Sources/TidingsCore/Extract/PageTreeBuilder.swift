import CLibXML2
import Foundation

/// Builds a `PageTree` from HTML bytes with libxml2's lenient HTML parser,
/// driven as a SAX parser: libxml2 never builds its own DOM, the tree keeps
/// only what extraction reads, and hostile input is bounded — elements deeper
/// than `maxDepth` are flattened into their deepest kept ancestor, parsing
/// stops after `maxNodes` nodes, attribute values are capped.
struct PageTreeBuilder {
    static let maxDepth = 256
    static let maxNodes = 300_000

    /// Attributes extraction reads, with the longest value kept of each.
    static let keptAttributes: [String: Int] = [
        "id": 256, "class": 512, "role": 64, "itemprop": 128, "itemtype": 256, "property": 128, "name": 128,
        "content": 4096, "rel": 128, "href": 4096, "datetime": 128, "type": 128, "lang": 64, "hidden": 16,
        "aria-hidden": 16, "style": 256, "http-equiv": 64, "charset": 64, "data-component": 128,
    ]

    /// Elements whose content never reaches the tree (JSON-LD scripts are the exception).
    static let skippedElements: Set<String> = [
        "script", "style", "template", "svg", "math", "noscript", "iframe", "object", "canvas",
    ]

    /// Parses `utf8`, a page already converted to UTF-8 (see `PageCharset`).
    static func parse(_ utf8: [UInt8]) -> PageTree {
        let bytes = utf8
        let state = State()
        var handler = htmlSAXHandler()
        handler.startElement = { context, name, attributes in
            State.from(context).start(name, attributes)
        }
        handler.endElement = { context, _ in State.from(context).end() }
        handler.characters = { context, characters, length in State.from(context).characters(characters, length) }
        handler.ignorableWhitespace = handler.characters
        handler.cdataBlock = handler.characters
        let unmanaged = Unmanaged.passRetained(state)
        defer { unmanaged.release() }
        guard let context = htmlCreatePushParserCtxt(&handler, unmanaged.toOpaque(), nil, 0, nil, XML_CHAR_ENCODING_NONE) else {
            return PageTree(nodes: state.nodes)
        }
        defer { htmlFreeParserCtxt(context) }
        state.context = context
        let options = HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_IGNORE_ENC.rawValue
        _ = htmlCtxtUseOptions(context, Int32(options))
        // UTF-8 whatever a <meta> says: the bytes were converted already.
        _ = xmlSwitchEncoding(context, XML_CHAR_ENCODING_UTF8)
        bytes.withUnsafeBytes { buffer in
            let base = buffer.baseAddress?.assumingMemoryBound(to: CChar.self)
            // One chunk at a time keeps libxml2's input buffer from being copied whole.
            let chunk = 1 << 20
            var offset = 0
            repeat {
                let count = min(chunk, buffer.count - offset)
                let last = offset + count >= buffer.count
                _ = htmlParseChunk(context, base.map { $0 + offset }, Int32(count), last ? 1 : 0)
                offset += count
            } while offset < buffer.count && !state.stopped
        }
        state.closeAll()
        return PageTree(nodes: state.nodes)
    }

    /// The parse in progress; reached from libxml2's callbacks through the user-data pointer.
    private final class State {
        var nodes: [PageTree.Node] = []
        /// Open, kept elements (indices into `nodes`).
        var open: [Int] = []
        /// Elements open beyond `maxDepth`, or inside a skipped element, not in the tree.
        var hiddenDepth = 0
        /// Depth of the skipped element being ignored, when inside one (its own level included).
        var skipping = 0
        var stopped = false
        var context: htmlParserCtxtPtr?

        static func from(_ context: UnsafeMutableRawPointer?) -> State {
            Unmanaged<State>.fromOpaque(context!).takeUnretainedValue()
        }

        func start(_ rawName: UnsafePointer<xmlChar>?, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
            guard !stopped, let rawName else { return }
            if skipping > 0 {
                skipping += 1
                return
            }
            let name = String(cString: rawName).lowercased()
            var kept: [(name: String, value: String)] = []
            if var cursor = attributes {
                while let attributeName = cursor.pointee {
                    let value = cursor.successor().pointee
                    let key = String(cString: attributeName).lowercased()
                    if let cap = PageTreeBuilder.keptAttributes[key] {
                        kept.append((key, value.map { Self.string($0, cap: cap) } ?? ""))
                    }
                    cursor += 2
                }
            }
            if PageTreeBuilder.skippedElements.contains(name) {
                // A JSON-LD script keeps its text (metadata); any other skipped element is ignored whole.
                let type = kept.first { $0.name == "type" }?.value.lowercased() ?? ""
                if !(name == "script" && type.contains("ld+json")) { skipping = 1 }
            }
            if open.count >= PageTreeBuilder.maxDepth || hiddenDepth > 0 {
                hiddenDepth += 1
                // Flattened, a block still parts paragraphs: two <br> say so.
                let brokenAlready = nodes.count >= 2 && nodes[nodes.count - 1].name == "br" && nodes[nodes.count - 2].name == "br"
                if skipping == 0, !brokenAlready, ParagraphCollector.blockTags.contains(name) || name == "br", !open.isEmpty {
                    for _ in 0..<(name == "br" ? 1 : 2) {
                        append(PageTree.Node(name: "br", text: "", attributes: [], parent: open.last!, end: nodes.count + 1))
                    }
                }
                return
            }
            append(PageTree.Node(name: name, text: "", attributes: kept, parent: open.last ?? -1, end: -1))
            open.append(nodes.count - 1)
        }

        func end() {
            if skipping > 0 {
                skipping -= 1
                if skipping > 0 { return }
            }
            if hiddenDepth > 0 {
                hiddenDepth -= 1
                return
            }
            if let index = open.popLast() { nodes[index].end = nodes.count }
        }

        func characters(_ characters: UnsafePointer<xmlChar>?, _ length: Int32) {
            guard !stopped, skipping == 0, let characters, length > 0, !open.isEmpty else { return }
            let text = String(decoding: UnsafeBufferPointer(start: characters, count: Int(length)), as: UTF8.self)
            // libxml2 delivers long text in pieces: extend the previous text node rather than add one.
            if let last = nodes.indices.last, nodes[last].isText, nodes[last].parent == open.last! {
                nodes[last].text += text
            } else {
                append(PageTree.Node(name: "", text: text, attributes: [], parent: open.last!, end: nodes.count + 1))
            }
        }

        private func append(_ node: PageTree.Node) {
            nodes.append(node)
            if nodes.count >= PageTreeBuilder.maxNodes, let context {
                stopped = true
                xmlStopParser(context)
            }
        }

        /// Ends every element still open (a stopped or truncated document).
        func closeAll() {
            while let index = open.popLast() { nodes[index].end = nodes.count }
        }

        static func string(_ pointer: UnsafePointer<xmlChar>, cap: Int) -> String {
            let length = min(strnlen(UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self), cap), cap)
            return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
        }
    }
}
