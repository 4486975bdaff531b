import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where `login` gets passwords and API keys from. They are never printed, logged or saved.
enum Secrets {
    /// The password: $CYBERPORT_PASSWORD, else typed at the terminal without echo when standard input is one,
    /// else the first line of standard input.
    static func password(for email: String) throws(CLIFailure) -> String {
        if let fromEnvironment = ProcessInfo.processInfo.environment["CYBERPORT_PASSWORD"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        let line: String?
        if isatty(STDIN_FILENO) == 1 {
            line = PasswordPrompt.read(prompt: "Password for \(email): ")
        } else {
            line = readLine(strippingNewline: true)
        }
        var password = line ?? ""
        if password.hasSuffix("\r") { password.removeLast() }
        guard !password.isEmpty else {
            throw CLIFailure(
                "no password: set CYBERPORT_PASSWORD, type it at the prompt or give it as a line on standard input",
                exitCode: LocalExitCode.noInput)
        }
        return password
    }

    /// $CYBERPORT_API_KEY, trimmed; nil when unset or empty.
    static func apiKeyFromEnvironment() -> String? {
        let key = ProcessInfo.processInfo.environment["CYBERPORT_API_KEY"]?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return key.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The API key in `file` (surrounding whitespace and the final newline removed).
    static func apiKey(file: String) throws(CLIFailure) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw CLIFailure("cannot read the API key file \(file)", exitCode: LocalExitCode.noInput)
        }
        guard data.count <= 65_536 else {
            throw CLIFailure("the API key file \(file) is too large", exitCode: LocalExitCode.noInput)
        }
        let key = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !key.isEmpty else {
            throw CLIFailure("the API key file \(file) is empty", exitCode: LocalExitCode.noInput)
        }
        return key
    }
}
