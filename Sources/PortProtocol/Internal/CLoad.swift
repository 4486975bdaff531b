internal import CPortProtocol

/// Copies values out of unpacked protobuf-c structs into Swift values, validating what protobuf-c does not
/// (UTF-8). Used by generated `init(loading:)` initializers; `Message` names the message in errors.
enum CLoad {
    @inline(__always)
    static func bool(_ value: protobuf_c_boolean) -> Bool { value != 0 }

    /// A protoc-c C enum (an int-sized struct) as the Swift enum with the same number.
    @inline(__always)
    static func enumValue<E: ProtoEnum, CEnum>(_ value: CEnum) -> E {
        E(rawValue: unsafeBitCast(value, to: Int32.self))
    }

    /// A string field; throws when it is not valid UTF-8.
    static func string<Message: ProtoMessage>(
        _ pointer: UnsafePointer<CChar>?, _ field: StaticString, _ message: Message.Type
    ) throws(ProtoDecodingError) -> String {
        guard let pointer, pointer.pointee != 0 else { return "" }
        guard let value = String(validatingCString: pointer) else {
            throw ProtoDecodingError(
                messageName: Message.protoMessageName, reason: "field '\(field)' is not valid UTF-8")
        }
        return value
    }

    static func bytes(_ data: ProtobufCBinaryData) -> [UInt8] {
        guard data.len > 0, let start = data.data else { return [] }
        return Array(UnsafeBufferPointer(start: start, count: data.len))
    }

    /// A sub-message field, nil when absent.
    @inline(__always)
    static func message<M: CBridgedMessage>(
        _ pointer: UnsafePointer<M.CMessage>?
    ) throws(ProtoDecodingError) -> M? {
        guard let pointer else { return nil }
        return try M(loading: pointer)
    }

    /// A sub-message that must be present (oneof members, map values); a missing one is the default message.
    @inline(__always)
    static func messageOrDefault<M: CBridgedMessage>(
        _ pointer: UnsafePointer<M.CMessage>?
    ) throws(ProtoDecodingError) -> M {
        guard let pointer else { return M() }
        return try M(loading: pointer)
    }

    // MARK: Repeated fields, from protobuf-c's `n_<field>` count and `<field>` array.

    static func array<T>(_ pointer: UnsafePointer<T>?, _ count: Int) -> [T] {
        guard count > 0, let pointer else { return [] }
        return Array(UnsafeBufferPointer(start: pointer, count: count))
    }

    static func bools(_ pointer: UnsafePointer<protobuf_c_boolean>?, _ count: Int) -> [Bool] {
        guard count > 0, let pointer else { return [] }
        return UnsafeBufferPointer(start: pointer, count: count).map { $0 != 0 }
    }

    static func enums<E: ProtoEnum, CEnum>(_ pointer: UnsafePointer<CEnum>?, _ count: Int) -> [E] {
        precondition(MemoryLayout<CEnum>.size == MemoryLayout<Int32>.size, "protoc-c enums are int-sized")
        guard count > 0, let pointer else { return [] }
        let raw = UnsafeRawPointer(pointer)
        return (0..<count).map { index in
            E(rawValue: raw.load(fromByteOffset: index * MemoryLayout<Int32>.stride, as: Int32.self))
        }
    }

    static func strings<Message: ProtoMessage>(
        _ pointer: UnsafePointer<UnsafeMutablePointer<CChar>?>?, _ count: Int, _ field: StaticString,
        _ message: Message.Type
    ) throws(ProtoDecodingError) -> [String] {
        guard count > 0, let pointer else { return [] }
        var result: [String] = []
        result.reserveCapacity(count)
        for index in 0..<count { result.append(try string(pointer[index], field, message)) }
        return result
    }

    static func bytesArray(_ pointer: UnsafePointer<ProtobufCBinaryData>?, _ count: Int) -> [[UInt8]] {
        guard count > 0, let pointer else { return [] }
        return UnsafeBufferPointer(start: pointer, count: count).map { bytes($0) }
    }

    static func messages<M: CBridgedMessage>(
        _ pointer: UnsafePointer<UnsafeMutablePointer<M.CMessage>?>?, _ count: Int
    ) throws(ProtoDecodingError) -> [M] {
        guard count > 0, let pointer else { return [] }
        var result: [M] = []
        result.reserveCapacity(count)
        for index in 0..<count { result.append(try messageOrDefault(pointer[index])) }
        return result
    }

    /// A map from protobuf-c's array of entry messages; `load` reads one entry. Later duplicates of a key win.
    static func map<Key: Hashable, Value, Entry>(
        _ pointer: UnsafePointer<UnsafeMutablePointer<Entry>?>?, _ count: Int,
        _ load: (UnsafePointer<Entry>) throws(ProtoDecodingError) -> (Key, Value)
    ) throws(ProtoDecodingError) -> [Key: Value] {
        guard count > 0, let pointer else { return [:] }
        var result: [Key: Value] = [:]
        result.reserveCapacity(count)
        for index in 0..<count {
            guard let entry = pointer[index] else { continue }
            let (key, value) = try load(entry)
            result[key] = value
        }
        return result
    }
}
