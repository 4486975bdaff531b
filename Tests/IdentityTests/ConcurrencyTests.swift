import CyberPortTestSupport
import PortAPI
import PortProtocol
import PortRPC
import Testing

@Suite("Concurrent requests", .timeLimit(.minutes(2)))
struct ConcurrencyTests {
    /// The outcome of one concurrent call: success, or the status code.
    enum Outcome: Sendable, Equatable {
        case ok
        case failed(StatusCode, String?)
    }

    static func outcome(_ body: @Sendable () async throws -> Void) async -> Outcome {
        do {
            try await body()
            return .ok
        } catch let error as RPCError {
            return .failed(error.code, error.errorDetails.reason)
        } catch {
            return .failed(.unknown, "\(error)")
        }
    }

    @Test("concurrent registrations with the same e-mail: exactly one wins", arguments: TestBackend.available)
    func sameEmail(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let email = uniqueEmail("race")
            let outcomes = await withTaskGroup(of: Outcome.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        await Self.outcome {
                            _ = try await identity.companies.registerCompany(
                                IdentityHarness.registration(businessTypes: ["forwarder"], adminEmail: email),
                                options: identity.anonymous)
                        }
                    }
                }
                var all: [Outcome] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.filter { $0 == .ok }.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0 == .failed(.alreadyExists, "ALREADY_EXISTS") }.count == 7, "\(outcomes)")
        }
    }

    @Test("concurrent refreshes of one token: at most one succeeds and the session ends", arguments: TestBackend.available)
    func sameRefreshToken(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let grant = try await identity.grant(company.registered.adminEmail, company.registered.adminPassword)
            let refreshToken = grant.refreshToken
            let results = await withTaskGroup(of: (Outcome, String).self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        do {
                            let new = try await identity.refresh(refreshToken)
                            return (.ok, new.refreshToken)
                        } catch let error as RPCError {
                            return (.failed(error.code, error.errorDetails.reason), "")
                        } catch {
                            return (.failed(.unknown, "\(error)"), "")
                        }
                    }
                }
                var all: [(Outcome, String)] = []
                for await result in group { all.append(result) }
                return all
            }
            let winners = results.filter { $0.0 == .ok }
            #expect(winners.count <= 1, "\(results.map(\.0))")
            #expect(results.filter { $0.0 != .ok }.allSatisfy {
                if case .failed(let code, _) = $0.0 { return code == .unauthenticated }
                return false
            }, "\(results.map(\.0))")
            // Reuse was detected: whatever the winner got no longer works either.
            for winner in winners {
                await expectRPCError(.unauthenticated) {
                    try await identity.refresh(winner.1)
                }
            }
        }
    }

    @Test("concurrent invitation acceptance: the token works once", arguments: TestBackend.available)
    func sameInvitation(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let invited = try await identity.inviteUser(in: company)
            let token = invited.invitationToken
            let outcomes = await withTaskGroup(of: Outcome.self) { group in
                for index in 0..<5 {
                    group.addTask {
                        await Self.outcome {
                            _ = try await identity.users.acceptInvitation(
                                ImportTests.accept(token, "Concurrent-Pass-\(index)x"), options: identity.anonymous)
                        }
                    }
                }
                var all: [Outcome] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            #expect(outcomes.filter { $0 == .ok }.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0 != .ok }.allSatisfy { $0 == .failed(.unauthenticated, "INVALID_INVITATION") }, "\(outcomes)")
        }
    }
}
