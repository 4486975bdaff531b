import CLibPQ

/// PostgreSQL type OIDs the store binds and decodes.
enum PostgresType {
    static let bool: Oid = 16
    static let bytea: Oid = 17
    static let name: Oid = 19
    static let int8: Oid = 20
    static let int2: Oid = 21
    static let int4: Oid = 23
    static let text: Oid = 25
    static let oid: Oid = 26
    static let float4: Oid = 700
    static let float8: Oid = 701
    static let numeric: Oid = 1700
}

/// Parameters in binary format with explicit types (int8, float8, text, bool, bytea; NULL is untyped so the server
/// infers it), packed into one buffer that stays alive for the libpq call.
struct PostgresParameters {
    private(set) var types: [Oid] = []
    /// Starts with one spare byte, so that the buffer always has an address (an empty value must not be a NULL
    /// pointer, which libpq reads as SQL NULL; its length 0 means libpq never dereferences it).
    private var buffer: [UInt8] = [0]
    private var offsets: [Int?] = []
    private var lengths: [Int32] = []
    private var formats: [Int32] = []

    mutating func append(_ value: SQLValue) throws {
        let start = buffer.count
        let type: Oid
        switch value {
        case .null:
            types.append(0)
            offsets.append(nil)
            lengths.append(0)
            formats.append(1)
            return
        case .int(let value):
            type = PostgresType.int8
            appendBigEndian(UInt64(bitPattern: value))
        case .double(let value):
            type = PostgresType.float8
            appendBigEndian(value.bitPattern)
        case .bool(let value):
            type = PostgresType.bool
            buffer.append(value ? 1 : 0)
        case .text(let value):
            type = PostgresType.text
            buffer.append(contentsOf: value.utf8)
        case .bytes(let value):
            type = PostgresType.bytea
            buffer.append(contentsOf: value)
        }
        let length = buffer.count - start
        guard length <= Int(Int32.max) else {
            throw StoreError.queryFailed(message: "bind $\(types.count + 1) is larger than 2 GiB", code: nil)
        }
        types.append(type)
        offsets.append(start)
        lengths.append(Int32(length))
        formats.append(1)
    }

    private mutating func appendBigEndian(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) }
    }

    /// Calls `body` with the value pointers (nil for NULL; never nil for an empty value), lengths and formats.
    func withPointers<R>(
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
    ) -> R {
        guard !types.isEmpty else { return body(nil, nil, nil) }
        return buffer.withUnsafeBytes { bytes in
            let base = bytes.baseAddress!.assumingMemoryBound(to: CChar.self)
            let pointers: [UnsafePointer<CChar>?] = offsets.map { $0.map { UnsafePointer(base + $0) } }
            return pointers.withUnsafeBufferPointer { pointers in
                lengths.withUnsafeBufferPointer { lengths in
                    formats.withUnsafeBufferPointer { formats in
                        body(pointers.baseAddress, lengths.baseAddress, formats.baseAddress)
                    }
                }
            }
        }
    }
}
