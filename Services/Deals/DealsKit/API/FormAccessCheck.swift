import PortProtocol
import PortRPC
import PortServiceKit
import PortStore

/// A form the caller may see, with the deal, the caller's participation and its permission on the form's code.
struct VisibleForm: Sendable {
    let deal: DealRecord
    let me: ParticipantRecord
    let permission: Permission
    let record: FormRecord
    let binding: FormBinding
}

/// The checks every form method makes, in this order: the caller takes part in the deal (else PERMISSION_DENIED,
/// whether or not the deal exists); the caller may see forms of that code (else PERMISSION_DENIED, whether or not the
/// form exists); the form exists (else NOT_FOUND); the caller may see this form (a draft the caller may not see is
/// NOT_FOUND, like a form that does not exist, so that drafts stay private).
enum FormChecks {
    static func visible(
        _ session: any SQLSession, name: FormName, caller: DealCaller, catalog: FormCatalog
    ) throws -> VisibleForm {
        let (deal, me) = try DealAPI.participation(DealQueries(session: session), deal: name.deal, caller: caller)
        let permission = FormAccess.permission(me, code: name.id.code, catalog: catalog)
        let record = try FormQueries(session: session).form(deal: name.deal.dealNumber, id: name.id.description)
        if permission == .none && record?.creatorOrganizationID != caller.organizationID {
            throw DealCaller.denied(
                "\(caller.organization) may not see \(name.id.code) forms of \(name.deal) (business type \(me.businessType))")
        }
        guard let record, FormAccess.canSee(record, participant: me, permission: permission) else {
            throw APIError.notFound("form", name: name.description)
        }
        return VisibleForm(deal: deal, me: me, permission: permission, record: record, binding: FormBinding(name.id))
    }

    /// PERMISSION_DENIED unless the caller has ReadWrite on the form's code.
    static func requireWrite(_ form: VisibleForm, action: String) throws {
        guard form.permission == .readWrite else {
            throw DealCaller.denied(
                "\(action) \(form.record.formCode) needs ReadWrite permission; \(form.me.organization) has "
                    + "\(form.permission.rawValue) (business type \(form.me.businessType))")
        }
    }

    /// ABORTED when `supplied` is not the form's current etag; INVALID_ARGUMENT when required and missing.
    static func checkETag(_ supplied: String, current: String, form: String, field: String, required: Bool) throws {
        if supplied.isEmpty {
            if required {
                throw APIError.invalidArgument(
                    field: field, "the etag of the form as read is required", reason: "REQUIRED_FIELD")
            }
            return
        }
        guard supplied != current else { return }
        throw APIError.make(
            .aborted,
            "\(form) was changed (etag \(supplied) is stale; current \(current)), possibly through another form sharing its fields; read it again and retry",
            reason: "STALE_ETAG", metadata: ["resourceName": form, "currentEtag": current])
    }

    /// The deal's participants (for recipients), every one with its overrides.
    static func participants(_ session: any SQLSession, deal: String) throws -> [ParticipantRecord] {
        try DealQueries(session: session).participants(deal: deal, visibleTo: nil, after: nil, limit: 10_000)
    }

    /// The names of the recipients `viewer` may see.
    static func recipientNames(
        code: String, sender: String, participants: [ParticipantRecord], viewer: ParticipantRecord, catalog: FormCatalog
    ) -> [String] {
        FormAccess.recipients(of: code, sender: sender, participants: participants, catalog: catalog)
            .filter { FormAccess.shows($0, to: viewer) }
            .map(\.organization)
    }

    /// FAILED_PRECONDITION naming a field another form has locked.
    static func locked(code: String, field: String, lock: FormLock, deal: String) -> RPCError {
        let locker = "deals/\(deal)/forms/\(lock.formID)"
        var violation = Google_Rpc_PreconditionFailure.Violation()
        violation.type = "FIELD_LOCKED"
        violation.subject = field
        violation.description_p = "\(lock.rootPath) is locked by \(locker)"
        var failure = Google_Rpc_PreconditionFailure()
        failure.violations = [violation]
        return APIError.make(
            .failedPrecondition,
            "\(code) \(field): FIELD_LOCKED: the shared value \(lock.rootPath) is locked by \(locker), which was sent; "
                + "change it through that form or unsend it first",
            reason: "FIELD_LOCKED", metadata: ["field": field, "rootPath": lock.rootPath, "lockedByForm": locker],
            extra: [APIError.pack(failure)])
    }

    /// FAILED_PRECONDITION listing the required fields a form to send leaves empty.
    static func missing(code: String, form: String, fields: [String]) -> RPCError {
        var failure = Google_Rpc_PreconditionFailure()
        failure.violations = fields.map { field in
            var violation = Google_Rpc_PreconditionFailure.Violation()
            violation.type = "REQUIRED_FIELD"
            violation.subject = field
            violation.description_p = "\(code) \(field) is required before sending"
            return violation
        }
        return APIError.make(
            .failedPrecondition, "\(form) cannot be sent: required fields are empty: \(fields.joined(separator: ", "))",
            reason: "REQUIRED_FIELDS_MISSING", metadata: ["resourceName": form, "fields": fields.joined(separator: ",")],
            extra: [APIError.pack(failure)])
    }

    /// Brings the edit locks of a sent lock-trigger form in line with the root document: it holds every path it binds
    /// that is filled and not locked by another form. Returns the deal's locks afterwards.
    @discardableResult
    static func refreshLocks(
        _ queries: FormQueries, form: FormRecord, binding: FormBinding, root: RootDocument, now: Int64
    ) throws -> [String: FormLock] {
        var locks = try queries.locks(deal: form.dealNumber)
        let desired = Set(
            binding.lockablePaths.map(\.path).filter { path in
                root.isFilled(path) && (locks[path] == nil || locks[path]?.formID == form.formID)
            })
        let current = Set(locks.values.filter { $0.formID == form.formID }.map(\.rootPath))
        for path in desired.subtracting(current).sorted() {
            try queries.lock(deal: form.dealNumber, path: path, formID: form.formID, now: now)
            locks[path] = FormLock(rootPath: path, formID: form.formID)
        }
        for path in current.subtracting(desired).sorted() {
            try queries.unlock(deal: form.dealNumber, path: path, formID: form.formID)
            locks.removeValue(forKey: path)
        }
        return locks
    }
}
