#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Applies one request header field to a stream: routes `:path`, checks `:method`, `content-type`, `grpc-timeout`
/// and `grpc-encoding`, and keeps everything else as custom metadata. Byte comparisons only: no String is made for
/// the headers every call carries.
enum RequestHeaderParser {
    private static let pathName = Array(":path".utf8)
    private static let methodName = Array(":method".utf8)
    private static let contentTypeName = Array("content-type".utf8)
    private static let timeoutName = Array("grpc-timeout".utf8)
    private static let encodingName = Array("grpc-encoding".utf8)
    private static let grpcContentType = Array("application/grpc".utf8)

    static func apply(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, to stream: ServerStream, routes: RouteTable) {
        guard let first = name.first else { return }
        if first == UInt8(ascii: ":") {
            if equals(name, pathName) {
                stream.route = routes.lookup(value)
                if stream.route == nil { stream.unknownPath = String(decoding: value, as: UTF8.self) }
            } else if equals(name, methodName) {
                stream.sawPOST = value.count == 4 && equals(value, Array("POST".utf8))
            }
            return  // :scheme and :authority are not used
        }
        switch name.count {
        case 2 where equals(name, Array("te".utf8)):
            return
        case 12 where equals(name, contentTypeName):
            if hasGRPCContentType(value) {
                stream.sawGRPCContentType = true
            } else {
                stream.contentType = String(decoding: value, as: UTF8.self)
            }
            return
        case 12 where equals(name, timeoutName):
            if let nanos = GRPCTimeout.parse(value) {
                stream.timeoutNanos = nanos
            } else {
                stream.rejection = .invalidTimeout(String(decoding: value, as: UTF8.self))
            }
            return
        case 13 where equals(name, encodingName):
            if !equals(value, Array("identity".utf8)) {
                stream.rejection = .unsupportedEncoding(String(decoding: value, as: UTF8.self))
            }
            return
        default:
            break
        }
        let nameText = String(decoding: name, as: UTF8.self)
        if nameText == "grpc-accept-encoding" || nameText == "grpc-message-type" { return }
        if nameText.hasSuffix("-bin") {
            if let bytes = Base64.decode(String(decoding: value, as: UTF8.self)) {
                stream.requestMetadata.appendLowercased(nameText, .binary(bytes))
            }
        } else {
            stream.requestMetadata.appendLowercased(nameText, .string(String(decoding: value, as: UTF8.self)))
        }
    }

    /// "application/grpc" alone or followed by "+…" or ";…".
    private static func hasGRPCContentType(_ value: UnsafeRawBufferPointer) -> Bool {
        guard value.count >= grpcContentType.count,
            equals(UnsafeRawBufferPointer(rebasing: value[0..<grpcContentType.count]), grpcContentType)
        else { return false }
        if value.count == grpcContentType.count { return true }
        let next = value[grpcContentType.count]
        return next == UInt8(ascii: "+") || next == UInt8(ascii: ";")
    }

    @inline(__always)
    private static func equals(_ bytes: UnsafeRawBufferPointer, _ literal: [UInt8]) -> Bool {
        guard bytes.count == literal.count else { return false }
        if bytes.isEmpty { return true }
        return literal.withUnsafeBytes { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
    }
}
