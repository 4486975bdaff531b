import BenchFixtures
import BenchKit
import Foundation
import PortAPI
import PortProtocol
import PortRPC

/// One deal of the benchmark: the shipper owns it, the forwarder takes part; both forms exist and carry data.
struct BenchDeal: Sendable {
    /// "deals/EXP_…".
    var name: String
    /// Its booking request (UL010), "deals/…/forms/UL010".
    var bookingRequest: String
    /// Its shipping instruction (UL040).
    var shippingInstruction: String
}

/// Everything the phases work on.
struct World: Sendable {
    static let shipperType = "shipperOrConsignee"
    static let forwarderType = "forwarder"

    var shipper: BenchCompany
    var forwarder: BenchCompany
    /// Access tokens of the shipper's and the forwarder's API keys, one per caller, as call options.
    var shipperCallers: [CallOptions]
    var forwarderCallers: [CallOptions]
    var deals: [BenchDeal]
    /// Set-up timings in seconds, for the report.
    var companiesSeconds: Double
    var tokensSeconds: Double
    var dealsSeconds: Double

    /// The shared values of a booking request (UL010), all bound to the root document.
    static func bookingRequest(_ index: Int) -> [String: String] {
        [
            "shipperName": "Nippon Export Co.", "shipperAddress": "1-1-1 Kasumigaseki, Chiyoda-ku, Tokyo",
            "oceanCarrierName": "Ocean Network Express", "portOfLoading": "Tokyo", "portOfLoadingCode": "JPTYO",
            "portOfDischarge": "Los Angeles", "portOfDischargeCode": "USLAX", "etd": "2026-11-21", "modeFclLcl": "FCL",
            "freightPaymentTerms": "PREPAID", "commodity": "Machine parts", "forwarderName": "Port Forwarding KK",
            "bookingNo": String(format: "BK%06d", index),
        ]
    }

    static let containerRequests: [String: [[String: String]]] = [
        "containerRequests": [["sizeType": "22G1", "numberOfContainers": "2"], ["sizeType": "45G1", "numberOfContainers": "1"]]
    ]

    /// What a shipping instruction (UL040) adds on top of the booking request's values.
    static let shippingInstruction: [String: String] = [
        "consigneeName": "US Buyer Inc.", "consigneeAddress": "100 Harbor Blvd, Long Beach, CA", "vesselName": "ONE HARMONY",
        "voyageNo": "012E", "blType": "ORIGINAL",
    ]

    static let cargoLines: [String: [[String: String]]] = [
        "cargoLines": [
            ["description": "Machine parts", "numberOfPackages": "20", "packageType": "CT", "grossWeight": "8000",
             "grossWeightUnit": "KGM", "hsCode": "8483.40.000"],
            ["description": "Bearings", "numberOfPackages": "12", "packageType": "CT", "grossWeight": "2400",
             "grossWeightUnit": "KGM", "hsCode": "8482.10.000"],
        ]
    ]

    /// Creates the two companies with an API key each and `callers` tokens per key, then `dealCount` deals: the
    /// shipper creates each, adds the forwarder, creates and fills the booking request; the forwarder creates and
    /// fills the shipping instruction. `concurrency` deals at a time.
    static func make(
        identity: IdentityFixture, deals: DealsFixture, dealCount: Int, callers: Int, concurrency: Int, timeout: Duration
    ) async throws -> World {
        let companiesStart = monotonicNanos()
        let operatorOptions = try await identity.operatorOptions()
        let shipper = try await identity.activeCompany(
            legalNameJa: "ベンチ輸出株式会社", legalNameEn: "Bench Export Co., Ltd.", businessTypes: [shipperType],
            emailDomain: "shipper.deals-bench.example", operatorOptions: operatorOptions)
        let forwarder = try await identity.activeCompany(
            legalNameJa: "ベンチ海貨株式会社", legalNameEn: "Bench Forwarding Co., Ltd.", businessTypes: [forwarderType],
            emailDomain: "forwarder.deals-bench.example", operatorOptions: operatorOptions)
        let companiesSeconds = Double(monotonicNanos() - companiesStart) / 1e9

        let tokensStart = monotonicNanos()
        var callerOptions: [[CallOptions]] = []
        for company in [shipper, forwarder] {
            let key = try await identity.createApiKey(
                organization: company.organization, displayName: "ベンチマーク連携", as: company.admin)
            let tokens = try await identity.accessTokens(for: key, count: callers, concurrency: concurrency)
            callerOptions.append(tokens.map { IdentityFixture.bearer($0, timeout: timeout) })
        }
        let tokensSeconds = Double(monotonicNanos() - tokensStart) / 1e9

        let dealsStart = monotonicNanos()
        let shipperOptions = callerOptions[0][0]
        let forwarderOptions = callerOptions[1][0]
        let made = try await forEachConcurrently(dealCount, concurrency: concurrency) { index in
            try await makeDeal(
                index, deals: deals, shipperOptions: shipperOptions, forwarderOptions: forwarderOptions,
                forwarder: forwarder.organization)
        }
        let dealsSeconds = Double(monotonicNanos() - dealsStart) / 1e9
        return World(
            shipper: shipper, forwarder: forwarder, shipperCallers: callerOptions[0], forwarderCallers: callerOptions[1],
            deals: made, companiesSeconds: companiesSeconds, tokensSeconds: tokensSeconds, dealsSeconds: dealsSeconds)
    }

