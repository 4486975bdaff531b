import PortStore

/// A company row with its business-type applications.
struct CompanyRecord: Sendable {
    var id: String
    var kind: String
    var status: String
    var legalNameJa: String
    var legalNameEn: String
    var corporateNumber: String?
    var postalCode: String
    var addressLine: String
    var countryCode: String
    var contactName: String
    var contactEmail: String
    var contactPhone: String
    var vgmNotificationNumber: String?
    var vgmRegistrationNumber: String?
    var statusReason: String
    var version: Int64
    var createdAt: Int64
    var updatedAt: Int64
    var applications: [BusinessTypeApplicationRecord] = []

    static let columns = """
        id, kind, status, legal_name_ja, legal_name_en, corporate_number, postal_code, address_line, country_code, \
        contact_name, contact_email, contact_phone, vgm_notification_number, vgm_registration_number, status_reason, \
        version, created_at, updated_at
        """

    init(row: SQLRow) throws {
        id = try row.string("id")
        kind = try row.string("kind")
        status = try row.string("status")
        legalNameJa = try row.string("legal_name_ja")
        legalNameEn = try row.string("legal_name_en")
        corporateNumber = try row.optionalString("corporate_number")
        postalCode = try row.string("postal_code")
        addressLine = try row.string("address_line")
        countryCode = try row.string("country_code")
        contactName = try row.string("contact_name")
        contactEmail = try row.string("contact_email")
        contactPhone = try row.string("contact_phone")
        vgmNotificationNumber = try row.optionalString("vgm_notification_number")
        vgmRegistrationNumber = try row.optionalString("vgm_registration_number")
        statusReason = try row.string("status_reason")
        version = try row.int("version")
        createdAt = try row.int("created_at")
        updatedAt = try row.int("updated_at")
    }

    init(id: String, kind: String, status: String, now: Int64) {
        self.id = id
        self.kind = kind
        self.status = status
        legalNameJa = ""
        legalNameEn = ""
        postalCode = ""
        addressLine = ""
        countryCode = "JP"
        contactName = ""
        contactEmail = ""
        contactPhone = ""
        statusReason = ""
        version = 1
        createdAt = now
        updatedAt = now
    }

    var approvedBusinessTypes: [String] {
        BusinessTypeCatalog.ordered(applications.filter { $0.status == "approved" }.map(\.businessType))
    }

    var name: CompanyName { CompanyName(company: id) }
}

/// One business-type application of a company.
struct BusinessTypeApplicationRecord: Sendable {
    var businessType: String
    var evidenceDocument: String
    var status: String
    var appliedAt: Int64
    var decidedAt: Int64?

    init(businessType: String, evidenceDocument: String, status: String, appliedAt: Int64, decidedAt: Int64? = nil) {
        self.businessType = businessType
        self.evidenceDocument = evidenceDocument
        self.status = status
        self.appliedAt = appliedAt
        self.decidedAt = decidedAt
    }

    init(row: SQLRow) throws {
        businessType = try row.string("business_type")
        evidenceDocument = try row.string("evidence_document")
        status = try row.string("status")
        appliedAt = try row.int("applied_at")
        decidedAt = try row.optionalInt("decided_at")
    }
}

/// An organization row.
struct OrganizationRecord: Sendable {
    var id: String
    var companyID: String
    var displayName: String
    var businessTypes: [String]
    var searchable: Bool
    var enabled: Bool
    var managedPorts: [String]
    var version: Int64
    var createdAt: Int64
    var updatedAt: Int64

    static let columns =
        "id, company_id, display_name, business_types, searchable, enabled, managed_ports, version, created_at, updated_at"

    init(row: SQLRow) throws {
        id = try row.string("id")
        companyID = try row.string("company_id")
        displayName = try row.string("display_name")
        businessTypes = KeyList.decode(try row.string("business_types"))
        searchable = try row.bool("searchable")
        enabled = try row.bool("enabled")
        managedPorts = KeyList.decode(try row.string("managed_ports"))
        version = try row.int("version")
        createdAt = try row.int("created_at")
        updatedAt = try row.int("updated_at")
    }

    init(id: String, companyID: String, displayName: String, now: Int64) {
        self.id = id
        self.companyID = companyID
        self.displayName = displayName
        businessTypes = []
        searchable = false
        enabled = true
        managedPorts = []
        version = 1
        createdAt = now
        updatedAt = now
    }

    var name: OrganizationName { OrganizationName(company: companyID, organization: id) }
}

/// A user row.
struct UserRecord: Sendable {
    var id: String
    var companyID: String
    var organizationID: String
    var email: String
    var displayName: String
    var role: String
    var state: String
    var passwordHash: String?
    var failedLogins: Int64
    var lockedUntil: Int64
    var lastLoginAt: Int64?
    var version: Int64
    var createdAt: Int64
    var updatedAt: Int64

