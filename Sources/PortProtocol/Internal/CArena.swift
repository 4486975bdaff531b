internal import CPortProtocol

/// Converts Swift values into C values whose memory lives in the thread-local arena until the current mark is
/// released (see ``CBridge/encode(_:_:)``). Used by generated `store(into:)` functions.
enum CArena {
    /// Uninitialized memory for `count` values of `T`.
    @inline(__always)
    static func allocate<T>(_ type: T.Type, count: Int = 1) -> UnsafeMutablePointer<T> {
        assert(MemoryLayout<T>.alignment <= 16, "the arena aligns to 16 bytes")
        let raw: UnsafeMutableRawPointer = cp_arena_alloc(MemoryLayout<T>.stride * count)
        return raw.bindMemory(to: type, capacity: count)
    }

    /// protobuf-c's representation of a bool.
    @inline(__always)
    static func bool(_ value: Bool) -> protobuf_c_boolean { value ? 1 : 0 }

    /// An enum value as its protoc-c C enum (an int-sized struct with the same bits).
    @inline(__always)
    static func enumValue<E: ProtoEnum, CEnum>(_ value: E) -> CEnum {
        unsafeBitCast(value.rawValue, to: CEnum.self)
    }

    /// A NUL-terminated copy of `value` (protobuf-c's shared empty string when empty).
    static func string(_ value: String) -> UnsafeMutablePointer<CChar> {
        if value.isEmpty { return cp_empty_string() }
        var value = value
        return value.withUTF8 { utf8 in
            let copy = allocate(CChar.self, count: utf8.count + 1)
            UnsafeMutableRawPointer(copy).copyMemory(from: utf8.baseAddress!, byteCount: utf8.count)
            copy[utf8.count] = 0
            return copy
        }
    }

    /// A NUL-terminated copy of `value` that is never protobuf-c's shared empty string: a oneof member that points at
    /// the field's default (that string) counts as unset and would not be packed, losing the oneof's presence.
    static func presentString(_ value: String) -> UnsafeMutablePointer<CChar> {
        if value.isEmpty {
            let empty = allocate(CChar.self, count: 1)
            empty.initialize(to: 0)
            return empty
        }
        return string(value)
    }

    /// A copy of `value` as protobuf-c binary data.
    static func bytes(_ value: [UInt8]) -> ProtobufCBinaryData {
        let count = value.count
        guard count > 0 else { return ProtobufCBinaryData(len: 0, data: nil) }
        let copy = allocate(UInt8.self, count: count)
        value.withUnsafeBufferPointer { source in copy.initialize(from: source.baseAddress!, count: count) }
        return ProtobufCBinaryData(len: count, data: copy)
    }

    /// An initialized C struct holding `value`.
    @inline(__always)
    static func message<M: CBridgedMessage>(_ value: M) -> UnsafeMutablePointer<M.CMessage> {
        let cMessage = allocate(M.CMessage.self)
        M.cInitialize(cMessage)
        value.store(into: cMessage)
        return cMessage
    }

    /// An initialized C struct holding `value`, or NULL when it is nil.
    @inline(__always)
    static func optionalMessage<M: CBridgedMessage>(_ value: M?) -> UnsafeMutablePointer<M.CMessage>? {
        guard let value else { return nil }
        return message(value)
    }

    // MARK: Repeated fields: (count, array) pairs for protobuf-c's `n_<field>` and `<field>` members.

    /// A copy of numbers whose Swift and C representations are the same (Int32, UInt64, Double, …).
    static func array<T>(_ values: [T]) -> (Int, UnsafeMutablePointer<T>?) {
        let count = values.count
        guard count > 0 else { return (0, nil) }
        let copy = allocate(T.self, count: count)
        values.withUnsafeBufferPointer { source in copy.initialize(from: source.baseAddress!, count: count) }
        return (count, copy)
    }

    static func bools(_ values: [Bool]) -> (Int, UnsafeMutablePointer<protobuf_c_boolean>?) {
        guard !values.isEmpty else { return (0, nil) }
        let copy = allocate(protobuf_c_boolean.self, count: values.count)
        for (index, value) in values.enumerated() { copy[index] = bool(value) }
        return (values.count, copy)
    }

    /// Enum numbers as the C enum type `CEnum` (protoc-c forces every enum to the size of an int).
    static func enums<E: ProtoEnum, CEnum>(_ values: [E]) -> (Int, UnsafeMutablePointer<CEnum>?) {
        precondition(MemoryLayout<CEnum>.size == MemoryLayout<Int32>.size, "protoc-c enums are int-sized")
        guard !values.isEmpty else { return (0, nil) }
        let raw = UnsafeMutableRawPointer(allocate(Int32.self, count: values.count))
        for (index, value) in values.enumerated() {
            raw.storeBytes(of: value.rawValue, toByteOffset: index * MemoryLayout<Int32>.stride, as: Int32.self)
        }
        return (values.count, raw.bindMemory(to: CEnum.self, capacity: values.count))
    }

    static func strings(_ values: [String]) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) {
        guard !values.isEmpty else { return (0, nil) }
        let array = allocate(UnsafeMutablePointer<CChar>?.self, count: values.count)
        for (index, value) in values.enumerated() { (array + index).initialize(to: string(value)) }
        return (values.count, array)
    }

    static func bytesArray(_ values: [[UInt8]]) -> (Int, UnsafeMutablePointer<ProtobufCBinaryData>?) {
        guard !values.isEmpty else { return (0, nil) }
        let array = allocate(ProtobufCBinaryData.self, count: values.count)
        for (index, value) in values.enumerated() { (array + index).initialize(to: bytes(value)) }
        return (values.count, array)
    }

    /// An array of pointers to initialized C structs, stored contiguously.
    static func messages<M: CBridgedMessage>(
        _ values: [M]
    ) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<M.CMessage>?>?) {
        guard !values.isEmpty else { return (0, nil) }
        let pointers = allocate(UnsafeMutablePointer<M.CMessage>?.self, count: values.count)
        let structs = allocate(M.CMessage.self, count: values.count)
        for (index, value) in values.enumerated() {
            let cMessage = structs + index
            M.cInitialize(cMessage)
            value.store(into: cMessage)
            (pointers + index).initialize(to: cMessage)
        }
        return (values.count, pointers)
    }

    /// A map as protobuf-c's array of entry messages: `initialize` is the entry's `__init` function and `store`
    /// writes one key and value into an initialized entry.
    static func map<Key, Value, Entry>(
        _ values: [Key: Value],
        _ initialize: (UnsafeMutablePointer<Entry>) -> Void,
        _ store: (UnsafeMutablePointer<Entry>, Key, Value) -> Void
    ) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<Entry>?>?) {
        guard !values.isEmpty else { return (0, nil) }
        let pointers = allocate(UnsafeMutablePointer<Entry>?.self, count: values.count)
        let entries = allocate(Entry.self, count: values.count)
        var index = 0
        for (key, value) in values {
            let entry = entries + index
            initialize(entry)
            store(entry, key, value)
            (pointers + index).initialize(to: entry)
            index += 1
        }
        return (values.count, pointers)
    }
}
