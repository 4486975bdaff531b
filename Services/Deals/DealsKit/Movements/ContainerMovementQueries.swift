import PortStore

/// The container movement feed's tables (`container_movements` and its counter).
enum ContainerMovementQueries {
    /// Records the movement `form` reports, unless the form already recorded one; returns its sequence number, or
    /// nil when nothing was recorded. Call it inside the write transaction that sends the form, after the timeline
    /// entry (which serializes the writers of one deal).
    ///
    /// The counter row is bumped last, so the lock that orders all feed writers is held only for the rest of the
    /// transaction: a later number is handed out only after the earlier one committed (or rolled back).
    @discardableResult
    static func record(_ session: any SQLSession, _ movement: ContainerMovementRecord) throws -> Int64? {
        let existing = try session.queryOne(
            "SELECT sequence FROM container_movements WHERE deal_number = $1 AND form_id = $2",
            [.text(movement.dealNumber), .text(movement.formID)])
        guard existing == nil else { return nil }
        guard
            let row = try session.queryOne(
                "UPDATE container_movement_counter SET last_sequence = last_sequence + 1 WHERE id = 1 RETURNING last_sequence",
                [])
        else { throw StoreError.decoding(column: "last_sequence", message: "the container movement counter row is missing") }
        let sequence = try row.int("last_sequence")
        try session.execute(
            """
            INSERT INTO container_movements (sequence, kind, container_number, size_type, load_status, port, event_time,
              deal_number, form_id, recorded_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """,
            [
                .int(sequence), .text(movement.kind.rawValue), .text(movement.containerNumber), .text(movement.sizeType),
                .text(movement.loadStatus.rawValue), .text(movement.port), .int(movement.eventTime),
                .text(movement.dealNumber), .text(movement.formID), .int(movement.recordedAt),
            ])
        return sequence
    }

    /// The movements numbered above `afterSequence`, oldest first, at most `limit`.
    static func movements(_ session: any SQLSession, after afterSequence: Int64, limit: Int) throws -> [ContainerMovementRecord] {
        try session.query(
            "SELECT * FROM container_movements WHERE sequence > $1 ORDER BY sequence LIMIT \(limit)", [.int(afterSequence)]
        ).map { row in
            guard let kind = ContainerMovementRecord.Kind(rawValue: try row.string("kind")),
                let load = ContainerMovementRecord.LoadStatus(rawValue: try row.string("load_status"))
            else { throw StoreError.decoding(column: "kind", message: "unknown container movement kind or load status") }
            return ContainerMovementRecord(
                sequence: try row.int("sequence"), kind: kind, containerNumber: try row.string("container_number"),
                sizeType: try row.string("size_type"), loadStatus: load, port: try row.string("port"),
                eventTime: try row.int("event_time"), dealNumber: try row.string("deal_number"),
                formID: try row.string("form_id"), recordedAt: try row.int("recorded_at"))
        }
    }

    /// The highest sequence number handed out so far (0 when none).
    static func latestSequence(_ session: any SQLSession) throws -> Int64 {
        try session.queryOne("SELECT last_sequence FROM container_movement_counter WHERE id = 1", [])?.int("last_sequence")
            ?? 0
    }
}
