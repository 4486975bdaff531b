import NaccsLink
import NaccsMessages
import NaccsSimulatorKit
import Testing

/// Fault injection (busy, dropped connections), reconciliation through the mailbox, and one message in flight
/// per credential with many credentials in parallel.
@Suite("NACCS link and fault injection")
struct LinkBehaviourTests {
    static let query = NaccsItemValues(["CUR": "USD"])

    @Test("center busy is a transient error and the input is not processed")
    func busy() async throws {
        try await SimulatorHarness.with({ $0.busyRate = 1 }) { h in
            await #expect(throws: NaccsLinkError.transient(.centerBusy(NaccsResultCode(.system, 11)))) {
                _ = try await h.send("IER", Self.query, as: SimulatorHarness.broker)
            }
            let statistics = await h.server.statistics()
            #expect(statistics.busyInjected == 1 && statistics.processed == 0)
            let nothing = try await h.link.retrieveOutputs(for: SimulatorHarness.broker, after: 0, waitingUpTo: .zero)
            #expect(nothing.isEmpty)
        }
    }

    @Test("a connection dropped before processing: transient, outcome unknown, nothing in the mailbox")
    func dropBefore() async throws {
        try await SimulatorHarness.with({ $0.dropRate = 1; $0.dropPoint = .before }) { h in
            do {
                _ = try await h.send("IER", Self.query, as: SimulatorHarness.broker, inputID: "DROP000001")
                Issue.record("a dropped connection answered")
            } catch let error as NaccsLinkError {
                #expect(error == .transient(.connectionLost(afterSending: true)))
                #expect(error.isTransient && error.outcomeUnknown)
            }
            #expect(await h.server.statistics().processed == 0)
            let nothing = try await h.link.retrieveOutputs(for: SimulatorHarness.broker, after: 0, waitingUpTo: .zero)
            #expect(nothing.isEmpty)
        }
    }

    @Test("a connection dropped after processing: the relay reconciles by the input-information id")
    func dropAfterReconcile() async throws {
        try await SimulatorHarness.with({ $0.dropRate = 1; $0.dropPoint = .after }) { h in
            await #expect(throws: NaccsLinkError.transient(.connectionLost(afterSending: true))) {
                _ = try await h.send(
                    "ECR", NaccsItemValues(["SHN": "A", "CMD": "B", "PKN": "1", "PKT": "CT", "GWT": "1", "GWU": "KGM"]),
                    as: SimulatorHarness.forwarder, inputID: "RECON00001")
            }
            let held = try await h.link.retrieveOutputs(for: SimulatorHarness.forwarder, after: 0, waitingUpTo: .seconds(10))
            let notice = try #require(held.first { $0.message.header.inputInformationID == "RECON00001" })
            #expect(try notice.message.resultCodes() == [.normal])
            let answer = try h.decode("ECR", [notice])
            #expect(answer.result["ECN"]?.hasPrefix("EC") == true)
            // Acknowledged outputs are gone.
            let nothing = try await h.link.retrieveOutputs(for: SimulatorHarness.forwarder, after: notice.sequence, waitingUpTo: .zero)
            #expect(nothing.isEmpty)
        }
    }

    @Test("one message in flight per credential; many credentials in parallel")
    func serialisation() async throws {
        try await SimulatorHarness.with({ $0.latency = .milliseconds(5) }) { h in
            let credentials = [SimulatorHarness.broker, SimulatorHarness.carrier, SimulatorHarness.terminal, SimulatorHarness.forwarder]
            let results = try await withThrowingTaskGroup(of: (String, [NaccsResultCode], UInt64).self) { group in
                for index in 0..<32 {
                    let credential = credentials[index % credentials.count]
                    group.addTask {
                        let answer = try await h.send("IER", Self.query, as: credential, inputID: "PAR\(index)")
                        return (credential.user, answer.codes, answer.outputs[0].sequence)
                    }
                }
                var all: [(String, [NaccsResultCode], UInt64)] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(results.count == 32)
            #expect(results.allSatisfy { $0.1 == [.normal] })
            // Each credential's outputs were numbered one after the other: notice and reply per input, no gaps.
            for credential in credentials {
                let sequences = results.filter { $0.0 == credential.user }.map(\.2).sorted()
                #expect(sequences == stride(from: 1, through: 15, by: 2).map { UInt64($0) })
            }
            let statistics = await h.server.statistics()
            #expect(statistics.concurrentInputsRefused == 0)
            #expect(statistics.processed == 32)
        }
    }

    @Test("the link refuses inputs that do not fit before sending")
    func invalidInput() async throws {
        try await SimulatorHarness.with { h in
            let long = NaccsCredential(userCode: "TOOLONG", identificationNumber: "001", password: "x")
            let message = try h.message("IER", Self.query)
            await #expect(throws: NaccsLinkError.permanent(.invalidInput(.tooLong(field: "userCode", width: 5, length: 7)))) {
                _ = try await h.link.send(message, as: long)
            }
            #expect(await h.server.statistics().inputs == 0)
        }
    }
}
