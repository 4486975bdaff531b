import ArgumentParser
import BenchFixtures
import BenchKit
import Foundation
import IdentityKit
import Logging
import PortAPI
import PortAuth
import PortCrypto
import PortProtocol
import PortRPC
import PortServiceKit
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `port-identity-bench`: login and token-verification throughput of Identity, each against a reference measured in
/// the same run. Not a test: run it by hand (Benchmarks/identity.sh) on a machine as quiet as you can find.
@main
struct IdentityBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "port-identity-bench",
        abstract: "Benchmark Identity: logins per second and local access-token verification, with same-run references.",
        discussion: """
            Starts Identity in-process (temporary SQLite database, 127.0.0.1, a free
            port), registers and approves a company, creates users and mints access
            tokens, then measures in each round:
              login     Login over gRPC, --clients concurrent callers
              ceiling   PasswordHasher.verify on --hash-threads threads
                        (the reference for login)
              local     TokenVerifier with keys fetched once via GetSigningKeys,
                        uncached and cached, on 1 and on --verify-threads threads
              remote    AuthService.GetCaller over gRPC per check
                        (the reference for local verification)
            Writes <results-dir>/identity-<UTC time>.md and prints it.
            """)

    @Option(name: .customLong("password-hash"), help: "Argon2id cost: interactive (production default), moderate or minimum (tests only).")
    var passwordHash = "interactive"

    @Option(name: .customLong("hash-threads"), help: "Identity's password-hashing threads (passwordHashThreads; Identity's default).")
    var hashThreads = IdentityConfiguration().passwordHashThreads

    @Option(help: "Concurrent callers for Login and GetCaller.")
    var clients = 4

    @Option(help: "Measured seconds per phase.")
    var duration = 10.0

    @Option(help: "Warm-up seconds before each phase's measured window.")
    var warmup = 1.0

    @Option(help: "Rounds (each runs every phase; the order of measured and reference alternates).")
    var rounds = 2

    @Option(help: "Users created with passwords (the login phase cycles through them).")
    var users = 16

    @Option(help: "Distinct access tokens minted with ExchangeApiKey.")
    var tokens = 1000

    @Option(name: .customLong("verify-threads"), help: "Threads of the \"all cores\" local verification (default: nproc).")
    var verifyThreads: Int?

    @Option(name: .customLong("server-threads"), help: "Event-loop threads of Identity's gRPC server (default: one per core, as in production).")
    var serverThreads: Int?

    @Option(name: .customLong("results-dir"), help: "Directory the markdown report is written to.")
    var resultsDirectory = "Benchmarks/results"

    @Option(name: .customLong("work-dir"), help: "Existing directory for the SQLite database (default: a new directory under /tmp, deleted at the end).")
    var workDirectory: String?

    @Option(help: "Commit to name in the report (Benchmarks/identity.sh passes it).")
    var commit: String?

    @Option(help: "Toolchain to name in the report (Benchmarks/identity.sh passes `swift --version`).")
    var toolchain: String?

    @Option(name: .customLong("log-level"), help: "Log level of Identity and the client (default warning).")
    var logLevel = "warning"

    func validate() throws {
        guard Self.hashParameters(passwordHash) != nil else {
            throw ValidationError("--password-hash must be minimum, interactive or moderate")
        }
        guard (1...64).contains(hashThreads) else { throw ValidationError("--hash-threads must be within 1…64") }
        guard (1...256).contains(clients) else { throw ValidationError("--clients must be within 1…256") }
        guard duration >= 0.5, duration <= 600 else { throw ValidationError("--duration must be within 0.5…600 s") }
        guard warmup >= 0, warmup <= 60 else { throw ValidationError("--warmup must be within 0…60 s") }
        guard (1...20).contains(rounds) else { throw ValidationError("--rounds must be within 1…20") }
        guard (1...10_000).contains(users) else { throw ValidationError("--users must be within 1…10000") }
        guard (1...100_000).contains(tokens) else { throw ValidationError("--tokens must be within 1…100000") }
        if let verifyThreads, !(1...256).contains(verifyThreads) { throw ValidationError("--verify-threads must be within 1…256") }
        if let serverThreads, !(1...64).contains(serverThreads) { throw ValidationError("--server-threads must be within 1…64") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        // Every token is minted before the first round and must outlive the last one (access tokens live 15 minutes).
        let lifetime = Double(IdentityConfiguration().accessTokenLifetime)
        guard phaseSeconds * Double(rounds) < lifetime - 120 else {
            throw ValidationError(
                "the rounds would take \(Int(phaseSeconds * Double(rounds))) s, longer than the access tokens live "
                    + "(\(Int(lifetime)) s less 2 minutes): lower --duration, --warmup or --rounds")
        }
    }

    /// Seconds one round's phases take (7 phases of warm-up + duration).
    private var phaseSeconds: Double { 7 * (warmup + duration) }

    static func hashParameters(_ name: String) -> PasswordHasher.Parameters? {
        switch name {
        case "interactive": .interactive
        case "moderate": .moderate
        case "minimum": .minimumForTests
        default: nil
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "port-identity-bench")
        let machine = MachineInfo.current()
        let verifyThreads = self.verifyThreads ?? machine.cores
        let serverThreads = self.serverThreads ?? ServerConfiguration().threads
        let parameters = Self.hashParameters(passwordHash) ?? .interactive
        // Set-up hashes (users × one Argon2id each) plus the rounds, with a wide margin.
        armHardStop(afterSeconds: 600 + 3 * (phaseSeconds * Double(rounds)) + Double(users) * 2, tool: "port-identity-bench")

        let started = Date()
        let loadAtStart = MachineInfo.loadAverage()
        log("port-identity-bench: \(machine.build) build, \(machine.cores) cores (\(machine.cpuModel)), load average \(loadAtStart)")
        if machine.build != "release" { log("warning: a debug build; numbers are meaningless (use Benchmarks/identity.sh)") }
        log("password hashing \(passwordHash) \(parameters) on \(hashThreads) thread(s); \(clients) callers; "
            + "\(rounds) round(s) of 7 phases × (\(warmup) s + \(duration) s)")

        let setupStart = monotonicNanos()
        let storage = try BenchStorage.sqlite(workDirectory: workDirectory, tool: "port-identity-bench")
        let fixture: IdentityFixture
        do {
            fixture = try await IdentityFixture.start(
                storage: storage, passwordHashing: parameters, hashThreads: hashThreads, serverThreads: serverThreads,
                logger: logger)
        } catch {
            await storage.removeAll(logger: logger)
            throw error
        }
        do {
            let report = try await measure(
                fixture: fixture, machine: machine, parameters: parameters, verifyThreads: verifyThreads,
                serverThreads: serverThreads, started: started, loadAtStart: loadAtStart, setupStart: setupStart)
            await fixture.stop()
            await storage.removeAll(logger: logger)
            let text = report.markdown()
            let path = try write(text, started: started)
            print(text)
            log("report written to \(path)")
            guard report.keyCheck.passed else {
                throw BenchError(
                    "local verification needed Identity: \(report.keyCheck.getSigningKeysCalls) GetSigningKeys call(s), "
                        + "\(report.keyCheck.verifiedWhileIdentityDown)/\(report.keyCheck.tokens) tokens verified with Identity down")
            }
        } catch {
            await fixture.stop()
            await storage.removeAll(logger: logger)
            throw error
        }
    }

    private func measure(
        fixture: IdentityFixture, machine: MachineInfo, parameters: PasswordHasher.Parameters, verifyThreads: Int,
        serverThreads: Int, started: Date, loadAtStart: String, setupStart: UInt64
    ) async throws -> BenchReport {
        log("populating: 1 company, \(users) users, \(tokens) access tokens …")
        let population = try await fixture.populate(userCount: users, tokenCount: tokens, concurrency: clients)

        // The "other service": keys fetched once through GetSigningKeys. Periodic refresh pushed out beyond the run,
        // so every fetch counted would come from verification itself (an unknown key id).
        let fetches = FetchCounter()
        let auth = fixture.auth
        let remoteKeys = RemoteSigningKeys(refreshInterval: .seconds(86_400), minimumRefreshInterval: .seconds(86_400)) {
            fetches.increment()
            let response = try await auth.getSigningKeys(
                Cyberport_Identity_V1_GetSigningKeysRequest(), options: CallOptions(timeout: .seconds(10)))
            return response.keys.map { key in
                PublishedKey(
                    keyID: key.keyId, publicKey: key.publicKey,
                    notAfter: key.retireTime.map { Date(timeIntervalSince1970: Double($0.micros) / 1e6) })
            }
        }
        try await remoteKeys.start(attempts: 3)
        defer { remoteKeys.stop() }
        let issuer = fixture.configuration.issuer
        let audience = fixture.configuration.audience
        let cacheCapacity = max(10_000, tokens)
        let uncached = TokenVerifier(issuer: issuer, audience: audience, keys: remoteKeys.provider, cacheCapacity: 0)
        let cached = TokenVerifier(issuer: issuer, audience: audience, keys: remoteKeys.provider, cacheCapacity: cacheCapacity)

        // Sanity: every token verifies locally and names the API key; Identity agrees; a user can log in.
        for token in population.tokens {
            let claims = try cached.verify(token)
            guard claims.subject == population.apiKeyName, claims.kind == .apiKey else {
                throw BenchError("token subject \(claims.subject) (\(claims.kind)), expected \(population.apiKeyName)")
            }
        }
        let caller = try await auth.getCaller(
            Cyberport_Identity_V1_GetCallerRequest(), options: IdentityFixture.bearer(population.tokens[0]))
        guard caller.subject == population.apiKeyName else { throw BenchError("GetCaller disagrees: \(caller.subject)") }
        _ = try await fixture.login(population.users[0].email, population.users[0].password)

        let ceilingPassword = "Ceiling-Reference-0001!"
        let ceilingHash = try PasswordHasher(parameters: parameters).hash(ceilingPassword)
        let setupSeconds = Double(monotonicNanos() - setupStart) / 1e9
        log(String(format: "set-up done in %.1f s (CreateUser ×%d %.1f s, ExchangeApiKey ×%d %.1f s); %d GetSigningKeys call(s)",
                   setupSeconds, users, population.userCreationSeconds, tokens, population.exchangeSeconds, fetches.value))

        let bench = Workbench(
            auth: auth, population: population, clients: clients, hashThreads: hashThreads, verifyThreads: verifyThreads,
            warmup: warmup, duration: duration, passwordHashing: parameters, uncachedVerifier: uncached,
            cachedVerifier: cached, ceilingPassword: ceilingPassword, ceilingHash: ceilingHash)
        guard let signingKey = remoteKeys.provider.current.keys.values.first?.publicKey else {
            throw BenchError("RemoteSigningKeys installed no key")
        }
        let signatureOnly = await bench.signatureOnly(publicKey: signingKey)
        log("  Ed25519 signature check alone: \(Format.rate(signatureOnly.rate))/s on 1 thread")
        var results: [RoundResult] = []
        for number in 1...rounds {
            results.append(await bench.round(number) { log($0) })
        }

        // Identity gone: local verification must still work (fresh verifier, no cache, same fetched keys).
        await fixture.stopServing()
        let afterwards = TokenVerifier(issuer: issuer, audience: audience, keys: remoteKeys.provider, cacheCapacity: 0)
        var verifiedWhileDown = 0
        var firstError: String?
        for token in population.tokens {
            do {
                _ = try afterwards.verify(token)
                verifiedWhileDown += 1
            } catch {
                if firstError == nil { firstError = "\(error)" }
            }
        }
        // A background refresh, had verification triggered one, would have to start within this pause to be counted.
        try? await Task.sleep(for: .milliseconds(200))
        let keyCheck = BenchReport.KeyCheck(
            remoteFetchCount: remoteKeys.fetchCount, getSigningKeysCalls: fetches.value,
            verifiedWhileIdentityDown: verifiedWhileDown, tokens: population.tokens.count, firstErrorWhileDown: firstError)
        log("signing-key fetches: \(keyCheck.getSigningKeysCalls) GetSigningKeys call(s), RemoteSigningKeys.fetchCount "
            + "\(keyCheck.remoteFetchCount); verified \(verifiedWhileDown)/\(population.tokens.count) tokens with Identity "
            + "stopped: \(keyCheck.passed ? "OK" : "FAILED")")

        return BenchReport(
            started: started, machine: machine, loadAtStart: loadAtStart, loadAtEnd: MachineInfo.loadAverage(),
            settings: .init(
                passwordHashName: passwordHash, passwordHashDescription: parameters.description, hashThreads: hashThreads,
                serverThreads: serverThreads, clients: clients, verifyThreads: verifyThreads, users: users,
                tokens: tokens, rounds: rounds, duration: duration, warmup: warmup, cacheCapacity: cacheCapacity,
                commit: commit, toolchain: toolchain),
            population: population, rounds: results, signatureOnly: signatureOnly, keyCheck: keyCheck,
            setupSeconds: setupSeconds)
    }

    private func write(_ text: String, started: Date) throws -> String {
        try FileManager.default.createDirectory(atPath: resultsDirectory, withIntermediateDirectories: true)
        let path = "\(resultsDirectory)/identity-\(UTCTime.stamp(started)).md"
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

/// Counts GetSigningKeys calls made by the remote key source.
final class FetchCounter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
