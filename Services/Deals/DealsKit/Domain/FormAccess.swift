/// A participant's effective permission on a form code: its override if it has one (overrides only weaken), else the
/// default matrix for its business type.
enum FormAccess {
    static func permission(of participant: ParticipantRecord, form code: String, catalog: FormCatalog) -> Permission {
        participant.overrides[code] ?? catalog.permission(businessType: participant.businessType, form: code)
    }

    /// Whether `permission` allows at least reading.
    static func canRead(_ permission: Permission) -> Bool { permission != .none }
}
