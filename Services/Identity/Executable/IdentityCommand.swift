import ArgumentParser
import IdentityKit
import PortCrypto
import PortServiceKit
import PortStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `cyberport-identity`: companies, organizations, users, business types, credentials and tokens.
@main
struct IdentityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cyberport-identity",
        abstract: "Cyber Port Identity service (gRPC, default port 50051).",
        discussion: """
            Secrets come from the environment or files, never from flags:
              CYBERPORT_IDENTITY_OPERATOR_PASSWORD   password of the bootstrap operator (with --operator-email)
              CYBERPORT_IDENTITY_KEY_ENCRYPTION_KEY  32 bytes, base64url: seals the token-signing keys at rest
            """)

    @OptionGroup var options: CommonOptions

    @Option(name: .customLong("operator-email"), help: "Create this platform operator account at start-up if it does not exist (env CYBERPORT_IDENTITY_OPERATOR_EMAIL; password from CYBERPORT_IDENTITY_OPERATOR_PASSWORD or --operator-password-file).")
    var operatorEmail: String?

    @Option(name: .customLong("operator-password-file"), help: "File holding the bootstrap operator's password.")
    var operatorPasswordFile: String?

    @Option(name: .customLong("key-encryption-key-file"), help: "File holding the 32-byte key-encryption key (base64url) that seals token-signing keys (env CYBERPORT_IDENTITY_KEY_ENCRYPTION_KEY).")
    var keyEncryptionKeyFile: String?

    @Option(name: .customLong("access-token-ttl"), help: "Access-token lifetime in seconds (default 900).")
    var accessTokenTTL: Int64?

    @Option(name: .customLong("refresh-token-ttl"), help: "Refresh-token lifetime in seconds (default 2592000 = 30 days).")
    var refreshTokenTTL: Int64?

    @Option(name: .customLong("signing-key-rotation"), help: "Rotate the token-signing key after this many seconds (default 2592000; 0 = only on request).")
    var signingKeyRotation: Int64?

    @Option(name: .customLong("password-hash"), help: "Argon2id cost: interactive (default: 2 passes, 64 MiB), moderate (3 passes, 256 MiB) or minimum (tests only).")
    var passwordHash: String?

    func run() async throws {
        let settings = try options.resolve(service: "identity", defaultPort: 50051)
        let identity = try identityConfiguration()
        let host = try ServiceHost(settings: settings)
        let database = try await host.openDatabase(migrations: IdentityServer.migrations)
        let server: IdentityServer
        do {
            server = try await IdentityServer.start(database: database, configuration: identity, logger: host.logger)
        } catch {
            await database.close()
            throw error
        }
        try await host.run(services: server.services)
        await server.shutdown()
        await database.close()
    }

    private func identityConfiguration() throws -> IdentityConfiguration {
        var configuration = IdentityConfiguration()
        if let seconds = accessTokenTTL ?? env("CYBERPORT_IDENTITY_ACCESS_TOKEN_TTL").flatMap({ Int64($0) }) {
            guard (60...86_400).contains(seconds) else { throw ValidationError("access-token-ttl must be within 60…86400 seconds") }
            configuration.accessTokenLifetime = seconds
        }
        if let seconds = refreshTokenTTL ?? env("CYBERPORT_IDENTITY_REFRESH_TOKEN_TTL").flatMap({ Int64($0) }) {
            guard (300...(365 * 86_400)).contains(seconds) else { throw ValidationError("refresh-token-ttl must be within 300 s…365 days") }
            configuration.refreshTokenLifetime = seconds
        }
        if let seconds = signingKeyRotation {
            guard seconds == 0 || seconds >= 3600 else { throw ValidationError("signing-key-rotation must be 0 or at least 3600 seconds") }
            configuration.signingKeyRotation = seconds
        }
        switch passwordHash ?? env("CYBERPORT_IDENTITY_PASSWORD_HASH") ?? "interactive" {
        case "interactive": configuration.passwordHashing = .interactive
        case "moderate": configuration.passwordHashing = .moderate
        case "minimum": configuration.passwordHashing = .minimumForTests
        case let other: throw ValidationError("unknown password-hash cost \"\(other)\" (interactive, moderate or minimum)")
        }
        let kekText = try keyEncryptionKeyFile.map { try readSecretFile($0, what: "key-encryption key") }
            ?? env("CYBERPORT_IDENTITY_KEY_ENCRYPTION_KEY")
        if let kekText {
            guard let key = Base64URL.decode(kekText), key.count == 32 else {
                throw ValidationError("the key-encryption key must be 32 bytes in base64url (e.g. `head -c32 /dev/urandom | basenc --base64url -w0 | tr -d =`)")
            }
            configuration.keyEncryptionKey = key
        }
        if let email = operatorEmail ?? env("CYBERPORT_IDENTITY_OPERATOR_EMAIL") {
            let password = try operatorPasswordFile.map { try readSecretFile($0, what: "operator password") }
                ?? env("CYBERPORT_IDENTITY_OPERATOR_PASSWORD")
            guard let password, !password.isEmpty else {
                throw ValidationError("--operator-email needs the password in CYBERPORT_IDENTITY_OPERATOR_PASSWORD or --operator-password-file")
            }
            configuration.bootstrapOperator = OperatorAccount(email: email, password: password)
        }
        return configuration
    }

    private func env(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    private func readSecretFile(_ path: String, what: String) throws -> String {
        guard let file = fopen(path, "r") else { throw ValidationError("cannot read the \(what) file \(path)") }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes += buffer[0..<count]
            if bytes.count > 65_536 { throw ValidationError("the \(what) file \(path) is too large") }
        }
        return trimmingTrailingNewlines(String(decoding: bytes, as: UTF8.self))
    }
}

/// `text` without trailing newlines and spaces (secret files usually end with a newline).
func trimmingTrailingNewlines(_ text: String) -> String {
    var result = Substring(text)
    while let last = result.last, last.isNewline || last == " " { result = result.dropLast() }
    return String(result)
}
