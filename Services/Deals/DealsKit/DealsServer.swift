import PortRPC

/// The Deals service assembled: the gRPC services it serves.
public enum DealsServer {
    /// The gRPC services of Deals over the embedded form catalog. Throws `CatalogError` when the catalog is broken,
    /// which makes that a start-up error.
    public static func services() throws -> [any RPCService] {
        services(catalog: try FormCatalog.load())
    }

    /// The gRPC services of Deals over `catalog`.
    public static func services(catalog: FormCatalog) -> [any RPCService] {
        [FormDefinitionAPI(catalog: catalog)]
    }
}
