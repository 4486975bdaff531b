import NIOCore
import NaccsMessages

/// The framing this implementation uses between the link and the NACCS simulator over TCP. The real NACCS has its
/// own transports (netNACCS, dedicated lines, mail-box protocols) that are not public; this framing is ours, kept
/// minimal so that the NACCS messages inside stay byte-exact:
///
/// ```
/// frame    = length type payload
/// length   = 4 bytes, big-endian: the byte count of type + payload (1 … 1,048,576)
/// type     = 1 byte
///   0x01 INPUT     client → server  payload: one NACCS input message (header, CR LF, body)
///   0x02 RETRIEVE  client → server  payload: user code (5) identification number (3) password (8), ASCII,
///                                   space-padded; after (8 bytes BE); wait in milliseconds (4 bytes BE)
///   0x81 OUTPUT    server → client  payload: mailbox sequence (8 bytes BE, 0 = not held) and one NACCS output
///   0x82 END       server → client  payload: none; the answer to the request is complete
/// ```
///
/// A client sends one request on a connection and reads OUTPUT frames until END before sending the next. The server
/// answers requests of one connection in order.
public enum NaccsFrame: Sendable, Hashable {
    case input([UInt8])
    case retrieve(NaccsRetrieveRequest)
    case output(sequence: UInt64, message: [UInt8])
    case end

    /// The largest frame (type + payload): a maximal NACCS message with room to spare.
    public static let maximumLength = 1 << 20

    enum TypeByte: UInt8 {
        case input = 0x01
        case retrieve = 0x02
        case output = 0x81
        case end = 0x82
    }

    /// Appends the frame to `buffer`.
    public func write(to buffer: inout ByteBuffer) {
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt32(0))
        switch self {
        case .input(let message):
            buffer.writeInteger(TypeByte.input.rawValue)
            buffer.writeBytes(message)
        case .retrieve(let request):
            buffer.writeInteger(TypeByte.retrieve.rawValue)
            buffer.writeBytes(request.credentialBytes)
            buffer.writeInteger(request.after)
            buffer.writeInteger(request.waitMilliseconds)
        case .output(let sequence, let message):
            buffer.writeInteger(TypeByte.output.rawValue)
            buffer.writeInteger(sequence)
            buffer.writeBytes(message)
        case .end:
            buffer.writeInteger(TypeByte.end.rawValue)
        }
        buffer.setInteger(UInt32(buffer.writerIndex - lengthIndex - 4), at: lengthIndex)
    }

    /// Reads one frame from `buffer` if it holds a whole one; nil when more bytes are needed. Throws on a frame that
    /// breaks the protocol (bad length or type, short payload).
    public static func read(from buffer: inout ByteBuffer) throws(NaccsFrameError) -> NaccsFrame? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard length >= 1, length <= maximumLength else { throw .badLength(Int(length)) }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        guard var payload = buffer.readSlice(length: Int(length)), let byte = payload.readInteger(as: UInt8.self) else {
            throw .badLength(Int(length))
        }
        switch TypeByte(rawValue: byte) {
        case .input:
            return .input(payload.readBytes(length: payload.readableBytes) ?? [])
        case .retrieve:
            guard payload.readableBytes == 16 + 8 + 4, let credential = payload.readBytes(length: 16),
                let after = payload.readInteger(as: UInt64.self), let wait = payload.readInteger(as: UInt32.self)
            else { throw .badPayload("RETRIEVE") }
            return .retrieve(NaccsRetrieveRequest(credentialBytes: credential, after: after, waitMilliseconds: wait))
        case .output:
            guard let sequence = payload.readInteger(as: UInt64.self) else { throw .badPayload("OUTPUT") }
            return .output(sequence: sequence, message: payload.readBytes(length: payload.readableBytes) ?? [])
        case .end:
            guard payload.readableBytes == 0 else { throw .badPayload("END") }
            return .end
        case nil:
            throw .unknownType(byte)
        }
    }
}

/// A RETRIEVE request: the credential as 16 fixed-width bytes, the acknowledged sequence and how long to wait.
public struct NaccsRetrieveRequest: Sendable, Hashable {
    /// User code (5), identification number (3), password (8), space-padded.
    public let credentialBytes: [UInt8]
    public let after: UInt64
    public let waitMilliseconds: UInt32

    public init(credentialBytes: [UInt8], after: UInt64, waitMilliseconds: UInt32) {
        self.credentialBytes = credentialBytes
        self.after = after
        self.waitMilliseconds = waitMilliseconds
    }

    /// The request for `credential`; throws when the credential does not fit its fields.
    public init(credential: NaccsCredential, after: UInt64, wait: Duration) throws(NaccsFittingError) {
        var bytes: [UInt8] = []
        for (value, width, field) in [
            (credential.userCode, 5, "userCode"), (credential.identificationNumber, 3, "identificationNumber"),
            (credential.password, 8, "password"),
        ] {
            let utf8 = Array(value.utf8)
            let allowed: NaccsCharacterSet = field == "password" ? .password : .alphanumeric
            if let bad = utf8.firstIndex(where: { !allowed.allows($0) }) {
                throw .invalidCharacter(field: field, position: bad + 1, characterSet: allowed)
            }
            guard utf8.count <= width else { throw .tooLong(field: field, width: width, length: utf8.count) }
            bytes += utf8 + Array(repeating: 0x20, count: width - utf8.count)
        }
        self.credentialBytes = bytes
        self.after = after
        let milliseconds = wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000
        self.waitMilliseconds = UInt32(clamping: max(0, milliseconds))
    }

    /// (user code, identification number, password) with padding removed.
    public var credentialFields: (userCode: String, identificationNumber: String, password: String) {
        func field(_ range: Range<Int>) -> String {
            var slice = credentialBytes[range]
            while slice.last == 0x20 { slice = slice.dropLast() }
            return String(decoding: slice, as: UTF8.self)
        }
        guard credentialBytes.count == 16 else { return ("", "", "") }
        return (field(0..<5), field(5..<8), field(8..<16))
    }
}

/// A frame that breaks the framing protocol.
public enum NaccsFrameError: Error, Sendable, Hashable, CustomStringConvertible {
    case badLength(Int)
    case unknownType(UInt8)
    case badPayload(String)

    public var description: String {
        switch self {
        case .badLength(let length): return "frame length \(length) outside 1...\(NaccsFrame.maximumLength)"
        case .unknownType(let byte): return "unknown frame type 0x\(String(byte, radix: 16))"
        case .badPayload(let type): return "malformed \(type) frame"
        }
    }
}

/// NIO decoder: bytes → `NaccsFrame`.
public struct NaccsFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = NaccsFrame

    public init() {}

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try NaccsFrame.read(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// NIO encoder: `NaccsFrame` → bytes.
public struct NaccsFrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = NaccsFrame

    public init() {}

    public func encode(data: NaccsFrame, out: inout ByteBuffer) throws {
        data.write(to: &out)
    }
}
