import CCurl
import Foundation

/// libcurl, loaded (`dlopen`, see CCurl.h) and initialised once, before the first handle.
enum CurlGlobal {
    private static let state: Result<Void, CurlSetupError> = {
        if let error = tidings_curl_load() { return .failure(CurlSetupError(message: String(cString: error))) }
        guard tidings_curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK else {
            return .failure(CurlSetupError(message: "curl_global_init failed"))
        }
        return .success(())
    }()

    /// Loads and initialises libcurl on the first call; throws, every time, when it cannot.
    static func load() throws(CurlSetupError) { try state.get() }

    /// The libcurl version in use, e.g. "7.88.1", for the start-up log line (after `load`).
    static var version: String {
        guard (try? load()) != nil, let info = tidings_curl_version_info(), let text = info.pointee.version else {
            return "unknown"
        }
        return String(cString: text)
    }
}

/// An owning wrapper around one `CURL *` easy handle: created in `init`,
/// cleaned up in `deinit`, never shared between threads while in use.
final class CurlEasy: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?

    init() throws {
        try CurlGlobal.load()
        guard let handle = tidings_curl_easy_init() else { throw CurlSetupError(message: "curl_easy_init failed") }
        self.handle = handle
    }

    deinit {
        tidings_curl_easy_cleanup(handle)
        if let headerList { tidings_curl_slist_free_all(headerList) }
    }

    func set(_ option: CURLoption, _ value: Int) throws {
        try check(tidings_easy_setopt_long(handle, option, value), option)
    }

    func set(_ option: CURLoption, _ value: Bool) throws {
        try set(option, value ? 1 : 0)
    }

    /// libcurl copies string options, so the Swift string need not outlive the call.
    func set(_ option: CURLoption, _ value: String) throws {
        try check(tidings_easy_setopt_string(handle, option, value), option)
    }

    func set(_ option: CURLoption, offset value: Int) throws {
        try check(tidings_easy_setopt_off_t(handle, option, value), option)
    }

    func set(_ option: CURLoption, pointer value: UnsafeMutableRawPointer?) throws {
        try check(tidings_easy_setopt_pointer(handle, option, value), option)
    }

    func set(_ option: CURLoption, callback: tidings_curl_data_callback) throws {
        try check(tidings_easy_setopt_data_callback(handle, option, callback), option)
    }

    func setProgressCallback(_ callback: tidings_curl_xferinfo_callback) throws {
        try check(tidings_easy_setopt_xferinfo_callback(handle, callback), CURLOPT_XFERINFOFUNCTION)
    }

    /// Replaces the request headers; the list lives as long as this handle.
    func setHeaders(_ lines: [String]) throws {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard let appended = tidings_curl_slist_append(list, line) else {
                if let list { tidings_curl_slist_free_all(list) }
                throw CurlSetupError(message: "curl_slist_append failed")
            }
            list = appended
        }
        try check(tidings_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, list), CURLOPT_HTTPHEADER)
        if let headerList { tidings_curl_slist_free_all(headerList) }
        headerList = list
    }

    func perform() -> CURLcode { tidings_curl_easy_perform(handle) }

    func info(long info: CURLINFO) -> Int {
        var value = 0
        _ = tidings_easy_getinfo_long(handle, info, &value)
        return value
    }

    func info(string info: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard tidings_easy_getinfo_string(handle, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }

    func info(offset info: CURLINFO) -> Int {
        var value: curl_off_t = 0
        _ = tidings_easy_getinfo_off_t(handle, info, &value)
        return Int(value)
    }

    private func check(_ code: CURLcode, _ option: CURLoption) throws {
        guard code == CURLE_OK else {
            throw CurlSetupError(message: "setting curl option \(option.rawValue) failed: \(CurlEasy.describe(code))")
        }
    }

    /// libcurl's own words for a result code.
    static func describe(_ code: CURLcode) -> String {
        String(cString: tidings_curl_easy_strerror(code))
    }
}

/// A handle could not be set up (out of memory, option unsupported by this libcurl).
struct CurlSetupError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
