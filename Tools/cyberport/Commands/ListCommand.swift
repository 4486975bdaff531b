import ArgumentParser
import PortDescriptors
import PortRPC

/// `cyberport list [SERVICE]`: the services of the server, or the methods of one service with their request and
/// response types and streaming shape.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the server's services, or the methods of one service.")

    @Argument(help: "A service, e.g. cyberport.deals.v1.DealService (a unique suffix such as DealService works too).")
    var service: String?

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await connection.withClient { client, session in
            let reflection = ReflectionClient(
                client: client, options: session.reflectionOptions, log: connection.log)
            guard let service else {
                for name in try await reflection.listServices() { Console.output(name) }
                return
            }
            let name = try await reflection.qualifiedServiceName(service)
            let pool = try await reflection.pool(containing: name)
            session.pool = pool
            guard let descriptor = pool.service(name) else {
                throw ReflectionFailure(
                    code: .notFound, message: "the server's descriptors do not define service \(name)")
            }
            Console.output(name)
            for line in ProtoTextRenderer(pool: pool).methodLines(descriptor) { Console.output(line) }
        }
    }
}
