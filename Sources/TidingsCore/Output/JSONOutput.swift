import Foundation

/// The one JSON style of every `--json` output: snake_case keys, sorted,
/// UTC timestamps as `2026-01-06T09:30:00Z` (JSONTreeEncoder).
public enum JSONOutput {
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) -> String {
        do {
            return try JSONTreeEncoder.encode(value).text(pretty: pretty)
        } catch {
            return "{\"error\": \"cannot encode output: \(error)\"}"
        }
    }
}

/// Human spellings of times: `2026-01-06 09:30`, `5m ago`, `in 2h`.
public enum HumanTime {
    public static func short(_ date: Date?) -> String {
        guard let date else { return "-" }
        let text = ISO8601.string(date)
        return String(text.prefix(16)).replacingByte(UInt8(ascii: "T"), with: " ")
    }

    public static func relative(_ date: Date?, now: Date = Date()) -> String {
        guard let date else { return "never" }
        let seconds = Int(date.timeIntervalSince(now).rounded())
        let span = TimeSpan(seconds: abs(seconds))
        let text = span.seconds < 60 ? "\(span.seconds)s" : coarse(span)
        if abs(seconds) < 1 { return "now" }
        return seconds < 0 ? "\(text) ago" : "in \(text)"
    }

    /// A duration in seconds in its two largest units: `45m`, `1h5m`, `3d2h`.
    public static func span(_ seconds: Double) -> String {
        let span = TimeSpan(seconds: Int(seconds.rounded()))
        return span.seconds < 60 ? "\(span.seconds)s" : coarse(span)
    }

    /// The two largest units: `1h5m`, `3d2h`.
    private static func coarse(_ span: TimeSpan) -> String {
        var rest = span.seconds
        var parts: [String] = []
        for (unit, size) in [("d", 86400), ("h", 3600), ("m", 60)] where rest >= size && parts.count < 2 {
            parts.append("\(rest / size)\(unit)")
            rest %= size
        }
        return parts.joined()
    }
}
