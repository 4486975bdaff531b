import PortDescriptors

/// Resolves the descriptors of one file into the models the emitters use: Swift and C names, field shapes and
/// doc comments.
struct ModelBuilder {
    let symbols: SymbolTable

    func file(_ file: FileDescriptor) throws(GeneratorError) -> FileModel {
        let comments: SourceComments
        do {
            comments = try SourceComments(fileDescriptorProto: file.serialized)
        } catch {
            throw GeneratorError("\(file.name): unreadable source info: \(error)")
        }
        let prefix = SwiftNaming.typePrefix(package: file.package)
        var model = FileModel(protoPath: file.name, messages: [], enums: [], services: [])
        for (index, message) in file.messages.enumerated() {
            model.messages.append(
                try self.message(
                    message, swiftName: prefix + message.name, qualifiedParent: nil,
                    path: [SourceComments.PathElement.fileMessage, index], comments: comments))
        }
        for (index, e) in file.enums.enumerated() {
            model.enums.append(
                self.enumeration(
                    e, swiftName: prefix + e.name, qualifiedParent: nil,
                    path: [SourceComments.PathElement.fileEnum, index], comments: comments))
        }
        for (index, service) in file.services.enumerated() {
            model.services.append(
                try self.service(
                    service, prefix: prefix, path: [SourceComments.PathElement.fileService, index],
                    comments: comments))
        }
        return model
    }

    // MARK: Messages

    private func message(
        _ message: MessageDescriptor, swiftName: String, qualifiedParent: String?, path: [Int],
        comments: SourceComments
    ) throws(GeneratorError) -> MessageModel {
        let qualified = qualifiedParent.map { $0 + "." + swiftName } ?? swiftName
        var model = MessageModel(
            fullName: message.fullName, swiftName: swiftName, qualifiedSwiftName: qualified,
            cStructName: CNaming.structName(fullName: message.fullName),
            cLowerName: CNaming.lowerName(fullName: message.fullName), members: [], nestedMessages: [],
            nestedEnums: [], comment: comments.comment(path))

        for (index, nested) in message.nestedMessages.enumerated() where !nested.isMapEntry {
            model.nestedMessages.append(
                try self.message(
                    nested, swiftName: SwiftNaming.nestedTypeName(nested.name), qualifiedParent: qualified,
                    path: path + [SourceComments.PathElement.messageNested, index], comments: comments))
        }
        for (index, e) in message.nestedEnums.enumerated() {
            model.nestedEnums.append(
                enumeration(
                    e, swiftName: SwiftNaming.nestedTypeName(e.name), qualifiedParent: qualified,
                    path: path + [SourceComments.PathElement.messageEnum, index], comments: comments))
        }

        let nestedTypeNames = Set(model.nestedMessages.map(\.swiftName) + model.nestedEnums.map(\.swiftName))
        var oneofs: [Int: OneofModel] = [:]
        var memberOrder: [(oneofIndex: Int?, field: FieldModel?)] = []
        for (index, field) in message.fields.enumerated() {
            if field.isProto3Optional {
                throw GeneratorError(
                    "\(message.fullName).\(field.name): proto3 `optional` is not supported by protoc-c")
            }
            let fieldPath = path + [SourceComments.PathElement.messageField, index]
            let fieldModel = try self.field(field, in: message, comment: comments.comment(fieldPath))
            if let oneofIndex = field.oneofIndex {
                guard oneofIndex < message.oneofs.count else {
                    throw GeneratorError("\(message.fullName).\(field.name): oneof index out of range")
                }
                if oneofs[oneofIndex] == nil {
                    oneofs[oneofIndex] = oneof(
                        message.oneofs[oneofIndex], nestedTypeNames: nestedTypeNames,
                        comment: comments.comment(path + [SourceComments.PathElement.messageOneof, oneofIndex]))
                    memberOrder.append((oneofIndex, nil))
                }
                oneofs[oneofIndex]?.members.append(fieldModel)
            } else {
                memberOrder.append((nil, fieldModel))
            }
        }
        for entry in memberOrder {
            if let oneofIndex = entry.oneofIndex, let oneof = oneofs[oneofIndex] {
                model.members.append(.oneof(oneof))
            } else if let field = entry.field {
                model.members.append(.field(field))
            }
        }
        try checkUniqueMemberNames(model)
        return model
    }

    private func oneof(_ name: String, nestedTypeNames: Set<String>, comment: String?) -> OneofModel {
        var enumName = SwiftNaming.upperCamel(name)
        if nestedTypeNames.contains(enumName) || SwiftNaming.reservedTypeNames.contains(enumName) {
            enumName = "OneOf_" + enumName
        }
        return OneofModel(
            protoName: name, swiftPropertyName: SwiftNaming.memberName(SwiftNaming.lowerCamel(name)),
            swiftEnumName: enumName, cCaseName: CNaming.oneofCaseName(name), members: [], comment: comment)
    }

    private func checkUniqueMemberNames(_ model: MessageModel) throws(GeneratorError) {
        var seen: Set<String> = []
        for member in model.members {
            let name: String
            switch member {
            case .field(let field): name = field.swiftName
            case .oneof(let oneof): name = oneof.swiftPropertyName
            }
            guard seen.insert(name).inserted else {
                throw GeneratorError("\(model.fullName): two fields become the Swift property `\(name)`")
            }
        }
    }

    // MARK: Fields

