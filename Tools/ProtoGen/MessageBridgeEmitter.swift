/// Emits each message's `CBridgedMessage` conformance: the field-by-field conversion to the protoc-c struct
/// (`store(into:)`) and back (`init(loading:)`), using the helpers `CArena` and `CLoad` of PortProtocol.
enum MessageBridgeEmitter {
    /// The conformance of `message` and of every message nested in it.
    static func emitAll(_ message: MessageModel, into writer: inout CodeWriter) {
        writer.line()
        emit(message, into: &writer)
        for nested in message.nestedMessages { emitAll(nested, into: &writer) }
    }

    /// The name of the static inline accessor `CMessageDescriptorHeaderEmitter` declares for a message.
    static func descriptorAccessor(_ message: MessageModel) -> String { "cp_descriptor__" + message.cLowerName }

    private static func emit(_ message: MessageModel, into writer: inout CodeWriter) {
        writer.block("extension \(message.qualifiedSwiftName): CBridgedMessage") { writer in
            writer.line("typealias CMessage = \(message.cStructName)")
            writer.line()
            writer.block("static var cDescriptor: UnsafePointer<ProtobufCMessageDescriptor>") { writer in
                writer.line("\(descriptorAccessor(message))()")
            }
            writer.line()
            writer.block("static func cInitialize(_ cMessage: UnsafeMutablePointer<CMessage>)") { writer in
                writer.line("\(message.cLowerName)__init(cMessage)")
            }
            writer.line()
            writer.block("func store(into cMessage: UnsafeMutablePointer<CMessage>)") { writer in
                for member in message.members {
                    switch member {
                    case .field(let field): emitStore(field, into: &writer)
                    case .oneof(let oneof): emitStore(oneof, into: &writer)
                    }
                }
            }
            writer.line()
            writer.block("init(loading cMessage: UnsafePointer<CMessage>) throws(ProtoDecodingError)") { writer in
                writer.line("self.init()")
                for member in message.members {
                    switch member {
                    case .field(let field): emitLoad(field, into: &writer)
                    case .oneof(let oneof): emitLoad(oneof, into: &writer)
                    }
                }
            }
        }
    }

    // MARK: Swift → C

    private static func emitStore(_ field: FieldModel, into writer: inout CodeWriter) {
        let target = "cMessage.pointee.\(field.cName)"
        let countTarget = "cMessage.pointee.\(field.cCountName)"
        let value = "self.\(field.swiftName)"
        switch field.shape {
        case .singular(.message):
            writer.assignment(target, "CArena.optionalMessage(\(value))")
        case .singular(let kind):
            writer.assignment(target, storeExpression(kind, value))
        case .repeated(let kind):
            writer.wrapped("(\(countTarget), \(target)) = \(repeatedStoreFunction(kind))", [value], ")")
        case .map(let key, let mapValue, let entryInit):
            writer.wrapped("(\(countTarget), \(target)) = CArena.map", [value, entryInit], ") { entry, key, value in")
            writer.indent { writer in
                writer.line("entry.pointee.key = \(storeExpression(key, "key"))")
                writer.line("entry.pointee.value = \(storeExpression(mapValue, "value"))")
            }
            writer.line("}")
        }
    }

    private static func emitStore(_ oneof: OneofModel, into writer: inout CodeWriter) {
        writer.switchBlock("self.\(oneof.swiftPropertyName)") { writer in
            for member in oneof.members {
                guard case .singular(let kind) = member.shape else { continue }
                writer.line("case .\(member.swiftName)(let value)?:")
                writer.line("    cMessage.pointee.\(oneof.cCaseName) = .init(rawValue: \(member.number))")
                // An empty string in a oneof must not be protobuf-c's default string, or it is not packed.
                let expression =
                    if case .string = kind { "CArena.presentString(value)" } else { storeExpression(kind, "value") }
                writer.line("    cMessage.pointee.\(member.cName) = \(expression)")
            }
            writer.line("case nil:")
            writer.line("    break")
        }
    }

