import Foundation
import Testing
@testable import TidingsCore

@Suite("Config loading")
struct ConfigurationLoaderTests {
    let directory = URL(fileURLWithPath: "/etc/tidings")

    func load(_ text: String) throws -> LoadedConfiguration {
        try ConfigurationLoader.load(text: text, fileName: "tidings.toml", directory: directory)
    }

    /// The error messages of a config that must not load.
    func errors(_ text: String) -> [String] {
        do {
            _ = try load(text)
            Issue.record("expected the config to be rejected")
            return []
        } catch let error as ConfigurationError {
            return error.errors.map(\.description)
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    @Test("an empty file gives every default")
    func emptyFileGivesDefaults() throws {
        let loaded = try load("")
        #expect(loaded.configuration.daemon == DaemonSettings())
        #expect(loaded.configuration.dedup == DedupSettings())
        #expect(loaded.configuration.sources.isEmpty)
        #expect(loaded.warnings.isEmpty)
        #expect(DaemonSettings().userAgent == "Tidings/\(TidingsVersion.current) (+\(TidingsVersion.homepage))")
    }

    @Test("values are read, spans and sizes in both spellings, relative paths anchored to the file")
    func valuesAreRead() throws {
        let loaded = try load("""
            [daemon]
            database = "state/tidings.db"
            concurrency = 4
            timeout = 90
            connect_timeout = "5s"
            max_body_size = "2MiB"
            default_interval = "1h30m"

            [dedup]
            threshold = 0.9
            window = "7d"

            [[source]]
            id = "example"
            url = "https://example.org/feed.xml"
            interval = "20m"
            tags = ["news", "en"]
            headers = { Authorization = "Bearer x" }

            [[source]]
            id = "local"
            url = "file:feeds/local.xml"
            enabled = false
            """)
        let config = loaded.configuration
        #expect(config.daemon.databasePath == "/etc/tidings/state/tidings.db")
        #expect(config.daemon.concurrency == 4)
        #expect(config.daemon.timeout == TimeSpan(seconds: 90))
        #expect(config.daemon.connectTimeout == TimeSpan(seconds: 5))
        #expect(config.daemon.maxBodySize == ByteCount(bytes: 2 << 20))
        #expect(config.daemon.defaultInterval == TimeSpan(seconds: 5400))
        #expect(config.dedup.threshold == 0.9)
        #expect(config.dedup.window == .days(7))
        #expect(config.sources.map(\.id) == ["example", "local"])
        #expect(config.sources[0].interval == .minutes(20))
        #expect(config.sources[0].tags == ["news", "en"])
        #expect(config.sources[0].headers == [HTTPHeaderField(name: "Authorization", value: "Bearer x")])
        #expect(config.sources[1].url == URL(fileURLWithPath: "/etc/tidings/feeds/local.xml"))
        #expect(config.sources[1].interval == TimeSpan(seconds: 5400), "default_interval applies")
        #expect(config.sources[1].enabled == false)
    }

    @Test("a syntax error names file, line and column")
    func syntaxErrorHasPosition() {
        let messages = errors("""
            [daemon]
            concurrency = 4
            user_agent = "unterminated
            """)
        #expect(messages.count == 1)
        #expect(messages.first?.hasPrefix("tidings.toml:3:") == true, "\(messages)")
        #expect(messages.first?.contains("invalid TOML") == true)
    }

    @Test("a control character is refused with its position, before toml++ sees it (\"[\\u{1}\" used to abort the process)")
    func controlCharacters() {
        let messages = errors("[daemon]\nconcurrency = 4\n  [\u{1}")
        #expect(messages == ["tidings.toml:3:4: error: invalid TOML: control character U+0001 is not allowed (only tab, line feed and carriage return are)"])
        #expect(errors("title = \"a\u{7F}b\"").first?.contains("control character U+007F") == true)
        #expect(throws: Never.self) { try load("[daemon]\r\n\tconcurrency = 4\r\n") }
    }

    @Test("a table header that does not start with a key is refused (\"[[[\" used to abort the process); brackets in values, strings and comments are not headers")
    func headersStartWithKeys() {
        #expect(errors("[daemon]\n[[[") == ["tidings.toml:2:3: error: invalid TOML: a table header must start with a key, found \"[\""])
        #expect(errors("[ {x}]").first?.contains("a table header must start with a key, found \"{\"") == true)
        #expect(errors("[\n").first?.contains("a table header must start with a key, found the end of the line") == true)
        #expect(errors("[[").first?.contains("found the end of the line") == true)
        // Where a value must come: "t=[\"\",}" used to abort the process too.
        #expect(errors("t=[\"\",}") == ["tidings.toml:1:7: error: invalid TOML: expected a value, found \"}\""])
        #expect(errors("t = [1,,2]").first?.contains("expected a value, found \",\"") == true)
        #expect(errors("[daemon]\nconcurrency = # none").first?.hasPrefix("tidings.toml:2:15: error: invalid TOML: expected a value, found \"#\"") == true)
        let quotes = String(repeating: "\"", count: 3)
        let valid = [
            "# [[[ not a header", "[ daemon ]", "user_agent = \(quotes)", "[{ inside a string", quotes, "",
            "[[ source ]]", "id = \"a\"", "url = \"https://a.example/feed\"", "headers = [",
            "  { name = \"X-Token\", value = \"[[[\" },", "]",
        ].joined(separator: "\n")
        // TOML is fine; only Tidings' own checks object (user_agent on one line, headers as a table).
        let messages = errors(valid)
        #expect(messages.count == 2 && !messages.contains { $0.contains("invalid TOML") }, "\(messages)")
    }

    @Test("a wrong type says expected integer, found string — not missing key")
    func wrongTypeIsNamed() {
        let messages = errors("""
            [daemon]
            user_agent = "x"
            concurrency = "16"
            """)
        #expect(messages == ["tidings.toml:3:1: error: daemon.concurrency: expected integer, found string \"16\""])
    }

    @Test("wrong types inside a source name the source's index and line")
    func wrongTypeInSource() {
        let messages = errors("""
            [[source]]
            id = "a"
            url = "https://a.example/feed"

            [[source]]
            id = "b"
            url = "https://b.example/feed"
            enabled = "yes"
            tags = "news"
            """)
        #expect(messages.contains("tidings.toml:8:1: error: source[2].enabled: expected boolean, found string \"yes\""))
        #expect(messages.contains("tidings.toml:9:1: error: source[2].tags: expected array of strings, found string \"news\""))
    }

    @Test("a duplicate source id names the line of the first one")
    func duplicateIDs() {
        let messages = errors("""
            [[source]]
            id = "news"
            url = "https://a.example/feed"

            [[source]]
            id = "news"
            url = "https://b.example/feed"
            """)
        #expect(messages == [
            "tidings.toml:6:1: error: source[2].id: duplicate source id \"news\"; expected every id to be unique (first defined at line 2)",
        ])
    }

