// port-protogen: generates the Swift messages, the service glue and the embedded descriptor set of the protocol
// module from a FileDescriptorSet written by `protoc --include_imports --include_source_info`. Run it through
// Protos/generate.sh, which also runs protoc-c and removes stale files first.
import PortDescriptors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where each kind of output goes.
struct OutputDirectories {
    var messages = ""
    var services = ""
    var cSources = ""
    var cHeaders = ""
}

let usage = """
    usage: port-protogen <descriptor-set.pb> --messages <dir> --services <dir> --c-sources <dir> --c-headers <dir>
      --messages   Swift message types, one <path_of_proto>.pb.swift per .proto file (PortProtocol)
      --services   service glue, one <path_of_proto>+Services.swift per .proto file with services (PortAPI)
      --c-sources  descriptor_set.c (CPortProtocol)
      --c-headers  cp_descriptor_set.h and cp_message_descriptors.h (CPortProtocol/include)
    """

func parseArguments(_ arguments: [String]) throws(GeneratorError) -> (String, OutputDirectories) {
    var descriptorSet: String?
    var outputs = OutputDirectories()
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        if argument.hasPrefix("--") {
            guard index + 1 < arguments.count else { throw GeneratorError("\(argument) needs a directory") }
            let value = arguments[index + 1]
            switch argument {
            case "--messages": outputs.messages = value
            case "--services": outputs.services = value
            case "--c-sources": outputs.cSources = value
            case "--c-headers": outputs.cHeaders = value
            default: throw GeneratorError("unknown option \(argument)")
            }
            index += 2
        } else {
            guard descriptorSet == nil else { throw GeneratorError("unexpected argument \(argument)") }
            descriptorSet = argument
            index += 1
        }
    }
    guard let descriptorSet, !outputs.messages.isEmpty, !outputs.services.isEmpty, !outputs.cSources.isEmpty,
        !outputs.cHeaders.isEmpty
    else { throw GeneratorError("missing arguments") }
    return (descriptorSet, outputs)
}

func generate(descriptorSetPath: String, outputs: OutputDirectories) throws(GeneratorError) {
    let files: [FileDescriptor]
    do {
        files = try DescriptorParser.parseFileDescriptorSet(try FileSystem.readBytes(descriptorSetPath))
    } catch let error as GeneratorError {
        throw error
    } catch {
        throw GeneratorError("\(descriptorSetPath) is not a FileDescriptorSet: \(error)")
    }
    let builder = ModelBuilder(symbols: SymbolTable(files: files))
    var models: [FileModel] = []
    for file in files { models.append(try builder.file(file)) }
    try RecursionCheck.rejectInfiniteStructs(models)

    for model in models {
        if let text = MessageEmitter(file: model).emit() {
            try FileSystem.writeFile(text, to: outputs.messages + "/" + model.generatedBaseName + ".pb.swift")
        }
        if let text = ServiceEmitter(file: model).emit() {
            try FileSystem.writeFile(text, to: outputs.services + "/" + model.generatedBaseName + "+Services.swift")
        }
    }
    let embedded = try DescriptorSetEmitter.embeddedDescriptorSet(files)
    try FileSystem.writeFile(
        DescriptorSetEmitter.source(embedded, fileNames: files.map(\.name)), to: outputs.cSources + "/descriptor_set.c")
    try FileSystem.writeFile(DescriptorSetEmitter.header(), to: outputs.cHeaders + "/cp_descriptor_set.h")
    try FileSystem.writeFile(
        MessageDescriptorHeaderEmitter.header(files: models), to: outputs.cHeaders + "/cp_message_descriptors.h")
}

do {
    let (descriptorSetPath, outputs) = try parseArguments(Array(CommandLine.arguments.dropFirst()))
    try generate(descriptorSetPath: descriptorSetPath, outputs: outputs)
} catch {
    FileSystem.writeToStandardError("port-protogen: \(error)\n\(usage)\n")
    exit(1)
}
