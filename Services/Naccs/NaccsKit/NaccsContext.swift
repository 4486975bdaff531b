import Logging
import NaccsMessages
import PortAuth
import PortCrypto
import PortRPC
import PortServiceKit
import PortStore

/// Everything the relay's handlers and workers share.
final class NaccsContext: Sendable {
    let database: Database
    let catalog: NaccsCatalog
    let permissions: NaccsPermissions
    let authenticator: Authenticator
    let deals: any DealsGateway
    let vault: SecretBox?
    let logger: Logger
    let settings: NaccsRelaySettings
    let pagination = KeysetPagination()
    /// Rung when a send was stored, so a worker starts at once.
    let work = WakeSignal()
    /// Rung when issued numbers wait to be written back to Deals.
    let writeBacks = WakeSignal()

    init(configuration: NaccsConfiguration, catalog: NaccsCatalog, permissions: NaccsPermissions) throws {
        database = configuration.database
        self.catalog = catalog
        self.permissions = permissions
        authenticator = configuration.authenticator
        deals = configuration.deals
        vault = try configuration.keyEncryptionKey.map { try SecretBox(key: $0) }
        logger = configuration.logger
        settings = configuration.relay
    }

    /// The caller; UNAUTHENTICATED without a valid token, PERMISSION_DENIED outside an organization.
    func caller(_ context: ServerContext) throws -> RelayCaller {
        let principal = try authenticator.authenticate(context)
        guard case .string(let bearer)? = context.requestMetadata.values("authorization").first else {
            throw RPCError(.unauthenticated, "missing authorization metadata")
        }
        return try RelayCaller(principal: principal, bearer: bearer)
    }

    /// The business code `code` (INVALID_ARGUMENT naming `field` when unknown).
    func businessCode(_ code: String, field: String) throws -> NaccsBusinessCode {
        guard let business = catalog.businessCode(code) else {
            throw APIError.invalidArgument(field: field, "\"\(code)\" is not one of the 68 NACCS business codes")
        }
        return business
    }

    /// PERMISSION_DENIED unless the caller takes part in `deal` with a business type allowed to work with `code`
    /// (asked of Deals with the caller's own token). Returns the caller's business type in the deal.
    @discardableResult
    func authorize(_ caller: RelayCaller, deal: String, code: String) async throws -> String {
        let type = try await deals.businessType(of: caller.organization, inDeal: deal, bearer: caller.bearer)
        guard permissions.allows(type, code: code) else {
            throw RelayErrors.denied(
                "a participant taking part as \(type) may not do NACCS work for \(code) (allowed: "
                    + (permissions.rule(code)?.businessTypes.sorted().joined(separator: ", ") ?? "none") + ")")
        }
        return type
    }

    /// The codes the caller may work with in `deal` (PERMISSION_DENIED when it does not take part).
    func allowedCodes(_ caller: RelayCaller, deal: String) async throws -> Set<String> {
        let type = try await deals.businessType(of: caller.organization, inDeal: deal, bearer: caller.bearer)
        return permissions.codes(for: type)
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await StorageCalls(database: database, logger: logger).write(body)
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await StorageCalls(database: database, logger: logger).read(body)
    }
}
