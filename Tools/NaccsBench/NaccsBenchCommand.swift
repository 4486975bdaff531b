import ArgumentParser
import BenchFixtures
import BenchKit
import Foundation
import IdentityKit
import Logging
import PortCrypto
import PortRPC

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `port-naccs-bench`: sends per second through the NACCS relay to the NACCS simulator, and the time from a send to
/// its output being available, at 1 and 16 NACCS credentials. Not a test: run it by hand (Benchmarks/naccs.sh).
@main
struct NaccsBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "port-naccs-bench",
        abstract: "Benchmark the NACCS relay: sends per second and send-to-output latency at 1 and 16 credentials.",
        discussion: """
            Starts Identity, Deals, the NACCS simulator and the Naccs relay in-process
            (temporary SQLite databases, or fresh schemas of the PostgreSQL database given by
            --postgres-url or CYBERPORT_TEST_POSTGRES_URL), creates a forwarder company with
            as many NACCS credentials as the largest --credentials value, and one export deal
            with an ECR form per caller. Each phase runs credentials × --depth callers; a caller
            sends its form (SendNaccsForm, a fresh idempotency key) with its credential and polls
            GetNaccsSend until the send is complete, then sends again. The relay transmits each
            credential's sends one at a time, credentials in parallel. Writes
            <results-dir>/naccs-<UTC time>.md and prints it.
            """)

    @Option(help: "Credential counts, one phase each (comma-separated).")
    var credentials = "1,16"

    @Option(help: "Callers per credential (sends waiting in each credential's queue).")
    var depth = 4

    @Option(name: .customLong("latency-ms"), help: "The simulator's processing time per input, in ms.")
    var latencyMilliseconds = 0

    @OptionGroup var run: BenchRunOptions

    /// The parsed --credentials.
    private var credentialCounts: [Int] { credentials.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        let counts = credentialCounts
        guard !counts.isEmpty, counts.count == credentials.split(separator: ",").count, counts.allSatisfy({ (1...64).contains($0) })
        else { throw ValidationError("--credentials is a comma-separated list of counts within 1…64") }
        guard (1...16).contains(depth) else { throw ValidationError("--depth must be within 1…16") }
        // The server's default limit of concurrent streams per connection is 100.
        guard (counts.max() ?? 1) * depth <= 100 else { throw ValidationError("credentials × --depth must be at most 100") }
        guard (0...10_000).contains(latencyMilliseconds) else { throw ValidationError("--latency-ms must be within 0…10000") }
        // The access token is minted before the first round and must outlive the last one (it lives 15 minutes).
        let lifetime = Double(IdentityConfiguration().accessTokenLifetime)
        guard totalSeconds < lifetime - 120 else {
            throw ValidationError("the rounds would take \(Int(totalSeconds)) s, longer than an access token lives: lower --duration, --warmup or --rounds")
        }
    }

    /// Seconds the measured phases take (plus the drain at each phase's end).
    private var totalSeconds: Double { Double(credentialCounts.count * run.rounds) * (run.warmup + run.duration) }

    func run() async throws {
        run.bootstrapLogging()
        let logger = Logger(label: "port-naccs-bench")
        let machine = MachineInfo.current()
        let serverThreads = run.resolvedServerThreads
        let counts = credentialCounts
        let most = counts.max() ?? 1
        armHardStop(afterSeconds: 300 + 3 * totalSeconds, tool: "port-naccs-bench")

        let started = Date()
        let loadAtStart = MachineInfo.loadAverage()
        log("port-naccs-bench: \(machine.build) build, \(machine.cores) cores (\(machine.cpuModel)), load average \(loadAtStart)")
        if machine.build != "release" { log("warning: a debug build; numbers are meaningless (use Benchmarks/naccs.sh)") }
        log("credentials \(counts), \(depth) caller(s) per credential, simulator latency \(latencyMilliseconds) ms; "
            + "\(run.rounds) round(s) of \(counts.count) phase(s) × (\(run.warmup) s + \(run.duration) s)")

        let storage = try run.storage(tool: "port-naccs-bench")
        do {
            let setupStart = monotonicNanos()
            let identity = try await IdentityFixture.start(
                storage: storage, passwordHashing: .interactive, hashThreads: 1, serverThreads: serverThreads, logger: logger)
            let report: NaccsReport
            do {
                let users = benchUsers(most)
                let stack = try await RelayStack.start(
                    identity: identity, storage: storage, users: users, latency: .milliseconds(latencyMilliseconds),
                    serverThreads: serverThreads, logger: logger)
                do {
                    let databaseVersion = await stack.databaseVersion()
                    log("storage: \(storage.summary); \(databaseVersion)")
                    let world = try await World.make(identity: identity, stack: stack, users: users, callers: most * depth)
                    let setupSeconds = Double(monotonicNanos() - setupStart) / 1e9
                    log(String(format: "set-up done in %.1f s", setupSeconds))
                    var phases: [[SendPhase]] = []
                    for round in 1...run.rounds {
                        var results: [SendPhase] = []
                        for count in counts {
                            let phase = await sendPhase(
                                stack: stack, world: world, credentials: count, depth: depth, warmup: run.warmup, duration: run.duration)
                            log("round \(round), \(count) credential(s): \(Format.rate(phase.result.rate)) sends/s, p99 "
                                + "\(Format.millis(phase.serverMillis(0.99))) (relay), \(phase.result.errors) errors")
                            results.append(phase)
                        }
                        phases.append(results)
                    }
                    report = NaccsReport(
                        started: started, machine: machine, loadAtStart: loadAtStart, loadAtEnd: MachineInfo.loadAverage(),
                        storage: storage.summary, databaseVersion: databaseVersion, serverThreads: serverThreads, depth: depth,
                        latencyMilliseconds: latencyMilliseconds, duration: run.duration, warmup: run.warmup, commit: run.commit,
                        toolchain: run.toolchain, setupSeconds: setupSeconds, rounds: phases)
                    await stack.stop()
                } catch {
                    await stack.stop()
                    throw error
                }
                await identity.stop()
            } catch {
                await identity.stop()
                throw error
            }
            await storage.removeAll(logger: logger)
            let text = report.markdown()
            let path = try write(text, started: started)
            print(text)
            log("report written to \(path)")
        } catch {
            await storage.removeAll(logger: logger)
            throw error
        }
    }

    private func write(_ text: String, started: Date) throws -> String {
        try FileManager.default.createDirectory(atPath: run.resultsDirectory, withIntermediateDirectories: true)
        let path = "\(run.resultsDirectory)/naccs-\(UTCTime.stamp(started)).md"
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw BenchError("cannot write \(path)")
        }
        return path
    }
}

/// Progress on standard error (standard output carries the report).
func log(_ message: String) {
    let line = message + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}
