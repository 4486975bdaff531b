import Foundation

/// Expiry times for people: `2025-06-01T12:15:00Z (in 14 min)`.
enum ExpiryText {
    static func describe(_ date: Date?, now: Date = Date()) -> String {
        guard let date else { return "unknown" }
        let seconds = Int(date.timeIntervalSince(now).rounded())
        let relative = seconds >= 0 ? "in \(span(seconds))" : "\(span(-seconds)) ago"
        return "\(timestamp(date)) (\(relative))"
    }

    /// RFC 3339 in UTC, to the second.
    static func timestamp(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    private static func span(_ seconds: Int) -> String {
        switch seconds {
        case ..<60: "\(seconds) s"
        case ..<3600: "\(seconds / 60) min"
        case ..<(2 * 86_400): "\(seconds / 3600) h \(seconds % 3600 / 60) min"
        default: "\(seconds / 86_400) days"
        }
    }
}
