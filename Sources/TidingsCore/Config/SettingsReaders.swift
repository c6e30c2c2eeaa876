import Foundation

/// Turns the type-checked values of `[daemon]` into settings, checking ranges.
struct DaemonSettingsReader {
    let reader: ConfigReader
    let directory: URL
    private let scope = ConfigScope(table: .daemon, index: nil)

    func read(_ values: [String: ConfigValue]) -> DaemonSettings {
        var settings = DaemonSettings()
        if case .string(let path)? = values["database"] {
            if path.isEmpty {
                reader.report(.error, "expected a file path, found an empty string", scope: scope, key: "database")
            } else {
                settings.databasePath = PathResolution.absolutePath(path, relativeTo: directory)
            }
        }
        if case .string(let path)? = values["change_log"] {
            settings.changeLogDirectory = path.isEmpty ? nil : PathResolution.absolutePath(path, relativeTo: directory)
        }
        if case .timeSpan(let span)? = values["change_log_retention"] {
            if span.seconds >= 0 { settings.changeLogRetention = span.seconds == 0 ? nil : span } else {
                reader.report(.error, "expected a time span of 0s or more, found \(span)", scope: scope, key: "change_log_retention")
            }
        }
        if case .string(let agent)? = values["user_agent"] {
            if agent.isEmpty || agent.contains(where: { $0.isNewline }) {
                reader.report(.error, "expected a non-empty single-line string", scope: scope, key: "user_agent")
            } else {
                settings.userAgent = agent
            }
        }
        if case .integer(let value)? = values["concurrency"] {
            if (1...256).contains(value) { settings.concurrency = value } else {
                reader.report(.error, "expected an integer from 1 to 256, found \(value)", scope: scope, key: "concurrency")
            }
        }
        if case .integer(let value)? = values["per_host_concurrency"] {
            if (1...16).contains(value) { settings.perHostConcurrency = value } else {
                reader.report(.error, "expected an integer from 1 to 16, found \(value)", scope: scope, key: "per_host_concurrency")
            }
        }
        if case .timeSpan(let span)? = values["host_spacing"] {
            if span.seconds >= 0 { settings.hostSpacing = span } else {
                reader.report(.error, "expected a time span of 0s or more, found \(span)", scope: scope, key: "host_spacing")
            }
        }
        if case .string(let path)? = values["ca_file"], !path.isEmpty {
            let absolute = PathResolution.absolutePath(path, relativeTo: directory)
            if FileManager.default.isReadableFile(atPath: absolute) { settings.caFile = absolute } else {
                reader.report(.error, "expected a readable PEM file of certificate authorities, found \"\(absolute)\"",
                              scope: scope, key: "ca_file")
            }
        }
        if case .integer(let value)? = values["low_speed_limit"] {
            if value >= 0 { settings.lowSpeedLimit = value } else {
                reader.report(.error, "expected bytes per second, 0 or more, found \(value)", scope: scope, key: "low_speed_limit")
            }
        }
        settings.lowSpeedTime = positiveSpan(values, "low_speed_time") ?? settings.lowSpeedTime
        settings.connectTimeout = positiveSpan(values, "connect_timeout") ?? settings.connectTimeout
        settings.timeout = positiveSpan(values, "timeout") ?? settings.timeout
        settings.defaultInterval = positiveSpan(values, "default_interval") ?? settings.defaultInterval
        settings.minInterval = positiveSpan(values, "min_interval") ?? settings.minInterval
        settings.maxInterval = positiveSpan(values, "max_interval") ?? settings.maxInterval
        settings.maxBackoff = positiveSpan(values, "max_backoff") ?? settings.maxBackoff
        settings.maintenanceInterval = positiveSpan(values, "maintenance_interval") ?? settings.maintenanceInterval
        settings.tombstoneExpiry = positiveSpan(values, "tombstone_expiry") ?? settings.tombstoneExpiry
        if case .boolean(let adaptive)? = values["adaptive_interval"] { settings.adaptiveInterval = adaptive }
        if case .byteCount(let size)? = values["max_body_size"] {
            if size.bytes >= 1024 { settings.maxBodySize = size } else {
                reader.report(.error, "expected at least 1KiB, found \(size)", scope: scope, key: "max_body_size")
            }
        }
        if case .string(let level)? = values["log_level"] { settings.logLevel = level }
        settings.retention = RetentionReader(reader: reader, scope: scope).read(values, over: ArticleRetention())
        settings.keep = FilterRulesReader(reader: reader, scope: scope).read(values, key: "keep")
        settings.drop = FilterRulesReader(reader: reader, scope: scope).read(values, key: "drop")
        if case .string(let path)? = values["metrics_file"], !path.isEmpty {
            settings.metricsFile = PathResolution.absolutePath(path, relativeTo: directory)
        }
        if settings.maxInterval.seconds < settings.minInterval.seconds {
            // Only a max_interval given below min_interval is an error; the default follows min_interval up.
            if values["max_interval"] == nil {
                settings.maxInterval = settings.minInterval
            } else {
                reader.report(.error, "expected a time span of at least min_interval (\(settings.minInterval)), "
                              + "found \(settings.maxInterval)", scope: scope, key: "max_interval")
            }
        }
        return settings
    }

