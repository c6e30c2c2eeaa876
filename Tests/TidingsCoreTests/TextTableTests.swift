import Testing
@testable import TidingsCore

@Suite("Text tables")
struct TextTableTests {
    @Test("columns line up, numbers align right, and no line ends in spaces")
    func alignment() {
        var table = TextTable([.init("ID"), .init("N", rightAligned: true), .init("PROBLEM")])
        table.append(["alpha", "12", ""])
        table.append(["b", "3", "HTTP 404"])
        #expect(table.render(width: 80) == """
            ID      N  PROBLEM
            alpha  12
            b       3  HTTP 404
            """)
    }

    @Test("the widest flexible column is shortened with an ellipsis to fit the width")
    func fitting() {
        var table = TextTable([.init("ID"), .init("TITLE", flexible: true)])
        table.append(["a", "A title that is far too long for the terminal"])
        let lines = table.render(width: 20).split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 20 })
        #expect(lines[1] == "a   A title that is…")
    }
}
