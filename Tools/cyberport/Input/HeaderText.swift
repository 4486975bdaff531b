import PortRPC

/// Parses `-H name:value` into metadata: names are lower-cased; values of `-bin` names are base64 and sent as
/// bytes.
enum HeaderText {
    /// Why a header argument was rejected.
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    static func add(_ argument: String, to metadata: inout Metadata) throws(Invalid) {
        guard let colon = argument.firstIndex(of: ":"), colon != argument.startIndex else {
            throw Invalid(description: "header \"\(argument)\" is not of the form name:value")
        }
        let name = argument[..<colon].trimmingWhitespace().lowercased()
        let value = argument[argument.index(after: colon)...].trimmingWhitespace()
        guard !name.hasPrefix(":"),
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else {
            throw Invalid(description: "header name \"\(name)\" is not a valid metadata name")
        }
        if name.hasSuffix("-bin") {
            guard let bytes = Base64.decode(value) else {
                throw Invalid(description: "header \(name) ends in -bin, so its value must be base64")
            }
            metadata.add(name, binary: bytes)
        } else {
            metadata.add(name, value)
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
