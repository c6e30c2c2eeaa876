/// An HTML page as a flat tree in document order, owned by Swift and safe to
/// share: every node knows its parent and where its subtree ends, so walking a
/// subtree, its children or its ancestors needs no recursion (hostile pages
/// nest tens of thousands of levels deep).
struct PageTree: Sendable {
    struct Node: Sendable {
        /// Lower-case tag name; empty for a text node.
        var name: String
        /// The characters of a text node (entities decoded); empty for elements.
        var text: String
        /// The attributes extraction looks at (see `PageTreeBuilder.keptAttributes`), values capped.
        var attributes: [(name: String, value: String)]
        /// Index of the parent element; -1 for the root.
        var parent: Int
        /// One past the last node of this node's subtree: descendants are `index + 1 ..< end`.
        var end: Int

        var isText: Bool { name.isEmpty }

        func attribute(_ name: String) -> String? {
            attributes.first { $0.name == name }?.value
        }
    }

    var nodes: [Node]

    /// The node indices of `index`'s direct children, in order.
    func children(of index: Int) -> ChildSequence { ChildSequence(nodes: nodes, parent: index) }

    struct ChildSequence: Sequence, IteratorProtocol {
        let nodes: [Node]
        var cursor: Int
        let end: Int

        init(nodes: [Node], parent: Int) {
            self.nodes = nodes
            self.cursor = parent + 1
            self.end = nodes[parent].end
        }

        mutating func next() -> Int? {
            guard cursor < end else { return nil }
            defer { cursor = nodes[cursor].end }
            return cursor
        }
    }

    /// The first element named `name` in document order.
    func first(_ name: String) -> Int? {
        nodes.indices.first { nodes[$0].name == name }
    }

    /// Every element named `name`, in document order.
    func all(_ name: String) -> [Int] {
        nodes.indices.filter { nodes[$0].name == name }
    }

    /// True when `ancestor` is `index` or contains it.
    func contains(_ ancestor: Int, _ index: Int) -> Bool {
        index >= ancestor && index < nodes[ancestor].end
    }

    /// The text of a subtree, runs of white space collapsed to one space, trimmed.
    func text(of index: Int) -> String {
        var words = WordJoiner()
        for node in nodes[index..<nodes[index].end] where node.isText { words.append(node.text) }
        return words.result
    }
}

/// Joins text runs into words separated by single spaces.
struct WordJoiner {
    private var bytes: [UInt8] = []
    private var pendingSpace = false

    mutating func append(_ text: String) {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if UTF8Text.isSpace(byte) {
                pendingSpace = !bytes.isEmpty
            } else if previous == 0xC2, byte == 0xA0 {
                // A no-break space: its lead byte is already out; take it back.
                bytes.removeLast()
                pendingSpace = !bytes.isEmpty
            } else {
                if pendingSpace {
                    bytes.append(0x20)
                    pendingSpace = false
                }
                bytes.append(byte)
            }
            previous = byte
        }
    }

    /// A word boundary that is not visible as a space in the source (a block edge).
    mutating func breakWord() {
        pendingSpace = !bytes.isEmpty
    }

    var isEmpty: Bool { bytes.isEmpty }
    var result: String { String(decoding: bytes, as: UTF8.self) }
}