    private static func makeDeal(
        _ index: Int, deals: DealsFixture, shipperOptions: CallOptions, forwarderOptions: CallOptions, forwarder: String
    ) async throws -> BenchDeal {
        var deal = Cyberport_Deals_V1_Deal()
        deal.displayName = "ベンチ取引 \(index)"
        deal.direction = .export
        deal.ownerBusinessType = shipperType
        deal.loadType = .fcl
        deal.inHouseNumber = String(format: "BENCH-%05d", index)
        var create = Cyberport_Deals_V1_CreateDealRequest()
        create.deal = deal
        let created = try await deals.deals.createDeal(create, options: shipperOptions)

        var participant = Cyberport_Deals_V1_Participant()
        participant.organization = forwarder
        participant.businessType = forwarderType
        var add = Cyberport_Deals_V1_AddParticipantRequest()
        add.parent = created.name
        add.participant = participant
        _ = try await deals.deals.addParticipant(add, options: shipperOptions)

        let booking = try await createForm(created.name, "UL010", deals: deals, options: shipperOptions)
        let filledBooking = try await updateForm(
            booking, values: bookingRequest(index), groups: containerRequests, deals: deals, options: shipperOptions)
        let instruction = try await createForm(created.name, "UL040", deals: deals, options: forwarderOptions)
        let filledInstruction = try await updateForm(
            instruction, values: shippingInstruction, groups: cargoLines, deals: deals, options: forwarderOptions)

        // The S/I shows the booking request's shared values: both forms read one root document.
        guard filledInstruction.data?.values["shipperName"] == "Nippon Export Co.",
            filledInstruction.data?.values["bookingNo"] == String(format: "BK%06d", index)
        else {
            throw BenchError("\(instruction.name) does not show the values the booking request wrote to the root document")
        }
        guard !filledBooking.etag.isEmpty else { throw BenchError("UpdateForm of \(booking.name) returned no etag") }
        return BenchDeal(name: created.name, bookingRequest: booking.name, shippingInstruction: instruction.name)
    }

    private static func createForm(
        _ deal: String, _ code: String, deals: DealsFixture, options: CallOptions
    ) async throws -> Cyberport_Deals_V1_Form {
        var request = Cyberport_Deals_V1_CreateFormRequest()
        request.parent = deal
        request.formCode = code
        return try await deals.forms.createForm(request, options: options)
    }

    private static func updateForm(
        _ form: Cyberport_Deals_V1_Form, values: [String: String], groups: [String: [[String: String]]],
        deals: DealsFixture, options: CallOptions
    ) async throws -> Cyberport_Deals_V1_Form {
        var data = Cyberport_Deals_V1_FormData()
        data.values = values
        data.groups = groups.mapValues { rows in
            var message = Cyberport_Deals_V1_FormRows()
            message.rows = rows.map { values in
                var row = Cyberport_Deals_V1_FormRow()
                row.values = values
                return row
            }
            return message
        }
        var input = Cyberport_Deals_V1_Form()
        input.name = form.name
        input.etag = form.etag
        input.data = data
        var mask = Google_Protobuf_FieldMask()
        mask.paths = values.keys.sorted() + groups.keys.sorted()
        var request = Cyberport_Deals_V1_UpdateFormRequest()
        request.form = input
        request.updateMask = mask
        return try await deals.forms.updateForm(request, options: options)
    }
}
