import PortStore

/// One aggregated row: the grouping values (as stored: enum numbers, codes) and the sums.
struct AggregateRow: Sendable {
    var keys: [SQLValue]
    var sums: [Int64]
}

/// The survey period a table covers: one month, or the whole year (months 0–12, so both 甲種 monthly and 乙種 yearly
/// submissions count).
struct SurveyPeriod: Sendable {
    var port: String
    var year: Int
    var month: Int

    var monthRange: (Int64, Int64) { month == 0 ? (0, 12) : (Int64(month), Int64(month)) }
}

/// The aggregations behind tables 1–5: sums over the lines of the approved revision of every submission of the
/// port and period, grouped by the table's dimensions.
struct TableQueries {
    let session: any SQLSession

    /// Submissions with an approved revision in the period.
    func approvedSubmissions(_ period: SurveyPeriod) throws -> Int {
        let (from, to) = period.monthRange
        let row = try session.queryOne(
            """
            SELECT COUNT(*) AS n FROM survey_submissions
            WHERE port = $1 AND year = $2 AND month >= $3 AND month <= $4 AND approved_revision > 0
            """, [.text(period.port), .int(Int64(period.year)), .int(from), .int(to)])
        return Int(try row?.int("n") ?? 0)
    }

    /// `SELECT keys…, sums… FROM lines JOIN approved submissions GROUP BY keys ORDER BY keys`.
    func aggregate(
        _ period: SurveyPeriod, table: String, keys: [String], sums: [String], where condition: String? = nil
    ) throws -> [AggregateRow] {
        let (from, to) = period.monthRange
        let keyList = keys.map { "l.\($0)" }.joined(separator: ", ")
        let sumList = sums.enumerated().map { "CAST(SUM(\($1)) AS BIGINT) AS s\($0)" }.joined(separator: ", ")
        let sql = """
            SELECT \(keyList), \(sumList)
            FROM \(table) l
            JOIN survey_submissions s ON s.id = l.submission_id AND l.revision = s.approved_revision
            WHERE s.port = $1 AND s.year = $2 AND s.month >= $3 AND s.month <= $4\(condition.map { " AND \($0)" } ?? "")
            GROUP BY \(keyList)
            ORDER BY \(keyList)
            """
        return try session.query(sql, [.text(period.port), .int(Int64(period.year)), .int(from), .int(to)]).map { row in
            AggregateRow(
                keys: try keys.map { try row.value($0) },
                sums: try sums.indices.map { try row.optionalInt("s\($0)") ?? 0 })
        }
    }
}
