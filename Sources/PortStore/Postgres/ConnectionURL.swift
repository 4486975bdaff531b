import CLibPQ
import Foundation

/// Password redaction for libpq connection strings (URLs and `key=value` strings), applied to every message and log
/// line that could contain one.
enum ConnectionURL {
    static let mask = "***"

    /// `url` with its password (userinfo `user:password@` and any `password=` parameter) replaced by `***`.
    static func redact(_ url: String) -> String {
        var result = url
        if let scheme = result.range(of: "://") {
            // Up to the query, not the first "/": an unencoded "/" in a password must not expose the rest of it.
            let authorityEnd = result[scheme.upperBound...].firstIndex(of: "?") ?? result.endIndex
            let authority = result[scheme.upperBound..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                result.replaceSubrange(result.index(after: colon)..<at, with: mask)
            }
        }
        return redactPasswordParameters(result)
    }

    /// The password in a connection string, if it has one (parsed by libpq).
    static func password(in url: String) -> String? {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &errorMessage) else {
            if let errorMessage { PQfreemem(errorMessage) }
            return nil
        }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", let value = option.pointee.val {
                return String(cString: value)
            }
            option += 1
        }
        return nil
    }

    /// `message` with every occurrence of `password` (and any URL or `password=` in it) redacted.
    static func scrub(_ message: String, password: String?) -> String {
        var result = message
        if let password, !password.isEmpty {
            result = result.replacingOccurrences(of: password, with: mask)
        }
        return redactPasswordParameters(result)
    }

    /// Replaces the value of `password=` parameters (URL query or `key=value` form, quoted or not).
    private static func redactPasswordParameters(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: "password=", options: [.caseInsensitive]) {
            result += rest[..<range.upperBound]
            result += mask
            var valueEnd = range.upperBound
            if valueEnd < rest.endIndex, rest[valueEnd] == "'" {
                var escaped = false
                valueEnd = rest.index(after: valueEnd)
                while valueEnd < rest.endIndex {
                    let character = rest[valueEnd]
                    valueEnd = rest.index(after: valueEnd)
                    if escaped {
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "'" {
                        break
                    }
                }
            } else {
                while valueEnd < rest.endIndex, !rest[valueEnd].isWhitespace, rest[valueEnd] != "&" {
                    valueEnd = rest.index(after: valueEnd)
                }
            }
            rest = rest[valueEnd...]
        }
        return result + rest
    }
}
