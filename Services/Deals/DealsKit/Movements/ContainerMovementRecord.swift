import Foundation

/// One container movement a sent form reported (a row of `container_movements`; see movements.proto for the rules).
struct ContainerMovementRecord: Sendable, Hashable {
    /// The kinds of movement, as stored (the proto enum's names without the prefix).
    enum Kind: String, Sendable, CaseIterable {
        case carryIn = "CARRY_IN"
        case carryOut = "CARRY_OUT"
        case gateIn = "GATE_IN"
        case gateOut = "GATE_OUT"
    }

    /// Laden or empty, as stored ("" = the form says neither).
    enum LoadStatus: String, Sendable {
        case full = "FULL"
        case empty = "EMPTY"
        case unknown = ""
    }

    /// Set when stored.
    var sequence: Int64 = 0
    var kind: Kind
    var containerNumber: String
    /// ISO 6346 size-type code, or "".
    var sizeType: String
    var loadStatus: LoadStatus
    /// UN/LOCODE, or "" when the deal names no port yet.
    var port: String
    /// When it happened, Unix µs (UTC).
    var eventTime: Int64
    var dealNumber: String
    var formID: String
    /// When the form was sent, Unix µs.
    var recordedAt: Int64
}

/// Which sent forms report a container movement, and what they report. The form's values are canonical (dates
/// `YYYY-MM-DD`, times `HHMM`, codes as listed), since every value is validated and normalised when written.
enum ContainerMovementRules {
    /// The root-document paths of the deal's ports.
    static let portOfLoading = "seaWay.portOfLoadingCode"
    static let portOfDischarge = "seaWay.portOfDischargeCode"

    /// The movement a form reports when it is sent, or nil when it reports none (any other form, or an EIR without a
    /// gate direction — never the case for a sent one, where the direction is required).
    /// - Parameters:
    ///   - view: the form's values as sent (own data merged with the root document).
    ///   - export: whether the deal is an export deal.
    static func movement(
        formCode: String, formID: String, dealNumber: String, export: Bool, view: FormContent, root: RootDocument,
        now: Int64
    ) -> ContainerMovementRecord? {
        let kind: ContainerMovementRecord.Kind
        let date: String
        let time: String
        // Slips are documents of laden containers: full unless the slip says E.
        var defaultLoad = ContainerMovementRecord.LoadStatus.full
        switch formCode {
        case "UL090":
            kind = .carryIn
            (date, time) = (view.values["containerDeliveryDate"] ?? "", view.values["containerDeliveryTime"] ?? "")
        case "UL320":
            kind = .carryOut
            (date, time) = (view.values["carryOutDate"] ?? "", view.values["carryOutTime"] ?? "")
        case "UL080":
            switch view.values["gateDirection"] {
            case "IN": kind = .gateIn
            case "OUT": kind = .gateOut
            default: return nil
            }
            (date, time) = (view.values["gateDate"] ?? "", view.values["gateTime"] ?? "")
            defaultLoad = .unknown
        default:
            return nil
        }
        guard let containerNumber = view.values["containerNo"], !containerNumber.isEmpty else { return nil }
        let load: ContainerMovementRecord.LoadStatus =
            switch view.values["fullOrEmpty"] {
            case "F": .full
            case "E": .empty
            default: defaultLoad
            }
        return ContainerMovementRecord(
            kind: kind, containerNumber: containerNumber, sizeType: view.values["sizeType"] ?? "", loadStatus: load,
            port: root.values[export ? portOfLoading : portOfDischarge] ?? "",
            eventTime: JapanTime.micros(date: date, time: time) ?? now, dealNumber: dealNumber, formID: formID,
            recordedAt: now)
    }
}

/// Dates and times on Japanese trade documents are Japan Standard Time (UTC+9, no daylight saving time).
enum JapanTime {
    static let timeZone = TimeZone(secondsFromGMT: 9 * 3_600) ?? .gmt
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }()

    /// Unix µs (UTC) of a canonical date `YYYY-MM-DD` and time `HHMM` ("" = 00:00) in JST; nil when malformed.
    static func micros(date: String, time: String) -> Int64? {
        let parts = date.split(separator: "-")
        guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            time.isEmpty || time.utf8.count == 4
        else { return nil }
        var components = DateComponents(year: year, month: month, day: day, hour: 0, minute: 0)
        if !time.isEmpty {
            guard let hour = Int(time.prefix(2)), let minute = Int(time.suffix(2)), (0...23).contains(hour),
                (0...59).contains(minute)
            else { return nil }
            components.hour = hour
            components.minute = minute
        }
        guard components.isValidDate(in: calendar), let instant = calendar.date(from: components) else { return nil }
        return Int64((instant.timeIntervalSince1970 * 1_000_000).rounded())
    }
}
