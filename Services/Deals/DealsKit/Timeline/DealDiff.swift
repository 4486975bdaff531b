/// Field-level differences of deals and participants for their timeline entries (proto field names).
enum DealDiff {
    static func changes(from old: DealRecord, to new: DealRecord) -> [TimelineRecord.Change] {
        let fields: [(String, (DealRecord) -> String)] = [
            ("display_name", \.displayName), ("in_house_number", \.inHouseNumber), ("load_type", \.loadType),
            ("forwarder_intermediated", { "\($0.forwarderIntermediated)" }),
            ("coastal_feeder", { "\($0.coastalFeeder)" }), ("booking_number", \.bookingNumber),
            ("scac_code", \.scacCode), ("bl_number", \.blNumber),
        ]
        return fields.compactMap { name, value in
            value(old) == value(new) ? nil : TimelineRecord.Change(field: name, old: value(old), new: value(new))
        }
    }

    static func changes(from old: ParticipantRecord, to new: ParticipantRecord) -> [TimelineRecord.Change] {
        var changes: [TimelineRecord.Change] = []
        if old.hidden != new.hidden {
            changes.append(.init(field: "hidden", old: "\(old.hidden)", new: "\(new.hidden)"))
        }
        for form in Set(old.overrides.keys).union(new.overrides.keys).sorted() {
            let before = old.overrides[form]?.rawValue ?? ""
            let after = new.overrides[form]?.rawValue ?? ""
            if before != after { changes.append(.init(field: "form_overrides[\(form)]", old: before, new: after)) }
        }
        return changes
    }
}
