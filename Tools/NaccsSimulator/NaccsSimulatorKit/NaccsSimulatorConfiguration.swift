/// A NACCS user the simulator accepts.
public struct NaccsSimulatorUser: Sendable, Hashable, CustomStringConvertible {
    public let userCode: String
    public let identificationNumber: String
    public let password: String
    /// Written into the outputs' 利用者メールアドレス.
    public let mailAddress: String

    public init(userCode: String, identificationNumber: String, password: String, mailAddress: String = "") {
        self.userCode = userCode
        self.identificationNumber = identificationNumber
        self.password = password
        self.mailAddress = mailAddress
    }

    /// `ABC1D/001`.
    public var key: String { "\(userCode)/\(identificationNumber)" }
    public var description: String { "NaccsSimulatorUser(\(key))" }
}

/// Where injected connection drops happen.
public enum NaccsDropPoint: String, Sendable, CaseIterable {
    /// Close the connection on receiving the input, without processing it.
    case before
    /// Process the input, then close without answering (the outputs wait in the mailbox).
    case after
    /// Either, at random.
    case either
}

/// How the simulator runs: where it listens, whom it accepts, and the faults it injects.
public struct NaccsSimulatorConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (see `NaccsSimulatorServer.port`).
    public var port: Int
    public var users: [NaccsSimulatorUser]
    /// Added before processing each accepted input.
    public var latency: Duration
    /// The share of accepted inputs answered with A0011 (center busy) and not processed, 0…1.
    public var busyRate: Double
    /// The share of inputs whose connection is dropped, 0…1.
    public var dropRate: Double
    public var dropPoint: NaccsDropPoint
    /// How long after EDC/IDC the permit notice arrives in the mailbox.
    public var slowOutputDelay: Duration
    /// Seeds the fault-injection random numbers (the same seed gives the same faults for the same inputs).
    public var seed: UInt64
    /// Outputs held per user; the oldest go first beyond this (NACCS deletes unretrieved outputs after 7 days).
    public var mailboxLimit: Int
    /// Event-loop threads.
    public var threads: Int

    public init(
        host: String = "127.0.0.1", port: Int = 0, users: [NaccsSimulatorUser], latency: Duration = .zero,
        busyRate: Double = 0, dropRate: Double = 0, dropPoint: NaccsDropPoint = .either,
        slowOutputDelay: Duration = .seconds(2), seed: UInt64 = 0x4E41_4343_5300_0000, mailboxLimit: Int = 10_000,
        threads: Int = 1
    ) {
        self.host = host
        self.port = port
        self.users = users
        self.latency = latency
        self.busyRate = busyRate
        self.dropRate = dropRate
        self.dropPoint = dropPoint
        self.slowOutputDelay = slowOutputDelay
        self.seed = seed
        self.mailboxLimit = mailboxLimit
        self.threads = threads
    }

    /// Parses a users file: one user per line, `userCode identificationNumber password [mailAddress]`, separated by
    /// spaces or tabs; blank lines and lines starting with `#` are ignored. Throws naming the line.
    public static func parseUsers(_ text: String) throws(NaccsUsersFileError) -> [NaccsSimulatorUser] {
        var users: [NaccsSimulatorUser] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmedOfBlanks()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard (3...4).contains(fields.count) else {
                throw NaccsUsersFileError(line: index + 1, message: "expected: userCode identificationNumber password [mailAddress]")
            }
            guard fields[0].utf8.count <= 5, fields[1].utf8.count <= 3, (1...8).contains(fields[2].utf8.count) else {
                throw NaccsUsersFileError(line: index + 1, message: "user code ≤ 5, identification number ≤ 3, password 1-8 characters")
            }
            users.append(
                NaccsSimulatorUser(
                    userCode: fields[0], identificationNumber: fields[1], password: fields[2],
                    mailAddress: fields.count == 4 ? fields[3] : ""))
        }
        return users
    }
}

/// A line of a users file that cannot be read.
public struct NaccsUsersFileError: Error, Sendable, CustomStringConvertible {
    public let line: Int
    public let message: String
    public var description: String { "users file line \(line): \(message)" }
}

extension Substring {
    fileprivate func trimmedOfBlanks() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" || first == "\r" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" || last == "\r" { result.removeLast() }
        return result
    }
}
