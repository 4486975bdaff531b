/// Emits an open protobuf enum as a `ProtoEnum` struct with one static constant per named value.
struct EnumEmitter {
    let model: EnumModel

    func emit(into writer: inout CodeWriter) {
        writer.docComment(model.comment ?? "The `\(model.fullName)` enum.")
        writer.block("public struct \(model.swiftName): ProtoEnum") { writer in
            writer.line("public var rawValue: Int32")
            writer.line()
            writer.line("public init(rawValue: Int32) { self.rawValue = rawValue }")
            for value in model.values {
                writer.line()
                writer.docComment(value.comment ?? "`\(value.protoName)` = \(value.number)")
                writer.line("public static let \(value.swiftName) = \(model.swiftName)(rawValue: \(value.number))")
            }
            writer.line()
            writer.line("public static var protoEnumName: String { \(SwiftNaming.stringLiteral(model.fullName)) }")
            writer.line()
            let known = model.values.map { "." + $0.swiftName }
            let single = "public static var knownValues: [\(model.swiftName)] { [\(known.joined(separator: ", "))] }"
            if single.count + 4 <= CodeWriter.lineLimit {
                writer.line(single)
            } else {
                writer.block("public static var knownValues: [\(model.swiftName)]") { writer in
                    writer.wrapped("", open: "[", known, "]")
                }
            }
            writer.line()
            writer.block("public var protoValueName: String?") { writer in
                writer.switchBlock("rawValue") { writer in
                    var seen: Set<Int32> = []
                    for value in model.values where seen.insert(value.number).inserted {
                        writer.line("case \(value.number): \(SwiftNaming.stringLiteral(value.protoName))")
                    }
                    writer.line("default: nil")
                }
            }
        }
    }
}