    /// A C value for the Swift value `value` (arena copies for strings, bytes and sub-messages).
    private static func storeExpression(_ kind: ValueKind, _ value: String) -> String {
        switch kind {
        case .number: value
        case .bool: "CArena.bool(\(value))"
        case .string: "CArena.string(\(value))"
        case .bytes: "CArena.bytes(\(value))"
        case .enumeration: "CArena.enumValue(\(value))"
        case .message: "CArena.message(\(value))"
        }
    }

    private static func repeatedStoreFunction(_ kind: ValueKind) -> String {
        switch kind {
        case .number: "CArena.array"
        case .bool: "CArena.bools"
        case .string: "CArena.strings"
        case .bytes: "CArena.bytesArray"
        case .enumeration: "CArena.enums"
        case .message: "CArena.messages"
        }
    }

    // MARK: C → Swift

    private static func emitLoad(_ field: FieldModel, into writer: inout CodeWriter) {
        let source = "cMessage.pointee.\(field.cName)"
        let count = "cMessage.pointee.\(field.cCountName)"
        let target = "self.\(field.swiftName)"
        switch field.shape {
        case .singular(let kind):
            let (expression, throwing) = loadExpression(kind, source, field: field.protoName, optionalMessage: true)
            writer.assignment(target, (throwing ? "try " : "") + expression)
        case .repeated(let kind):
            let fieldName = SwiftNaming.stringLiteral(field.protoName)
            switch kind {
            case .number: writer.wrapped("\(target) = CLoad.array", [source, count], ")")
            case .bool: writer.wrapped("\(target) = CLoad.bools", [source, count], ")")
            case .string: writer.wrapped("\(target) = try CLoad.strings", [source, count, fieldName, "Self.self"], ")")
            case .bytes: writer.wrapped("\(target) = CLoad.bytesArray", [source, count], ")")
            case .enumeration: writer.wrapped("\(target) = CLoad.enums", [source, count], ")")
            case .message: writer.wrapped("\(target) = try CLoad.messages", [source, count], ")")
            }
        case .map(let key, let value, _):
            let (keyExpression, keyThrows) = loadExpression(
                key, "entry.pointee.key", field: field.protoName, optionalMessage: false)
            let (valueExpression, valueThrows) = loadExpression(
                value, "entry.pointee.value", field: field.protoName, optionalMessage: false)
            let tryPrefix = keyThrows || valueThrows ? "try " : ""
            writer.line("\(target) = try CLoad.map(")
            writer.indent { $0.line("\(source), \(count)") }
            writer.line(") { (entry) throws(ProtoDecodingError) in")
            writer.indent { $0.wrapped(tryPrefix, [keyExpression, valueExpression], ")") }
            writer.line("}")
        }
    }

    private static func emitLoad(_ oneof: OneofModel, into writer: inout CodeWriter) {
        writer.switchBlock("cMessage.pointee.\(oneof.cCaseName).rawValue") { writer in
            for member in oneof.members {
                guard case .singular(let kind) = member.shape else { continue }
                let (expression, throwing) = loadExpression(
                    kind, "cMessage.pointee.\(member.cName)", field: member.protoName, optionalMessage: false)
                writer.line("case \(member.number):")
                let target = "self.\(oneof.swiftPropertyName) = \(throwing ? "try " : "").\(member.swiftName)"
                writer.indent { $0.wrapped(target, [expression], ")") }
            }
            writer.line("default:")
            writer.line("    break")
        }
    }

    /// A Swift value for the C value `source`, and whether computing it can throw. Messages are optional only for
    /// singular fields; oneof members and map values that are absent in C become default messages.
    private static func loadExpression(
        _ kind: ValueKind, _ source: String, field: String, optionalMessage: Bool
    ) -> (String, throws: Bool) {
        switch kind {
        case .number: (source, false)
        case .bool: ("CLoad.bool(\(source))", false)
        case .string: ("CLoad.string(\(source), \(SwiftNaming.stringLiteral(field)), Self.self)", true)
        case .bytes: ("CLoad.bytes(\(source))", false)
        case .enumeration: ("CLoad.enumValue(\(source))", false)
        case .message: (optionalMessage ? "CLoad.message(\(source))" : "CLoad.messageOrDefault(\(source))", true)
        }
    }
}
