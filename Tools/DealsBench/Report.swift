import BenchKit
import Foundation

/// The markdown report.
struct BenchReport {
    struct Settings {
        var storage: String
        var databaseVersion: String
        var serverThreads: Int
        var callers: Int
        var deals: Int
        var sharedDeals: Int
        var rounds: Int
        var duration: Double
        var warmup: Double
        var commit: String?
        var toolchain: String?
    }

    var started: Date
    var machine: MachineInfo
    var loadAtStart: String
    var loadAtEnd: String
    var settings: Settings
    var world: World
    var rounds: [RoundResult]
    var setupSeconds: Double

    private typealias Pick = KeyPath<RoundResult, PhaseResult>

    private func medianOf(_ path: Pick, _ value: (PhaseResult) -> Double?) -> Double? {
        let values = rounds.compactMap { value($0[keyPath: path]) }
        return values.isEmpty ? nil : median(values)
    }

    private func rate(_ path: Pick) -> Double { medianOf(path) { $0.rate } ?? .nan }
    private func latency(_ path: Pick, _ quantile: Double) -> Double? { medianOf(path) { $0.latencyMillis(quantile) } }
    private func cpuPerCall(_ path: Pick) -> Double? { medianOf(path) { $0.cpuMicrosPerOperation } }
    private func errors(_ path: Pick) -> UInt64 { rounds.reduce(0) { $0 + $1[keyPath: path].errors } }

    /// Median over rounds of form ÷ reference calls per second (below 1: the form call is slower).
    private func throughputRatio(_ form: Pick, _ reference: Pick) -> Double {
        median(rounds.map { $0[keyPath: form].rate / $0[keyPath: reference].rate })
    }

    /// Median over rounds of form ÷ reference CPU per call (above 1: the form call costs more).
    private func cpuRatio(_ form: Pick, _ reference: Pick) -> Double {
        let values = rounds.compactMap { round -> Double? in
            guard let f = round[keyPath: form].cpuMicrosPerOperation, let r = round[keyPath: reference].cpuMicrosPerOperation,
                r > 0
            else { return nil }
            return f / r
        }
        return values.isEmpty ? .nan : median(values)
    }

    /// Median over rounds of form ÷ reference p99 latency.
    private func p99Ratio(_ form: Pick, _ reference: Pick) -> Double {
        let values = rounds.compactMap { round -> Double? in
            guard let f = round[keyPath: form].latencyMillis(0.99), let r = round[keyPath: reference].latencyMillis(0.99),
                r > 0
            else { return nil }
            return f / r
        }
        return values.isEmpty ? .nan : median(values)
    }

    private typealias PickContention = KeyPath<RoundResult, Contention>

    /// Store re-runs (PostgreSQL serialization failures) per completed call of `phase`, median over rounds.
    private func rerunsPerCall(_ path: Pick, _ phase: String) -> Double {
        median(rounds.map { round in
            let operations = round[keyPath: path].operations
            return operations > 0 ? Double(round.storeRetries[phase] ?? 0) / Double(operations) : .nan
        })
    }

    /// "0.83 / 12": ABORTED answers per successful update, and updates still unfinished at the window's end; medians
    /// over rounds.
    private func contentionSummary(_ path: Pick, _ contention: PickContention) -> String {
        let perUpdate = median(rounds.map { round in
            let operations = round[keyPath: path].operations
            return operations > 0 ? Double(round[keyPath: contention].aborted) / Double(operations) : .nan
        })
        let unfinished = median(rounds.map { Double($0[keyPath: contention].unfinished) })
        return String(format: "%.2f / %.0f", perUpdate, unfinished)
    }

