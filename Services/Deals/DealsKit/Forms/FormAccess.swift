/// Who may do what with the forms of a deal.
///
/// - A participant's permission on a form code is its override for that code if it has one, else the default matrix
///   entry of its business type (overrides only ever weaken the matrix).
/// - ReadWrite: create, update, send, unsend. Read: read sent forms.
/// - A draft is visible to its creator organization and to participants with ReadWrite on its code; a sent form to
///   every participant with at least Read, and to its creator.
/// - Only the creator organization deletes a form.
/// - The recipients of a sent form are the participants other than the sender organization with at least Read.
enum FormAccess {
    /// The participant's effective permission on `code`.
    static func permission(_ participant: ParticipantRecord, code: String, catalog: FormCatalog) -> Permission {
        participant.overrides[code] ?? catalog.permission(businessType: participant.businessType, form: code)
    }

    static func atLeastRead(_ permission: Permission) -> Bool { permission != .none }

    /// Whether `participant` (with `permission` on the form's code) sees `form`.
    static func canSee(_ form: FormRecord, participant: ParticipantRecord, permission: Permission) -> Bool {
        if form.creatorOrganizationID == participant.organizationID { return true }
        return form.isSent ? atLeastRead(permission) : permission == .readWrite
    }

    /// The recipients of a form sent by `senderOrganizationID`, in organization-id order.
    static func recipients(
        of code: String, sender senderOrganizationID: String, participants: [ParticipantRecord], catalog: FormCatalog
    ) -> [ParticipantRecord] {
        participants
            .filter { $0.organizationID != senderOrganizationID && atLeastRead(permission($0, code: code, catalog: catalog)) }
            .sorted { $0.organizationID < $1.organizationID }
    }

    /// Whether `viewer` may see that `other` takes part (hidden participants show only to the owner, themselves and
    /// the organization that added them).
    static func shows(_ other: ParticipantRecord, to viewer: ParticipantRecord) -> Bool {
        !other.hidden || viewer.isOwner || other.organizationID == viewer.organizationID
            || other.addedByOrganizationID == viewer.organizationID
    }
}
