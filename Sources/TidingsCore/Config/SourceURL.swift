import Foundation

/// Checks a configured source URL and resolves relative `file:` URLs.
enum SourceURL {
    struct Problem: Error {
        let message: String
    }

    /// The absolute URL for `text`, or what is wrong with it.
    static func resolve(_ text: String, relativeTo directory: URL) -> Result<URL, Problem> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased() else {
            return .failure(Problem(message: "expected an absolute http, https or file URL, found \"\(text)\""))
        }
        switch scheme {
        case "http", "https":
            guard let host = components.host, !host.isEmpty, let url = components.url else {
                return .failure(Problem(message: "expected a host name in the \(scheme) URL, found \"\(text)\""))
            }
            return .success(url)
        case "file":
            if let host = components.host, !host.isEmpty, host != "localhost" {
                return .failure(Problem(message: "expected a local file URL (file:PATH or file:///PATH), found host \"\(host)\""))
            }
            let path = components.path
            guard !path.isEmpty else {
                return .failure(Problem(message: "expected a path in the file URL, found \"\(text)\""))
            }
            return .success(URL(fileURLWithPath: PathResolution.absolutePath(path, relativeTo: directory)))
        default:
            return .failure(Problem(message: "expected an http, https or file URL, found scheme \"\(scheme)\""))
        }
    }
}

/// Anchors relative paths in a config file to the file's own directory.
enum PathResolution {
    static func absolutePath(_ path: String, relativeTo directory: URL) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded).standardizedFileURL.path }
        return directory.appendingPathComponent(expanded).standardizedFileURL.path
    }
}
