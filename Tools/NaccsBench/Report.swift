import BenchKit
import Foundation

/// The markdown report of a run.
struct NaccsReport {
    var started: Date
    var machine: MachineInfo
    var loadAtStart: String
    var loadAtEnd: String
    var storage: String
    var databaseVersion: String
    var serverThreads: Int
    var depth: Int
    var latencyMilliseconds: Int
    var duration: Double
    var warmup: Double
    var commit: String?
    var toolchain: String?
    var setupSeconds: Double
    /// Per round, the phases in --credentials order.
    var rounds: [[SendPhase]]

    /// The median over rounds of `value` for phase `index`.
    private func medianOf(_ index: Int, _ value: (SendPhase) -> Double?) -> Double? {
        let values = rounds.compactMap { $0.indices.contains(index) ? value($0[index]) : nil }.filter(\.isFinite)
        return values.isEmpty ? nil : median(values)
    }

    func markdown() -> String {
        var out: [String] = []
        func line(_ text: String = "") { out.append(text) }
        let phases = rounds.first ?? []

        line("# NACCS relay benchmark \(UTCTime.readable(started))")
        line()
        line(
            "`port-naccs-bench`: sends per second through the Naccs relay to the NACCS simulator, and the time from a send "
                + "to its output being available, with 1 and more NACCS credentials (NACCS allows one input in flight per "
                + "credential: the relay sends each credential's sends one at a time, credentials in parallel). "
                + "\(rounds.count) round(s); every phase \(trim(duration)) s measured after \(trim(warmup)) s of warm-up. "
                + "Medians over rounds; **compare ratios, not absolute numbers across runs**.")
        line()
        line("| environment | |")
        line("| --- | --- |")
        line("| CPU | \(machine.cpuModel) (nproc \(machine.cores)) |")
        line("| memory | \(machine.memory) |")
        line("| kernel | \(machine.kernel) |")
        line("| build | \(machine.build) |")
        if let toolchain { line("| Swift | \(toolchain) |") }
        if let commit { line("| commit | \(commit) |") }
        line("| load average | start \(loadAtStart), end \(loadAtEnd) |")
        line()
        line("| settings | |")
        line("| --- | --- |")
        line("| storage | \(storage); \(databaseVersion) |")
        line(
            "| services | Identity, Deals, `naccs-simulator` (`NaccsSimulatorServer`, 1 thread, latency "
                + "\(latencyMilliseconds) ms per input) and the relay (`NaccsInstance` with its production settings: 1 s poll "
                + "interval, woken by each send; `NaccsTCPLink` to the simulator; issued numbers written back through Deals) "
                + "in one process, gRPC over loopback, \(serverThreads) event-loop thread(s) per server; log level warning |")
        line(
            "| workload | a forwarder company with its NACCS credentials; one export deal with an ECR form (export cargo "
                + "registration: NACCS issues a new export control number each time) per caller; \(depth) caller(s) per "
                + "credential on one HTTP/2 connection, each: SendNaccsForm (fresh idempotency key, its credential), then "
                + "GetNaccsSend after 2 ms, doubling to 32 ms, until the send is ACCEPTED, then the next send |")
        line(
            "| measures | **sends/s**: sends seen complete inside the window ÷ window; **relay p50/p99**: the send's "
                + "`complete_time − create_time` (accepted and stored → NACCS output stored, queueing behind the "
                + "credential's other sends included); **client p99**: SendNaccsForm called → GetNaccsSend shows it complete "
                + "(adds up to one poll interval) |")
        line("| set-up | \(Format.seconds(setupSeconds)) |")
        line()
        line("| credentials | callers | sends/s | relay p50 ms | relay p99 ms | client p99 ms | polls/send | CPU µs/send | errors |")
        line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for (index, phase) in phases.enumerated() {
            let errors = rounds.reduce(UInt64(0)) { $0 + ($1.indices.contains(index) ? $1[index].result.errors : 0) }
            line(
                "| \(phase.credentials) | \(phase.callers) | \(Format.rate(medianOf(index) { $0.result.rate } ?? .nan)) "
                    + "| \(Format.millis(medianOf(index) { $0.serverMillis(0.5) })) "
                    + "| \(Format.millis(medianOf(index) { $0.serverMillis(0.99) })) "
                    + "| \(Format.millis(medianOf(index) { $0.result.latencyMillis(0.99) })) "
                    + "| \(String(format: "%.1f", medianOf(index) { $0.pollsPerSend } ?? .nan)) "
                    + "| \(Format.micros(medianOf(index) { $0.result.cpuMicrosPerOperation })) | \(errors) |")
        }
        if phases.count >= 2, let single = medianOf(0, { $0.result.rate }), single > 0,
            let many = medianOf(phases.count - 1, { $0.result.rate })
        {
            line()
            line(
                "\(phases[phases.count - 1].credentials) credentials send \(Format.ratio(many / single)) as many per second "
                    + "as \(phases[0].credentials).")
        }
        let firstErrors = rounds.flatMap { $0 }.compactMap(\.result.firstError)
        if let first = firstErrors.first {
            line()
            line("First error: `\(first.prefix(300))`")
        }
        line()
        line("Per round:")
        line()
        line("| round | credentials | sends/s | relay p99 ms | client p99 ms |")
        line("| ---: | ---: | ---: | ---: | ---: |")
        for (number, round) in rounds.enumerated() {
            for phase in round {
                line(
                    "| \(number + 1) | \(phase.credentials) | \(Format.rate(phase.result.rate)) "
                        + "| \(Format.millis(phase.serverMillis(0.99))) | \(Format.millis(phase.result.latencyMillis(0.99))) |")
            }
        }
        line()
        return out.joined(separator: "\n")
    }

    private func trim(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
