import BenchKit
import Foundation

/// The markdown report of a run.
struct BenchReport {
    var started: Date
    var lines: Int
    var respondents: Int
    var rounds: Int
    var serverThreads: Int
    var commit: String
    var toolchain: String
    var sections: [BackendResult]

    func markdown() -> String {
        let machine = MachineInfo.current()
        var text = """
            # Stats benchmark: a year's survey tables for a port with \(lines.formatted()) cargo lines

            - run: \(UTCTime.readable(started)), commit \(commit), \(MachineInfo.buildConfiguration) build
            - toolchain: \(toolchain)
            - machine: \(machine.cores) cores, \(machine.cpuModel), load average \(MachineInfo.loadAverage()) at the end
            - data: one 甲種 port, 12 months × \(respondents) respondents = \(12 * respondents) approved submissions, \
            \(lines.formatted()) cargo lines (81 commodities × 3 forms × 4 directions × 30 partner ports) plus 20 ship, \
            2 passenger and 4 vehicle lines each; loaded through SubmitSurvey + ApproveSurveySubmission
            - measured: \(rounds) round\(rounds == 1 ? "" : "s") after one untimed pass; gRPC over loopback (\(serverThreads) server threads), \
            tables read with StreamStatisticalTable; times are min / median / max
            - reference: one SQL pass over the year's approved cargo lines (COUNT and SUM of freight tons, the same join \
            the tables use) on the same database — the least any aggregation must do


            """
        for section in sections {
            text += """
                ## \(section.backend)

                | phase | min | median | max | vs reference (median) |
                | --- | ---: | ---: | ---: | ---: |
                | annual tables 1–5 | \(Self.row(section.annual, reference: section.reference)) |
                | all 65 tables of the year (12 months + annual) | \(Self.row(section.year, reference: section.reference)) |
                | CSV of the annual table 3 (\(section.csvBytes.formatted()) bytes) | \(Self.row(section.csv, reference: section.reference)) |
                | reference: one pass over the lines | \(Self.row(section.reference, reference: section.reference)) |

                - load: \(section.submissions) submissions, \(section.cargoLines.formatted()) cargo lines in \
                \(String(format: "%.1f", section.loadSeconds)) s (\(Int(Double(section.cargoLines) / max(section.loadSeconds, 0.001)).formatted()) lines/s, submit + approve)
                - annual table sizes (rows, tables 1–5): \(section.annualRows.map(String.init).joined(separator: ", "))
                - check: table 3's total, \(section.annualTotalFreightTonsMilli.formatted()) FT/1000, equals the reference's sum \
                over \(section.referenceLines.formatted()) lines


                """
        }
        return text
    }

    static func row(_ values: [Double], reference: [Double]) -> String {
        let sorted = values.sorted()
        guard let first = sorted.first, let last = sorted.last else { return "– | – | – | –" }
        let median = sorted[sorted.count / 2]
        let referenceMedian = reference.sorted()[reference.count / 2]
        return "\(milliseconds(first)) | \(milliseconds(median)) | \(milliseconds(last)) | "
            + String(format: "%.1f×", median / max(referenceMedian, 1e-9))
    }

    static func milliseconds(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
}
