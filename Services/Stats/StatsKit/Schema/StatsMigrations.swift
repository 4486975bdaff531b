import PortStore

/// The Stats service's schema. Portable SQL (TEXT, BIGINT, BOOLEAN, BYTEA) so that SQLite and PostgreSQL hold the same
/// tables; times are Unix microseconds; enums are stored as their proto numbers. Documents that are only ever read
/// whole (a report's ship particulars, a facility's attachments) are kept as serialized protobuf in `body`, next to
/// the columns queries filter on; survey lines are rows, because the statistical tables aggregate them in SQL.
/// Never edit a released migration: add a new one.
///
/// The logistics figures (container movements per port and month from Deals' container movement feed) live in
/// `logistics_events` (version 4): one row per movement, keyed by the feed's sequence number so that ingesting a
/// movement twice is a no-op, next to the cursor of the feed in `feed_cursors`.
enum StatsMigrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "ports and port calls", statements: [
            """
            CREATE TABLE ports (
              locode TEXT PRIMARY KEY,
              survey_class BIGINT NOT NULL,
              version BIGINT NOT NULL,
              created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL,
              body BYTEA NOT NULL
            )
            """,
            """
            CREATE TABLE port_call_reports (
              id TEXT PRIMARY KEY,
              port TEXT NOT NULL,
              kind BIGINT NOT NULL,
              event_time BIGINT NOT NULL,
              filer_organization_id TEXT NOT NULL,
              state BIGINT NOT NULL,
              version BIGINT NOT NULL,
              created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL,
              body BYTEA NOT NULL
            )
            """,
            "CREATE INDEX port_call_reports_port ON port_call_reports (port, event_time, id)",
            "CREATE INDEX port_call_reports_filer ON port_call_reports (filer_organization_id, port, event_time, id)",
        ]),
        Migration(version: 2, name: "port statistics survey", statements: [
            """
            CREATE TABLE survey_submissions (
              id TEXT PRIMARY KEY,
              port TEXT NOT NULL,
              year BIGINT NOT NULL,
              month BIGINT NOT NULL,
              respondent_organization_id TEXT NOT NULL,
              respondent TEXT NOT NULL,
              state BIGINT NOT NULL,
              revision BIGINT NOT NULL,
              approved_revision BIGINT NOT NULL,
              note TEXT NOT NULL,
              rejection_reason TEXT NOT NULL,
              version BIGINT NOT NULL,
              created_at BIGINT NOT NULL,
              submitted_at BIGINT NOT NULL,
              decided_at BIGINT
            )
            """,
            // One submission per respondent, port and period; a resubmission is a new revision of it.
            """
            CREATE UNIQUE INDEX survey_submissions_period
              ON survey_submissions (port, year, month, respondent_organization_id)
            """,
            "CREATE INDEX survey_submissions_respondent ON survey_submissions (respondent_organization_id, port, id)",
            """
            CREATE TABLE survey_revisions (
              submission_id TEXT NOT NULL REFERENCES survey_submissions (id),
              revision BIGINT NOT NULL,
              note TEXT NOT NULL,
              submitted_by TEXT NOT NULL,
              submitted_at BIGINT NOT NULL,
              PRIMARY KEY (submission_id, revision)
            )
            """,
            """
            CREATE TABLE survey_ship_lines (
              submission_id TEXT NOT NULL,
              revision BIGINT NOT NULL,
              line_no BIGINT NOT NULL,
              ship_class BIGINT NOT NULL,
              trade BIGINT NOT NULL,
              gross_tonnage BIGINT NOT NULL,
              band BIGINT NOT NULL,
              ship_count BIGINT NOT NULL,
              PRIMARY KEY (submission_id, revision, line_no)
            )
            """,
            """
            CREATE TABLE survey_passenger_lines (
              submission_id TEXT NOT NULL,
              revision BIGINT NOT NULL,
              line_no BIGINT NOT NULL,
              trade BIGINT NOT NULL,
              embarked BIGINT NOT NULL,
              disembarked BIGINT NOT NULL,
              PRIMARY KEY (submission_id, revision, line_no)
            )
            """,
            """
            CREATE TABLE survey_cargo_lines (
              submission_id TEXT NOT NULL,
              revision BIGINT NOT NULL,
              line_no BIGINT NOT NULL,
              commodity_code TEXT NOT NULL,
              major_class BIGINT NOT NULL,
              form BIGINT NOT NULL,
              direction BIGINT NOT NULL,
              partner_port TEXT NOT NULL,
              quantity_kind BIGINT NOT NULL,
              quantity BIGINT NOT NULL,
              volume_litres BIGINT NOT NULL,
              freight_tons_milli BIGINT NOT NULL,
              containers BIGINT NOT NULL,
              teu BIGINT NOT NULL,
              empty BOOLEAN NOT NULL,
              chassis BIGINT NOT NULL,
              PRIMARY KEY (submission_id, revision, line_no)
            )
            """,
            """
            CREATE TABLE survey_vehicle_lines (
              submission_id TEXT NOT NULL,
              revision BIGINT NOT NULL,
              line_no BIGINT NOT NULL,
              kind BIGINT NOT NULL,
              direction BIGINT NOT NULL,
              vehicles BIGINT NOT NULL,
              PRIMARY KEY (submission_id, revision, line_no)
            )
            """,
        ]),
        Migration(version: 3, name: "facility ledger and inspections", statements: [
            """
            CREATE TABLE facilities (
              id TEXT PRIMARY KEY,
              port TEXT NOT NULL,
              category TEXT NOT NULL,
              construction_date TEXT NOT NULL,
              performance_grade BIGINT NOT NULL,
              graded_on TEXT NOT NULL,
              last_inspection_date TEXT NOT NULL,
              version BIGINT NOT NULL,
              created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL,
              body BYTEA NOT NULL
            )
            """,
            "CREATE INDEX facilities_port ON facilities (port, id)",
            """
            CREATE TABLE inspections (
              id TEXT PRIMARY KEY,
              port TEXT NOT NULL,
              facility_id TEXT NOT NULL REFERENCES facilities (id),
              kind BIGINT NOT NULL,
              inspected_on TEXT NOT NULL,
              performance_grade BIGINT NOT NULL,
              created_at BIGINT NOT NULL,
              body BYTEA NOT NULL
            )
            """,
            "CREATE INDEX inspections_facility ON inspections (facility_id, inspected_on, id)",
            "CREATE INDEX inspections_port ON inspections (port, kind, facility_id)",
            """
            CREATE TABLE maintenance_plans (
              facility_id TEXT PRIMARY KEY REFERENCES facilities (id),
              port TEXT NOT NULL,
              version BIGINT NOT NULL,
              updated_at BIGINT NOT NULL,
              body BYTEA NOT NULL
            )
            """,
            "CREATE INDEX maintenance_plans_port ON maintenance_plans (port)",
        ]),
        Migration(version: 4, name: "logistics events", statements: [
            // One container movement of Deals' feed (ContainerMovementService), ingested once: sequence is the feed's
            // number. kind and load_status are the stats.v1 enums' numbers (load_status 0 = neither full nor empty);
            // year and month are the Japan Standard Time month of event_time; teu_hundredths follows the size code.
            """
            CREATE TABLE logistics_events (
              sequence BIGINT PRIMARY KEY,
              kind BIGINT NOT NULL,
              port TEXT NOT NULL,
              year BIGINT NOT NULL,
              month BIGINT NOT NULL,
              load_status BIGINT NOT NULL,
              size_type TEXT NOT NULL,
              teu_hundredths BIGINT NOT NULL,
              container_number TEXT NOT NULL,
              deal TEXT NOT NULL,
              event_time BIGINT NOT NULL,
              ingested_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX logistics_events_period ON logistics_events (port, year, month, kind)",
            // How far a feed of another service has been read: every item up to last_sequence is ingested. read_at is
            // the last successful read (0 = never).
            """
            CREATE TABLE feed_cursors (
              feed TEXT PRIMARY KEY,
              last_sequence BIGINT NOT NULL,
              read_at BIGINT NOT NULL
            )
            """,
            "INSERT INTO feed_cursors (feed, last_sequence, read_at) VALUES ('deals.containerMovements', 0, 0)",
        ]),
    ]
}
