/// Per-node text measures of a page, summed bottom-up over the nodes that
/// survived pruning: characters, characters inside links, commas, and the
/// characters of text sitting directly in each element.
struct TextStatistics {
    private(set) var characters: [Int]
    private(set) var linkCharacters: [Int]
    private(set) var commas: [Int]
    /// Characters of an element's own text children (not its descendants').
    private(set) var directCharacters: [Int]

    init(_ tree: PageTree, pruned: [Bool]) {
        let count = tree.nodes.count
        characters = Array(repeating: 0, count: count)
        linkCharacters = Array(repeating: 0, count: count)
        commas = Array(repeating: 0, count: count)
        directCharacters = Array(repeating: 0, count: count)
        for index in stride(from: count - 1, through: 0, by: -1) where !pruned[index] {
            let node = tree.nodes[index]
            if node.isText {
                let visible = UTF8Text.visibleCount(node.text)
                characters[index] = visible
                commas[index] = UTF8Text.commaCount(node.text)
                if node.parent >= 0 { directCharacters[node.parent] += visible }
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

    /// Share of a node's text that is link text (0 for an empty node).
    func linkDensity(_ index: Int) -> Double {
        characters[index] == 0 ? 0 : Double(linkCharacters[index]) / Double(characters[index])
    }
}
