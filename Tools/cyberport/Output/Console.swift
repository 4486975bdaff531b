import Foundation

/// Writes to standard output (responses, listings) and standard error (diagnostics, --verbose metadata).
/// Writes go straight to the file descriptors (no buffering), so streamed responses appear as they arrive, even in
/// a pipe.
enum Console {
    static func output(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
