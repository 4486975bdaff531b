/// The names protoc-c 1.4.1 gives generated C symbols (c_helpers.cc: ToCamel, CamelToLower, FieldName), checked
/// against its output: `grpc.testing.SimpleRequest` → struct `Grpc__Testing__SimpleRequest`, functions
/// `grpc__testing__simple_request__*`; field `fooBar` → member `foobar`; C keywords get a trailing `_`.
enum CNaming {
    /// The struct (and typedef) name: every dot-separated piece in ToCamel form, joined by `__`.
    static func structName(fullName: String) -> String {
        fullName.split(separator: ".").map { toCamel(String($0)) }.joined(separator: "__")
    }

    /// The prefix of functions and descriptors: every piece in CamelToLower form, joined by `__`.
    static func lowerName(fullName: String) -> String {
        fullName.split(separator: ".").map { camelToLower(String($0)) }.joined(separator: "__")
    }

    /// The struct member of a field (also used for oneof union members).
    static func fieldName(_ protoName: String) -> String {
        let lower = protoName.lowercased()
        return keywords.contains(lower) ? lower + "_" : lower
    }

    /// The count member of a repeated field.
    static func countName(_ protoName: String) -> String { "n_" + fieldName(protoName) }

    /// The member holding which field of a oneof is set.
    static func oneofCaseName(_ oneofName: String) -> String { camelToLower(oneofName) + "_case" }

    /// protoc-c's ToCamel: underscores dropped, the letter after each (and the first letter) upper-cased.
    static func toCamel(_ name: String) -> String {
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

    /// protoc-c's CamelToLower: an underscore before each capital that follows a non-capital, all lower-cased.
    static func camelToLower(_ name: String) -> String {
        var result = ""
        var previousWasUpper = true
        for character in name {
            let isUpper = character.isASCII && character.isUppercase
            if isUpper {
                if !previousWasUpper { result += "_" }
                result += character.lowercased()
            } else {
                result.append(character)
            }
            previousWasUpper = isUpper
        }
        return result
    }

    /// The C/C++ keywords protoc-c suffixes with `_` in member names.
    static let keywords: Set<String> = [
        "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch", "char", "class", "compl",
        "const", "const_cast", "continue", "default", "delete", "do", "double", "dynamic_cast", "else", "enum",
        "explicit", "extern", "false", "float", "for", "friend", "goto", "if", "inline", "int", "long",
        "mutable", "namespace", "new", "not", "not_eq", "operator", "or", "or_eq", "private", "protected", "public",
        "register", "reinterpret_cast", "return", "short", "signed", "sizeof", "static", "static_cast", "struct",
        "switch", "template", "this", "throw", "true", "try", "typedef", "typeid", "typename", "union", "unsigned",
        "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
    ]
}