    func markdown() -> String {
        let s = settings
        let c = s.callers
        var out: [String] = []
        func line(_ text: String = "") { out.append(text) }

        line("# Deals benchmark \(UTCTime.readable(started))")
        line()
        line(
            "`port-deals-bench`: form reads (GetForm) and form updates (UpdateForm of a field bound to the root document) "
                + "of the Deals service (DealsKit and IdentityKit in-process, gRPC over loopback, "
                + "\(s.databaseVersion)), each quoted against a deal call measured in the same run: GetDeal for reads, "
                + "UpdateDeal of display_name for writes. \(s.rounds) round(s); every phase \(trim(s.duration)) s measured "
                + "after \(trim(s.warmup)) s of warm-up, \(c) concurrent callers; odd rounds run each reference before the "
                + "form phase, even rounds after. Medians over rounds; **compare ratios, not absolute numbers across runs**.")
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
        line("| storage | \(s.storage); \(s.databaseVersion) |")
        line(
            "| Deals | `DealsInstance` (webhook dispatcher running) + `RPCServer` on 127.0.0.1 (free port), "
                + "\(s.serverThreads) event-loop thread(s); access tokens verified locally through an `IdentityLink` "
                + "(keys fetched from Identity), a service credential for AddParticipant; log level warning |")
        line(
            "| Identity | `IdentityServer` + `RPCServer` in the same process (needed for set-up; idle during the phases) |")
        line(
            "| callers | \(c) concurrent calls on one HTTP/2 connection (`RPCClient`, one event-loop thread), in the same "
                + "process; reads alternate between the shipper's and the forwarder's access tokens (API keys, one token per "
                + "caller), writes use the shipper's |")
        line(
            "| data | 2 approved companies (shipper `shipperOrConsignee`, forwarder `forwarder`); \(s.deals) export deals, "
                + "each owned by the shipper with the forwarder as participant, with a booking request (UL010: 13 shared "
                + "values and 2 container-request rows) and a shipping instruction (UL040: 5 more values, 2 cargo lines) |")
        line(
            "| form read | GetForm of a random deal's UL010 or UL040 (the form's own data plus its root-bound values, etag, "
                + "locks, recipients) |")
        line(
            "| form update | UpdateForm of UL010 `shipperName` (bound to `parties.shipper.name`: rewrites the root document "
                + "and the form row, appends a timeline entry with the field diff), a new value each call, the etag from "
                + "the caller's previous response. Own deal: caller *i* updates deal *i*, no etag contention. Shared: the "
                + "callers share the first \(s.sharedDeals) deals (\(c / max(1, s.sharedDeals)) callers per deal); a stale "
                + "etag (ABORTED) makes the caller read the form again and retry: an update counts once, when it "
                + "succeeds, and its latency includes the retries |")
        line("| references | GetDeal of a random deal; UpdateDeal of `display_name` (own deal / shared deals, handled the same way) |")
        line()

        line("## Summary (medians)")
        line()
        line(
            "| measure | calls/s | p50 ms | p99 ms | CPU µs per call | ABORTED per update / unfinished | store re-runs per call | errors | reference (same run) | calls/s ratio | p99 ratio | CPU ratio |")
        line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
        let pairs: [(String, Pick, String, String, Pick, PickContention?)] = [
            ("**form read**: GetForm", \.formRead, "GetForm", "GetDeal", \.dealRead, nil),
            ("**form update**: UpdateForm, own deal", \.formUpdate, "UpdateForm", "UpdateDeal, own deal", \.dealUpdate, nil),
            ("**form update, shared**: UpdateForm, \(s.sharedDeals) deals", \.formShared, "UpdateForm shared",
             "UpdateDeal, \(s.sharedDeals) deals", \.dealShared, \.formContention),
        ]
        for (name, form, phase, referenceName, reference, contention) in pairs {
            line(
                "| \(name) | **\(Format.rate(rate(form)))** | \(Format.millis(latency(form, 0.5))) | "
                    + "**\(Format.millis(latency(form, 0.99)))** | \(Format.micros(cpuPerCall(form))) | "
                    + "\(contention.map { contentionSummary(form, $0) } ?? "") | "
                    + "\(String(format: "%.2f", rerunsPerCall(form, phase))) | \(errors(form)) | "
                    + "\(referenceName): \(Format.rate(rate(reference)))/s, p99 \(Format.millis(latency(reference, 0.99))) ms | "
                    + "**\(Format.ratio(throughputRatio(form, reference)))** | \(Format.ratio(p99Ratio(form, reference))) | "
                    + "\(Format.ratio(cpuRatio(form, reference))) |")
        }
        let references: [(String, Pick, String, PickContention?)] = [
            ("GetDeal (reference)", \.dealRead, "GetDeal", nil),
            ("UpdateDeal, own deal (reference)", \.dealUpdate, "UpdateDeal", nil),
            ("UpdateDeal, \(s.sharedDeals) deals (reference)", \.dealShared, "UpdateDeal shared", \.dealContention),
        ]
        for (name, path, phase, contention) in references {
            line(
                "| \(name) | \(Format.rate(rate(path))) | \(Format.millis(latency(path, 0.5))) | "
                    + "\(Format.millis(latency(path, 0.99))) | \(Format.micros(cpuPerCall(path))) | "
                    + "\(contention.map { contentionSummary(path, $0) } ?? "") | "
                    + "\(String(format: "%.2f", rerunsPerCall(path, phase))) | \(errors(path)) | | | | |")
        }
        line()
        line(
            "Ratios are form ÷ reference, the median of the per-round ratios: calls/s below 1 means the form call is "
                + "slower than the deal call; p99 and CPU above 1 mean it waits or costs more. CPU per call is the whole "
                + "process's CPU time (Deals, the callers' client, SQLite or libpq, an idle Identity) over the window ÷ "
                + "the calls completed in it; it depends much less on what else runs on the machine than calls/s. "
                + "Shared-deal updates: calls/s counts successful updates; \"ABORTED per update\" is the stale-etag "
                + "answers received in the window per successful update (each also cost a GetForm or GetDeal and another "
                + "attempt); \"unfinished\" is how many of the \(c) callers were still retrying one update when the window "
                + "ended (their latency is in no percentile: read it from the rounds' \"oldest\"). Store re-runs: write "
                + "transactions PortStore ran again after a PostgreSQL serialization failure or deadlock (SERIALIZABLE; "
                + "jittered backoff up to 100 ms, holding the pooled connection), inside the window, per completed call; "
                + "always 0 on SQLite.")
        line()
        let allPhases = rounds.flatMap { [$0.formRead, $0.dealRead, $0.formUpdate, $0.dealUpdate, $0.formShared, $0.dealShared] }
        let totalErrors = allPhases.reduce(0) { $0 + $1.errors }
        line(totalErrors == 0 ? "Errors: none." : "Errors: **\(totalErrors)** (see the rounds).")
        line()

        line("## Rounds")
        line()
        line(
            "| round | phase | callers | calls/s | p50 ms | p99 ms | CPU µs per call | ABORTED | unfinished (oldest s) | store re-runs | errors | process CPU (cores) | other CPU (cores) |")
        line("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        let phases: [(String, Pick, String, PickContention?)] = [
            ("GetForm", \.formRead, "GetForm", nil), ("GetDeal", \.dealRead, "GetDeal", nil),
            ("UpdateForm, own deal", \.formUpdate, "UpdateForm", nil), ("UpdateDeal, own deal", \.dealUpdate, "UpdateDeal", nil),
            ("UpdateForm, shared", \.formShared, "UpdateForm shared", \.formContention),
            ("UpdateDeal, shared", \.dealShared, "UpdateDeal shared", \.dealContention),
        ]
        for round in rounds {
            for (name, path, phase, contention) in phases {
                let result = round[keyPath: path]
                line(
                    "| \(round.round) | \(name) | \(result.parallelism) | \(Format.rate(result.rate)) | "
                        + "\(Format.millis(result.latencyMillis(0.5))) | \(Format.millis(result.latencyMillis(0.99))) | "
                        + "\(Format.micros(result.cpuMicrosPerOperation)) | "
                        + "\(contention.map { Format.grouped(Int(round[keyPath: $0].aborted)) } ?? "") | "
                        + "\(contention.map { String(format: "%d (%.1f)", round[keyPath: $0].unfinished, round[keyPath: $0].oldestUnfinishedSeconds) } ?? "") | "
                        + "\(Format.grouped(Int(round.storeRetries[phase] ?? 0))) | \(result.errors) | "
                        + "\(Format.cores(result.cpu.process)) | \(Format.cores(result.cpu.others)) |")
            }
        }
        line()
        for round in rounds {
            line(
                "- round \(round.round): \(round.order.joined(separator: " → ")); GetForm ÷ GetDeal "
                    + "\(Format.ratio(round.formRead.rate / round.dealRead.rate)), UpdateForm ÷ UpdateDeal "
                    + "\(Format.ratio(round.formUpdate.rate / round.dealUpdate.rate)) (own), "
                    + "\(Format.ratio(round.formShared.rate / round.dealShared.rate)) (shared)")
            let failures = [round.formRead, round.dealRead, round.formUpdate, round.dealUpdate, round.formShared,
                            round.dealShared].compactMap(\.firstError)
            if let first = failures.first { line("  - first error: `\(first)`") }
        }
        line()
        line(
            "Process CPU: this process's CPU time inside the measured window ÷ its length; other CPU: the rest of the "
                + "machine's busy time over the same window (other processes, interrupts, steal; with PostgreSQL this "
                + "includes the PostgreSQL server). When the two add up to nearly all \(machine.cores) cores the phase "
                + "competed for CPU: distrust its rate, trust its CPU per call more. Latency is client-side, from sending "
                + "the call to receiving the response (for shared updates: from the first attempt to the successful one).")
        line()

        line("## Set-up")
        line()
        line("| step | |")
        line("| --- | --- |")
        line("| start-up and population, total | \(Format.seconds(setupSeconds)) |")
        line("| 2 companies registered, approved, administrators logged in | \(Format.seconds(world.companiesSeconds)) |")
        line("| 2 API keys, ExchangeApiKey ×\(2 * s.callers) | \(Format.seconds(world.tokensSeconds)) |")
        line(
            "| \(s.deals) deals: CreateDeal, AddParticipant, CreateForm ×2, UpdateForm ×2 each (8 deals at a time) | "
                + "\(Format.seconds(world.dealsSeconds)) (\(Format.rate(Double(s.deals) / world.dealsSeconds)) deals/s) |")
        line()
        return out.joined(separator: "\n")
    }

    private func trim(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
