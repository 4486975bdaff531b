import PortAuth
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore

/// Bulk invitation of users from CSV. All or nothing: every row is checked first (syntax, duplicates within the file
/// and against existing users, organizations); users are created only when every row is valid.
enum UserImport {
    static let maxRows = 1000
    static let maxBytes = 1 << 20

    /// One data row as read from the CSV.
    struct Row: Sendable {
        var line: Int
        var email: String
        var displayName: String
        var organization: String
        var role: String
    }

    /// Reads the CSV; INVALID_ARGUMENT for a file that is not a user list at all (rows are checked later).
    static func parse(_ csv: String, company: String) throws -> [Row] {
        guard !csv.isEmpty else { throw APIError.invalidArgument(field: "csv", "is required", reason: "REQUIRED_FIELD") }
        guard csv.utf8.count <= maxBytes else {
            throw APIError.make(.resourceExhausted, "csv is larger than \(maxBytes) bytes; split it", reason: "CSV_TOO_LARGE",
                                metadata: ["limitBytes": "\(maxBytes)"])
        }
        let records: [CSVReader.Record]
        do { records = try CSVReader.records(csv) } catch { throw APIError.invalidArgument(field: "csv", error.description) }
        guard let header = records.first else { throw APIError.invalidArgument(field: "csv", "has no header row") }
        let columns = header.fields.map { Validate.trim($0).lowercased() }
        let expected = ["email", "display_name", "organization", "role"]
        guard columns == expected || columns == Array(expected.prefix(3)) else {
            throw APIError.invalidArgument(
                field: "csv", "the header must be \"email,display_name,organization,role\" (got \"\(header.fields.joined(separator: ","))\")")
        }
        let data = records.dropFirst()
        guard !data.isEmpty else { throw APIError.invalidArgument(field: "csv", "has no data rows") }
        guard data.count <= maxRows else {
            throw APIError.make(.resourceExhausted, "csv has \(data.count) rows; at most \(maxRows) per import",
                                reason: "TOO_MANY_ROWS", metadata: ["limitRows": "\(maxRows)"])
        }
        return data.map { record in
            var fields = record.fields
            while fields.count < 4 { fields.append("") }
            return Row(line: record.line, email: fields[0], displayName: fields[1], organization: fields[2], role: fields[3])
        }
    }

    /// Checks every row and, when all are valid and not `validateOnly`, invites the users.
    static func run(
        _ rows: [Row], company: String, session: any SQLSession, validateOnly: Bool, now: Int64, invitationExpiry: Int64
    ) throws -> Cyberport_Identity_V1_ImportUsersResponse {
        let users = UserQueries(session: session)
        let businessTypes = try UserAPI.businessTypesByOrganization(session: session, company: company)
        var seen: [String: Int] = [:]
        var results: [Cyberport_Identity_V1_ImportUsersRowResult] = []
        var planned: [UserRecord] = []
        for row in rows {
            var result = Cyberport_Identity_V1_ImportUsersRowResult()
            result.line = Int32(row.line)
            result.email = Validate.trim(row.email)
            do {
                let email = try Validate.email(row.email, field: "email")
                result.email = email
                let displayName = try Validate.text(row.displayName, field: "display_name", max: 100)
                let organization = try UserAPI.organization(row.organization, company: company, field: "organization")
                guard businessTypes[organization.organization] != nil else {
                    throw APIError.invalidArgument(field: "organization", "\(organization) does not exist")
                }
                let role: String
                switch Validate.trim(row.role).lowercased() {
                case "", "user", "利用者": role = "user"
                case "administrator", "admin", "管理者": role = "administrator"
                default: throw APIError.invalidArgument(field: "role", "must be user or administrator (got \"\(row.role)\")")
                }
                if let first = seen[email] {
                    throw APIError.invalidArgument(field: "email", "\(email) is also on line \(first)")
                }
                seen[email] = row.line
                if try users.emailExists(email) {
                    throw APIError.invalidArgument(field: "email", "a user with e-mail \(email) already exists")
                }
                planned.append(UserRecord(
                    id: ResourceID.generate(now: now), companyID: company, organizationID: organization.organization,
                    email: email, displayName: displayName, role: role, state: "invited", passwordHash: nil, now: now))
            } catch let error as RPCError {
                result.error = error.message
            }
            results.append(result)
        }
        var response = Cyberport_Identity_V1_ImportUsersResponse()
        let valid = results.allSatisfy { $0.error.isEmpty }
        if valid && !validateOnly {
            var plannedIndex = 0
            for index in results.indices {
                let user = planned[plannedIndex]
                plannedIndex += 1
                try users.insert(user)
                let invitation = OpaqueCredential.generate(prefix: "cpi", id: ResourceID.generate(now: now))
                try users.insertInvitation(
                    id: invitation.id, user: user.id, secretHash: StoredHash.encode(invitation.secretHash), expiresAt: invitationExpiry, now: now)
                results[index].user = user.proto(businessTypes: businessTypes[user.organizationID] ?? [])
                results[index].invitationToken = invitation.plaintext
            }
        }
        response.rows = results
        response.imported = valid && !validateOnly
        return response
    }
}
