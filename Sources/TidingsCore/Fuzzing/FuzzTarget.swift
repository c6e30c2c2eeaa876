import Foundation

/// The parsers of untrusted input, as fuzz targets: `tidings-fuzz` (libFuzzer,
/// `make fuzz`) feeds them generated inputs, and `FuzzRegressionTests` replays
/// the inputs that once broke them. Each must return for any bytes, without
/// trapping or leaking.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// RSS, Atom, RDF and JSON Feed (`FeedParser`).
    case feed
    /// Article extraction from an HTML page (`ArticleExtractor`).
    case html
    /// The TOML config loader, with its checks (`ConfigurationLoader`).
    case config
    /// Feed dates: RFC 822, ISO 8601, asctime and their variants (`FeedDate`).
    case date

    /// Runs the target's parser on `bytes` and throws the result away.
    public func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch self {
        case .feed:
            _ = try? FeedParser.parse(Data(bytes), baseURL: URL(string: "https://example.com/feed.xml"))
        case .html:
            _ = ArticleExtractor.extract(Array(bytes), url: URL(string: "https://example.com/news/1.html"))
        case .config:
            // Invalid UTF-8 is refused before TOML parsing, exactly as load(path:) does.
            guard let text = String(validating: bytes, as: UTF8.self) else { return }
            _ = try? ConfigurationLoader.load(text: text, fileName: "fuzz.toml",
                                              directory: URL(fileURLWithPath: "/nonexistent-fuzz-directory"))
        case .date:
            _ = FeedDate.parse(String(decoding: bytes, as: UTF8.self))
        }
    }
}
