import Foundation
import Logging
import PortAPI
import PortAuth
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore

/// The DealService: the form catalogue (public) and deals with their participants (participants only).
struct DealAPI: Cyberport_Deals_V1_DealServiceProvider {
    let forms: FormDefinitionAPI
    /// nil when Deals serves the catalogue alone (tests of the catalogue).
    let context: DealsContext?

    private func deals() throws -> DealsContext {
        guard let context else { throw RPCError(.unimplemented, "deals are not served by this instance") }
        return context
    }

    // MARK: Form catalogue

    func listFormDefinitions(
        request: Cyberport_Deals_V1_ListFormDefinitionsRequest, context: ServerContext
    ) async throws -> Cyberport_Deals_V1_ListFormDefinitionsResponse {
        try await forms.listFormDefinitions(request: request)
    }

    func getFormDefinition(
        request: Cyberport_Deals_V1_GetFormDefinitionRequest, context: ServerContext
    ) async throws -> Cyberport_Deals_V1_FormDefinition {
        try await forms.getFormDefinition(request: request)
    }

    // MARK: Deals

    func createDeal(
        request: Cyberport_Deals_V1_CreateDealRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_Deal {
        let context = try deals()
        let caller = try context.caller(serverContext)
        let input = request.deal ?? Cyberport_Deals_V1_Deal()
        let prefix: String
        switch input.direction {
        case .export: prefix = "EXP"
        case .import: prefix = "IMP"
        default: throw APIError.invalidArgument(field: "deal.direction", "EXPORT or IMPORT is required")
        }
        let ownerBusinessType = input.ownerBusinessType
        guard !ownerBusinessType.isEmpty else {
            throw APIError.invalidArgument(field: "deal.owner_business_type", "the owner's business type is required")
        }
        guard caller.principal.hasBusinessType(ownerBusinessType) else {
            throw APIError.invalidArgument(
                field: "deal.owner_business_type",
                "\(caller.organization) does not hold the business type \"\(ownerBusinessType)\"")
        }
        let now = WallClock.nowMicros()
        var deal = DealRecord(
            dealNumber: "", sortKey: ResourceID.generate(now: now), direction: prefix,
            displayName: try DealInput.displayName(input.displayName, field: "deal.display_name"),
            ownerOrganization: caller.organization, ownerOrganizationID: caller.organizationID,
            ownerBusinessType: ownerBusinessType, now: now)
        deal.inHouseNumber = try DealInput.text(input.inHouseNumber, field: "deal.in_house_number", max: 50)
        deal.loadType = try DealInput.loadType(input.loadType, field: "deal.load_type")
        deal.forwarderIntermediated = input.forwarderIntermediated
        deal.coastalFeeder = input.coastalFeeder
        deal.bookingNumber = try DealInput.reference(input.bookingNumber, field: "deal.booking_number")
        deal.scacCode = try DealInput.scac(input.scacCode, field: "deal.scac_code")
        deal.blNumber = try DealInput.reference(input.blNumber, field: "deal.bl_number")
        try DealInput.checkBooking(deal, prefix: "deal.")
        let day = DealInput.day(now)
        let draft = deal
        let created = try await context.write { session in
            let queries = DealQueries(session: session)
            if !draft.blNumber.isEmpty, try queries.find(blNumber: draft.blNumber) != nil {
                throw DealErrors.duplicateBL(draft.blNumber)
            }
            var record = draft
            record.dealNumber = try queries.nextNumber(prefix: prefix, day: day)
            try queries.insert(record)
            var owner = ParticipantRecord(
                dealNumber: record.dealNumber, organizationID: caller.organizationID, organization: caller.organization,
                businessType: ownerBusinessType, addedByOrganizationID: caller.organizationID,
                addedByOrganization: caller.organization, now: now)
            owner.isOwner = true
            try queries.insert(owner)
            try TimelineQueries.append(session, TimelineRecord(deal: record.dealNumber, kind: .dealCreated, caller: caller), now: now)
            return record
        }
        context.committed(deal: created.dealNumber)
        context.logger.info("deal created", metadata: ["deal": "deals/\(created.dealNumber)", "owner": "\(caller.organization)"])
        return created.proto
    }

    func getDeal(
        request: Cyberport_Deals_V1_GetDealRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_Deal {
        let context = try deals()
        let caller = try context.caller(serverContext)
        let name = try DealName(parsing: request.name, field: "name")
        return try await context.read { session in
            let queries = DealQueries(session: session)
            let (deal, _) = try Self.participation(queries, deal: name, caller: caller)
            return deal.proto
        }
    }

    func listDeals(
        request: Cyberport_Deals_V1_ListDealsRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_ListDealsResponse {
        let context = try deals()
        let caller = try context.caller(serverContext)
        var filter = DealFilter()
        switch request.direction {
        case .unspecified: break
        case .export: filter.direction = "EXP"
        case .import: filter.direction = "IMP"
        default: throw APIError.invalidArgument(field: "direction", "unknown trade direction \(request.direction.rawValue)")
        }
        func value(_ text: String) -> String? { text.isEmpty ? nil : text }
        filter.dealNumber = value(request.dealNumber)
        filter.inHouseNumber = value(request.inHouseNumber)
        filter.blNumber = value(request.blNumber)
        filter.bookingNumber = value(request.bookingNumber)
        filter.scacCode = value(request.scacCode)
        if (filter.bookingNumber == nil) != (filter.scacCode == nil) {
            throw APIError.invalidArgument(
                field: filter.bookingNumber == nil ? "booking_number" : "scac_code",
                "booking_number and scac_code are searched together")
        }
        let query = [
            "\(request.direction.rawValue)", request.dealNumber, request.inHouseNumber, request.blNumber,
            request.bookingNumber, request.scacCode,
        ].joined(separator: "|")
        let cursor = try context.pagination.cursor(pageSize: request.pageSize, pageToken: request.pageToken, query: query)
        let finalFilter = filter
        let rows = try await context.read { session in
            try DealQueries(session: session).list(
                organizationID: caller.organizationID, filter: finalFilter, after: cursor.after, limit: cursor.pageSize + 1)
        }
        let page = context.pagination.page(rows, cursor: cursor, key: \.sortKey)
        var response = Cyberport_Deals_V1_ListDealsResponse()
        response.deals = page.rows.map(\.proto)
        response.nextPageToken = page.nextPageToken
        return response
    }

    func updateDeal(
        request: Cyberport_Deals_V1_UpdateDealRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_Deal {
        let context = try deals()
        let caller = try context.caller(serverContext)
        let input = request.deal ?? Cyberport_Deals_V1_Deal()
        let name = try DealName(parsing: input.name, field: "deal.name")
        let mask = try UpdateMask(
            request.updateMask,
            updatable: [
                "display_name", "in_house_number", "load_type", "forwarder_intermediated", "coastal_feeder",
                "booking_number", "scac_code", "bl_number",
            ])
        guard !input.etag.isEmpty else {
            throw APIError.invalidArgument(field: "deal.etag", "the etag of the deal as read is required")
        }
        let displayName = mask.contains("display_name")
            ? try DealInput.displayName(input.displayName, field: "deal.display_name") : nil
        let inHouse = mask.contains("in_house_number")
            ? try DealInput.text(input.inHouseNumber, field: "deal.in_house_number", max: 50) : nil
        let loadType = mask.contains("load_type") ? try DealInput.loadType(input.loadType, field: "deal.load_type") : nil
        let booking = mask.contains("booking_number")
            ? try DealInput.reference(input.bookingNumber, field: "deal.booking_number") : nil
        let scac = mask.contains("scac_code") ? try DealInput.scac(input.scacCode, field: "deal.scac_code") : nil
        let bl = mask.contains("bl_number") ? try DealInput.reference(input.blNumber, field: "deal.bl_number") : nil
        let now = WallClock.nowMicros()
        let updated = try await context.write { session in
            let queries = DealQueries(session: session)
            var (deal, participant) = try Self.participation(queries, deal: name, caller: caller)
            guard participant.isOwner else { throw DealCaller.denied("only the owner of \(name) may change it") }
            let before = deal
            try ETag.check(input.etag, current: deal.version, resource: name.description)
            if let displayName { deal.displayName = displayName }
            if let inHouse { deal.inHouseNumber = inHouse }
            if let loadType { deal.loadType = loadType }
            if mask.contains("forwarder_intermediated") { deal.forwarderIntermediated = input.forwarderIntermediated }
            if mask.contains("coastal_feeder") { deal.coastalFeeder = input.coastalFeeder }
            if let booking { deal.bookingNumber = booking }
            if let scac { deal.scacCode = scac }
            try DealInput.checkBooking(deal, prefix: "deal.")
            if let bl, bl != deal.blNumber {
                if !bl.isEmpty, let other = try queries.find(blNumber: bl), other.dealNumber != deal.dealNumber {
                    throw DealErrors.duplicateBL(bl)
                }
                deal.blNumber = bl
            }
            deal.version += 1
            deal.updatedAt = now
            try queries.update(deal)
            var entry = TimelineRecord(deal: deal.dealNumber, kind: .dealUpdated, caller: caller)
            entry.changes = DealDiff.changes(from: before, to: deal)
            try TimelineQueries.append(session, entry, now: now)
            return deal.proto
        }
        context.committed(deal: name.dealNumber)
        return updated
    }

    // MARK: Participants

    func addParticipant(
        request: Cyberport_Deals_V1_AddParticipantRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_Participant {
        let context = try deals()
        let caller = try context.caller(serverContext)
        let dealName = try DealName(parsing: request.parent, field: "parent")
        let input = request.participant ?? Cyberport_Deals_V1_Participant()
        let organization = try OrganizationName(parsing: input.organization, field: "participant.organization")
        guard !input.businessType.isEmpty else {
            throw APIError.invalidArgument(field: "participant.business_type", "the participant's business type is required")
        }
        let overrides = try DealInput.overrides(
            input.formOverrides, businessType: input.businessType, catalog: context.catalog,
            field: "participant.form_overrides")
        // Permission before anything else is looked up.
        _ = try await context.read { session in
            try Self.participation(DealQueries(session: session), deal: dealName, caller: caller).0
        }
        guard let found = try await context.directory.organization(named: organization.description) else {
            throw APIError.notFound("organization", name: organization.description)
        }
        guard found.enabled else {
            throw APIError.make(
                .failedPrecondition, "\(organization) is disabled and cannot take part in deals",
                reason: "ORGANIZATION_DISABLED")
        }
        guard found.businessTypes.contains(input.businessType) else {
            throw APIError.invalidArgument(
                field: "participant.business_type",
                "\(organization) does not hold the business type \"\(input.businessType)\"")
        }
        let now = WallClock.nowMicros()
        let added = try await context.write { session in
            let queries = DealQueries(session: session)
            _ = try Self.participation(queries, deal: dealName, caller: caller)
            if try queries.participant(deal: dealName.dealNumber, organizationID: organization.organization) != nil {
                throw APIError.make(
                    .alreadyExists, "\(organization) already takes part in \(dealName)", reason: "ALREADY_EXISTS",
                    metadata: ["field": "participant.organization"])
            }
            var participant = ParticipantRecord(
                dealNumber: dealName.dealNumber, organizationID: organization.organization,
                organization: organization.description, businessType: input.businessType,
                addedByOrganizationID: caller.organizationID, addedByOrganization: caller.organization, now: now)
            participant.hidden = input.hidden
            participant.overrides = overrides
            try queries.insert(participant)
            try TimelineQueries.append(
                session, TimelineRecord(deal: dealName.dealNumber, kind: .participantAdded, caller: caller, participant: participant),
                now: now)
            return participant
        }
        context.committed(deal: dealName.dealNumber)
        context.logger.info(
            "participant added", metadata: ["deal": "\(dealName)", "organization": "\(organization)", "by": "\(caller.organization)"])
        return added.proto
    }

    func listParticipants(
        request: Cyberport_Deals_V1_ListParticipantsRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_ListParticipantsResponse {
        let context = try deals()
        let caller = try context.caller(serverContext)
        let dealName = try DealName(parsing: request.parent, field: "parent")
        let cursor = try context.pagination.cursor(
            pageSize: request.pageSize, pageToken: request.pageToken, query: dealName.description)
        let rows = try await context.read { session in
            let queries = DealQueries(session: session)
            let (_, me) = try Self.participation(queries, deal: dealName, caller: caller)
            return try queries.participants(
                deal: dealName.dealNumber, visibleTo: me.isOwner ? nil : caller.organizationID, after: cursor.after,
                limit: cursor.pageSize + 1)
        }
        let page = context.pagination.page(rows, cursor: cursor, key: \.organizationID)
        var response = Cyberport_Deals_V1_ListParticipantsResponse()
        response.participants = page.rows.map(\.proto)
        response.nextPageToken = page.nextPageToken
        return response
    }

    func updateParticipant(
        request: Cyberport_Deals_V1_UpdateParticipantRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_Participant {
        let context = try deals()
        let caller = try context.caller(serverContext)
        let input = request.participant ?? Cyberport_Deals_V1_Participant()
        let name = try ParticipantName(parsing: input.name, field: "participant.name")
        let mask = try UpdateMask(request.updateMask, updatable: ["hidden", "form_overrides"])
        let catalog = context.catalog
        let now = WallClock.nowMicros()
        let updated = try await context.write { session in
            let queries = DealQueries(session: session)
            var target = try Self.managed(queries, name: name, caller: caller)
            let before = target
            if mask.contains("hidden") { target.hidden = input.hidden }
            if mask.contains("form_overrides") {
                target.overrides = try DealInput.overrides(
                    input.formOverrides, businessType: target.businessType, catalog: catalog,
                    field: "participant.form_overrides")
            }
            try queries.update(target)
            var entry = TimelineRecord(deal: name.deal.dealNumber, kind: .participantUpdated, caller: caller, participant: target)
            entry.changes = DealDiff.changes(from: before, to: target)
            try TimelineQueries.append(session, entry, now: now)
            return target.proto
        }
        context.committed(deal: name.deal.dealNumber)
        return updated
    }

    func removeParticipant(
        request: Cyberport_Deals_V1_RemoveParticipantRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_RemoveParticipantResponse {
        let context = try deals()
        let caller = try context.caller(serverContext)
        let name = try ParticipantName(parsing: request.name, field: "name")
        let now = WallClock.nowMicros()
        try await context.write { session in
            let queries = DealQueries(session: session)
            let target = try Self.managed(queries, name: name, caller: caller)
            guard !target.isOwner else {
                throw APIError.make(.failedPrecondition, "the owner of \(name.deal) cannot be removed", reason: "OWNER")
            }
            // Recorded first: the entry's audience depends on the participant row (hidden or not).
            try TimelineQueries.append(
                session, TimelineRecord(deal: name.deal.dealNumber, kind: .participantRemoved, caller: caller, participant: target),
                now: now)
            try queries.delete(target)
        }
        context.committed(deal: name.deal.dealNumber)
        context.logger.info("participant removed", metadata: ["participant": "\(name)", "by": "\(caller.organization)"])
        return Cyberport_Deals_V1_RemoveParticipantResponse()
    }

    // MARK: Authorization

    /// The deal and the caller's participation; PERMISSION_DENIED (whether or not the deal exists) when the caller's
    /// organization does not take part.
    static func participation(
        _ queries: DealQueries, deal name: DealName, caller: DealCaller
    ) throws -> (DealRecord, ParticipantRecord) {
        guard let me = try queries.participant(deal: name.dealNumber, organizationID: caller.organizationID),
            let deal = try queries.find(name.dealNumber)
        else { throw DealCaller.notParticipant(name) }
        return (deal, me)
    }

    /// A participant the caller may change or remove: the caller is the deal's owner or added it. Hidden participants
    /// the caller cannot see are NOT_FOUND.
    static func managed(_ queries: DealQueries, name: ParticipantName, caller: DealCaller) throws -> ParticipantRecord {
        let (_, me) = try participation(queries, deal: name.deal, caller: caller)
        guard let target = try queries.participant(deal: name.deal.dealNumber, organizationID: name.organizationID),
            !target.hidden || me.isOwner || target.addedByOrganizationID == caller.organizationID
                || target.organizationID == caller.organizationID
        else { throw APIError.notFound("participant", name: name.description) }
        guard me.isOwner || target.addedByOrganizationID == caller.organizationID else {
            throw DealCaller.denied("only the owner of \(name.deal) or the organization that added it may change \(name)")
        }
        return target
    }
}

enum DealErrors {
    static func duplicateBL(_ bl: String) -> RPCError {
        APIError.make(
            .alreadyExists, "a deal for the B/L number \(bl) already exists (one deal per B/L)", reason: "ALREADY_EXISTS",
            metadata: ["field": "bl_number"])
    }
}

/// Validation of deal and participant input.
enum DealInput {
    static func displayName(_ text: String, field: String) throws -> String {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw APIError.invalidArgument(field: field, "is required") }
        guard value.count <= 200 else { throw APIError.invalidArgument(field: field, "at most 200 characters") }
        return value
    }

    static func text(_ text: String, field: String, max: Int) throws -> String {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard value.count <= max else { throw APIError.invalidArgument(field: field, "at most \(max) characters") }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.invalidArgument(field: field, "must not contain control characters")
        }
        return value
    }

    /// Booking and B/L numbers: at most 35 printable ASCII characters without spaces.
    static func reference(_ text: String, field: String) throws -> String {
        guard text.utf8.count <= 35, text.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            throw APIError.invalidArgument(field: field, "at most 35 printable ASCII characters without spaces")
        }
        return text
    }

    static func scac(_ text: String, field: String) throws -> String {
        guard text.isEmpty || ((2...4).contains(text.utf8.count) && text.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 })) else {
            throw APIError.invalidArgument(field: field, "a SCAC is 2 to 4 upper-case letters")
        }
        return text
    }

    static func checkBooking(_ deal: DealRecord, prefix: String) throws {
        if !deal.bookingNumber.isEmpty && deal.scacCode.isEmpty {
            throw APIError.invalidArgument(field: prefix + "scac_code", "a booking number needs the carrier's SCAC")
        }
    }

    static func loadType(_ value: Cyberport_Deals_V1_LoadType, field: String) throws -> String {
        switch value {
        case .unspecified: return ""
        case .fcl: return "FCL"
        case .lcl: return "LCL"
        default: throw APIError.invalidArgument(field: field, "unknown load type \(value.rawValue)")
        }
    }

    static func day(_ micros: Int64) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents(
            [.year, .month, .day], from: Date(timeIntervalSince1970: Double(micros) / 1_000_000))
        func pad(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(parts.year, 4) + pad(parts.month, 2) + pad(parts.day, 2)
    }

    static func rank(_ permission: Permission) -> Int {
        switch permission {
        case .none: 0
        case .read: 1
        case .readWrite: 2
        }
    }

    /// Per-form overrides: known forms, at most one each, never stronger than the default matrix for `businessType`.
    static func overrides(
        _ input: [Cyberport_Deals_V1_FormOverride], businessType: String, catalog: FormCatalog, field: String
    ) throws -> [String: Permission] {
        var result: [String: Permission] = [:]
        for (index, entry) in input.enumerated() {
            let item = "\(field)[\(index)]"
            guard catalog.forms.contains(where: { $0.code == entry.formCode }) else {
                throw APIError.invalidArgument(field: item + ".form_code", "unknown form \"\(entry.formCode)\"")
            }
            guard result[entry.formCode] == nil else {
                throw APIError.invalidArgument(field: item + ".form_code", "form \(entry.formCode) is overridden twice")
            }
            let permission: Permission
            switch entry.permission {
            case .none: permission = .none
            case .read: permission = .read
            case .readWrite: permission = .readWrite
            default: throw APIError.invalidArgument(field: item + ".permission", "NONE, READ or READ_WRITE is required")
            }
            let standard = catalog.permission(businessType: businessType, form: entry.formCode)
            guard rank(permission) <= rank(standard) else {
                throw APIError.invalidArgument(
                    field: item + ".permission",
                    "form \(entry.formCode): an override may only weaken the default permission "
                        + "(\(standard.rawValue) for \(businessType)); \(permission.rawValue) would strengthen it",
                    reason: "OVERRIDE_STRENGTHENS")
            }
            result[entry.formCode] = permission
        }
        return result
    }
}

extension DealRecord {
    var proto: Cyberport_Deals_V1_Deal {
        var deal = Cyberport_Deals_V1_Deal()
        deal.name = "deals/\(dealNumber)"
        deal.dealNumber = dealNumber
        deal.displayName = displayName
        deal.inHouseNumber = inHouseNumber
        deal.direction = direction == "EXP" ? .export : .import
        deal.loadType = loadType == "FCL" ? .fcl : loadType == "LCL" ? .lcl : .unspecified
        deal.forwarderIntermediated = forwarderIntermediated
        deal.coastalFeeder = coastalFeeder
        deal.bookingNumber = bookingNumber
        deal.scacCode = scacCode
        deal.blNumber = blNumber
        deal.ownerOrganization = ownerOrganization
        deal.ownerBusinessType = ownerBusinessType
        deal.createTime = Google_Protobuf_Timestamp(micros: createdAt)
        deal.updateTime = Google_Protobuf_Timestamp(micros: updatedAt)
        deal.etag = ETag.make(version)
        return deal
    }
}

extension ParticipantRecord {
    var proto: Cyberport_Deals_V1_Participant {
        var participant = Cyberport_Deals_V1_Participant()
        participant.name = "deals/\(dealNumber)/participants/\(organizationID)"
        participant.organization = organization
        participant.businessType = businessType
        participant.hidden = hidden
        participant.addedByOrganization = addedByOrganization
        participant.formOverrides = overrides.sorted { $0.key < $1.key }.map { form, permission in
            var entry = Cyberport_Deals_V1_FormOverride()
            entry.formCode = form
            entry.permission =
                switch permission {
                case .none: .none
                case .read: .read
                case .readWrite: .readWrite
                }
            return entry
        }
        participant.createTime = Google_Protobuf_Timestamp(micros: createdAt)
        participant.owner = isOwner
        return participant
    }
}
