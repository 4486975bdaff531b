import CNGHTTP2

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A list of HTTP/2 header fields laid out as an `nghttp2_nv` array in one allocation.
///
/// Static blocks (`isStatic`) are built once and never freed: nghttp2 uses them without copying
/// (`NGHTTP2_NV_FLAG_NO_COPY_NAME | NO_COPY_VALUE`). Dynamic blocks are copied by nghttp2 when submitted and freed
/// by their owner right after.
struct HeaderBlock {
    private(set) var fields: UnsafeMutablePointer<nghttp2_nv>
    let count: Int
    private let storage: UnsafeMutableRawPointer

    /// Builds a block from name/value byte strings.
    init(_ pairs: [(name: [UInt8], value: [UInt8])], isStatic: Bool) {
        count = pairs.count
        let bytes = pairs.reduce(0) { $0 + $1.name.count + $1.value.count + 2 }
        storage = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: 1)
        fields = UnsafeMutablePointer<nghttp2_nv>.allocate(capacity: max(pairs.count, 1))
        let flags = isStatic
            ? UInt8(NGHTTP2_NV_FLAG_NO_COPY_NAME.rawValue | NGHTTP2_NV_FLAG_NO_COPY_VALUE.rawValue)
            : UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)
        var offset = 0
        for (index, pair) in pairs.enumerated() {
            let name = storage.advanced(by: offset).assumingMemoryBound(to: UInt8.self)
            pair.name.withUnsafeBytes { if $0.count > 0 { name.update(from: $0.bindMemory(to: UInt8.self).baseAddress!, count: $0.count) } }
            name[pair.name.count] = 0
            offset += pair.name.count + 1
            let value = storage.advanced(by: offset).assumingMemoryBound(to: UInt8.self)
            pair.value.withUnsafeBytes { if $0.count > 0 { value.update(from: $0.bindMemory(to: UInt8.self).baseAddress!, count: $0.count) } }
            value[pair.value.count] = 0
            offset += pair.value.count + 1
            fields[index] = nghttp2_nv(
                name: name, value: value, namelen: pair.name.count, valuelen: pair.value.count, flags: flags)
        }
    }

    /// Builds a block from text pairs.
    init(_ pairs: [(String, String)], isStatic: Bool) {
        self.init(pairs.map { (Array($0.0.utf8), Array($0.1.utf8)) }, isStatic: isStatic)
    }

    /// Frees a dynamic block (static blocks live for the whole process).
    func deallocate() {
        storage.deallocate()
        fields.deallocate()
    }
}

/// Collects header fields for one HEADERS frame, then builds a ``HeaderBlock``.
struct HeaderListBuilder {
    private(set) var pairs: [(name: [UInt8], value: [UInt8])] = []

    init(capacity: Int = 8) { pairs.reserveCapacity(capacity) }

    mutating func add(_ name: String, _ value: String) {
        pairs.append((Array(name.utf8), Array(value.utf8)))
    }

    /// Adds custom metadata, base64-encoding `-bin` values and skipping names that may not be sent.
    mutating func add(_ metadata: Metadata) {
        for (name, value) in metadata where Metadata.isValidCustomName(name) {
            switch value {
            case .string(let text):
                if Metadata.isValidTextValue(text) { add(name, text) }
            case .binary(let bytes):
                add(name, Base64.encode(bytes, padded: false))
            }
        }
    }

    var isEmpty: Bool { pairs.isEmpty }

    func build() -> HeaderBlock { HeaderBlock(pairs, isStatic: false) }
}
