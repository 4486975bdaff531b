import PortProtocol
import PortStore

/// The logistics figures' tables: `logistics_events` and the feed's row of `feed_cursors`.
struct LogisticsQueries {
    let session: any SQLSession

    /// The `feed_cursors` row of Deals' container movement feed.
    static let containerMovementFeed = "deals.containerMovements"

    /// How far the feed has been read: the last sequence ingested and when it was last read (Unix µs, 0 = never).
    func cursor() throws -> (lastSequence: Int64, readAt: Int64) {
        guard
            let row = try session.queryOne(
                "SELECT last_sequence, read_at FROM feed_cursors WHERE feed = $1", [.text(Self.containerMovementFeed)])
        else { return (0, 0) }
        return (try row.int("last_sequence"), try row.int("read_at"))
    }

    /// Stores `events` (those already stored are left as they are) and moves the cursor forward to `through` (never
    /// back). Run it in one transaction, so that events and cursor commit together.
    func ingest(_ events: [LogisticsEvent], through sequence: Int64, now: Int64) throws {
        for event in events {
            try session.execute(
                """
                INSERT INTO logistics_events (sequence, kind, port, year, month, load_status, size_type, teu_hundredths,
                  container_number, deal, event_time, ingested_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                ON CONFLICT (sequence) DO NOTHING
                """,
                [
                    .int(event.sequence), .int(Int64(event.kind.rawValue)), .text(event.port), .int(Int64(event.year)),
                    .int(Int64(event.month)), .int(event.load.rawValue), .text(event.sizeType), .int(event.teuHundredths),
                    .text(event.containerNumber), .text(event.deal), .int(event.eventTime), .int(now),
                ])
        }
        try session.execute(
            """
            UPDATE feed_cursors SET last_sequence = CASE WHEN last_sequence < $2 THEN $2 ELSE last_sequence END,
              read_at = $3
            WHERE feed = $1
            """,
            [.text(Self.containerMovementFeed), .int(sequence), .int(now)])
    }

    /// Per kind: containers, full, empty, and their TEU in hundredths, for the port and period (month 0 = the year).
    func figures(port: String, year: Int, month: Int) throws -> [Int32: MovementSums] {
        var sql = """
            SELECT kind,
              CAST(COUNT(*) AS BIGINT) AS containers,
              CAST(SUM(CASE WHEN load_status = 1 THEN 1 ELSE 0 END) AS BIGINT) AS full_containers,
              CAST(SUM(CASE WHEN load_status = 2 THEN 1 ELSE 0 END) AS BIGINT) AS empty_containers,
              CAST(SUM(teu_hundredths) AS BIGINT) AS teu,
              CAST(SUM(CASE WHEN load_status = 1 THEN teu_hundredths ELSE 0 END) AS BIGINT) AS full_teu,
              CAST(SUM(CASE WHEN load_status = 2 THEN teu_hundredths ELSE 0 END) AS BIGINT) AS empty_teu
            FROM logistics_events WHERE port = $1 AND year = $2
            """
        var binds: [SQLValue] = [.text(port), .int(Int64(year))]
        if month != 0 {
            sql += " AND month = $3"
            binds.append(.int(Int64(month)))
        }
        sql += " GROUP BY kind"
        var result: [Int32: MovementSums] = [:]
        for row in try session.query(sql, binds) {
            result[Int32(try row.int("kind"))] = MovementSums(
                containers: try row.int("containers"), full: try row.int("full_containers"),
                empty: try row.int("empty_containers"), teu: try row.int("teu"), fullTEU: try row.int("full_teu"),
                emptyTEU: try row.int("empty_teu"))
        }
        return result
    }
}

/// The sums of one kind of movement (TEU in hundredths).
struct MovementSums: Sendable, Equatable {
    var containers: Int64 = 0
    var full: Int64 = 0
    var empty: Int64 = 0
    var teu: Int64 = 0
    var fullTEU: Int64 = 0
    var emptyTEU: Int64 = 0
}
