import PortProtocol
import PortServiceKit

/// A form as one caller sees it at one moment: the stored record, what it shows (own data merged with the root
/// document), the fields another sent form locks, and the recipients. Builds the API message and the etag.
struct FormSnapshot: Sendable {
    let record: FormRecord
    let binding: FormBinding
    let view: FormContent
    let lockedFields: [Cyberport_Deals_V1_LockedField]

    init(record: FormRecord, binding: FormBinding, root: RootDocument, locks: [String: FormLock]) {
        self.record = record
        self.binding = binding
        view = binding.view(own: record.own, root: root)
        var locked: [Cyberport_Deals_V1_LockedField] = []
        for (field, path) in binding.lockablePaths {
            guard let lock = locks[path], lock.formID != record.formID else { continue }
            var entry = Cyberport_Deals_V1_LockedField()
            entry.field = field
            entry.rootPath = path
            entry.lockedByForm = "deals/\(record.dealNumber)/forms/\(lock.formID)"
            locked.append(entry)
        }
        lockedFields = locked
    }

    var name: String { "deals/\(record.dealNumber)/forms/\(record.formID)" }

    /// Changes whenever anything the form shows changes: its data (including values bound in the root document,
    /// whichever form wrote them), state, send and update times, creator, sender and locked fields. Not the
    /// caller-dependent permission nor the recipients, which follow the deal's participants.
    var etag: String {
        var hash = FNV1a()
        hash.add(record.state)
        hash.add(record.sentAt.map(String.init) ?? "-")
        hash.add(String(record.updatedAt))
        hash.add(record.creatorOrganization)
        hash.add(record.senderOrganization)
        for name in view.values.keys.sorted() {
            hash.add("v:" + name)
            hash.add(view.values[name] ?? "")
        }
        for name in view.groups.keys.sorted() {
            hash.add("g:" + name)
            for row in view.groups[name] ?? [] {
                hash.add("row")
                for key in row.keys.sorted() {
                    hash.add(key)
                    hash.add(row[key] ?? "")
                }
            }
        }
        for lock in lockedFields {
            hash.add("l:" + lock.field)
            hash.add(lock.lockedByForm)
        }
        return "\"f" + hash.hex + "\""
    }

    /// The API message; `full` includes data and locked fields (ListForms' BASIC view leaves them out).
    func proto(callerPermission: Permission, recipients: [String], full: Bool = true) -> Cyberport_Deals_V1_Form {
        var form = Cyberport_Deals_V1_Form()
        form.name = name
        form.formCode = record.formCode
        form.unitKey = record.unitKey
        form.state = record.isSent ? .sent : .draft
        if full {
            var data = Cyberport_Deals_V1_FormData()
            data.values = view.values
            data.groups = view.groups.mapValues { rows in
                var message = Cyberport_Deals_V1_FormRows()
                message.rows = rows.map { values in
                    var row = Cyberport_Deals_V1_FormRow()
                    row.values = values
                    return row
                }
                return message
            }
            form.data = data
            form.lockedFields = lockedFields
        }
        form.creatorOrganization = record.creatorOrganization
        form.callerPermission = callerPermission.proto
        form.recipients = record.isSent ? recipients : []
        form.createTime = Google_Protobuf_Timestamp(micros: record.createdAt)
        form.updateTime = Google_Protobuf_Timestamp(micros: record.updatedAt)
        form.sendTime = record.isSent ? record.sentAt.protoTimestamp : nil
        form.etag = etag
        return form
    }
}

extension Permission {
    var proto: Cyberport_Deals_V1_FormPermission {
        switch self {
        case .none: .none
        case .read: .read
        case .readWrite: .readWrite
        }
    }
}

/// 64-bit FNV-1a over length-prefixed strings (etags: collisions between two states of one form are what matters,
/// not resistance to forgery).
struct FNV1a {
    private var state: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func add(_ text: String) {
        let count = text.utf8.count
        for shift in stride(from: 0, to: 32, by: 8) { byte(UInt8(truncatingIfNeeded: count >> shift)) }
        for value in text.utf8 { byte(value) }
    }

    private mutating func byte(_ value: UInt8) {
        state ^= UInt64(value)
        state &*= 0x0000_0100_0000_01B3
    }

    var hex: String {
        let text = String(state, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

/// Field-level differences between two views of a form, for its timeline entries: "vesselName", and for group rows
/// "containers[2].sealNo" (rows compared by position).
enum FormDiff {
    static func changes(schema: FormSchema, from old: FormContent, to new: FormContent) -> [TimelineRecord.Change] {
        var changes: [TimelineRecord.Change] = []
        for field in schema.fields {
            if field.type.kind == "group" {
                let before = old.groups[field.name] ?? []
                let after = new.groups[field.name] ?? []
                for index in 0..<max(before.count, after.count) {
                    let oldRow = index < before.count ? before[index] : [:]
                    let newRow = index < after.count ? after[index] : [:]
                    for sub in field.fields {
                        let was = oldRow[sub.name] ?? ""
                        let now = newRow[sub.name] ?? ""
                        if was != now {
                            changes.append(.init(field: "\(field.name)[\(index)].\(sub.name)", old: was, new: now))
                        }
                    }
                }
            } else {
                let was = old.values[field.name] ?? ""
                let now = new.values[field.name] ?? ""
                if was != now { changes.append(.init(field: field.name, old: was, new: now)) }
            }
        }
        return changes
    }
}
