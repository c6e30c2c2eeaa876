/// Marks the parts of a page that are site chrome, never article text:
/// chrome elements and hidden blocks, blocks whose names say clutter (share
/// bars, cookie banners, related links, comments ...), and blocks of other
/// stories opened by a heading such as "Must Read", "Latest" or "More
/// Articles Like This" together with the teasers that follow the heading.
enum ChromePruner {
    /// One flag per node of `tree`: true when the node is chrome or inside chrome. `raw` measures the whole page.
    static func prune(_ tree: PageTree, raw: TextStatistics) -> [Bool] {
        var pruned = Array(repeating: false, count: tree.nodes.count)
        let total = max(1, raw.characters.first ?? 1)
        for index in tree.nodes.indices where !pruned[index] {
            let node = tree.nodes[index]
            guard !node.isText else { continue }
            if ElementSignals.isChrome(node) || (isClutter(node, index, raw, total)) {
                mark(index, in: tree, &pruned)
            }
        }
        // A heading counts even when its own names pruned it ("related-headline"): its block goes too.
        for index in tree.nodes.indices where !tree.nodes[index].isText {
            let parent = tree.nodes[index].parent
            let length = raw.characters[index]
            guard parent < 0 || !pruned[parent], length >= 3, length <= 40, isHeadingLike(index, tree),
                  ElementSignals.isChromeHeading(tree.text(of: index)) else { continue }
            pruneBlock(openedBy: index, in: tree, stats: raw, &pruned)
        }
        return pruned
    }

    /// A clutter name prunes a block, unless the block holds most of the page's text
    /// (publishers put "sidebar" or "ads" words on whole-page wrappers).
    private static func isClutter(_ node: PageTree.Node, _ index: Int, _ raw: TextStatistics, _ total: Int) -> Bool {
        guard !structuralTags.contains(node.name), ElementSignals.isClutter(node) else { return false }
        return raw.characters[index] * 2 < total || raw.linkDensity(index) > 0.5
    }

    private static let structuralTags: Set<String> = ["html", "body", "main", "article"]

    /// Headings, and short labels that stand as a block's first line (`<div><span>Latest</span></div>`, `<b>Related</b>`).
    private static func isHeadingLike(_ index: Int, _ tree: PageTree) -> Bool {
        let node = tree.nodes[index]
        if ElementSignals.headingTags.contains(node.name) { return true }
        guard let first = firstMeaningfulSibling(in: node.parent, tree) else { return false }
        return first == index
    }

    /// The first child of `parent` that is an element or non-blank text.
    private static func firstMeaningfulSibling(in parent: Int, _ tree: PageTree) -> Int? {
        guard parent >= 0 else { return nil }
        return tree.children(of: parent).first { child in
            let node = tree.nodes[child]
            return !node.isText || !UTF8Text.isBlank(node.text)
        }
    }

    /// Prunes a chrome heading and the teasers after it: the heading (widened
    /// to the wrapper it alone fills), then each following sibling that is a
    /// list or reads as links (a fifth of its text or more), up to the first
    /// one that does not or the next heading.
    private static func pruneBlock(openedBy heading: Int, in tree: PageTree, stats: TextStatistics, _ pruned: inout [Bool]) {
        var head = heading
        while case let parent = tree.nodes[head].parent, parent >= 0,
              !structuralTags.contains(tree.nodes[parent].name), stats.characters[parent] == stats.characters[head] {
            head = parent
        }
        mark(head, in: tree, &pruned)
        let parent = tree.nodes[head].parent
        guard parent >= 0 else { return }
        var sibling = tree.nodes[head].end
        while sibling < tree.nodes[parent].end {
            let node = tree.nodes[sibling]
            let next = node.end
            if node.isText {
                if !UTF8Text.isBlank(node.text) { break }
            } else if ElementSignals.headingTags.contains(node.name) {
                break
            } else if !pruned[sibling], node.name != "br", node.name != "hr" {
                // Teasers are headline links with ledes; the article after a heading is mostly plain text.
                let isList = node.name == "ul" || node.name == "ol"
                guard isList || stats.linkDensity(sibling) >= 0.2 else { break }
                mark(sibling, in: tree, &pruned)
            }
            sibling = next
        }
    }

    private static func mark(_ index: Int, in tree: PageTree, _ pruned: inout [Bool]) {
        for descendant in index..<tree.nodes[index].end { pruned[descendant] = true }
    }
}
