import Foundation

/// Everything `tidingsd` and `tidings` read from a config file, defaults applied.
public struct TidingsConfiguration: Sendable, Equatable {
    /// The file this was loaded from, if any.
    public var fileURL: URL?
    public var daemon: DaemonSettings
    public var dedup: DedupSettings
    public var stories: StorySettings
    public var sources: [SourceSettings]

    public init(fileURL: URL? = nil, daemon: DaemonSettings = DaemonSettings(), dedup: DedupSettings = DedupSettings(),
                stories: StorySettings = StorySettings(), sources: [SourceSettings] = []) {
        self.fileURL = fileURL
        self.daemon = daemon
        self.dedup = dedup
        self.stories = stories
        self.sources = sources
    }

    /// The config file `tidingsd` and `tidings` read when none is given.
    public static let defaultPath = "/etc/tidings/tidings.toml"
}

/// The `[daemon]` table.
public struct DaemonSettings: Sendable, Equatable {
    /// Absolute path of the SQLite store.
    public var databasePath = "/var/lib/tidings/tidings.db"
    /// Absolute path of the change-log directory; nil writes no change-log files.
    public var changeLogDirectory: String? = "/var/lib/tidings/changes"
    /// Change-log files older than this are deleted; nil keeps them all.
    public var changeLogRetention: TimeSpan?
    public var userAgent = TidingsVersion.userAgent
    public var concurrency = 16
    public var perHostConcurrency = 1
    public var hostSpacing = TimeSpan(seconds: 1)
    public var connectTimeout = TimeSpan(seconds: 15)
    public var timeout = TimeSpan(seconds: 60)
    /// Certificate authorities to trust for https (a PEM file); nil: the system's.
    public var caFile: String?
    /// A transfer slower than `lowSpeedLimit` bytes/s for `lowSpeedTime` is aborted (0: never).
    public var lowSpeedLimit = 64
    public var lowSpeedTime = TimeSpan(seconds: 30)
    public var maxBodySize = ByteCount.mebibytes(16)
    public var defaultInterval = TimeSpan.hours(1)
    public var minInterval = TimeSpan.minutes(15)
    /// Sources without an interval of their own adapt to how often they publish.
    public var adaptiveInterval = true
    /// The longest interval adaptive scheduling gives a quiet source.
    public var maxInterval = TimeSpan.hours(6)
    public var maxBackoff = TimeSpan.hours(24)
    public var logLevel = "info"
    /// How long and how many articles each source keeps unless it says otherwise.
    public var retention = ArticleRetention()
    /// A tombstone whose item no feed has listed for this long is forgotten.
    public var tombstoneExpiry = TimeSpan.days(90)
    /// How often retention, dedup pruning and incremental vacuum run.
    public var maintenanceInterval = TimeSpan.minutes(5)
    /// Keep/drop rules for every source (`keep`, `drop`).
    public var keep: [FilterRule] = []
    public var drop: [FilterRule] = []
    /// Where the Prometheus text-format metrics are written; nil writes none.
    public var metricsFile: String?

    public init() {}
}

/// How long a source's articles are kept: pruned once first seen longer ago
/// than `maxAge`, or when more than `maxArticles` newer ones are stored.
public struct ArticleRetention: Sendable, Equatable, Codable {
    /// nil keeps articles whatever their age.
    public var maxAge: TimeSpan?
    /// nil keeps any number.
    public var maxArticles: Int?

    public init(maxAge: TimeSpan? = nil, maxArticles: Int? = nil) {
        self.maxAge = maxAge
        self.maxArticles = maxArticles
    }

    /// Keeps everything: nothing to prune.
    public var keepsEverything: Bool { maxAge == nil && maxArticles == nil }

    private enum CodingKeys: String, CodingKey {
        case maxAge = "max_age"
        case maxArticles = "max_articles"
    }
}

/// The `[dedup]` table.
public struct DedupSettings: Sendable, Equatable {
    public var shingleSize = 5
    public var permutations = 128
    public var threshold = 0.2
    public var containment = 0.6
    public var window = TimeSpan.days(30)
    public var boilerplateRepeats = 3
    public var minimumShingles = 10

