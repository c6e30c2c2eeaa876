/// Finds the block(s) of a page that hold the article, in the spirit of
/// Readability: every paragraph (and every element with text of its own)
/// scores by its length and commas; the score flows to its parent, half of it
/// to the grandparent and a sixth to the great-grandparent; an element's score
/// is discounted by its link density and nudged by its tag and names. The best
/// element wins, widened to the ancestor that also holds its rivals (a live
/// blog's updates), and joined by siblings that read like more of the article
/// (a body split over sections).
struct ContentScorer {
    let tree: PageTree
    let pruned: [Bool]
    let stats: TextStatistics

    static let paragraphTags: Set<String> = ["p", "pre", "td", "blockquote", "dd", "li"]
    static let minimumParagraph = 25
    /// What share of a paragraph's score reaches its parent, grandparent and great-grandparent.
    static let levelDivisors: [Double] = [1, 2, 6]

    /// Headings that are links to other stories ("<h3><a>Headline</a></h3>") inside `roots`: three or more make a list of stories.
    func teaserHeadings(in roots: [Int]) -> Int {
        var count = 0
        for root in roots {
            for index in root..<tree.nodes[root].end where !pruned[index] && ElementSignals.headingTags.contains(tree.nodes[index].name) {
                if stats.characters[index] > 0, stats.linkDensity(index) >= 0.8 { count += 1 }
            }
        }
        return count
    }


    /// The chosen elements in document order, with the winner's link density; empty when the page has no article.
    func contentRoots() -> (roots: [Int], linkDensity: Double) {
        var scores = [Int: Double]()
        for index in tree.nodes.indices where !pruned[index] && !tree.nodes[index].isText {
            guard isParagraph(index) else { continue }
            let length = stats.characters[index] - stats.linkCharacters[index] / 2
            guard length >= Self.minimumParagraph else { continue }
            let score = 1 + Double(stats.commas[index]) + min(Double(length / 100), 3)
            var ancestor = tree.nodes[index].parent
            for level in 0..<3 {
                guard ancestor >= 0 else { break }
                if scores[ancestor] == nil { scores[ancestor] = baseScore(ancestor) }
                scores[ancestor]! += score / Self.levelDivisors[level]
                ancestor = tree.nodes[ancestor].parent
            }
        }
        let ranked = scores.map { (index: $0.key, score: $0.value * (1 - stats.linkDensity($0.key))) }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
        guard var top = ranked.first, top.score > 0 else { return ([], 0) }
        top.index = widened(top.index, among: ranked)
        let topScore = scores[top.index].map { $0 * (1 - stats.linkDensity(top.index)) } ?? top.score
        return (siblingsJoining(top.index, topScore: topScore, scores: scores), stats.linkDensity(top.index))
    }

    /// Paragraph elements, and any element with enough text of its own (text split by `<br>`, bare text in a `<div>`).
    private func isParagraph(_ index: Int) -> Bool {
        Self.paragraphTags.contains(tree.nodes[index].name) || stats.directCharacters[index] >= Self.minimumParagraph
    }

    private func baseScore(_ index: Int) -> Double {
        let tagScore: Double = switch tree.nodes[index].name {
        case "div", "article", "main", "section", "font", "center": 5
        case "pre", "td", "blockquote": 3
        case "address", "ol", "ul", "dl", "dd", "dt", "li", "form": -3
        case "h1", "h2", "h3", "h4", "h5", "h6", "th": -5
        default: 0
        }
        return tagScore + Double(ElementSignals.classWeight(tree.nodes[index]))
    }

    /// The lowest ancestor of `top` that also holds at least two of the close
    /// runners-up (scores within a quarter of the winner's), when there is one.
    private func widened(_ top: Int, among ranked: [(index: Int, score: Double)]) -> Int {
        let rivals = ranked.dropFirst().prefix(8).filter { $0.score >= ranked[0].score * 0.75 }.map(\.index)
            .filter { !tree.contains($0, top) && !tree.contains(top, $0) }
        guard rivals.count >= 2 else { return top }
        var ancestor = tree.nodes[top].parent
        while ancestor >= 0 {
            if rivals.filter({ tree.contains(ancestor, $0) }).count >= 2 { return ancestor }
            ancestor = tree.nodes[ancestor].parent
        }
        return top
    }

    /// `top` and the siblings that read like more of the same article.
    private func siblingsJoining(_ top: Int, topScore: Double, scores: [Int: Double]) -> [Int] {
        let parent = tree.nodes[top].parent
        guard parent >= 0 else { return [top] }
        let threshold = max(10, topScore * 0.2)
        let topClass = tree.nodes[top].attribute("class")
        var chosen: [Int] = []
        for sibling in tree.children(of: parent) where !pruned[sibling] && !tree.nodes[sibling].isText {
            if sibling == top {
                chosen.append(sibling)
                continue
            }
            var score = (scores[sibling] ?? 0) * (1 - stats.linkDensity(sibling))
            if let topClass, !topClass.isEmpty, tree.nodes[sibling].attribute("class") == topClass { score += topScore * 0.2 }
            let length = stats.characters[sibling]
            let density = stats.linkDensity(sibling)
            if score >= threshold || (isParagraph(sibling) && length > 80 && density < 0.25) {
                chosen.append(sibling)
            }
        }
        return chosen
    }
}
