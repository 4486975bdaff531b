import PortStore

/// The Identity service's schema. Portable SQL (TEXT, BIGINT, BOOLEAN) so that SQLite and PostgreSQL hold the same
/// tables; times are Unix microseconds; secrets are stored only as SHA-256 hashes (hex) or Argon2id strings;
/// multi-valued keys (business types, ports, organization ids) are stored as ",a,b," lists so that a LIKE finds
/// one. Never edit a released migration: add a new one.
enum IdentityMigrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "accounts", statements: [
            """
            CREATE TABLE companies (
              id TEXT PRIMARY KEY,
              kind TEXT NOT NULL,
              status TEXT NOT NULL,
              legal_name_ja TEXT NOT NULL,
              legal_name_en TEXT NOT NULL,
              corporate_number TEXT,
              postal_code TEXT NOT NULL,
              address_line TEXT NOT NULL,
              country_code TEXT NOT NULL,
              contact_name TEXT NOT NULL,
              contact_email TEXT NOT NULL,
              contact_phone TEXT NOT NULL,
              vgm_notification_number TEXT,
              vgm_registration_number TEXT,
              status_reason TEXT NOT NULL,
              version BIGINT NOT NULL,
              created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX companies_corporate_number ON companies (corporate_number)",
            "CREATE UNIQUE INDEX companies_vgm_notification ON companies (vgm_notification_number)",
            "CREATE UNIQUE INDEX companies_vgm_registration ON companies (vgm_registration_number)",
            "CREATE INDEX companies_status ON companies (status, id)",
            """
            CREATE TABLE company_business_types (
              company_id TEXT NOT NULL REFERENCES companies (id),
              business_type TEXT NOT NULL,
              evidence_document TEXT NOT NULL,
              status TEXT NOT NULL,
              applied_at BIGINT NOT NULL,
              decided_at BIGINT,
              PRIMARY KEY (company_id, business_type)
            )
            """,
            """
            CREATE TABLE organizations (
              id TEXT PRIMARY KEY,
              company_id TEXT NOT NULL REFERENCES companies (id),
              display_name TEXT NOT NULL,
              business_types TEXT NOT NULL,
              searchable BOOLEAN NOT NULL,
              enabled BOOLEAN NOT NULL,
              managed_ports TEXT NOT NULL,
              version BIGINT NOT NULL,
              created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX organizations_company ON organizations (company_id, id)",
            """
            CREATE TABLE users (
              id TEXT PRIMARY KEY,
              company_id TEXT NOT NULL REFERENCES companies (id),
              organization_id TEXT NOT NULL REFERENCES organizations (id),
              email TEXT NOT NULL,
              display_name TEXT NOT NULL,
              role TEXT NOT NULL,
              state TEXT NOT NULL,
              password_hash TEXT,
              failed_logins BIGINT NOT NULL,
              locked_until BIGINT NOT NULL,
              last_login_at BIGINT,
              version BIGINT NOT NULL,
              created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX users_email ON users (email)",
            "CREATE INDEX users_company ON users (company_id, id)",
            "CREATE INDEX users_organization ON users (organization_id, id)",
            """
            CREATE TABLE invitations (
              id TEXT PRIMARY KEY,
              user_id TEXT NOT NULL REFERENCES users (id),
              secret_hash TEXT NOT NULL,
              expires_at BIGINT NOT NULL,
              used_at BIGINT,
              created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX invitations_user ON invitations (user_id)",
            """
            CREATE TABLE refresh_tokens (
              id TEXT PRIMARY KEY,
              family_id TEXT NOT NULL,
              user_id TEXT NOT NULL REFERENCES users (id),
              secret_hash TEXT NOT NULL,
              expires_at BIGINT NOT NULL,
              created_at BIGINT NOT NULL,
              used_at BIGINT,
              revoked_at BIGINT
            )
            """,
            "CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)",
            "CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id)",
            """
            CREATE TABLE api_keys (
              id TEXT PRIMARY KEY,
              company_id TEXT NOT NULL REFERENCES companies (id),
              organization_id TEXT NOT NULL REFERENCES organizations (id),
              display_name TEXT NOT NULL,
              key_prefix TEXT NOT NULL,
              service_name TEXT,
              secret_hash TEXT NOT NULL,
              created_at BIGINT NOT NULL,
              last_used_at BIGINT,
              revoked_at BIGINT,
              expires_at BIGINT
            )
            """,
            "CREATE INDEX api_keys_organization ON api_keys (organization_id, id)",
            """
            CREATE TABLE webhook_targets (
              id TEXT PRIMARY KEY,
              company_id TEXT NOT NULL REFERENCES companies (id),
              display_name TEXT NOT NULL,
              url TEXT NOT NULL,
              secret_token TEXT NOT NULL,
              organizations TEXT NOT NULL,
              version BIGINT NOT NULL,
              created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX webhook_targets_company ON webhook_targets (company_id, id)",
            """
            CREATE TABLE signing_keys (
              id TEXT PRIMARY KEY,
              private_key TEXT NOT NULL,
              sealed BOOLEAN NOT NULL,
              public_key TEXT NOT NULL,
              created_at BIGINT NOT NULL,
              retired_at BIGINT
            )
            """,
        ]),
    ]
}
