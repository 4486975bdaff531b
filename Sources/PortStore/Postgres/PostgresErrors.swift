import CLibPQ
import Foundation

/// Maps PostgreSQL errors (by SQLSTATE) to `StoreError`.
enum PostgresErrors {
    /// Serialization failure and deadlock: `Database.write` re-runs its closure.
    static let retryableStates: Set<String> = ["40001", "40P01"]

    /// `message` is libpq's message for the connection (password scrubbed), used when the result has no fields.
    static func map(result: OpaquePointer?, connection: PostgresConnection, message: String) -> StoreError {
        if connection.isBroken {
            return .connectionFailed(
                "the connection to PostgreSQL at \(connection.location) was lost (\(message)); it is re-established "
                    + "for the next operation")
        }
        guard let result, let state = field(result, "C") else {
            return .queryFailed(message: message, code: nil)
        }
        let primary = ConnectionURL.scrub(field(result, "M") ?? message, password: connection.target.password)
        switch state {
        case "23505":
            return .uniqueViolation(
                constraint: field(result, "n"), columns: keyColumns(detail: field(result, "D")), message: primary)
        case "23503":
            return .foreignKeyViolation(message: primary)
        case "23502":
            return .notNullViolation(column: field(result, "c"), message: primary)
        case "23514":
            return .checkViolation(constraint: field(result, "n"), message: primary)
        case _ where state.hasPrefix("23"):
            return .constraintViolation(message: primary)
        case "25006":
            return .readOnlyTransaction(message: primary)
        case _ where retryableStates.contains(state):
            return .serializationFailure(message: primary)
        case _ where state.hasPrefix("08") || state == "57P01" || state == "57P02" || state == "57P03":
            return .connectionFailed("PostgreSQL at \(connection.location): \(primary)")
        default:
            return .queryFailed(message: primary, code: state)
        }
    }

    /// A diagnostic field (`PG_DIAG_*`, a one-letter code).
    private static func field(_ result: OpaquePointer, _ code: Unicode.Scalar) -> String? {
        PQresultErrorField(result, Int32(code.value)).map { String(cString: $0) }
    }

    /// The key columns in a unique violation's detail: "Key (a, b)=(1, 2) already exists." → ["a", "b"].
    private static func keyColumns(detail: String?) -> [String] {
        guard let detail, detail.hasPrefix("Key ("), let end = detail.range(of: ")=(") else { return [] }
        let list = detail[detail.index(detail.startIndex, offsetBy: 5)..<end.lowerBound]
        return list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
