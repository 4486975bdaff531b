import BenchFixtures
import BenchKit
import Foundation
import PortAPI
import PortProtocol
import PortRPC
import Synchronization

/// The measurements of one round.
struct RoundResult: Sendable {
    var round: Int
    /// GetForm of a random form of a random deal.
    var formRead: PhaseResult
    /// Reference: GetDeal of a random deal.
    var dealRead: PhaseResult
    /// UpdateForm of a bound field, each caller on its own deal.
    var formUpdate: PhaseResult
    /// Reference: UpdateDeal of display_name, each caller on its own deal.
    var dealUpdate: PhaseResult
    /// UpdateForm with the callers sharing `sharedDeals` deals (stale etags answered ABORTED and retried).
    var formShared: PhaseResult
    var dealShared: PhaseResult
    /// The stale-etag retries of `formShared` / `dealShared`.
    var formContention: Contention
    var dealContention: Contention
    /// Write transactions re-run after a PostgreSQL serialization failure, per phase name (see ``StoreRetryTally``).
    var storeRetries: [String: UInt64]
    /// The order the phases ran in (alternates between rounds).
    var order: [String]
}

/// The etag a caller last saw of the resource it updates.
final class ETagSlot: Sendable {
    private let value = Mutex("")
    var etag: String {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}

/// What contention on shared deals cost in one phase.
struct Contention: Sendable {
    /// ABORTED (stale etag) answers received inside the window; each was followed by a read and another attempt.
    var aborted: UInt64 = 0
    /// Updates begun before the window ended that had still not succeeded when it ended (the callers kept losing).
    var unfinished = 0
    /// How long the oldest of them had been retrying at the window's end, in seconds.
    var oldestUnfinishedSeconds = 0.0
}

/// Collects ``Contention`` from the callers.
final class ContentionTally: Sendable {
    private let state = Mutex(Contention())

    func aborted() { state.withLock { $0.aborted += 1 } }

    /// An update begun at `begun` (monotonic nanoseconds) gave up after the window ended.
    func unfinished(begun: UInt64, window: Window) {
        let age = Double(window.end - min(begun, window.end)) / 1e9
        state.withLock {
            $0.unfinished += 1
            $0.oldestUnfinishedSeconds = max($0.oldestUnfinishedSeconds, age)
        }
    }

    var value: Contention { state.withLock { $0 } }
}

/// Everything the phases need, prepared once.
struct Workbench: Sendable {
    let deals: DealsFixture
    let world: World
    let retries: StoreRetryTally
    let callers: Int
    let sharedDeals: Int
    let warmup: Double
    let duration: Double

    /// The next phase's window; Deals' store re-runs are counted inside it.
    private var window: Window {
        let window = Window.starting(afterWarmup: warmup, duration: duration)
        retries.measure(window)
        return window
    }

    /// Readers alternate between the shipper's and the forwarder's tokens; writers are the shipper (the deal's owner,
    /// the only one UpdateDeal accepts; ReadWrite on UL010).
    private func reader(_ caller: Int) -> CallOptions {
        caller % 2 == 0 ? world.shipperCallers[caller] : world.forwarderCallers[caller]
    }

    private func writer(_ caller: Int) -> CallOptions { world.shipperCallers[caller] }

    /// The deal caller `caller` updates: its own, or one of the first `sharedDeals`.
    private func target(_ caller: Int, shared: Bool) -> BenchDeal {
        world.deals[shared ? caller % sharedDeals : caller]
    }

    // MARK: Reads

    func formRead() async -> PhaseResult {
        let forms = deals.forms
        let dealList = world.deals
        let options = (0..<callers).map(reader)
        return await measureCalls(callers: callers, window: window) { caller, _ in
            let deal = dealList[Int.random(in: 0..<dealList.count)]
            var request = Cyberport_Deals_V1_GetFormRequest()
            request.name = Bool.random() ? deal.bookingRequest : deal.shippingInstruction
            let form = try await forms.getForm(request, options: options[caller])
            guard form.name == request.name, !form.etag.isEmpty, form.data?.values["shipperName"]?.isEmpty == false else {
                throw BenchError("GetForm \(request.name) answered \(form.name) without its data or etag")
            }
        }
    }

