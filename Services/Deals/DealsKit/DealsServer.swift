import PortRPC

/// The Deals service assembled: the gRPC services it serves.
public enum DealsServer {
    /// The gRPC services of Deals.
    public static func services() -> [any RPCService] {
        [FormDefinitionAPI()]
    }
}
