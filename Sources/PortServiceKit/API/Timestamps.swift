import PortProtocol

extension Google_Protobuf_Timestamp {
    /// The timestamp of a Unix time in microseconds.
    public init(micros: Int64) {
        self.init()
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        self.seconds = seconds
        self.nanos = Int32((micros - seconds * 1_000_000) * 1000)
    }

    /// This timestamp as Unix microseconds.
    public var micros: Int64 { seconds * 1_000_000 + Int64(nanos) / 1000 }
}

extension Optional where Wrapped == Int64 {
    /// A timestamp message for a stored microsecond time, nil when unset.
    public var protoTimestamp: Google_Protobuf_Timestamp? { map { Google_Protobuf_Timestamp(micros: $0) } }
}
