import NaccsMessages
import Testing

/// The decoders read bytes from outside: random and mutated input must give a message or a typed error with an
/// offset inside the input, never a crash; whatever decodes must re-encode to the same bytes.
@Suite("NACCS decoder fuzz")
struct FuzzTests {
    static let iterations = 4_000

    @Test("random and mutated bytes never crash the message and body decoders")
    func fuzz() throws {
        let catalog = try Samples.catalog()
        var random = SplitMix64(state: 0x5EED_0005)
        let codes = catalog.businessCodes
        var seeds: [(bytes: [UInt8], layout: NaccsLayout, input: Bool)] = []
        for code in codes {
            let body = try code.input.encode(Samples.values(for: code.input, rows: 1))
            seeds.append((try NaccsInputMessage(header: Samples.inputHeader(code.code), body: body).encoded(), code.input, true))
            let notice = try code.resultNotice.encode(Samples.values(for: code.resultNotice, rows: 1))
            let header = Samples.outputHeader(code.code, outputCode: code.resultOutputCode, kind: .resultNotice)
            seeds.append((try NaccsOutputMessage(header: header, body: notice).encoded(), code.resultNotice, false))
        }
        var decoded = 0
        var rejected = 0
        for iteration in 0..<Self.iterations {
            let seed = seeds[Int(random.next() % UInt64(seeds.count))]
            let bytes = iteration % 5 == 0 ? randomBytes(&random) : mutate(seed.bytes, &random)
            if decode(bytes, layout: seed.layout, input: seed.input) { decoded += 1 } else { rejected += 1 }
        }
        #expect(decoded > 0 && rejected > 0, "decoded \(decoded), rejected \(rejected)")
    }

    /// Decodes as an input or output message and then the body; true when all of it decoded.
    private func decode(_ bytes: [UInt8], layout: NaccsLayout, input: Bool) -> Bool {
        do {
            let body: [UInt8]
            if input {
                let message = try NaccsInputMessage(decoding: bytes)
                #expect((try? message.encoded()) == bytes)
                body = message.body
            } else {
                let message = try NaccsOutputMessage(decoding: bytes)
                #expect((try? message.encoded()) == bytes)
                if let codes = try? message.resultCodes() { #expect(codes.count <= NaccsOutputMessage.resultCodeLines) }
                body = message.body
            }
            let values = try layout.decode(body)
            #expect((try? layout.decode(try layout.encode(values))) == values)
            return true
        } catch {
            #expect(error.offset >= 0 && error.offset <= max(bytes.count, 1), "\(error)")
            #expect(!error.field.isEmpty)
            return false
        }
    }

    private func randomBytes(_ random: inout SplitMix64) -> [UInt8] {
        let lengths = [0, 1, 399, 400, 401, 450, 1_000]
        let count = lengths[Int(random.next() % UInt64(lengths.count))]
        let printable = random.next() % 2 == 0
        return (0..<count).map { _ in
            printable ? UInt8(0x20 + random.next() % 95) : UInt8(truncatingIfNeeded: random.next())
        }
    }

    private func mutate(_ original: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = original
        let interesting: [UInt8] = [0x00, 0x0A, 0x0D, 0x20, 0x30, 0x39, 0x41, 0x45, 0x52, 0x5C, 0x7E, 0x7F, 0xFF]
        for _ in 0..<(1 + random.next() % 3) {
            guard !bytes.isEmpty else { break }
            let at = Int(random.next() % UInt64(bytes.count))
            switch random.next() % 6 {
            case 0: bytes[at] = interesting[Int(random.next() % UInt64(interesting.count))]
            case 1: bytes[at] = UInt8(truncatingIfNeeded: random.next())
            case 2: bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(random.next() % 8)))
            case 3: bytes.insert(contentsOf: [0x0D, 0x0A], at: at)
            case 4: bytes = Array(bytes.prefix(at))
            default:
                // A printable change inside a field, keeping the length: often still decodes.
                bytes[at] = UInt8(0x41 + random.next() % 26)
            }
        }
        return bytes
    }
}
