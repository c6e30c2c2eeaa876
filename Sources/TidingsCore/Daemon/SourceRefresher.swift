import Foundation
import Logging

/// Refreshes one source: fetch, parse, identify entries, store — and records
/// a failure on the source, in words, when any step goes wrong.
public struct SourceRefresher: Sendable {
    public let fetcher: PoliteFetcher
    public let store: Store
    public let logger: Logger
    public let schedulePolicy: SchedulePolicy

    public init(fetcher: PoliteFetcher, store: Store, logger: Logger, schedulePolicy: SchedulePolicy = SchedulePolicy()) {
        self.fetcher = fetcher
        self.store = store
        self.logger = logger
        self.schedulePolicy = schedulePolicy
    }

    /// Refreshes `source` and stores the outcome. Never throws: every failure is recorded.
    /// The source's host is held throughout (see `PoliteFetcher`), except while
    /// full-text pages are fetched: each of those takes its own host's gate.
    @discardableResult
    public func refresh(_ source: SourceSettings) async -> SourceRefreshReport {
        let hold = await fetcher.hold(source.url)
        let report = await refresh(source, holding: hold)
        await hold.release()
        return report
    }

    private func refresh(_ source: SourceSettings, holding hold: HostHold) async -> SourceRefreshReport {
        var logger = self.logger
        logger[metadataKey: "source.id"] = "\(source.id)"
        logger[metadataKey: "source.url"] = "\(source.url.absoluteString)"
        let state = (try? store.fetchState(of: source.id))
            ?? SourceFetchState(validators: FetchValidators(), movedTo: nil, consecutiveErrors: 0)
        let configured = Set(source.headers.map { $0.name.lowercased() })
        let conditional = state.validators.requestHeaders.filter { !configured.contains($0.name.lowercased()) }
        let url = state.movedTo ?? source.url
        if let origin = FetchOrigin.of(url), let held = try? store.originHold(on: origin, at: Date()) {
            // The server told another source on this origin to come back later: so does this one.
            logger.info("refresh.deferred", metadata: ["origin": "\(origin)", "until": "\(ISO8601.string(held))"])
            do {
                try store.postpone(source.id, until: held, reason: .retryAfter)
            } catch {
                _ = writeFailed(error, logger: logger)
            }
            return SourceRefreshReport(sourceID: source.id, added: 0, known: 0, failure: nil, deferredUntil: held)
        }
        let clock = ContinuousClock()
        let fetchStarted = clock.now
        let fetched = await fetcher.fetchHeld(FetchRequest(url: url, headers: source.headers + conditional))
        Self.count(fetched, duration: clock.now - fetchStarted)
        if Task.isCancelled, case .failure(let error) = fetched, error.kind == .cancelled {
            logger.notice("refresh.cancelled")
            return SourceRefreshReport(sourceID: source.id, added: 0, known: 0, failure: error.message)
        }
        let schedule = RefreshSchedule(interval: source.interval, policy: schedulePolicy,
                                       isHTTP: !source.url.isFileURL, adaptive: source.adaptive)
        var outcome = Self.outcome(of: fetched, for: source, schedule: schedule, state: state)
        outcome.filter = source.filter
        if source.fullText, case .success = outcome.result {
            // Pages take their own hosts' gates, which may include this one: let go of it first.
            await hold.release()
            outcome = await FullTextFetcher(fetcher: fetcher, store: store, logger: logger).complete(outcome, of: source)
        }
        if let movedTo = outcome.movedTo, movedTo != url {
            logger.notice("source.moved", metadata: ["to": "\(movedTo.absoluteString)"])
        }
        if case .failure = outcome.result, case .success(let response) = fetched {
            DaemonMetrics.failed(response.isSuccess ? "parse" : "http")
        }
        do {
            let summary = try await store.record(outcome)
            DaemonMetrics.stored(summary)
            if let ended = store.health.succeeded(.store) {
                logger.notice("store.write_resumed", metadata: ["failing.since": "\(ISO8601.string(ended.since))"])
            }
            switch outcome.result {
            case .success(_, _, let articles, let warning):
                if let warning { logger.warning("feed.recovered", metadata: ["reason": "\(warning)"]) }
                logger.info("refresh.done", metadata: [
                    "http.status": "\(outcome.status ?? 0)", "entries": "\(articles.count)",
                    "added": "\(summary.added.count)", "duplicates": "\(summary.duplicates)",
                    "revised": "\(summary.revised)", "removed": "\(summary.removed)",
                    "filtered": "\(summary.filtered)", "tombstoned": "\(summary.tombstoned)",
                ])
                return SourceRefreshReport(sourceID: source.id, added: summary.added.count, known: summary.known, failure: nil)
            case .failure(let message):
                logger.warning("refresh.failed", metadata: ["reason": "\(message)", "http.status": "\(outcome.status ?? 0)"])
                return SourceRefreshReport(sourceID: source.id, added: 0, known: 0, failure: message)
            case .unchanged:
                logger.info("refresh.unchanged", metadata: ["http.status": "\(outcome.status ?? 0)"])
                return SourceRefreshReport(sourceID: source.id, added: 0, known: 0, failure: nil)
            case .gone(let message):
                logger.warning("source.gone", metadata: ["reason": "\(message)"])
                return SourceRefreshReport(sourceID: source.id, added: 0, known: 0, failure: message)
            }
        } catch {
            let reason = writeFailed(error, logger: logger)
            return SourceRefreshReport(sourceID: source.id, added: 0, known: 0, failure: "store write failed: \(reason)")
        }
    }

