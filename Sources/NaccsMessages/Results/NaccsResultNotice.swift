extension NaccsOutputMessage {
    /// How many result codes a processing-result notice carries (the first lines of its body).
    public static let resultCodeLines = 5

    /// The result codes at the start of a processing-result notice's body (blank lines skipped). Throws naming the
    /// offending line when a line is not a 15-character result code.
    public func resultCodes() throws(NaccsDecodingError) -> [NaccsResultCode] {
        var codes: [NaccsResultCode] = []
        var position = 0
        for line in 0..<Self.resultCodeLines {
            let field = "RCD[\(line + 1)]"
            let limit = min(body.count, position + NaccsResultCode.width + 2)
            guard let cr = body[position..<limit].firstIndex(of: FixedWidth.cr), cr + 1 < body.count,
                body[cr + 1] == FixedWidth.lf
            else {
                throw NaccsDecodingError(
                    offset: NaccsMessageLimits.headerLineLength + position, field: field, reason: .missingLineBreak)
            }
            let text = FixedWidth.trimmed(body[position..<cr])
            if !text.isEmpty {
                guard let code = NaccsResultCode(parsing: text) else {
                    throw NaccsDecodingError(
                        offset: NaccsMessageLimits.headerLineLength + position, field: field, reason: .invalidCode(text))
                }
                codes.append(code)
            }
            position = cr + 2
        }
        return codes
    }
}

extension FixedWidth {
    /// The bytes as text without trailing spaces (for already character-checked bytes).
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[end - 1] == space { end -= 1 }
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }
}
