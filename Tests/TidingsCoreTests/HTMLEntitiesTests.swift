import Testing
@testable import TidingsCore

@Suite("HTML character references")
struct HTMLEntitiesTests {
    @Test("the generated table: every WHATWG name, the legacy names, the HTML 4 values of lang and rang")
    func table() {
        #expect(HTMLEntityTable.byName.count == 2125)
        #expect(HTMLEntityTable.legacyNames.count == 106)
        #expect(HTMLEntityTable.legacyNames.isSubset(of: Set(HTMLEntityTable.byName.keys)))
        #expect(HTMLEntityTable.byName["lang"] == "\u{2329}")
        #expect(HTMLEntityTable.byName["NotEqualTilde"] == "\u{2242}\u{338}")
        #expect(HTMLEntityTable.byName["Afr"] == "\u{1D504}" && HTMLEntityTable.byName["fjlig"] == "fj")
        #expect(HTMLEntityTable.byName["nbsp"] == "\u{A0}" && HTMLEntityTable.byName["AMP"] == "&")
        #expect(HTMLEntityTable.legacyNames.contains("copy"))
        #expect(!HTMLEntityTable.legacyNames.contains("mdash"))
    }

    @Test("decoding: named, numeric, legacy prefixes, Windows-1252 code points, and text that only looks like one")
    func decoding() {
        #expect(HTMLEntities.decode("&amp; &eacute; &#233; &#xE9; &#Xe9;") == "& é é é é")
        #expect(HTMLEntities.decode("&copy2024 &ampfoo; &notit;") == "©2024 &foo; ¬it;")
        #expect(HTMLEntities.decode("&#150; &#0; &#x110000;") == "\u{2013} \u{FFFD} \u{FFFD}")
        #expect(HTMLEntities.decode("a & b &; &# &#x; &unknown;") == "a & b &; &# &#x; &unknown;")
        #expect(HTMLEntities.decode("caf&eacute;é&amp") == "caféé&")
    }
}
