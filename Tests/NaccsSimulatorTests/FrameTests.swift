import NIOCore
import NaccsLink
import NaccsMessages
import Testing

/// The TCP framing between link and simulator: frames round-trip, partial frames wait for more bytes, and random
/// bytes give a frame, "need more" or a typed error — never a crash.
@Suite("NACCS link framing")
struct FrameTests {
    @Test("every frame type round-trips, also when split into single bytes")
    func roundTrip() throws {
        let credential = NaccsCredential(userCode: "BRK01", identificationNumber: "001", password: "Brok3rPw")
        let request = try NaccsRetrieveRequest(credential: credential, after: 42, wait: .milliseconds(1500))
        #expect(request.waitMilliseconds == 1500)
        #expect(request.credentialFields == ("BRK01", "001", "Brok3rPw"))
        let frames: [NaccsFrame] = [
            .input(Array("message".utf8)), .retrieve(request), .output(sequence: 7, message: [0x41, 0x0D, 0x0A]), .end,
        ]
        var buffer = ByteBuffer()
        for frame in frames { frame.write(to: &buffer) }
        var decoded: [NaccsFrame] = []
        while let frame = try NaccsFrame.read(from: &buffer) { decoded.append(frame) }
        #expect(decoded == frames)

        var whole = ByteBuffer()
        for frame in frames { frame.write(to: &whole) }
        var trickle = ByteBuffer()
        decoded = []
        for byte in whole.readableBytesView {
            trickle.writeInteger(byte)
            if let frame = try NaccsFrame.read(from: &trickle) { decoded.append(frame) }
        }
        #expect(decoded == frames)
    }

    @Test("bad lengths, types and payloads are typed errors")
    func errors() {
        func read(_ bytes: [UInt8]) -> Result<NaccsFrame?, NaccsFrameError> {
            var buffer = ByteBuffer(bytes: bytes)
            return Result { () throws(NaccsFrameError) -> NaccsFrame? in try NaccsFrame.read(from: &buffer) }
        }
        #expect(read([0, 0, 0, 0]) == .failure(.badLength(0)))
        #expect(read([0, 0x20, 0, 0]) == .failure(.badLength(0x20_0000)))
        #expect(read([0, 0, 0, 1, 0x7F]) == .failure(.unknownType(0x7F)))
        #expect(read([0, 0, 0, 2, 0x82, 0]) == .failure(.badPayload("END")))
        #expect(read([0, 0, 0, 3, 0x02, 1, 2]) == .failure(.badPayload("RETRIEVE")))
        #expect(read([0, 0, 0, 5, 0x81, 1]) == .success(nil))
    }

    @Test("random bytes never crash the frame decoder")
    func fuzz() {
        var state: UInt64 = 0xF4A3_E5
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var outcomes = (frames: 0, errors: 0)
        for _ in 0..<3_000 {
            var bytes = (0..<Int(next() % 40)).map { _ in UInt8(truncatingIfNeeded: next()) }
            if next() % 2 == 0, bytes.count >= 5 {
                // A plausible header: small length, known type.
                bytes[0] = 0
                bytes[1] = 0
                bytes[2] = 0
                bytes[3] = UInt8(1 + next() % 30)
                bytes[4] = [0x01, 0x02, 0x81, 0x82][Int(next() % 4)]
            }
            var buffer = ByteBuffer(bytes: bytes)
            do {
                while let _ = try NaccsFrame.read(from: &buffer) { outcomes.frames += 1 }
            } catch {
                outcomes.errors += 1
            }
        }
        #expect(outcomes.frames > 0 && outcomes.errors > 0)
    }
}
