import CyberPortTestSupport
import IdentityKit
import PortAuth
import PortAPI
import PortProtocol
import PortRPC
import Testing

@Suite("Restart on the same database", .timeLimit(.minutes(2)))
struct RestartTests {
    @Test("tokens issued before a restart still verify and the data is still there", arguments: TestBackend.available)
    func restart(backend: TestBackend) async throws {
        try await TestConcurrency.limiter.acquire()
        do {
            let database = try TestDatabase(backend)
            do {
                try await Self.run(database)
            } catch {
                Issue.record(error)
            }
            await database.destroy()
        } catch {
            Issue.record(error)
        }
        await TestConcurrency.limiter.release()
    }

    static func run(_ database: TestDatabase) async throws {
        // First life.
        let first = try await IdentityHarness.start(on: database)
        let company: ActiveCompany
        let session: Cyberport_Identity_V1_TokenGrant
        let member: CreatedUser
        let keyIDs: [String]
        do {
            company = try await first.activeCompany()
            member = try await first.createUser(in: company)
            session = try await first.grant(member.email, member.password)
            keyIDs = try await first.auth.getSigningKeys(Cyberport_Identity_V1_GetSigningKeysRequest(), options: first.anonymous)
                .keys.map(\.keyId)
        } catch {
            await first.stop()
            throw error
        }
        await first.stop()

        // Second life on the same data: no second operator, the same keys.
        let second = try await IdentityHarness.start(on: database)
        do {
            let keys = try await second.auth.getSigningKeys(Cyberport_Identity_V1_GetSigningKeysRequest(), options: second.anonymous)
            #expect(keys.keys.map(\.keyId) == keyIDs)

            // Access tokens of the first life verify, remotely and in-process.
            let caller = try await second.caller(second.options(session.accessToken))
            #expect(caller.subject == member.name)
            #expect(try await second.caller(second.options(company.adminToken)).subject == company.administrator)
            #expect(try second.identity.verifier.verify(session.accessToken).subject == member.name)

            // The refresh token of the first life works.
            let refreshed = try await second.refresh(session.refreshToken)
            #expect(try await second.caller(second.options(refreshed.accessToken)).subject == member.name)

            // The data is there.
            var get = Cyberport_Identity_V1_GetCompanyRequest()
            get.name = company.name
            let stored = try await second.companies.getCompany(get, options: company.admin)
            #expect(stored.status == .approved)
            #expect(stored.corporateNumber == company.registered.corporateNumber)
            let users = try await second.allUsers(of: company.name, company.admin)
            #expect(Set(users.map(\.name)) == [company.administrator, member.name])
            _ = try await second.login(company.registered.adminEmail, company.registered.adminPassword)

            // The bootstrap operator was not duplicated.
            let operatorOptions = try await second.operatorOptions()
            let platform = try await second.caller(operatorOptions).company
            let all = try await second.companies.listCompanies(Cyberport_Identity_V1_ListCompaniesRequest(), options: operatorOptions)
            #expect(all.companies.filter { $0.kind == .platform }.map(\.name) == [platform])
            var users2 = Cyberport_Identity_V1_ListUsersRequest()
            users2.parent = platform
            #expect(try await second.users.listUsers(users2, options: operatorOptions).users.count == 1)
        } catch {
            await second.stop()
            throw error
        }
        await second.stop()
    }
}
