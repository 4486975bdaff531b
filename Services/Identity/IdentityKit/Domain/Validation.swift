import PortRPC
import PortServiceKit

/// Field checks shared by the Identity API. Each throws INVALID_ARGUMENT naming the field.
enum Validate {
    /// Required text of 1…`max` characters without control characters; returns it trimmed.
    static func text(_ value: String, field: String, max: Int, required: Bool = true) throws -> String {
        let trimmed = trim(value)
        if trimmed.isEmpty {
            if required { throw APIError.invalidArgument(field: field, "is required", reason: "REQUIRED_FIELD") }
            return ""
        }
        guard trimmed.count <= max else {
            throw APIError.invalidArgument(field: field, "must be at most \(max) characters (got \(trimmed.count))")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.invalidArgument(field: field, "must not contain control characters")
        }
        return trimmed
    }

    /// An e-mail address (RFC 5321 shape: local part of common characters, a domain of DNS labels), lowercased.
    static func email(_ value: String, field: String) throws -> String {
        let address = trim(value).lowercased()
        guard !address.isEmpty else { throw APIError.invalidArgument(field: field, "is required", reason: "REQUIRED_FIELD") }
        guard address.utf8.count <= 254 else { throw APIError.invalidArgument(field: field, "must be at most 254 characters") }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, isLocalPart(parts[0]), isDomain(parts[1]) else {
            throw APIError.invalidArgument(field: field, "\"\(address)\" is not a valid e-mail address")
        }
        return address
    }

    private static func isLocalPart(_ local: Substring) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~.-".utf8)
        guard (1...64).contains(local.utf8.count), local.utf8.allSatisfy(allowed.contains) else { return false }
        return !local.hasPrefix(".") && !local.hasSuffix(".") && !local.contains("..")
    }

    private static func isDomain(_ domain: Substring) -> Bool {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, domain.utf8.count <= 253 else { return false }
        for label in labels {
            guard (1...63).contains(label.utf8.count), !label.hasPrefix("-"), !label.hasSuffix("-"),
                label.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 })
            else { return false }
        }
        let top = labels[labels.count - 1]
        return top.utf8.count >= 2 && top.utf8.allSatisfy { $0 >= 97 && $0 <= 122 }
    }

    /// A 13-digit corporate number (法人番号) whose first digit is the check digit of the other twelve.
    static func corporateNumber(_ value: String, field: String) throws -> String {
        let number = trim(value)
        guard number.utf8.count == 13, number.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw APIError.invalidArgument(field: field, "must be the 13-digit corporate number (法人番号)")
        }
        guard corporateNumberCheckDigit(number) == Int(number.utf8.first! - 48) else {
            throw APIError.invalidArgument(field: field, "\"\(number)\" has a wrong check digit", reason: "CHECK_DIGIT")
        }
        return number
    }

    /// The check digit of a 13-digit corporate number: 9 − (Σ Pn·Qn mod 9) over the 12 base digits counted from the
    /// right, Qn = 1 for odd n and 2 for even n.
    static func corporateNumberCheckDigit(_ number: String) -> Int {
        let digits = number.utf8.dropFirst().map { Int($0 - 48) }
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            sum += digit * (offset % 2 == 0 ? 1 : 2)
        }
        return 9 - sum % 9
    }

    /// The password rules: 12–128 characters, at least one letter and one character that is not a letter, no
    /// control characters, and not containing the e-mail's local part.
    static func password(_ value: String, field: String, email: String) throws {
        guard !value.isEmpty else { throw APIError.invalidArgument(field: field, "is required", reason: "REQUIRED_FIELD") }
        guard value.count >= 12 else {
            throw APIError.invalidArgument(field: field, "must be at least 12 characters", reason: "WEAK_PASSWORD")
        }
        guard value.count <= 128 else { throw APIError.invalidArgument(field: field, "must be at most 128 characters") }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.invalidArgument(field: field, "must not contain control characters")
        }
        guard value.contains(where: \.isLetter), value.contains(where: { !$0.isLetter }) else {
            throw APIError.invalidArgument(
                field: field, "must contain at least one letter and one digit or symbol", reason: "WEAK_PASSWORD")
        }
        let local = email.split(separator: "@").first.map(String.init) ?? ""
        if local.count >= 3 && value.lowercased().contains(local) {
            throw APIError.invalidArgument(field: field, "must not contain the e-mail address", reason: "WEAK_PASSWORD")
        }
    }

    /// A business-type key from the catalogue.
    static func businessType(_ value: String, field: String) throws -> String {
        guard BusinessTypeCatalog.keySet.contains(value) else {
            throw APIError.invalidArgument(
                field: field, "\"\(value)\" is not a business type (one of \(BusinessTypeCatalog.keys.joined(separator: ", ")))")
        }
        return value
    }

    /// A UN/LOCODE: a 2-letter country code and 3 characters from A–Z and 2–9, e.g. "JPTYO".
    static func unLocode(_ value: String, field: String) throws -> String {
        let code = String(trim(value).uppercased().filter { $0 != " " })
        let bytes = Array(code.utf8)
        let isLetter = { (byte: UInt8) in byte >= 65 && byte <= 90 }
        guard bytes.count == 5, isLetter(bytes[0]), isLetter(bytes[1]),
            bytes[2...].allSatisfy({ isLetter($0) || ($0 >= 50 && $0 <= 57) })
        else {
            throw APIError.invalidArgument(field: field, "\"\(value)\" is not a UN/LOCODE (e.g. JPTYO)")
        }
        return code
    }

    /// A VGM notification or registration number (届出番号/登録番号): 1–32 letters, digits or '-'.
    static func vgmNumber(_ value: String, field: String) throws -> String {
        let number = trim(value)
        guard (1...32).contains(number.utf8.count),
            number.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 })
        else {
            throw APIError.invalidArgument(field: field, "must be 1–32 letters, digits or '-'")
        }
        return number
    }

    /// An http(s) URL of at most 2048 characters with a host.
    static func webhookURL(_ value: String, field: String) throws -> String {
        let url = trim(value)
        guard !url.isEmpty else { throw APIError.invalidArgument(field: field, "is required", reason: "REQUIRED_FIELD") }
        guard url.utf8.count <= 2048 else { throw APIError.invalidArgument(field: field, "must be at most 2048 characters") }
        let lower = url.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") { rest = url.dropFirst(8) } else if lower.hasPrefix("http://") { rest = url.dropFirst(7) } else {
            throw APIError.invalidArgument(field: field, "must start with http:// or https://")
        }
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !host.isEmpty, !url.contains(where: { $0.isWhitespace }) else {
            throw APIError.invalidArgument(field: field, "\"\(url)\" is not a valid URL")
        }
        return url
    }

    /// An ISO 3166-1 alpha-2 country code ("JP" when empty).
    static func countryCode(_ value: String, field: String) throws -> String {
        let code = trim(value).uppercased()
        if code.isEmpty { return "JP" }
        guard code.utf8.count == 2, code.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            throw APIError.invalidArgument(field: field, "must be an ISO 3166-1 alpha-2 country code such as JP")
        }
        return code
    }

    static func trim(_ value: String) -> String {
        var scalars = Substring(value)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
