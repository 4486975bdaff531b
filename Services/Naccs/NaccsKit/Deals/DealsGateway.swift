import Foundation
import PortAPI
import PortAuth
import PortProtocol
import PortRPC
import PortServiceKit

/// A deal's root document as the relay reads it: scalar values by path and repeated rows by group path.
public struct DealRootDocument: Sendable, Hashable {
    public var values: [String: String] = [:]
    public var rows: [String: [[String: String]]] = [:]

    public init(values: [String: String] = [:], rows: [String: [[String: String]]] = [:]) {
        self.values = values
        self.rows = rows
    }
}

/// What the relay asks Deals. Calls made for a caller pass the caller's own `authorization` through, so Deals checks
/// the caller's participation; `recordInformation` uses the Naccs service's own token.
public protocol DealsGateway: Sendable {
    /// The business type the caller's organization takes part in `deal` with; PERMISSION_DENIED when it does not
    /// take part (Deals' answer).
    func businessType(of organization: String, inDeal deal: String, bearer: String) async throws -> String
    /// The root document as the caller may read it.
    func rootDocument(deal: String, bearer: String) async throws -> DealRootDocument
    /// Writes "naccs.*" values into the deal's root document on behalf of `organization`.
    func recordInformation(deal: String, organization: String, businessCode: String, values: [(path: String, value: String)])
        async throws
}

/// `DealsGateway` over Deals' gRPC API.
public final class DealsRPCGateway: DealsGateway {
    private let deals: Cyberport_Deals_V1_DealServiceClient
    private let forms: Cyberport_Deals_V1_FormServiceClient
    private let serviceTokens: BearerTokenSource?
    private let timeout: Duration

    /// - Parameters:
    ///   - client: connected to Deals.
    ///   - serviceTokens: the Naccs service's token source (`IdentityLink.serviceToken`); nil: write-backs fail with
    ///     FAILED_PRECONDITION (and are retried until a credential is configured).
    public init(client: RPCClient, serviceTokens: BearerTokenSource?, timeout: Duration = .seconds(10)) {
        deals = Cyberport_Deals_V1_DealServiceClient(client)
        forms = Cyberport_Deals_V1_FormServiceClient(client)
        self.serviceTokens = serviceTokens
        self.timeout = timeout
    }

    private func options(_ bearer: String) -> CallOptions {
        var metadata = Metadata()
        metadata.add("authorization", value: .string(bearer))
        return CallOptions(timeout: timeout, metadata: metadata)
    }

    public func businessType(of organization: String, inDeal deal: String, bearer: String) async throws -> String {
        var request = Cyberport_Deals_V1_ListParticipantsRequest()
        request.parent = "deals/\(deal)"
        request.pageSize = 100
        for _ in 0..<100 {
            let pageRequest = request
            let page = try await Self.relayed { try await self.deals.listParticipants(pageRequest, options: self.options(bearer)) }
            if let me = page.participants.first(where: { $0.organization == organization }) { return me.businessType }
            guard !page.nextPageToken.isEmpty else { break }
            request.pageToken = page.nextPageToken
        }
        throw RelayErrors.denied("the caller's organization does not take part in deals/\(deal)")
    }

    public func rootDocument(deal: String, bearer: String) async throws -> DealRootDocument {
        var request = Cyberport_Deals_V1_GetRootDocumentRequest()
        request.name = "deals/\(deal)/rootDocument"
        let documentRequest = request
        let document = try await Self.relayed { try await self.forms.getRootDocument(documentRequest, options: self.options(bearer)) }
        var root = DealRootDocument()
        for value in document.values {
            if value.path.hasSuffix("[]") {
                root.rows[value.path] = value.rows.map(\.values)
            } else {
                root.values[value.path] = value.value
            }
        }
        return root
    }

    public func recordInformation(
        deal: String, organization: String, businessCode: String, values: [(path: String, value: String)]
    ) async throws {
        guard let serviceTokens else {
            throw RelayErrors.failedPrecondition("no Naccs service credential: cannot write NACCS information to Deals")
        }
        var request = Cyberport_Deals_V1_RecordNaccsInformationRequest()
        request.name = "deals/\(deal)/rootDocument"
        request.organization = organization
        request.businessCode = businessCode
        request.values = values.map { entry in
            var value = Cyberport_Deals_V1_RootValue()
            value.path = entry.path
            value.value = entry.value
            return value
        }
        let token = try await serviceTokens.token()
        _ = try await forms.recordNaccsInformation(request, options: options("Bearer \(token)"))
    }

    /// Deals' own refusals pass through (PERMISSION_DENIED, NOT_FOUND, UNAUTHENTICATED …); failures to reach Deals
    /// become UNAVAILABLE.
    static func relayed<T: Sendable>(_ call: @Sendable () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as RPCError {
            switch error.code {
            case .permissionDenied, .notFound, .unauthenticated, .invalidArgument, .failedPrecondition:
                throw RPCError(error.code, error.message, details: error.details)
            default:
                throw RPCError(.unavailable, "Deals is unavailable (\(error.code)); retry later")
            }
        }
    }
}
