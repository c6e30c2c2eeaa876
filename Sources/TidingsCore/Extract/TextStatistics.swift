/// Per-node text measures of a page, summed bottom-up over the nodes that
/// survived pruning: characters, characters inside links, commas, and the
/// characters of text sitting directly in each element. The text nodes are
/// measured once; `excluding(_:)` sums them again without the pruned ones.
struct TextStatistics {
    private(set) var characters: [Int]
    private(set) var linkCharacters: [Int]
    private(set) var commas: [Int]
    /// Characters of an element's own text children (not its descendants').
    private(set) var directCharacters: [Int]
    private let tree: PageTree
    /// Visible characters and commas of each text node (0 for elements).
    private let ownCharacters: [Int]
    private let ownCommas: [Int]

    /// The measures of the whole page, nothing pruned.
    init(_ tree: PageTree) {
        var ownCharacters = Array(repeating: 0, count: tree.nodes.count)
        var ownCommas = ownCharacters
        for (index, node) in tree.nodes.enumerated() where node.isText {
            ownCharacters[index] = UTF8Text.visibleCount(node.text)
            ownCommas[index] = UTF8Text.commaCount(node.text)
        }
        self.init(tree, ownCharacters: ownCharacters, ownCommas: ownCommas,
                  pruned: Array(repeating: false, count: tree.nodes.count))
    }

    private init(_ tree: PageTree, ownCharacters: [Int], ownCommas: [Int], pruned: [Bool]) {
        self.tree = tree
        self.ownCharacters = ownCharacters
        self.ownCommas = ownCommas
        let count = tree.nodes.count
        characters = Array(repeating: 0, count: count)
        linkCharacters = characters
        commas = characters
        directCharacters = characters
        for index in stride(from: count - 1, through: 0, by: -1) where !pruned[index] {
            let node = tree.nodes[index]
            if node.isText {
                characters[index] = ownCharacters[index]
                commas[index] = ownCommas[index]
                if node.parent >= 0 { directCharacters[node.parent] += ownCharacters[index] }
            } else if node.name == "a" {
                linkCharacters[index] = characters[index]
            }
            let parent = node.parent
            if parent >= 0 {
                characters[parent] += characters[index]
                linkCharacters[parent] += linkCharacters[index]
                commas[parent] += commas[index]
            }
        }
    }

    /// The same measures without the nodes flagged in `pruned`.
    func excluding(_ pruned: [Bool]) -> TextStatistics {
        TextStatistics(tree, ownCharacters: ownCharacters, ownCommas: ownCommas, pruned: pruned)
    }

    /// Share of a node's text that is link text (0 for an empty node).
    func linkDensity(_ index: Int) -> Double {
        characters[index] == 0 ? 0 : Double(linkCharacters[index]) / Double(characters[index])
    }
}
