import PortDescriptors

/// The comments protoc keeps in a FileDescriptorProto's SourceCodeInfo (`--include_source_info`), looked up by
/// descriptor path (e.g. `[4, 3, 2, 1]` = message 3, field 1).
struct SourceComments {
    /// Path element numbers of descriptor.proto used to address declarations.
    enum PathElement {
        static let fileMessage = 4
        static let fileEnum = 5
        static let fileService = 6
        static let messageField = 2
        static let messageNested = 3
        static let messageEnum = 4
        static let messageOneof = 8
        static let enumValue = 2
        static let serviceMethod = 2
    }

    private var comments: [[Int]: String] = [:]

    /// Reads field 9 (source_code_info) of a serialized FileDescriptorProto; files without it have no comments.
    init(fileDescriptorProto bytes: [UInt8]) throws(WireFormatError) {
        var reader = WireReader(bytes)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readKey()
            if number == 9 && wireType == .lengthDelimited {
                try readSourceCodeInfo(bytes, try reader.readLengthDelimitedRange())
            } else {
                try reader.skip(wireType)
            }
        }
    }

    /// The leading comment of the declaration at `path` (else its trailing comment), cleaned up for `///` docs.
    func comment(_ path: [Int]) -> String? { comments[path] }

    private mutating func readSourceCodeInfo(_ bytes: [UInt8], _ range: Range<Int>) throws(WireFormatError) {
        var reader = WireReader(bytes, range: range)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readKey()
            if number == 1 && wireType == .lengthDelimited {
                try readLocation(bytes, try reader.readLengthDelimitedRange())
            } else {
                try reader.skip(wireType)
            }
        }
    }

    private mutating func readLocation(_ bytes: [UInt8], _ range: Range<Int>) throws(WireFormatError) {
        var reader = WireReader(bytes, range: range)
        var path: [Int] = []
        var leading: String?
        var trailing: String?
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readKey()
            switch (number, wireType) {
            case (1, .lengthDelimited):
                var packed = WireReader(bytes, range: try reader.readLengthDelimitedRange())
                while !packed.isAtEnd { path.append(Int(truncatingIfNeeded: try packed.readVarint())) }
            case (1, .varint): path.append(Int(truncatingIfNeeded: try reader.readVarint()))
            case (3, .lengthDelimited): leading = try reader.readString()
            case (4, .lengthDelimited): trailing = try reader.readString()
            default: try reader.skip(wireType)
            }
        }
        if let text = Self.cleaned(leading ?? trailing ?? "") { comments[path] = text }
    }

    /// Drops the space protoc keeps after `//`, trailing whitespace and blank edge lines; nil when nothing is left.
    private static func cleaned(_ raw: String) -> String? {
        var lines = raw.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var text = Substring(line)
            if text.hasPrefix(" ") { text = text.dropFirst() }
            while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
            return String(text)
        }
        while lines.first?.isEmpty == true { lines.removeFirst() }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }
}
