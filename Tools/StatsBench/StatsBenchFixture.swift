import Foundation
import Logging
import PortAPI
import PortAuth
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore
import StatsKit

/// Stats in-process on one backend with a real gRPC server on loopback, and access tokens signed by a key of the
/// bench's own (the bench plays Identity: Stats verifies the tokens exactly as in production, with published keys).
final class StatsBenchFixture: Sendable {
    static let issuer = "cyberport-identity"
    static let audience = "cyberport"
    static let port = "JPTYO"
    static let year: Int32 = 2025

    let store: Database
    let server: RPCServer
    let client: RPCClient
    let signer: TokenSigner
    let cleanup: @Sendable () async -> Void

    private init(
        store: Database, server: RPCServer, client: RPCClient, signer: TokenSigner, cleanup: @escaping @Sendable () async -> Void
    ) {
        self.store = store
        self.server = server
        self.client = client
        self.signer = signer
        self.cleanup = cleanup
    }

    static func start(
        _ configuration: DatabaseConfiguration, serverThreads: Int, logger: Logger,
        cleanup: @escaping @Sendable () async -> Void
    ) async throws -> StatsBenchFixture {
        let store = try await Database.open(configuration, migrations: StatsServer.migrations, logger: logger)
        let key = TokenSigningKey.generate()
        let keys = try SigningKeySet([key.publishedKey()])
        let verifier = TokenVerifier(issuer: issuer, audience: audience, keys: SigningKeyProvider(keys: keys))
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.host = "127.0.0.1"
        serverConfiguration.port = 0
        serverConfiguration.threads = serverThreads
        let server = RPCServer(
            services: try StatsServer.services(
                configuration: StatsConfiguration(database: store, authenticator: Authenticator(verifier: verifier), logger: logger)),
            configuration: serverConfiguration, logger: logger)
        try await server.start()
        guard let port = server.localPort else { throw BenchError("the server has no local port") }
        let client = try RPCClient(target: "127.0.0.1:\(port)")
        return StatsBenchFixture(store: store, server: server, client: client, signer: TokenSigner(key: key), cleanup: cleanup)
    }

    func stop() async {
        await client.close()
        await server.shutdown(gracePeriod: .seconds(1))
        await store.close()
        await cleanup()
    }

    /// Call options of an organization's user: a port authority when `ports` is set.
    func options(organization: Int, businessTypes: [String], ports: [String]? = nil) -> CallOptions {
        let company = String(format: "0190a000-0000-7000-8000-%012d", organization)
        let org = String(format: "0190a000-0000-7000-9000-%012d", organization)
        let now = Date()
        let claims = AccessTokenClaims(
            issuer: Self.issuer, subject: "companies/\(company)/users/\(org)", audience: Self.audience, issuedAt: now,
            expiresAt: now.addingTimeInterval(3600), kind: .user, organization: "companies/\(company)/organizations/\(org)",
            company: "companies/\(company)", businessTypes: businessTypes, roles: ["user"], ports: ports)
        var metadata = Metadata()
        metadata.add("authorization", "Bearer \(signer.sign(claims))")
        return CallOptions(timeout: .seconds(300), metadata: metadata)
    }
}

/// Survey content for the bench: a year of submissions whose cargo lines add up to the requested number.
enum BenchData {
    static let foreignPorts = [
        "CNSHA", "CNNGB", "CNTAO", "CNDLC", "KRPUS", "KRINC", "TWKHH", "HKHKG", "SGSIN", "THLCH", "VNSGN", "MYPKG",
        "IDJKT", "PHMNL", "USLAX", "USLGB", "USSEA", "CAVAN", "NLRTM", "DEHAM",
    ]
    static let japanesePorts = ["JPOSA", "JPUKB", "JPNGO", "JPYOK", "JPHKT", "JPSMZ", "JPCHB", "JPKIJ", "JPTMK", "JPSDJ"]

    /// `lines` cargo lines spread over 12 months × `respondents` submissions, plus ships, passengers and vehicles.
    static func year(lines: Int, respondents: Int, commodities: [String], seed: UInt64) -> [(month: Int32, respondent: Int, content: Cyberport_Stats_V1_SurveyContent)] {
        var random = SplitMix(state: seed)
        let submissions = 12 * respondents
        var result: [(Int32, Int, Cyberport_Stats_V1_SurveyContent)] = []
        for index in 0..<submissions {
            let count = lines / submissions + (index < lines % submissions ? 1 : 0)
            var content = Cyberport_Stats_V1_SurveyContent()
            content.cargo = (0..<count).map { _ in cargo(commodities: commodities, using: &random) }
            content.ships = (0..<20).map { _ in
                var line = Cyberport_Stats_V1_ShipEntryLine()
                line.shipClass = .init(rawValue: Int32.random(in: 1...5, using: &random))
                line.trade = .init(rawValue: Int32.random(in: 1...2, using: &random))
                line.grossTonnage = Int64.random(in: 5...150_000, using: &random)
                line.shipCount = Int64.random(in: 1...3, using: &random)
                return line
            }
            content.passengers = [1, 2].map { trade in
                var line = Cyberport_Stats_V1_PassengerLine()
                line.trade = .init(rawValue: Int32(trade))
                line.embarked = Int64.random(in: 0...5_000, using: &random)
                line.disembarked = Int64.random(in: 0...5_000, using: &random)
                return line
            }
            content.vehicles = (1...4).map { kind in
                var line = Cyberport_Stats_V1_VehicleLine()
                line.kind = .init(rawValue: Int32(kind))
                line.direction = Bool.random(using: &random) ? .coastalOutbound : .coastalInbound
                line.vehicles = Int64.random(in: 1...500, using: &random)
                return line
            }
            result.append((Int32(index / respondents + 1), index % respondents, content))
        }
        return result
    }

    private static func cargo(commodities: [String], using random: inout SplitMix) -> Cyberport_Stats_V1_CargoLine {
        var line = Cyberport_Stats_V1_CargoLine()
        line.commodityCode = commodities.randomElement(using: &random)!
        line.form = .init(rawValue: Int32.random(in: 1...3, using: &random))
        line.direction = .init(rawValue: Int32.random(in: 1...4, using: &random))
        let foreign = line.direction == .export || line.direction == .import
        line.partnerPort = (foreign ? foreignPorts : japanesePorts).randomElement(using: &random)!
        var measure = Cyberport_Stats_V1_WeightAndVolume()
        measure.weightKg = Int64.random(in: 1...30_000_000, using: &random)
        measure.volumeLitres = Int64.random(in: 0...30_000_000, using: &random)
        line.quantity = .weightAndVolume(measure)
        switch line.form {
        case .container:
            line.containers = Int64.random(in: 1...40, using: &random)
            line.teu = line.containers + Int64.random(in: 0...line.containers, using: &random)
            line.empty = Int.random(in: 0..<5, using: &random) == 0
        case .chassis:
            line.chassis = Int64.random(in: 1...20, using: &random)
        default: break
        }
        return line
    }
}

/// SplitMix64: reproducible data for the same seed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A failure of the bench itself.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
