import Foundation
import Synchronization
import CCurl
import Testing
import TidingsTestSupport
@testable import TidingsCore

/// Real libcurl against the Python test server on 127.0.0.1.
@Suite("Fetching with libcurl")
struct HTTPFetcherTests {
    let files = TemporaryDirectory()
    let server: FeedServer
    let fetcher = HTTPFetcher(policy: FetchPolicy(userAgent: "Tidings-Test/1", connectTimeout: TimeSpan(seconds: 5),
                                                  timeout: TimeSpan(seconds: 20), maxBodySize: ByteCount(bytes: 64 * 1024)))

    init() throws {
        try files.write("feed.xml", "<rss version=\"2.0\"><channel><title>T</title></channel></rss>")
        server = try FeedServer(root: files.url)
    }

    func fetch(_ url: String, headers: [HTTPHeaderField] = []) async -> Result<FetchResponse, FetchError> {
        await fetcher.fetch(FetchRequest(url: URL(string: url)!, headers: headers))
    }

    @Test("a 200 carries status, headers, body and the effective URL")
    func ok() async throws {
        let response = try await fetch(server.url("/files/feed.xml")).get()
        #expect(response.status == 200)
        #expect(response.reason == "OK")
        #expect(String(decoding: response.body, as: UTF8.self).hasPrefix("<rss"))
        #expect(response.header("content-type") == "application/rss+xml; charset=utf-8")
        #expect(response.header("Last-Modified") != nil)
        #expect(response.effectiveURL.absoluteString == server.url("/files/feed.xml"))
    }

    @Test("the user agent, Accept-Encoding and configured headers are sent")
    func requestHeaders() async throws {
        let response = try await fetch(server.url("/echo-headers"), headers: [HTTPHeaderField(name: "X-Token", value: "s3cret")]).get()
        let echoed = try JSONDecoder().decode([String: String].self, from: response.body)
        #expect(echoed["user-agent"] == "Tidings-Test/1")
        #expect(echoed["x-token"] == "s3cret")
        #expect(echoed["accept-encoding"]?.contains("gzip") == true)
    }

    @Test("gzip bodies arrive decoded")
    func gzip() async throws {
        let response = try await fetch(server.url("/gzip/feed.xml")).get()
        #expect(response.header("content-encoding") == "gzip")
        #expect(String(decoding: response.body, as: UTF8.self).hasPrefix("<rss"))
    }

    @Test("a 404 is a response with its status, not a transfer error")
    func notFound() async throws {
        let response = try await fetch(server.url("/files/missing.xml")).get()
        #expect(response.status == 404)
        #expect(response.reason == "Not Found")
        #expect(!response.isSuccess)
    }

    @Test("redirects are followed to http and refused to file:, and loops stop")
    func redirects() async throws {
        let target = server.url("/files/feed.xml")
        let followed = try await fetch(server.url("/redirect?to=\(target)")).get()
        #expect(followed.status == 200)
        #expect(followed.redirectCount == 1)
        #expect(followed.effectiveURL.absoluteString == target)

        guard case .failure(let toFile) = await fetch(server.url("/redirect?to=file:///etc/passwd")) else {
            Issue.record("a redirect to file: must fail")
            return
        }
        #expect(toFile.kind == .redirect)

        guard case .failure(let loop) = await fetch(server.url("/redirect-loop")) else {
            Issue.record("a redirect loop must fail")
            return
        }
        #expect(loop.kind == .redirect)
        #expect(loop.message == "more than 5 redirects")
    }

    @Test("a body past the cap aborts the transfer, with or without Content-Length")
    func bodyCap() async throws {
        guard case .failure(let error) = await fetch(server.url("/big?bytes=1000000")) else {
            Issue.record("an oversized body must fail")
            return
        }
        #expect(error.kind == .tooLarge)
        #expect(error.message == "response body exceeds the 64KiB limit (max_body_size)")
    }

    @Test("connection refused names the problem")
    func refused() async {
        guard case .failure(let error) = await fetch("http://127.0.0.1:\(closedLocalPort())/feed") else {
            Issue.record("a closed port must fail")
            return
        }
        #expect(error.kind == .connect)
        #expect(error.message.hasPrefix("could not connect: "))
    }

