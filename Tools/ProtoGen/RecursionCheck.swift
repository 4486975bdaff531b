/// Rejects messages that contain themselves through singular or oneof message fields: Swift structs cannot, and
/// the generated types have no boxed storage. (Repeated and map fields are fine: arrays and dictionaries box.)
enum RecursionCheck {
    static func rejectInfiniteStructs(_ files: [FileModel]) throws(GeneratorError) {
        var edges: [String: [String]] = [:]
        for file in files {
            for message in file.messages { collectEdges(message, into: &edges) }
        }
        var state: [String: Bool] = [:]  // false = on the current path, true = done
        for name in edges.keys.sorted() {
            try visit(name, edges: edges, state: &state, path: [])
        }
    }

    private static func collectEdges(_ message: MessageModel, into edges: inout [String: [String]]) {
        var targets: [String] = []
        for member in message.members {
            switch member {
            case .field(let field):
                if case .singular(.message(let type)) = field.shape { targets.append(type) }
            case .oneof(let oneof):
                for field in oneof.members {
                    if case .singular(.message(let type)) = field.shape { targets.append(type) }
                }
            }
        }
        edges[message.qualifiedSwiftName] = targets
        for nested in message.nestedMessages { collectEdges(nested, into: &edges) }
    }

    private static func visit(
        _ name: String, edges: [String: [String]], state: inout [String: Bool], path: [String]
    ) throws(GeneratorError) {
        if let done = state[name] {
            if done { return }
            throw GeneratorError("recursive message \((path + [name]).joined(separator: " → ")) is not supported")
        }
        state[name] = false
        for target in edges[name] ?? [] { try visit(target, edges: edges, state: &state, path: path + [name]) }
        state[name] = true
    }
}
