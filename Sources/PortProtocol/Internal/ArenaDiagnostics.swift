internal import CPortProtocol

/// What the calling thread's protobuf arena holds, for tests (`@testable import PortProtocol`): after every encode
/// and decode has returned, the position is back where it was and no overflow block is left.
enum ArenaDiagnostics {
    /// The arena position of this thread (0 when nothing is allocated).
    static var position: Int { cp_arena_mark() }

    /// Bytes held in overflow blocks by this thread.
    static var overflowBytes: Int { cp_arena_overflow_bytes() }
}
