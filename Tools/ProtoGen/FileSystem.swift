#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The little file IO the generator needs, on the C library (no Foundation).
enum FileSystem {
    static func readBytes(_ path: String) throws(GeneratorError) -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw GeneratorError("cannot open \(path): \(errorText())") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count > 0 { bytes += chunk[0..<count] }
            if count < chunk.count { break }
        }
        if ferror(file) != 0 { throw GeneratorError("cannot read \(path): \(errorText())") }
        return bytes
    }

    /// Writes `text` to `path`, creating missing parent directories.
    static func writeFile(_ text: String, to path: String) throws(GeneratorError) {
        try createDirectories(parentOf: path)
        guard let file = fopen(path, "wb") else { throw GeneratorError("cannot create \(path): \(errorText())") }
        var text = text
        let written = text.withUTF8 { utf8 in fwrite(utf8.baseAddress, 1, utf8.count, file) }
        let closed = fclose(file)
        guard written == text.utf8.count, closed == 0 else {
            throw GeneratorError("cannot write \(path): \(errorText())")
        }
    }

    private static func createDirectories(parentOf path: String) throws(GeneratorError) {
        let components = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        var current = path.hasPrefix("/") ? "" : "."
        for component in components where !component.isEmpty {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw GeneratorError("cannot create directory \(current): \(errorText())")
            }
        }
    }

    static func writeToStandardError(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in _ = write(2, utf8.baseAddress, utf8.count) }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
