import DealsKit
import Logging
import PortAPI
import PortProtocol
import PortRPC
import Testing

/// The form catalogue through the real client against a real server on loopback.
@Suite("Form definitions")
struct FormDefinitionTests {
    @Test("all 39 forms of forms.tsv are listed in code order, and export/import filters split them")
    func listing() async throws {
        var configuration = ServerConfiguration()
        configuration.port = 0
        let server = RPCServer(services: try DealsServer.services(), configuration: configuration, logger: Logger(label: "test"))
        try await server.start()
        let client = try RPCClient(target: "127.0.0.1:\(try #require(server.localPort))")
        let deals = Cyberport_Deals_V1_DealServiceClient(client)
        var request = Cyberport_Deals_V1_ListFormDefinitionsRequest()
        request.pageSize = 100
        let all = try await deals.listFormDefinitions(request)
        #expect(all.formDefinitions.count == 39)
        #expect(all.formDefinitions.map(\.code) == all.formDefinitions.map(\.code).sorted())
        #expect(all.formDefinitions.first?.code == "UL010")
        request.direction = .import
        let imports = try await deals.listFormDefinitions(request)
        #expect(imports.formDefinitions.contains { $0.code == "UL290" })
        #expect(!imports.formDefinitions.contains { $0.code == "UL010" })
        await client.close()
        await server.shutdown()
    }
}
