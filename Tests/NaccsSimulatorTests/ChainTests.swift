import NaccsLink
import NaccsMessages
import NaccsSimulatorKit
import Testing

/// The export and import chains through the TCP link against the in-process simulator: numbers issued by one
/// business code are used by the next, permits arrive later in the mailbox, inquiries return what is stored.
@Suite("NACCS simulator chains")
struct ChainTests {
    @Test("export: BKR → ECR → VAN → CYA → EDA → EDC → permit, then inquiries and call-ups")
    func exportChain() async throws {
        try await SimulatorHarness.with { h in
            let container = SimulatorHarness.container("TGH", 123_456)
            let bkr = try await h.send(
                "BKR",
                NaccsItemValues(
                    ["BKN": "BK2024001", "SCC": "ONEY", "VSN": "JXYZ", "VSL": "CYBER PORT MARU", "VOY": "001E", "POL": "JPTYO", "POD": "USLAX"],
                    rows: ["RST": ["22G1"], "RQT": ["1"]]),
                as: SimulatorHarness.carrier)
            #expect(bkr.isNormal)

            let ecr = try await h.send(
                "ECR",
                NaccsItemValues([
                    "BKN": "BK2024001", "SHN": "EXPORTER CO LTD", "CMD": "MACHINE PARTS", "PKN": "10", "PKT": "CT",
                    "GWT": "1234.5", "GWU": "KGM",
                ]),
                as: SimulatorHarness.forwarder, inputID: "ECR0000001")
            #expect(ecr.isNormal)
            let ecn = try #require(ecr.result["ECN"])
            #expect(ecr.outputs[0].message.header.subject == ecn)
            #expect(ecr.outputs[0].message.header.inputInformationID == "ECR0000001")
            #expect(ecr.outputs[0].message.header.indexHandOver == "deal EXP_TEST")
            #expect(ecr.outputs[0].message.header.userMailAddress == "fwd01@example.jp")

            let van = try await h.send(
                "VAN", NaccsItemValues(["CNO": container, "SNO": "SEAL001"], rows: ["ECN": [ecn]]), as: SimulatorHarness.forwarder)
            #expect(van.isNormal)

            let cya = try await h.send(
                "CYA",
                NaccsItemValues(["CNO": container, "DTM": SimulatorHarness.japanDate(), "TIM": "0930", "EFG": "5", "CYC": "3HTK1", "VSN": "JXYZ", "VOY": "001E"]),
                as: SimulatorHarness.terminal)
            #expect(cya.isNormal)

            var eda = NaccsItemValues(
                [
                    "ECN": ecn, "DKN": "EX", "CSO": "1AW1", "EXC": "JP1234567890", "EXN": "EXPORTER CO LTD", "CGN": "US BUYER INC",
                    "PKN": "10", "PKT": "CT", "GWT": "1234.5", "GWU": "KGM", "POL": "JPTYO", "DST": "USLAX",
                ],
                rows: ["HSC": ["847330000"], "DSC": ["MACHINE PARTS"], "VAL": ["1500000"]])
            let edaAnswer = try await h.send("EDA", eda, as: SimulatorHarness.broker)
            #expect(edaAnswer.isNormal)
            let declaration = try #require(edaAnswer.result["DNO"])
            #expect(declaration.count == 11)
            eda["DNO"] = nil
            #expect(edaAnswer.reply == eda, "EDA (register and call) answers with the registered items")

            let edb = try await h.send("EDB", NaccsItemValues(["DNO": declaration]), as: SimulatorHarness.broker)
            #expect(edb.reply == eda)

            let before = try await h.send("IEX", NaccsItemValues(["DNO": declaration]), as: SimulatorHarness.broker)
            #expect(before.reply?["STS"] == "10")

            let edc = try await h.send("EDC", NaccsItemValues(["DNO": declaration]), as: SimulatorHarness.broker, inputID: "EDC0000001")
            #expect(edc.isNormal)
            #expect(edc.result["STS"] == "20")
            let lastImmediate = try #require(edc.outputs.map(\.sequence).max())

            let permit = try await h.awaitOutput("SEX2010", for: SimulatorHarness.broker, after: lastImmediate)
            #expect(permit.message.header.kind == .report)
            #expect(permit.message.header.inputInformationID == "EDC0000001")
            let report = try #require(h.catalog.report(outputCode: "SEX2010"))
            let permitValues = try report.layout.decode(permit.message.body)
            #expect(permitValues["DNO"] == declaration)
            #expect(permitValues["ECN"] == ecn)
            #expect(permitValues["PMD"] == SimulatorHarness.japanDate() || permitValues["PMD"] == SimulatorHarness.japanDate(addingDays: 1))

            let after = try await h.send("IEX", NaccsItemValues(["ECN": ecn]), as: SimulatorHarness.broker)
            #expect(after.reply?["DNO"] == declaration)
            #expect(after.reply?["STS"] == "30")
            #expect(after.reply?["PMD"] == permitValues["PMD"])

            let icn = try await h.send("ICN", NaccsItemValues(["CNO": container]), as: SimulatorHarness.terminal)
            #expect(icn.reply?["STS"] == "02")
            #expect(icn.reply?["EFG"] == "5")
            let icg = try await h.send("ICG", NaccsItemValues(["ECN": ecn]), as: SimulatorHarness.forwarder)
            #expect(icg.reply?.occurrences("CNO") == [container])
            #expect(icg.reply?["STS"] == "30")
            let ici = try await h.send("ICI", NaccsItemValues(["VSN": "JXYZ", "VOY": "001E"]), as: SimulatorHarness.carrier)
            #expect(ici.reply?["CNT"] == "1")
            let ies = try await h.send(
                "IES",
                NaccsItemValues(["EXC": "JP1234567890", "DFR": SimulatorHarness.japanDate(addingDays: -1), "DTO": SimulatorHarness.japanDate(addingDays: 1)]),
                as: SimulatorHarness.broker)
            #expect(ies.reply?["CNT"] == "1")
            #expect(ies.reply?.occurrences("DNO") == [declaration])
            let ecr11 = try await h.send("ECR11", NaccsItemValues(["ECN": ecn]), as: SimulatorHarness.forwarder)
            #expect(ecr11.reply?["SHN"] == "EXPORTER CO LTD")

            // A permitted declaration cannot be declared again.
            let again = try await h.send("EDC", NaccsItemValues(["DNO": declaration]), as: SimulatorHarness.broker)
            #expect(again.codes == [NaccsResultCode(.businessCondition, 4, item: "DNO")])
        }
    }

