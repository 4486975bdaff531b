import ArgumentParser
import DealsKit
import Foundation
import Logging
import PortAuth
import PortRPC
import PortServiceKit
import PortStore
import PortWebhooks

/// `cyberport-deals`: deals, participants, forms, the root document, permissions and the timeline.
@main
struct DealsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cyberport-deals",
        abstract: "Cyber Port Deals service (gRPC, default port 50052).")

    @OptionGroup var options: CommonOptions

    @Option(
        name: .customLong("identity-address"),
        help: "Identity's address host:port[,host:port…] (env CYBERPORT_DEALS_IDENTITY_ADDRESS, then CYBERPORT_IDENTITY_ADDRESS; default 127.0.0.1:50051). Deals starts only when Identity is reachable.")
    var identityAddress: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let address = identityAddress ?? env("CYBERPORT_DEALS_IDENTITY_ADDRESS") ?? env("CYBERPORT_IDENTITY_ADDRESS")
            ?? "127.0.0.1:50051"
        guard !address.isEmpty else { throw ValidationError("--identity-address must not be empty") }
        // An API key with a service_name, made by an operator (ApiKeyService.CreateApiKey); only AddParticipant needs it.
        let credential = env("CYBERPORT_DEALS_SERVICE_CREDENTIAL")
        let host = try ServiceHost(settings: options.resolve(service: "deals", defaultPort: 50052))
        // The embedded form catalog is parsed and validated first: a broken catalog is a start-up error.
        let catalog = try FormCatalog.load()
        // The database first (a configuration error there is reported before Identity is tried), then Identity:
        // Deals starts only when Identity is reachable.
        let database = try await host.openDatabase(migrations: DealsServer.migrations)
        let link: IdentityLink
        do {
            link = try await IdentityLink.connect(address: address, serviceCredential: credential, logger: host.logger)
        } catch {
            await database.close()
            throw error
        }
        if credential == nil {
            host.logger.warning(
                "no service credential (CYBERPORT_DEALS_SERVICE_CREDENTIAL): AddParticipant answers FAILED_PRECONDITION and webhook events are not delivered")
        }
        let directoryClient: RPCClient
        do {
            directoryClient = try RPCClient(target: address)
        } catch {
            await link.close()
            await database.close()
            throw ServiceStartupError("identity address \"\(address)\": \(error)")
        }
        // Webhook targets are read from Identity with the service credential; without one, events wait in the
        // outbox until an instance with a credential runs.
        let deals = DealsInstance(
            catalog: catalog,
            configuration: DealsConfiguration(
                database: database, authenticator: link.authenticator,
                directory: IdentityOrganizationDirectory(client: directoryClient, tokens: link.serviceToken),
                logger: host.logger,
                webhookTargets: link.serviceToken.map { IdentityWebhookTargets(client: directoryClient, tokens: $0) }))
        await deals.start()
        do {
            try await host.run(services: deals.services, onDrain: { await deals.drain() })
        } catch {
            await database.close()
            await directoryClient.close()
            await link.close()
            throw error
        }
        await database.close()
        await directoryClient.close()
        await link.close()
    }
}
