/// Parses serialized google.protobuf descriptor messages (FileDescriptorSet, FileDescriptorProto) into the
/// ``FileDescriptor`` model. Only the parts this project uses are read; everything else is skipped.
public enum DescriptorParser {
    /// Parses a serialized google.protobuf.FileDescriptorSet (what `protoc --descriptor_set_out` writes).
    public static func parseFileDescriptorSet(_ bytes: [UInt8]) throws(WireFormatError) -> [FileDescriptor] {
        var reader = WireReader(bytes)
        var files: [FileDescriptor] = []
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readKey()
            if number == 1 && wireType == .lengthDelimited {
                files.append(try parseFile(Array(bytes[try reader.readLengthDelimitedRange()])))
            } else {
                try reader.skip(wireType)
            }
        }
        return files
    }

    /// Parses one serialized google.protobuf.FileDescriptorProto.
    public static func parseFile(_ bytes: [UInt8]) throws(WireFormatError) -> FileDescriptor {
        var file = FileDescriptor(name: "", package: "", syntax: "proto2", serialized: bytes)
        var rawMessages: [Range<Int>] = []
        var rawEnums: [Range<Int>] = []
        var rawServices: [Range<Int>] = []
        var reader = WireReader(bytes)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readKey()
            switch (number, wireType) {
            case (1, .lengthDelimited): file.name = try reader.readString()
            case (2, .lengthDelimited): file.package = try reader.readString()
            case (3, .lengthDelimited): file.dependencies.append(try reader.readString())
            case (4, .lengthDelimited): rawMessages.append(try reader.readLengthDelimitedRange())
            case (5, .lengthDelimited): rawEnums.append(try reader.readLengthDelimitedRange())
            case (6, .lengthDelimited): rawServices.append(try reader.readLengthDelimitedRange())
            case (12, .lengthDelimited): file.syntax = try reader.readString()
            default: try reader.skip(wireType)
            }
        }
        let scope = file.package
        for range in rawMessages { file.messages.append(try parseMessage(bytes, range, scope: scope)) }
        for range in rawEnums { file.enums.append(try parseEnum(bytes, range, scope: scope)) }
        for range in rawServices { file.services.append(try parseService(bytes, range, scope: scope)) }
        return file
    }

    private static func qualified(_ scope: String, _ name: String) -> String {
        scope.isEmpty ? name : scope + "." + name
    }

    private static func stripDot(_ name: String) -> String {
        name.hasPrefix(".") ? String(name.dropFirst()) : name
    }

    private static func parseMessage(
        _ bytes: [UInt8], _ range: Range<Int>, scope: String
    ) throws(WireFormatError) -> MessageDescriptor {
        var message = MessageDescriptor(name: "", fullName: "")
        var rawFields: [Range<Int>] = []
        var rawNested: [Range<Int>] = []
        var rawEnums: [Range<Int>] = []
        var reader = WireReader(bytes, range: range)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readKey()
            switch (number, wireType) {
            case (1, .lengthDelimited): message.name = try reader.readString()
            case (2, .lengthDelimited): rawFields.append(try reader.readLengthDelimitedRange())
            case (3, .lengthDelimited): rawNested.append(try reader.readLengthDelimitedRange())
            case (4, .lengthDelimited): rawEnums.append(try reader.readLengthDelimitedRange())
            case (7, .lengthDelimited):
                message.isMapEntry = try readBoolOption(bytes, try reader.readLengthDelimitedRange(), field: 7) ?? false
            case (8, .lengthDelimited):
                message.oneofs.append(try readNameField(bytes, try reader.readLengthDelimitedRange()))
            default: try reader.skip(wireType)
            }
        }
        message.fullName = qualified(scope, message.name)
        for r in rawFields { message.fields.append(try parseField(bytes, r)) }
        for r in rawNested { message.nestedMessages.append(try parseMessage(bytes, r, scope: message.fullName)) }
        for r in rawEnums { message.nestedEnums.append(try parseEnum(bytes, r, scope: message.fullName)) }
        return message
    }

    private static func parseField(_ bytes: [UInt8], _ range: Range<Int>) throws(WireFormatError) -> FieldDescriptor {
        var name = ""
        var number = 0
        var label = FieldLabel.optional
        var type = FieldType.int32
        var typeName = ""
        var oneofIndex: Int?
        var jsonName: String?
        var proto3Optional = false
        var packed: Bool?
        var reader = WireReader(bytes, range: range)
        while !reader.isAtEnd {
            let (fieldNumber, wireType) = try reader.readKey()
            switch (fieldNumber, wireType) {
            case (1, .lengthDelimited): name = try reader.readString()
            case (3, .varint): number = Int(truncatingIfNeeded: try reader.readVarint())
            case (4, .varint): label = FieldLabel(rawValue: Int(truncatingIfNeeded: try reader.readVarint())) ?? .optional
            case (5, .varint):
                let raw = Int(truncatingIfNeeded: try reader.readVarint())
                guard let t = FieldType(rawValue: raw) else { throw .invalidFieldNumber }
                type = t
            case (6, .lengthDelimited): typeName = stripDot(try reader.readString())
            case (8, .lengthDelimited): packed = try readBoolOption(bytes, try reader.readLengthDelimitedRange(), field: 2)
            case (9, .varint): oneofIndex = Int(truncatingIfNeeded: try reader.readVarint())
            case (10, .lengthDelimited): jsonName = try reader.readString()
            case (17, .varint): proto3Optional = try reader.readVarint() != 0
            default: try reader.skip(wireType)
            }
        }
        return FieldDescriptor(
            name: name, number: number, label: label, type: type, typeName: typeName, oneofIndex: oneofIndex,
            jsonName: jsonName, isProto3Optional: proto3Optional, packedOption: packed)
    }

    private static func parseEnum(
        _ bytes: [UInt8], _ range: Range<Int>, scope: String
    ) throws(WireFormatError) -> EnumDescriptor {
        var name = ""
        var values: [EnumValueDescriptor] = []
        var reader = WireReader(bytes, range: range)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readKey()
            switch (number, wireType) {
            case (1, .lengthDelimited): name = try reader.readString()
            case (2, .lengthDelimited):
                var valueReader = WireReader(bytes, range: try reader.readLengthDelimitedRange())
                var valueName = ""
                var valueNumber: Int32 = 0
                while !valueReader.isAtEnd {
                    let (n, w) = try valueReader.readKey()
                    switch (n, w) {
                    case (1, .lengthDelimited): valueName = try valueReader.readString()
                    case (2, .varint): valueNumber = Int32(truncatingIfNeeded: try valueReader.readVarint())
                    default: try valueReader.skip(w)
                    }
                }
                values.append(EnumValueDescriptor(name: valueName, number: valueNumber))
            default: try reader.skip(wireType)
            }
        }
        return EnumDescriptor(name: name, fullName: qualified(scope, name), values: values)
    }

    private static func parseService(
        _ bytes: [UInt8], _ range: Range<Int>, scope: String
    ) throws(WireFormatError) -> ServiceDescriptor {
        var name = ""
        var methods: [MethodDescriptor] = []
        var reader = WireReader(bytes, range: range)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readKey()
            switch (number, wireType) {
            case (1, .lengthDelimited): name = try reader.readString()
            case (2, .lengthDelimited):
                var m = MethodDescriptor(
                    name: "", inputType: "", outputType: "", clientStreaming: false, serverStreaming: false)
                var methodReader = WireReader(bytes, range: try reader.readLengthDelimitedRange())
                while !methodReader.isAtEnd {
                    let (n, w) = try methodReader.readKey()
                    switch (n, w) {
                    case (1, .lengthDelimited): m.name = try methodReader.readString()
                    case (2, .lengthDelimited): m.inputType = stripDot(try methodReader.readString())
                    case (3, .lengthDelimited): m.outputType = stripDot(try methodReader.readString())
                    case (5, .varint): m.clientStreaming = try methodReader.readVarint() != 0
                    case (6, .varint): m.serverStreaming = try methodReader.readVarint() != 0
                    default: try methodReader.skip(w)
                    }
                }
                methods.append(m)
            default: try reader.skip(wireType)
            }
        }
        return ServiceDescriptor(name: name, fullName: qualified(scope, name), methods: methods)
    }

    /// Reads field 1 (a name) of a small message such as OneofDescriptorProto.
    private static func readNameField(_ bytes: [UInt8], _ range: Range<Int>) throws(WireFormatError) -> String {
        var reader = WireReader(bytes, range: range)
        var name = ""
        while !reader.isAtEnd {
            let (n, w) = try reader.readKey()
            if n == 1 && w == .lengthDelimited { name = try reader.readString() } else { try reader.skip(w) }
        }
        return name
    }

    /// Reads a bool field of an options message (MessageOptions.map_entry, FieldOptions.packed).
    private static func readBoolOption(
        _ bytes: [UInt8], _ range: Range<Int>, field: Int
    ) throws(WireFormatError) -> Bool? {
        var reader = WireReader(bytes, range: range)
        var value: Bool?
        while !reader.isAtEnd {
            let (n, w) = try reader.readKey()
            if n == field && w == .varint { value = try reader.readVarint() != 0 } else { try reader.skip(w) }
        }
        return value
    }
}