    @Test("a duplicate id is found even when the first source has another error, and messages come in file order")
    func duplicateBesideOtherErrors() {
        let messages = errors("""
            [[source]]
            id = "news"
            url = "ftp://a.example/feed"

            [[source]]
            url = "https://b.example/feed"
            id = "news"
            """)
        #expect(messages == [
            "tidings.toml:3:1: error: source[1].url: expected an http, https or file URL, found scheme \"ftp\"",
            "tidings.toml:7:1: error: source[2].id: duplicate source id \"news\"; expected every id to be unique (first defined at line 2)",
        ])
    }

    @Test("invalid URLs say what was expected", arguments: [
        ("ftp://example.org/feed", "expected an http, https or file URL, found scheme \"ftp\""),
        ("example.org/feed", "expected an absolute http, https or file URL, found \"example.org/feed\""),
        ("https:///feed", "expected a host name in the https URL"),
        ("file://elsewhere/feed.xml", "expected a local file URL"),
        ("not a url", "expected an absolute http, https or file URL"),
    ])
    func invalidURLs(url: String, expected: String) {
        let messages = errors("""
            [[source]]
            id = "x"
            url = "\(url)"
            """)
        #expect(messages.count == 1)
        #expect(messages.first?.hasPrefix("tidings.toml:3:1: error: source[1].url: ") == true, "\(messages)")
        #expect(messages.first?.contains(expected) == true, "\(messages)")
    }

    @Test("missing required keys and bad ids are errors")
    func requiredKeys() {
        let messages = errors("""
            [[source]]
            url = "https://a.example/feed"

            [[source]]
            id = "has space"
            url = "https://b.example/feed"

            [[source]]
            id = "c"
            """)
        #expect(messages.contains { $0.hasPrefix("tidings.toml:1:1: error: source[1].id: missing required key") })
        #expect(messages.contains { $0.hasPrefix("tidings.toml:5:1: error: source[2].id: expected letters, digits") })
        #expect(messages.contains { $0.hasPrefix("tidings.toml:8:1: error: source[3].url: missing required key") })
    }

    @Test("out-of-range values are errors", arguments: [
        ("[daemon]\nconcurrency = 0", "daemon.concurrency: expected an integer from 1 to 256, found 0"),
        ("[daemon]\ntimeout = \"0s\"", "daemon.timeout: expected a time span of at least 1s, found 0s"),
        ("[daemon]\ntimeout = \"soon\"", "daemon.timeout: expected time span"),
        ("[daemon]\nmax_body_size = \"12 parsecs\"", "daemon.max_body_size: expected size"),
        ("[daemon]\nlog_level = \"loud\"", "daemon.log_level: expected one of \"trace\""),
        ("[dedup]\nthreshold = 1.5", "dedup.threshold: expected a number between 0 and 1 (exclusive), found 1.5"),
        ("[dedup]\nshingle_size = 40", "dedup.shingle_size: expected an integer from 1 to 16, found 40"),
        ("[daemon]\nmin_interval = \"1h\"\nmax_interval = \"30m\"",
         "daemon.max_interval: expected a time span of at least min_interval (1h), found 30m"),
        ("[daemon]\nca_file = \"/nonexistent/ca.pem\"",
         "daemon.ca_file: expected a readable PEM file of certificate authorities, found \"/nonexistent/ca.pem\""),
        ("daemon = 3", "daemon: expected table, found integer 3"),
        ("source = \"x\"", "source: expected array of tables ([[source]]), found string \"x\""),
        ("[[source]]\nid = \"x\"\nurl = \"https://x.example\"\nheaders = { \"Bad Name\" = \"v\" }",
         "source[1].headers: expected a header name made of token characters"),
    ])
    func rangeErrors(text: String, expected: String) {
        let messages = errors(text)
        #expect(messages.contains { $0.contains(expected) }, "\(messages)")
    }

    @Test("sources without an interval of their own are adaptive, unless adaptive_interval is off")
    func adaptiveSources() throws {
        let source = "[[source]]\nid = \"a\"\nurl = \"https://a.example/\"\n[[source]]\nid = \"b\"\nurl = \"https://b.example/\"\ninterval = \"20m\"\n"
        let sources = try load(source).configuration.sources
        #expect(sources.map(\.adaptive) == [true, false])
        #expect(sources.map(\.interval) == [.hours(1), .minutes(20)])
        #expect(try load("[daemon]\nadaptive_interval = false\n" + source).configuration.sources.map(\.adaptive) == [false, false])
        let raised = try load("[daemon]\nmin_interval = \"8h\"\n").configuration.daemon
        #expect(raised.maxInterval == .hours(8), "the default max_interval follows a larger min_interval")
    }

    @Test("unknown keys warn with the closest known key, and the file still loads")
    func unknownKeysWarn() throws {
        let loaded = try load("""
            [daemon]
            concurency = 4

            [[source]]
            id = "x"
            url = "https://x.example/feed"
            intervall = "1h"
            colour = "blue"
            """)
        let warnings = loaded.warnings.map(\.description)
        #expect(warnings.contains("tidings.toml:2:1: warning: daemon.concurency: unknown key, ignored; did you mean \"concurrency\"?"))
        #expect(warnings.contains("tidings.toml:7:1: warning: source[1].intervall: unknown key, ignored; did you mean \"interval\"?"))
        #expect(warnings.contains("tidings.toml:8:1: warning: source[1].colour: unknown key, ignored"))
        #expect(loaded.configuration.daemon.concurrency == 16)
    }

    @Test("every error in a file is reported at once")
    func allErrorsAtOnce() {
        let messages = errors("""
            [daemon]
            concurrency = "many"
            timeout = true

            [[source]]
            id = "x"
            url = "gopher://x"
            """)
        #expect(messages.count == 3)
    }

    @Test("a missing file names the file and the reason")
    func missingFile() {
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader.load(path: "/nonexistent/tidings.toml") }
        do {
            _ = try ConfigurationLoader.load(path: "/nonexistent/tidings.toml")
        } catch {
            #expect("\(error)" == "/nonexistent/tidings.toml: error: cannot read config file: No such file or directory")
        }
    }
}

