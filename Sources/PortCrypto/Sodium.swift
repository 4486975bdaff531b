import CSodium

/// libsodium's one-time initialization and small helpers to hand Swift arrays to it.
enum Sodium {
    /// Runs `sodium_init` exactly once (a global's initializer is lazy and thread-safe).
    private static let initialized: Bool = sodium_init() >= 0

    /// Makes sure libsodium is initialized; call at the entry of every public operation (a cheap check).
    @inline(__always)
    static func ensureInitialized() {
        precondition(initialized, "libsodium could not be initialized (sodium_init failed)")
    }

    /// Overwrites `bytes` with zeros in a way the compiler cannot elide.
    static func zero(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { sodium_memzero(base, buffer.count) }
        }
    }
}

/// Calls `body` with a non-null pointer to the bytes and their count (a pointer to a dummy byte when empty:
/// C functions declared `nonnull` must not get NULL even for zero lengths).
@inline(__always)
func withInput<R>(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
    try bytes.withUnsafeBufferPointer { buffer in
        if let base = buffer.baseAddress, buffer.count > 0 { return try body(base, buffer.count) }
        var dummy: UInt8 = 0
        return try withUnsafePointer(to: &dummy) { try body($0, 0) }
    }
}

/// ``withInput(_:_:)`` for an array slice.
@inline(__always)
func withInput<R>(_ bytes: ArraySlice<UInt8>, _ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
    try bytes.withUnsafeBufferPointer { buffer in
        if let base = buffer.baseAddress, buffer.count > 0 { return try body(base, buffer.count) }
        var dummy: UInt8 = 0
        return try withUnsafePointer(to: &dummy) { try body($0, 0) }
    }
}

/// Secret bytes (a private key, a symmetric key) that are zeroed when the last reference goes away.
final class SecretBytes: @unchecked Sendable {
    // Written only in init and deinit; read-only in between, hence @unchecked Sendable.
    private var storage: [UInt8]

    init(_ bytes: [UInt8]) { storage = bytes }

    var bytes: [UInt8] { storage }

    func withBytes<R>(_ body: (UnsafePointer<UInt8>, Int) throws -> R) rethrows -> R {
        try withInput(storage, body)
    }

    deinit { Sodium.zero(&storage) }
}

/// Wiping secrets (passwords, seeds, keys) from memory once they are no longer needed.
public enum SecureMemory {
    /// Overwrites every byte of `bytes` with zero (`sodium_memzero`, which the compiler cannot optimize away).
    /// Copies made earlier (Swift arrays are copy-on-write) are not affected.
    public static func zero(_ bytes: inout [UInt8]) {
        Sodium.zero(&bytes)
    }
}
