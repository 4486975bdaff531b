import NaccsMessages

/// The link to NACCS: sends one input message for a credential and returns the outputs NACCS answers with, and
/// retrieves outputs that arrive later (permit notices after EDC/IDC …).
///
/// Guarantees every implementation gives:
/// - at most one input message in flight per credential (`NaccsCredential.user`); calls for the same credential wait
///   their turn in order; different credentials proceed in parallel;
/// - every output carries a mailbox sequence number, increasing per credential. NACCS holds each output until it is
///   acknowledged: `retrieveOutputs(after: n)` returns the held outputs numbered above `n` and discards those up to
///   `n`. A relay stores the highest number it has durably saved and passes it on the next retrieval, so no output is
///   lost, and duplicates are recognised by their number;
/// - outputs echo the input's 入力情報特定番号 (`inputInformationID`): after a transient error with
///   `outcomeUnknown`, retrieving the mailbox tells whether the input was processed, instead of sending it again.
public protocol NaccsLink: Sendable {
    /// Sends `message` with `credential` written into its header and returns the immediate outputs (the
    /// processing-result notice, and a screen or inquiry result on success). An R notice whose first code is
    /// A0011 (center busy) is thrown as `.transient(.centerBusy)`; every other result, errors included, is returned.
    func send(_ message: NaccsInputMessage, as credential: NaccsCredential) async throws(NaccsLinkError)
        -> [NaccsDeliveredOutput]

    /// The outputs held for `credential` numbered above `sequence` (and discards those up to it). When none is held,
    /// waits up to `wait` for one to arrive.
    func retrieveOutputs(for credential: NaccsCredential, after sequence: UInt64, waitingUpTo wait: Duration)
        async throws(NaccsLinkError) -> [NaccsDeliveredOutput]

    /// Closes every connection; later calls fail with `.permanent(.shutDown)`.
    func shutdown() async
}

/// One output as delivered: its mailbox sequence number (0 for outputs NACCS does not hold, such as a busy notice),
/// the decoded message and its bytes as received (raw EDI).
public struct NaccsDeliveredOutput: Sendable, Hashable {
    public let sequence: UInt64
    public let message: NaccsOutputMessage
    public let bytes: [UInt8]

    public init(sequence: UInt64, message: NaccsOutputMessage, bytes: [UInt8]) {
        self.sequence = sequence
        self.message = message
        self.bytes = bytes
    }
}

/// Why a link call failed: transient failures may be retried (after reconciling when `outcomeUnknown`), permanent
/// ones become a result the company sees.
public enum NaccsLinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Failures that may succeed later.
    public enum Transient: Sendable, Hashable {
        /// NACCS answered A0011 (center busy) without processing the input.
        case centerBusy(NaccsResultCode)
        /// No connection could be made.
        case connectFailed(String)
        /// The connection closed; `afterSending` when the input may have reached NACCS.
        case connectionLost(afterSending: Bool)
        /// No complete answer within the exchange timeout (the connection is closed).
        case timeout
    }

    /// Failures that retrying cannot fix.
    public enum Permanent: Sendable, Hashable {
        /// The input message does not fit the NACCS format.
        case invalidInput(NaccsFittingError)
        /// NACCS sent bytes that are not a NACCS output message.
        case malformedOutput(NaccsDecodingError)
        /// The peer broke the framing protocol.
        case protocolViolation(String)
        /// NACCS refused the credential for output retrieval (A0003/A0004).
        case rejected(NaccsResultCode)
        /// The link has been shut down.
        case shutDown
    }

    case transient(Transient)
    case permanent(Permanent)

    /// Whether retrying may succeed.
    public var isTransient: Bool {
        if case .transient = self { return true }
        return false
    }

    /// Whether NACCS may have processed the input: reconcile through `retrieveOutputs` by the input-information id
    /// before sending it again.
    public var outcomeUnknown: Bool {
        switch self {
        case .transient(.connectionLost(let afterSending)): return afterSending
        case .transient(.timeout): return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .transient(.centerBusy(let code)): return "NACCS center busy (\(code))"
        case .transient(.connectFailed(let reason)): return "cannot connect to NACCS: \(reason)"
        case .transient(.connectionLost(let afterSending)):
            return "connection to NACCS lost" + (afterSending ? " after sending (outcome unknown)" : "")
        case .transient(.timeout): return "NACCS did not answer in time (outcome unknown)"
        case .permanent(.invalidInput(let error)): return "invalid NACCS input: \(error)"
        case .permanent(.malformedOutput(let error)): return "malformed NACCS output: \(error)"
        case .permanent(.protocolViolation(let reason)): return "NACCS link protocol violation: \(reason)"
        case .permanent(.rejected(let code)): return "NACCS refused the credential (\(code))"
        case .permanent(.shutDown): return "the NACCS link is shut down"
        }
    }
}
