/// The trailers a call ends with: the static `grpc-status: 0`, or a status with message, metadata and details.
enum TrailerBlock {
    case staticOK
    case dynamic(status: RPCStatus, trailing: Metadata, details: [UInt8]?)

    /// Submits the trailers (HEADERS with END_STREAM) for a stream that sent response headers.
    func submit(to session: NGHTTP2Session, streamID: Int32) {
        switch self {
        case .staticOK:
            _ = session.submitTrailers(streamID: streamID, headers: StaticHeaders.trailersOK)
        case .dynamic:
            var builder = HeaderListBuilder()
            addStatusFields(to: &builder)
            let block = builder.build()
            _ = session.submitTrailers(streamID: streamID, headers: block)
            block.deallocate()
        }
    }

    /// The single HEADERS block of a trailers-only response; the caller frees it after submitting.
    func trailersOnlyBlock(initialMetadata: Metadata) -> HeaderBlock {
        if case .staticOK = self, initialMetadata.isEmpty { return StaticHeaders.trailersOnlyOKCopy() }
        var builder = HeaderListBuilder()
        builder.add(":status", "200")
        builder.add("content-type", "application/grpc")
        builder.add(initialMetadata)
        addStatusFields(to: &builder)
        return builder.build()
    }

    private func addStatusFields(to builder: inout HeaderListBuilder) {
        switch self {
        case .staticOK:
            builder.add("grpc-status", "0")
        case .dynamic(let status, let trailing, let details):
            builder.add("grpc-status", String(status.code.rawValue))
            if !status.message.isEmpty { builder.add("grpc-message", PercentEncoding.encode(status.message)) }
            builder.add(trailing)
            if let details { builder.add("grpc-status-details-bin", Base64.encode(details, padded: false)) }
        }
    }
}

/// Header blocks that never change, built once and sent without copying.
enum StaticHeaders {
    nonisolated(unsafe) static let responseOK = HeaderBlock(
        [(":status", "200"), ("content-type", "application/grpc")], isStatic: true)
    nonisolated(unsafe) static let trailersOK = HeaderBlock([("grpc-status", "0")], isStatic: true)

    /// A dynamic copy of the trailers-only OK block (callers free what they get).
    static func trailersOnlyOKCopy() -> HeaderBlock {
        HeaderBlock([(":status", "200"), ("content-type", "application/grpc"), ("grpc-status", "0")], isStatic: false)
    }
}
