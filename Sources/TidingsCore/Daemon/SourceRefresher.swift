import Foundation
import Logging

/// Refreshes one source: fetch, parse, identify entries, store — and records
/// a failure on the source, in words, when any step goes wrong.
public struct SourceRefresher: Sendable {
    public let fetcher: HTTPFetcher
    public let store: Store
    public let logger: Logger
    public let schedulePolicy: SchedulePolicy

    public init(fetcher: HTTPFetcher, store: Store, logger: Logger, schedulePolicy: SchedulePolicy = SchedulePolicy()) {
        self.fetcher = fetcher
        self.store = store
        self.logger = logger
        self.schedulePolicy = schedulePolicy
    }

    /// Refreshes `source` and stores the outcome. Never throws: every failure is recorded.
    @discardableResult
    public func refresh(_ source: SourceSettings) async -> SourceRefreshReport {
        var logger = self.logger
        logger[metadataKey: "source.id"] = "\(source.id)"
        logger[metadataKey: "source.url"] = "\(source.url.absoluteString)"
        let state = (try? store.fetchState(of: source.id))
            ?? SourceFetchState(validators: FetchValidators(), movedTo: nil, consecutiveErrors: 0)
        let configured = Set(source.headers.map { $0.name.lowercased() })
        let conditional = state.validators.requestHeaders.filter { !configured.contains($0.name.lowercased()) }
        let url = state.movedTo ?? source.url
        let fetched = await fetcher.fetch(FetchRequest(url: url, headers: source.headers + conditional))
        if Task.isCancelled, case .failure(let error) = fetched, error.kind == .cancelled {
            logger.notice("refresh.cancelled")
            return SourceRefreshReport(sourceID: source.id, added: 0, known: 0, failure: error.message)
        }
        let schedule = RefreshSchedule(interval: source.interval, policy: schedulePolicy,
                                       isHTTP: !source.url.isFileURL)
        let outcome = Self.outcome(of: fetched, for: source, schedule: schedule, previousErrors: state.consecutiveErrors,
                                   validators: state.validators)
        if let movedTo = outcome.movedTo, movedTo != url {
            logger.notice("source.moved", metadata: ["to": "\(movedTo.absoluteString)"])
        }
        do {
            let summary = try store.record(outcome)
            switch outcome.result {
            case .success(_, _, let articles, let warning):
                if let warning { logger.warning("feed.recovered", metadata: ["reason": "\(warning)"]) }
                logger.info("refresh.done", metadata: [
                    "http.status": "\(outcome.status ?? 0)", "entries": "\(articles.count)",
                    "added": "\(summary.added.count)", "duplicates": "\(summary.duplicates)",
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
            logger.error("store.write_failed", metadata: ["error": "\(StoreErrorText.describe(error))"])
            return SourceRefreshReport(sourceID: source.id, added: 0, known: 0,
                                       failure: "store write failed: \(StoreErrorText.describe(error))")
        }
    }

    /// Interprets a fetch result: HTTP errors, parse errors and successes.
    static func outcome(of fetched: Result<FetchResponse, FetchError>, for source: SourceSettings,
                        schedule: RefreshSchedule, previousErrors: Int,
                        validators: FetchValidators = FetchValidators(), now: Date = Date()) -> RefreshOutcome {
        func failure(_ message: String, status: Int?, retryAfter: Date? = nil) -> RefreshOutcome {
            RefreshOutcome(sourceID: source.id, status: status, result: .failure(message: message), finishedAt: now,
                           nextDueAt: schedule.nextAfterFailure(now: now, consecutiveErrors: previousErrors + 1,
                                                                retryAfter: retryAfter))
        }
        let response: FetchResponse
        switch fetched {
        case .failure(let error): return failure(error.message, status: nil)
        case .success(let value): response = value
        }
        if response.status == 410 {
            return RefreshOutcome(sourceID: source.id, status: 410, result: .gone(
                message: "HTTP 410 Gone from \(response.effectiveURL.absoluteString): polling stopped "
                    + "(change the source's settings to try again)"), finishedAt: now, nextDueAt: now)
        }
        let hinted = ServerHints.floor(ttlMinutes: nil, cacheControl: response.header("Cache-Control"),
                                       expires: response.header("Expires"), now: now)
        if response.status == 304 {
            // Not modified: nothing to parse; a 304 may carry fresher validators.
            return RefreshOutcome(sourceID: source.id, status: 304, result: .unchanged, finishedAt: now,
                                  nextDueAt: schedule.nextAfterSuccess(now: now, floor: hinted),
                                  validators: validators.updated(by: response, bodyHash: nil),
                                  movedTo: response.permanentLocation)
        }
        guard response.isSuccess else {
            let reason = response.reason.isEmpty ? HTTPStatusText.reason(response.status) : response.reason
            var message = "HTTP \(response.status) \(reason) from \(response.effectiveURL.absoluteString)"
            var retryAfter: Date?
            if response.status == 429 || response.status == 503 {
                retryAfter = ServerHints.retryAfter(response.header("Retry-After"), now: now)
                if let retryAfter { message += " (server asks to retry after \(ISO8601.string(retryAfter)))" }
            }
            return failure(message, status: response.status, retryAfter: retryAfter)
        }
        let bodyHash = StableHash.hex(response.body)
        if bodyHash == validators.bodyHash {
            // Byte-identical to the last body: nothing can have changed.
            return RefreshOutcome(sourceID: source.id, status: response.status, result: .unchanged, finishedAt: now,
                                  nextDueAt: schedule.nextAfterSuccess(now: now, floor: hinted),
                                  validators: validators.updated(by: response, bodyHash: bodyHash),
                                  movedTo: response.permanentLocation)
        }
        let feed: ParsedFeed
        do {
            feed = try FeedParser.parse(response.body, baseURL: response.effectiveURL, contentType: response.header("Content-Type"))
        } catch {
            return failure("\(error)", status: response.status)
        }
        let identities = EntryIdentity.assign(feed.entries)
        let articles = zip(identities, feed.entries).map { IncomingArticle(identity: $0, entry: $1) }
        return RefreshOutcome(sourceID: source.id, status: response.status,
                              result: .success(feedTitle: feed.title?.plainText, feedLink: feed.link, articles: articles,
                                               warning: feed.bozoReason.map { "feed recovered: \($0)" }),
                              finishedAt: now,
                              nextDueAt: schedule.nextAfterSuccess(now: now, floor: ServerHints.floor(
                                  ttlMinutes: feed.ttlMinutes, cacheControl: response.header("Cache-Control"),
                                  expires: response.header("Expires"), now: now)),
                              validators: validators.updated(by: response, bodyHash: bodyHash),
                              movedTo: response.permanentLocation)
    }
}

/// What one refresh did, for logs and `--once` summaries.
public struct SourceRefreshReport: Sendable {
    public var sourceID: String
    public var added: Int
    public var known: Int
    public var failure: String?
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
