/// Decides which timeline entries a participant may see (see ``TimelineAudience``).
struct TimelineVisibility: Sendable {
    let viewer: ParticipantRecord
    let catalog: FormCatalog

    func canSee(_ entry: StoredTimelineEntry) -> Bool {
        if entry.record.actorOrganizationID == viewer.organizationID { return true }
        switch entry.audience {
        case .everyone:
            return true
        case .restricted:
            return entry.audienceOrganizations.contains(viewer.organizationID)
        case .readers:
            return FormAccess.atLeastRead(FormAccess.permission(viewer, code: entry.record.formCode, catalog: catalog))
        case .editors:
            return FormAccess.permission(viewer, code: entry.record.formCode, catalog: catalog) == .readWrite
        }
    }
}