    private func positiveSpan(_ values: [String: ConfigValue], _ key: String) -> TimeSpan? {
        guard case .timeSpan(let span)? = values[key] else { return nil }
        guard span.seconds > 0 else {
            reader.report(.error, "expected a time span of at least 1s, found \(span)", scope: scope, key: key)
            return nil
        }
        return span
    }
}

/// Turns the type-checked values of `[dedup]` into settings, checking ranges.
struct DedupSettingsReader {
    let reader: ConfigReader
    private let scope = ConfigScope(table: .dedup, index: nil)

    func read(_ values: [String: ConfigValue]) -> DedupSettings {
        var settings = DedupSettings()
        if case .integer(let value)? = values["shingle_size"] {
            if (1...16).contains(value) { settings.shingleSize = value } else {
                reader.report(.error, "expected an integer from 1 to 16, found \(value)", scope: scope, key: "shingle_size")
            }
        }
        if case .integer(let value)? = values["permutations"] {
            if (16...1024).contains(value) { settings.permutations = value } else {
                reader.report(.error, "expected an integer from 16 to 1024, found \(value)", scope: scope, key: "permutations")
            }
        }
        if case .float(let value)? = values["threshold"] {
            if value > 0, value < 1 { settings.threshold = value } else {
                reader.report(.error, "expected a number between 0 and 1 (exclusive), found \(value)",
                              scope: scope, key: "threshold")
            }
        }
        if case .float(let value)? = values["containment"] {
            if value > 0, value < 1 { settings.containment = value } else {
                reader.report(.error, "expected a number between 0 and 1 (exclusive), found \(value)",
                              scope: scope, key: "containment")
            }
        }
        if case .integer(let value)? = values["boilerplate_repeats"] {
            if (1...1000).contains(value) { settings.boilerplateRepeats = value } else {
                reader.report(.error, "expected an integer from 1 to 1000, found \(value)", scope: scope, key: "boilerplate_repeats")
            }
        }
        if case .integer(let value)? = values["min_shingles"] {
            if (1...10000).contains(value) { settings.minimumShingles = value } else {
                reader.report(.error, "expected an integer from 1 to 10000, found \(value)", scope: scope, key: "min_shingles")
            }
        }
        if case .timeSpan(let span)? = values["window"] {
            if span.seconds > 0 { settings.window = span } else {
                reader.report(.error, "expected a time span of at least 1s, found \(span)", scope: scope, key: "window")
            }
        }
        return settings
    }
}

/// Turns the type-checked values of one `[[source]]` into settings.
struct SourceSettingsReader {
    let reader: ConfigReader
    let directory: URL
    let daemon: DaemonSettings

