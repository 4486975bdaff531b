import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The session file: `$CYBERPORT_SESSION_FILE`, else `${XDG_CONFIG_HOME:-~/.config}/cyberport/session.json`.
/// Written atomically (a temporary file in the same directory, then rename) with mode 0600 in directories created
/// with mode 0700; changes are serialized between processes by locking the directory.
struct SessionStore: Sendable {
    /// The file's path.
    let path: String

    /// Larger files are not session files.
    private static let maximumSize = 1 << 20

    /// The session file of this environment; fails when neither the variables nor $HOME say where it is.
    static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SessionFileError) -> SessionStore {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let file = value("CYBERPORT_SESSION_FILE") { return SessionStore(path: file) }
        if let config = value("XDG_CONFIG_HOME"), config.hasPrefix("/") {
            return SessionStore(path: config + "/cyberport/session.json")
        }
        if let home = value("HOME") { return SessionStore(path: home + "/.config/cyberport/session.json") }
        throw SessionFileError(
            path: "session.json",
            message: "cannot tell where it is: set CYBERPORT_SESSION_FILE, XDG_CONFIG_HOME or HOME")
    }

    /// The directory holding the file.
    var directory: String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The saved session; nil when there is no file. Warns when other users may read the file.
    func load() throws(SessionFileError) -> StoredSession? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw failure("cannot open it: \(Self.systemError())")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure("cannot stat it: \(Self.systemError())") }
        guard info.st_mode & 0o170000 == 0o100000 else { throw failure("it is not a regular file") }
        guard Int(info.st_size) <= Self.maximumSize else { throw failure("it is too large for a session file") }
        if info.st_mode & 0o077 != 0 {
            let mode = String(info.st_mode & 0o777, radix: 8)
            Console.error("warning: \(path) is accessible by other users (mode \(mode)); run: chmod 600 \(path)")
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("cannot read it: \(Self.systemError())")
            }
            if count == 0 { break }
            bytes += buffer[0..<count]
            guard bytes.count <= Self.maximumSize else { throw failure("it is too large for a session file") }
        }
        return try decode(Data(bytes))
    }

    /// Replaces the file atomically with `session`, mode 0600.
    func save(_ session: StoredSession) throws(SessionFileError) {
        var session = session
        session.saveTime = Date()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data: Data
        do { data = try encoder.encode(session) } catch { throw failure("cannot encode the session: \(error)") }
        try makeDirectory()
        let name = path.split(separator: "/").last.map(String.init) ?? "session.json"
        var template = Array("\(directory)/.\(name).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw failure("cannot create a temporary file in \(directory): \(Self.systemError())") }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        do throws(SessionFileError) {
            guard fchmod(fd, 0o600) == 0 else { throw failure("cannot set its mode: \(Self.systemError())") }
            try writeAll(Array(data) + [0x0A], to: fd)
            guard fsync(fd) == 0 else { throw failure("cannot flush it: \(Self.systemError())") }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard close(fd) == 0 else {
            let reason = Self.systemError()
            unlink(temporary)
            throw failure("cannot write it: \(reason)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = Self.systemError()
            unlink(temporary)
            throw failure("cannot replace it: \(reason)")
        }
    }

    /// Deletes the file; false when there was none.
    @discardableResult
    func remove() throws(SessionFileError) -> Bool {
        if unlink(path) == 0 { return true }
        if errno == ENOENT { return false }
        throw failure("cannot delete it: \(Self.systemError())")
    }

    /// Runs `body` holding an exclusive lock on the file's directory (created if missing), so that two processes
    /// never refresh the same session at once (a refresh token works only once).
    func withLock<R>(_ body: () async throws -> R) async throws -> R {
        try makeDirectory()
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot open \(directory) to lock it: \(Self.systemError())") }
        defer { close(fd) }
        let deadline = ContinuousClock.now + .seconds(30)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EAGAIN || errno == EINTR else { throw failure("cannot lock it: \(Self.systemError())") }
            guard ContinuousClock.now < deadline else {
                throw failure("another cyberport process has held its lock for 30 s")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await body()
    }

    private func decode(_ data: Data) throws(SessionFileError) -> StoredSession {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let session: StoredSession
        do {
            session = try decoder.decode(StoredSession.self, from: data)
        } catch let error as DecodingError {
            throw failure("it is not a valid session file (\(Self.describe(error)))")
        } catch {
            throw failure("it is not a valid session file (\(error))")
        }
        guard session.version <= StoredSession.currentVersion else {
            throw failure("it was written by a newer cyberport (format version \(session.version))")
        }
        return session
    }

    /// Creates the missing directories of the path with mode 0700.
    private func makeDirectory() throws(SessionFileError) {
        var current = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") where component != "." {
            current += "/" + component
            if mkdir(current, 0o700) == 0 {
                chmod(current, 0o700)
            } else if errno != EEXIST {
                throw failure("cannot create the directory \(current): \(Self.systemError())")
            }
        }
    }

    private func writeAll(_ bytes: [UInt8], to fd: Int32) throws(SessionFileError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("cannot write it: \(Self.systemError())")
            }
            offset += written
        }
    }

    private func failure(_ message: String) -> SessionFileError { SessionFileError(path: path, message: message) }

    private static func systemError() -> String { String(cString: strerror(errno)) }

    private static func describe(_ error: DecodingError) -> String {
        func at(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "" : " at \(path)"
        }
        switch error {
        case .keyNotFound(let key, _): return "missing \(key.stringValue)"
        case .typeMismatch(_, let context): return "wrong type" + at(context)
        case .valueNotFound(_, let context): return "missing value" + at(context)
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "invalid value" + at(context)
        @unknown default: return "\(error)"
        }
    }
}

/// A session file that cannot be found, read, parsed or written.
struct SessionFileError: Error, CustomStringConvertible {
    var path: String
    var message: String

    var description: String { "session file \(path): \(message)" }
}
