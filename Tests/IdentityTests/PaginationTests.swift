import CyberPortTestSupport
import PortAPI
import PortProtocol
import PortRPC
import Testing

@Suite("Pagination", .timeLimit(.minutes(2)))
struct PaginationTests {
    @Test("ListUsers pages return every user exactly once; tokens are bound to their filter", arguments: TestBackend.available)
    func listUsers(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            var expected = [company.administrator]
            for _ in 0..<4 {
                expected.append(try await identity.createUser(in: company).name)
            }

            var seen: [String] = []
            var pageSizes: [Int] = []
            var request = Cyberport_Identity_V1_ListUsersRequest()
            request.parent = company.name
            request.pageSize = 2
            var firstToken = ""
            repeat {
                let page = try await identity.users.listUsers(request, options: company.admin)
                seen += page.users.map(\.name)
                pageSizes.append(page.users.count)
                if firstToken.isEmpty { firstToken = page.nextPageToken }
                request.pageToken = page.nextPageToken
            } while !request.pageToken.isEmpty && pageSizes.count < 10
            #expect(pageSizes == [2, 2, 1])
            #expect(seen.count == 5)
            #expect(Set(seen) == Set(expected))
            // Ordered by creation.
            #expect(seen == expected)

            // The same token with a different filter (or parent) is refused.
            var filtered = Cyberport_Identity_V1_ListUsersRequest()
            filtered.parent = company.name
            filtered.pageSize = 2
            filtered.pageToken = firstToken
            filtered.organization = company.organization
            await expectRPCError(.invalidArgument, field: "page_token") {
                try await identity.users.listUsers(filtered, options: company.admin)
            }
            // … while the same parameters keep working, and a different page size is allowed.
            filtered.organization = ""
            filtered.pageSize = 10
            let rest = try await identity.users.listUsers(filtered, options: company.admin)
            #expect(rest.users.map(\.name) == Array(expected.dropFirst(2)))
            #expect(rest.nextPageToken.isEmpty)

            // A token of another list is refused too.
            var organizations = Cyberport_Identity_V1_ListOrganizationsRequest()
            organizations.parent = company.name
            organizations.pageToken = firstToken
            await expectRPCError(.invalidArgument, field: "page_token") {
                try await identity.organizations.listOrganizations(organizations, options: company.admin)
            }
        }
    }

    @Test("ListCompanies pages through many companies", arguments: TestBackend.available)
    func listCompanies(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            var registered: [String] = []
            for _ in 0..<7 {
                registered.append(try await identity.registerCompany(businessTypes: ["roadTransport"]).name)
            }
            let operatorOptions = try await identity.operatorOptions()
            var request = Cyberport_Identity_V1_ListCompaniesRequest()
            request.status = .pending
            request.pageSize = 3
            var seen: [String] = []
            var pages = 0
            repeat {
                let page = try await identity.companies.listCompanies(request, options: operatorOptions)
                seen += page.companies.map(\.name)
                pages += 1
                request.pageToken = page.nextPageToken
            } while !request.pageToken.isEmpty && pages < 10
            #expect(pages == 3)
            #expect(seen == registered)
            // Changing the status filter invalidates the token.
            request.pageSize = 3
            request.pageToken = ""
            let first = try await identity.companies.listCompanies(request, options: operatorOptions)
            request.pageToken = first.nextPageToken
            request.status = .approved
            await expectRPCError(.invalidArgument, field: "page_token") {
                try await identity.companies.listCompanies(request, options: operatorOptions)
            }
        }
    }
}