    func dealRead() async -> PhaseResult {
        let client = deals.deals
        let dealList = world.deals
        let options = (0..<callers).map(reader)
        return await measureCalls(callers: callers, window: window) { caller, _ in
            var request = Cyberport_Deals_V1_GetDealRequest()
            request.name = dealList[Int.random(in: 0..<dealList.count)].name
            let deal = try await client.getDeal(request, options: options[caller])
            guard deal.name == request.name, !deal.etag.isEmpty else {
                throw BenchError("GetDeal \(request.name) answered \(deal.name) without an etag")
            }
        }
    }

    // MARK: Updates

    /// UpdateForm of `shipperName` (bound to `parties.shipper.name` of the root document) on the booking request, with
    /// the etag of the caller's previous response. A stale etag (ABORTED) is expected only when `shared`: the caller
    /// then reads the form again and retries at once (counted in ``Contention``); otherwise it is an error.
    func formUpdate(shared: Bool) async throws -> (PhaseResult, Contention) {
        let forms = deals.forms
        let options = (0..<callers).map(writer)
        let names = (0..<callers).map { target($0, shared: shared).bookingRequest }
        let slots = (0..<callers).map { _ in ETagSlot() }
        let read: @Sendable (Int) async throws -> Void = { caller in
            var request = Cyberport_Deals_V1_GetFormRequest()
            request.name = names[caller]
            slots[caller].etag = try await forms.getForm(request, options: options[caller]).etag
        }
        _ = try await forEachConcurrently(callers, concurrency: 8, read)
        let contention = ContentionTally()
        let window = self.window
        let stamp = String(monotonicNanos() % 1_000_000_000, radix: 36)
        let result = await measureCalls(callers: callers, window: window) { caller, iteration in
            let value = "Nippon Export Co. \(stamp)-\(caller)-\(iteration)"
            var data = Cyberport_Deals_V1_FormData()
            data.values = ["shipperName": value]
            var mask = Google_Protobuf_FieldMask()
            mask.paths = ["shipperName"]
            let begun = monotonicNanos()
            while true {
                var input = Cyberport_Deals_V1_Form()
                input.name = names[caller]
                input.etag = slots[caller].etag
                input.data = data
                var request = Cyberport_Deals_V1_UpdateFormRequest()
                request.form = input
                request.updateMask = mask
                do {
                    let form = try await forms.updateForm(request, options: options[caller])
                    guard form.data?.values["shipperName"] == value, !form.etag.isEmpty else {
                        throw BenchError("UpdateForm of \(input.name) did not answer the value written and an etag")
                    }
                    slots[caller].etag = form.etag
                    break
                } catch let error as RPCError where error.code == .aborted {
                    let answered = monotonicNanos()
                    try await read(caller)
                    guard shared else { throw error }
                    if window.contains(answered) { contention.aborted() }
                    // Past the window the update no longer counts: stop contending.
                    if monotonicNanos() >= window.end {
                        contention.unfinished(begun: begun, window: window)
                        return
                    }
                }
            }
        }
        return (result, contention.value)
    }