@Suite("Time spans and sizes")
struct TimeSpanTests {
    @Test("spans parse and print", arguments: [
        ("90", 90), ("45s", 45), ("15m", 900), ("1h", 3600), ("1h30m", 5400), ("2d", 172_800), ("1w", 604_800),
        ("1h 30m", 5400),
    ])
    func parses(text: String, seconds: Int) {
        #expect(TimeSpan(parsing: text)?.seconds == seconds)
    }

    @Test("nonsense is not a span", arguments: ["", "h", "1x", "1h30", "-5m", "soon"])
    func rejects(text: String) {
        #expect(TimeSpan(parsing: text) == nil)
    }

    @Test("descriptions are the shortest exact spelling")
    func describes() {
        #expect(TimeSpan(seconds: 5400).description == "1h30m")
        #expect(TimeSpan(seconds: 0).description == "0s")
        #expect(TimeSpan.days(30).description == "30d")
    }

    @Test("sizes parse", arguments: [
        ("1024", 1024), ("512KiB", 524_288), ("16MiB", 16_777_216), ("16 MiB", 16_777_216), ("1GiB", 1 << 30),
        ("2MB", 2_000_000),
    ])
    func sizes(text: String, bytes: Int) {
        #expect(ByteCount(parsing: text)?.bytes == bytes)
    }
}
