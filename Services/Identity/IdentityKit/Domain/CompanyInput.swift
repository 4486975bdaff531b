import PortProtocol
import PortRPC
import PortServiceKit

/// Validated company fields from a request (field paths are prefixed with `prefix`, e.g. "company.").
struct CompanyInput {
    var legalNameJa = ""
    var legalNameEn = ""
    var corporateNumber: String?
    var postalCode = ""
    var addressLine = ""
    var countryCode = "JP"
    var contactName = ""
    var contactEmail = ""
    var contactPhone = ""

    static func names(_ company: Cyberport_Identity_V1_Company, prefix: String) throws -> (ja: String, en: String) {
        (try Validate.text(company.legalNameJa, field: prefix + "legal_name_ja", max: 200),
         try Validate.text(company.legalNameEn, field: prefix + "legal_name_en", max: 200))
    }

    static func address(_ address: Cyberport_Identity_V1_Address?, prefix: String) throws -> (postal: String, line: String, country: String) {
        let address = address ?? Cyberport_Identity_V1_Address()
        return (try Validate.text(address.postalCode, field: prefix + "address.postal_code", max: 16, required: false),
                try Validate.text(address.addressLine, field: prefix + "address.address_line", max: 300),
                try Validate.countryCode(address.countryCode, field: prefix + "address.country_code"))
    }

    static func contact(_ contact: Cyberport_Identity_V1_Contact?, prefix: String) throws -> (name: String, email: String, phone: String) {
        let contact = contact ?? Cyberport_Identity_V1_Contact()
        let name = try Validate.text(contact.personName, field: prefix + "contact.person_name", max: 100)
        let email = try Validate.email(contact.email, field: prefix + "contact.email")
        let phone = try Validate.text(contact.phone, field: prefix + "contact.phone", max: 32, required: false)
        if phone.contains(where: { !($0.isNumber || "+-() ".contains($0)) }) {
            throw APIError.invalidArgument(field: prefix + "contact.phone", "may contain only digits, spaces and + - ( )")
        }
        return (name, email, phone)
    }

    /// Validated applications: known keys, no duplicates, evidence given.
    static func applications(
        _ applications: [Cyberport_Identity_V1_BusinessTypeApplication], field: String, requireOne: Bool
    ) throws -> [(key: String, evidence: String)] {
        if requireOne && applications.isEmpty {
            throw APIError.invalidArgument(field: field, "apply for at least one business type", reason: "REQUIRED_FIELD")
        }
        var seen = Set<String>()
        return try applications.enumerated().map { index, application in
            let key = try Validate.businessType(application.businessType, field: "\(field)[\(index)].business_type")
            guard seen.insert(key).inserted else {
                throw APIError.invalidArgument(field: "\(field)[\(index)].business_type", "\"\(key)\" is listed twice")
            }
            let evidence = try Validate.text(
                application.evidenceDocument, field: "\(field)[\(index)].evidence_document", max: 500)
            return (key, evidence)
        }
    }

    /// The VGM numbers: each required when its business type is applied for, and only then.
    static func vgmNumbers(
        notification: String, registration: String, types: Set<String>, existing: (String?, String?), prefix: String
    ) throws -> (notification: String?, registration: String?) {
        func one(_ value: String, key: String, field: String, existing: String?) throws -> String? {
            if value.isEmpty {
                if types.contains(key) && existing == nil {
                    throw APIError.invalidArgument(field: field, "is required when applying for \(key)", reason: "REQUIRED_FIELD")
                }
                return existing
            }
            guard types.contains(key) else {
                throw APIError.invalidArgument(field: field, "only companies applying for \(key) hold this number")
            }
            return try Validate.vgmNumber(value, field: field)
        }
        return (try one(notification, key: "vgmNotification", field: prefix + "vgm_notification_number", existing: existing.0),
                try one(registration, key: "vgmRegistration", field: prefix + "vgm_registration_number", existing: existing.1))
    }

    /// The first administrator's e-mail, display name and password.
    static func administrator(_ account: Cyberport_Identity_V1_AdministratorAccount?) throws -> (email: String, displayName: String, password: String) {
        let account = account ?? Cyberport_Identity_V1_AdministratorAccount()
        let email = try Validate.email(account.email, field: "administrator.email")
        let name = try Validate.text(account.displayName, field: "administrator.display_name", max: 100)
        try Validate.password(account.password, field: "administrator.password", email: email)
        return (email, name, account.password)
    }
}
