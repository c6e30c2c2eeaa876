import Foundation
import Logging

/// Refreshes a set of sources at most `concurrency` at a time.
public struct RefreshCycle: Sendable {
    public let refresher: SourceRefresher
    public let concurrency: Int

    public init(refresher: SourceRefresher, concurrency: Int) {
        self.refresher = refresher
        self.concurrency = max(1, concurrency)
    }

    /// Refreshes every source in `sources`; returns one report per source, in order.
    public func run(_ sources: [SourceSettings]) async -> [SourceRefreshReport] {
        await withTaskGroup(of: (Int, SourceRefreshReport).self) { group in
            var reports = [SourceRefreshReport?](repeating: nil, count: sources.count)
            var next = 0
            func startNext() {
                guard next < sources.count else { return }
                let index = next
                let source = sources[index]
                next += 1
                group.addTask { (index, await refresher.refresh(source)) }
            }
            for _ in 0..<min(concurrency, sources.count) { startNext() }
            while let (index, report) = await group.next() {
                reports[index] = report
                if !Task.isCancelled { startNext() }
            }
            return reports.compactMap { $0 }
        }
    }
}
