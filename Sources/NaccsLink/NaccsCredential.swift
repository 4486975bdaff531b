import NaccsMessages

/// A NACCS user credential: 利用者コード, 識別番号 and password. NACCS allows one input message in flight per
/// credential. The password never appears in descriptions, reflection or errors.
public struct NaccsCredential: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public let userCode: String
    public let identificationNumber: String
    public let password: String

    public init(userCode: String, identificationNumber: String, password: String) {
        self.userCode = userCode
        self.identificationNumber = identificationNumber
        self.password = password
    }

    /// `ABC1D/001`: who, without the secret. Also the key one in-flight message is counted by.
    public var user: String { "\(userCode)/\(identificationNumber)" }

    public var description: String { "NaccsCredential(\(user))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(
            self, children: ["userCode": userCode, "identificationNumber": identificationNumber, "password": "<redacted>"],
            displayStyle: .struct)
    }

    /// `header` with this credential's fields filled in.
    public func applied(to header: NaccsInputHeader) -> NaccsInputHeader {
        var header = header
        header.userCode = userCode
        header.identificationNumber = identificationNumber
        header.password = password
        return header
    }
}
