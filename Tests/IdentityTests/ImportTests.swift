import CyberPortTestSupport
import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit
import Testing

@Suite("Users: invitations and CSV import", .timeLimit(.minutes(2)))
struct ImportTests {
    static func importRequest(_ company: ActiveCompany, csv: String, validateOnly: Bool = false) -> Cyberport_Identity_V1_ImportUsersRequest {
        var request = Cyberport_Identity_V1_ImportUsersRequest()
        request.parent = company.name
        request.csv = csv
        request.validateOnly = validateOnly
        return request
    }

    static func accept(_ token: String, _ password: String) -> Cyberport_Identity_V1_AcceptInvitationRequest {
        var request = Cyberport_Identity_V1_AcceptInvitationRequest()
        request.invitationToken = token
        request.password = password
        return request
    }

    @Test("an invitation is accepted once with a password; the user then logs in", arguments: TestBackend.available)
    func invitation(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let invited = try await identity.inviteUser(in: company, email: "Sato.Hanako@Example.co.jp", role: .administrator)
            let user = try #require(invited.user)
            #expect(user.state == .invited)
            #expect(user.email == "sato.hanako@example.co.jp")
            #expect(user.role == .administrator)
            #expect(user.businessTypes == ["customsBroker", "forwarder"])
            #expect(invited.invitationToken.hasPrefix("cpi_"))
            #expect(invited.invitationExpireTime != nil)

            // The password rules apply (here: the e-mail's local part).
            await expectRPCError(.invalidArgument, field: "password", reason: "WEAK_PASSWORD") {
                try await identity.users.acceptInvitation(Self.accept(invited.invitationToken, "Sato.Hanako-2024"), options: identity.anonymous)
            }
            await expectRPCError(.unauthenticated, reason: "INVALID_INVITATION") {
                try await identity.users.acceptInvitation(Self.accept("cpi_bogus_token", "Quay-Crane-2024"), options: identity.anonymous)
            }
            let accepted = try await identity.users.acceptInvitation(
                Self.accept(invited.invitationToken, "Quay-Crane-2024"), options: identity.anonymous)
            #expect(accepted.state == .active)
            #expect(accepted.name == user.name)

            let token = try await identity.login("sato.hanako@example.co.jp", "Quay-Crane-2024")
            #expect(try await identity.caller(identity.options(token)).roles == ["administrator"])

            // The token works once.
            await expectRPCError(.unauthenticated, reason: "INVALID_INVITATION") {
                try await identity.users.acceptInvitation(
                    Self.accept(invited.invitationToken, "Another-Pass-2024"), options: identity.anonymous)
            }
            _ = try await identity.login("sato.hanako@example.co.jp", "Quay-Crane-2024")
        }
    }

    @Test("a valid CSV invites every row, quoted fields included", arguments: TestBackend.available)
    func validImport(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let branch = try await identity.createOrganization(in: company, displayName: "横浜支店", businessTypes: ["forwarder"])
            let branchID = String(branch.name.split(separator: "/").last!)
            let csv = """
                email,display_name,organization,role\r
                suzuki@example.co.jp,"Suzuki, Ichiro",\(company.organization),user\r
                Tanaka@Example.co.jp,"田中 ""タナ"" 次郎",\(branchID),administrator\r
                "kato@example.co.jp",加藤 三郎,\(branch.name),\r

                """
            let response = try await identity.users.importUsers(Self.importRequest(company, csv: csv), options: company.admin)
            #expect(response.imported)
            #expect(response.rows.map(\.line) == [2, 3, 4])
            #expect(response.rows.map(\.email) == ["suzuki@example.co.jp", "tanaka@example.co.jp", "kato@example.co.jp"])
            #expect(response.rows.allSatisfy { $0.error.isEmpty && $0.invitationToken.hasPrefix("cpi_") && $0.user != nil })
            #expect(Set(response.rows.map(\.invitationToken)).count == 3)
            let users = response.rows.compactMap(\.user)
            #expect(users.map(\.displayName) == ["Suzuki, Ichiro", "田中 \"タナ\" 次郎", "加藤 三郎"])
            #expect(users.map(\.organization) == [company.organization, branch.name, branch.name])
            #expect(users.map(\.role) == [.user, .administrator, .user])
            #expect(users.allSatisfy { $0.state == .invited })
            #expect(users[1].businessTypes == ["forwarder"])

            let listed = try await identity.allUsers(of: company.name, company.admin)
            #expect(listed.count == 4)
            #expect(Set(listed.map(\.email)).isSuperset(of: ["suzuki@example.co.jp", "tanaka@example.co.jp", "kato@example.co.jp"]))

            // The invitation tokens work.
            let accepted = try await identity.users.acceptInvitation(
                Self.accept(response.rows[0].invitationToken, "Berth-Window-42"), options: identity.anonymous)
            #expect(accepted.email == "suzuki@example.co.jp")
            _ = try await identity.login("suzuki@example.co.jp", "Berth-Window-42")

            // Importing the same people again fails row by row (they exist now) and creates nothing.
            let again = try await identity.users.importUsers(Self.importRequest(company, csv: csv), options: company.admin)
            #expect(!again.imported)
            #expect(again.rows.allSatisfy { !$0.error.isEmpty && $0.invitationToken.isEmpty && $0.user == nil })
            #expect(try await identity.allUsers(of: company.name, company.admin).count == 4)
        }
    }

    @Test("one bad row fails the whole import and nothing is created", arguments: TestBackend.available)
    func invalidRows(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let before = try await identity.allUsers(of: company.name, company.admin).count
            let missingOrganization = "\(company.name)/organizations/\(ResourceID.generate())"
            let otherCompanyOrganization = "companies/\(ResourceID.generate())/organizations/\(ResourceID.generate())"
            let csv = """
                email,display_name,organization,role
                good.one@example.co.jp,Good One,\(company.organization),user
                not-an-email,Bad Mail,\(company.organization),user
                twice@example.co.jp,Twice A,\(company.organization),user
                TWICE@example.co.jp,Twice B,\(company.organization),user
                lost@example.co.jp,Lost,\(missingOrganization),user
                elsewhere@example.co.jp,Elsewhere,\(otherCompanyOrganization),user
                boss@example.co.jp,Boss,\(company.organization),superuser
                \(company.registered.adminEmail),Existing,\(company.organization),user
                """
            let response = try await identity.users.importUsers(Self.importRequest(company, csv: csv), options: company.admin)
            #expect(!response.imported)
            #expect(response.rows.count == 8)
            #expect(response.rows.map(\.line) == Array(2...9))
            let failed = response.rows.filter { !$0.error.isEmpty }.map(\.line)
            #expect(failed == [3, 5, 6, 7, 8, 9])
            #expect(response.rows.allSatisfy { $0.user == nil && $0.invitationToken.isEmpty })
            #expect(response.rows[3].error.contains("line 4"))
            #expect(try await identity.allUsers(of: company.name, company.admin).count == before)
        }
    }

    @Test("validate_only checks everything and creates nothing", arguments: TestBackend.available)
    func validateOnly(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let csv = "email,display_name,organization\nito@example.co.jp,伊藤,\(company.organization)\nabe@example.co.jp,阿部,\(company.organization)\n"
            let response = try await identity.users.importUsers(
                Self.importRequest(company, csv: csv, validateOnly: true), options: company.admin)
            #expect(!response.imported)
            #expect(response.rows.count == 2)
            #expect(response.rows.allSatisfy { $0.error.isEmpty && $0.user == nil && $0.invitationToken.isEmpty })
            #expect(try await identity.allUsers(of: company.name, company.admin).count == 1)
            // The same file imports for real afterwards.
            let real = try await identity.users.importUsers(Self.importRequest(company, csv: csv), options: company.admin)
            #expect(real.imported)
            #expect(try await identity.allUsers(of: company.name, company.admin).count == 3)
        }
    }

    @Test("a file that is not a user list is INVALID_ARGUMENT for csv", arguments: TestBackend.available)
    func malformedFiles(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let files = [
                "mail,name,org,role\nx@example.co.jp,X,\(company.organization),user\n",
                "email,display_name,organization,role\n",
                "email,display_name,organization,role\n\"x@example.co.jp,X,\(company.organization),user\n",
                "email,display_name,organization,role\nx@exa\"mple.co.jp,X,\(company.organization),user\n",
            ]
            for csv in files {
                await expectRPCError(.invalidArgument, field: "csv", Comment(rawValue: csv)) {
                    try await identity.users.importUsers(Self.importRequest(company, csv: csv), options: company.admin)
                }
            }
            let tooMany = "email,display_name,organization,role\n"
                + (1...1001).map { "u\($0)@example.co.jp,U\($0),\(company.organization),user\n" }.joined()
            await expectRPCError(.resourceExhausted, reason: "TOO_MANY_ROWS") {
                try await identity.users.importUsers(Self.importRequest(company, csv: tooMany), options: company.admin)
            }
            await expectRPCError(.invalidArgument, field: "csv", reason: "REQUIRED_FIELD") {
                try await identity.users.importUsers(Self.importRequest(company, csv: ""), options: company.admin)
            }
            #expect(try await identity.allUsers(of: company.name, company.admin).count == 1)
        }
    }
}
