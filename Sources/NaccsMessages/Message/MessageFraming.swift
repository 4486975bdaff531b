/// The structure common to input and output messages: a 398-byte header, CR LF, then the body (CRLF-delimited item
/// lines). The header's 電文長 is the length of the whole message; NACCS accepts at most 700,000 bytes.
public enum NaccsMessageLimits {
    /// The largest NACCS EDI message (cyberport-reference.md 2.1).
    public static let maximumMessageLength = 700_000
    /// Header plus its CR LF.
    public static let headerLineLength = 400
}

enum MessageFraming {
    /// header + CR LF + body, after checking the total length.
    static func assemble(
        body: [UInt8], header: (Int) throws(NaccsFittingError) -> [UInt8]
    ) throws(NaccsFittingError) -> [UInt8] {
        let length = NaccsMessageLimits.headerLineLength + body.count
        guard length <= NaccsMessageLimits.maximumMessageLength else {
            throw .messageTooLong(length: length, maximum: NaccsMessageLimits.maximumMessageLength)
        }
        var bytes = try header(length)
        bytes.reserveCapacity(length)
        bytes.append(FixedWidth.cr)
        bytes.append(FixedWidth.lf)
        bytes.append(contentsOf: body)
        return bytes
    }

    /// Splits untrusted bytes into header and body after the checks common to both directions: the size bounds, the
    /// CR LF after the header, and that the body is printable ASCII with CR only in CR LF pairs.
    static func split(_ bytes: some Collection<UInt8>) throws(NaccsDecodingError) -> (
        header: ArraySlice<UInt8>, body: [UInt8]
    ) {
        guard bytes.count <= NaccsMessageLimits.maximumMessageLength else {
            throw NaccsDecodingError(
                offset: NaccsMessageLimits.maximumMessageLength, field: "message",
                reason: .tooLong(maximum: NaccsMessageLimits.maximumMessageLength))
        }
        let all = Array(bytes)
        guard all.count >= NaccsMessageLimits.headerLineLength else {
            throw NaccsDecodingError(
                offset: 0, field: "header",
                reason: .truncated(needed: NaccsMessageLimits.headerLineLength, available: all.count))
        }
        guard all[398] == FixedWidth.cr, all[399] == FixedWidth.lf else {
            throw NaccsDecodingError(offset: 398, field: "header", reason: .missingLineBreak)
        }
        let body = Array(all[NaccsMessageLimits.headerLineLength...])
        try checkBodyBytes(body, baseOffset: NaccsMessageLimits.headerLineLength)
        return (all[0..<398], body)
    }

    /// Body bytes are printable ASCII lines each ended by CR LF.
    static func checkBodyBytes(_ body: [UInt8], baseOffset: Int) throws(NaccsDecodingError) {
        var index = 0
        while index < body.count {
            let byte = body[index]
            if byte == FixedWidth.cr {
                guard index + 1 < body.count, body[index + 1] == FixedWidth.lf else {
                    throw NaccsDecodingError(offset: baseOffset + index, field: "body", reason: .missingLineBreak)
                }
                index += 2
                continue
            }
            guard NaccsCharacterSet.isPrintable(byte) else {
                throw NaccsDecodingError(
                    offset: baseOffset + index, field: "body", reason: .invalidCharacter(byte: byte, characterSet: nil))
            }
            index += 1
        }
        if let last = body.last, last != FixedWidth.lf {
            throw NaccsDecodingError(offset: baseOffset + body.count, field: "body", reason: .missingLineBreak)
        }
    }

    static func checkLength(declared: Int, actual: Int) throws(NaccsDecodingError) {
        guard declared == actual else {
            throw NaccsDecodingError(
                offset: 392, field: "messageLength", reason: .lengthMismatch(declared: declared, actual: actual))
        }
    }
}

/// A NACCS input message: the input common header and the business-specific body (CRLF-delimited item lines, as a
/// business code's input layout encodes them).
public struct NaccsInputMessage: Sendable, Hashable {
    public var header: NaccsInputHeader
    /// The body bytes: zero or more lines, each ended by CR LF.
    public var body: [UInt8]

    public init(header: NaccsInputHeader, body: [UInt8]) {
        self.header = header
        self.body = body
    }

    /// The message bytes, with the 電文長 filled in. Throws when a header field does not fit or the message is
    /// longer than NACCS accepts.
    public func encoded() throws(NaccsFittingError) -> [UInt8] {
        let header = self.header
        return try MessageFraming.assemble(body: body) { length throws(NaccsFittingError) in
            try header.encoded(messageLength: length)
        }
    }

    /// Decodes untrusted bytes. Never traps; throws `NaccsDecodingError` naming the offset and field.
    public init(decoding bytes: some Collection<UInt8>) throws(NaccsDecodingError) {
        let (headerBytes, body) = try MessageFraming.split(bytes)
        let (header, declared) = try NaccsInputHeader.decode(headerBytes)
        try MessageFraming.checkLength(declared: declared, actual: NaccsMessageLimits.headerLineLength + body.count)
        self.header = header
        self.body = body
    }
}

/// A NACCS output message: the output common header and the body (for a processing-result notice, the result codes
/// and the business code's result items; for other kinds, the layout the output information code names).
public struct NaccsOutputMessage: Sendable, Hashable {
    public var header: NaccsOutputHeader
    /// The body bytes: zero or more lines, each ended by CR LF.
    public var body: [UInt8]

    public init(header: NaccsOutputHeader, body: [UInt8]) {
        self.header = header
        self.body = body
    }

    /// The message bytes, with the 電文長 filled in.
    public func encoded() throws(NaccsFittingError) -> [UInt8] {
        let header = self.header
        return try MessageFraming.assemble(body: body) { length throws(NaccsFittingError) in
            try header.encoded(messageLength: length)
        }
    }

    /// Decodes untrusted bytes. Never traps; throws `NaccsDecodingError` naming the offset and field.
    public init(decoding bytes: some Collection<UInt8>) throws(NaccsDecodingError) {
        let (headerBytes, body) = try MessageFraming.split(bytes)
        let (header, declared) = try NaccsOutputHeader.decode(headerBytes)
        try MessageFraming.checkLength(declared: declared, actual: NaccsMessageLimits.headerLineLength + body.count)
        self.header = header
        self.body = body
    }
}
