import CCurl
import Foundation

/// What to fetch and with which extra headers.
public struct FetchRequest: Sendable {
    public var url: URL
    public var headers: [HTTPHeaderField]

    public init(url: URL, headers: [HTTPHeaderField] = []) {
        self.url = url
        self.headers = headers
    }
}

/// The limits and identity every transfer runs with.
public struct FetchPolicy: Sendable {
    public var userAgent: String
    public var connectTimeout: TimeSpan
    public var timeout: TimeSpan
    public var maxBodySize: ByteCount
    /// Redirects followed before giving up; only to http and https.
    public var maxRedirects = 5
    /// A transfer slower than `lowSpeedBytesPerSecond` for `lowSpeedTime` is aborted (slow drips).
    public var lowSpeedBytesPerSecond = 64
    public var lowSpeedTime = TimeSpan(seconds: 30)
    /// Total size of the response headers accepted (per response, redirects included).
    public var maxHeaderBytes = 256 * 1024
    /// Certificate authorities to trust for https (a PEM file); nil: the system's.
    public var caFile: String?

    public init(userAgent: String = TidingsVersion.userAgent, connectTimeout: TimeSpan = TimeSpan(seconds: 15),
                timeout: TimeSpan = TimeSpan(seconds: 60), maxBodySize: ByteCount = .mebibytes(16)) {
        self.userAgent = userAgent
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxBodySize = maxBodySize
    }

    public init(_ settings: DaemonSettings) {
        self.init(userAgent: settings.userAgent, connectTimeout: settings.connectTimeout,
                  timeout: settings.timeout, maxBodySize: settings.maxBodySize)
        lowSpeedBytesPerSecond = settings.lowSpeedLimit
        lowSpeedTime = settings.lowSpeedTime
        caFile = settings.caFile
    }
}

/// A completed transfer: any HTTP status, including errors such as 404.
public struct FetchResponse: Sendable {
    /// HTTP status; 200 for a file that was read.
    public var status: Int
    /// The reason phrase of the final status line ("Not Found"), if the server sent one.
    public var reason: String
    /// The URL asked for.
    public var requestedURL: URL
    /// The URL of the final response, after redirects.
    public var effectiveURL: URL
    /// Headers of the final response, in the order received.
    public var headers: [HTTPHeaderField]
    /// The body, already decoded from any Content-Encoding.
    public var body: Data
    public var redirectCount: Int
    /// Status of each response in the redirect chain, the final one last.
    public var statusChain: [Int] = []
    /// Connections opened for this transfer: 0 when an open one was reused.
    public var newConnections = 0
    /// The protocol of the final response.
    public var httpVersion: HTTPVersion = .unknown

    /// Where the resource now lives, when every redirect on the way was permanent (301/308).
    /// A chain with any temporary redirect (302/303/307) does not move a source.
    public var permanentLocation: URL? {
        let hops = statusChain.dropLast()
        guard !hops.isEmpty, hops.allSatisfy({ $0 == 301 || $0 == 308 }), effectiveURL != requestedURL else { return nil }
        return effectiveURL
    }

    /// The last value of the header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.last { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// The HTTP protocol version a response came over.
public enum HTTPVersion: String, Sendable {
    case http1_0 = "HTTP/1.0", http1_1 = "HTTP/1.1", http2 = "HTTP/2", http3 = "HTTP/3", unknown = ""

    init(curl value: Int) {
        switch value {
        case CURL_HTTP_VERSION_1_0: self = .http1_0
        case CURL_HTTP_VERSION_1_1: self = .http1_1
        case CURL_HTTP_VERSION_2_0: self = .http2
        case CURL_HTTP_VERSION_3: self = .http3
        default: self = .unknown
        }
    }
}

/// Why a transfer did not complete, in words a user can act on.
public struct FetchError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case dns, connect, timeout, tooLarge, redirect, tls, transfer, file, cancelled, other
    }

    public var kind: Kind
    public var message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// What makes the next request conditional: `ETag` and `Last-Modified` exactly as
/// the server sent them, and a fingerprint of the last body.
public struct FetchValidators: Sendable, Equatable {
    public var etag: String?
    public var lastModified: String?
    public var bodyHash: String?

    public init(etag: String? = nil, lastModified: String? = nil, bodyHash: String? = nil) {
        self.etag = etag
        self.lastModified = lastModified
        self.bodyHash = bodyHash
    }

    /// `If-None-Match` / `If-Modified-Since` for the stored validators.
    public var requestHeaders: [HTTPHeaderField] {
        var headers: [HTTPHeaderField] = []
        if let etag, !etag.isEmpty { headers.append(HTTPHeaderField(name: "If-None-Match", value: etag)) }
        if let lastModified, !lastModified.isEmpty {
            headers.append(HTTPHeaderField(name: "If-Modified-Since", value: lastModified))
        }
        return headers
    }

    /// The validators after `response`: its own, or (a 304 may omit them) the ones sent.
    public func updated(by response: FetchResponse, bodyHash newHash: String?) -> FetchValidators {
        FetchValidators(etag: response.header("ETag") ?? etag,
                        lastModified: response.header("Last-Modified") ?? lastModified,
                        bodyHash: newHash ?? bodyHash)
    }
}
