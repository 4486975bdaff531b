import Foundation

/// A stock gRPC server (Python grpcio, `Tests/Interop/stock_server.py`) started for the duration of a test, so the
/// project's client is tested against an implementation it does not share code with.
final class StockServer: @unchecked Sendable {
    let port: Int
    private let process: Process

    /// Starts the server; throws with instructions when Python or grpcio is missing (`scripts/test.sh` sets up
    /// `.venv` and exports CYBERPORT_PYTHON and CYBERPORT_STOCK_SERVER).
    init() throws {
        let environment = ProcessInfo.processInfo.environment
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let script = environment["CYBERPORT_STOCK_SERVER"] ?? repository.appendingPathComponent("Tests/Interop/stock_server.py").path
        let venvPython = repository.appendingPathComponent(".venv/bin/python").path
        let python = environment["CYBERPORT_PYTHON"]
            ?? (FileManager.default.isExecutableFile(atPath: venvPython) ? venvPython : "/usr/bin/python3")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, "--port", "0", "--grace", "0.5"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        self.process = process

        // Read until "listening on HOST:PORT" (or the process dies).
        var text = ""
        let handle = output.fileHandleForReading
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let data = handle.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }),
                let port = line.split(separator: ":").last.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
            {
                self.port = port
                return
            }
        }
        process.terminate()
        throw StockServerError(
            "the stock grpcio server did not start (run scripts/test.sh, which installs grpcio into .venv): \(text)")
    }

    /// SIGTERM, then SIGKILL if the server is still up after five seconds.
    func stop() {
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

struct StockServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
