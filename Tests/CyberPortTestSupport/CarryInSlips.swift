import PortAPI
import PortProtocol
import PortRPC

/// Container forms filled and sent through the real FormService client, for the tests of the container movement
/// feed (Deals) and of the figures built from it (Stats).
public struct ContainerForms: Sendable {
    public let forms: Cyberport_Deals_V1_FormServiceClient

    public init(_ client: RPCClient) { forms = Cyberport_Deals_V1_FormServiceClient(client) }

    /// The shared values every carry-in slip needs, for an export from `portOfLoading`.
    public static func exportValues(portOfLoading: String) -> [String: String] {
        [
            "bookingNo": "BK-FEED-1", "oceanCarrierName": "Ocean Network Express", "vesselName": "ONE HARMONY",
            "voyageNo": "012E", "portOfLoadingCode": portOfLoading, "portOfDischargeCode": "USLAX",
            "containerDeliveryPlaceName": "Oi Terminal", "forwarderName": "Port Forwarding KK",
        ]
    }

    /// Creates, fills and sends the carry-in slip (UL090) of `container` on `deal` ("deals/…"); returns the sent form.
    @discardableResult
    public func sendCarryInSlip(
        deal: String, container: String, sizeType: String, date: String, time: String = "",
        portOfLoading: String = "JPTYO", fullOrEmpty: String = "", options: CallOptions
    ) async throws -> Cyberport_Deals_V1_Form {
        var values = Self.exportValues(portOfLoading: portOfLoading)
        values["sizeType"] = sizeType
        values["sealNo"] = "SL\(container.suffix(4))"
        values["containerDeliveryDate"] = date
        values["commodity"] = "Machine parts"
        values["cargoWeight"] = "10200"
        values["cargoWeightUnit"] = "KGM"
        if !time.isEmpty { values["containerDeliveryTime"] = time }
        if !fullOrEmpty.isEmpty { values["fullOrEmpty"] = fullOrEmpty }
        return try await send(deal: deal, code: "UL090", key: container, values: values, options: options)
    }

    /// Creates form `code` (unit key `key`) on `deal`, writes `values` and sends it; returns the sent form.
    @discardableResult
    public func send(
        deal: String, code: String, key: String, values: [String: String], options: CallOptions
    ) async throws -> Cyberport_Deals_V1_Form {
        var create = Cyberport_Deals_V1_CreateFormRequest()
        create.parent = deal
        create.formCode = code
        create.unitKey = key
        let form = try await forms.createForm(create, options: options)
        var input = Cyberport_Deals_V1_Form()
        input.name = form.name
        input.etag = form.etag
        var data = Cyberport_Deals_V1_FormData()
        data.values = values
        input.data = data
        var update = Cyberport_Deals_V1_UpdateFormRequest()
        update.form = input
        var mask = Google_Protobuf_FieldMask()
        mask.paths = values.keys.sorted()
        update.updateMask = mask
        let updated = try await forms.updateForm(update, options: options)
        var sendRequest = Cyberport_Deals_V1_SendFormRequest()
        sendRequest.name = updated.name
        sendRequest.etag = updated.etag
        return try await forms.sendForm(sendRequest, options: options)
    }
}
