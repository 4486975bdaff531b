import CyberPortTestSupport
import Foundation
import IdentityKit
import PortAPI
import PortProtocol
import PortRPC
import Testing

@Suite("Sessions: refresh, logout, lockout, password changes", .timeLimit(.minutes(2)))
struct SessionTests {
    @Test("refresh rotates the token; reusing an old one ends the whole session", arguments: TestBackend.available)
    func refreshRotation(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let first = try await identity.grant(company.registered.adminEmail, company.registered.adminPassword)
            let second = try await identity.refresh(first.refreshToken)
            #expect(!second.refreshToken.isEmpty)
            #expect(second.refreshToken != first.refreshToken)
            #expect(second.accessToken != first.accessToken)
            #expect(second.tokenType == "Bearer")
            #expect(try await identity.caller(identity.options(second.accessToken)).subject == company.administrator)
            let third = try await identity.refresh(second.refreshToken)

            // The first token comes back: the session is revoked.
            await expectRPCError(.unauthenticated, reason: "REFRESH_TOKEN_REUSED") {
                try await identity.refresh(first.refreshToken)
            }
            // … including the newest token of the family.
            await expectRPCError(.unauthenticated, reason: "SESSION_REVOKED") {
                try await identity.refresh(third.refreshToken)
            }
            // Other sessions of the same user are unaffected.
            let other = try await identity.grant(company.registered.adminEmail, company.registered.adminPassword)
            _ = try await identity.refresh(other.refreshToken)

            // Garbage and empty tokens.
            await expectRPCError(.unauthenticated, reason: "INVALID_REFRESH_TOKEN") {
                try await identity.refresh("cpr_nonsense")
            }
            await expectRPCError(.invalidArgument, field: "refresh_token") {
                try await identity.refresh("")
            }
        }
    }

    @Test("grants carry the configured lifetimes; expired refresh tokens are refused", arguments: TestBackend.available)
    func lifetimes(backend: TestBackend) async throws {
        try await withIdentity(backend, configure: { $0.accessTokenLifetime = 600; $0.refreshTokenLifetime = 1 }) { identity in
            let company = try await identity.activeCompany()
            let before = Int64(Date().timeIntervalSince1970)
            let grant = try await identity.grant(company.registered.adminEmail, company.registered.adminPassword)
            let after = Int64(Date().timeIntervalSince1970) + 1
            let accessExpiry = try #require(grant.accessTokenExpireTime).seconds
            let refreshExpiry = try #require(grant.refreshTokenExpireTime).seconds
            #expect((before + 600 - 1)...(after + 600) ~= accessExpiry)
            #expect((before + 1 - 1)...(after + 1) ~= refreshExpiry)
            let payload = try JWT.payload(grant.accessToken)
            #expect((payload["exp"] as? Int).map(Int64.init) == accessExpiry)
            #expect(try await identity.caller(identity.options(grant.accessToken)).expireTime?.seconds == accessExpiry)

            try await Task.sleep(for: .milliseconds(1100))
            await expectRPCError(.unauthenticated, reason: "REFRESH_TOKEN_EXPIRED") {
                try await identity.refresh(grant.refreshToken)
            }
        }
    }

    @Test("logout revokes the session", arguments: TestBackend.available)
    func logout(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let session = try await identity.grant(company.registered.adminEmail, company.registered.adminPassword)
            let rotated = try await identity.refresh(session.refreshToken)
            var logout = Cyberport_Identity_V1_LogoutRequest()
            logout.refreshToken = rotated.refreshToken
            _ = try await identity.auth.logout(logout, options: identity.anonymous)
            await expectRPCError(.unauthenticated, reason: "SESSION_REVOKED") {
                try await identity.refresh(rotated.refreshToken)
            }
            logout.refreshToken = "cpr_\(String(repeating: "a", count: 10))_x"
            await expectRPCError(.unauthenticated) {
                try await identity.auth.logout(logout, options: identity.anonymous)
            }
        }
    }

    @Test("five wrong passwords lock the account, even for the right password, until the lock expires", arguments: TestBackend.available)
    func lockout(backend: TestBackend) async throws {
        try await withIdentity(backend, configure: { $0.lockoutBase = 1 }) { identity in
            let company = try await identity.activeCompany()
            let email = company.registered.adminEmail
            for attempt in 1...5 {
                await expectRPCError(.unauthenticated, reason: "INVALID_CREDENTIALS", Comment(rawValue: "attempt \(attempt)")) {
                    try await identity.login(email, "Wrong-Password-\(attempt)")
                }
            }
            let locked = await expectRPCError(.resourceExhausted, reason: "LOGIN_LOCKED") {
                try await identity.login(email, company.registered.adminPassword)
            }
            #expect(locked?.errorDetails.metadata["retryAfterSeconds"] != nil)
            // Still locked with the e-mail in another case.
            await expectRPCError(.resourceExhausted) {
                try await identity.login(email.uppercased(), company.registered.adminPassword)
            }
            // The lock (lockoutBase = 1 s) expires; the right password works again and resets the counter.
            try await Task.sleep(for: .milliseconds(1100))
            _ = try await identity.login(email, company.registered.adminPassword)
            await expectRPCError(.unauthenticated, reason: "INVALID_CREDENTIALS") {
                try await identity.login(email, "Wrong-Password-again")
            }
            _ = try await identity.login(email, company.registered.adminPassword)
        }
    }

    @Test("unknown e-mails are locked out like real accounts, so lockouts reveal nothing", arguments: TestBackend.available)
    func unknownLockout(backend: TestBackend) async throws {
        try await withIdentity(backend, configure: { $0.lockoutBase = 1 }) { identity in
            let email = "nobody-\(UInt32.random(in: 0...UInt32.max))@example.co.jp"
            for attempt in 1...5 {
                await expectRPCError(.unauthenticated, reason: "INVALID_CREDENTIALS", Comment(rawValue: "attempt \(attempt)")) {
                    try await identity.login(email, "Wrong-Password-\(attempt)")
                }
            }
            let locked = await expectRPCError(.resourceExhausted, reason: "LOGIN_LOCKED") {
                try await identity.login(email, "Wrong-Password-6")
            }
            #expect(locked?.errorDetails.metadata["retryAfterSeconds"] != nil)
            try await Task.sleep(for: .milliseconds(1100))
            await expectRPCError(.unauthenticated, reason: "INVALID_CREDENTIALS") {
                try await identity.login(email, "Wrong-Password-7")
            }
        }
    }

    @Test("an unknown e-mail and a wrong password fail alike", arguments: TestBackend.available)
    func indistinguishableFailures(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let wrongPassword = await expectRPCError(.unauthenticated) {
                try await identity.login(company.registered.adminEmail, "Not-The-Password-1")
            }
            let unknownEmail = await expectRPCError(.unauthenticated) {
                try await identity.login("nobody-\(company.registered.id.prefix(8))@example.co.jp", "Not-The-Password-1")
            }
            let wrong = try #require(wrongPassword)
            let unknown = try #require(unknownEmail)
            #expect(wrong.message == unknown.message)
            #expect(wrong.errorDetails.reason == unknown.errorDetails.reason)
            #expect(wrong.errorDetails.metadata == unknown.errorDetails.metadata)
            // An invited user (no password yet) looks the same too.
            let invited = try await identity.inviteUser(in: company)
            let invitedError = await expectRPCError(.unauthenticated) {
                try await identity.login(try #require(invited.user).email, "Not-The-Password-1")
            }
            #expect(invitedError?.message == wrong.message)
        }
    }

    @Test("ChangePassword needs the current password and ends other sessions", arguments: TestBackend.available)
    func changePassword(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let member = try await identity.createUser(in: company)
            let session = try await identity.grant(member.email, member.password)
            let options = identity.options(session.accessToken)

            var change = Cyberport_Identity_V1_ChangePasswordRequest()
            change.currentPassword = "Not-The-Current-1"
            change.newPassword = "Brand-New-Secret-9"
            await expectRPCError(.invalidArgument, field: "current_password", reason: "WRONG_PASSWORD") {
                try await identity.users.changePassword(change, options: options)
            }
            change.currentPassword = ""
            await expectRPCError(.invalidArgument, field: "current_password", reason: "REQUIRED_FIELD") {
                try await identity.users.changePassword(change, options: options)
            }
            change.currentPassword = member.password
            change.newPassword = "weakpassword"
            await expectRPCError(.invalidArgument, field: "new_password", reason: "WEAK_PASSWORD") {
                try await identity.users.changePassword(change, options: options)
            }
            await expectRPCError(.unauthenticated) {
                try await identity.users.changePassword(change, options: identity.anonymous)
            }
            change.newPassword = "Brand-New-Secret-9"
            _ = try await identity.users.changePassword(change, options: options)

            await expectRPCError(.unauthenticated, reason: "SESSION_REVOKED") {
                try await identity.refresh(session.refreshToken)
            }
            await expectRPCError(.unauthenticated, reason: "INVALID_CREDENTIALS") {
                try await identity.login(member.email, member.password)
            }
            _ = try await identity.login(member.email, "Brand-New-Secret-9")
        }
    }
}