    static let columns = """
        id, company_id, organization_id, email, display_name, role, state, password_hash, failed_logins, locked_until, \
        last_login_at, version, created_at, updated_at
        """

    init(row: SQLRow) throws {
        id = try row.string("id")
        companyID = try row.string("company_id")
        organizationID = try row.string("organization_id")
        email = try row.string("email")
        displayName = try row.string("display_name")
        role = try row.string("role")
        state = try row.string("state")
        passwordHash = try row.optionalString("password_hash")
        failedLogins = try row.int("failed_logins")
        lockedUntil = try row.int("locked_until")
        lastLoginAt = try row.optionalInt("last_login_at")
        version = try row.int("version")
        createdAt = try row.int("created_at")
        updatedAt = try row.int("updated_at")
    }

    init(id: String, companyID: String, organizationID: String, email: String, displayName: String, role: String,
         state: String, passwordHash: String?, now: Int64) {
        self.id = id
        self.companyID = companyID
        self.organizationID = organizationID
        self.email = email
        self.displayName = displayName
        self.role = role
        self.state = state
        self.passwordHash = passwordHash
        failedLogins = 0
        lockedUntil = 0
        version = 1
        createdAt = now
        updatedAt = now
    }

    var name: UserName { UserName(company: companyID, user: id) }
    var organizationName: OrganizationName { OrganizationName(company: companyID, organization: organizationID) }
}

/// An API key row (the secret only as a hash).
struct ApiKeyRecord: Sendable {
    var id: String
    var companyID: String
    var organizationID: String
    var displayName: String
    var keyPrefix: String
    var serviceName: String?
    var secretHash: String
    var createdAt: Int64
    var lastUsedAt: Int64?
    var revokedAt: Int64?
    var expiresAt: Int64?

    static let columns = """
        id, company_id, organization_id, display_name, key_prefix, service_name, secret_hash, created_at, last_used_at, \
        revoked_at, expires_at
        """

    init(row: SQLRow) throws {
        id = try row.string("id")
        companyID = try row.string("company_id")
        organizationID = try row.string("organization_id")
        displayName = try row.string("display_name")
        keyPrefix = try row.string("key_prefix")
        serviceName = try row.optionalString("service_name")
        secretHash = try row.string("secret_hash")
        createdAt = try row.int("created_at")
        lastUsedAt = try row.optionalInt("last_used_at")
        revokedAt = try row.optionalInt("revoked_at")
        expiresAt = try row.optionalInt("expires_at")
    }

    init(id: String, companyID: String, organizationID: String, displayName: String, keyPrefix: String,
         serviceName: String?, secretHash: String, createdAt: Int64, expiresAt: Int64?) {
        self.id = id
        self.companyID = companyID
        self.organizationID = organizationID
        self.displayName = displayName
        self.keyPrefix = keyPrefix
        self.serviceName = serviceName
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    var name: ApiKeyName { ApiKeyName(company: companyID, organization: organizationID, key: id) }
}

/// A webhook target row.
struct WebhookTargetRecord: Sendable {
    var id: String
    var companyID: String
    var displayName: String
    var url: String
    var secretToken: String
    var organizations: [String]
    var version: Int64
    var createdAt: Int64
    var updatedAt: Int64

    static let columns = "id, company_id, display_name, url, secret_token, organizations, version, created_at, updated_at"

    init(row: SQLRow) throws {
        id = try row.string("id")
        companyID = try row.string("company_id")
        displayName = try row.string("display_name")
        url = try row.string("url")
        secretToken = try row.string("secret_token")
        organizations = KeyList.decode(try row.string("organizations"))
        version = try row.int("version")
        createdAt = try row.int("created_at")
        updatedAt = try row.int("updated_at")
    }

    init(id: String, companyID: String, now: Int64) {
        self.id = id
        self.companyID = companyID
        displayName = ""
        url = ""
        secretToken = ""
        organizations = []
        version = 1
        createdAt = now
        updatedAt = now
    }

    var name: WebhookTargetName { WebhookTargetName(company: companyID, target: id) }
}

/// Multi-valued keys stored as ",a,b," so that `LIKE '%,a,%'` finds one of them.
enum KeyList {
    static func encode(_ keys: [String]) -> String { keys.isEmpty ? "," : "," + keys.joined(separator: ",") + "," }
    static func decode(_ text: String) -> [String] { text.split(separator: ",").map(String.init) }
    /// The LIKE pattern that matches rows holding `key`.
    static func pattern(_ key: String) -> String { "%," + key + ",%" }
}
