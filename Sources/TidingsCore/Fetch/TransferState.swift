import CCurl
import Foundation
import Synchronization

/// Everything libcurl's callbacks write into during one transfer. Only the
/// transfer's own thread touches the buffers; `cancel()` may come from anywhere.
final class TransferState: @unchecked Sendable {
    let maxBodyBytes: Int
    let maxHeaderBytes: Int
    private let cancelled = Atomic<Bool>(false)

    var body = Data()
    var headers: [HTTPHeaderField] = []
    var reason = ""
    var headerBytes = 0
    var exceededBodyCap = false
    var exceededHeaderCap = false
    /// The status of every response in the chain, redirects first.
    var statuses: [Int] = []
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init(maxBodyBytes: Int, maxHeaderBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit { errorBuffer.deallocate() }

    func cancel() { cancelled.store(true, ordering: .relaxed) }
    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    var errorText: String { String(cString: errorBuffer) }

    /// Bytes of body: kept unless they would pass the cap (decoded size, so gzip bombs stop too).
    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= maxBodyBytes else {
            exceededBodyCap = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// One header line, CRLF included. A status line starts a new response (redirects, 100 Continue).
    func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        headerBytes += bytes.count
        guard headerBytes <= maxHeaderBytes else {
            exceededHeaderCap = true
            return false
        }
        // Header bytes are not guaranteed UTF-8; ISO-8859-1 keeps every byte.
        let line = String(bytes: bytes, encoding: .isoLatin1) ?? ""
        let trimmed = line.trimmingCharacters(in: .newlines)
        if trimmed.hasPrefix("HTTP/") {
            headers.removeAll()
            headerBytes = bytes.count
            let parts = trimmed.split(separator: " ", maxSplits: 2)
            reason = parts.dropFirst(2).first.map(String.init) ?? ""
            if parts.count > 1, let status = Int(parts[1]), status != 100 { statuses.append(status) }
        } else if let colon = trimmed.firstIndex(of: ":") {
            let name = String(trimmed[..<colon]).trimmingCharacters(in: .whitespaces)
            let value = String(trimmed[trimmed.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            headers.append(HTTPHeaderField(name: name, value: value))
        }
        return true
    }
}

/// The C callbacks libcurl calls; state travels in the userdata pointer.
enum TransferCallbacks {
    static let write: tidings_curl_data_callback = { data, size, count, userdata in
        guard let userdata else { return 0 }
        let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
        let length = size * count
        guard let data else { return length }
        return state.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
    }

    static let header: tidings_curl_data_callback = { data, size, count, userdata in
        guard let userdata else { return 0 }
        let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
        let length = size * count
        guard let data else { return length }
        return state.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
    }

    static let progress: tidings_curl_xferinfo_callback = { userdata, _, _, _, _ in
        guard let userdata else { return 0 }
        let state = Unmanaged<TransferState>.fromOpaque(userdata).takeUnretainedValue()
        return state.isCancelled ? 1 : 0
    }
}
