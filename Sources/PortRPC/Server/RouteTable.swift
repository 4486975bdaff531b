import PortProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Maps an HTTP/2 `:path` to the method that serves it without creating a String per request: the path bytes are
/// hashed (FNV-1a) and the candidate compared with `memcmp`.
final class RouteTable: Sendable {
    private struct Entry: Sendable {
        let path: [UInt8]
        let method: ServerMethod
    }

    private let buckets: [UInt64: [Entry]]
    /// Fully qualified names of the hosted services, sorted.
    let serviceNames: [String]

    init(services: [any RPCService]) {
        var buckets: [UInt64: [Entry]] = [:]
        var names: [String] = []
        for service in services {
            for method in service.methods {
                names.append(method.method.service)
                let path = Array(method.method.path.utf8)
                let hash = path.withUnsafeBytes { RouteTable.hash($0) }
                buckets[hash, default: []].removeAll { $0.path == path }
                buckets[hash, default: []].append(Entry(path: path, method: method))
            }
        }
        self.buckets = buckets
        self.serviceNames = Array(Set(names)).sorted()
    }

    func lookup(_ path: UnsafeRawBufferPointer) -> ServerMethod? {
        guard let entries = buckets[RouteTable.hash(path)] else { return nil }
        for entry in entries where entry.path.count == path.count {
            let equal = entry.path.withUnsafeBytes { memcmp($0.baseAddress!, path.baseAddress!, path.count) == 0 }
            if equal { return entry.method }
        }
        return nil
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}
