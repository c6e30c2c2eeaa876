/// The version of this build of Tidings, and how it introduces itself to servers.
public enum TidingsVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"

    /// Where a publisher can read about the software polling their server.
    public static let homepage = "https://github.com/tidings-daemon/tidings"

    /// The default `User-Agent`: `Tidings/VERSION (+URL)`.
    public static let userAgent = "Tidings/\(current) (+\(homepage))"
}
