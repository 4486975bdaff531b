import Foundation
import PortProtocol
import PortRPC

/// Turns a call's `authorization: Bearer <access token>` metadata into a ``Principal``, or fails the call with
/// UNAUTHENTICATED. The errors carry a google.rpc.ErrorInfo detail (domain "cyberport.open", reasons
/// `ACCESS_TOKEN_MISSING`, `ACCESS_TOKEN_MALFORMED`, `ACCESS_TOKEN_EXPIRED`, `ACCESS_TOKEN_INVALID`) so clients can
/// tell "log in again / refresh" from a bug. Neither errors nor logs ever contain the token.
public struct Authenticator: Sendable {
    public let verifier: TokenVerifier

    public init(verifier: TokenVerifier) { self.verifier = verifier }

    /// The caller of a call that requires authentication.
    public func authenticate(_ context: ServerContext) throws(RPCError) -> Principal {
        try authenticate(metadata: context.requestMetadata)
    }

    /// The caller, or nil for an anonymous call (no `authorization` metadata); a present but invalid token still
    /// fails with UNAUTHENTICATED.
    public func optionalPrincipal(_ context: ServerContext) throws(RPCError) -> Principal? {
        try optionalPrincipal(metadata: context.requestMetadata)
    }

    /// ``authenticate(_:)``, awaiting a key refresh when the token names a key the set lacks (see
    /// ``TokenVerifier/verifyRefreshingKeys(_:)``).
    public func authenticateRefreshingKeys(_ context: ServerContext) async throws(RPCError) -> Principal {
        guard let token = try Self.bearerToken(in: context.requestMetadata) else { throw AuthenticationErrors.missing() }
        do { return Principal(claims: try await verifier.verifyRefreshingKeys(token)) } catch {
            throw AuthenticationErrors.rejected(error)
        }
    }

    /// ``authenticate(_:)`` for request metadata.
    public func authenticate(metadata: Metadata) throws(RPCError) -> Principal {
        guard let token = try Self.bearerToken(in: metadata) else { throw AuthenticationErrors.missing() }
        return try principal(for: token)
    }

    /// ``optionalPrincipal(_:)`` for request metadata.
    public func optionalPrincipal(metadata: Metadata) throws(RPCError) -> Principal? {
        guard let token = try Self.bearerToken(in: metadata) else { return nil }
        return try principal(for: token)
    }

    private func principal(for token: String) throws(RPCError) -> Principal {
        do { return Principal(claims: try verifier.verify(token)) } catch {
            throw AuthenticationErrors.rejected(error)
        }
    }

    /// The token of the single `authorization: Bearer <token>` entry; nil when there is none.
    static func bearerToken(in metadata: Metadata) throws(RPCError) -> String? {
        let values = metadata.values("authorization")
        guard let first = values.first else { return nil }
        guard values.count == 1 else {
            throw AuthenticationErrors.malformed("send exactly one 'authorization' metadata entry")
        }
        guard case .string(let value) = first else {
            throw AuthenticationErrors.malformed("'authorization' must be text: 'Bearer <access token>'")
        }
        let utf8 = value.utf8
        guard utf8.count > 7,
            String(decoding: utf8.prefix(6), as: UTF8.self).lowercased() == "bearer",
            utf8.dropFirst(6).first == UInt8(ascii: " ")
        else {
            throw AuthenticationErrors.malformed("'authorization' must be 'Bearer <access token>'")
        }
        // Spaces and tabs around the token are ignored (an ASCII trim: this runs on every call of every service).
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let rest = utf8.dropFirst(7)
        guard let start = rest.firstIndex(where: { !isBlank($0) }), let end = rest.lastIndex(where: { !isBlank($0) })
        else {
            throw AuthenticationErrors.malformed("'authorization' must be 'Bearer <access token>'")
        }
        let token = String(decoding: rest[start...end], as: UTF8.self)
        guard !token.isEmpty else {
            throw AuthenticationErrors.malformed("'authorization' must be 'Bearer <access token>'")
        }
        return token
    }
}

/// The UNAUTHENTICATED errors of ``Authenticator``, with ErrorInfo details.
public enum AuthenticationErrors {
    /// The ErrorInfo domain (the platform's, as in PortServiceKit's APIError).
    public static let domain = "cyberport.open"

    static func missing() -> RPCError {
        make(
            "missing authorization metadata: send 'authorization: Bearer <access token>'",
            reason: "ACCESS_TOKEN_MISSING")
    }

    static func malformed(_ message: String) -> RPCError {
        make(message, reason: "ACCESS_TOKEN_MALFORMED")
    }

    /// The error for a token the verifier rejected.
    public static func rejected(_ error: TokenVerificationError) -> RPCError {
        switch error {
        case .expired(let date):
            make(
                "\(error); refresh it or log in again", reason: "ACCESS_TOKEN_EXPIRED",
                metadata: ["expireTime": date.formatted(.iso8601)])
        case .malformed, .tooLarge:
            make(error.description, reason: "ACCESS_TOKEN_MALFORMED")
        case .unsupportedAlgorithm, .unknownKey, .badSignature, .notYetValid, .wrongIssuer, .wrongAudience:
            make(error.description, reason: "ACCESS_TOKEN_INVALID")
        }
    }

    /// UNAUTHENTICATED with an ErrorInfo detail.
    public static func make(_ message: String, reason: String, metadata: [String: String] = [:]) -> RPCError {
        var info = Google_Rpc_ErrorInfo()
        info.reason = reason
        info.domain = domain
        info.metadata = metadata
        var any = Google_Protobuf_Any()
        any.typeUrl = "type.googleapis.com/\(Google_Rpc_ErrorInfo.protoMessageName)"
        any.value = info.serializedBytes()
        var status = Google_Rpc_Status()
        status.code = Int32(StatusCode.unauthenticated.rawValue)
        status.message = message
        status.details = [any]
        return RPCError(.unauthenticated, message, details: status.serializedBytes())
    }
}
