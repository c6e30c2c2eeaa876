/// The tables a Tidings config file may contain.
public enum ConfigTable: String, Sendable, CaseIterable {
    case daemon
    case dedup
    case stories
    case source
}

/// What kind of value an option takes; drives type checking and messages.
public enum ConfigValueKind: Sendable, Equatable {
    case string
    case integer
    case float
    case boolean
    case timeSpan
    case byteCount
    case stringArray
    case stringTable
    case choice([String])

    /// How the expected type is named in an error message.
    var expectation: String {
        switch self {
        case .string: "string"
        case .integer: "integer"
        case .float: "floating-point number"
        case .boolean: "boolean"
        case .timeSpan: "time span (seconds as an integer, or a string such as \"90s\", \"15m\", \"1h\")"
        case .byteCount: "size (bytes as an integer, or a string such as \"512KiB\", \"16MiB\")"
        case .stringArray: "array of strings"
        case .stringTable: "table of strings"
        case .choice(let values): "one of " + values.map { "\"\($0)\"" }.joined(separator: ", ")
        }
    }
}

/// One option of the config file: where it lives, its type, its default and
/// what it does. `ConfigOption.all` is the single list from which validation,
/// unknown-key hints and the reference file's test all come.
public struct ConfigOption: Sendable {
    public let table: ConfigTable
    public let key: String
    public let kind: ConfigValueKind
    /// The default as written in TOML, or `nil` when the option is required.
    public let defaultValue: String?
    public let summary: String

