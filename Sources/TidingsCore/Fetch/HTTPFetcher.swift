import CCurl
import Foundation

/// Fetches one URL with libcurl under a `FetchPolicy`.
///
/// Transfers run on the process's `TransferEngine` (one libcurl multi handle
/// on a thread of its own), never on Swift's cooperative pool; connections are
/// reused across fetches and HTTP/2 is used where a server offers it.
/// Cancelling the calling task aborts its transfer. Redirects go only to http
/// and https; a `file:` URL is read only when it is the URL asked for.
public struct HTTPFetcher: Sendable {
    public let policy: FetchPolicy

    public init(policy: FetchPolicy) {
        self.policy = policy
    }

    public func fetch(_ request: FetchRequest) async -> Result<FetchResponse, FetchError> {
        do { try CurlGlobal.load() } catch { return .failure(FetchError(kind: .other, message: "\(error)")) }
        let state = TransferState(maxBodyBytes: policy.maxBodySize.bytes, maxHeaderBytes: policy.maxHeaderBytes)
        let policy = self.policy
        let engine = TransferEngine.shared
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let easy: CurlEasy
                do {
                    easy = try CurlEasy()
                    try HTTPFetcher.configure(easy, request: request, policy: policy, state: state)
                } catch {
                    return continuation.resume(returning: .failure(FetchError(kind: .other, message: "\(error)")))
                }
                engine.start(easy, state: state) { code in
                    continuation.resume(returning: HTTPFetcher.result(of: code, easy: easy, request: request,
                                                                      policy: policy, state: state))
                }
            }
        } onCancel: {
            state.cancel()
            engine.wakeUp()
        }
    }

    /// The response (or error) of a finished transfer, read while its handle is still alive.
    private static func result(of code: CURLcode, easy: CurlEasy, request: FetchRequest, policy: FetchPolicy,
                               state: TransferState) -> Result<FetchResponse, FetchError> {
        guard code == CURLE_OK else {
            return .failure(FetchErrorMapping.error(for: code, request: request, policy: policy, state: state))
        }
        let isFile = request.url.isFileURL
        let status = isFile ? 200 : easy.info(long: CURLINFO_RESPONSE_CODE)
        let effective = easy.info(string: CURLINFO_EFFECTIVE_URL).flatMap(URL.init(string:)) ?? request.url
        return .success(FetchResponse(
            status: status, reason: isFile ? "OK" : state.reason, requestedURL: request.url,
            effectiveURL: effective, headers: state.headers, body: state.body,
            redirectCount: easy.info(long: CURLINFO_REDIRECT_COUNT), statusChain: state.statuses,
            newConnections: easy.info(long: CURLINFO_NUM_CONNECTS),
            httpVersion: HTTPVersion(curl: easy.info(long: CURLINFO_HTTP_VERSION))))
    }

    static func configure(_ easy: CurlEasy, request: FetchRequest, policy: FetchPolicy,
                                  state: TransferState) throws {
        let userdata = Unmanaged.passUnretained(state).toOpaque()
        try easy.set(CURLOPT_URL, request.url.absoluteString)
        try easy.set(CURLOPT_NOSIGNAL, true)
        try easy.set(CURLOPT_PROTOCOLS_STR, request.url.isFileURL ? "file" : "http,https")
        try easy.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try easy.set(CURLOPT_FOLLOWLOCATION, true)
        try easy.set(CURLOPT_MAXREDIRS, policy.maxRedirects)
        try easy.set(CURLOPT_ACCEPT_ENCODING, "")  // every encoding this libcurl can decode
        try easy.set(CURLOPT_USERAGENT, policy.userAgent)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, policy.connectTimeout.seconds * 1000)
        try easy.set(CURLOPT_TIMEOUT_MS, policy.timeout.seconds * 1000)
        try easy.set(CURLOPT_LOW_SPEED_LIMIT, policy.lowSpeedBytesPerSecond)
        try easy.set(CURLOPT_LOW_SPEED_TIME, policy.lowSpeedTime.seconds)
        try easy.set(CURLOPT_MAXFILESIZE_LARGE, offset: policy.maxBodySize.bytes)
        try easy.set(CURLOPT_SSL_VERIFYPEER, true)
        try easy.set(CURLOPT_SSL_VERIFYHOST, 2)
        if let caFile = policy.caFile { try easy.set(CURLOPT_CAINFO, caFile) }
        try easy.set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)  // HTTP/2 over TLS where offered
        try easy.set(CURLOPT_PIPEWAIT, true)  // prefer multiplexing on an HTTP/2 connection to opening another
        try easy.set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(state.errorBuffer))
        try easy.set(CURLOPT_WRITEFUNCTION, callback: TransferCallbacks.write)
        try easy.set(CURLOPT_WRITEDATA, pointer: userdata)
        try easy.set(CURLOPT_HEADERFUNCTION, callback: TransferCallbacks.header)
        try easy.set(CURLOPT_HEADERDATA, pointer: userdata)
        try easy.set(CURLOPT_NOPROGRESS, false)
        try easy.setProgressCallback(TransferCallbacks.progress)
        try easy.set(CURLOPT_XFERINFODATA, pointer: userdata)
        if !request.headers.isEmpty {
            try easy.setHeaders(request.headers.map { "\($0.name): \($0.value)" })
        }
    }
}

/// Turns a libcurl failure into a `FetchError` that says what happened.
enum FetchErrorMapping {
    static func error(for code: CURLcode, request: FetchRequest, policy: FetchPolicy,
                      state: TransferState) -> FetchError {
        let detail = state.errorText.isEmpty ? CurlEasy.describe(code) : state.errorText
        let host = request.url.host ?? request.url.path
        if state.exceededBodyCap || code == CURLE_FILESIZE_EXCEEDED {
            return FetchError(kind: .tooLarge, message: "response body exceeds the \(policy.maxBodySize) limit (max_body_size)")
        }
        if state.exceededHeaderCap {
            return FetchError(kind: .tooLarge, message: "response headers exceed \(ByteCount(bytes: policy.maxHeaderBytes))")
        }
        switch code {
        case CURLE_ABORTED_BY_CALLBACK:
            return FetchError(kind: .cancelled, message: "transfer cancelled")
        case CURLE_COULDNT_RESOLVE_HOST:
            return FetchError(kind: .dns, message: "could not resolve host \(host)")
        case CURLE_COULDNT_CONNECT:
            return FetchError(kind: .connect, message: "could not connect: \(detail)")
        case CURLE_OPERATION_TIMEDOUT:
            return FetchError(kind: .timeout, message: "timed out: \(detail)")
        case CURLE_TOO_MANY_REDIRECTS:
            return FetchError(kind: .redirect, message: "more than \(policy.maxRedirects) redirects")
        case CURLE_UNSUPPORTED_PROTOCOL:
            return FetchError(kind: .redirect,
                              message: "refused a redirect or URL to a scheme other than http/https: \(detail)")
        case CURLE_FILE_COULDNT_READ_FILE:
            return FetchError(kind: .file, message: "cannot read file \(request.url.path): \(detail)")
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE,
             CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER:
            return FetchError(kind: .tls, message: "TLS error: \(detail)")
        case CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING, CURLE_SEND_ERROR,
             CURLE_BAD_CONTENT_ENCODING, CURLE_HTTP2, CURLE_HTTP2_STREAM:
            return FetchError(kind: .transfer, message: "transfer failed: \(detail)")
        default:
            return FetchError(kind: .other, message: "curl error \(code.rawValue): \(detail)")
        }
    }
}
