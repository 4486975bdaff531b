import Logging
import PortAPI
import PortAuth
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore

/// The FormService: the forms of deals, the root document they share, edit locks and read receipts.
///
/// Decisions (see also ``FormAccess``, ``FormBinding``, ``FieldRules``, ``FormChecks``):
/// - CreateForm is idempotent: an existing form of that unit is returned unchanged (and no timeline entry written).
///   A new form shows the root-bound values at once (they are read from the root document on every read).
/// - UpdateForm needs the etag; SendForm too. UnsendForm and DeleteForm check it when given.
/// - A SENT form may still be updated by participants with ReadWrite; it stays SENT (the update is in the timeline and
///   read receipts are kept). A sent lock-trigger form (UL040, UL050, UL150, UL290) keeps its locks in line with
///   what it carries: newly filled shared paths are locked, emptied ones released.
/// - Writing a value a field already has is not a change: it passes even where the path is locked.
/// - Recipients are computed from the current participants: an organization added after sending receives the form
///   too, one whose permission was weakened to none no longer does.
/// - UnsendForm clears the read receipts (a re-sent form must be read again); the timeline keeps the reads.
/// - Sending a carry-in slip (UL090), carry-out slip (UL320) or EIR (UL080) the first time records a container
///   movement in the feed (``ContainerMovementRules``); unsending, re-sending or deleting the form leaves it as is.
/// - DeleteForm (creator organization only) releases the form's locks and deletes its own data and receipts; the
///   shared values it wrote stay in the root document.
struct FormAPI: Cyberport_Deals_V1_FormServiceProvider {
    let context: DealsContext

    private var catalog: FormCatalog { context.catalog }

    // MARK: Create, get, list