    /// Every option Tidings understands.
    public static let all: [ConfigOption] = [
        ConfigOption(table: .daemon, key: "database", kind: .string, defaultValue: "\"/var/lib/tidings/tidings.db\"",
                     summary: "SQLite store; a relative path is relative to this file's directory"),
        ConfigOption(table: .daemon, key: "change_log", kind: .string, defaultValue: "\"/var/lib/tidings/changes\"",
                     summary: "directory of the change-log files (changes-YYYY-MM-DD.jsonl); empty writes none"),
        ConfigOption(table: .daemon, key: "change_log_retention", kind: .timeSpan, defaultValue: "0",
                     summary: "change-log files older than this are deleted (0 keeps them all)"),
        ConfigOption(table: .daemon, key: "user_agent", kind: .string, defaultValue: "\"\(TidingsVersion.userAgent)\"",
                     summary: "User-Agent sent with every request"),
        ConfigOption(table: .daemon, key: "concurrency", kind: .integer, defaultValue: "16",
                     summary: "how many sources are fetched at the same time (1-256)"),
        ConfigOption(table: .daemon, key: "per_host_concurrency", kind: .integer, defaultValue: "1",
                     summary: "how many requests may go to one host at the same time (1-16)"),
        ConfigOption(table: .daemon, key: "host_spacing", kind: .timeSpan, defaultValue: "\"1s\"",
                     summary: "least time between the starts of two requests to one host (0 for none)"),
        ConfigOption(table: .daemon, key: "connect_timeout", kind: .timeSpan, defaultValue: "\"15s\"",
                     summary: "give up connecting to a server after this long"),
        ConfigOption(table: .daemon, key: "timeout", kind: .timeSpan, defaultValue: "\"60s\"",
                     summary: "give up on a whole transfer after this long"),
        ConfigOption(table: .daemon, key: "ca_file", kind: .string, defaultValue: "\"\"",
                     summary: "PEM file of certificate authorities to trust for https; empty means the system's"),
        ConfigOption(table: .daemon, key: "low_speed_limit", kind: .integer, defaultValue: "64",
                     summary: "bytes per second under which a transfer counts as stalled (0 turns the check off)"),
        ConfigOption(table: .daemon, key: "low_speed_time", kind: .timeSpan, defaultValue: "\"30s\"",
                     summary: "abort a transfer stalled for this long (slow drips)"),
        ConfigOption(table: .daemon, key: "max_body_size", kind: .byteCount, defaultValue: "\"16MiB\"",
                     summary: "abort a transfer whose decoded body grows past this size"),
        ConfigOption(table: .daemon, key: "default_interval", kind: .timeSpan, defaultValue: "\"1h\"",
                     summary: "how often a source is refreshed when it sets no interval of its own"),
        ConfigOption(table: .daemon, key: "min_interval", kind: .timeSpan, defaultValue: "\"15m\"",
                     summary: "no http(s) source is refreshed more often than this, whatever its interval"),
        ConfigOption(table: .daemon, key: "adaptive_interval", kind: .boolean, defaultValue: "true",
                     summary: "sources without an interval of their own follow how often they publish, between min_interval and max_interval"),
        ConfigOption(table: .daemon, key: "max_interval", kind: .timeSpan, defaultValue: "\"6h\"",
                     summary: "longest interval adaptive scheduling gives a quiet source"),
        ConfigOption(table: .daemon, key: "max_backoff", kind: .timeSpan, defaultValue: "\"24h\"",
                     summary: "longest wait between retries of a failing source (it is never given up)"),
        ConfigOption(table: .daemon, key: "log_level", kind: .choice(LogLevelName.all), defaultValue: "\"info\"",
                     summary: "least severe log level written; tidingsd --log-level overrides it"),
        ConfigOption(table: .daemon, key: "max_age", kind: .timeSpan, defaultValue: "0",
                     summary: "articles first seen longer ago than this are pruned, leaving a tombstone (0 keeps them all)"),
        ConfigOption(table: .daemon, key: "max_articles", kind: .integer, defaultValue: "0",
                     summary: "each source keeps at most this many articles, the newest; older ones are pruned (0 keeps them all)"),
        ConfigOption(table: .daemon, key: "tombstone_expiry", kind: .timeSpan, defaultValue: "\"90d\"",
                     summary: "a pruned or dropped item's tombstone is forgotten once its feed has not listed it for this long"),
        ConfigOption(table: .daemon, key: "maintenance_interval", kind: .timeSpan, defaultValue: "\"5m\"",
                     summary: "how often retention prunes (in short batches), a pending search-index rebuild goes on (10 s a round), the search index's new lengths and filter facets are packed for ranking, freed pages go back to the file system and freed memory to the kernel"),
        ConfigOption(table: .daemon, key: "keep", kind: .stringArray, defaultValue: "[]",
                     summary: "rules for every source: an item must match one to be stored (none: all are kept)"),
        ConfigOption(table: .daemon, key: "drop", kind: .stringArray, defaultValue: "[]",
                     summary: "rules for every source: an item matching one is not stored"),
        ConfigOption(table: .daemon, key: "metrics_file", kind: .string, defaultValue: "\"\"",
                     summary: "Prometheus text-format metrics file, rewritten every 15s (node_exporter textfile); empty writes none"),

        ConfigOption(table: .dedup, key: "shingle_size", kind: .integer, defaultValue: "5",
                     summary: "words per shingle (1-16)"),
        ConfigOption(table: .dedup, key: "permutations", kind: .integer, defaultValue: "128",
                     summary: "MinHash permutations per signature (16-1024)"),
        ConfigOption(table: .dedup, key: "threshold", kind: .float, defaultValue: "0.2",
                     summary: "estimated Jaccard similarity at which an article is a near-duplicate (0-1, exclusive)"),
        ConfigOption(table: .dedup, key: "containment", kind: .float, defaultValue: "0.6",
                     summary: "share of a shorter article found in a longer one that makes it a copy (0-1, exclusive)"),
        ConfigOption(table: .dedup, key: "window", kind: .timeSpan, defaultValue: "\"30d\"",
                     summary: "how far back a duplicate's original is looked for"),
        ConfigOption(table: .dedup, key: "boilerplate_repeats", kind: .integer, defaultValue: "3",
                     summary: "a line seen in this many earlier articles of a source is boilerplate (1-1000)"),
        ConfigOption(table: .dedup, key: "min_shingles", kind: .integer, defaultValue: "10",
                     summary: "shorter texts (in shingles) are only matched as exact copies (1-10000)"),

        ConfigOption(table: .stories, key: "enabled", kind: .boolean, defaultValue: "true",
                     summary: "group each new article into a story: other outlets' write-ups of the same event"),
        ConfigOption(table: .stories, key: "window", kind: .timeSpan, defaultValue: "\"72h\"",
                     summary: "how far apart in time an article and the story it joins may be"),
        ConfigOption(table: .stories, key: "threshold", kind: .float, defaultValue: "0.12",
                     summary: "similarity score at which an article joins a story (0-1, exclusive)"),

        ConfigOption(table: .source, key: "id", kind: .string, defaultValue: nil,
                     summary: "required; unique, stable name of the source (letters, digits, '.', '_', '-')"),
        ConfigOption(table: .source, key: "url", kind: .string, defaultValue: nil,
                     summary: "required; http, https or file URL (a relative file: URL is relative to this file)"),
        ConfigOption(table: .source, key: "title", kind: .string, defaultValue: "\"\"",
                     summary: "display name; empty means the feed's own title"),
        ConfigOption(table: .source, key: "kind", kind: .choice(SourceKind.allCases.map(\.rawValue)), defaultValue: "\"feed\"",
                     summary: "what the URL serves: \"feed\" (RSS, Atom, JSON Feed) or \"page\" (one article page, re-extracted each refresh)"),
        ConfigOption(table: .source, key: "full_text", kind: .boolean, defaultValue: "false",
                     summary: "feeds: fetch each new item's page and keep its extracted text when longer than the feed's"),
        ConfigOption(table: .source, key: "interval", kind: .timeSpan, defaultValue: "daemon.default_interval",
                     summary: "refresh exactly this often; unset, the source is adaptive (daemon.adaptive_interval)"),
        ConfigOption(table: .source, key: "enabled", kind: .boolean, defaultValue: "true",
                     summary: "false keeps the source and its articles but stops fetching it"),
        ConfigOption(table: .source, key: "tags", kind: .stringArray, defaultValue: "[]",
                     summary: "free-form labels, shown by `tidings sources`"),
        ConfigOption(table: .source, key: "headers", kind: .stringTable, defaultValue: "{}",
                     summary: "extra HTTP request headers, e.g. { Authorization = \"Bearer ...\" }"),
        ConfigOption(table: .source, key: "max_age", kind: .timeSpan, defaultValue: "daemon.max_age",
                     summary: "this source's articles are pruned this long after first seen (0 keeps them all)"),
        ConfigOption(table: .source, key: "max_articles", kind: .integer, defaultValue: "daemon.max_articles",
                     summary: "this source keeps at most this many articles (0 keeps them all)"),
        ConfigOption(table: .source, key: "keep", kind: .stringArray, defaultValue: "[]",
                     summary: "rules of this source, besides the daemon's: an item must match one to be stored"),
        ConfigOption(table: .source, key: "drop", kind: .stringArray, defaultValue: "[]",
                     summary: "rules of this source, besides the daemon's: an item matching one is not stored"),
    ]

    static func options(in table: ConfigTable) -> [ConfigOption] { all.filter { $0.table == table } }
}

/// The log level names accepted in the config and on the command line.
public enum LogLevelName {
    public static let all = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
}
