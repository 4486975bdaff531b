/// The message kind (電文種別) of an output (cyberport-reference.md 2.1).
public enum NaccsMessageKind: String, Sendable, Hashable, CaseIterable {
    /// 処理結果通知: the processing-result notice every input receives, carrying up to five result codes.
    case resultNotice = "R"
    /// 照会結果: the answer of an inquiry business code.
    case inquiryResult = "M"
    /// 帳票: a printed report, such as a permit notice, often delivered later.
    case report = "P"
    /// 画面: a screen output of a non-inquiry business code (the registered items of a call-up).
    case screen = "C"
    /// 溜め置き: an output held for retrieval.
    case stored = "U"

    /// What the kind means, in a few words.
    public var meaning: String {
        switch self {
        case .resultNotice: return "processing-result notice (処理結果通知)"
        case .inquiryResult: return "inquiry result (照会結果)"
        case .report: return "report (帳票)"
        case .screen: return "screen output (画面)"
        case .stored: return "stored output (溜め置き)"
        }
    }
}
