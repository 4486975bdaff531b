import ArgumentParser
import PortDescriptors
import PortRPC

/// `cyberport describe SYMBOL`: the definition of a message, enum, service or method as .proto-like text.
struct DescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "Show a message, enum, service or method definition.")

    @Argument(
        help: ArgumentHelp(
            "A fully qualified symbol: a message (cyberport.deals.v1.FormDefinition), an enum, a service or a "
                + "method (Service/Method)."))
    var symbol: String

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await connection.withClient { client, session in
            let reflection = ReflectionClient(
                client: client, options: session.reflectionOptions, log: connection.log)
            var name = symbol.hasPrefix(".") ? String(symbol.dropFirst()) : symbol
            if !name.contains(".") && !name.contains("/") { name = try await reflection.qualifiedServiceName(name) }
            if let slash = name.firstIndex(of: "/") {
                let service = try await reflection.qualifiedServiceName(String(name[..<slash]))
                name = service + "/" + name[name.index(after: slash)...]
            }
            name = name.replacingSlash()
            let pool = try await fetchPool(for: name, reflection: reflection)
            session.pool = pool
            guard let text = ProtoTextRenderer(pool: pool).render(symbol: name) else {
                throw ReflectionFailure(code: .notFound, message: "symbol \(name) is not defined by the server")
            }
            Console.output(String(text.dropLast()))
        }
    }

    /// Asks for the file defining the symbol; methods and nested names may be unknown to the server as symbols,
    /// so on NOT_FOUND the enclosing names are tried.
    private func fetchPool(for name: String, reflection: ReflectionClient) async throws -> DescriptorPool {
        var candidate = name
        var firstFailure: ReflectionFailure?
        while true {
            do {
                return try await reflection.pool(containing: candidate)
            } catch let failure as ReflectionFailure where failure.code == .notFound {
                firstFailure = firstFailure ?? failure
                guard let dot = candidate.lastIndex(of: ".") else { throw firstFailure ?? failure }
                candidate = String(candidate[..<dot])
                connection.log("reflection: \(name) not found as a symbol; trying \(candidate)")
            }
        }
    }
}
