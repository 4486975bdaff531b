import BenchFixtures
import BenchKit
import Foundation

/// The data the phases work on: users with passwords and access tokens of an API key.
struct Population: Sendable {
    var company: String
    var organization: String
    var corporateNumber: String
    var users: [BenchUser]
    /// The API key whose exchanges minted `tokens`.
    var apiKeyName: String
    var tokens: [String]
    /// Set-up timings (seconds) and the exchange rate, for the report.
    var userCreationSeconds: Double
    var exchangeSeconds: Double
}

extension IdentityFixture {
    /// Registers and approves a company, creates `userCount` users with passwords and one API key, and exchanges the
    /// key for `tokenCount` access tokens (`concurrency` calls at a time).
    func populate(userCount: Int, tokenCount: Int, concurrency: Int) async throws -> Population {
        let domain = "identity-bench.example"
        let company = try await activeCompany(
            legalNameJa: "ベンチマーク港湾物流株式会社", legalNameEn: "Benchmark Port Logistics Co., Ltd.",
            businessTypes: ["forwarder", "customsBroker"], emailDomain: domain, operatorOptions: try await operatorOptions())

        let usersStart = monotonicNanos()
        let users = try await createUsers(count: userCount, in: company, emailDomain: domain, concurrency: concurrency)
        let userCreationSeconds = Double(monotonicNanos() - usersStart) / 1e9

        let key = try await createApiKey(organization: company.organization, displayName: "ベンチマーク連携", as: company.admin)
        let exchangeStart = monotonicNanos()
        let tokens = try await accessTokens(for: key, count: tokenCount, concurrency: concurrency)
        let exchangeSeconds = Double(monotonicNanos() - exchangeStart) / 1e9
        return Population(
            company: company.name, organization: company.organization, corporateNumber: company.corporateNumber,
            users: users, apiKeyName: key.name, tokens: tokens, userCreationSeconds: userCreationSeconds,
            exchangeSeconds: exchangeSeconds)
    }
}