    public init() {}
}

/// The `[stories]` table.
public struct StorySettings: Sendable, Equatable {
    /// Group new articles into stories.
    public var enabled = true
    /// How far apart in time an article and a story it joins may be.
    public var window = TimeSpan.hours(72)
    /// The score (0-1) at which an article joins a story.
    public var threshold = StoryParameters.defaultThreshold
    /// How many articles the term statistics count before they are halved. Not a config option:
    /// tests shorten it.
    var statisticsHorizon = TermStatistics.defaultHorizon

    public init() {}
}

/// What a source's URL serves.
public enum SourceKind: String, Sendable, Codable, CaseIterable {
    /// An RSS, Atom or JSON feed.
    case feed
    /// One article page: each refresh extracts its text; a changed text is a revision.
    case page
}

/// One `[[source]]` table.
public struct SourceSettings: Sendable, Equatable, Codable {
    public var id: String
    /// Absolute URL (relative `file:` URLs already resolved).
    public var url: URL
    public var title: String
    public var kind: SourceKind
    public var interval: TimeSpan
    public var enabled: Bool
    public var tags: [String]
    /// Extra request headers, sorted by name.
    public var headers: [HTTPHeaderField]
    /// For feeds: fetch each new item's page and store its extracted text when
    /// that says more than the feed's own content.
    public var fullText = false
    /// Whether the interval follows the source's publishing rate (it sets no
    /// interval of its own and `[daemon] adaptive_interval` is on). Derived
    /// from the daemon's settings, so not part of the stored settings.
    public var adaptive = false
    /// How long its articles are kept (its own `max_age`/`max_articles`, else the daemon's).
    public var retention = ArticleRetention()
    /// The keep/drop rules its items pass before they are stored.
    public var filter = IngestFilter()

    private enum CodingKeys: String, CodingKey {
        case id, url, title, kind, interval, enabled, tags, headers, retention, filter
        case fullText = "full_text"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try container.decode(String.self, forKey: .id), url: try container.decode(URL.self, forKey: .url),
                  title: try container.decode(String.self, forKey: .title), kind: try container.decode(SourceKind.self, forKey: .kind),
                  interval: try container.decode(TimeSpan.self, forKey: .interval),
                  enabled: try container.decode(Bool.self, forKey: .enabled), tags: try container.decode([String].self, forKey: .tags),
                  headers: try container.decode([HTTPHeaderField].self, forKey: .headers))
        fullText = try container.decodeIfPresent(Bool.self, forKey: .fullText) ?? false
        retention = try container.decodeIfPresent(ArticleRetention.self, forKey: .retention) ?? ArticleRetention()
        filter = try container.decodeIfPresent(IngestFilter.self, forKey: .filter) ?? IngestFilter()
    }

    /// `full_text`, retention and filters are written only when set, so that settings stored
    /// before they existed still compare equal.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(url, forKey: .url)
        try container.encode(title, forKey: .title)
        try container.encode(kind, forKey: .kind)
        try container.encode(interval, forKey: .interval)
        try container.encode(enabled, forKey: .enabled)
        try container.encode(tags, forKey: .tags)
        try container.encode(headers, forKey: .headers)
        if fullText { try container.encode(true, forKey: .fullText) }
        if !retention.keepsEverything { try container.encode(retention, forKey: .retention) }
        if !filter.isEmpty { try container.encode(filter, forKey: .filter) }
    }

    public init(id: String, url: URL, title: String = "", kind: SourceKind = .feed,
                interval: TimeSpan = .hours(1), enabled: Bool = true, tags: [String] = [],
                headers: [HTTPHeaderField] = []) {
        self.id = id
        self.url = url
        self.title = title
        self.kind = kind
        self.interval = interval
        self.enabled = enabled
        self.tags = tags
        self.headers = headers
    }
}

/// A header name and value, as configured or as received.
public struct HTTPHeaderField: Sendable, Equatable, Hashable, Codable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension TimeSpan: Codable {
    public init(from decoder: any Decoder) throws {
        seconds = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(seconds)
    }
}