    @Test("file URLs are read, and a missing file is a readable error")
    func files() async throws {
        let response = try await fetch(files.url.appendingPathComponent("feed.xml").absoluteString).get()
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self).hasPrefix("<rss"))
        guard case .failure(let error) = await fetch(files.url.appendingPathComponent("missing.xml").absoluteString) else {
            Issue.record("a missing file must fail")
            return
        }
        #expect(error.kind == .file)
        #expect(error.message.hasPrefix("cannot read file \(files.url.path)/missing.xml"))
    }

    @Test("cancelling the calling task ends its fetch as cancelled")
    func cancellation() async throws {
        let task = Task { await fetch(server.url("/slow?seconds=20")) }
        try await Task.sleep(for: .milliseconds(500))
        task.cancel()
        guard case .failure(let error) = await task.value else {
            Issue.record("a cancelled 20-second transfer must not complete")
            return
        }
        #expect(error.kind == .cancelled)
    }

    /// Measured on the transfer thread itself: the async test above also waits
    /// for the cooperative pool, which blocking end-to-end tests can hold for seconds.
    @Test("a cancelled transfer is aborted in flight, not waited out")
    func cancellationAbortsTransfer() throws {
        let state = TransferState(maxBodyBytes: fetcher.policy.maxBodySize.bytes, maxHeaderBytes: fetcher.policy.maxHeaderBytes)
        let easy = try CurlEasy()
        try HTTPFetcher.configure(easy, request: FetchRequest(url: URL(string: server.url("/slow?seconds=20"))!),
                                  policy: fetcher.policy, state: state)
        let finished = DispatchSemaphore(value: 0)
        let outcome = Mutex<(code: CURLcode, at: Date)?>(nil)
        TransferEngine.shared.start(easy, state: state) { code in
            outcome.withLock { $0 = (code, Date()) }
            finished.signal()
        }
        Thread.sleep(forTimeInterval: 0.5)
        let cancelled = Date()
        state.cancel()
        TransferEngine.shared.wakeUp()
        #expect(finished.wait(timeout: .now() + 30) == .success)
        let result = try #require(outcome.withLock { $0 })
        #expect(result.code == CURLE_ABORTED_BY_CALLBACK)
        #expect(result.at.timeIntervalSince(cancelled) < 5, "aborted within the engine's 1 s poll, not after the 20 s body")
    }

    @Test("connections are reused: a second fetch from the same server opens none")
    func connectionReuse() async throws {
        let (first, second) = try await fetchedBackToBack { try await fetch(server.url("/files/feed.xml")).get() }
        #expect(first.httpVersion == .http1_1)
        #expect(first.newConnections <= 1)  // a retried pair may find the connection of the one before
        #expect(second.newConnections == 0)
    }

    @Test("many transfers at once all complete while slow ones are still in flight")
    func concurrentTransfers() async throws {
        // The slow ones must outlast the rest however loaded the machine is (a full test run has taken the 40 past
        // a minute): ten minutes, and no timeout of their own.
        var patience = FetchPolicy(userAgent: "Tidings-Test/1", connectTimeout: TimeSpan(seconds: 5),
                                   timeout: TimeSpan(seconds: 3600), maxBodySize: ByteCount(bytes: 64 * 1024))
        patience.lowSpeedTime = TimeSpan(seconds: 3600)
        let patient = HTTPFetcher(policy: patience)
        let slowURL = try #require(URL(string: server.url("/slow?seconds=600")))
        let slow = (0..<6).map { _ in Task { await patient.fetch(FetchRequest(url: slowURL)) } }
        try await Task.sleep(for: .milliseconds(300))
        let feed = server.url("/files/feed.xml")
        let statuses = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<40 {
                group.addTask { (try? await fetch(feed).get().status) ?? -1 }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 40))
        // Still in flight: cancelling them now is what ends them.
        slow.forEach { $0.cancel() }
        for task in slow {
            guard case .failure(let error) = await task.value else {
                Issue.record("a 600-second transfer cannot have completed")
                continue
            }
            #expect(error.kind == .cancelled)
        }
    }
}
