import ArgumentParser
import Foundation
import Logging
import NaccsKit
import NaccsLink
import PortAuth
import PortCrypto
import PortRPC
import PortServiceKit
import PortStore
import PortWebhooks

/// `cyberport-naccs`: the NACCS relay between company systems and NACCS.
@main
struct NaccsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cyberport-naccs",
        abstract: "Cyber Port Naccs service: the NACCS relay (gRPC, default port 50053).",
        discussion: """
            Secrets come from the environment or files, never from flags:
              CYBERPORT_NACCS_KEY_ENCRYPTION_KEY   32 bytes, base64url: seals NACCS passwords at rest
              CYBERPORT_NACCS_SERVICE_CREDENTIAL   the Naccs service's API key (service_name "naccs"): writes issued
                                                   numbers to Deals and reads webhook targets
            """)

    @OptionGroup var options: CommonOptions

    @Option(name: .customLong("identity-address"), help: "Identity's address host:port (env CYBERPORT_NACCS_IDENTITY_ADDRESS, then CYBERPORT_IDENTITY_ADDRESS; default 127.0.0.1:50051).")
    var identityAddress: String?

    @Option(name: .customLong("deals-address"), help: "Deals' address host:port (env CYBERPORT_NACCS_DEALS_ADDRESS, then CYBERPORT_DEALS_ADDRESS; default 127.0.0.1:50052).")
    var dealsAddress: String?

    @Option(name: .customLong("naccs-address"), help: "The NACCS link's address host:port, e.g. naccs-simulator (env CYBERPORT_NACCS_LINK_ADDRESS; default 127.0.0.1:50090).")
    var naccsAddress: String?

    @Option(name: .customLong("key-encryption-key-file"), help: "File holding the 32-byte key-encryption key (base64url) that seals NACCS passwords (env CYBERPORT_NACCS_KEY_ENCRYPTION_KEY).")
    var keyEncryptionKeyFile: String?

    @Option(name: .customLong("output-retention"), help: "Seconds outputs are kept (env CYBERPORT_NACCS_OUTPUT_RETENTION; default 604800 = 7 days, as NACCS).")
    var outputRetention: Int64?

    @Option(name: .customLong("poll-interval-ms"), help: "How often the relay looks for due work, in ms (default 1000).")
    var pollIntervalMs: Int64?

    func run() async throws {
        func env(_ name: String) -> String? { ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let identity = identityAddress ?? env("CYBERPORT_NACCS_IDENTITY_ADDRESS") ?? env("CYBERPORT_IDENTITY_ADDRESS") ?? "127.0.0.1:50051"
        let deals = dealsAddress ?? env("CYBERPORT_NACCS_DEALS_ADDRESS") ?? env("CYBERPORT_DEALS_ADDRESS") ?? "127.0.0.1:50052"
        let naccs = naccsAddress ?? env("CYBERPORT_NACCS_LINK_ADDRESS") ?? "127.0.0.1:50090"
        guard let colon = naccs.lastIndex(of: ":"), let port = Int(naccs[naccs.index(after: colon)...]), (1...65535).contains(port) else {
            throw ValidationError("--naccs-address must be host:port")
        }
        let kek = try keyEncryptionKey(env)
        var settings = NaccsRelaySettings()
        if let seconds = outputRetention ?? env("CYBERPORT_NACCS_OUTPUT_RETENTION").flatMap({ Int64($0) }) {
            guard (60...(366 * 86_400)).contains(seconds) else { throw ValidationError("output-retention must be within 60 s…366 days") }
            settings.outputRetention = .seconds(seconds)
        }
        if let ms = pollIntervalMs {
            guard (10...60_000).contains(ms) else { throw ValidationError("poll-interval-ms must be within 10…60000") }
            settings.pollInterval = .milliseconds(ms)
        }
        let credential = env("CYBERPORT_NACCS_SERVICE_CREDENTIAL")
        let host = try ServiceHost(settings: options.resolve(service: "naccs", defaultPort: 50053))
        let database = try await host.openDatabase(migrations: NaccsServer.migrations)
        let link: IdentityLink
        do {
            link = try await IdentityLink.connect(address: identity, serviceCredential: credential, logger: host.logger)
        } catch {
            await database.close()
            throw error
        }
        if credential == nil {
            host.logger.warning("no service credential (CYBERPORT_NACCS_SERVICE_CREDENTIAL): issued numbers are not written to Deals and webhooks are not delivered")
        }
        let dealsClient: RPCClient
        let identityClient: RPCClient
        do {
            dealsClient = try RPCClient(target: deals)
            identityClient = try RPCClient(target: identity)
        } catch {
            await link.close()
            await database.close()
            throw ServiceStartupError("deals or identity address: \(error)")
        }
        let naccsLink = NaccsTCPLink(
            configuration: .init(host: String(naccs[..<colon]), port: port), logger: Logger(label: "naccs.link"))
        var configuration = NaccsConfiguration(
            database: database, authenticator: link.authenticator,
            deals: DealsRPCGateway(client: dealsClient, serviceTokens: link.serviceToken), link: naccsLink,
            keyEncryptionKey: kek, logger: host.logger,
            webhookTargets: link.serviceToken.map { IdentityWebhookTargets(client: identityClient, tokens: $0) })
        configuration.relay = settings
        let relay: NaccsInstance
        do {
            relay = try NaccsInstance(configuration: configuration)
        } catch {
            await link.close()
            await database.close()
            throw ServiceStartupError("the NACCS catalog or permissions table is broken: \(error)")
        }
        await relay.start()
        host.logger.notice("NACCS link", metadata: ["address": "\(naccs)", "deals": "\(deals)"])
        do {
            try await host.run(services: relay.services, onDrain: { await relay.drain() })
        } catch {
            await naccsLink.shutdown()
            await dealsClient.close()
            await identityClient.close()
            await link.close()
            await database.close()
            throw error
        }
        await naccsLink.shutdown()
        await dealsClient.close()
        await identityClient.close()
        await link.close()
        await database.close()
    }

    private func keyEncryptionKey(_ env: (String) -> String?) throws -> [UInt8]? {
        let text: String?
        if let path = keyEncryptionKeyFile {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read the key-encryption key file \(path)")
            }
            text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            text = env("CYBERPORT_NACCS_KEY_ENCRYPTION_KEY")
        }
        guard let text else { return nil }
        guard let key = Base64URL.decode(text), key.count == 32 else {
            throw ValidationError("the key-encryption key must be 32 bytes in base64url (e.g. `head -c32 /dev/urandom | basenc --base64url -w0 | tr -d =`)")
        }
        return key
    }
}
