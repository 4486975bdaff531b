import PortProtocol
import PortRPC

/// The fields an Update call changes (AIP-134). The mask is required: list the fields to change, or "*" for every
/// updatable field. Paths are the proto field names (`legal_name_ja`); lowerCamel spellings are accepted too.
public struct UpdateMask: Sendable {
    public let paths: Set<String>

    /// Validates `mask` against the updatable fields; INVALID_ARGUMENT naming `update_mask` otherwise.
    public init(_ mask: Google_Protobuf_FieldMask?, updatable: [String], field: String = "update_mask") throws {
        let requested = (mask?.paths ?? []).map(Self.snakeCase)
        guard !requested.isEmpty else {
            throw APIError.invalidArgument(
                field: field, "is required: list the fields to change (\(updatable.joined(separator: ", "))) or \"*\"",
                reason: "REQUIRED_FIELD")
        }
        if requested.contains("*") {
            guard requested.count == 1 else {
                throw APIError.invalidArgument(field: field, "\"*\" cannot be combined with other paths")
            }
            paths = Set(updatable)
            return
        }
        for path in requested where !updatable.contains(path) {
            throw APIError.invalidArgument(
                field: field, "\"\(path)\" cannot be updated (updatable: \(updatable.joined(separator: ", ")))")
        }
        paths = Set(requested)
    }

    /// Whether the call changes `path`.
    public func contains(_ path: String) -> Bool { paths.contains(path) }

    static func snakeCase(_ path: String) -> String {
        var result = ""
        for character in path {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// Optimistic concurrency with etags (AIP-154): the stored version as text.
public enum ETag {
    /// The etag of a stored version.
    public static func make(_ version: Int64) -> String { "\"v\(version)\"" }

    /// ABORTED when `supplied` is set and is not the etag of `current`.
    public static func check(_ supplied: String, current: Int64, resource: String) throws {
        guard !supplied.isEmpty, supplied != make(current) else { return }
        throw APIError.make(
            .aborted, "\(resource) was changed by someone else (etag \(supplied) is stale; current \(make(current))); read it again and retry",
            reason: "STALE_ETAG", metadata: ["resourceName": resource, "currentEtag": make(current)])
    }
}
