import Testing
@testable import TidingsCore

/// XML's own references, as both the preprocessor (keeps them) and the scanner (decodes them) read them.
@Suite("XML references")
struct XMLReferenceTests {
    func read(_ text: String) -> (String, Int)? {
        [UInt8](text.utf8).withUnsafeBufferPointer { bytes in
            XMLReference.read(bytes, at: 0, end: bytes.count).map { (String($0.character), $0.length) }
        }
    }

    @Test("the five predefined entities and numeric references, decimal and hex", arguments: [
        ("&lt;", "<", 4), ("&gt;x", ">", 4), ("&amp;", "&", 5), ("&quot;", "\"", 6), ("&apos;", "'", 6),
        ("&#38;", "&", 5), ("&#x2014;", "\u{2014}", 8), ("&#X2014;", "\u{2014}", 8), ("&#0000000065;", "A", 13),
        ("&#x1F600;", "\u{1F600}", 9),
    ])
    func known(text: String, character: String, length: Int) {
        let result = read(text)
        #expect(result?.0 == character && result?.1 == length, "\(text): \(String(describing: result))")
    }

    @Test("anything else is not one", arguments: [
        "&", "&lt", "&ltx;", "&nbsp;", "&#;", "&#x;", "&#12a;", "&#1;", "&#xD800;", "&#x110000;",
        "&#99999999999999999999;", "&#65",
    ])
    func unknown(text: String) {
        #expect(read(text) == nil, "\(text)")
    }

    @Test("a reference that runs past the end given is not read")
    func bounded() {
        [UInt8]("&amp;&#65;".utf8).withUnsafeBufferPointer { bytes in
            #expect(XMLReference.read(bytes, at: 0, end: 4) == nil)
            #expect(XMLReference.read(bytes, at: 5, end: 9) == nil)
            #expect(XMLReference.read(bytes, at: 5, end: 10)?.length == 5)
        }
    }
}
