import PortProtocol
import PortServiceKit


/// Stored values ↔ API enums.
enum Codes {
    static func companyStatus(_ text: String) -> Cyberport_Identity_V1_CompanyStatus {
        switch text {
        case "pending": .pending
        case "approved": .approved
        case "rejected": .rejected
        case "suspended": .suspended
        default: .unspecified
        }
    }

    static func companyStatusText(_ status: Cyberport_Identity_V1_CompanyStatus) -> String? {
        switch status {
        case .pending: "pending"
        case .approved: "approved"
        case .rejected: "rejected"
        case .suspended: "suspended"
        default: nil
        }
    }

    static func companyKind(_ text: String) -> Cyberport_Identity_V1_CompanyKind {
        switch text {
        case "business": .business
        case "public_body": .publicBody
        case "platform": .platform
        default: .unspecified
        }
    }

    static func applicationStatus(_ text: String) -> Cyberport_Identity_V1_ApplicationStatus {
        switch text {
        case "pending": .pending
        case "approved": .approved
        case "rejected": .rejected
        default: .unspecified
        }
    }

    static func role(_ text: String) -> Cyberport_Identity_V1_UserRole {
        text == "administrator" ? .administrator : .user
    }

    static func userState(_ text: String) -> Cyberport_Identity_V1_UserState {
        switch text {
        case "invited": .invited
        case "active": .active
        case "disabled": .disabled
        default: .unspecified
        }
    }
}

extension CompanyRecord {
    var proto: Cyberport_Identity_V1_Company {
        var company = Cyberport_Identity_V1_Company()
        company.name = name.description
        company.legalNameJa = legalNameJa
        company.legalNameEn = legalNameEn
        company.corporateNumber = corporateNumber ?? ""
        var address = Cyberport_Identity_V1_Address()
        address.postalCode = postalCode
        address.addressLine = addressLine
        address.countryCode = countryCode
        company.address = address
        var contact = Cyberport_Identity_V1_Contact()
        contact.personName = contactName
        contact.email = contactEmail
        contact.phone = contactPhone
        company.contact = contact
        company.kind = Codes.companyKind(kind)
        company.status = Codes.companyStatus(status)
        company.businessTypes = applications.map { application in
            var proto = Cyberport_Identity_V1_BusinessTypeApplication()
            proto.businessType = application.businessType
            proto.evidenceDocument = application.evidenceDocument
            proto.status = Codes.applicationStatus(application.status)
            proto.decideTime = application.decidedAt.protoTimestamp
            return proto
        }
        company.vgmNotificationNumber = vgmNotificationNumber ?? ""
        company.vgmRegistrationNumber = vgmRegistrationNumber ?? ""
        company.statusReason = statusReason
        company.createTime = Google_Protobuf_Timestamp(micros: createdAt)
        company.updateTime = Google_Protobuf_Timestamp(micros: updatedAt)
        company.etag = ETag.make(version)
        return company
    }

    var profile: Cyberport_Identity_V1_CompanyProfile {
        var profile = Cyberport_Identity_V1_CompanyProfile()
        profile.name = name.description
        profile.legalNameJa = legalNameJa
        profile.legalNameEn = legalNameEn
        profile.corporateNumber = corporateNumber ?? ""
        profile.address = proto.address
        profile.vgmNotificationNumber = vgmNotificationNumber ?? ""
        profile.vgmRegistrationNumber = vgmRegistrationNumber ?? ""
        return profile
    }
}

extension OrganizationRecord {
    var proto: Cyberport_Identity_V1_Organization {
        var organization = Cyberport_Identity_V1_Organization()
        organization.name = name.description
        organization.displayName = displayName
        organization.businessTypes = businessTypes
        organization.searchable = searchable
        organization.enabled = enabled
        organization.managedPorts = managedPorts
        organization.createTime = Google_Protobuf_Timestamp(micros: createdAt)
        organization.updateTime = Google_Protobuf_Timestamp(micros: updatedAt)
        organization.etag = ETag.make(version)
        return organization
    }
}

extension UserRecord {
    /// The user; `businessTypes` are its organization's.
    func proto(businessTypes: [String]) -> Cyberport_Identity_V1_User {
        var user = Cyberport_Identity_V1_User()
        user.name = name.description
        user.email = email
        user.displayName = displayName
        user.organization = organizationName.description
        user.role = Codes.role(role)
        user.state = Codes.userState(state)
        user.businessTypes = businessTypes
        user.lastLoginTime = lastLoginAt.protoTimestamp
        user.createTime = Google_Protobuf_Timestamp(micros: createdAt)
        user.updateTime = Google_Protobuf_Timestamp(micros: updatedAt)
        user.etag = ETag.make(version)
        return user
    }
}

extension ApiKeyRecord {
    var proto: Cyberport_Identity_V1_ApiKey {
        var key = Cyberport_Identity_V1_ApiKey()
        key.name = name.description
        key.displayName = displayName
        key.keyPrefix = keyPrefix
        key.serviceName = serviceName ?? ""
        key.createTime = Google_Protobuf_Timestamp(micros: createdAt)
        key.lastUseTime = lastUsedAt.protoTimestamp
        key.revokeTime = revokedAt.protoTimestamp
        key.expireTime = expiresAt.protoTimestamp
        return key
    }
}

extension WebhookTargetRecord {
    /// The target; the secret only when `revealSecret` (for services that deliver events).
    func proto(revealSecret: Bool) -> Cyberport_Identity_V1_WebhookTarget {
        var target = Cyberport_Identity_V1_WebhookTarget()
        target.name = name.description
        target.displayName = displayName
        target.url = url
        target.secretToken = revealSecret ? secretToken : ""
        target.hasSecretToken = !secretToken.isEmpty
        target.organizations = organizations.map { OrganizationName(company: companyID, organization: $0).description }
        target.createTime = Google_Protobuf_Timestamp(micros: createdAt)
        target.updateTime = Google_Protobuf_Timestamp(micros: updatedAt)
        target.etag = ETag.make(version)
        return target
    }
}
