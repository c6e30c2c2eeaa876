import Foundation

/// Whether the daemon can write what it must keep: the store, and the change-log
/// files that mirror it. A full disk, a read-only remount or lost permissions
/// make writes fail; the daemon keeps running, keeps what is committed, shows
/// the trouble in systemd's `STATUS=` and retries until writes work again.
public final class StorageHealth: Sendable {
    /// What failed to be written.
    public enum Channel: String, Sendable, CaseIterable {
        case store = "store writes"
        case changeLog = "change log"
    }

    /// A channel's trouble: since when, and the last error in words.
    public struct Failure: Sendable, Equatable {
        public let since: Date
        public let reason: String
    }

    private let failures = Locked<[Channel: Failure]>([:])

    public init() {}

    /// Records a failed write; true when `channel` was healthy until now (the moment to log it loudly).
    @discardableResult
    public func failed(_ channel: Channel, reason: String, at now: Date = Date()) -> Bool {
        failures.withLock { failures in
            let isNew = failures[channel] == nil
            failures[channel] = Failure(since: failures[channel]?.since ?? now, reason: reason)
            return isNew
        }
    }

    /// Records a write that worked; returns the failure it ends, if `channel` was failing.
    @discardableResult
    public func succeeded(_ channel: Channel) -> Failure? {
        failures.withLock { $0.removeValue(forKey: channel) }
    }

    public func failure(of channel: Channel) -> Failure? {
        failures.withLock { $0[channel] }
    }

    /// One phrase per failing channel: `store writes failing since 2026-11-24T10:00:00Z: database or disk is full`.
    public var problems: [String] {
        let current = failures.withLock { $0 }
        return Channel.allCases.compactMap { channel in
            current[channel].map { "\(channel.rawValue) failing since \(ISO8601.string($0.since)): \($0.reason)" }
        }
    }
}
