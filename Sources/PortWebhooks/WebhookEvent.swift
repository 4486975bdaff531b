import Foundation
import PortServiceKit

/// An event to deliver to the webhook targets of the organizations it concerns.
///
/// The payload is the JSON body POSTed to each target, byte for byte. The id is unique per event (UUIDv7) and is
/// sent with every delivery of it; each target gets its own delivery id.
public struct WebhookEvent: Sendable, Equatable {
    /// A UUIDv7 (`ResourceID`), unique per event.
    public var id: String
    /// What happened, e.g. "deal.created": 1–100 characters of letters, digits, `.`, `_` and `-`.
    public var type: String
    /// The organizations concerned ("companies/{company}/organizations/{organization}"), at least one.
    public var organizations: [String]
    /// When the change happened.
    public var occurredAt: Date
    /// The JSON body (an object or array, UTF-8), at most `WebhookEvent.maxPayloadBytes`.
    public var payload: [UInt8]

    /// The largest payload accepted (1 MiB).
    public static let maxPayloadBytes = 1 << 20

    public init(
        id: String = ResourceID.generate(), type: String, organizations: [String], occurredAt: Date = Date(),
        payload: [UInt8]
    ) {
        self.id = id
        self.type = type
        self.organizations = organizations
        self.occurredAt = occurredAt
        self.payload = payload
    }

    /// An event whose payload is `value` encoded as JSON (keys sorted, ISO 8601 dates).
    public init(
        id: String = ResourceID.generate(), type: String, organizations: [String], occurredAt: Date = Date(),
        json value: some Encodable
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        self.init(
            id: id, type: type, organizations: organizations, occurredAt: occurredAt,
            payload: Array(try encoder.encode(value)))
    }

    /// Checks the event before it is stored; throws `WebhookOutboxError.invalidEvent` naming what is wrong.
    func validate() throws {
        guard ResourceID.isWellFormed(Substring(id)) else { throw WebhookOutboxError.invalidEvent("id \"\(id)\" is not a UUID") }
        guard (1...100).contains(type.utf8.count),
            type.utf8.allSatisfy({ Self.isTypeByte($0) })
        else {
            throw WebhookOutboxError.invalidEvent(
                "type \"\(type)\" must be 1–100 characters of letters, digits, '.', '_' and '-'")
        }
        guard !organizations.isEmpty else { throw WebhookOutboxError.invalidEvent("no organization concerned") }
        for organization in organizations where !Self.isOrganizationName(organization) {
            throw WebhookOutboxError.invalidEvent(
                "organization \"\(organization)\" is not of the form companies/{company}/organizations/{organization}")
        }
        guard payload.count <= Self.maxPayloadBytes else {
            throw WebhookOutboxError.invalidEvent("payload is \(payload.count) bytes, more than \(Self.maxPayloadBytes)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload)),
            object is [String: Any] || object is [Any]
        else {
            throw WebhookOutboxError.invalidEvent("payload is not a JSON object or array")
        }
    }

    /// "companies/{c}/organizations/{o}" with non-empty segments without '/'.
    static func isOrganizationName(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "companies" && parts[2] == "organizations" && !parts[1].isEmpty
            && !parts[3].isEmpty && name.utf8.count <= 200
    }

    /// "companies/{c}" of an organization name.
    static func company(of organization: String) -> String {
        organization.split(separator: "/").prefix(2).joined(separator: "/")
    }

    private static func isTypeByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}

/// Errors of `WebhookOutbox`.
public enum WebhookOutboxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The event cannot be stored as given (a programming error in the calling service).
    case invalidEvent(String)

    public var description: String {
        switch self {
        case .invalidEvent(let message): return "invalid webhook event: \(message)"
        }
    }
}
