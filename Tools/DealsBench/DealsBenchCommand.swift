import ArgumentParser
import BenchFixtures
import BenchKit
import Foundation
import IdentityKit
import Logging
import PortCrypto
import PortRPC
import PortStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `port-deals-bench`: form read and form update throughput and latency of Deals, each against a deal call measured
/// in the same run. Not a test: run it by hand (Benchmarks/deals.sh) on a machine as quiet as you can find.
@main
struct DealsBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "port-deals-bench",
        abstract: "Benchmark Deals: GetForm and UpdateForm at many concurrent callers, with GetDeal/UpdateDeal references.",
        discussion: """
            Starts Identity and Deals in-process (temporary SQLite databases, or fresh
            schemas of the PostgreSQL database given by --postgres-url or
            CYBERPORT_TEST_POSTGRES_URL), creates a shipper and a forwarder company,
            access tokens and --deals deals with a booking request (UL010) and a
            shipping instruction (UL040), then measures in each round, with
            --callers concurrent callers over gRPC:
              GetForm             a random form of a random deal
              GetDeal             reference for GetForm
              UpdateForm          a root-bound field of UL010, each caller its own deal
              UpdateDeal          display_name, each caller its own deal (reference)
              UpdateForm shared   the callers share --shared-deals deals; stale etags
                                  (ABORTED) are re-read, retried and counted
              UpdateDeal shared   reference for the shared UpdateForm
            Writes <results-dir>/deals-<UTC time>.md and prints it.
            """)

    @Option(help: "Concurrent callers (on one HTTP/2 connection).")
    var callers = 64

    @Option(help: "Deals created (default: one per caller; at least --callers).")
    var deals: Int?

    @Option(name: .customLong("shared-deals"), help: "Deals the callers share in the contention phases.")
    var sharedDeals = 8

    @OptionGroup var run: BenchRunOptions

    /// Phases per round.
    private static let phases = 6

    func validate() throws {
        // The server's default limit of concurrent streams per connection is 100.
        guard (1...100).contains(callers) else { throw ValidationError("--callers must be within 1…100") }
        if let deals, !(callers...10_000).contains(deals) {
            throw ValidationError("--deals must be within --callers (\(callers))…10000: each caller owns a deal")
        }
        guard (1...callers).contains(sharedDeals) else { throw ValidationError("--shared-deals must be within 1…--callers") }
        // The access tokens are minted before the first round and must outlive the last one (they live 15 minutes).
        let lifetime = Double(IdentityConfiguration().accessTokenLifetime)
        guard roundSeconds * Double(run.rounds) < lifetime - 120 else {
            throw ValidationError(
                "the rounds would take \(Int(roundSeconds * Double(run.rounds))) s, longer than the access tokens live "
                    + "(\(Int(lifetime)) s less 2 minutes): lower --duration, --warmup or --rounds")
        }
    }

    /// Seconds one round's phases take.
    private var roundSeconds: Double { Double(Self.phases) * (run.warmup + run.duration) }

    func run() async throws {
        run.bootstrapLogging()
        let logger = Logger(label: "port-deals-bench")
        let machine = MachineInfo.current()
        let serverThreads = run.resolvedServerThreads
        let dealCount = deals ?? callers
        armHardStop(afterSeconds: 300 + 3 * roundSeconds * Double(run.rounds) + Double(dealCount), tool: "port-deals-bench")

        let started = Date()
        let loadAtStart = MachineInfo.loadAverage()
        log("port-deals-bench: \(machine.build) build, \(machine.cores) cores (\(machine.cpuModel)), load average \(loadAtStart)")
        if machine.build != "release" { log("warning: a debug build; numbers are meaningless (use Benchmarks/deals.sh)") }
        log("\(callers) callers, \(dealCount) deals (\(sharedDeals) shared); \(run.rounds) round(s) of \(Self.phases) phases × "
            + "(\(run.warmup) s + \(run.duration) s)")

        let setupStart = monotonicNanos()
        let storage = try run.storage(tool: "port-deals-bench")
        do {
            let retries = StoreRetryTally()
            let storeLogger = retries.logger(label: "port-deals-bench.deals-store", level: run.level)
            let report = try await withServices(
                storage: storage, serverThreads: serverThreads, logger: logger, storeLogger: storeLogger
            ) { identity, deals in
                try await measure(
                    identity: identity, deals: deals, retries: retries, storage: storage, machine: machine,
                    dealCount: dealCount, serverThreads: serverThreads, started: started, loadAtStart: loadAtStart,
                    setupStart: setupStart)
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

    /// Starts Identity and Deals, runs `body`, and stops both however it ends.
    private func withServices<T>(
        storage: BenchStorage, serverThreads: Int, logger: Logger, storeLogger: Logger,
        _ body: (IdentityFixture, DealsFixture) async throws -> T
    ) async throws -> T {
        // Identity is only needed for the set-up: production hashing, 1 hashing thread.
        let identity = try await IdentityFixture.start(
            storage: storage, passwordHashing: .interactive, hashThreads: 1, serverThreads: serverThreads, logger: logger)
        let deals: DealsFixture
        do {
            deals = try await DealsFixture.start(
                identity: identity, storage: storage, serverThreads: serverThreads, logger: logger, storeLogger: storeLogger)
        } catch {
            await identity.stop()
            throw error
        }
        do {
            let result = try await body(identity, deals)
            await deals.stop()
            await identity.stop()
            return result
        } catch {
            await deals.stop()
            await identity.stop()
            throw error
        }
    }

    private func measure(
        identity: IdentityFixture, deals: DealsFixture, retries: StoreRetryTally, storage: BenchStorage,
        machine: MachineInfo, dealCount: Int,
        serverThreads: Int, started: Date, loadAtStart: String, setupStart: UInt64
    ) async throws -> BenchReport {
        let databaseVersion = await deals.databaseVersion()
        log("storage: \(storage.summary); \(databaseVersion)")
        log("populating: 2 companies, \(2 * callers) access tokens, \(dealCount) deals with 2 forms each …")
        let world = try await World.make(
            identity: identity, deals: deals, dealCount: dealCount, callers: callers, concurrency: 8, timeout: .seconds(30))
        let setupSeconds = Double(monotonicNanos() - setupStart) / 1e9
        log(String(format: "set-up done in %.1f s (deals: %.1f s)", setupSeconds, world.dealsSeconds))

        let bench = Workbench(
            deals: deals, world: world, retries: retries, callers: callers, sharedDeals: sharedDeals, warmup: run.warmup,
            duration: run.duration)
        var results: [RoundResult] = []
        for number in 1...run.rounds {
            results.append(try await bench.round(number) { log($0) })
        }
        return BenchReport(
            started: started, machine: machine, loadAtStart: loadAtStart, loadAtEnd: MachineInfo.loadAverage(),
            settings: .init(
                storage: storage.summary, databaseVersion: databaseVersion, serverThreads: serverThreads, callers: callers,
                deals: dealCount, sharedDeals: sharedDeals, rounds: run.rounds, duration: run.duration, warmup: run.warmup,
                commit: run.commit, toolchain: run.toolchain),
            world: world, rounds: results, setupSeconds: setupSeconds)
    }

    private func write(_ text: String, started: Date) throws -> String {
        try FileManager.default.createDirectory(atPath: run.resultsDirectory, withIntermediateDirectories: true)
        let path = "\(run.resultsDirectory)/deals-\(UTCTime.stamp(started)).md"
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
