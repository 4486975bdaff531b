import BenchKit
import Foundation

/// The markdown report.
struct BenchReport {
    struct Settings {
        var passwordHashName: String
        var passwordHashDescription: String
        var hashThreads: Int
        var serverThreads: Int
        var clients: Int
        var verifyThreads: Int
        var users: Int
        var tokens: Int
        var rounds: Int
        var duration: Double
        var warmup: Double
        var cacheCapacity: Int
        var commit: String?
        var toolchain: String?
    }

    struct KeyCheck {
        /// RemoteSigningKeys.fetchCount at the end of the run.
        var remoteFetchCount: Int
        /// Calls of the fetch closure (GetSigningKeys requests actually sent).
        var getSigningKeysCalls: Int
        /// Tokens verified by a fresh, uncached verifier after Identity's server was stopped.
        var verifiedWhileIdentityDown: Int
        var tokens: Int
        var firstErrorWhileDown: String?

        var passed: Bool {
            remoteFetchCount == 1 && getSigningKeysCalls == 1 && verifiedWhileIdentityDown == tokens
        }
    }

    var started: Date
    var machine: MachineInfo
    var loadAtStart: String
    var loadAtEnd: String
    var settings: Settings
    var population: Population
    var rounds: [RoundResult]
    var signatureOnly: PhaseResult
    var keyCheck: KeyCheck
    var setupSeconds: Double

    private typealias Pick = KeyPath<RoundResult, PhaseResult>

    private func medianOf(_ path: Pick, _ value: (PhaseResult) -> Double?) -> Double? {
        let values = rounds.compactMap { value($0[keyPath: path]) }
        return values.isEmpty ? nil : median(values)
    }

    private func rate(_ path: Pick) -> Double { medianOf(path) { $0.rate } ?? .nan }
    private func latency(_ path: Pick, _ quantile: Double) -> Double? { medianOf(path) { $0.latencyMillis(quantile) } }
    private func cpuPerOp(_ path: Pick) -> Double? { medianOf(path) { $0.cpuMicrosPerOperation } }

    /// Median over rounds of measured ÷ reference throughput.
    private func throughputRatio(_ measured: Pick, _ reference: Pick) -> Double {
        median(rounds.map { $0[keyPath: measured].rate / $0[keyPath: reference].rate })
    }

    /// Median over rounds of reference ÷ measured CPU per operation (above 1: the measured operation is cheaper).
    private func cpuRatio(_ measured: Pick, _ reference: Pick) -> Double {
        let values = rounds.compactMap { round -> Double? in
            guard let m = round[keyPath: measured].cpuMicrosPerOperation,
                let r = round[keyPath: reference].cpuMicrosPerOperation, m > 0
            else { return nil }
            return r / m
        }
        return values.isEmpty ? .nan : median(values)
    }

    private var allPhases: [PhaseResult] {
        rounds.flatMap { [$0.login, $0.ceiling, $0.uncachedSingle, $0.uncachedAll, $0.cachedSingle, $0.cachedAll, $0.remote] }
    }

