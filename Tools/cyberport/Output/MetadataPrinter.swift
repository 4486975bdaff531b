import PortRPC

/// Prints response headers and trailers for --verbose, one `< header name: value` line each, on standard error.
enum MetadataPrinter {
    static func print(_ metadata: Metadata, prefix: String) {
        for entry in metadata {
            Console.error("\(prefix) \(entry.name): \(entry.value)")
        }
    }
}