    private func field(
        _ field: FieldDescriptor, in message: MessageDescriptor, comment: String?
    ) throws(GeneratorError) -> FieldModel {
        let shape: FieldShape
        if field.isRepeated, field.type == .message, let entry = symbols.messages[field.typeName],
            entry.descriptor.isMapEntry
        {
            guard let key = entry.descriptor.field(number: 1), let value = entry.descriptor.field(number: 2) else {
                throw GeneratorError("\(field.typeName): a map entry without key or value")
            }
            shape = .map(
                key: try valueKind(key, owner: entry.descriptor), value: try valueKind(value, owner: entry.descriptor),
                entryInitFunction: entry.cLowerName + "__init")
        } else if field.isRepeated {
            shape = .repeated(try valueKind(field, owner: message))
        } else {
            shape = .singular(try valueKind(field, owner: message))
        }
        return FieldModel(
            protoName: field.name, number: field.number,
            swiftName: SwiftNaming.memberName(SwiftNaming.lowerCamel(field.name)),
            cName: SwiftNaming.escaped(CNaming.fieldName(field.name)),
            cCountName: SwiftNaming.escaped(CNaming.countName(field.name)), shape: shape, comment: comment)
    }

    private func valueKind(
        _ field: FieldDescriptor, owner: MessageDescriptor
    ) throws(GeneratorError) -> ValueKind {
        switch field.type {
        case .double: return .number(swiftType: "Double")
        case .float: return .number(swiftType: "Float")
        case .int64, .sint64, .sfixed64: return .number(swiftType: "Int64")
        case .uint64, .fixed64: return .number(swiftType: "UInt64")
        case .int32, .sint32, .sfixed32: return .number(swiftType: "Int32")
        case .uint32, .fixed32: return .number(swiftType: "UInt32")
        case .bool: return .bool
        case .string: return .string
        case .bytes: return .bytes
        case .enum: return .enumeration(swiftType: try symbols.enumSwiftName(field.typeName))
        case .message: return .message(swiftType: try symbols.message(field.typeName).qualifiedSwiftName)
        case .group: throw GeneratorError("\(owner.fullName).\(field.name): groups are not supported")
        }
    }

    // MARK: Enums

    private func enumeration(
        _ e: EnumDescriptor, swiftName: String, qualifiedParent: String?, path: [Int], comments: SourceComments
    ) -> EnumModel {
        // Like swift-protobuf: each value loses the enum's name as a prefix where it has it
        // (TRADE_DIRECTION_UNSPECIFIED → unspecified, EXPORT → export), unless two numbers would get the same name.
        let stripped = e.values.map { SwiftNaming.strippingEnumPrefix($0.name, enumName: e.name) ?? $0.name }
        let canStrip = Self.namesAreDistinct(e.values, names: stripped)
        var values: [EnumValueModel] = []
        var used: Set<String> = []
        for (index, value) in e.values.enumerated() {
            let base = SwiftNaming.lowerCamelFromUpperSnake(canStrip ? stripped[index] : value.name)
            var name = SwiftNaming.memberName(base.isEmpty ? "value" : base)
            if used.contains(name) { name = SwiftNaming.memberName(base + "_" + String(value.number).replacingMinus()) }
            used.insert(name)
            values.append(
                EnumValueModel(
                    protoName: value.name, number: value.number, swiftName: name,
                    comment: comments.comment(path + [SourceComments.PathElement.enumValue, index])))
        }
        return EnumModel(
            fullName: e.fullName, swiftName: swiftName,
            qualifiedSwiftName: qualifiedParent.map { $0 + "." + swiftName } ?? swiftName, values: values,
            comment: comments.comment(path))
    }

    /// Whether names stay distinct for values with distinct numbers once camel-cased.
    private static func namesAreDistinct(_ values: [EnumValueDescriptor], names: [String]) -> Bool {
        var numberByName: [String: Int32] = [:]
        for (value, name) in zip(values, names) {
            let key = SwiftNaming.lowerCamelFromUpperSnake(name)
            if let number = numberByName[key], number != value.number { return false }
            numberByName[key] = value.number
        }
        return true
    }

    // MARK: Services

    private func service(
        _ service: ServiceDescriptor, prefix: String, path: [Int], comments: SourceComments
    ) throws(GeneratorError) -> ServiceModel {
        var methods: [MethodModel] = []
        var used: Set<String> = []
        for (index, method) in service.methods.enumerated() {
            var name = SwiftNaming.lowerCamel(method.name)
            if Self.reservedMethodNames.contains(name) { name += "RPC" }
            guard used.insert(name).inserted else {
                throw GeneratorError("\(service.fullName): two methods become the Swift method `\(name)`")
            }
            methods.append(
                MethodModel(
                    protoName: method.name, swiftName: SwiftNaming.escaped(name),
                    inputSwiftType: try symbols.message(method.inputType).qualifiedSwiftName,
                    outputSwiftType: try symbols.message(method.outputType).qualifiedSwiftName,
                    clientStreaming: method.clientStreaming, serverStreaming: method.serverStreaming,
                    comment: comments.comment(path + [SourceComments.PathElement.serviceMethod, index])))
        }
        return ServiceModel(
            fullName: service.fullName, swiftName: prefix + service.name, methods: methods,
            comment: comments.comment(path))
    }

    /// Members of the generated service types that methods must not shadow.
    private static let reservedMethodNames: Set<String> = ["methods", "serviceName", "rpc", "name", "init"]
}

extension String {
    /// `-3` → `m3`, for identifiers made from numbers.
    fileprivate func replacingMinus() -> String { hasPrefix("-") ? "m" + dropFirst() : self }
}