    func createForm(
        request: Cyberport_Deals_V1_CreateFormRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_Form {
        let caller = try context.caller(serverContext)
        let dealName = try DealName(parsing: request.parent, field: "parent")
        let id = try FormID(
            code: request.formCode, unitKey: request.unitKey, catalog: catalog, codeField: "form_code", keyField: "unit_key")
        let catalog = self.catalog
        let now = WallClock.nowMicros()
        let (form, created) = try await context.write { session in
            let (deal, me) = try DealAPI.participation(DealQueries(session: session), deal: dealName, caller: caller)
            let export = deal.direction == "EXP"
            guard export ? id.schema.usedInExport : id.schema.usedInImport else {
                throw APIError.invalidArgument(
                    field: "form_code", "\(id.code) is not used in \(export ? "export" : "import") deals such as \(dealName)",
                    reason: "WRONG_DIRECTION")
            }
            let permission = FormAccess.permission(me, code: id.code, catalog: catalog)
            guard permission == .readWrite else {
                throw DealCaller.denied(
                    "creating \(id.code) needs ReadWrite permission; \(me.organization) has \(permission.rawValue) "
                        + "(business type \(me.businessType))")
            }
            let queries = FormQueries(session: session)
            let participants = try FormChecks.participants(session, deal: dealName.dealNumber)
            let root = try queries.root(deal: dealName.dealNumber).document
            let locks = try queries.locks(deal: dealName.dealNumber)
            if let existing = try queries.form(deal: dealName.dealNumber, id: id.description) {
                let snapshot = FormSnapshot(record: existing, binding: FormBinding(id), root: root, locks: locks)
                return (Self.proto(snapshot, permission: permission, me: me, participants: participants, catalog: catalog), false)
            }
            let record = FormRecord(dealNumber: dealName.dealNumber, id: id, creator: caller, now: now)
            let snapshot = FormSnapshot(record: record, binding: FormBinding(id), root: root, locks: locks)
            var entry = TimelineRecord(
                deal: dealName.dealNumber, kind: .formCreated, caller: caller, formID: record.formID, formCode: id.code)
            entry.changes = FormDiff.changes(schema: id.schema, from: FormContent(), to: snapshot.view)
            // The timeline entry first: it bumps the deal's row, so concurrent creators of the same form serialize
            // there and the loser, re-run, finds the form and returns it.
            try TimelineQueries.append(session, entry, now: now)
            try queries.insert(record)
            return (Self.proto(snapshot, permission: permission, me: me, participants: participants, catalog: catalog), true)
        }
        if created {
            context.committed(deal: dealName.dealNumber)
            context.logger.info("form created", metadata: ["form": "\(form.name)", "by": "\(caller.organization)"])
        }
        return form
    }

    func getForm(
        request: Cyberport_Deals_V1_GetFormRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_Form {
        let caller = try context.caller(serverContext)
        let name = try FormName(parsing: request.name, field: "name", catalog: catalog)
        let catalog = self.catalog
        return try await context.read { session in
            let form = try FormChecks.visible(session, name: name, caller: caller, catalog: catalog)
            return try Self.current(session, form, catalog: catalog)
        }
    }

    func listForms(
        request: Cyberport_Deals_V1_ListFormsRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_ListFormsResponse {
        let caller = try context.caller(serverContext)
        let dealName = try DealName(parsing: request.parent, field: "parent")
        let code = request.formCode.isEmpty ? nil : request.formCode
        if let code, catalog.form(code: code) == nil {
            throw APIError.invalidArgument(field: "form_code", "unknown form code \"\(code)\" (UL010 … UL490)")
        }
        let full: Bool
        switch request.view {
        case .unspecified, .basic: full = false
        case .full: full = true
        default: throw APIError.invalidArgument(field: "view", "unknown view \(request.view.rawValue)")
        }
        let cursor = try context.pagination.cursor(
            pageSize: request.pageSize, pageToken: request.pageToken, query: "\(dealName)|\(code ?? "")")
        let catalog = self.catalog
        let pagination = context.pagination
        return try await context.read { session in
            let (_, me) = try DealAPI.participation(DealQueries(session: session), deal: dealName, caller: caller)
            let queries = FormQueries(session: session)
            var visible: [FormRecord] = []
            var after = cursor.after
            let batch = cursor.pageSize + 1
            while visible.count <= cursor.pageSize {
                let rows = try queries.forms(deal: dealName.dealNumber, code: code, after: after, limit: batch)
                visible += rows.filter { record in
                    FormAccess.canSee(
                        record, participant: me, permission: FormAccess.permission(me, code: record.formCode, catalog: catalog))
                }
                guard rows.count == batch, let last = rows.last else { break }
                after = last.formID
            }
            let page = pagination.page(Array(visible.prefix(batch)), cursor: cursor, key: \.formID)
            let participants = try FormChecks.participants(session, deal: dealName.dealNumber)
            // Read for BASIC too: the etag covers the data and locks the view leaves out.
            let root = try queries.root(deal: dealName.dealNumber).document
            let locks = try queries.locks(deal: dealName.dealNumber)
            var response = Cyberport_Deals_V1_ListFormsResponse()
            for record in page.rows {
                guard let schema = catalog.form(code: record.formCode) else { continue }
                let binding = FormBinding(schema: schema, unitKey: record.unitKey)
                let snapshot = FormSnapshot(record: record, binding: binding, root: root, locks: locks)
                var form = Self.proto(
                    snapshot, permission: FormAccess.permission(me, code: record.formCode, catalog: catalog), me: me,
                    participants: participants, catalog: catalog)
                if !full {
                    form.data = nil
                    form.lockedFields = []
                }
                response.forms.append(form)
            }
            response.nextPageToken = page.nextPageToken
            return response
        }
    }

    // MARK: Update, send, unsend, delete

    func updateForm(
        request: Cyberport_Deals_V1_UpdateFormRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_Form {
        let caller = try context.caller(serverContext)
        let input = request.form ?? Cyberport_Deals_V1_Form()
        let name = try FormName(parsing: input.name, field: "form.name", catalog: catalog)
        guard !input.etag.isEmpty else {
            throw APIError.invalidArgument(field: "form.etag", "the etag of the form as read is required", reason: "REQUIRED_FIELD")
        }
        let binding = FormBinding(name.id)
        let update = try FormInput.update(
            mask: request.updateMask, data: input.data ?? Cyberport_Deals_V1_FormData(), binding: binding, catalog: catalog)
        let catalog = self.catalog
        let now = WallClock.nowMicros()
        let (form, changed) = try await context.write { session in
            let form = try FormChecks.visible(session, name: name, caller: caller, catalog: catalog)
            try FormChecks.requireWrite(form, action: "updating")
            let queries = FormQueries(session: session)
            let rootRecord = try queries.root(deal: name.deal.dealNumber)
            var locks = try queries.locks(deal: name.deal.dealNumber)
            let before = FormSnapshot(record: form.record, binding: binding, root: rootRecord.document, locks: locks)
            try FormChecks.checkETag(
                input.etag, current: before.etag, form: name.description, field: "form.etag", required: true)
            var own = form.record.own
            var root = rootRecord.document
            let touched = try binding.apply(update, own: &own, root: &root)
            for (field, path) in touched {
                guard let lock = locks[path], lock.formID != form.record.formID,
                    rootRecord.document.snapshot(path) != root.snapshot(path)
                else { continue }
                throw FormChecks.locked(code: name.id.code, field: field, lock: lock, deal: name.deal.dealNumber)
            }
            let participants = try FormChecks.participants(session, deal: name.deal.dealNumber)
            guard own != form.record.own || root != rootRecord.document else {
                return (Self.proto(before, permission: form.permission, me: form.me, participants: participants, catalog: catalog), false)
            }
            var record = form.record
            record.own = own
            record.updatedAt = now
            try queries.update(record)
            if root != rootRecord.document {
                try queries.save(root: root, deal: name.deal.dealNumber, previous: rootRecord, now: now)
            }
            if record.isSent && binding.schema.editLockTrigger {
                locks = try FormChecks.refreshLocks(queries, form: record, binding: binding, root: root, now: now)
            }
            let after = FormSnapshot(record: record, binding: binding, root: root, locks: locks)
            var entry = TimelineRecord(
                deal: name.deal.dealNumber, kind: .formUpdated, caller: caller, formID: record.formID, formCode: record.formCode)
            entry.changes = FormDiff.changes(schema: binding.schema, from: before.view, to: after.view)
            try TimelineQueries.append(session, entry, now: now)
            return (Self.proto(after, permission: form.permission, me: form.me, participants: participants, catalog: catalog), true)
        }
        if changed { context.committed(deal: name.deal.dealNumber) }
        return form
    }

    func sendForm(
        request: Cyberport_Deals_V1_SendFormRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_Form {
        let caller = try context.caller(serverContext)
        let name = try FormName(parsing: request.name, field: "name", catalog: catalog)
        guard !request.etag.isEmpty else {
            throw APIError.invalidArgument(field: "etag", "the etag of the form as read is required", reason: "REQUIRED_FIELD")
        }
        let catalog = self.catalog
        let now = WallClock.nowMicros()
        let form = try await context.write { session in
            let form = try FormChecks.visible(session, name: name, caller: caller, catalog: catalog)
            try FormChecks.requireWrite(form, action: "sending")
            let queries = FormQueries(session: session)
            let root = try queries.root(deal: name.deal.dealNumber).document
            var locks = try queries.locks(deal: name.deal.dealNumber)
            let before = FormSnapshot(record: form.record, binding: form.binding, root: root, locks: locks)
            try FormChecks.checkETag(request.etag, current: before.etag, form: name.description, field: "etag", required: true)
            guard !form.record.isSent else {
                throw APIError.make(
                    .failedPrecondition, "\(name) is already sent (unsend it first to send it again)", reason: "ALREADY_SENT",
                    metadata: ["resourceName": name.description])
            }
            let missing = form.binding.missingRequired(in: before.view)
            guard missing.isEmpty else {
                throw FormChecks.missing(code: name.id.code, form: name.description, fields: missing)
            }
            var record = form.record
            record.state = FormRecord.sent
            record.senderOrganization = caller.organization
            record.senderOrganizationID = caller.organizationID
            record.sentAt = now
            record.updatedAt = now
            try queries.update(record)
            if form.binding.schema.editLockTrigger {
                locks = try FormChecks.refreshLocks(queries, form: record, binding: form.binding, root: root, now: now)
            }
            try TimelineQueries.append(
                session,
                TimelineRecord(deal: name.deal.dealNumber, kind: .formSent, caller: caller, formID: record.formID, formCode: record.formCode),
                now: now)
            if let movement = ContainerMovementRules.movement(
                formCode: record.formCode, formID: record.formID, dealNumber: record.dealNumber,
                export: form.deal.direction == "EXP", view: before.view, root: root, now: now)
            {
                try ContainerMovementQueries.record(session, movement)
            }
            let participants = try FormChecks.participants(session, deal: name.deal.dealNumber)
            let after = FormSnapshot(record: record, binding: form.binding, root: root, locks: locks)
            return Self.proto(after, permission: form.permission, me: form.me, participants: participants, catalog: catalog)
        }
        context.committed(deal: name.deal.dealNumber)
        context.logger.info("form sent", metadata: ["form": "\(name)", "by": "\(caller.organization)"])
        return form
    }

    func unsendForm(
        request: Cyberport_Deals_V1_UnsendFormRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_Form {
        let caller = try context.caller(serverContext)
        let name = try FormName(parsing: request.name, field: "name", catalog: catalog)
        let catalog = self.catalog
        let now = WallClock.nowMicros()
        let form = try await context.write { session in
            let form = try FormChecks.visible(session, name: name, caller: caller, catalog: catalog)
            try FormChecks.requireWrite(form, action: "unsending")
            let queries = FormQueries(session: session)
            let root = try queries.root(deal: name.deal.dealNumber).document
            var locks = try queries.locks(deal: name.deal.dealNumber)
            let before = FormSnapshot(record: form.record, binding: form.binding, root: root, locks: locks)
            try FormChecks.checkETag(request.etag, current: before.etag, form: name.description, field: "etag", required: false)
            guard form.record.isSent else {
                throw APIError.make(
                    .failedPrecondition, "\(name) is a draft: there is nothing to unsend", reason: "NOT_SENT",
                    metadata: ["resourceName": name.description])
            }
            var record = form.record
            record.state = FormRecord.draft
            record.senderOrganization = ""
            record.senderOrganizationID = ""
            record.sentAt = nil
            record.updatedAt = now
            try queries.update(record)
            try queries.unlockAll(deal: name.deal.dealNumber, formID: record.formID)
            try queries.deleteReceipts(deal: name.deal.dealNumber, formID: record.formID)
            locks = locks.filter { $0.value.formID != record.formID }
            try TimelineQueries.append(
                session,
                TimelineRecord(deal: name.deal.dealNumber, kind: .formUnsent, caller: caller, formID: record.formID, formCode: record.formCode),
                now: now)
            let participants = try FormChecks.participants(session, deal: name.deal.dealNumber)
            let after = FormSnapshot(record: record, binding: form.binding, root: root, locks: locks)
            return Self.proto(after, permission: form.permission, me: form.me, participants: participants, catalog: catalog)
        }
        context.committed(deal: name.deal.dealNumber)
        return form
    }

    func deleteForm(
        request: Cyberport_Deals_V1_DeleteFormRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_DeleteFormResponse {
        let caller = try context.caller(serverContext)
        let name = try FormName(parsing: request.name, field: "name", catalog: catalog)
        let catalog = self.catalog
        let now = WallClock.nowMicros()
        try await context.write { session in
            let form = try FormChecks.visible(session, name: name, caller: caller, catalog: catalog)
            guard form.record.creatorOrganizationID == caller.organizationID else {
                throw DealCaller.denied(
                    "only the organization that created \(name) (\(form.record.creatorOrganization)) may delete it")
            }
            let queries = FormQueries(session: session)
            if !request.etag.isEmpty {
                let root = try queries.root(deal: name.deal.dealNumber).document
                let locks = try queries.locks(deal: name.deal.dealNumber)
                let current = FormSnapshot(record: form.record, binding: form.binding, root: root, locks: locks)
                try FormChecks.checkETag(request.etag, current: current.etag, form: name.description, field: "etag", required: false)
            }
            try queries.delete(form.record)
            try TimelineQueries.append(
                session,
                TimelineRecord(deal: name.deal.dealNumber, kind: .formDeleted, caller: caller, formID: form.record.formID, formCode: form.record.formCode),
                now: now)
        }
        context.committed(deal: name.deal.dealNumber)
        context.logger.info("form deleted", metadata: ["form": "\(name)", "by": "\(caller.organization)"])
        return Cyberport_Deals_V1_DeleteFormResponse()
    }

    // MARK: Helpers

    /// The form as it is now in the database.
    static func current(_ session: any SQLSession, _ form: VisibleForm, catalog: FormCatalog) throws -> Cyberport_Deals_V1_Form {
        let queries = FormQueries(session: session)
        let root = try queries.root(deal: form.record.dealNumber).document
        let locks = try queries.locks(deal: form.record.dealNumber)
        let participants = try FormChecks.participants(session, deal: form.record.dealNumber)
        let snapshot = FormSnapshot(record: form.record, binding: form.binding, root: root, locks: locks)
        return proto(snapshot, permission: form.permission, me: form.me, participants: participants, catalog: catalog)
    }

    static func proto(
        _ snapshot: FormSnapshot, permission: Permission, me: ParticipantRecord, participants: [ParticipantRecord],
        catalog: FormCatalog
    ) -> Cyberport_Deals_V1_Form {
        let recipients = FormChecks.recipientNames(
            code: snapshot.record.formCode, sender: snapshot.record.senderOrganizationID, participants: participants,
            viewer: me, catalog: catalog)
        return snapshot.proto(callerPermission: permission, recipients: recipients)
    }
}
