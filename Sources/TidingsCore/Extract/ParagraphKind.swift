/// Lines inside an article body that are not article text, recognized by their words.
enum ParagraphKind {
    static let referralPrefixes = [
        "read also", "read more", "also read", "see also", "related", "more", "recommended", "watch", "listen",
        "advertisement", "story continues below", "continue reading", "click here", "sign up", "subscribe",
    ]

    private static let referralInitials = Set(referralPrefixes.compactMap(\.utf8.first))

    /// "Read also: …", "READ MORE: …", "Advertisement": a pointer elsewhere, short.
    static func isReferral(_ text: String) -> Bool {
        guard text.utf8.count <= 300, let first = text.utf8.first,
              referralInitials.contains(first | 0x20) else { return false }
        let lower = text.lowercased()
        for prefix in referralPrefixes where lower.hasPrefix(prefix) {
            let rest = lower.dropFirst(prefix.count)
            // "Advertisement", "Read also: …", "Read also » …"; a bare space only after a long prefix
            // ("Story continues below advertisement"), since "More than …" starts sentences.
            let longPrefix = prefix.count > 8
            if rest.isEmpty || rest.first == ":" || rest.hasPrefix(" »") || (rest.first == " " && longPrefix) { return true }
        }
        return false
    }

    /// "By Jane Doe · Posted: Mar 27, 2024 19:29 GMT": a short credit line, not a sentence.
    static func isByline(_ text: String) -> Bool {
        guard text.utf8.count <= 160, text.utf8.first == UInt8(ascii: "B") || text.utf8.first == UInt8(ascii: "b") else { return false }
        let words = text.split(separator: " ")
        guard words.count >= 2, words.count <= 14, let first = words.first, first == "By" || first == "BY" || first == "by",
              words[1].first?.isUppercase == true else { return false }
        guard let last = text.last else { return false }
        return !(last == "." || last == "!" || last == "?" || last == "\"" || last == "”")
    }

    /// A line that is only a date or a time ("8 March 2024, 18:22 GMT", "14:05", "Updated 2 hours ago").
    static func isDateLine(_ text: String) -> Bool {
        guard text.utf8.count <= 80 else { return false }
        let words = text.lowercased().split { !$0.isLetter && !$0.isNumber }
        guard !words.isEmpty, words.count <= 10, words.contains(where: { $0.first?.isNumber == true }) else { return false }
        return words.allSatisfy { word in
            word.allSatisfy(\.isNumber) || dateWords.contains(String(word)) || isOrdinal(word)
        }
    }

    private static func isOrdinal(_ word: Substring) -> Bool {
        let digits = word.prefix { $0.isNumber }
        return !digits.isEmpty && ["st", "nd", "rd", "th"].contains(String(word.dropFirst(digits.count)))
    }

    static let dateWords: Set<String> = [
        "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june", "jul", "july",
        "aug", "august", "sep", "sept", "september", "oct", "october", "nov", "november", "dec", "december",
        "mon", "monday", "tue", "tuesday", "wed", "wednesday", "thu", "thursday", "fri", "friday", "sat", "saturday",
        "sun", "sunday", "am", "pm", "gmt", "utc", "bst", "cet", "cest", "est", "edt", "pst", "pdt", "z", "t",
        "published", "updated", "posted", "last", "on", "at", "ago", "hours", "hour", "minutes", "min", "mins", "h",
        "days", "day", "yesterday", "today",
    ]
}
