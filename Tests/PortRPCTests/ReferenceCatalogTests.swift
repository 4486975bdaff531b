import PortProtocol
import PortRPC
import PortServiceKit
import Testing

@Suite("AIP-158 pagination and resource names of reference catalogues")
struct ReferenceCatalogTests {
    let catalog = ReferenceCatalog(
        collection: "things", resourceType: "thing", items: Array(1...7).map { "t\($0)" },
        paginator: Paginator(defaultPageSize: 3, maxPageSize: 5), id: { $0 })

    @Test func pagesCoverEveryItemOnce() throws {
        var seen: [String] = []
        var token = ""
        repeat {
            let page = try catalog.list(pageSize: 0, pageToken: token)
            #expect(page.items.count <= 3)
            #expect(page.totalSize == 7)
            seen += page.items
            token = page.nextPageToken
        } while !token.isEmpty
        #expect(seen == catalog.items)
        #expect(try catalog.list(pageSize: 50, pageToken: "").items.count == 5, "page_size above the maximum is coerced")
    }

    @Test func badPageArgumentsAreInvalidArgument() throws {
        let negative = #expect(throws: RPCError.self) { try catalog.list(pageSize: -1, pageToken: "") }
        #expect(negative?.code == .invalidArgument)
        let garbage = #expect(throws: RPCError.self) { try catalog.list(pageSize: 2, pageToken: "not-a-token") }
        #expect(garbage?.code == .invalidArgument)
        let token = try catalog.list(pageSize: 2, pageToken: "", query: "a").nextPageToken
        let otherQuery = #expect(throws: RPCError.self) { try catalog.list(pageSize: 2, pageToken: token, query: "b") }
        #expect(otherQuery?.message.contains("different parameters") == true)
    }

    @Test func getByResourceName() throws {
        #expect(try catalog.get(name: "things/t4") == "t4")
        #expect((#expect(throws: RPCError.self) { try catalog.get(name: "things/t9") })?.code == .notFound)
        #expect((#expect(throws: RPCError.self) { try catalog.get(name: "t4") })?.code == .invalidArgument)
        #expect((#expect(throws: RPCError.self) { try catalog.get(name: "") })?.code == .invalidArgument)
        #expect((#expect(throws: RPCError.self) { try catalog.get(name: "things/a/b") })?.code == .invalidArgument)
    }
}