    /// Counts a fetch, and a failed one by its kind.
    private static func count(_ fetched: Result<FetchResponse, FetchError>, duration: Duration) {
        switch fetched {
        case .success(let response):
            DaemonMetrics.fetched(status: response.status, bytes: response.body.count, duration: duration)
        case .failure(let error):
            DaemonMetrics.fetched(status: nil, bytes: 0, duration: duration)
            if error.kind != .cancelled { DaemonMetrics.failed(error.kind.rawValue) }
        }
    }

    /// Logs a failed store write and marks the store unhealthy (nothing committed is
    /// touched: the transaction rolled back); the daemon retries (see `RefreshService`).
    private func writeFailed(_ error: any Error, logger: Logger) -> String {
        let reason = StoreErrorText.describe(error)
        DaemonMetrics.failed("store")
        if store.health.failed(.store, reason: reason) {
            logger.critical("store.write_failing", metadata: [
                "error": "\(reason)", "effect": "nothing new is stored until writes work again; retrying one source at a time",
            ])
        }
        logger.error("store.write_failed", metadata: ["error": "\(reason)"])
        return reason
    }

    /// Interprets a fetch result: HTTP errors, parse errors and successes, and when to come back.
    static func outcome(of fetched: Result<FetchResponse, FetchError>, for source: SourceSettings,
                        schedule: RefreshSchedule, state: SourceFetchState, now: Date = Date()) -> RefreshOutcome {
        func outcome(_ result: RefreshOutcome.Result, status: Int?, next: NextRefresh) -> RefreshOutcome {
            RefreshOutcome(sourceID: source.id, status: status, result: result, finishedAt: now, nextDueAt: next.date,
                           dueReason: next.reason)
        }
        func failure(_ message: String, status: Int?, retryAfter: Date? = nil) -> RefreshOutcome {
            outcome(.failure(message: message), status: status,
                    next: schedule.nextAfterFailure(now: now, consecutiveErrors: state.consecutiveErrors + 1,
                                                    retryAfter: retryAfter))
        }
        let response: FetchResponse
        switch fetched {
        case .failure(let error): return failure(error.message, status: nil)
        case .success(let value): response = value
        }
        if response.status == 410 {
            return outcome(.gone(message: "HTTP 410 Gone from \(response.effectiveURL.absoluteString): polling stopped "
                                    + "(change the source's settings to try again)"),
                           status: 410, next: NextRefresh(date: now, reason: .interval))
        }
        guard response.isSuccess || response.status == 304 else {
            let reason = response.reason.isEmpty ? HTTPStatusText.reason(response.status) : response.reason
            var message = "HTTP \(response.status) \(reason) from \(response.effectiveURL.absoluteString)"
            var retryAfter: Date?
            if response.status == 429 || response.status == 503 {
                retryAfter = ServerHints.retryAfter(response.header("Retry-After"), now: now)
                if let retryAfter { message += " (server asks to retry after \(ISO8601.string(retryAfter)))" }
            }
            var result = failure(message, status: response.status, retryAfter: retryAfter)
            if let retryAfter, let origin = FetchOrigin.of(response.effectiveURL) {
                result.originHold = OriginHold(origin: origin, until: min(retryAfter, result.nextDueAt), status: response.status)
            }
            return result
        }
        func unchanged(bodyHash: String?) -> RefreshOutcome {
            let hint = ServerHints.floor(ttlMinutes: nil, cacheControl: response.header("Cache-Control"),
                                         expires: response.header("Expires"), now: now)
            var result = outcome(.unchanged, status: response.status,
                                 next: schedule.nextAfterSuccess(now: now, learnt: state.learntInterval, hint: hint))
            result.validators = state.validators.updated(by: response, bodyHash: bodyHash)
            result.movedTo = response.permanentLocation
            return result
        }
        // Not modified: nothing to parse; a 304 may carry fresher validators.
        if response.status == 304 { return unchanged(bodyHash: nil) }
        let bodyHash = StableHash.hex(response.body)
        // Byte-identical to the last body: nothing can have changed.
        if bodyHash == state.validators.bodyHash { return unchanged(bodyHash: bodyHash) }
        let feed: SourceDocument
        do {
            feed = try SourceDocument.read(response, source: source)
        } catch {
            return failure("\(error)", status: response.status)
        }
        let identities = EntryIdentity.assign(feed.entries)
        let articles = zip(identities, feed.entries).map { IncomingArticle(identity: $0, entry: $1) }
        let learnt = PublishingRate.interval(itemDates: feed.entries.compactMap { $0.published ?? $0.updated },
                                             now: now, policy: schedule.policy)
        let hint = ServerHints.floor(ttlMinutes: feed.ttlMinutes, cacheControl: response.header("Cache-Control"),
                                     expires: response.header("Expires"), now: now)
        var result = outcome(.success(feedTitle: feed.title, feedLink: feed.link, articles: articles, warning: feed.warning),
                             status: response.status,
                             next: schedule.nextAfterSuccess(now: now, learnt: learnt ?? state.learntInterval, hint: hint))
        result.learntInterval = learnt
        result.validators = state.validators.updated(by: response, bodyHash: bodyHash)
        result.movedTo = response.permanentLocation
        return result
    }
}

/// What one refresh did, for logs and `--once` summaries.
public struct SourceRefreshReport: Sendable {
    public var sourceID: String
    public var added: Int
    public var known: Int
    public var failure: String?
    /// Not fetched: a Retry-After on its origin holds it until then.
    public var deferredUntil: Date?

    /// The log line's fields for a whole cycle: sources, failed, deferred, added.
    static func summary(of reports: [SourceRefreshReport]) -> Logger.Metadata {
        ["sources": "\(reports.count)", "failed": "\(reports.filter { $0.failure != nil }.count)",
         "deferred": "\(reports.filter { $0.deferredUntil != nil }.count)", "added": "\(reports.reduce(0) { $0 + $1.added })"]
    }
}

/// Reason phrases for servers that send none (HTTP/2 has no reason phrase).
enum HTTPStatusText {
    static func reason(_ status: Int) -> String {
        switch status {
        case 301: "Moved Permanently"
        case 302: "Found"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 410: "Gone"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: ""
        }
    }
}
