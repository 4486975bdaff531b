import ArgumentParser
import Dispatch
import Foundation
import Logging
import NaccsSimulatorKit

/// `naccs-simulator`: a stand-in for NACCS that the Naccs relay talks to over TCP.
@main
struct NaccsSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "naccs-simulator",
        abstract: "A NACCS simulator: checks headers, credentials and items, keeps state across business codes, and can inject latency, busy answers, dropped connections and slow outputs.",
        discussion: """
            Users come from --users-file (lines "userCode identificationNumber password [mailAddress]") and/or \
            --user CODE/ID:PASSWORD (repeatable; a password on the command line is visible to other local users, \
            prefer the file). Framing and result codes: see Tools/NaccsSimulator/README.md.
            """)

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "TCP port (0 picks a free one and prints it).") var port = 50090
    @Option(name: .customLong("users-file"), help: "File of accepted users.") var usersFile: String?
    @Option(name: .customLong("user"), help: "An accepted user, CODE/ID:PASSWORD (repeatable).") var users: [String] = []
    @Option(name: .customLong("latency-ms"), help: "Milliseconds added before processing each input.") var latencyMilliseconds = 0
    @Option(name: .customLong("busy-rate"), help: "Share of inputs answered A0011 center busy, 0-1.") var busyRate = 0.0
    @Option(name: .customLong("drop-rate"), help: "Share of inputs whose connection is dropped, 0-1.") var dropRate = 0.0
    @Option(name: .customLong("drop-point"), help: "Drop before processing, after it, or either.") var dropPoint = "either"
    @Option(name: .customLong("slow-output-ms"), help: "Milliseconds from EDC/IDC to the permit notice.") var slowOutputMilliseconds = 2000
    @Option(help: "Seed of the fault-injection random numbers.") var seed: UInt64 = 0x4E41_4343_5300_0000
    @Option(help: "Event-loop threads.") var threads = 1
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical.") var logLevel = "info"

    func validate() throws {
        guard (0...1).contains(busyRate), (0...1).contains(dropRate) else { throw ValidationError("rates are between 0 and 1") }
        guard latencyMilliseconds >= 0, slowOutputMilliseconds >= 0 else { throw ValidationError("times must not be negative") }
        guard NaccsDropPoint(rawValue: dropPoint) != nil else { throw ValidationError("--drop-point is before, after or either") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0-65535") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var accepted: [NaccsSimulatorUser] = []
        if let usersFile {
            let text: String
            do { text = try String(contentsOfFile: usersFile, encoding: .utf8) } catch {
                throw ValidationError("cannot read --users-file \(usersFile): \(error.localizedDescription)")
            }
            do { accepted += try NaccsSimulatorConfiguration.parseUsers(text) } catch { throw ValidationError("\(usersFile): \(error)") }
        }
        for user in users {
            let parts = user.split(separator: ":", maxSplits: 1).map(String.init)
            let who = parts.first?.split(separator: "/").map(String.init) ?? []
            guard parts.count == 2, who.count == 2 else { throw ValidationError("--user is CODE/ID:PASSWORD") }
            accepted.append(NaccsSimulatorUser(userCode: who[0], identificationNumber: who[1], password: parts[1]))
        }
        guard !accepted.isEmpty else { throw ValidationError("no users: give --users-file or --user") }
        let configuration = NaccsSimulatorConfiguration(
            host: host, port: port, users: accepted, latency: .milliseconds(latencyMilliseconds), busyRate: busyRate,
            dropRate: dropRate, dropPoint: NaccsDropPoint(rawValue: dropPoint) ?? .either,
            slowOutputDelay: .milliseconds(slowOutputMilliseconds), seed: seed, threads: threads)
        let server = try NaccsSimulatorServer(configuration: configuration)
        try await server.start()
        FileHandle.standardOutput.write(Data("naccs-simulator listening on \(host):\(server.port ?? port)\n".utf8))
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let signals = [SIGTERM, SIGINT].map { DispatchSource.makeSignalSource(signal: $0, queue: .global()) }
        for source in signals {
            source.setEventHandler { Task { await server.shutdown() } }
            source.resume()
        }
        try await server.waitUntilClosed()
        await server.shutdown()
        for source in signals { source.cancel() }
    }
}
