import Logging
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore

/// How Stats follows Deals' container movement feed.
public struct ContainerMovementFeedConfiguration: Sendable {
    /// Where the movements come from.
    public var source: any ContainerMovementSource
    /// How long to wait after catching up before reading again.
    public var pollInterval: Duration = .seconds(5)
    /// After a failed read, the first pause (doubling up to ``maxRetryDelay``).
    public var retryDelay: Duration = .seconds(1)
    public var maxRetryDelay: Duration = .seconds(60)
    /// Movements asked for per call (and stored per transaction).
    public var pageSize = 500

    public init(source: any ContainerMovementSource) {
        self.source = source
    }
}

/// Ingests Deals' container movement feed into `logistics_events`, where the port authorities' container figures
/// are counted. Each page is stored together with the feed cursor in one transaction, and a movement already stored
/// is skipped (its sequence number is the row's key): a crash, a restart or a second instance on the same PostgreSQL
/// database never counts a movement twice, and never skips one.
///
/// The service starts it after opening its database (``start()``) and stops it on shutdown (``stop()``); tests and
/// tools may call ``ingestAvailable()`` instead of running the loop. A stopped ingestor cannot be started again.
public actor ContainerMovementIngestor {
    private let database: Database
    private let configuration: ContainerMovementFeedConfiguration
    private let logger: Logger
    private var loop: Task<Void, Never>?
    private var stopped = false

    public init(database: Database, configuration: ContainerMovementFeedConfiguration, logger: Logger) {
        var configuration = configuration
        configuration.pageSize = max(1, configuration.pageSize)
        self.database = database
        self.configuration = configuration
        self.logger = logger
    }

    /// Starts reading the feed in the background (does nothing when it runs or ran already).
    public func start() {
        guard loop == nil, !stopped else { return }
        logger.info(
            "container movement ingestion started",
            metadata: ["feed.poll_interval": "\(configuration.pollInterval)", "feed.page_size": "\(configuration.pageSize)"])
        loop = Task { await self.run() }
    }

    /// Stops the loop (a read in flight is cancelled; what it stored is committed or not, as a whole). Later calls
    /// return at once.
    public func stop() async {
        guard !stopped else { return }
        stopped = true
        if let loop {
            loop.cancel()
            await loop.value
            self.loop = nil
            logger.info("container movement ingestion stopped")
        }
    }

    /// Reads and stores pages until the feed has nothing more; returns how many movements it stored (movements
    /// without a port, which no figure counts, are passed over but not stored).
    @discardableResult
    public func ingestAvailable() async throws -> Int {
        var stored = 0
        while !Task.isCancelled {
            let (count, more) = try await ingestPage()
            stored += count
            if !more { break }
        }
        return stored
    }

    /// One page: read after the cursor, store, move the cursor. Returns what it stored and whether a full page came.
    private func ingestPage() async throws -> (stored: Int, more: Bool) {
        let calls = StorageCalls(database: database, logger: logger)
        let after = try await calls.read { session in try LogisticsQueries(session: session).cursor().lastSequence }
        let page = try await configuration.source.movements(after: after, limit: configuration.pageSize)
        guard page.latestSequence >= after else {
            // The feed is never rewritten; a shorter one means Deals' database was replaced. Counting what it numbers
            // anew would mix two histories, so nothing is read until an operator resets the figures.
            throw FeedBehindCursor(latest: page.latestSequence, cursor: after)
        }
        let movements = page.containerMovements.filter { $0.sequence > after }
        guard let last = movements.map(\.sequence).max() else {
            let now = WallClock.nowMicros()
            try await calls.write { session in try LogisticsQueries(session: session).ingest([], through: after, now: now) }
            return (0, false)
        }
        let events = movements.compactMap(LogisticsEvent.init)
        let now = WallClock.nowMicros()
        try await calls.write { session in try LogisticsQueries(session: session).ingest(events, through: last, now: now) }
        logger.debug(
            "container movements ingested",
            metadata: ["feed.stored": "\(events.count)", "feed.through": "\(last)", "feed.latest": "\(page.latestSequence)"])
        return (events.count, movements.count >= configuration.pageSize || last < page.latestSequence)
    }

    private func run() async {
        var delay = configuration.retryDelay
        var failing = false
        while !Task.isCancelled {
            do {
                try await ingestAvailable()
                if failing { logger.info("container movement feed readable again") }
                failing = false
                delay = configuration.retryDelay
                try? await Task.sleep(for: configuration.pollInterval)
            } catch {
                if Task.isCancelled { break }
                // A refused credential is an error every time (at most once per maxRetryDelay); otherwise the first
                // failure of a run is a warning and repeats are debug, so a Deals outage does not flood the log.
                let refused = (error as? RPCError).map { [.permissionDenied, .unauthenticated].contains($0.code) } ?? false
                let level: Logger.Level = refused ? .error : failing ? .debug : .warning
                logger.log(
                    level: level, "reading the container movement feed failed; retrying",
                    metadata: ["error": "\(error)", "retry_in": "\(delay)"])
                failing = true
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, configuration.maxRetryDelay)
            }
        }
    }
}

/// Deals' feed ends below the sequence Stats has already read: its database was replaced or restored from an older
/// backup. To count the new history, delete `logistics_events` and set the cursor in `feed_cursors` back to 0.
struct FeedBehindCursor: Error, CustomStringConvertible {
    let latest: Int64
    let cursor: Int64

    var description: String {
        "Deals' container movement feed ends at \(latest) but Stats has read up to \(cursor): was Deals' database replaced? "
            + "(to count the new history, empty logistics_events and reset feed_cursors)"
    }
}