    @Test("import: IDA → IDC → permit → DOR, and DOR refused before the permit")
    func importChain() async throws {
        try await SimulatorHarness.with { h in
            let container = SimulatorHarness.container("MSK", 765_432)
            let ida = try await h.send(
                "IDA",
                NaccsItemValues(
                    [
                        "BLN": "BL2024IMP01", "DKN": "IC", "CSO": "1AW1", "IMC": "JP9876543210", "IMN": "IMPORTER KK", "POD": "JPTYO",
                        "PKN": "5", "PKT": "PK", "GWT": "800", "GWU": "KGM",
                    ],
                    rows: ["HSC": ["940360000"], "DSC": ["WOODEN FURNITURE"]]),
                as: SimulatorHarness.broker)
            #expect(ida.isNormal)
            let declaration = try #require(ida.result["DNO"])

            let early = try await h.send(
                "DOR", NaccsItemValues(["BLN": "BL2024IMP01"], rows: ["CNO": [container]]), as: SimulatorHarness.carrier)
            #expect(early.codes == [NaccsResultCode(.businessCondition, 4, item: "BLN")])

            let idc = try await h.send("IDC", NaccsItemValues(["DNO": declaration]), as: SimulatorHarness.broker)
            #expect(idc.isNormal)
            let permit = try await h.awaitOutput(
                "SIM2010", for: SimulatorHarness.broker, after: idc.outputs.map(\.sequence).max() ?? 0)
            let values = try #require(h.catalog.report(outputCode: "SIM2010")).layout.decode(permit.message.body)
            #expect(values["DNO"] == declaration)
            #expect(values["BLN"] == "BL2024IMP01")
            #expect(values["IMN"] == "IMPORTER KK")

            let iid = try await h.send("IID", NaccsItemValues(["BLN": "BL2024IMP01"]), as: SimulatorHarness.broker)
            #expect(iid.reply?["STS"] == "30")
            #expect(iid.reply?["DNO"] == declaration)

            let dor = try await h.send(
                "DOR", NaccsItemValues(["BLN": "BL2024IMP01", "DNO": declaration], rows: ["CNO": [container]]),
                as: SimulatorHarness.carrier)
            #expect(dor.isNormal)
            let rss = try await h.send(
                "RSS01",
                NaccsItemValues(["BLN": "BL2024IMP01", "PDT": SimulatorHarness.japanDate(addingDays: 2)], rows: ["CNO": [container]]),
                as: SimulatorHarness.carrier)
            #expect(rss.isNormal)
            #expect(rss.result["PID"]?.hasPrefix("P") == true)

            // An amendment after the permit: AMA issues an application number, AMC applies it.
            let ama = try await h.send(
                "AMA", NaccsItemValues(["DNO": declaration, "RSN": "VALUE CORRECTED"], rows: ["HSC": ["940360000"], "VAL": ["90000"]]),
                as: SimulatorHarness.broker)
            let application = try #require(ama.result["ANO"])
            let amc = try await h.send("AMC", NaccsItemValues(["ANO": application]), as: SimulatorHarness.broker)
            #expect(amc.result["STS"] == "30")
        }
    }
}
