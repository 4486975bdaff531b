import Foundation
import PortProtocol

/// One container movement of Deals' feed as Stats keeps it (a row of `logistics_events`): what the port authority's
/// figures count.
struct LogisticsEvent: Sendable, Hashable {
    /// The feed's sequence number (the row's key: ingesting it again is a no-op).
    var sequence: Int64
    var kind: Cyberport_Stats_V1_ContainerMovementKind
    var port: String
    /// The Japan Standard Time year and month of `eventTime`.
    var year: Int
    var month: Int
    var load: Load
    var sizeType: String
    var teuHundredths: Int64
    var containerNumber: String
    /// "deals/{deal_number}".
    var deal: String
    /// Unix µs (UTC).
    var eventTime: Int64

    /// Laden or empty, stored as these numbers.
    enum Load: Int64, Sendable {
        case unknown = 0
        case full = 1
        case empty = 2
    }

    /// The event for a movement of the feed; nil for one Stats cannot place (no port, or a kind it does not know).
    init?(_ movement: Cyberport_Deals_V1_ContainerMovement) {
        let kind: Cyberport_Stats_V1_ContainerMovementKind
        switch movement.kind {
        case .carryIn: kind = .carryIn
        case .carryOut: kind = .carryOut
        case .gateIn: kind = .gateIn
        case .gateOut: kind = .gateOut
        default: return nil
        }
        guard !movement.port.isEmpty, let time = movement.eventTime else { return nil }
        let micros = time.seconds * 1_000_000 + Int64(time.nanos / 1_000)
        let (year, month) = JapanMonth.of(micros: micros)
        self.sequence = movement.sequence
        self.kind = kind
        self.port = movement.port
        self.year = year
        self.month = month
        switch movement.loadStatus {
        case .full: load = .full
        case .empty: load = .empty
        default: load = .unknown
        }
        sizeType = movement.sizeType
        teuHundredths = TEU.hundredths(sizeType: movement.sizeType)
        containerNumber = movement.containerNumber
        deal = movement.deal
        eventTime = micros
    }
}

/// Twenty-foot equivalent units from an ISO 6346 size-type code's first character (the length code): "2" (20 ft) is
/// 1 TEU, "4" (40 ft) 2 TEU, "L" (45 ft) 2.25 TEU; any other length code, or no size type, counts as 1 TEU (the
/// survey's default for a container whose size is not known). In hundredths, so that sums stay exact integers.
enum TEU {
    static func hundredths(sizeType: String) -> Int64 {
        switch sizeType.first {
        case "2": 100
        case "4": 200
        case "L": 225
        default: 100
        }
    }
}

/// The survey's months are Japan Standard Time months (UTC+9, no daylight saving time).
enum JapanMonth {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 9 * 3_600) ?? .gmt
        return calendar
    }()

    /// The JST year and month of an instant (Unix µs).
    static func of(micros: Int64) -> (year: Int, month: Int) {
        let date = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
        let components = calendar.dateComponents([.year, .month], from: date)
        return (components.year ?? 1970, components.month ?? 1)
    }
}
