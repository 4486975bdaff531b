import PortDescriptors

/// The generated Swift and C names of every message and enum of a descriptor set, by fully qualified protobuf
/// name, so fields can refer to types of any file.
struct SymbolTable {
    struct MessageSymbol {
        var descriptor: MessageDescriptor
        var qualifiedSwiftName: String
        var cStructName: String
        var cLowerName: String
    }

    private(set) var messages: [String: MessageSymbol] = [:]
    private(set) var enumSwiftNames: [String: String] = [:]

    init(files: [FileDescriptor]) {
        for file in files {
            let prefix = SwiftNaming.typePrefix(package: file.package)
            for message in file.messages { register(message, swiftName: prefix + message.name) }
            for e in file.enums { enumSwiftNames[e.fullName] = prefix + e.name }
        }
    }

    private mutating func register(_ message: MessageDescriptor, swiftName: String) {
        messages[message.fullName] = MessageSymbol(
            descriptor: message, qualifiedSwiftName: swiftName,
            cStructName: CNaming.structName(fullName: message.fullName),
            cLowerName: CNaming.lowerName(fullName: message.fullName))
        for nested in message.nestedMessages {
            register(nested, swiftName: swiftName + "." + SwiftNaming.nestedTypeName(nested.name))
        }
        for e in message.nestedEnums {
            enumSwiftNames[e.fullName] = swiftName + "." + SwiftNaming.nestedTypeName(e.name)
        }
    }

    func message(_ fullName: String) throws(GeneratorError) -> MessageSymbol {
        guard let symbol = messages[fullName] else { throw GeneratorError("unknown message type \(fullName)") }
        return symbol
    }

    func enumSwiftName(_ fullName: String) throws(GeneratorError) -> String {
        guard let name = enumSwiftNames[fullName] else { throw GeneratorError("unknown enum type \(fullName)") }
        return name
    }
}
