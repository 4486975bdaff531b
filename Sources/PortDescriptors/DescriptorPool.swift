/// A set of parsed .proto files with lookups by fully qualified name: what the code generator, server reflection
/// and the command-line client's JSON mapping work from.
public struct DescriptorPool: Sendable {
    /// The files, in the order they were added (dependencies first when built from a descriptor set).
    public private(set) var files: [FileDescriptor] = []
    private var fileIndexByName: [String: Int] = [:]
    private var messages: [String: MessageDescriptor] = [:]
    private var enums: [String: EnumDescriptor] = [:]
    private var services: [String: ServiceDescriptor] = [:]
    /// Symbol (message, enum, service, method, enum value) → name of the file defining it.
    private var fileBySymbol: [String: String] = [:]

    public init() {}

    /// A pool of the files of a serialized FileDescriptorSet.
    public init(fileDescriptorSet bytes: [UInt8]) throws(WireFormatError) {
        for file in try DescriptorParser.parseFileDescriptorSet(bytes) { add(file) }
    }

    /// A pool of serialized FileDescriptorProtos (as server reflection returns them).
    public init(serializedFiles: [[UInt8]]) throws(WireFormatError) {
        for bytes in serializedFiles { add(try DescriptorParser.parseFile(bytes)) }
    }

    /// Adds a file; a file already present under the same name is replaced.
    public mutating func add(_ file: FileDescriptor) {
        if let index = fileIndexByName[file.name] {
            files[index] = file
        } else {
            fileIndexByName[file.name] = files.count
            files.append(file)
        }
        for message in file.messages { register(message, file: file.name) }
        for e in file.enums { register(e, file: file.name) }
        for service in file.services {
            services[service.fullName] = service
            fileBySymbol[service.fullName] = file.name
            for method in service.methods { fileBySymbol[service.fullName + "." + method.name] = file.name }
        }
    }

    private mutating func register(_ message: MessageDescriptor, file: String) {
        messages[message.fullName] = message
        fileBySymbol[message.fullName] = file
        for nested in message.nestedMessages { register(nested, file: file) }
        for e in message.nestedEnums { register(e, file: file) }
    }

    private mutating func register(_ e: EnumDescriptor, file: String) {
        enums[e.fullName] = e
        fileBySymbol[e.fullName] = file
        // Enum values are scoped like C++ enumerators: siblings of their enum ("grpc.testing.COMPRESSABLE").
        let scope = e.fullName.split(separator: ".").dropLast().joined(separator: ".")
        for value in e.values { fileBySymbol[scope.isEmpty ? value.name : scope + "." + value.name] = file }
    }

    public func file(named name: String) -> FileDescriptor? { fileIndexByName[name].map { files[$0] } }
    public func message(_ fullName: String) -> MessageDescriptor? { messages[fullName] }
    public func enumType(_ fullName: String) -> EnumDescriptor? { enums[fullName] }
    public func service(_ fullName: String) -> ServiceDescriptor? { services[fullName] }

    /// All services, sorted by name.
    public var allServices: [ServiceDescriptor] { services.values.sorted { $0.fullName < $1.fullName } }

    /// The file that defines a symbol: a message, enum, service or "Service.Method".
    public func fileContaining(symbol: String) -> FileDescriptor? {
        let name = symbol.hasPrefix(".") ? String(symbol.dropFirst()) : symbol
        return fileBySymbol[name].flatMap { file(named: $0) }
    }

    /// A file and, transitively, every file it imports, dependencies first, each once.
    public func fileWithDependencies(_ name: String) -> [FileDescriptor] {
        var seen: Set<String> = []
        var ordered: [FileDescriptor] = []
        func visit(_ fileName: String) {
            guard !seen.contains(fileName), let f = file(named: fileName) else { return }
            seen.insert(fileName)
            for dependency in f.dependencies { visit(dependency) }
            ordered.append(f)
        }
        visit(name)
        return ordered
    }
}
