import NaccsMessages

/// The processing-result codes the simulator answers with. The A-class codes are NACCS's own
/// (cyberport-reference.md 2.4) except A0012; the S/R/E numbers are the simulator's (the real tables are in
/// NACCS's Gateway.zip and not reproduced here).
///
/// | Code | Meaning |
/// |---|---|
/// | A0001 | unknown business code |
/// | A0003 | unknown user code / identification number |
/// | A0004 | wrong password |
/// | A0008 | message length disagrees with the bytes received |
/// | A0011 | center busy: not processed, send again later (transient) |
/// | A0012 | another input of this user is in progress (one message in flight per credential) |
/// | A0016 | malformed common header |
/// | S0001 | mandatory item missing (item, occurrence) |
/// | S0002 | not a decimal number |
/// | S0003 | not a valid date or time |
/// | S0004 | container number fails the ISO 6346 check digit |
/// | S0005 | not one of the item's allowed values |
/// | S0006 | date out of range (CYA/CYO: more than one year ago, or in the future) |
/// | R0001 | one of two items is required (e.g. IEX: DNO or ECN) |
/// | R0002 | period: DFR after DTO |
/// | E0001 | the body does not match the business code's layout (item, offset in the notice's subject) |
/// | E0002 | already registered (duplicate key) |
/// | E0003 | not found (the number or key named does not exist) |
/// | E0004 | wrong state for this business code (e.g. EDC on a declared declaration, DOR before import permit) |
public enum SimulatorResultCodes {
    public static let unknownBusinessCode = NaccsResultCode(.system, 1)
    public static let unknownUser = NaccsResultCode(.system, 3)
    public static let wrongPassword = NaccsResultCode(.system, 4)
    public static let badLength = NaccsResultCode(.system, 8)
    public static let centerBusy = NaccsResultCode(.system, 11)
    public static let inputInProgress = NaccsResultCode(.system, 12)
    public static let badHeader = NaccsResultCode(.system, 16)

    static func missing(_ item: String, _ occurrence: Int) -> NaccsResultCode {
        NaccsResultCode(.singleItem, 1, item: item, repetition: occurrence)
    }
    static func problem(_ problem: NaccsItemProblem, repeated: Bool) -> NaccsResultCode {
        let number: Int
        switch problem.kind {
        case .missing: number = 1
        case .invalidDecimal: number = 2
        case .invalidDate, .invalidTime: number = 3
        case .notAllowed: number = 5
        }
        return NaccsResultCode(.singleItem, number, item: problem.item, repetition: repeated ? problem.occurrence : 0)
    }
    static func checkDigit(_ item: String, _ occurrence: Int) -> NaccsResultCode {
        NaccsResultCode(.singleItem, 4, item: item, repetition: occurrence)
    }
    static func dateOutOfRange(_ item: String) -> NaccsResultCode { NaccsResultCode(.singleItem, 6, item: item) }
    static func oneOfRequired(_ item: String) -> NaccsResultCode { NaccsResultCode(.itemRelation, 1, item: item) }
    static func badPeriod(_ item: String) -> NaccsResultCode { NaccsResultCode(.itemRelation, 2, item: item) }
    static func badBody(_ item: String, _ occurrence: Int) -> NaccsResultCode {
        NaccsResultCode(.businessCondition, 1, item: item, repetition: occurrence)
    }
    static func duplicate(_ item: String, _ occurrence: Int = 0) -> NaccsResultCode {
        NaccsResultCode(.businessCondition, 2, item: item, repetition: occurrence)
    }
    static func notFound(_ item: String, _ occurrence: Int = 0) -> NaccsResultCode {
        NaccsResultCode(.businessCondition, 3, item: item, repetition: occurrence)
    }
    static func wrongState(_ item: String, _ occurrence: Int = 0) -> NaccsResultCode {
        NaccsResultCode(.businessCondition, 4, item: item, repetition: occurrence)
    }
}
