import NIOCore

/// How an ``RPCServer`` listens and what it allows.
public struct ServerConfiguration: Sendable {
    /// Address to bind; "127.0.0.1" (loopback) by default, "0.0.0.0" for all interfaces.
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free port (see ``RPCServer/localPort``).
    public var port: Int = 0
    /// Largest request message accepted; larger ones end the call with RESOURCE_EXHAUSTED.
    public var maxReceiveMessageSize: Int = 4 << 20
    /// Advertised SETTINGS_MAX_CONCURRENT_STREAMS per connection.
    public var maxConcurrentStreams: Int = 100
    /// Largest request header list (name + value + 32 per field), enforced by the server.
    public var maxHeaderListSize: Int = 16 << 10
    /// Initial per-stream receive window (SETTINGS_INITIAL_WINDOW_SIZE).
    public var initialStreamWindow: Int = 1 << 20
    /// Connection-level receive window.
    public var connectionWindow: Int = 16 << 20
    /// Event-loop threads; handlers run on them.
    public var threads: Int = System.coreCount
    /// How long in-flight calls may run after a graceful shutdown starts.
    public var shutdownGracePeriod: Duration = .seconds(10)
    public var keepalive = Keepalive()
    public var abuseLimits = AbuseLimits()

    public init() {}

    /// Server keepalive and the ping-strike policy of gRPC core.
    public struct Keepalive: Sendable {
        /// Idle time after which the server pings the client.
        public var time: Duration = .seconds(7200)
        /// How long to wait for the PING ACK before closing the connection.
        public var timeout: Duration = .seconds(20)
        /// Pings closer together than this while no call is active count as strikes.
        public var minPingInterval: Duration = .seconds(300)
        /// Strikes allowed before GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings").
        public var maxPingStrikes: Int = 2

        public init() {}
    }

    /// Per-connection rates above which a peer is treated as abusive and the connection ends with GOAWAY.
    public struct AbuseLimits: Sendable {
        /// Frames nghttp2 rejected (burst, then per second).
        public var invalidFrames = (burst: 100, perSecond: 10)
        /// RST_STREAM frames the server itself sent (MadeYouReset defence).
        public var ownResets = (burst: 200, perSecond: 33)
        /// RST_STREAM frames received (second layer behind nghttp2's own limit).
        public var receivedResets = (burst: 1000, perSecond: 33)
        /// PING frames received.
        public var pings = (burst: 200, perSecond: 20)
        /// Empty DATA frames without END_STREAM.
        public var emptyDataFrames = (burst: 200, perSecond: 20)
        /// Handlers still running per connection (including those of reset streams) before new streams are refused
        /// with REFUSED_STREAM; never below twice `maxConcurrentStreams`.
        public var maxRunningHandlers = 200

        public init() {}
    }
}
