import Foundation
import Logging
import NaccsLink
import NaccsMessages
import PortServiceKit
import PortStore
import PortWebhooks

/// Stores the outputs NACCS sends, in one transaction per batch: each output once (by its mailbox sequence), matched
/// to its send by the input-information id it echoes, with its webhook event (event 6, NaccsReceive), the numbers it
/// issues (for the deal's NACCS information and the write-back to Deals), and the send's outcome when it is the
/// processing-result notice.
struct OutputRecorder: Sendable {
    let context: NaccsContext
    let notify: @Sendable () -> Void

    /// The input id of the notice "another input of this user is in progress" (A0012): not an outcome.
    static func isInProgressNotice(_ output: NaccsDeliveredOutput) -> Bool {
        output.message.header.kind == .resultNotice && (try? output.message.resultCodes().first?.errorCode) == "A0012"
    }

    /// Records `outputs` of `credential`; with `advancingCursor` (a mailbox retrieval) the credential's cursor moves to
    /// the highest sequence. Returns the sends completed by a result notice among them.
    @discardableResult
    func record(_ outputs: [NaccsDeliveredOutput], credential: CredentialRecord, advancingCursor: Bool) async throws
        -> [SendRecord]
    {
        let usable = outputs.filter { !Self.isInProgressNotice($0) }
        guard !usable.isEmpty || advancingCursor else { return [] }
        let catalog = context.catalog
        let retention = context.settings.outputRetention
        let now = WallClock.nowMicros()
        let expires = now + Int64(retention.components.seconds) * 1_000_000
        let completed = try await context.write { session -> [SendRecord] in
            let outputsTable = OutputQueries(session: session)
            let sends = SendQueries(session: session)
            var completed: [SendRecord] = []
            for (index, output) in usable.enumerated() {
                let sequence = output.sequence > 0 ? Int64(output.sequence) : nil
                if let sequence, try outputsTable.exists(credential: credential.id, sequence: sequence) { continue }
                let header = output.message.header
                let send = header.inputInformationID.isEmpty ? nil : try sends.find(inputID: header.inputInformationID)
                let decoded = DecodedOutput(output.message, catalog: catalog)
                let record = OutputRecord(
                    id: ResourceID.generate(now: now + Int64(index) * 1000), sendID: send?.id, dealNumber: send?.dealNumber ?? "",
                    businessCode: send?.businessCode ?? header.businessCode, organizationID: send?.organizationID ?? credential.organizationID,
                    credentialID: credential.id, mailboxSequence: sequence, outputCode: header.outputInformationCode,
                    kind: header.kind.rawValue, subject: header.subject, inputID: header.inputInformationID,
                    edi: output.bytes, json: decoded.json, resultCodes: decoded.resultCodes.map(\.description).joined(separator: ","),
                    createdAt: now, expiresAt: expires)
                try outputsTable.insert(record)
                guard var send else {
                    context.logger.warning(
                        "a NACCS output matches no send", metadata: ["outputCode": "\(header.outputInformationCode)", "credential": "\(credential.id)"])
                    continue
                }
                try WebhookOutbox.enqueue(in: session, event: try Self.event(record, send: send, now: now))
                let issued = IssuedNumbers.values(of: decoded)
                if !issued.isEmpty { try Self.recordIssued(issued, send: send, output: record, now: now, session: session) }
                if header.kind == .report, send.awaitingReport {
                    send.awaitingReport = false
                    try sends.update(send)
                }
                if header.kind == .resultNotice, send.state == .queued || send.state == .transmitting {
                    send.resultCodes = record.resultCodes
                    let accepted = decoded.resultCodes.allSatisfy { !$0.isError }
                    send.state = accepted ? .accepted : .rejected
                    send.error = ""
                    send.completedAt = now
                    send.awaitingReport = accepted && IssuedNumbers.awaitsReport(send.businessCode, catalog: catalog)
                    try sends.update(send)
                    completed.append(send)
                }
            }
            if advancingCursor, let highest = outputs.map(\.sequence).max(), highest > 0 {
                try CredentialQueries(session: session).advanceCursor(credential.id, to: Int64(highest))
            }
            return completed
        }
        context.writeBacks.ring()
        notify()
        return completed
    }

    /// The NaccsReceive webhook (reference 1.7, event 6) telling the sender's organization the output's key.
    static func event(_ output: OutputRecord, send: SendRecord, now: Int64) throws -> WebhookEvent {
        let time = Date(timeIntervalSince1970: Double(now) / 1e6)
        let payload = NaccsReceivePayload(
            mailAddress: "", userName: "",
            data: .init(
                dealReportHistoryId: output.id, dateTime: time.formatted(.iso8601), operationType: "NaccsReceive",
                operationName: "NACCS Data Received.", dealNo: send.dealNumber, businessCode: send.businessCode,
                outputInformationCode: output.outputCode, kind: output.kind, key: "naccsOutputs/\(output.id)",
                naccsSend: send.name, naccsForm: "deals/\(send.dealNumber)/naccsForms/\(send.formID)"))
        return try WebhookEvent(type: "naccs.received", organizations: [send.organization], occurredAt: time, json: payload)
    }

    /// Upserts the deal's NACCS information and queues the write-back to Deals.
    static func recordIssued(
        _ values: [(path: String, value: String)], send: SendRecord, output: OutputRecord, now: Int64, session: any SQLSession
    ) throws {
        for (path, value) in values {
            try session.execute("DELETE FROM naccs_information WHERE deal_number = $1 AND path = $2", .text(send.dealNumber), .text(path))
            try session.execute(
                """
                INSERT INTO naccs_information (deal_number, path, value, business_code, output_id, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6)
                """, .text(send.dealNumber), .text(path), .text(value), .text(send.businessCode), .text(output.id), .int(now))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let payload = String(decoding: try encoder.encode(Dictionary(values.map { ($0.path, $0.value) }, uniquingKeysWith: { $1 })), as: UTF8.self)
        try session.execute(
            """
            INSERT INTO naccs_deal_updates (id, deal_number, organization, business_code, payload, status, attempts,
              next_attempt_at, last_error, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, '', $6)
            """, .text(ResourceID.generate(now: now)), .text(send.dealNumber), .text(send.organization), .text(send.businessCode),
            .text(payload), .int(now))
    }
}

/// The body of the NaccsReceive webhook: the reference's shape `{mailAddress, userName, data: {…}}`; `data.key` is the
/// output's resource name for GetNaccsOutput.
struct NaccsReceivePayload: Codable, Sendable, Equatable {
    struct EventData: Codable, Sendable, Equatable {
        var dealReportHistoryId: String
        var dateTime: String
        var operationType: String
        var operationName: String
        var dealNo: String
        var businessCode: String
        var outputInformationCode: String
        var kind: String
        var key: String
        var naccsSend: String
        var naccsForm: String
    }

    var mailAddress: String
    var userName: String
    var data: EventData
}
