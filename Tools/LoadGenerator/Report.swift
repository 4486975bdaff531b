/// The outcome of a run, as text or as one JSON object.
struct Report {
    let mode: String
    let target: String
    let connections: Int
    let streamsPerConnection: Int
    let durationSeconds: Double
    let warmupSeconds: Double
    let requestSize: Int
    let responseSize: Int
    let result: WorkerResult
    let primingCalls: Int
    let elapsedSeconds: Double

    private var callsPerSecond: Double { Double(result.calls) / durationSeconds }

    private func micros(_ quantile: Double) -> Double { Double(result.histogram.value(atQuantile: quantile)) / 1000 }

    func text() -> String {
        func format(_ value: Double) -> String {
            let scaled = (value * 10).rounded() / 10
            return "\(scaled)"
        }
        var lines = [
            "port-load \(mode) \(target): \(connections) connection(s) × \(streamsPerConnection) in flight, "
                + "\(format(durationSeconds)) s measured",
            "  calls: \(result.calls) (\(format(callsPerSecond))/s), errors: \(result.errors), "
                + "bad responses: \(result.badResponses)",
            "  latency µs: p50 \(format(micros(0.5))), p90 \(format(micros(0.9))), p99 \(format(micros(0.99))), "
                + "p99.9 \(format(micros(0.999))), max \(format(Double(result.histogram.maxNanos) / 1000)), "
                + "mean \(format(result.histogram.meanNanos / 1000))",
        ]
        if let error = result.firstError { lines.append("  first error: \(error)") }
        return lines.joined(separator: "\n")
    }

    func json() -> String {
        let fields: [(String, String)] = [
            ("tool", quoted("port-load")),
            ("mode", quoted(mode)),
            ("target", quoted(target)),
            ("connections", "\(connections)"),
            ("streams_per_connection", "\(streamsPerConnection)"),
            ("duration_s", number(durationSeconds)),
            ("warmup_s", number(warmupSeconds)),
            ("elapsed_s", number(elapsedSeconds)),
            ("request_size", "\(requestSize)"),
            ("response_size", "\(responseSize)"),
            ("calls", "\(result.calls)"),
            ("calls_per_second", number(callsPerSecond)),
            ("uncounted_calls", "\(result.uncountedCalls)"),
            ("priming_calls", "\(primingCalls)"),
            ("errors", "\(result.errors)"),
            ("bad_responses", "\(result.badResponses)"),
            ("latency_us", "{" + [
                ("p50", micros(0.5)), ("p90", micros(0.9)), ("p99", micros(0.99)), ("p999", micros(0.999)),
                ("max", Double(result.histogram.maxNanos) / 1000), ("mean", result.histogram.meanNanos / 1000),
            ].map { "\"\($0.0)\": \(number($0.1))" }.joined(separator: ", ") + "}"),
            ("first_error", result.firstError.map(quoted) ?? "null"),
        ]
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    private func number(_ value: Double) -> String {
        value.isFinite ? "\((value * 1000).rounded() / 1000)" : "null"
    }

    private func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
