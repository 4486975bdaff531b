/// The kind of a business code, as the Cyber Port NACCS API classifies it (seed 004: 登録 / 呼出 / 登録兼呼出 / 照会).
public enum NaccsProcedureKind: String, Sendable, Hashable, CaseIterable {
    /// 登録: registers or declares; answered by a processing-result notice.
    case register
    /// 呼出: calls up registered items; answered by a result notice and, on success, a screen output.
    case call
    /// 登録兼呼出: registers and returns the registered items.
    case registerAndCall = "register_and_call"
    /// 照会: an inquiry; answered by a result notice and, on success, an inquiry result.
    case inquiry
}

/// One of the 68 business codes (業務コード) the API covers, with its layouts.
public struct NaccsBusinessCode: Sendable, Hashable {
    /// Cyber Port's id, `NR120` / `NI080`.
    public let id: String
    /// `EDA`.
    public let code: String
    public let nameJa: String
    public let nameEn: String
    public let kind: NaccsProcedureKind
    /// When Cyber Port published it (`2023-10-01`).
    public let publishedOn: String
    /// The input body.
    public let input: NaccsLayout
    /// The items a processing-result notice carries after its five result codes (the numbers NACCS issues), or nil.
    public let result: NaccsLayout?
    /// The body of the screen (calls: the called registration's items) or inquiry-result output on success, or nil.
    public let reply: NaccsLayout?
    /// Where the item list comes from (published sources, or designed here from what the procedure does).
    public let source: String
    /// The full body of the processing-result notice: the five result codes, then `result`'s items.
    public let resultNotice: NaccsLayout

    /// The output information code of the processing-result notice: `*`, system `S` (sea) and the code
    /// (cyberport-reference.md 2.4), e.g. `*SEDA` (`*SEDA␣␣` on the wire: header values are stored without padding).
    public var resultOutputCode: String { "*S" + code }

    /// The output information code of the screen or inquiry result: `S`, the code's three letters, `1` and the code's
    /// two-digit suffix or `00` — 3 letters and 4 digits like NACCS's own codes (the real ones are not public), e.g.
    /// `SIEX100`, `SACL111`.
    public var replyOutputCode: String {
        let letters = code.prefix(3)
        let suffix = code.dropFirst(3)
        return "S" + letters + "1" + (suffix.isEmpty ? "00" : String(suffix))
    }

    /// The kind of the reply output.
    public var replyKind: NaccsMessageKind { kind == .inquiry ? .inquiryResult : .screen }
}

/// A report NACCS delivers later (e.g. the permit notice after EDC), identified by its output information code.
/// The real codes are not public; these are this implementation's, in NACCS's 3-letter + 4-digit pattern.
public struct NaccsReport: Sendable, Hashable {
    /// `SEX2010`.
    public let outputCode: String
    public let nameJa: String
    public let nameEn: String
    public let kind: NaccsMessageKind
    public let layout: NaccsLayout
    /// The business code whose processing leads to this report.
    public let trigger: String
}
