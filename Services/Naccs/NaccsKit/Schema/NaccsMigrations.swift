import PortStore
import PortWebhooks

/// The Naccs service's schema. Portable SQL (TEXT, BIGINT, BOOLEAN, BYTEA) for SQLite and PostgreSQL; times are Unix
/// microseconds. Never edit a released migration: add a new one.
enum NaccsMigrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "naccs_relay", statements: [
            // NACCS credentials; the password sealed with the key-encryption key. mailbox_cursor: the highest mailbox
            // sequence durably stored for the credential. The lease makes one worker (of any instance) own it.
            """
            CREATE TABLE naccs_credentials (
              id TEXT PRIMARY KEY,
              organization TEXT NOT NULL,
              organization_id TEXT NOT NULL,
              display_name TEXT NOT NULL,
              user_code TEXT NOT NULL,
              identification_number TEXT NOT NULL,
              sealed_password BYTEA NOT NULL,
              version BIGINT NOT NULL,
              created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL,
              mailbox_cursor BIGINT NOT NULL,
              lease_id TEXT,
              lease_expires_at BIGINT
            )
            """,
            "CREATE UNIQUE INDEX naccs_credentials_user ON naccs_credentials (user_code, identification_number)",
            "CREATE INDEX naccs_credentials_organization ON naccs_credentials (organization_id, id)",
            """
            CREATE TABLE naccs_forms (
              deal_number TEXT NOT NULL,
              form_id TEXT NOT NULL,
              business_code TEXT NOT NULL,
              custom_id TEXT NOT NULL,
              creator_organization TEXT NOT NULL,
              items TEXT NOT NULL,
              version BIGINT NOT NULL,
              created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL,
              PRIMARY KEY (deal_number, form_id)
            )
            """,
            // One row per accepted send; body is the encoded input body taken at send time.
            """
            CREATE TABLE naccs_sends (
              id TEXT PRIMARY KEY,
              deal_number TEXT NOT NULL,
              form_id TEXT NOT NULL,
              business_code TEXT NOT NULL,
              organization TEXT NOT NULL,
              organization_id TEXT NOT NULL,
              actor TEXT NOT NULL,
              credential_id TEXT NOT NULL,
              request_id TEXT NOT NULL,
              input_id TEXT NOT NULL,
              body BYTEA NOT NULL,
              state TEXT NOT NULL,
              attempts BIGINT NOT NULL,
              next_attempt_at BIGINT NOT NULL,
              result_codes TEXT NOT NULL,
              error TEXT NOT NULL,
              awaiting_report BOOLEAN NOT NULL,
              created_at BIGINT NOT NULL,
              completed_at BIGINT
            )
            """,
            "CREATE UNIQUE INDEX naccs_sends_request ON naccs_sends (organization_id, request_id)",
            "CREATE UNIQUE INDEX naccs_sends_input ON naccs_sends (input_id)",
            "CREATE INDEX naccs_sends_credential ON naccs_sends (credential_id, state, created_at)",
            "CREATE INDEX naccs_sends_deal ON naccs_sends (deal_number, id)",
            // Outputs; mailbox_sequence NULL for outputs NACCS does not hold.
            """
            CREATE TABLE naccs_outputs (
              id TEXT PRIMARY KEY,
              send_id TEXT,
              deal_number TEXT NOT NULL,
              business_code TEXT NOT NULL,
              organization_id TEXT NOT NULL,
              credential_id TEXT NOT NULL,
              mailbox_sequence BIGINT,
              output_code TEXT NOT NULL,
              kind TEXT NOT NULL,
              subject TEXT NOT NULL,
              input_id TEXT NOT NULL,
              edi BYTEA NOT NULL,
              json TEXT NOT NULL,
              result_codes TEXT NOT NULL,
              created_at BIGINT NOT NULL,
              expires_at BIGINT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX naccs_outputs_mailbox ON naccs_outputs (credential_id, mailbox_sequence)",
            "CREATE INDEX naccs_outputs_deal ON naccs_outputs (deal_number, id)",
            "CREATE INDEX naccs_outputs_send ON naccs_outputs (send_id)",
            "CREATE INDEX naccs_outputs_expiry ON naccs_outputs (expires_at)",
            """
            CREATE TABLE naccs_information (
              deal_number TEXT NOT NULL,
              path TEXT NOT NULL,
              value TEXT NOT NULL,
              business_code TEXT NOT NULL,
              output_id TEXT NOT NULL,
              updated_at BIGINT NOT NULL,
              PRIMARY KEY (deal_number, path)
            )
            """,
            // Issued values to write back into the deal's root document through Deals (retried until done).
            """
            CREATE TABLE naccs_deal_updates (
              id TEXT PRIMARY KEY,
              deal_number TEXT NOT NULL,
              organization TEXT NOT NULL,
              business_code TEXT NOT NULL,
              payload TEXT NOT NULL,
              status TEXT NOT NULL,
              attempts BIGINT NOT NULL,
              next_attempt_at BIGINT NOT NULL,
              last_error TEXT NOT NULL,
              created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX naccs_deal_updates_due ON naccs_deal_updates (status, next_attempt_at)",
        ])
    ] + WebhookOutbox.migrations(startingAt: 2)
}
