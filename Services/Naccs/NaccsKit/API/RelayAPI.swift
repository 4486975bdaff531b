import Foundation
import Logging
import NaccsMessages
import PortAPI
import PortAuth
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore

/// NaccsRelayService: NACCS forms, sends, outputs and the NACCS information of deals. Every method first asks Deals
/// (with the caller's token) how the caller takes part in the deal, then checks the permissions table.
struct RelayAPI: Cyberport_Naccs_V1_NaccsRelayServiceProvider {
    let context: NaccsContext

    // MARK: Forms

    func createNaccsForm(
        request: Cyberport_Naccs_V1_CreateNaccsFormRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Naccs_V1_NaccsForm {
        let caller = try context.caller(serverContext)
        let deal = try RelayNames.deal(request.parent, field: "parent")
        let business = try context.businessCode(request.businessCode, field: "business_code")
        guard request.customId.isEmpty || RelayNames.isToken(request.customId, maximum: 40) else {
            throw APIError.invalidArgument(field: "custom_id", "must be 1–40 of A–Z a–z 0–9 - _")
        }
        try await context.authorize(caller, deal: deal, code: business.code)
        let formID = RelayNames.formID(code: business.code, customID: request.customId)
        if let existing = try await context.read({ try FormQueries(session: $0).find(deal: deal, id: formID) }) {
            return try proto(existing)
        }
        let root = try await context.deals.rootDocument(deal: deal, bearer: caller.bearer)
        let prefilled = NaccsFormValues.prefill(business.input, root: root)
        let values = try NaccsFormValues.apply(request.items, to: prefilled, layout: business.input, field: "items")
        try NaccsFormValues.validate(values, layout: business.input)
        let now = WallClock.nowMicros()
        let record = FormRecord(
            dealNumber: deal, formID: formID, businessCode: business.code, customID: request.customId,
            creatorOrganization: caller.organization, items: try NaccsFormValues.json(values), version: 1, createdAt: now,
            updatedAt: now)
        let stored = try await context.write { session -> FormRecord in
            let forms = FormQueries(session: session)
            if let existing = try forms.find(deal: deal, id: formID) { return existing }
            try forms.insert(record)
            return record
        }
        return try proto(stored)
    }

    func getNaccsForm(
        request: Cyberport_Naccs_V1_GetNaccsFormRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Naccs_V1_NaccsForm {
        let caller = try context.caller(serverContext)
        let name = try RelayNames.child(request.name, collection: "naccsForms", field: "name")
        try await context.authorize(caller, deal: name.deal, code: try formCode(name.id, field: "name"))
        guard let form = try await context.read({ try FormQueries(session: $0).find(deal: name.deal, id: name.id) }) else {
            throw APIError.notFound("NACCS form", name: request.name)
        }
        return try proto(form)
    }

    func listNaccsForms(
        request: Cyberport_Naccs_V1_ListNaccsFormsRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Naccs_V1_ListNaccsFormsResponse {
        let caller = try context.caller(serverContext)
        let deal = try RelayNames.deal(request.parent, field: "parent")
        let codes = try await codes(caller, deal: deal, filter: request.businessCode)
        let cursor = try context.pagination.cursor(
            pageSize: request.pageSize, pageToken: request.pageToken, query: "\(deal)|\(request.businessCode)")
        let rows = try await context.read {
            try FormQueries(session: $0).list(deal: deal, codes: codes, after: cursor.after, limit: cursor.pageSize + 1)
        }
        let page = context.pagination.page(rows, cursor: cursor, key: \.formID)
        var response = Cyberport_Naccs_V1_ListNaccsFormsResponse()
        response.naccsForms = try page.rows.map(proto)
        response.nextPageToken = page.nextPageToken
        return response
    }

    func updateNaccsForm(
        request: Cyberport_Naccs_V1_UpdateNaccsFormRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Naccs_V1_NaccsForm {
        let caller = try context.caller(serverContext)
        let input = request.naccsForm ?? Cyberport_Naccs_V1_NaccsForm()
        let name = try RelayNames.child(input.name, collection: "naccsForms", field: "naccs_form.name")
        let code = try formCode(name.id, field: "naccs_form.name")
        try await context.authorize(caller, deal: name.deal, code: code)
        guard !input.etag.isEmpty else {
            throw APIError.invalidArgument(field: "naccs_form.etag", "is required (from GetNaccsForm)", reason: "REQUIRED_FIELD")
        }
        let layout = try context.businessCode(code, field: "naccs_form.name").input
        let now = WallClock.nowMicros()
        let updated = try await context.write { session -> FormRecord in
            let forms = FormQueries(session: session)
            guard var form = try forms.find(deal: name.deal, id: name.id) else {
                throw APIError.notFound("NACCS form", name: input.name)
            }
            try ETag.check(input.etag, current: form.version, resource: input.name)
            let values = try NaccsFormValues.apply(
                input.items, to: try NaccsFormValues.values(json: form.items), layout: layout, field: "naccs_form.items")
            try NaccsFormValues.validate(values, layout: layout)
            form.items = try NaccsFormValues.json(values)
            form.version += 1
            form.updatedAt = now
            try forms.update(form)
            return form
        }
        return try proto(updated)
    }

    // MARK: Sends

    func sendNaccsForm(
        request: Cyberport_Naccs_V1_SendNaccsFormRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Naccs_V1_NaccsSend {
        let caller = try context.caller(serverContext)
        let name = try RelayNames.child(request.name, collection: "naccsForms", field: "name")
        let code = try formCode(name.id, field: "name")
        guard RelayNames.isToken(request.requestId, maximum: 64, dots: true) else {
            throw APIError.invalidArgument(field: "request_id", "is required: 1–64 of A–Z a–z 0–9 - _ .", reason: "REQUIRED_FIELD")
        }
        try await context.authorize(caller, deal: name.deal, code: code)
        let business = try context.businessCode(code, field: "name")
        var credentialID: String?
        if !request.naccsCredential.isEmpty {
            let credential = try RelayNames.credential(request.naccsCredential, field: "naccs_credential")
            guard credential.organization == caller.organization else {
                throw RelayErrors.denied("the credential \(request.naccsCredential) is not one of the caller's organization")
            }
            credentialID = credential.id
        }
        let now = WallClock.nowMicros()
        let organizationID = caller.organizationID
        let requestID = request.requestId
        let chosenCredential = credentialID
        let formName = request.name
        let send = try await context.write { session -> SendRecord in
            let sends = SendQueries(session: session)
            if let existing = try sends.find(organizationID: organizationID, requestID: requestID) {
                guard existing.dealNumber == name.deal, existing.formID == name.id else {
                    throw APIError.invalidArgument(
                        field: "request_id", "was used for another send (\(existing.name)); use a new key", reason: "REQUEST_ID_REUSED")
                }
                return existing
            }
            guard let form = try FormQueries(session: session).find(deal: name.deal, id: name.id) else {
                throw APIError.notFound("NACCS form", name: formName)
            }
            let values = try NaccsFormValues.values(json: form.items)
            let missing = NaccsFormValues.missing(values, layout: business.input)
            guard missing.isEmpty else {
                throw APIError.make(
                    .failedPrecondition, "mandatory items are blank: \(missing.joined(separator: ", "))", reason: "MISSING_ITEMS",
                    metadata: ["items": missing.joined(separator: ",")])
            }
            let credential = try Self.credential(chosenCredential, organizationID: organizationID, session: session)
            let body: [UInt8]
            do throws(NaccsFittingError) { body = try business.input.encode(values) } catch {
                throw APIError.invalidArgument(field: "items.\(NaccsFormValues.fittingField(error))", error.description)
            }
            let record = SendRecord(
                id: ResourceID.generate(now: now), dealNumber: name.deal, formID: name.id, businessCode: code,
                organization: caller.organization, organizationID: organizationID, actor: caller.principal.subject,
                credentialID: credential, requestID: requestID, inputID: Self.inputID(), body: body, createdAt: now)
            try sends.insert(record)
            return record
        }
        context.work.ring()
        return try await sendProto(send)
    }

    /// The credential to send with: the one named (of the caller's organization), or the organization's only one.
    static func credential(_ id: String?, organizationID: String, session: any SQLSession) throws -> String {
        let queries = CredentialQueries(session: session)
        if let id {
            guard let record = try queries.find(id), record.organizationID == organizationID else {
                throw APIError.notFound("NACCS credential", name: id)
            }
            return record.id
        }
        let all = try queries.list(organizationID: organizationID, after: nil, limit: 2)
        guard !all.isEmpty else {
            throw RelayErrors.failedPrecondition(
                "the caller's organization has no NACCS credential (NaccsCredentialService.CreateNaccsCredential)", reason: "NO_CREDENTIAL")
        }
        guard all.count == 1 else {
            throw APIError.invalidArgument(field: "naccs_credential", "the organization has several NACCS credentials: name one")
        }
        return all[0].id
    }

    /// A new 入力情報特定番号: 10 upper-case letters and digits.
    static func inputID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<10).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    func getNaccsSend(
        request: Cyberport_Naccs_V1_GetNaccsSendRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Naccs_V1_NaccsSend {
        let caller = try context.caller(serverContext)
        let name = try RelayNames.child(request.name, collection: "naccsSends", field: "name")
        let allowed = try await context.allowedCodes(caller, deal: name.deal)
        guard let send = try await context.read({ try SendQueries(session: $0).find(name.id) }), send.dealNumber == name.deal else {
            throw APIError.notFound("NACCS send", name: request.name)
        }
        guard allowed.contains(send.businessCode) else {
            throw RelayErrors.denied("the caller may not do NACCS work for \(send.businessCode)")
        }
        return try await sendProto(send)
    }

    func listNaccsSends(
        request: Cyberport_Naccs_V1_ListNaccsSendsRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Naccs_V1_ListNaccsSendsResponse {
        let caller = try context.caller(serverContext)
        let deal = try RelayNames.deal(request.parent, field: "parent")
        let codes = try await codes(caller, deal: deal, filter: request.businessCode)
        let cursor = try context.pagination.cursor(
            pageSize: request.pageSize, pageToken: request.pageToken, query: "\(deal)|\(request.businessCode)")
        let rows = try await context.read {
            try SendQueries(session: $0).list(deal: deal, codes: codes, after: cursor.after, limit: cursor.pageSize + 1)
        }
        let page = context.pagination.page(rows, cursor: cursor, key: \.id)
        var response = Cyberport_Naccs_V1_ListNaccsSendsResponse()
        for send in page.rows { response.naccsSends.append(try await sendProto(send)) }
        response.nextPageToken = page.nextPageToken
        return response
    }

    // MARK: Outputs and information

    func getNaccsOutput(
        request: Cyberport_Naccs_V1_GetNaccsOutputRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Naccs_V1_NaccsOutput {
        let caller = try context.caller(serverContext)
        let id = try RelayNames.output(request.name, field: "name")
        let now = WallClock.nowMicros()
        let output = try await context.read { try OutputQueries(session: $0).find(id) }
        // Permission before existence: the deal of an unknown key cannot be asked about, so it is denied too.
        guard let output, output.expiresAt > now, !output.dealNumber.isEmpty else {
            throw RelayErrors.denied("the caller may not read \(request.name) (or it does not exist)")
        }
        let allowed = try await context.allowedCodes(caller, deal: output.dealNumber)
        guard allowed.contains(output.businessCode) else {
            throw RelayErrors.denied("the caller may not read \(request.name) (or it does not exist)")
        }
        return Self.outputProto(output, format: request.format)
    }

    func listNaccsOutputs(
        request: Cyberport_Naccs_V1_ListNaccsOutputsRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Naccs_V1_ListNaccsOutputsResponse {
        let caller = try context.caller(serverContext)
        let deal = try RelayNames.deal(request.parent, field: "parent")
        let codes = try await codes(caller, deal: deal, filter: request.businessCode)
        let cursor = try context.pagination.cursor(
            pageSize: request.pageSize, pageToken: request.pageToken, query: "\(deal)|\(request.businessCode)")
        let now = WallClock.nowMicros()
        let rows = try await context.read {
            try OutputQueries(session: $0).list(deal: deal, codes: codes, after: cursor.after, limit: cursor.pageSize + 1, now: now)
        }
        let page = context.pagination.page(rows, cursor: cursor, key: \.id)
        var response = Cyberport_Naccs_V1_ListNaccsOutputsResponse()
        response.naccsOutputs = page.rows.map { Self.outputProto($0, format: request.format) }
        response.nextPageToken = page.nextPageToken
        return response
    }

    func getNaccsInformation(
        request: Cyberport_Naccs_V1_GetNaccsInformationRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Naccs_V1_NaccsInformation {
        let caller = try context.caller(serverContext)
        let deal = try RelayNames.information(request.name, field: "name")
        let codes = try await codes(caller, deal: deal, filter: request.businessCode)
        let rows = try await context.read { session in
            try session.query("SELECT * FROM naccs_information WHERE deal_number = $1 ORDER BY path", .text(deal)).map { row in
                var value = Cyberport_Naccs_V1_NaccsIssuedValue()
                value.path = try row.string("path")
                value.value = try row.string("value")
                value.businessCode = try row.string("business_code")
                value.output = "naccsOutputs/\(try row.string("output_id"))"
                value.updateTime = Google_Protobuf_Timestamp(micros: try row.int("updated_at"))
                return value
            }
        }
        var information = Cyberport_Naccs_V1_NaccsInformation()
        information.name = request.name
        information.values = rows.filter { codes.contains($0.businessCode) }
        return information
    }

    // MARK: Helpers

    /// The codes the caller may work with in `deal`, narrowed to `filter` (which must be a code the caller may use).
    private func codes(_ caller: RelayCaller, deal: String, filter: String) async throws -> Set<String> {
        if !filter.isEmpty {
            let business = try context.businessCode(filter, field: "business_code")
            try await context.authorize(caller, deal: deal, code: business.code)
            return [business.code]
        }
        return try await context.allowedCodes(caller, deal: deal)
    }

    private func formCode(_ formID: String, field: String) throws -> String {
        let (code, customID) = RelayNames.splitFormID(formID)
        guard context.catalog.businessCode(code) != nil, customID.isEmpty || RelayNames.isToken(customID, maximum: 40) else {
            throw APIError.invalidArgument(field: field, "\"\(formID)\" is not a NACCS form id (a business code, or code~custom id)")
        }
        return code
    }

    private func proto(_ form: FormRecord) throws -> Cyberport_Naccs_V1_NaccsForm {
        let layout = try context.businessCode(form.businessCode, field: "name").input
        let values = try NaccsFormValues.values(json: form.items)
        var proto = Cyberport_Naccs_V1_NaccsForm()
        proto.name = form.name
        proto.businessCode = form.businessCode
        proto.customId = form.customID
        proto.items = NaccsFormValues.proto(values, layout: layout)
        proto.missingItems = NaccsFormValues.missing(values, layout: layout)
        proto.creatorOrganization = form.creatorOrganization
        proto.createTime = Google_Protobuf_Timestamp(micros: form.createdAt)
        proto.updateTime = Google_Protobuf_Timestamp(micros: form.updatedAt)
        proto.etag = ETag.make(form.version)
        return proto
    }

    private func sendProto(_ send: SendRecord) async throws -> Cyberport_Naccs_V1_NaccsSend {
        let (outputs, credential) = try await context.read { session in
            (try OutputQueries(session: session).ids(send: send.id), try CredentialQueries(session: session).find(send.credentialID))
        }
        var proto = Cyberport_Naccs_V1_NaccsSend()
        proto.name = send.name
        proto.naccsForm = "deals/\(send.dealNumber)/naccsForms/\(send.formID)"
        proto.businessCode = send.businessCode
        proto.naccsCredential = credential?.name ?? ""
        proto.requestId = send.requestID
        proto.inputInformationId = send.inputID
        proto.state = Self.state(send.state)
        proto.resultCodes = Self.resultCodes(send.resultCodes)
        proto.error = send.error
        proto.attempts = Int32(clamping: send.attempts)
        proto.outputs = outputs.map { "naccsOutputs/\($0)" }
        proto.senderOrganization = send.organization
        proto.createTime = Google_Protobuf_Timestamp(micros: send.createdAt)
        proto.completeTime = send.completedAt.protoTimestamp
        return proto
    }

    static func state(_ state: SendState) -> Cyberport_Naccs_V1_NaccsSendState {
        switch state {
        case .queued: .queued
        case .transmitting: .transmitting
        case .accepted: .accepted
        case .rejected: .rejected
        case .failed: .failed
        }
    }

    static func resultCodes(_ text: String) -> [Cyberport_Naccs_V1_NaccsResultCode] {
        text.split(separator: ",").compactMap { NaccsResultCode(parsing: String($0)) }.map { code in
            var proto = Cyberport_Naccs_V1_NaccsResultCode()
            proto.code = code.description
            proto.errorCode = code.errorCode
            proto.resultClass = code.resultClass?.rawValue ?? ""
            proto.item = code.itemAbbreviation ?? ""
            proto.repetition = Int32(code.repetition)
            proto.description_p = code.resultClass?.meaning ?? "normal end"
            return proto
        }
    }

    static func outputProto(_ output: OutputRecord, format: Cyberport_Naccs_V1_NaccsOutputFormat) -> Cyberport_Naccs_V1_NaccsOutput {
        var proto = Cyberport_Naccs_V1_NaccsOutput()
        proto.name = "naccsOutputs/\(output.id)"
        proto.deal = "deals/\(output.dealNumber)"
        proto.naccsSend = output.sendID.map { "deals/\(output.dealNumber)/naccsSends/\($0)" } ?? ""
        proto.businessCode = output.businessCode
        proto.outputInformationCode = output.outputCode
        proto.kind = switch NaccsMessageKind(rawValue: output.kind) {
        case .resultNotice: .resultNotice
        case .inquiryResult: .inquiryResult
        case .report: .report
        case .screen: .screen
        case .stored: .stored
        case nil: .unspecified
        }
        proto.subject = output.subject
        proto.resultCodes = resultCodes(output.resultCodes)
        if format != .json { proto.edi = String(decoding: output.edi, as: UTF8.self) }
        if format != .edi { proto.json = output.json }
        proto.receiveTime = Google_Protobuf_Timestamp(micros: output.createdAt)
        proto.expireTime = Google_Protobuf_Timestamp(micros: output.expiresAt)
        return proto
    }
}
