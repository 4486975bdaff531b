import CyberPortTestSupport
import PortAPI
import PortProtocol

/// An export deal created by a shipper, with its forwarder, carrier, trucker and customs broker as participants
/// (each its own company), for form tests.
struct FormWorld: Sendable {
    static let shipperType = "shipperOrConsignee"
    static let forwarderType = "forwarder"
    static let carrierType = "oceanShipping"
    static let truckerType = "roadTransport"
    static let brokerType = "customsBroker"

    let h: DealsHarness
    let deal: Cyberport_Deals_V1_Deal
    let shipper: Member
    let forwarder: Member
    let carrier: Member
    let trucker: Member
    let broker: Member
    /// Takes part in nothing.
    let stranger: Member

    static func make(
        _ h: DealsHarness, direction: Cyberport_Deals_V1_TradeDirection = .export,
        forwarderOverrides: [(String, Cyberport_Deals_V1_FormPermission)] = []
    ) async throws -> FormWorld {
        let shipper = try await h.member([shipperType])
        let forwarder = try await h.member([forwarderType])
        let carrier = try await h.member([carrierType])
        let trucker = try await h.member([truckerType])
        let broker = try await h.member([brokerType])
        let stranger = try await h.member([shipperType])
        let deal = try await h.create(shipper, direction: direction, businessType: shipperType)
        _ = try await h.add(deal, forwarder.organization, businessType: forwarderType, overrides: forwarderOverrides, by: shipper)
        _ = try await h.add(deal, carrier.organization, businessType: carrierType, by: shipper)
        _ = try await h.add(deal, trucker.organization, businessType: truckerType, by: shipper)
        _ = try await h.add(deal, broker.organization, businessType: brokerType, by: shipper)
        return FormWorld(
            h: h, deal: deal, shipper: shipper, forwarder: forwarder, carrier: carrier, trucker: trucker, broker: broker,
            stranger: stranger)
    }

    func form(_ id: String) -> String { "\(deal.name)/forms/\(id)" }

    /// The required fields of a booking request (UL010).
    static let bookingRequest: [String: String] = [
        "shipperName": "Nippon Export Co.", "oceanCarrierName": "Ocean Network Express", "portOfLoading": "Tokyo",
        "portOfLoadingCode": "JPTYO", "portOfDischarge": "Los Angeles", "portOfDischargeCode": "USLAX",
        "etd": "2026-11-21", "modeFclLcl": "FCL", "freightPaymentTerms": "PREPAID", "commodity": "Machine parts",
    ]
    static let containerRequests: [String: [[String: String]]] = [
        "containerRequests": [["sizeType": "22G1", "numberOfContainers": "2"]]
    ]

    /// The booking confirmation's own required fields on top of the shared ones a booking request fills.
    static let bookingConfirmation: [String: String] = [
        "bookingNo": "BK123456", "scacCode": "ONEY", "vesselName": "ONE HARMONY", "voyageNo": "012E",
        "cargoCutOffDate": "2026-11-19",
    ]

    /// What a shipping instruction (UL040) needs on top of a booking request's values.
    static let shippingInstruction: [String: String] = [
        "bookingNo": "BK123456", "consigneeName": "US Buyer Inc.", "vesselName": "ONE HARMONY", "voyageNo": "012E",
        "blType": "ORIGINAL",
    ]
    static let cargoLines: [String: [[String: String]]] = [
        "cargoLines": [
            ["description": "Machine parts", "numberOfPackages": "20", "packageType": "CT", "grossWeight": "8000",
             "grossWeightUnit": "KGM", "hsCode": "8483.40.000"]
        ]
    ]
}
