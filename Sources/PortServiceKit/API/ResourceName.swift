import PortRPC

/// Resource names of the form "{collection}/{id}" (AIP-122).
public enum ResourceName {
    /// The id of `name` in `collection`; INVALID_ARGUMENT naming `field` when the name has another shape.
    public static func id(of name: String, collection: String, field: String = "name") throws -> String {
        guard !name.isEmpty else { throw APIError.invalidArgument(field: field, "is required", reason: "REQUIRED_FIELD") }
        let prefix = collection + "/"
        guard name.hasPrefix(prefix), name.count > prefix.count, !name.dropFirst(prefix.count).contains("/") else {
            throw APIError.invalidArgument(field: field, "must look like \"\(collection)/{id}\" (got \"\(name)\")")
        }
        return String(name.dropFirst(prefix.count))
    }
}
