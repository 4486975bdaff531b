import NaccsMessages
import PortAuth
import PortCrypto
import Logging
import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore

/// NaccsCredentialService: an organization's NACCS credentials. Members read them (never the password); only the
/// organization's administrators change them. Passwords are sealed with the key-encryption key before they are stored.
struct CredentialAPI: Cyberport_Naccs_V1_NaccsCredentialServiceProvider {
    let context: NaccsContext

    func createNaccsCredential(
        request: Cyberport_Naccs_V1_CreateNaccsCredentialRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Naccs_V1_NaccsCredential {
        let caller = try context.caller(serverContext)
        let parent = try RelayNames.organization(request.parent, field: "parent")
        try Self.requireAdministrator(caller, of: parent.name)
        let input = request.naccsCredential ?? Cyberport_Naccs_V1_NaccsCredential()
        let displayName = try Self.displayName(input.displayName, field: "naccs_credential.display_name")
        try Self.checkHeaderFields(
            userCode: input.userCode, identificationNumber: input.identificationNumber, password: input.password,
            prefix: "naccs_credential.")
        let sealed = try seal(input.password)
        let now = WallClock.nowMicros()
        let record = CredentialRecord(
            id: ResourceID.generate(now: now), organization: parent.name, organizationID: parent.id,
            displayName: displayName, userCode: input.userCode, identificationNumber: input.identificationNumber,
            sealedPassword: sealed, version: 1, createdAt: now, updatedAt: now, mailboxCursor: 0)
        try await context.write { session in
            let queries = CredentialQueries(session: session)
            guard try !queries.exists(userCode: record.userCode, identificationNumber: record.identificationNumber) else {
                throw APIError.make(
                    .alreadyExists, "the NACCS user \(record.userCode)/\(record.identificationNumber) is registered already",
                    reason: "ALREADY_EXISTS", metadata: ["field": "naccs_credential.user_code"])
            }
            try queries.insert(record)
        }
        context.logger.notice("NACCS credential created", metadata: ["credential": "\(record.name)", "user": "\(record.userCode)/\(record.identificationNumber)"])
        return Self.proto(record)
    }

    func getNaccsCredential(
        request: Cyberport_Naccs_V1_GetNaccsCredentialRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Naccs_V1_NaccsCredential {
        let caller = try context.caller(serverContext)
        let name = try RelayNames.credential(request.name, field: "name")
        try Self.requireMember(caller, of: name.organization)
        let record = try await context.read { session in try CredentialQueries(session: session).find(name.id) }
        guard let record, record.organization == name.organization else {
            throw APIError.notFound("NACCS credential", name: request.name)
        }
        return Self.proto(record)
    }

    func listNaccsCredentials(
        request: Cyberport_Naccs_V1_ListNaccsCredentialsRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Naccs_V1_ListNaccsCredentialsResponse {
        let caller = try context.caller(serverContext)
        let parent = try RelayNames.organization(request.parent, field: "parent")
        try Self.requireMember(caller, of: parent.name)
        let cursor = try context.pagination.cursor(pageSize: request.pageSize, pageToken: request.pageToken, query: parent.id)
        let rows = try await context.read { session in
            try CredentialQueries(session: session).list(organizationID: parent.id, after: cursor.after, limit: cursor.pageSize + 1)
        }
        let page = context.pagination.page(rows, cursor: cursor, key: \.id)
        var response = Cyberport_Naccs_V1_ListNaccsCredentialsResponse()
        response.naccsCredentials = page.rows.map(Self.proto)
        response.nextPageToken = page.nextPageToken
        return response
    }

    func updateNaccsCredential(
        request: Cyberport_Naccs_V1_UpdateNaccsCredentialRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Naccs_V1_NaccsCredential {
        let caller = try context.caller(serverContext)
        let input = request.naccsCredential ?? Cyberport_Naccs_V1_NaccsCredential()
        let name = try RelayNames.credential(input.name, field: "naccs_credential.name")
        try Self.requireAdministrator(caller, of: name.organization)
        let mask = try UpdateMask(request.updateMask, updatable: ["display_name", "password"])
        let displayName = mask.contains("display_name")
            ? try Self.displayName(input.displayName, field: "naccs_credential.display_name") : nil
        var sealed: [UInt8]?
        if mask.contains("password") {
            try Self.checkHeaderFields(userCode: "A", identificationNumber: "1", password: input.password, prefix: "naccs_credential.")
            sealed = try seal(input.password)
        }
        let newPassword = sealed
        let now = WallClock.nowMicros()
        let updated = try await context.write { session in
            let queries = CredentialQueries(session: session)
            guard var record = try queries.find(name.id), record.organization == name.organization else {
                throw APIError.notFound("NACCS credential", name: input.name)
            }
            try ETag.check(input.etag, current: record.version, resource: input.name)
            if let displayName { record.displayName = displayName }
            if let newPassword { record.sealedPassword = newPassword }
            record.version += 1
            record.updatedAt = now
            try queries.update(record)
            return record
        }
        return Self.proto(updated)
    }

    func deleteNaccsCredential(
        request: Cyberport_Naccs_V1_DeleteNaccsCredentialRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Naccs_V1_DeleteNaccsCredentialResponse {
        let caller = try context.caller(serverContext)
        let name = try RelayNames.credential(request.name, field: "name")
        try Self.requireAdministrator(caller, of: name.organization)
        try await context.write { session in
            let queries = CredentialQueries(session: session)
            guard let record = try queries.find(name.id), record.organization == name.organization else {
                throw APIError.notFound("NACCS credential", name: request.name)
            }
            guard try SendQueries(session: session).openCount(credential: record.id) == 0 else {
                throw RelayErrors.failedPrecondition("sends with \(request.name) are still waiting to be transmitted")
            }
            try queries.delete(record.id)
        }
        return Cyberport_Naccs_V1_DeleteNaccsCredentialResponse()
    }

    // MARK: Helpers

    private func seal(_ password: String) throws -> [UInt8] {
        guard let vault = context.vault else {
            throw RelayErrors.failedPrecondition(
                "no key-encryption key is configured (--key-encryption-key-file / CYBERPORT_NACCS_KEY_ENCRYPTION_KEY): NACCS passwords cannot be stored")
        }
        return vault.seal(Array(password.utf8))
    }

    static func requireMember(_ caller: RelayCaller, of organization: String) throws {
        guard caller.organization == organization else {
            throw RelayErrors.denied("only members of \(organization) may see its NACCS credentials")
        }
    }

    static func requireAdministrator(_ caller: RelayCaller, of organization: String) throws {
        guard caller.organization == organization, caller.principal.isAdministrator else {
            throw RelayErrors.denied("only administrators of \(organization) may manage its NACCS credentials")
        }
    }

    static func displayName(_ text: String, field: String) throws -> String {
        guard (1...100).contains(text.count), !text.allSatisfy(\.isWhitespace) else {
            throw APIError.invalidArgument(field: field, "must be 1–100 characters")
        }
        return text
    }

    /// The user code, identification number and password as the input common header takes them (never echoing the
    /// password).
    static func checkHeaderFields(userCode: String, identificationNumber: String, password: String, prefix: String) throws {
        let alphanumeric = { (text: String) in text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) } }
        guard userCode.utf8.count == 5, alphanumeric(userCode) else {
            throw APIError.invalidArgument(field: "\(prefix)user_code", "must be 5 upper-case letters or digits")
        }
        guard identificationNumber.utf8.count == 3, alphanumeric(identificationNumber) else {
            throw APIError.invalidArgument(field: "\(prefix)identification_number", "must be 3 upper-case letters or digits")
        }
        let header = NaccsInputHeader(
            businessCode: "IER", userCode: userCode, identificationNumber: identificationNumber, password: password)
        guard !password.isEmpty, (try? NaccsInputMessage(header: header, body: []).encoded()) != nil else {
            throw APIError.invalidArgument(field: "\(prefix)password", "must be 1–8 printable ASCII characters without spaces")
        }
    }

    static func proto(_ record: CredentialRecord) -> Cyberport_Naccs_V1_NaccsCredential {
        var credential = Cyberport_Naccs_V1_NaccsCredential()
        credential.name = record.name
        credential.displayName = record.displayName
        credential.userCode = record.userCode
        credential.identificationNumber = record.identificationNumber
        credential.hasPassword = true
        credential.createTime = Google_Protobuf_Timestamp(micros: record.createdAt)
        credential.updateTime = Google_Protobuf_Timestamp(micros: record.updatedAt)
        credential.etag = ETag.make(record.version)
        return credential
    }
}
