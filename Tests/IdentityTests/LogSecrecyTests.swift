import CyberPortTestSupport
import Logging
import PortAPI
import PortProtocol
import PortRPC
import Synchronization
import Testing

/// Keeps every log event (message, metadata, error) as text.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }

    /// A logger at trace level that records into this capture.
    func logger(label: String = "identity-under-test") -> Logger {
        var logger = Logger(label: label) { label in CapturingLogHandler(label: label, capture: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct CapturingLogHandler: LogHandler {
    let label: String
    let capture: LogCapture
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var line = "\(event.level) \(label) [\(event.source)]: \(event.message)"
        for key in merged.keys.sorted() { line += " \(key)=\(merged[key]!)" }
        if let error = event.error { line += " error=\(error) \(String(reflecting: error))" }
        capture.append(line)
    }
}

@Suite("Secrets never reach the logs", .timeLimit(.minutes(2)))
struct LogSecrecyTests {
    @Test("no password, token, API key, invitation or webhook secret is logged", arguments: TestBackend.available)
    func noSecretsInLogs(backend: TestBackend) async throws {
        let capture = LogCapture()
        var secrets: [String: String] = [
            "operator password": IdentityHarness.operatorPassword,
            "administrator password": IdentityHarness.adminPassword,
        ]
        try await withIdentity(backend, logger: capture.logger()) { identity in
            let company = try await identity.activeCompany()
            secrets["admin access token"] = company.adminToken

            // Sessions: login, refresh, reuse, logout, failed logins.
            let session = try await identity.grant(company.registered.adminEmail, company.registered.adminPassword)
            secrets["access token"] = session.accessToken
            secrets["refresh token"] = session.refreshToken
            let refreshed = try await identity.refresh(session.refreshToken)
            secrets["refreshed access token"] = refreshed.accessToken
            secrets["refreshed refresh token"] = refreshed.refreshToken
            _ = try? await identity.refresh(session.refreshToken)  // reuse → session revoked
            let wrong = "Wrong-Password-Attempt-1"
            secrets["wrong password"] = wrong
            _ = try? await identity.login(company.registered.adminEmail, wrong)
            _ = try? await identity.login("nobody@example.co.jp", wrong)
            let second = try await identity.grant(company.registered.adminEmail, company.registered.adminPassword)
            secrets["second refresh token"] = second.refreshToken
            var logout = Cyberport_Identity_V1_LogoutRequest()
            logout.refreshToken = second.refreshToken
            _ = try await identity.auth.logout(logout, options: identity.anonymous)

            // Users: with a password, invited and accepted, imported, password changed.
            let member = try await identity.createUser(in: company, password: "Member-Secret-Pass-1")
            secrets["member password"] = member.password
            let invited = try await identity.inviteUser(in: company)
            secrets["invitation token"] = invited.invitationToken
            var accept = Cyberport_Identity_V1_AcceptInvitationRequest()
            accept.invitationToken = invited.invitationToken
            accept.password = "Invitee-Secret-Pass-2"
            secrets["invitee password"] = accept.password
            _ = try await identity.users.acceptInvitation(accept, options: identity.anonymous)
            var importRequest = Cyberport_Identity_V1_ImportUsersRequest()
            importRequest.parent = company.name
            importRequest.csv = "email,display_name,organization,role\nimported@example.co.jp,Imported,\(company.organization),user\n"
            let imported = try await identity.users.importUsers(importRequest, options: company.admin)
            secrets["imported invitation token"] = imported.rows.first?.invitationToken ?? ""
            let memberOptions = identity.options(try await identity.login(member.email, member.password))
            var change = Cyberport_Identity_V1_ChangePasswordRequest()
            change.currentPassword = member.password
            change.newPassword = "Member-Changed-Pass-3"
            secrets["changed password"] = change.newPassword
            _ = try await identity.users.changePassword(change, options: memberOptions)
            change.currentPassword = "Not-The-Current-Pass-4"
            secrets["wrong current password"] = change.currentPassword
            _ = try? await identity.users.changePassword(change, options: memberOptions)

            // API keys and service credentials.
            let key = try await identity.apiKeys.createApiKey(
                ApiKeyTests.createRequest(parent: company.organization), options: company.admin)
            secrets["API key"] = key.key
            let apiGrant = try await identity.auth.exchangeApiKey(ApiKeyTests.exchange(key.key), options: identity.anonymous)
            secrets["API key access token"] = apiGrant.accessToken
            var revoke = Cyberport_Identity_V1_RevokeApiKeyRequest()
            revoke.name = key.apiKey?.name ?? ""
            _ = try await identity.apiKeys.revokeApiKey(revoke, options: company.admin)
            _ = try? await identity.auth.exchangeApiKey(ApiKeyTests.exchange(key.key), options: identity.anonymous)

            // Webhook secrets.
            let target = try await WebhookTests.createTarget(identity, company, secret: "whsec-never-log-me-0123")
            secrets["webhook secret"] = "whsec-never-log-me-0123"
            var update = Cyberport_Identity_V1_UpdateWebhookTargetRequest()
            var changed = target
            changed.secretToken = "whsec-rotated-never-log-4567"
            changed.etag = ""
            update.webhookTarget = changed
            update.updateMask = fieldMask("secret_token")
            secrets["rotated webhook secret"] = changed.secretToken
            _ = try await identity.webhooks.updateWebhookTarget(update, options: company.admin)

            // Failed registration with a weak password, and key rotation.
            var weakRegistration = IdentityHarness.registration(businessTypes: ["forwarder"], adminPassword: "weak-secret")
            weakRegistration.company?.legalNameJa = "失敗株式会社"
            secrets["rejected weak password"] = "weak-secret"
            _ = try? await identity.companies.registerCompany(weakRegistration, options: identity.anonymous)
            _ = try await identity.auth.rotateSigningKeys(
                Cyberport_Identity_V1_RotateSigningKeysRequest(), options: try await identity.operatorOptions())
        }

        let lines = capture.all
        #expect(lines.count > 10, "the capturing handler saw \(lines.count) events")
        // The service's own events were captured (so the check below means something).
        for expected in ["login failed", "refresh token reused", "invitation accepted", "API key created"] {
            #expect(lines.contains { $0.contains(expected) }, "no \"\(expected)\" event was logged")
        }
        var fragments = secrets.filter { !$0.value.isEmpty }
        // The secret part of opaque credentials (prefix_id_secret) and the signature of JWTs must not leak either.
        for (label, value) in secrets {
            let opaque = value.split(separator: "_", maxSplits: 2)
            if opaque.count == 3, ["cpr", "cpk", "cpi"].contains(String(opaque[0])) {
                fragments["\(label) (secret part)"] = String(opaque[2])
            }
            let jwt = value.split(separator: ".")
            if jwt.count == 3 { fragments["\(label) (signature)"] = String(jwt[2]) }
        }
        for (label, secret) in fragments {
            let leaks = lines.filter { $0.contains(secret) }
            #expect(leaks.isEmpty, "\(label) appears in the logs: \(leaks.prefix(3))")
        }
    }
}
