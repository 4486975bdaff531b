import PortStore
import PortWebhooks

/// The Deals service's schema. Portable SQL (TEXT, BIGINT, BOOLEAN) so that SQLite and PostgreSQL hold the same
/// tables; times are Unix microseconds. Never edit a released migration: add a new one.
enum DealsMigrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "deals", statements: [
            """
            CREATE TABLE deals (
              deal_number TEXT PRIMARY KEY,
              sort_key TEXT NOT NULL,
              direction TEXT NOT NULL,
              display_name TEXT NOT NULL,
              in_house_number TEXT NOT NULL,
              load_type TEXT NOT NULL,
              forwarder_intermediated BOOLEAN NOT NULL,
              coastal_feeder BOOLEAN NOT NULL,
              booking_number TEXT NOT NULL,
              scac_code TEXT NOT NULL,
              bl_number TEXT,
              owner_organization TEXT NOT NULL,
              owner_organization_id TEXT NOT NULL,
              owner_business_type TEXT NOT NULL,
              version BIGINT NOT NULL,
              created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL
            )
            """,
            // One deal per B/L (NULL = no B/L number yet; NULLs never collide).
            "CREATE UNIQUE INDEX deals_bl_number ON deals (bl_number)",
            "CREATE UNIQUE INDEX deals_sort_key ON deals (sort_key)",
            "CREATE INDEX deals_booking ON deals (booking_number, scac_code)",
            "CREATE INDEX deals_in_house ON deals (in_house_number)",
            """
            CREATE TABLE deal_sequences (
              day TEXT PRIMARY KEY,
              last_value BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE participants (
              deal_number TEXT NOT NULL REFERENCES deals (deal_number),
              organization_id TEXT NOT NULL,
              organization TEXT NOT NULL,
              business_type TEXT NOT NULL,
              hidden BOOLEAN NOT NULL,
              is_owner BOOLEAN NOT NULL,
              added_by_organization_id TEXT NOT NULL,
              added_by_organization TEXT NOT NULL,
              created_at BIGINT NOT NULL,
              PRIMARY KEY (deal_number, organization_id)
            )
            """,
            "CREATE INDEX participants_organization ON participants (organization_id, deal_number)",
            """
            CREATE TABLE participant_form_overrides (
              deal_number TEXT NOT NULL,
              organization_id TEXT NOT NULL,
              form_code TEXT NOT NULL,
              permission TEXT NOT NULL,
              PRIMARY KEY (deal_number, organization_id, form_code)
            )
            """,
        ]),
        Migration(version: 2, name: "timeline", statements: [
            // One row per change of a deal; seq numbers a deal's entries 1, 2, 3 … in commit order. audience says who
            // may see it (TimelineAudience); audience_organizations lists the organization ids of a restricted one.
            """
            CREATE TABLE timeline_entries (
              deal_number TEXT NOT NULL REFERENCES deals (deal_number),
              seq BIGINT NOT NULL,
              kind TEXT NOT NULL,
              occurred_at BIGINT NOT NULL,
              actor_organization TEXT NOT NULL,
              actor_organization_id TEXT NOT NULL,
              actor TEXT NOT NULL,
              form_id TEXT NOT NULL,
              form_code TEXT NOT NULL,
              participant_organization TEXT NOT NULL,
              participant_organization_id TEXT NOT NULL,
              changes TEXT NOT NULL,
              audience TEXT NOT NULL,
              audience_organizations TEXT NOT NULL,
              PRIMARY KEY (deal_number, seq)
            )
            """,
            "CREATE INDEX timeline_entries_form ON timeline_entries (deal_number, form_id, seq)",
            // The deal's last entry number: bumping it serializes the writers of one deal (PostgreSQL retries the
            // loser of a race; SQLite has one writer).
            "ALTER TABLE deals ADD COLUMN last_timeline_seq BIGINT NOT NULL DEFAULT 0",
        ]),
        Migration(version: 3, name: "forms", statements: [
            // One row per form; own_data is the JSON of the form's unbound fields (FormContent). state DRAFT / SENT;
            // sender_* and sent_at are set while SENT.
            """
            CREATE TABLE forms (
              deal_number TEXT NOT NULL REFERENCES deals (deal_number),
              form_id TEXT NOT NULL,
              form_code TEXT NOT NULL,
              unit_key TEXT NOT NULL,
              state TEXT NOT NULL,
              own_data TEXT NOT NULL,
              creator_organization TEXT NOT NULL,
              creator_organization_id TEXT NOT NULL,
              sender_organization TEXT NOT NULL,
              sender_organization_id TEXT NOT NULL,
              created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL,
              sent_at BIGINT,
              PRIMARY KEY (deal_number, form_id)
            )
            """,
            "CREATE INDEX forms_code ON forms (deal_number, form_code, form_id)",
            // The deal's root document as one JSON document (RootDocument), rewritten by the form change that touches it.
            """
            CREATE TABLE root_documents (
              deal_number TEXT PRIMARY KEY REFERENCES deals (deal_number),
              document TEXT NOT NULL,
              version BIGINT NOT NULL,
              updated_at BIGINT NOT NULL
            )
            """,
            // Edit locks: a root path (scalar or group) held by the sent form that locked it.
            """
            CREATE TABLE form_locks (
              deal_number TEXT NOT NULL REFERENCES deals (deal_number),
              root_path TEXT NOT NULL,
              form_id TEXT NOT NULL,
              locked_at BIGINT NOT NULL,
              PRIMARY KEY (deal_number, root_path)
            )
            """,
            "CREATE INDEX form_locks_form ON form_locks (deal_number, form_id)",
            // The first time each recipient organization marked a sent form read.
            """
            CREATE TABLE form_read_receipts (
              deal_number TEXT NOT NULL REFERENCES deals (deal_number),
              form_id TEXT NOT NULL,
              organization_id TEXT NOT NULL,
              organization TEXT NOT NULL,
              reader TEXT NOT NULL,
              read_at BIGINT NOT NULL,
              PRIMARY KEY (deal_number, form_id, organization_id)
            )
            """,
        ]),
    ]
        // Versions 4 and 5: the webhook outbox of events 1–5 (PortWebhooks' tables).
        + WebhookOutbox.migrations(startingAt: 4)
        + [
            Migration(version: 6, name: "container movements", statements: [
                // The container movement feed (ContainerMovementService): one row per movement a sent form reported,
                // numbered 1, 2, 3 … across all deals by the counter below; at most one per deal and form id.
                // event_time and recorded_at are Unix µs (UTC).
                """
                CREATE TABLE container_movements (
                  sequence BIGINT PRIMARY KEY,
                  kind TEXT NOT NULL,
                  container_number TEXT NOT NULL,
                  size_type TEXT NOT NULL,
                  load_status TEXT NOT NULL,
                  port TEXT NOT NULL,
                  event_time BIGINT NOT NULL,
                  deal_number TEXT NOT NULL REFERENCES deals (deal_number),
                  form_id TEXT NOT NULL,
                  recorded_at BIGINT NOT NULL
                )
                """,
                "CREATE UNIQUE INDEX container_movements_form ON container_movements (deal_number, form_id)",
                // The feed's last sequence number, one row. Writers bump it inside their transaction, so its row lock
                // orders them: a later number is only handed out after the earlier one committed (PostgreSQL makes
                // the waiting SERIALIZABLE writer re-run; SQLite has one writer), and a reader that sees number n sees
                // every number below it — no movement can appear later behind a reader's position.
                """
                CREATE TABLE container_movement_counter (
                  id BIGINT PRIMARY KEY,
                  last_sequence BIGINT NOT NULL
                )
                """,
                "INSERT INTO container_movement_counter (id, last_sequence) VALUES (1, 0)",
            ]),
            // A form's last entry of one kind in O(log n): the audience of each form update asks whether the form is
            // sent now (its last FORM_SENT against its last FORM_UNSENT / FORM_CREATED).
            Migration(version: 7, name: "timeline form kind index", statements: [
                "CREATE INDEX timeline_entries_form_kind ON timeline_entries (deal_number, form_id, kind, seq)"
            ]),
        ]
}
