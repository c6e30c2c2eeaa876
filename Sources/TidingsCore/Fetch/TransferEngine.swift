import CCurl
import Foundation

/// One libcurl multi handle, driven by a thread of its own.
///
/// Every transfer of the process runs here, so connections (and HTTP/2
/// streams) to a host are reused from one refresh to the next, DNS answers are
/// cached, and no thread of Swift's cooperative pool ever blocks on the network.
/// Transfers are handed over with `start`, which wakes the thread with
/// `curl_multi_wakeup`; the thread sleeps in `curl_multi_poll` when idle.
final class TransferEngine: @unchecked Sendable {
    /// The process's engine; its thread starts with the first transfer and lives as long as the process.
    static let shared = TransferEngine()

    /// A transfer handed over but not yet added to the multi handle.
    private struct Submission {
        let easy: CurlEasy
        let state: TransferState
        let finish: @Sendable (CURLcode) -> Void
    }

    /// `CURLM *`: touched only by the engine's thread, except for `curl_multi_wakeup` (thread-safe).
    private let multi: UnsafeMutableRawPointer
    private let submissions = Locked<[Submission]>([])

    private init() {
        precondition((try? CurlGlobal.load()) != nil, "libcurl is loaded before the engine starts (HTTPFetcher.fetch)")
        guard let multi = tidings_curl_multi_init() else { fatalError("curl_multi_init failed: out of memory") }
        self.multi = multi
        // Several requests to one HTTP/2 host share a connection.
        _ = tidings_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        // Idle connections kept for reuse (libcurl closes them after two idle minutes anyway). The
        // default, four per transfer in progress, shrinks to nothing between two refresh cycles.
        _ = tidings_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 256)
        let thread = Thread { [self] in run() }
        thread.name = "tidings-curl"
        thread.start()
    }

    /// Runs `easy` (fully configured, its callbacks writing into `state`) and
    /// calls `finish` with libcurl's result on the engine's thread when it ends.
    /// `finish` must be quick: it runs between transfers.
    func start(_ easy: CurlEasy, state: TransferState, finish: @escaping @Sendable (CURLcode) -> Void) {
        submissions.withLock { $0.append(Submission(easy: easy, state: state, finish: finish)) }
        wakeUp()
    }

    /// Makes the thread look at its queue and its transfers now (a new
    /// transfer, or a cancelled one that should end without waiting for I/O).
    func wakeUp() {
        _ = tidings_curl_multi_wakeup(multi)
    }

    private func run() {
        var active: [UnsafeMutableRawPointer: Submission] = [:]
        while true {
            for submission in submissions.withLock({ queue in defer { queue.removeAll() }; return queue }) {
                if submission.state.isCancelled {  // cancelled before it started
                    submission.finish(CURLE_ABORTED_BY_CALLBACK)
                } else if tidings_curl_multi_add_handle(multi, submission.easy.handle) != CURLM_OK {
                    submission.finish(CURLE_FAILED_INIT)
                } else {
                    active[submission.easy.handle] = submission
                }
            }
            var running: Int32 = 0
            _ = tidings_curl_multi_perform(multi, &running)
            var easy: UnsafeMutableRawPointer?
            var result = CURLE_OK
            while tidings_multi_next_done(multi, &easy, &result) == 1, let handle = easy {
                _ = tidings_curl_multi_remove_handle(multi, handle)
                active.removeValue(forKey: handle)?.finish(result)
            }
            // Idle: sleep until woken. Busy: at most a second, so that progress
            // callbacks (cancellation, the low-speed limit) run on stalled transfers.
            var ready: Int32 = 0
            if tidings_curl_multi_poll(multi, nil, 0, active.isEmpty ? 60_000 : 1_000, &ready) != CURLM_OK {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
    }
}
