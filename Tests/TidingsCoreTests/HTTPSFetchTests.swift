import Foundation
import Testing
import TidingsTestSupport
@testable import TidingsCore

/// Real libcurl against nginx serving HTTPS and HTTP/2 with a self-signed certificate.
@Suite("HTTPS and HTTP/2 against nginx", .enabled(if: NginxServer.isAvailable, "nginx is not installed"))
struct HTTPSFetchTests {
    let site = TemporaryDirectory("tidings-https-site")
    let server: NginxServer

    init() throws {
        try site.write("feed.xml", "<rss version=\"2.0\"><channel><title>T</title></channel></rss>")
        server = try NginxServer(root: site.url, tls: true)
    }

    func fetcher(trusting caFile: String?) -> HTTPFetcher {
        var policy = FetchPolicy(userAgent: "Tidings-Test/1", connectTimeout: TimeSpan(seconds: 5), timeout: TimeSpan(seconds: 20))
        policy.caFile = caFile
        return HTTPFetcher(policy: policy)
    }

    @Test("a trusted certificate: the feed arrives over HTTP/2, and the next fetch reuses the connection")
    func http2() async throws {
        let fetcher = fetcher(trusting: server.certificatePath)
        let request = FetchRequest(url: URL(string: server.url("/feed.xml"))!)
        let (first, second) = try await fetchedBackToBack { try await fetcher.fetch(request).get() }
        #expect(first.status == 200)
        #expect(first.httpVersion == .http2)
        #expect(String(decoding: first.body, as: UTF8.self).hasPrefix("<rss"))
        #expect(second.httpVersion == .http2)
        #expect(second.newConnections == 0)
    }

    @Test("a self-signed certificate that is not trusted is refused with a TLS error in words")
    func untrusted() async throws {
        let result = await fetcher(trusting: nil).fetch(FetchRequest(url: URL(string: server.url("/feed.xml"))!))
        guard case .failure(let error) = result else {
            Issue.record("an untrusted certificate must be refused")
            return
        }
        #expect(error.kind == .tls)
        #expect(error.message.hasPrefix("TLS error: "), "\(error.message)")
        #expect(error.message.contains("certificate"), "\(error.message)")
    }
}
