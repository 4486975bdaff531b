import BenchFixtures
import BenchKit
import Foundation
import PortAPI
import PortAuth
import PortCrypto
import PortProtocol
import PortRPC

/// The measurements of one round.
struct RoundResult: Sendable {
    var round: Int
    /// Logins over gRPC, `clients` concurrent callers.
    var login: PhaseResult
    /// Reference: PasswordHasher.verify on as many threads as Identity's hashing pool.
    var ceiling: PhaseResult
    var uncachedSingle: PhaseResult
    var uncachedAll: PhaseResult
    var cachedSingle: PhaseResult
    var cachedAll: PhaseResult
    /// Reference: AuthService.GetCaller over gRPC with the token, `clients` concurrent callers.
    var remote: PhaseResult
    /// The order the phases ran in (alternates between rounds).
    var order: [String]
}

/// Everything the phases need, prepared once.
struct Workbench: Sendable {
    let auth: Cyberport_Identity_V1_AuthServiceClient
    let population: Population
    let clients: Int
    let hashThreads: Int
    let verifyThreads: Int
    let warmup: Double
    let duration: Double
    let passwordHashing: PasswordHasher.Parameters
    /// No cache: every verification parses, checks the Ed25519 signature and decodes the claims.
    let uncachedVerifier: TokenVerifier
    /// The default cache, warmed with every token.
    let cachedVerifier: TokenVerifier
    /// A password and its hash made with `passwordHashing`, for the ceiling.
    let ceilingPassword: String
    let ceilingHash: String

    private var window: Window { .starting(afterWarmup: warmup, duration: duration) }

    // MARK: Login

    func login() async -> PhaseResult {
        let requests = population.users.map { user in
            var request = Cyberport_Identity_V1_LoginRequest()
            request.email = user.email
            request.password = user.password
            return request
        }
        let auth = self.auth
        let clients = self.clients
        return await measureCalls(callers: clients, window: window) { caller, iteration in
            // Caller c logs in as users c, c + C, c + 2C, …: no two callers share a user.
            let request = requests[(caller + iteration * clients) % requests.count]
            let response = try await auth.login(request, options: CallOptions(timeout: .seconds(60)))
            guard let token = response.grant?.accessToken, !token.isEmpty else {
                throw BenchError("Login returned no access token")
            }
        }
    }

    /// Raw Argon2id verifications, no gRPC, no database: the most logins Identity's hashing pool could serve.
    func ceiling() async -> PhaseResult {
        let hasher = PasswordHasher(parameters: passwordHashing)
        let password = ceilingPassword
        let hash = ceilingHash
        return await measureOnThreads(threads: hashThreads, name: "argon2-ceiling", window: window) { _, _ in
            hasher.verify(password, against: hash) ? nil : "PasswordHasher.verify returned false"
        }
    }

    // MARK: Token verification

    func localVerification(cached: Bool, threads: Int) async -> PhaseResult {
        let verifier = cached ? cachedVerifier : uncachedVerifier
        let tokens = population.tokens
        let stride = max(1, tokens.count / threads)
        // Cached verifications take well under a microsecond: read the clock only every 64 of them.
        return await measureOnThreads(
            threads: threads, name: cached ? "verify-cached" : "verify-uncached", window: window, batch: cached ? 64 : 1
        ) { thread, iteration in
            let token = tokens[(thread * stride + iteration) % tokens.count]
            do {
                _ = try verifier.verify(token)
                return nil
            } catch {
                return "\(error)"
            }
        }
    }

    /// The Ed25519 signature check alone (no parsing, no JSON, no cache), one thread: how much of an uncached
    /// verification is the signature. A short window, measured once during set-up.
    func signatureOnly(publicKey: Ed25519PublicKey) async -> PhaseResult {
        let inputs: [(message: [UInt8], signature: [UInt8])] = population.tokens.compactMap { token in
            let bytes = Array(token.utf8)
            guard let first = bytes.firstIndex(of: UInt8(ascii: ".")),
                let second = bytes[(first + 1)...].firstIndex(of: UInt8(ascii: ".")),
                let signature = Base64URL.decode(bytes[(second + 1)...])
            else { return nil }
            return (Array(bytes[..<second]), signature)
        }
        let window = Window.starting(afterWarmup: 0.2, duration: 1)
        return await measureOnThreads(threads: 1, name: "ed25519", window: window) { _, iteration in
            let input = inputs[iteration % inputs.count]
            return publicKey.isValidSignature(input.signature, for: input.message) ? nil : "signature check failed"
        }
    }

    /// What asking Identity for every check costs: GetCaller with the token over gRPC.
    func remoteVerification() async -> PhaseResult {
        let options = population.tokens.map { IdentityFixture.bearer($0, timeout: .seconds(30)) }
        let subject = population.apiKeyName
        let auth = self.auth
        let clients = self.clients
        return await measureCalls(callers: clients, window: window) { caller, iteration in
            let response = try await auth.getCaller(
                Cyberport_Identity_V1_GetCallerRequest(), options: options[(caller + iteration * clients) % options.count])
            guard response.subject == subject else {
                throw BenchError("GetCaller answered subject \(response.subject), expected \(subject)")
            }
        }
    }

    // MARK: Rounds

    /// One round. Odd rounds run each reference before what it is compared with, even rounds after, so that a
    /// drift in machine load does not favour one side.
    func round(_ number: Int, log: (String) -> Void) async -> RoundResult {
        let referenceFirst = number % 2 == 1
        var order: [String] = []
        func note(_ name: String, _ result: PhaseResult) {
            order.append(name)
            let errors = result.errors > 0 ? ", \(result.errors) errors (first: \(result.firstError ?? "?"))" : ""
            log("  round \(number) \(name): \(Format.rate(result.rate))/s\(errors)")
        }

        var login: PhaseResult
        var ceiling: PhaseResult
        if referenceFirst {
            ceiling = await self.ceiling(); note("ceiling", ceiling)
            login = await self.login(); note("login", login)
        } else {
            login = await self.login(); note("login", login)
            ceiling = await self.ceiling(); note("ceiling", ceiling)
        }

        var remote: PhaseResult?
        if referenceFirst {
            remote = await remoteVerification(); note("remote", remote!)
        }
        let uncachedSingle = await localVerification(cached: false, threads: 1); note("uncached×1", uncachedSingle)
        let uncachedAll = await localVerification(cached: false, threads: verifyThreads); note("uncached×\(verifyThreads)", uncachedAll)
        let cachedSingle = await localVerification(cached: true, threads: 1); note("cached×1", cachedSingle)
        let cachedAll = await localVerification(cached: true, threads: verifyThreads); note("cached×\(verifyThreads)", cachedAll)
        if !referenceFirst {
            remote = await remoteVerification(); note("remote", remote!)
        }
        return RoundResult(
            round: number, login: login, ceiling: ceiling, uncachedSingle: uncachedSingle, uncachedAll: uncachedAll,
            cachedSingle: cachedSingle, cachedAll: cachedAll, remote: remote!, order: order)
    }
}