    func markdown() -> String {
        let s = settings
        let n = s.verifyThreads
        let c = s.clients
        var out: [String] = []
        func line(_ text: String = "") { out.append(text) }

        line("# Identity benchmark \(UTCTime.readable(started))")
        line()
        line(
            "`port-identity-bench`: login and access-token verification throughput of the Identity service "
                + "(IdentityKit in-process, gRPC over loopback, SQLite), each quoted against a reference measured in the "
                + "same run. \(s.rounds) round(s); every phase \(trim(s.duration)) s measured after \(trim(s.warmup)) s of "
                + "warm-up; odd rounds run each reference before what it is compared with, even rounds after. "
                + "Medians over rounds; **compare ratios, not absolute numbers across runs**.")
        line()
        line("| environment | |")
        line("| --- | --- |")
        line("| CPU | \(machine.cpuModel) (nproc \(machine.cores)) |")
        line("| memory | \(machine.memory) |")
        line("| kernel | \(machine.kernel) |")
        line("| build | \(machine.build) |")
        if let toolchain = s.toolchain { line("| Swift | \(toolchain) |") }
        if let commit = s.commit { line("| commit | \(commit) |") }
        line("| load average | start \(loadAtStart), end \(loadAtEnd) |")
        line()
        line("| settings | |")
        line("| --- | --- |")
        line(
            "| password hashing | `--password-hash \(s.passwordHashName)`: \(s.passwordHashDescription); Identity's hashing "
                + "pool \(s.hashThreads) thread(s) (`passwordHashThreads`) |")
        line(
            "| Identity | `IdentityServer` + `RPCServer` on 127.0.0.1 (free port), \(s.serverThreads) event-loop thread(s), "
                + "SQLite (WAL) in a temporary directory, signing keys sealed with a key-encryption key, log level warning |")
        line(
            "| callers | \(c) concurrent calls on one HTTP/2 connection (`RPCClient`, one event-loop thread), in the same "
                + "process as Identity |")
        line(
            "| data | 1 approved company, \(s.users) users with passwords (CreateUser), 1 API key, \(s.tokens) distinct "
                + "access tokens (ExchangeApiKey) |")
        line(
            "| local verifier | `TokenVerifier` over `RemoteSigningKeys` (keys from AuthService.GetSigningKeys, fetched "
                + "once); uncached: `cacheCapacity: 0`; cached: capacity \(s.cacheCapacity), warmed with every token; "
                + "\"all cores\" = \(n) threads; tokens taken round-robin |")
        line()

        // Summary.
        line("## Summary (medians)")
        line()
        line("| measure | per second | p50 ms | p99 ms | CPU µs per op | reference (same run) | throughput ratio | CPU ratio |")
        line("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |")
        let ceilingRate = rate(\.ceiling)
        let remoteRate = rate(\.remote)
        line(
            "| **login** over gRPC (\(c) callers) | **\(Format.rate(rate(\.login)))** | \(Format.millis(latency(\.login, 0.5))) "
                + "| \(Format.millis(latency(\.login, 0.99))) | \(Format.micros(cpuPerOp(\.login))) | ceiling: "
                + "`PasswordHasher.verify` on \(s.hashThreads) thread(s), \(Format.rate(ceilingRate))/s | "
                + "**\(Format.ratio(throughputRatio(\.login, \.ceiling)))** | \(Format.ratio(cpuRatio(\.login, \.ceiling))) |")
        let locals: [(String, Pick)] = [
            ("local verification, uncached, 1 thread", \.uncachedSingle),
            ("local verification, uncached, \(n) threads", \.uncachedAll),
            ("local verification, cached, 1 thread", \.cachedSingle),
            ("local verification, cached, \(n) threads", \.cachedAll),
        ]
        for (name, path) in locals {
            line(
                "| **\(name)** | **\(Format.rate(rate(path)))** | | | \(Format.micros(cpuPerOp(path))) | GetCaller round "
                    + "trip to Identity (\(c) callers), \(Format.rate(remoteRate))/s | "
                    + "**\(Format.ratio(throughputRatio(path, \.remote)))** | \(Format.ratio(cpuRatio(path, \.remote))) |")
        }
        line(
            "| ceiling (reference): Argon2id verify, \(s.hashThreads) thread(s) | \(Format.rate(ceilingRate)) | | | "
                + "\(Format.micros(cpuPerOp(\.ceiling))) | | | |")
        line(
            "| remote check (reference): GetCaller over gRPC, \(c) callers | \(Format.rate(remoteRate)) | "
                + "\(Format.millis(latency(\.remote, 0.5))) | \(Format.millis(latency(\.remote, 0.99))) | "
                + "\(Format.micros(cpuPerOp(\.remote))) | | | |")
        line()
        line(
            "Throughput ratio: measured ÷ reference calls per second, the median of the per-round ratios. CPU ratio: "
                + "reference ÷ measured CPU time per operation (the whole process's CPU: for gRPC phases Identity *and* "
                + "the callers); it depends much less on what else runs on the machine. Login ÷ ceiling is the share of "
                + "the hashing pool's raw capacity that reaches callers as logins (gRPC, SQLite reads and a write, token "
                + "signing and the callers share the same \(machine.cores) cores with the hashing threads). Local ÷ remote "
                + "is how many checks a service does locally in the time (or CPU) one round trip to Identity per check "
                + "would take; the remote reference is a best case (loopback, no TLS, no network, and Identity answers "
                + "from its own verified-token cache).")
        line()
        if let signature = signatureOnly.cpuMicrosPerOperation, let uncached = cpuPerOp(\.uncachedSingle) {
            line(
                "Where an uncached verification goes: the Ed25519 signature check alone takes \(Format.micros(signature)) µs "
                    + "of CPU (\(Format.rate(signatureOnly.rate))/s on one thread, measured once during set-up), "
                    + String(format: "%.0f", 100 * signature / uncached) + " % of the \(Format.micros(uncached)) µs of a "
                    + "whole uncached `TokenVerifier.verify` (the rest: base64url, header and claims JSON decoding, checks).")
            line()
        }
        line(
            "Signing-key fetches: **\(keyCheck.getSigningKeysCalls)** GetSigningKeys call(s) "
                + "(`RemoteSigningKeys.fetchCount` = \(keyCheck.remoteFetchCount)) for more than "
                + "\(Format.grouped(Int(localVerifications))) local verifications; after Identity's gRPC server was "
                + "stopped, a fresh uncached verifier verified \(keyCheck.verifiedWhileIdentityDown)/\(keyCheck.tokens) tokens: "
                + (keyCheck.passed
                    ? "**OK, local verification needs no call to Identity**."
                    : "**FAILED**\(keyCheck.firstErrorWhileDown.map { " (\($0))" } ?? "")."))
        line()
        let errors = allPhases.reduce(0) { $0 + $1.errors }
        line(errors == 0 ? "Errors: none." : "Errors: **\(errors)** (see the rounds).")
        line()

        // Rounds.
        line("## Rounds")
        line()
        line(
            "| round | phase | threads or callers | per second | p50 ms | p99 ms | CPU µs per op | errors | process CPU (cores) | other CPU (cores) |")
        line("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        let phases: [(String, Pick)] = [
            ("login (gRPC)", \.login), ("ceiling: Argon2id verify", \.ceiling),
            ("local uncached", \.uncachedSingle), ("local uncached", \.uncachedAll),
            ("local cached", \.cachedSingle), ("local cached", \.cachedAll),
            ("remote: GetCaller (gRPC)", \.remote),
        ]
        for round in rounds {
            for (name, path) in phases {
                let result = round[keyPath: path]
                line(
                    "| \(round.round) | \(name) | \(result.parallelism) | \(Format.rate(result.rate)) | "
                        + "\(Format.millis(result.latencyMillis(0.5))) | \(Format.millis(result.latencyMillis(0.99))) | "
                        + "\(Format.micros(result.cpuMicrosPerOperation)) | \(result.errors) | "
                        + "\(Format.cores(result.cpu.process)) | \(Format.cores(result.cpu.others)) |")
            }
        }
        line()
        for round in rounds {
            line(
                "- round \(round.round): \(round.order.joined(separator: " → ")); login ÷ ceiling "
                    + "\(Format.ratio(round.login.rate / round.ceiling.rate)), uncached×1 ÷ remote "
                    + "\(Format.ratio(round.uncachedSingle.rate / round.remote.rate))")
            let failures = [round.login, round.ceiling, round.uncachedSingle, round.uncachedAll, round.cachedSingle,
                            round.cachedAll, round.remote].compactMap(\.firstError)
            if let first = failures.first { line("  - first error: `\(first)`") }
        }
        line()
        line(
            "Process CPU: this process's CPU time inside the measured window ÷ its length; other CPU: the rest of the "
                + "machine's busy time over the same window (other processes, interrupts, steal). When the two add up to "
                + "nearly all \(machine.cores) cores the phase competed for CPU: distrust its rate, trust its CPU per op "
                + "more. Latency is client-side, from sending the call to receiving the response.")
        line()

        // Set-up.
        line("## Set-up")
        line()
        line("| step | |")
        line("| --- | --- |")
        line("| start-up and population, total | \(Format.seconds(setupSeconds)) |")
        line(
            "| CreateUser with password ×\(population.users.count) (\(c) at a time) | "
                + "\(Format.seconds(population.userCreationSeconds)) "
                + "(\(Format.rate(Double(population.users.count) / population.userCreationSeconds))/s) |")
        line(
            "| ExchangeApiKey ×\(population.tokens.count) (\(c) at a time) | \(Format.seconds(population.exchangeSeconds)) "
                + "(\(Format.rate(Double(population.tokens.count) / population.exchangeSeconds))/s) |")
        line("| company | \(population.company), corporate number \(population.corporateNumber) |")
        line()
        return out.joined(separator: "\n")
    }

    /// Local verifications counted inside the measured windows (warm-ups come on top).
    private var localVerifications: Double {
        rounds.reduce(0.0) { total, round in
            total + [round.uncachedSingle, round.uncachedAll, round.cachedSingle, round.cachedAll]
                .reduce(0.0) { $0 + Double($1.operations) }
        }
    }

    private func trim(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
