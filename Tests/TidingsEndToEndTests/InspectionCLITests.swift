import Foundation
import Testing
import TidingsTestSupport

/// The inspection CLI against a pinned fixture store: exact tables and JSON, search ranking and
/// snippets in three scripts, filters, the cluster in `show`, stats and its chart, export.
@Suite("Inspection CLI", .serialized)
struct InspectionCLITests {
    let store: InspectionStore

    init() throws {
        store = try InspectionStore()
    }

    func run(_ arguments: String..., environment: [String: String] = [:]) throws -> String {
        let result = try store.tidings(arguments, environment: environment)
        #expect(result.status == 0, "tidings \(arguments.joined(separator: " ")): \(result.stderr)")
        return result.stdout
    }

    func json(_ arguments: String...) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(try store.tidings(arguments).stdout.utf8))
    }

    @Test("articles: the table, newest first by date, exactly")
    func articlesTable() throws {
        #expect(try run("articles") == """
            ID  SOURCE         DATE              DUP OF  TITLE
             6  wire           2026-01-08 07:00          Café owners in Almaty protest a naïve rule on terraces
             1  moscow-daily   2026-01-07 09:00          Казахстан и Россия подписали соглашение о зерне
             3  steppe-herald  2026-01-07 08:00          Grain harvest estimates revised upward after a mild December
             2  moscow-daily   2026-01-06 12:00          Москва объявила о новых мерах поддержки экспорта
             4  steppe-herald  2026-01-06 10:00          Қазақстан үкіметі жаңа заң қабылдады
             7  wire           2026-01-05 11:00       5  Kazakh parliament passes new state budget
             5  steppe-herald  2026-01-05 09:00          Kazakhstan parliament approves the new budget

            """)
    }

    @Test("articles: JSON exactly; --source, --since/--until (until exclusive), --duplicates and --no-duplicates, --limit")
    func articlesFilters() throws {
        #expect(try run("articles", "--json", "--limit", "2") == """
            [{"first_seen":"2026-01-08T07:30:00Z","id":6,"published":"2026-01-08T07:00:00Z","source":"wire",\
            "title":"Café owners in Almaty protest a naïve rule on terraces","url":"https://wire.example/stories/cafes"},\
            {"first_seen":"2026-01-07T09:30:00Z","id":1,"published":"2026-01-07T09:00:00Z","source":"moscow-daily",\
            "title":"Казахстан и Россия подписали соглашение о зерне","url":"https://moscow-daily.example/2026/01/07/zerno"}]

            """)
        func ids(_ arguments: String...) throws -> [Int] {
            let result = try store.tidings(["articles", "--json"] + arguments)
            #expect(result.status == 0, "\(result.stderr)")
            return (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        }
        #expect(try ids("--source", "steppe-herald") == [3, 4, 5])
        #expect(try ids("--since", "2026-01-06", "--until", "2026-01-07T09:00:00Z") == [3, 2, 4])
        #expect(try ids("--duplicates") == [7])
        #expect(try ids("--no-duplicates", "--source", "wire") == [6])
        #expect(try ids("--since", "30000d") == [6, 1, 3, 2, 4, 7, 5], "a span reaches back from now")
        #expect(try ids("--until", "2026-01-05T09:00:00Z").isEmpty)
        let bad = try store.tidings(["articles", "--since", "yesterday-ish"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--since expects a time such as 2026-01-06"), "\(bad.stderr)")
        let reversed = try store.tidings(["articles", "--since", "2026-01-07", "--until", "2026-01-06"])
        #expect(reversed.status == 2)
        #expect(reversed.stderr.contains("--since must be earlier than --until"))
    }

    @Test("search: BM25 ranking with the title weighted, marked snippets, exactly")
    func searchTable() throws {
        #expect(try run("search", "Astana", "budget") == """
            ID  SOURCE         DATE              TITLE
             7  wire           2026-01-05 11:00  Kazakh parliament passes new state budget
               [ASTANA] (Wire) - The parliament in [Astana] approved the new state [budget] on Monday after a long debate about spending …
             5  steppe-herald  2026-01-05 09:00  Kazakhstan parliament approves the new budget
               The parliament in [Astana] approved the new state [budget] on Monday after a long debate about spending on roads, school…

            """)
        #expect(try run("search", "budget", "--json", "--limit", "1") == """
            [{"first_seen":"2026-01-05T09:30:00Z","id":5,"published":"2026-01-05T09:00:00Z","score":1.331,\
            "snippet":"The parliament in Astana approved the new state budget on Monday after a long debate about spending on roads, schools and hospitals across the…",\
            "snippet_matches":[[48,54]],"source":"steppe-herald","title":"Kazakhstan parliament approves the new budget",\
            "title_matches":[[39,45]],"url":"https://steppe-herald.example/2026/01/05/budget"}]

            """)
    }

    @Test("search: Cyrillic and Kazakh in any case, prefixes, phrases, accents, OR, exclusion, one field, filters")
    func searchSyntax() throws {
        func ids(_ arguments: String...) throws -> [Int] {
            let result = try store.tidings(["search", "--json"] + arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        }
        #expect(try ids("КАЗАХСТАН") == [1], "Cyrillic folds case")
        #expect(try ids("қазақстан") == [4], "Kazakh letters fold case and match")
        #expect(try ids("ЗАҢ") == [4])
        #expect(try ids("зерн*") == [1, 2], "prefix")
        #expect(try ids("\"state budget\"") == [7, 5], "phrase")
        #expect(try ids("\"budget state\"").isEmpty, "a phrase keeps its order")
        #expect(try ids("cafe", "naive") == [6], "Latin accents are ignored")
        #expect(try ids("grain", "-budget") == [3], "exclusion")
        #expect(try ids("grain", "NOT", "budget") == [3])
        #expect(try ids("title:grain") == [3], "one field")
        #expect(try ids("terraces OR удобрений").sorted() == [2, 6])
        #expect(try ids("U.S.", "budget").isEmpty, "punctuation inside a word is no syntax error")
        #expect(try ids("budget", "--source", "wire") == [7])
        #expect(try ids("budget", "--no-duplicates") == [5])
        #expect(try ids("budget", "--until", "2026-01-05T10:00:00Z") == [5])
        #expect(try run("search", "nothing-like-this") == "No matches.\n")
        let mistyped = try store.tidings(["search", "budget", "--limt", "2"])
        #expect(mistyped.status == 2)
        #expect(mistyped.stderr.contains("Unknown option '--limt'"), "\(mistyped.stderr)")
        for (query, message) in [("-budget", "NOT needs a term before it"), ("budget OR", "OR needs a term after it"),
                                 ("\"open phrase", "unterminated phrase"), ("(budget", "\"(\" without a matching \")\"")] {
            let result = try store.tidings(["search", query])
            #expect(result.status == 2, "\(query)")
            #expect(result.stderr.contains("invalid search query: \(message)"), "\(query): \(result.stderr)")
        }
    }

    @Test("search: matches in colour on a terminal, never under NO_COLOR, bracketed in a pipe; --color always forces it")
    func searchColour() throws {
        /// The search run on a pseudo-terminal (util-linux `script`), as a person at a prompt runs it.
        func onTerminal(noColour: Bool) throws -> String {
            // Whatever the test runner's own environment says about colour, only NO_COLOR here decides.
            let command = "/usr/bin/env -u NO_COLOR \(noColour ? "NO_COLOR=1 " : "")TERM=xterm COLUMNS=120 "
                + "\(TestPaths.tidings.path) --db \(store.db) search grain --source steppe-herald --limit 1"
            let result = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command, "/dev/null"])
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout
        }
        let terminal = try onTerminal(noColour: false)
        #expect(terminal.contains("\u{1B}[1;33mGrain\u{1B}[0m harvest"), "\(terminal)")
        #expect(terminal.contains("exports of \u{1B}[1;33mgrain\u{1B}[0m through"))
        let noColour = try onTerminal(noColour: true)
        #expect(!noColour.contains("\u{1B}"), "\(noColour)")
        #expect(noColour.contains("exports of [grain] through"))
        let piped = try run("search", "grain", "--source", "steppe-herald", "--limit", "1")
        #expect(!piped.contains("\u{1B}") && piped.contains("exports of [grain] through"))
        let forced = try run("search", "grain", "--source", "steppe-herald", "--limit", "1", "--color", "always")
        #expect(forced.contains("\u{1B}[1;33mgrain\u{1B}[0m"))
    }

    @Test("show: metadata, the duplicate cluster with this article marked, then the text; JSON carries the cluster")
    func show() throws {
        #expect(try run("show", "7") == """
            Kazakh parliament passes new state budget

            Article       7
            Source        wire
            URL           https://wire.example/stories/budget
            Published     2026-01-05T11:00:00Z
            First seen    2026-01-05T11:30:00Z
            Identity      guid:wire-budget
            Duplicate of  5 (similarity 0.98)
            Story         5 "Kazakhstan parliament approves the new budget": 2 articles from 2 outlets — tidings stories --id 5
            Cluster       2 articles, the original first
              5  steppe-herald  original  Kazakhstan parliament approves the new budget
              7  wire               0.98  Kazakh parliament passes new state budget  ← this article

            ASTANA (Wire) - The parliament in Astana approved the new state budget on Monday after a long debate about spending on roads, schools and hospitals across the regions.

            Deputies voted for the plan by a wide margin. The finance minister said the budget keeps the deficit below three per cent of output while raising pensions and teachers' pay from the first of March.

            Opposition members argued that the grain subsidies were too small for farmers in the north, where the harvest suffered from drought last summer.

            """)
        let original = try #require(try json("show", "5", "--json") as? [String: Any])
        let cluster = try #require(original["cluster"] as? [String: Any])
        #expect((cluster["canonical"] as? [String: Any])?["id"] as? Int == 5)
        #expect((cluster["members"] as? [[String: Any]])?.map { $0["id"] as? Int } == [7])
        let alone = try #require(try json("show", "6", "--json") as? [String: Any])
        #expect(alone["cluster"] is NSNull)
        #expect(!(try run("show", "6")).contains("Cluster"))
    }

    @Test("sources: the health table exactly, and JSON with the duplicate rate")
    func sources() throws {
        #expect(try run("sources") == """
            ID             STATE  HTTP  ARTICLES  DUPS  FILTERED  PRUNED  LAST SUCCESS  NEXT DUE             ERRORS  PROBLEM
            moscow-daily   ok      200         2    0%         0       0  2h ago        in 4h10m (interval)       0
            steppe-herald  ok      200         3    0%         0       0  2h ago        in 4h10m (interval)       0
            wire           ok      200         2   50%         0       0  2h ago        in 4h10m (interval)       0

            """)
        let list = try #require(try json("sources", "--json") as? [[String: Any]])
        let wire = try #require(list.first { $0["id"] as? String == "wire" })
        #expect(wire["duplicates"] as? Int == 1)
        #expect(wire["duplicate_rate"] as? Double == 0.5)
        #expect(wire["site_url"] as? String == "https://wire.example/")
        #expect(try run("sources", "list", "--json") == (try run("sources", "--json")), "list is the default")
    }

    @Test("stats: totals, the per-day chart of the last days and the per-source duplicate rate, exactly; JSON; Prometheus")
    func stats() throws {
        // Re-date the articles to today (3), yesterday (2) and three days ago (2), at midnight UTC + n minutes.
        try store.sql("""
            UPDATE articles SET first_seen_at = strftime('%Y-%m-%d %H:%M:%f', 'now', 'start of day',
                CASE WHEN id IN (1, 2, 3) THEN '+0 days' WHEN id IN (4, 5) THEN '-1 days' ELSE '-3 days' END, '+' || id || ' minutes');
            """)
        let day = { (offset: Int) in String(ISO8601DateFormatter().string(from: Date().addingTimeInterval(Double(offset) * 86400)).prefix(10)) }
        let output = try run("stats", "--days", "4")
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasPrefix("Store      \(store.db) ("))
        #expect(Array(lines[1...]) == [
            "Sources    3 configured, 3 enabled, 0 failing",
            "Articles   7 (3 in the last 24h), first seen \(day(-3)) 00:06 … \(day(0)) 00:03",
            "Duplicates 1 in 1 clusters (14% of articles)",
            "Stories    6 (1 told by more than one outlet)",
            "Changes    18 (last seq 18)",
            "",
            "Articles first seen per day (UTC), last 4 days",
            "\(day(-3))  █████████████████████████████████▍                  2",
            "\(day(-2))                                                      0",
            "\(day(-1))  █████████████████████████████████▍                  2",
            "\(day(0))  ██████████████████████████████████████████████████  3",
            "",
            "SOURCE         ARTICLES  LAST 24H  DUPLICATES  DUP RATE",
            "moscow-daily          2         2           0        0%",
            "steppe-herald         3         1           0        0%",
            "wire                  2         0           1       50%",
            "",
        ], "\(output)")
        let document = try #require(try json("stats", "--json", "--days", "2") as? [String: Any])
        #expect((document["per_day"] as? [[String: Any]])?.map { $0["articles"] as? Int } == [2, 3])
        #expect((document["per_day"] as? [[String: Any]])?.last?["day"] as? String == day(0))
        #expect(document["duplicate_rate"] as? Double == 0.1429)
        let metrics = try run("stats", "--prometheus")
        for line in ["tidings_articles 7.0", "tidings_duplicates 1.0", "tidings_stories 6.0", "tidings_stories_across_sources 1.0",
                     "tidings_sources{state=\"ok\"} 3.0", "tidings_source_duplicates{source=\"wire\"} 1.0",
                     "# TYPE tidings_source_articles gauge", "# HELP tidings_articles Articles stored.",
                     "tidings_source_consecutive_errors{source=\"moscow-daily\"} 0.0"] {
            #expect(metrics.split(separator: "\n").contains { $0 == line }, "\(line) in\n\(metrics)")
        }
    }

    @Test("export: JSON Lines and CSV (RFC 4180) in id order, every field, filters; --html adds the content")
    func export() throws {
        let lines = try run("export", "--source", "moscow-daily").split(separator: "\n").map(String.init)
        #expect(lines == [
            #"{"id":1,"source":"moscow-daily","url":"https://moscow-daily.example/2026/01/07/zerno","title":"Казахстан и Россия подписали соглашение о зерне","author":null,"published":"2026-01-07T09:00:00Z","updated":"2026-01-07T09:00:00Z","first_seen":"2026-01-07T09:30:00Z","duplicate_of":null,"similarity":null,"revision":1,"text":"Казахстан и Россия в среду подписали соглашение о транзите зерна через порты Каспийского моря.\n\nСтороны договорились упростить таможенные процедуры для перевозчиков."}"#,
            #"{"id":2,"source":"moscow-daily","url":"https://moscow-daily.example/2026/01/06/mery","title":"Москва объявила о новых мерах поддержки экспорта","author":null,"published":"2026-01-06T12:00:00Z","updated":"2026-01-06T12:00:00Z","first_seen":"2026-01-06T12:30:00Z","duplicate_of":null,"similarity":null,"revision":1,"text":"Правительство в Москве объявило во вторник о новых мерах поддержки экспортёров зерна и удобрений.\n\nМинистр сельского хозяйства сообщил, что субсидии на перевозку зерна вырастут в два раза."}"#,
        ])
        try store.sql(#"UPDATE articles SET title = 'Cafés, "terraces" and rules' WHERE id = 6;"#)
        #expect(try run("export", "--format", "csv", "--source", "wire") == """
            id,source,url,title,author,published,updated,first_seen,duplicate_of,similarity,revision,text\r
            6,wire,https://wire.example/stories/cafes,"Cafés, ""terraces"" and rules",,2026-01-08T07:00:00Z,,2026-01-08T07:30:00Z,,,1,"Owners of cafés in Almaty protested on Thursday against a city rule that bans terraces in winter, calling it naïve about how the trade works.

            The city said it would review the rule in February."\r
            7,wire,https://wire.example/stories/budget,Kazakh parliament passes new state budget,,2026-01-05T11:00:00Z,,2026-01-05T11:30:00Z,5,0.9753,1,"ASTANA (Wire) - The parliament in Astana approved the new state budget on Monday after a long debate about spending on roads, schools and hospitals across the regions.

            Deputies voted for the plan by a wide margin. The finance minister said the budget keeps the deficit below three per cent of output while raising pensions and teachers' pay from the first of March.

            Opposition members argued that the grain subsidies were too small for farmers in the north, where the harvest suffered from drought last summer."\r

            """)
        let all = try run("export", "--html").split(separator: "\n")
        #expect(all.count == 7)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(all[0].utf8)) as? [String: Any])
        #expect((first["content"] as? String)?.hasPrefix("<p>Казахстан") == true)
        #expect(try run("export", "--duplicates", "--format", "csv").split(separator: "\r\n").count == 2, "header and one row")
        #expect(try run("export", "--until", "2000-01-01").isEmpty)
        #expect(try store.tidings(["export", "--format", "xml"]).status == 2)

        // Progress and the summary go to standard error only when it is a terminal and the rows go elsewhere.
        #expect(try store.tidings(["export"]).stderr.isEmpty)
        let file = store.directory.path("export.jsonl")
        let onTerminal = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/script"), [
            "-qec", "\(TestPaths.tidings.path) --db \(store.db) export > \(file)", "/dev/null"])
        #expect(onTerminal.stdout.contains("export: 7 articles in "), "\(onTerminal.stdout)")
        #expect(try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").count == 7)
    }

    @Test("commands that only read the store start without libcurl (the dynamic loader's own list of what it opened)")
    func noLibcurlToRead() throws {
        for arguments in [["--version"], ["search", "budget"], ["articles", "--limit", "2"], ["stats"]] {
            let result = try store.tidings(arguments, environment: ["LD_DEBUG": "files"])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("file=libsqlite3.so.0"), "the loader's list is there: \(arguments)")
            #expect(!result.stderr.contains("libcurl"), "\(arguments) loaded libcurl")
        }
    }
}
