/// Builds generated source text line by line with four-space indentation.
struct CodeWriter {
    private(set) var text = ""
    private var depth = 0

    /// Appends one line at the current indentation (an empty line has no trailing spaces).
    mutating func line(_ content: String = "") {
        if !content.isEmpty { text += String(repeating: "    ", count: depth) + content }
        text += "\n"
    }

    /// Appends `header {`, the lines `body` writes one level deeper, and `}`.
    mutating func block(_ header: String, _ body: (inout CodeWriter) -> Void) {
        line(header + " {")
        depth += 1
        body(&self)
        depth -= 1
        line("}")
    }

    /// The longest line generated code aims for.
    static let lineLimit = 120

    /// Appends `head` + `open` + the comma-separated `items` + `tail` on one line when it fits in ``lineLimit``,
    /// else `head` + `open`, one item per line indented, and `tail` (for declarations, calls and array literals).
    mutating func wrapped(_ head: String, open: String = "(", _ items: [String], _ tail: String) {
        let single = head + open + items.joined(separator: ", ") + tail
        if fits(single) || items.isEmpty {
            line(single)
            return
        }
        line(head + open)
        depth += 1
        for (index, item) in items.enumerated() { line(item + (index < items.count - 1 ? "," : "")) }
        depth -= 1
        line(tail)
    }

    /// Appends `target = expression` on one line when it fits, else with the expression on the next line, indented.
    mutating func assignment(_ target: String, _ expression: String) {
        let single = target + " = " + expression
        if fits(single) {
            line(single)
        } else {
            line(target + " =")
            indent { $0.line(expression) }
        }
    }

    private func fits(_ text: String) -> Bool { depth * 4 + text.count <= Self.lineLimit }

    /// The lines `body` writes, one level deeper (wrapped arguments, closure bodies).
    mutating func indent(_ body: (inout CodeWriter) -> Void) {
        depth += 1
        body(&self)
        depth -= 1
    }

    /// Appends `switch subject {`, the cases `body` writes at the same level (Swift style), and `}`.
    mutating func switchBlock(_ subject: String, _ body: (inout CodeWriter) -> Void) {
        line("switch \(subject) {")
        body(&self)
        line("}")
    }

    /// Appends `///` lines for a documentation comment.
    mutating func docComment(_ comment: String) {
        for commentLine in comment.split(separator: "\n", omittingEmptySubsequences: false) {
            line(commentLine.isEmpty ? "///" : "/// " + commentLine)
        }
    }
}
