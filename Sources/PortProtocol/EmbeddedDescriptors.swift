internal import CPortProtocol

/// The serialized google.protobuf.FileDescriptorSet of every .proto file in Protos/ and the well-known types they
/// may use, embedded at build time by Protos/generate.sh: what server reflection serves and what the CLI and
/// `DescriptorPool` read.
public enum EmbeddedDescriptors {
    /// The descriptor set, dependencies before the files that import them.
    public static let fileDescriptorSet: [UInt8] = {
        var length = 0
        guard let bytes = cp_descriptor_set(&length) else { return [] }
        return Array(UnsafeBufferPointer(start: bytes, count: length))
    }()
}
