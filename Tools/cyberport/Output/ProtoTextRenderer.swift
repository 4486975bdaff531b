import PortDescriptors

/// Renders descriptors as .proto-like text for `describe` and `list`: messages with their nested types, oneofs and
/// map fields, enums, services and single methods. Type names are written relative to the package of the symbol
/// being shown when they are in it.
struct ProtoTextRenderer {
    let pool: DescriptorPool

    /// The definition of a message, enum, service or method ("pkg.Service.Method" or "pkg.Service/Method"); nil
    /// when the pool has no such symbol.
    func render(symbol: String) -> String? {
        let name = symbol.replacingSlash()
        if let found = pool.message(name) { return header(name) + message(found, indent: "") }
        if let found = pool.enumType(name) { return header(name) + enumeration(found, indent: "") }
        if let found = pool.service(name) { return header(name) + service(found) }
        if let dot = name.lastIndex(of: "."), let service = pool.service(String(name[..<dot])),
            let method = service.method(named: String(name[name.index(after: dot)...]))
        {
            var text = header(service.fullName) + "service \(service.name) {\n"
            text += rpcLine(method, package: package(service.fullName)) + "\n}\n"
            for typeName in [method.inputType, method.outputType] {
                if let found = pool.message(typeName) { text += "\n" + header(typeName) + message(found, indent: "") }
            }
            return text
        }
        return nil
    }

    /// One line per method: `rpc Name(Request) returns (stream Response);  // server streaming`.
    func methodLines(_ service: ServiceDescriptor) -> [String] {
        service.methods.map { rpcLine($0, package: package(service.fullName)) }
    }

    /// The streaming shape of a method in words.
    static func shape(_ method: MethodDescriptor) -> String {
        switch (method.clientStreaming, method.serverStreaming) {
        case (false, false): "unary"
        case (false, true): "server streaming"
        case (true, false): "client streaming"
        case (true, true): "bidirectional streaming"
        }
    }

    private func header(_ symbol: String) -> String {
        guard let file = pool.fileContaining(symbol: symbol) else { return "" }
        return "// \(symbol) in \(file.name)\n"
    }

    private func package(_ symbol: String) -> String { pool.fileContaining(symbol: symbol)?.package ?? "" }

    private func rpcLine(_ method: MethodDescriptor, package: String) -> String {
        let input = (method.clientStreaming ? "stream " : "") + relative(method.inputType, to: package)
        let output = (method.serverStreaming ? "stream " : "") + relative(method.outputType, to: package)
        return "  rpc \(method.name)(\(input)) returns (\(output));  // \(Self.shape(method))"
    }

    private func service(_ service: ServiceDescriptor) -> String {
        var text = "service \(service.name) {\n"
        for line in methodLines(service) { text += line + "\n" }
        return text + "}\n"
    }

    private func relative(_ typeName: String, to package: String) -> String {
        !package.isEmpty && typeName.hasPrefix(package + ".") ? String(typeName.dropFirst(package.count + 1)) : typeName
    }

    private func enumeration(_ e: EnumDescriptor, indent: String) -> String {
        var text = "\(indent)enum \(e.name) {\n"
        for value in e.values { text += "\(indent)  \(value.name) = \(value.number);\n" }
        return text + "\(indent)}\n"
    }

    private func message(_ m: MessageDescriptor, indent: String) -> String {
        let package = self.package(m.fullName)
        let explicitLabels = pool.fileContaining(symbol: m.fullName).map { $0.syntax == "proto2" } ?? false
        var text = "\(indent)message \(m.name) {\n"
        for nested in m.nestedMessages where !nested.isMapEntry { text += message(nested, indent: indent + "  ") }
        for nested in m.nestedEnums { text += enumeration(nested, indent: indent + "  ") }
        var renderedOneofs: Set<Int> = []
        for field in m.fields {
            if let oneof = field.oneofIndex, !field.isProto3Optional {
                guard renderedOneofs.insert(oneof).inserted else { continue }
                let name = oneof < m.oneofs.count ? m.oneofs[oneof] : "oneof_\(oneof)"
                text += "\(indent)  oneof \(name) {\n"
                for member in m.fields where member.oneofIndex == oneof {
                    text += "\(indent)    " + fieldLine(member, package: package, explicitLabels: false) + "\n"
                }
                text += "\(indent)  }\n"
            } else {
                text += "\(indent)  " + fieldLine(field, package: package, explicitLabels: explicitLabels) + "\n"
            }
        }
        return text + "\(indent)}\n"
    }

    private func fieldLine(_ field: FieldDescriptor, package: String, explicitLabels: Bool) -> String {
        var line: String
        if let entry = pool.mapEntry(of: field), let key = entry.field(number: 1), let value = entry.field(number: 2) {
            line = "map<\(typeText(key, package: package)), \(typeText(value, package: package))>"
        } else {
            let label: String
            switch field.label {
            case .repeated: label = "repeated "
            case .required: label = "required "
            case .optional: label = field.isProto3Optional || explicitLabels ? "optional " : ""
            }
            line = label + typeText(field, package: package)
        }
        line += " \(field.name) = \(field.number)"
        var options: [String] = []
        if let packed = field.packedOption { options.append("packed = \(packed)") }
        if field.jsonName != FieldDescriptor.defaultJSONName(field.name) {
            options.append("json_name = \"\(field.jsonName)\"")
        }
        if !options.isEmpty { line += " [" + options.joined(separator: ", ") + "]" }
        return line + ";"
    }

    private func typeText(_ field: FieldDescriptor, package: String) -> String {
        switch field.type {
        case .message, .enum, .group: relative(field.typeName, to: package)
        default: "\(field.type)"
        }
    }
}

extension DescriptorPool {
    /// The entry type of a map field, or nil.
    func mapEntry(of field: FieldDescriptor) -> MessageDescriptor? {
        guard field.isRepeated, field.type == .message, let entry = message(field.typeName), entry.isMapEntry else {
            return nil
        }
        return entry
    }
}

extension String {
    /// "pkg.Service/Method" → "pkg.Service.Method".
    func replacingSlash() -> String { split(separator: "/").joined(separator: ".") }
}
