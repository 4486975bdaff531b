import Foundation

/// Number formatting of the report: thin-space-free, space-grouped integers as in Benchmarks/results/*.md.
public enum Format {
    /// A rate: grouped integer from 100 up, one decimal below.
    public static func rate(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if value < 100 { return String(format: "%.1f", value) }
        return grouped(Int(value.rounded()))
    }

    public static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(" ") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    public static func millis(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        if value >= 100 { return String(format: "%.0f", value) }
        if value >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.3f", value)
    }

    public static func micros(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        if value >= 100 { return String(format: "%.0f", value) }
        if value >= 1 { return String(format: "%.1f", value) }
        return String(format: "%.2f", value)
    }

    /// "0.87×", "12.3×", "1 234×".
    public static func ratio(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        if value >= 100 { return grouped(Int(value.rounded())) + "×" }
        if value >= 10 { return String(format: "%.1f×", value) }
        return String(format: "%.2f×", value)
    }

    public static func cores(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "–" }
        return String(format: "%.2f", value)
    }

    public static func seconds(_ value: Double) -> String { String(format: "%.1f s", value) }
}

/// The median of `values` (the mean of the middle two for an even count).
public func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

