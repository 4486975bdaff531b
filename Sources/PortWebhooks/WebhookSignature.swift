import PortCrypto

/// The HTTP headers of a webhook delivery and its signature.
///
/// Every delivery is `POST <target url>` with the event's JSON payload as the body and these headers:
///
/// | Header | Value |
/// | --- | --- |
/// | `Content-Type` | `application/json` |
/// | `User-Agent` | `CyberPortOpen-Webhooks/1` |
/// | `CyberPort-Delivery-Id` | the delivery's id (UUID): the same on every retry of this event to this target; receivers de-duplicate by it |
/// | `CyberPort-Event-Id` | the event's id (UUID), the same for every target |
/// | `CyberPort-Event-Type` | e.g. `deal.created` |
/// | `CyberPort-Attempt` | 1 for the first attempt, 2 for the first retry, … |
/// | `CyberPort-Timestamp` | when this attempt was signed, in Unix seconds |
/// | `CyberPort-Signature` | `v1=` + lowercase hex of HMAC-SHA256(key: the target's secret token as UTF-8, message: `<timestamp>.<body>`); absent when the target has no secret |
///
/// A receiver recomputes the HMAC over the timestamp header, a `.` and the raw body bytes, compares it in constant
/// time, and rejects timestamps far from its clock (e.g. more than 5 minutes) to stop replays.
public enum WebhookSignature {
    public static let deliveryIDHeader = "CyberPort-Delivery-Id"
    public static let eventIDHeader = "CyberPort-Event-Id"
    public static let eventTypeHeader = "CyberPort-Event-Type"
    public static let attemptHeader = "CyberPort-Attempt"
    public static let timestampHeader = "CyberPort-Timestamp"
    public static let signatureHeader = "CyberPort-Signature"
    /// The scheme prefix of the signature header's value.
    public static let scheme = "v1="

    /// `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
    public static func signature(secret: String, timestamp: Int64, body: [UInt8]) -> String {
        let message = Array("\(timestamp).".utf8) + body
        let code = HMACSHA256.authenticationCode(for: message, key: Array(secret.utf8))
        return scheme + hex(code)
    }

    /// Whether `header` is a valid signature of `body` at `timestamp` under `secret` (constant-time comparison).
    public static func isValid(_ header: String, secret: String, timestamp: Int64, body: [UInt8]) -> Bool {
        constantTimeEquals(Array(header.utf8), Array(signature(secret: secret, timestamp: timestamp, body: body).utf8))
    }

    /// The headers of one attempt (without `User-Agent`, which the poster adds).
    public static func headers(
        deliveryID: String, eventID: String, eventType: String, attempt: Int, timestamp: Int64, secret: String,
        body: [UInt8]
    ) -> [HTTPHeader] {
        var headers = [
            HTTPHeader("Content-Type", "application/json"),
            HTTPHeader(deliveryIDHeader, deliveryID),
            HTTPHeader(eventIDHeader, eventID),
            HTTPHeader(eventTypeHeader, eventType),
            HTTPHeader(attemptHeader, String(attempt)),
            HTTPHeader(timestampHeader, String(timestamp)),
        ]
        if !secret.isEmpty {
            headers.append(HTTPHeader(signatureHeader, signature(secret: secret, timestamp: timestamp, body: body)))
        }
        return headers
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
