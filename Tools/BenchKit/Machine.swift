import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the report says about the machine and the build.
public struct MachineInfo: Sendable {
    public var cores: Int
    public var cpuModel: String
    public var kernel: String
    public var memory: String
    public var build: String

    public static func current() -> MachineInfo {
        MachineInfo(
            cores: ProcessInfo.processInfo.activeProcessorCount, cpuModel: cpuModel(), kernel: kernel(),
            memory: memory(), build: buildConfiguration)
    }

    /// "release" or "debug" (how this binary was compiled).
    public static var buildConfiguration: String {
        #if DEBUG
        "debug"
        #else
        "release"
        #endif
    }

    private static func cpuModel() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }

    private static func kernel() -> String {
        var name = utsname()
        guard uname(&name) == 0 else { return "unknown" }
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let machine = withUnsafeBytes(of: &name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return "\(release) (\(machine))"
    }

    private static func memory() -> String {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let kib = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return String(format: "%.1f GiB", kib / 1_048_576)
        }
        return "unknown"
    }

    /// The 1-, 5- and 15-minute load averages.
    public static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}

/// UTC date formats of the report (no Foundation formatters: fixed, locale-free output).
public enum UTCTime {
    /// "2026-11-21T120059Z" (file names, as Benchmarks/runner.py names its results).
    public static func stamp(_ date: Date) -> String { format(date, "%Y-%m-%dT%H%M%SZ") }
    /// "2026-11-21 12:00:59 UTC".
    public static func readable(_ date: Date) -> String { format(date, "%Y-%m-%d %H:%M:%S UTC") }

    private static func format(_ date: Date, _ pattern: String) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, pattern, &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
