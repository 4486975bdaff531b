import Foundation

/// The descriptor set Protos/generate.sh embeds in CPortProtocol (`EmbeddedDescriptors.fileDescriptorSet` at run
/// time), read back from the generated C source so these tests need only PortDescriptors.
enum EmbeddedDescriptorSetFixture {
    static let bytes: [UInt8] = load()

    static var sourcePath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/CPortProtocol/generated/descriptor_set.c").path
    }

    /// The `0x..` bytes of the array initializer in descriptor_set.c.
    private static func load() -> [UInt8] {
        guard let source = try? String(contentsOfFile: sourcePath, encoding: .utf8),
            let start = source.range(of: "] = {"),
            let end = source.range(of: "};", range: start.upperBound..<source.endIndex)
        else { return [] }
        let body = Array(source[start.upperBound..<end.lowerBound].utf8)
        var result: [UInt8] = []
        var index = 0
        while index + 3 < body.count {
            if body[index] == UInt8(ascii: "0"), body[index + 1] == UInt8(ascii: "x"),
                let high = hexValue(body[index + 2]), let low = hexValue(body[index + 3])
            {
                result.append(high << 4 | low)
                index += 4
            } else {
                index += 1
            }
        }
        return result
    }

    private static func hexValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