    /// UpdateDeal of display_name, with the etag of the caller's previous response; ABORTED handled as in
    /// ``formUpdate(shared:)``.
    func dealUpdate(shared: Bool) async throws -> (PhaseResult, Contention) {
        let client = deals.deals
        let options = (0..<callers).map(writer)
        let names = (0..<callers).map { target($0, shared: shared).name }
        let slots = (0..<callers).map { _ in ETagSlot() }
        let read: @Sendable (Int) async throws -> Void = { caller in
            var request = Cyberport_Deals_V1_GetDealRequest()
            request.name = names[caller]
            slots[caller].etag = try await client.getDeal(request, options: options[caller]).etag
        }
        _ = try await forEachConcurrently(callers, concurrency: 8, read)
        let contention = ContentionTally()
        let window = self.window
        let stamp = String(monotonicNanos() % 1_000_000_000, radix: 36)
        let result = await measureCalls(callers: callers, window: window) { caller, iteration in
            let value = "ベンチ取引 \(stamp)-\(caller)-\(iteration)"
            var mask = Google_Protobuf_FieldMask()
            mask.paths = ["display_name"]
            let begun = monotonicNanos()
            while true {
                var input = Cyberport_Deals_V1_Deal()
                input.name = names[caller]
                input.etag = slots[caller].etag
                input.displayName = value
                var request = Cyberport_Deals_V1_UpdateDealRequest()
                request.deal = input
                request.updateMask = mask
                do {
                    let deal = try await client.updateDeal(request, options: options[caller])
                    guard deal.displayName == value, !deal.etag.isEmpty else {
                        throw BenchError("UpdateDeal of \(input.name) did not answer the value written and an etag")
                    }
                    slots[caller].etag = deal.etag
                    break
                } catch let error as RPCError where error.code == .aborted {
                    let answered = monotonicNanos()
                    try await read(caller)
                    guard shared else { throw error }
                    if window.contains(answered) { contention.aborted() }
                    // Past the window the update no longer counts: stop contending.
                    if monotonicNanos() >= window.end {
                        contention.unfinished(begun: begun, window: window)
                        return
                    }
                }
            }
        }
        return (result, contention.value)
    }

    // MARK: Rounds

    /// One round. Odd rounds run each reference (GetDeal, UpdateDeal) before the form phase it is compared with,
    /// even rounds after, so that a drift in machine load (or the growing timeline) does not favour one side.
    func round(_ number: Int, log: (String) -> Void) async throws -> RoundResult {
        let referenceFirst = number % 2 == 1
        var order: [String] = []
        var storeRetries: [String: UInt64] = [:]
        func note(_ name: String, _ result: PhaseResult, contention: Contention? = nil) {
            order.append(name)
            let reruns = retries.count
            storeRetries[name] = reruns
            let rerun = reruns > 0 ? ", \(reruns) store re-runs" : ""
            let retried = contention.map {
                ", \($0.aborted) ABORTED, \($0.unfinished) unfinished (oldest \(String(format: "%.1f", $0.oldestUnfinishedSeconds)) s)"
            } ?? ""
            let errors = result.errors > 0 ? ", \(result.errors) errors (first: \(result.firstError ?? "?"))" : ""
            log("  round \(number) \(name): \(Format.rate(result.rate))/s, p99 \(Format.millis(result.latencyMillis(0.99))) ms\(retried)\(rerun)\(errors)")
        }

        var formRead: PhaseResult?
        var dealRead: PhaseResult?
        for reference in referenceFirst ? [true, false] : [false, true] {
            if reference {
                dealRead = await self.dealRead(); note("GetDeal", dealRead!)
            } else {
                formRead = await self.formRead(); note("GetForm", formRead!)
            }
        }
        var formUpdate: PhaseResult?
        var dealUpdate: PhaseResult?
        for reference in referenceFirst ? [true, false] : [false, true] {
            if reference {
                dealUpdate = try await self.dealUpdate(shared: false).0; note("UpdateDeal", dealUpdate!)
            } else {
                formUpdate = try await self.formUpdate(shared: false).0; note("UpdateForm", formUpdate!)
            }
        }
        var formShared: (PhaseResult, Contention)?
        var dealShared: (PhaseResult, Contention)?
        for reference in referenceFirst ? [true, false] : [false, true] {
            if reference {
                dealShared = try await self.dealUpdate(shared: true)
                note("UpdateDeal shared", dealShared!.0, contention: dealShared!.1)
            } else {
                formShared = try await self.formUpdate(shared: true)
                note("UpdateForm shared", formShared!.0, contention: formShared!.1)
            }
        }
        return RoundResult(
            round: number, formRead: formRead!, dealRead: dealRead!, formUpdate: formUpdate!, dealUpdate: dealUpdate!,
            formShared: formShared!.0, dealShared: dealShared!.0, formContention: formShared!.1,
            dealContention: dealShared!.1, storeRetries: storeRetries, order: order)
    }
}
