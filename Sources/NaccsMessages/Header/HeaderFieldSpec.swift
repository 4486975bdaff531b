/// One fixed-width field of a common header: its name, width and character set (nil for reserved fields, which are
/// written as spaces and must be blank when read).
struct HeaderFieldSpec: Sendable {
    let name: String
    let width: Int
    let characterSet: NaccsCharacterSet?

    static func reserved(_ index: Int, _ width: Int) -> HeaderFieldSpec {
        HeaderFieldSpec(name: "reserved\(index)", width: width, characterSet: nil)
    }
}

/// Writes header fields in order.
struct HeaderWriter {
    var bytes: [UInt8] = []

    mutating func write(_ spec: HeaderFieldSpec, _ value: String) throws(NaccsFittingError) {
        guard let set = spec.characterSet else {
            bytes.append(contentsOf: repeatElement(FixedWidth.space, count: spec.width))
            return
        }
        try FixedWidth.append(value, width: spec.width, characterSet: set, field: spec.name, to: &bytes)
    }

    mutating func writeNumber(_ spec: HeaderFieldSpec, _ value: Int) throws(NaccsFittingError) {
        try FixedWidth.appendNumber(value, width: spec.width, field: spec.name, to: &bytes)
    }
}

/// Reads header fields in order from a buffer known to hold the whole header.
struct HeaderReader {
    let bytes: ArraySlice<UInt8>
    private(set) var offset = 0

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    private mutating func take(_ width: Int) -> (slice: ArraySlice<UInt8>, offset: Int) {
        let start = bytes.startIndex + offset
        defer { offset += width }
        return (bytes[start..<start + width], offset)
    }

    /// The field's value (trailing padding removed); reserved fields must be blank and read as "".
    mutating func read(_ spec: HeaderFieldSpec, required: Bool = false) throws(NaccsDecodingError) -> String {
        let (slice, at) = take(spec.width)
        guard let set = spec.characterSet else {
            try FixedWidth.requireBlank(slice, field: spec.name, offset: at)
            return ""
        }
        let value = try FixedWidth.read(slice, characterSet: set, field: spec.name, offset: at)
        if required, value.isEmpty { throw NaccsDecodingError(offset: at, field: spec.name, reason: .blank) }
        return value
    }

    /// A zero-padded number occupying the whole field.
    mutating func readNumber(_ spec: HeaderFieldSpec) throws(NaccsDecodingError) -> Int {
        let (slice, at) = take(spec.width)
        return try FixedWidth.readNumber(slice, field: spec.name, offset: at)
    }

    /// The raw bytes of a one-byte code field.
    mutating func readByte(_ spec: HeaderFieldSpec) -> (byte: UInt8, offset: Int) {
        let (slice, at) = take(spec.width)
        return (slice[slice.startIndex], at)
    }
}
