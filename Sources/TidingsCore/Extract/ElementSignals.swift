/// What an element's tag, attributes and names say about it, before looking
/// at its text: site chrome that never holds article text, hidden blocks, and
/// the class and id words publishers use for content and for clutter.
enum ElementSignals {
    /// Elements that are never article text, whatever their content.
    static let chromeTags: Set<String> = [
        "nav", "aside", "footer", "header", "form", "button", "input", "select", "textarea", "label", "dialog",
        "menu", "figure", "figcaption", "picture", "img", "video", "audio", "source", "embed", "map", "area",
        "amp-ad", "amp-consent", "amp-sidebar", "amp-social-share", "amp-embed", "amp-iframe", "amp-img",
        "amp-analytics", "amp-sticky-ad", "amp-carousel", "amp-video", "link", "meta", "title", "head",
    ]

    static let headingTags: Set<String> = ["h1", "h2", "h3", "h4", "h5", "h6"]

    /// ARIA roles of site chrome.
    static let chromeRoles: Set<String> = [
        "navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog", "alert", "search", "menu",
        "menubar", "toolbar", "tablist", "form", "status", "marquee", "timer",
    ]

    /// Class and id words that mark clutter (matched whole, after splitting names on punctuation and case).
    static let negativeWords: Set<String> = [
        "ad", "ads", "adv", "advert", "adverts", "advertisement", "advertising", "adslot", "adunit", "dfp", "gpt",
        "sponsor", "sponsored", "promo", "promotion", "outbrain", "taboola", "banner", "cookie", "cookies", "consent",
        "gdpr", "privacy", "share", "sharing", "social", "newsletter", "subscribe", "subscription", "signup", "paywall",
        "related", "relatedposts", "recommended", "recommendations", "recirc", "trending", "popular", "latest", "comment", "comments",
        "disqus", "respond", "reply", "replies", "bio", "author", "byline", "dateline", "meta", "timestamp", "caption",
        "credit", "credits", "pullquote", "quote", "teaser", "teasers", "card", "cards", "more", "readalso", "rail",
        "sidebar", "widget", "widgets", "footer", "header", "masthead", "nav", "navbar", "navigation", "menu",
        "breadcrumb", "breadcrumbs", "pagination", "pager", "tags", "tag", "toolbar", "tools", "popup", "modal",
        "overlay", "skip", "print", "strip", "topbar", "logo", "kicker", "links", "feed", "hl", "rel", "signin",
        "login", "donate", "image", "photo", "gallery", "video", "media", "headline", "title", "share-bar",
        "date", "sticky", "survey", "poll", "cta", "aside", "complementary", "copyright", "legal", "badge",
    ]

    /// Class and id words that mark article text.
    static let positiveWords: Set<String> = [
        "article", "articlebody", "body", "content", "entry", "main", "post", "story", "text", "prose", "paragraph",
        "blog", "column", "page", "section", "update", "live", "richtext", "copy",
    ]

    /// Headings that open a block of other stories or site furniture (compared lower-cased, without
    /// trailing punctuation).
    static let chromeHeadings: Set<String> = [
        "must read", "must reads", "latest", "latest news", "latest headlines", "latest stories", "latest articles",
        "trending", "trending now", "trending stories", "related", "related articles", "related stories",
        "related news", "related posts", "related content", "related coverage", "related topics", "read also",
        "read more", "see also", "also read", "more articles like this", "more stories", "more news",
        "more from this section", "more on this story", "you may also like", "you might also like",
        "recommended", "recommended for you", "recommended stories", "popular", "most popular", "most read",
        "most viewed", "most shared", "top stories", "editor's picks", "editors' picks", "editors picks",
        "don't miss", "in other news", "elsewhere", "comments", "leave a comment", "leave a reply", "share",
        "share this", "share this article", "share this story", "advertisement", "sponsored", "sponsored content",
        "newsletter", "sign up", "follow us", "tags", "topics", "about the author", "more like this", "what to read next",
        "read next", "up next", "watch", "videos", "podcasts", "also in the news", "further reading",
    ]

    /// The leanings of an element's class names and id: one vote per name, -1
    /// clutter, +1 content. A name's last telling word decides, as compound names
    /// put the thing last ("article-footer" is a footer, "related-posts" related
    /// links, "story-body__inner" a body); names split on punctuation, digits and
    /// camel case ("css-79ab7c-Consent" → css, ab, c, consent).
    static func votes(_ node: PageTree.Node) -> (clutter: Int, content: Int) {
        var clutter = 0, content = 0
        for attribute in node.attributes where attribute.name == "class" || attribute.name == "id"
            || attribute.name == "data-component" {
            for name in attribute.value.split(separator: " ") {
                switch vote(name) {
                case -1: clutter += 1
                case 1: content += 1
                default: break
                }
            }
        }
        return (clutter, content)
    }

    private static func vote(_ name: Substring) -> Int {
        var decision = 0
        var word = ""
        var previousLower = false
        func finish() {
            guard !word.isEmpty else { return }
            if negativeWords.contains(word) { decision = -1 } else if positiveWords.contains(word) { decision = 1 }
            word = ""
        }
        for character in name.unicodeScalars {
            let isUpper = character.value >= 65 && character.value <= 90
            let isLower = character.value >= 97 && character.value <= 122
            if isUpper || isLower {
                if isUpper, previousLower { finish() }
                word.unicodeScalars.append(isUpper ? Unicode.Scalar(character.value + 32)! : character)
                previousLower = isLower
            } else {
                finish()
                previousLower = false
            }
        }
        finish()
        return decision
    }

    /// How an element's names lean: below zero clutter, above zero content.
    static func classWeight(_ node: PageTree.Node) -> Int {
        let votes = votes(node)
        return 25 * (votes.content - votes.clutter)
    }

    /// True for elements that are chrome by tag, role or visibility.
    static func isChrome(_ node: PageTree.Node) -> Bool {
        if chromeTags.contains(node.name) { return true }
        for attribute in node.attributes {
            switch attribute.name {
            case "hidden": return true
            case "aria-hidden": if attribute.value.lowercased() == "true" { return true }
            case "role": if chromeRoles.contains(attribute.value.lowercased()) { return true }
            case "style":
                let style = attribute.value.lowercased().filter { $0 != " " }
                if style.contains("display:none") || style.contains("visibility:hidden") { return true }
            default: break
            }
        }
        return false
    }

    /// True for elements whose names call them clutter and never content.
    static func isClutter(_ node: PageTree.Node) -> Bool {
        let votes = votes(node)
        return votes.clutter > 0 && votes.content == 0
    }

    /// True when `text` is the heading of a block of other stories or furniture.
    static func isChromeHeading(_ text: String) -> Bool {
        guard text.utf8.count <= 60 else { return false }
        var key = text.lowercased()
        while let last = key.last, last == ":" || last == "." || last == "›" || last == "»" || last == " " || last == ">" {
            key.removeLast()
        }
        key = key.replacingOccurrences(of: "’", with: "'")
        return chromeHeadings.contains(key)
    }
}
