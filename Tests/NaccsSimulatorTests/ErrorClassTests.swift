import NaccsLink
import NaccsMessages
import NaccsSimulatorKit
import Testing

/// A-class answers for headers and credentials, S/R/E-class answers naming the item.
@Suite("NACCS simulator result codes")
struct ErrorClassTests {
    @Test("A-class: unknown business code, user, password, malformed header; none is held in the mailbox")
    func systemErrors() async throws {
        try await SimulatorHarness.with { h in
            func firstCode(_ message: NaccsInputMessage, _ credential: NaccsCredential) async throws -> (NaccsResultCode?, UInt64) {
                let outputs = try await h.link.send(message, as: credential)
                return (try outputs.first?.message.resultCodes().first, outputs.first?.sequence ?? 99)
            }
            let unknownCode = NaccsInputMessage(header: NaccsInputHeader(businessCode: "ZZZ"), body: [])
            #expect(try await firstCode(unknownCode, SimulatorHarness.broker) == (NaccsResultCode(.system, 1), 0))
            let valid = try h.message("ICN", NaccsItemValues(["CNO": "CSQU3054383"]))
            let stranger = NaccsCredential(userCode: "NOONE", identificationNumber: "001", password: "Brok3rPw")
            #expect(try await firstCode(valid, stranger) == (NaccsResultCode(.system, 3), 0))
            let wrong = NaccsCredential(userCode: "BRK01", identificationNumber: "001", password: "wrongpw1")
            #expect(try await firstCode(valid, wrong) == (NaccsResultCode(.system, 4), 0))
            var blankSystem = valid
            blankSystem.header.systemID = ""
            #expect(try await firstCode(blankSystem, SimulatorHarness.broker) == (NaccsResultCode(.system, 16), 0))
            // Retrieval with a wrong password is refused.
            await #expect(throws: NaccsLinkError.permanent(.rejected(NaccsResultCode(.system, 4)))) {
                _ = try await h.link.retrieveOutputs(for: wrong, after: 0, waitingUpTo: .zero)
            }
            let nothing = try await h.link.retrieveOutputs(for: SimulatorHarness.broker, after: 0, waitingUpTo: .zero)
            #expect(nothing.isEmpty)
        }
    }

    @Test("S-class: mandatory items, formats, allowed values, ISO 6346, CYA dates over a year old")
    func singleItemErrors() async throws {
        try await SimulatorHarness.with { h in
            let missing = try await h.send("CYA", NaccsItemValues(["CNO": "CSQU3054383", "DTM": SimulatorHarness.japanDate()]), as: SimulatorHarness.terminal)
            #expect(missing.codes == [NaccsResultCode(.singleItem, 1, item: "EFG"), NaccsResultCode(.singleItem, 1, item: "CYC")])
            #expect(missing.outputs.count == 1)

            let formats = try await h.send(
                "CYA", NaccsItemValues(["CNO": "CSQU3054383", "DTM": "20240231", "TIM": "2500", "EFG": "3", "CYC": "3HTK1"]),
                as: SimulatorHarness.terminal)
            #expect(formats.codes == [
                NaccsResultCode(.singleItem, 3, item: "DTM"), NaccsResultCode(.singleItem, 3, item: "TIM"),
                NaccsResultCode(.singleItem, 5, item: "EFG"),
            ])

            let checkDigit = try await h.send(
                "CYA", NaccsItemValues(["CNO": "CSQU3054384", "DTM": SimulatorHarness.japanDate(), "EFG": "5", "CYC": "3HTK1"]),
                as: SimulatorHarness.terminal)
            #expect(checkDigit.codes == [NaccsResultCode(.singleItem, 4, item: "CNO")])

            let old = try await h.send(
                "CYA", NaccsItemValues(["CNO": "CSQU3054383", "DTM": SimulatorHarness.japanDate(addingDays: -400), "EFG": "5", "CYC": "3HTK1"]),
                as: SimulatorHarness.terminal)
            #expect(old.codes == [NaccsResultCode(.singleItem, 6, item: "DTM")])
            let recent = try await h.send(
                "CYA", NaccsItemValues(["CNO": "CSQU3054383", "DTM": SimulatorHarness.japanDate(addingDays: -300), "EFG": "4", "CYC": "3HTK1"]),
                as: SimulatorHarness.terminal)
            #expect(recent.isNormal)

            // The third container of a VAE fails the check digit: the code names its occurrence.
            let ecn = try #require(
                try await h.send(
                    "ECR", NaccsItemValues(["SHN": "A", "CMD": "B", "PKN": "1", "PKT": "CT", "GWT": "1", "GWU": "KGM"]),
                    as: SimulatorHarness.forwarder
                ).result["ECN"])
            let vae = try await h.send(
                "VAE", NaccsItemValues(["ECN": ecn], rows: ["CNO": ["CSQU3054383", "MWCU6059784", "MWCU6059785"]]),
                as: SimulatorHarness.forwarder)
            #expect(vae.codes == [NaccsResultCode(.singleItem, 4, item: "CNO", repetition: 3)])
        }
    }

    @Test("R- and E-class: relations, unknown numbers, duplicates, wrong state, bodies that do not fit the layout")
    func relationAndBusinessErrors() async throws {
        try await SimulatorHarness.with { h in
            let neither = try await h.send("IEX", NaccsItemValues(), as: SimulatorHarness.broker)
            #expect(neither.codes == [NaccsResultCode(.itemRelation, 1, item: "DNO")])
            let unknown = try await h.send("EDC", NaccsItemValues(["DNO": "19999999999"]), as: SimulatorHarness.broker)
            #expect(unknown.codes == [NaccsResultCode(.businessCondition, 3, item: "DNO")])
            let unknownECN = try await h.send(
                "VAN", NaccsItemValues(["CNO": "CSQU3054383"], rows: ["ECN": ["EC000000001", "NOPE"]]), as: SimulatorHarness.forwarder)
            #expect(unknownECN.codes == [
                NaccsResultCode(.businessCondition, 3, item: "ECN", repetition: 1), NaccsResultCode(.businessCondition, 3, item: "ECN", repetition: 2),
            ])
            let booking = NaccsItemValues(
                ["BKN": "BKDUP", "SCC": "ONEY", "VSN": "JXYZ", "VOY": "1", "POL": "JPTYO", "POD": "USLAX"], rows: ["RST": ["22G1"], "RQT": ["1"]])
            #expect(try await h.send("BKR", booking, as: SimulatorHarness.carrier).isNormal)
            #expect(try await h.send("BKR", booking, as: SimulatorHarness.carrier).codes == [NaccsResultCode(.businessCondition, 2, item: "BKN")])
            let cyo = try await h.send(
                "CYO", NaccsItemValues(["CNO": "CSQU3054383", "DTM": SimulatorHarness.japanDate(), "EFG": "5", "CYC": "3HTK1"]),
                as: SimulatorHarness.terminal)
            #expect(cyo.codes == [NaccsResultCode(.businessCondition, 4, item: "CNO")])
            let callUnknown = try await h.send("EDB", NaccsItemValues(["DNO": "10000000999"]), as: SimulatorHarness.broker)
            #expect(callUnknown.codes == [NaccsResultCode(.businessCondition, 3, item: "DNO")])

            // A body with one line too many for CYA's layout.
            var message = try h.message("CYA", NaccsItemValues(["CNO": "CSQU3054383"]))
            message.body += Array("EXTRA\r\n".utf8)
            let outputs = try await h.link.send(message, as: SimulatorHarness.terminal)
            #expect(try outputs.first?.message.resultCodes() == [NaccsResultCode(.businessCondition, 1)])
            #expect(outputs.first?.sequence ?? 0 > 0)
        }
    }
}
