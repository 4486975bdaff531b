import BenchFixtures
import BenchKit
import Foundation
import NaccsSimulatorKit
import PortAPI
import PortProtocol
import PortRPC
import Synchronization

/// The NACCS users of the run: `FWD00`…, identification number 001 (the simulator accepts them; the forwarder
/// registers them as its credentials).
func benchUsers(_ count: Int) -> [NaccsSimulatorUser] {
    (0..<count).map {
        NaccsSimulatorUser(
            userCode: String(format: "FWD%02d", $0), identificationNumber: "001", password: String(format: "Pw%06d", $0),
            mailAddress: "forwarder@example.jp")
    }
}

/// What the phases send with: a forwarder company, its NACCS credentials, and one export deal per caller with an
/// ECR form (export cargo registration: NACCS issues a new export control number for every send, which the relay
/// writes back to the deal through Deals).
struct World: Sendable {
    var options: CallOptions
    var credentials: [String]
    /// Per caller: its deal's ECR form.
    var forms: [String]

    static func make(
        identity: IdentityFixture, stack: RelayStack, users: [NaccsSimulatorUser], callers: Int
    ) async throws -> World {
        let operatorOptions = try await identity.operatorOptions()
        let company = try await identity.activeCompany(
            legalNameJa: "港湾海貨株式会社", legalNameEn: "Port Forwarding KK", businessTypes: ["forwarder"],
            emailDomain: "naccs-bench-\(UInt32.random(in: 0...UInt32.max)).example", operatorOptions: operatorOptions)
        let options = company.admin
        var credentials: [String] = []
        for user in users {
            var credential = Cyberport_Naccs_V1_NaccsCredential()
            credential.displayName = "NACCS \(user.userCode)"
            credential.userCode = user.userCode
            credential.identificationNumber = user.identificationNumber
            credential.password = user.password
            var request = Cyberport_Naccs_V1_CreateNaccsCredentialRequest()
            request.parent = company.organization
            request.naccsCredential = credential
            credentials.append(try await stack.credentials.createNaccsCredential(request, options: options).name)
        }
        let forms = try await forEachConcurrently(callers, concurrency: 8) { index -> String in
            var deal = Cyberport_Deals_V1_Deal()
            deal.displayName = "NACCS bench \(index)"
            deal.direction = .export
            deal.ownerBusinessType = "forwarder"
            var create = Cyberport_Deals_V1_CreateDealRequest()
            create.deal = deal
            let created = try await stack.deals.createDeal(create, options: options)
            let items: [String: String] = [
                "BKN": String(format: "BKBENCH%04d", index), "SHN": "EXPORTER CO LTD", "CMD": "MACHINE PARTS", "PKN": "10",
                "PKT": "CT", "GWT": "1234.5", "GWU": "KGM",
            ]
            var form = Cyberport_Naccs_V1_CreateNaccsFormRequest()
            form.parent = created.name
            form.businessCode = "ECR"
            form.items = items.keys.sorted().map { key in
                var item = Cyberport_Naccs_V1_NaccsItem()
                item.item = key
                item.values = [items[key] ?? ""]
                return item
            }
            let saved = try await stack.relay.createNaccsForm(form, options: options)
            guard saved.missingItems.isEmpty else { throw BenchError("the ECR form misses \(saved.missingItems)") }
            return saved.name
        }
        return World(options: options, credentials: credentials, forms: forms)
    }
}

/// One phase's figures: the client-side tally (SendNaccsForm until GetNaccsSend shows the send complete) and the
/// relay's own times from accepting the send to storing its output.
struct SendPhase: Sendable {
    var credentials: Int
    var callers: Int
    var result: PhaseResult
    /// Nanoseconds from create_time to complete_time of the sends completed inside the window.
    var serverLatencies: [UInt64]
    /// GetNaccsSend polls per completed send.
    var pollsPerSend: Double

    func serverMillis(_ quantile: Double) -> Double? {
        guard !serverLatencies.isEmpty else { return nil }
        let sorted = serverLatencies.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count) * quantile).rounded(.up)) - 1)
        return Double(sorted[max(0, index)]) / 1e6
    }
}

/// Runs a phase: `credentials × depth` callers, caller *c* sending its deal's form with credential *c mod
/// credentials* and a fresh idempotency key, then polling GetNaccsSend (2 ms, doubling to 32 ms) until it is complete.
func sendPhase(
    stack: RelayStack, world: World, credentials: Int, depth: Int, warmup: Double, duration: Double
) async -> SendPhase {
    let callers = credentials * depth
    let window = Window.starting(afterWarmup: warmup, duration: duration)
    let collected = Mutex<(latencies: [UInt64], polls: Int, sends: Int)>(([], 0, 0))
    let options = world.options
    let result = await measureCalls(callers: callers, window: window) { caller, _ in
        var request = Cyberport_Naccs_V1_SendNaccsFormRequest()
        request.name = world.forms[caller]
        request.requestId = UUID().uuidString
        request.naccsCredential = world.credentials[caller % credentials]
        let accepted = try await stack.relay.sendNaccsForm(request, options: options)
        var get = Cyberport_Naccs_V1_GetNaccsSendRequest()
        get.name = accepted.name
        var pause = Duration.milliseconds(2)
        var polls = 0
        while true {
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(32))
            polls += 1
            let send = try await stack.relay.getNaccsSend(get, options: options)
            switch send.state {
            case .accepted:
                let done = monotonicNanos()
                let micros = micros(send.completeTime) - micros(send.createTime)
                collected.withLock { state in
                    state.polls += polls
                    state.sends += 1
                    if window.contains(done) { state.latencies.append(UInt64(max(0, micros)) * 1000) }
                }
                return
            case .rejected, .failed:
                throw BenchError("\(send.name) ended \(send.state): \(send.error) \(send.resultCodes.map(\.code))")
            default:
                continue
            }
        }
    }
    let tally = collected.withLock { $0 }
    return SendPhase(
        credentials: credentials, callers: callers, result: result, serverLatencies: tally.latencies,
        pollsPerSend: tally.sends > 0 ? Double(tally.polls) / Double(tally.sends) : .nan)
}

private func micros(_ timestamp: Google_Protobuf_Timestamp?) -> Int64 {
    guard let timestamp else { return 0 }
    return timestamp.seconds * 1_000_000 + Int64(timestamp.nanos / 1000)
}