    /// `nil` when a required key is missing or invalid (already reported).
    func read(_ values: [String: ConfigValue], scope: ConfigScope) -> SourceSettings? {
        var valid = true
        var id = ""
        switch values["id"] {
        case .string(let text)?:
            if SourceSettingsReader.isValidID(text) { id = text } else {
                reader.report(.error, "expected letters, digits, '.', '_' or '-' (starting with a letter or digit), "
                              + "found \"\(text)\"", scope: scope, key: "id")
                valid = false
            }
        case nil:
            reader.report(.error, "missing required key; expected a unique source id such as id = \"example-news\"",
                          scope: scope, key: "id")
            valid = false
        default:
            valid = false
        }
        var url: URL?
        switch values["url"] {
        case .string(let text)?:
            switch SourceURL.resolve(text, relativeTo: directory) {
            case .success(let resolved): url = resolved
            case .failure(let problem):
                reader.report(.error, problem.message, scope: scope, key: "url")
            }
        case nil:
            reader.report(.error, "missing required key; expected the feed's http, https or file URL",
                          scope: scope, key: "url")
        default:
            break
        }
        guard valid, let url else { return nil }

        var source = SourceSettings(id: id, url: url, interval: daemon.defaultInterval)
        source.adaptive = daemon.adaptiveInterval
        if case .string(let title)? = values["title"] { source.title = title }
        if case .string(let kind)? = values["kind"], let parsed = SourceKind(rawValue: kind) { source.kind = parsed }
        if case .boolean(let enabled)? = values["enabled"] { source.enabled = enabled }
        if case .boolean(let fullText)? = values["full_text"] {
            if fullText, source.kind == .page {
                reader.report(.warning, "full_text applies to feeds; a page source is always extracted in full",
                              scope: scope, key: "full_text")
            }
            source.fullText = fullText && source.kind == .feed
        }
        if case .strings(let tags)? = values["tags"] { source.tags = tags }
        if case .timeSpan(let span)? = values["interval"] {
            if span.seconds > 0 {
                source.interval = span
                source.adaptive = false  // an interval of its own is kept as given
            } else {
                reader.report(.error, "expected a time span of at least 1s, found \(span)", scope: scope, key: "interval")
            }
        }
        source.retention = RetentionReader(reader: reader, scope: scope).read(values, over: daemon.retention)
        source.filter = IngestFilter(globalKeep: daemon.keep, globalDrop: daemon.drop,
                                      keep: FilterRulesReader(reader: reader, scope: scope).read(values, key: "keep"),
                                      drop: FilterRulesReader(reader: reader, scope: scope).read(values, key: "drop"))
        if case .stringTable(let fields)? = values["headers"] {
            for field in fields {
                if !HTTPHeaderValidation.isToken(field.name) {
                    reader.report(.error, "expected a header name made of token characters, found \"\(field.name)\"",
                                  scope: scope, key: "headers")
                } else if field.value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
                    reader.report(.error, "expected a header value without line breaks for \"\(field.name)\"",
                                  scope: scope, key: "headers")
                } else {
                    source.headers.append(field)
                }
            }
        }
        return source
    }

    static func isValidID(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.count <= 100,
              first.isASCIIAlphanumeric else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || $0 == "." || $0 == "_" || $0 == "-" }
    }
}

enum HTTPHeaderValidation {
    /// RFC 9110 token characters.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || "!#$%&'*+-.^_`|~".unicodeScalars.contains($0) }
    }
}

extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool {
        ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
    }
}

/// Turns the type-checked values of `[stories]` into settings, checking ranges.
struct StorySettingsReader {
    let reader: ConfigReader
    private let scope = ConfigScope(table: .stories, index: nil)

    func read(_ values: [String: ConfigValue]) -> StorySettings {
        var settings = StorySettings()
        if case .boolean(let value)? = values["enabled"] { settings.enabled = value }
        if case .timeSpan(let span)? = values["window"] {
            if span.seconds > 0 { settings.window = span } else {
                reader.report(.error, "expected a time span of at least 1s, found \(span)", scope: scope, key: "window")
            }
        }
        if case .float(let value)? = values["threshold"] {
            if value > 0, value < 1 { settings.threshold = value } else {
                reader.report(.error, "expected a number between 0 and 1 (exclusive), found \(value)",
                              scope: scope, key: "threshold")
            }
        }
        return settings
    }
}

/// `max_age` and `max_articles`, where 0 means no limit.
struct RetentionReader {
    let reader: ConfigReader
    let scope: ConfigScope

    func read(_ values: [String: ConfigValue], over inherited: ArticleRetention) -> ArticleRetention {
        var retention = inherited
        if case .timeSpan(let span)? = values["max_age"] {
            if span.seconds >= 0 { retention.maxAge = span.seconds == 0 ? nil : span } else {
                reader.report(.error, "expected a time span of 0s or more, found \(span)", scope: scope, key: "max_age")
            }
        }
        if case .integer(let count)? = values["max_articles"] {
            if count >= 0 { retention.maxArticles = count == 0 ? nil : count } else {
                reader.report(.error, "expected a number of articles, 0 or more, found \(count)", scope: scope, key: "max_articles")
            }
        }
        return retention
    }
}

/// `keep` and `drop`: each string a `FilterRule`.
struct FilterRulesReader {
    let reader: ConfigReader
    let scope: ConfigScope

    func read(_ values: [String: ConfigValue], key: String) -> [FilterRule] {
        guard case .strings(let texts)? = values[key] else { return [] }
        var rules: [FilterRule] = []
        for text in texts {
            do {
                rules.append(try FilterRule(parsing: text))
            } catch {
                reader.report(.error, "\(error.message) in rule \"\(text)\"", scope: scope, key: key)
            }
        }
        return rules
    }
}
