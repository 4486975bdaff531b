/// How protobuf names become Swift names, following swift-protobuf's conventions where they are simple:
/// `grpc.testing.SimpleRequest` → `Grpc_Testing_SimpleRequest`, `response_size` → `responseSize`,
/// `GRPCLB_ROUTE_TYPE_BACKEND` (in `GrpclbRouteType`) → `backend`.
enum SwiftNaming {
    /// The prefix of top-level types of a package: `grpc.testing` → `Grpc_Testing_`, `my_pkg.v1alpha` →
    /// `MyPkg_V1alpha_`; empty for the empty package.
    static func typePrefix(package: String) -> String {
        guard !package.isEmpty else { return "" }
        return package.split(separator: ".").map { upperCamel(String($0)) }.joined(separator: "_") + "_"
    }

    /// `file_descriptor_proto` → `FileDescriptorProto`; letters after the first of each word keep their case.
    static func upperCamel(_ name: String) -> String {
        var result = ""
        var upperNext = true
        for character in name {
            if character == "_" {
                upperNext = true
            } else if upperNext {
                result += character.uppercased()
                upperNext = false
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// `response_size` → `responseSize`, `EmptyCall` → `emptyCall`, `HTTPRequest` → `httpRequest`.
    static func lowerCamel(_ name: String) -> String {
        let camel = upperCamel(name)
        let characters = Array(camel)
        guard let first = characters.first else { return camel }
        guard first.isUppercase else { return camel }
        // Lower the leading run of capitals, keeping the last one when it starts the next word ("HTTPRequest").
        var end = 0
        while end < characters.count && characters[end].isUppercase { end += 1 }
        if end > 1 && end < characters.count && characters[end].isLowercase { end -= 1 }
        return characters[..<end].map { $0.lowercased() }.joined() + String(characters[end...])
    }

    /// `REGISTER_AND_CALL` → `registerAndCall`: every word lower-cased, later words capitalized.
    static func lowerCamelFromUpperSnake(_ name: String) -> String {
        var result = ""
        for word in name.split(separator: "_", omittingEmptySubsequences: true) {
            let lower = word.lowercased()
            result += result.isEmpty ? lower : lower.prefix(1).uppercased() + lower.dropFirst()
        }
        return result
    }

    /// The value name without the enum's name as a prefix (compared case-insensitively, ignoring underscores),
    /// or nil when the value does not start with it or what remains is not a usable identifier.
    static func strippingEnumPrefix(_ valueName: String, enumName: String) -> String? {
        let prefix = Array(enumName.lowercased().filter { $0 != "_" })
        let value = Array(valueName)
        var matched = 0
        var index = 0
        while matched < prefix.count && index < value.count {
            if value[index] == "_" {
                index += 1
                continue
            }
            guard Character(value[index].lowercased()) == prefix[matched] else { return nil }
            matched += 1
            index += 1
        }
        guard matched == prefix.count else { return nil }
        while index < value.count && value[index] == "_" { index += 1 }
        let rest = String(value[index...])
        guard let first = rest.first, first.isLetter else { return nil }
        return rest
    }

    /// `identifier` with backticks when it is a Swift keyword.
    static func escaped(_ identifier: String) -> String {
        keywords.contains(identifier) ? "`\(identifier)`" : identifier
    }

    /// Swift keywords that cannot be used as identifiers without backticks (declarations, statements, expressions,
    /// and the names that are special after a dot).
    static let keywords: Set<String> = [
        "associatedtype", "borrowing", "class", "consuming", "deinit", "enum", "extension", "fileprivate", "func",
        "import", "init", "inout", "internal", "let", "nonisolated", "open", "operator", "private", "precedencegroup",
        "protocol", "public", "rethrows", "static", "struct", "subscript", "typealias", "var", "break", "case",
        "catch", "continue", "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat",
        "return", "throw", "switch", "where", "while", "Any", "as", "await", "false", "is", "nil", "self", "Self",
        "super", "throws", "true", "try", "Type", "Protocol", "_",
    ]

    /// Names a generated nested type must not take, because generated code uses them unqualified.
    static let reservedTypeNames: Set<String> = [
        "Type", "Protocol", "Self", "String", "Bool", "Int", "Int32", "Int64", "UInt8", "UInt32", "UInt64", "Float",
        "Double", "Array", "Dictionary", "Optional", "Result", "Sendable", "Hashable", "StaticString", "ProtoMessage",
        "ProtoEnum", "ProtoDecodingError", "CBridge", "CArena", "CLoad", "CMessage", "RPCMethod", "Method",
    ]

    /// Member names generated types already use; fields and enum values with these names get a `_p` suffix.
    static let reservedMemberNames: Set<String> = [
        "rawValue", "hashValue", "description", "debugDescription", "protoMessageName", "protoEnumName",
        "knownValues", "protoValueName", "serializedBytes", "encode", "store", "cDescriptor", "cInitialize",
    ]

    /// A property or case name: lowerCamel, suffixed when reserved, escaped when a keyword.
    static func memberName(_ lowerCamelName: String) -> String {
        reservedMemberNames.contains(lowerCamelName) ? lowerCamelName + "_p" : escaped(lowerCamelName)
    }

    /// A nested type name: the protobuf name, suffixed when it would shadow a name generated code relies on.
    static func nestedTypeName(_ name: String) -> String {
        reservedTypeNames.contains(name) ? name + "_" : name
    }

    /// A Swift string literal for `text`.
    static func stringLiteral(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
