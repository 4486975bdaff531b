import Foundation
import Logging
import NaccsLink
import NaccsMessages
import NaccsSimulatorKit
import Testing

/// An in-process NACCS simulator on a loopback port and a TCP link to it.
struct SimulatorHarness {
    static let broker = NaccsCredential(userCode: "BRK01", identificationNumber: "001", password: "Brok3rPw")
    static let carrier = NaccsCredential(userCode: "CAR01", identificationNumber: "001", password: "Carr1erP")
    static let terminal = NaccsCredential(userCode: "TRM01", identificationNumber: "002", password: "Term1nal")
    static let forwarder = NaccsCredential(userCode: "FWD01", identificationNumber: "001", password: "Forw4rdr")

    let server: NaccsSimulatorServer
    let link: NaccsTCPLink
    let catalog: NaccsCatalog

    /// Runs `body` against a fresh simulator configured by `configure`, then shuts both down.
    static func with(
        _ configure: (inout NaccsSimulatorConfiguration) -> Void = { _ in },
        _ body: (SimulatorHarness) async throws -> Void
    ) async throws {
        let users = [broker, carrier, terminal, forwarder].map {
            NaccsSimulatorUser(
                userCode: $0.userCode, identificationNumber: $0.identificationNumber, password: $0.password,
                mailAddress: "\($0.userCode.lowercased())@example.jp")
        }
        var configuration = NaccsSimulatorConfiguration(users: users, slowOutputDelay: .milliseconds(20))
        configure(&configuration)
        var logger = Logger(label: "naccs.simulator.test")
        logger.logLevel = .warning
        let server = try NaccsSimulatorServer(configuration: configuration, logger: logger)
        try await server.start()
        let port = try #require(server.port)
        let link = NaccsTCPLink(configuration: .init(host: "127.0.0.1", port: port, exchangeTimeout: .seconds(30)))
        let harness = SimulatorHarness(server: server, link: link, catalog: try NaccsCatalog.load())
        do {
            try await body(harness)
        } catch {
            await link.shutdown()
            await server.shutdown()
            throw error
        }
        await link.shutdown()
        await server.shutdown()
    }

    /// The outputs of one exchange, decoded.
    struct Answer {
        let outputs: [NaccsDeliveredOutput]
        let codes: [NaccsResultCode]
        /// The result items of the notice (after the result codes).
        let result: NaccsItemValues
        /// The screen or inquiry result, if any.
        let reply: NaccsItemValues?

        var isNormal: Bool { codes == [.normal] }
    }

    /// The input message for `code` with `values`.
    func message(_ code: String, _ values: NaccsItemValues, inputID: String = "") throws -> NaccsInputMessage {
        let business = try #require(catalog.businessCode(code), "\(code)")
        return NaccsInputMessage(
            header: NaccsInputHeader(businessCode: code, inputInformationID: inputID, indexHandOver: "deal EXP_TEST"),
            body: try business.input.encode(values))
    }

    /// Sends `code` with `values` as `credential` and decodes the answer.
    func send(
        _ code: String, _ values: NaccsItemValues, as credential: NaccsCredential, inputID: String = ""
    ) async throws -> Answer {
        let outputs = try await link.send(try message(code, values, inputID: inputID), as: credential)
        return try decode(code, outputs)
    }

    func decode(_ code: String, _ outputs: [NaccsDeliveredOutput]) throws -> Answer {
        let business = try #require(catalog.businessCode(code))
        let notice = try #require(outputs.first)
        #expect(notice.message.header.kind == .resultNotice)
        #expect(notice.message.header.businessCode == code)
        #expect(notice.message.header.outputInformationCode == business.resultOutputCode)
        let codes = try notice.message.resultCodes()
        var result = NaccsItemValues()
        if codes.allSatisfy({ !$0.isError }) {
            result = try business.resultNotice.decode(notice.message.body)
            result.setOccurrences("RCD", [])
        }
        var reply: NaccsItemValues?
        if outputs.count > 1, let layout = business.reply {
            #expect(outputs[1].message.header.kind == business.replyKind)
            #expect(outputs[1].message.header.outputInformationCode == business.replyOutputCode)
            reply = try layout.decode(outputs[1].message.body)
        }
        return Answer(outputs: outputs, codes: codes, result: result, reply: reply)
    }

    /// Retrieves `credential`'s outputs above `after` until one with output information code `outputCode` arrives
    /// (each retrieval waits up to 10 s; no timing is asserted).
    func awaitOutput(_ outputCode: String, for credential: NaccsCredential, after: UInt64) async throws -> NaccsDeliveredOutput {
        var cursor = after
        for _ in 0..<20 {
            let outputs = try await link.retrieveOutputs(for: credential, after: cursor, waitingUpTo: .seconds(10))
            if let found = outputs.first(where: { $0.message.header.outputInformationCode == outputCode }) { return found }
            cursor = outputs.map(\.sequence).max() ?? cursor
        }
        throw HarnessError.noOutput(outputCode)
    }

    enum HarnessError: Error { case noOutput(String) }

    /// Today in Japan, shifted by `days`, as `yyyyMMdd`.
    static func japanDate(addingDays days: Int = 0) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Tokyo") ?? TimeZone(secondsFromGMT: 9 * 3600) ?? .current
        let date = calendar.date(byAdding: .day, value: days, to: Date()) ?? Date()
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d%02d%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// A valid ISO 6346 container number for owner `owner` (3 letters) and serial.
    static func container(_ owner: String, _ serial: Int) -> String {
        let prefix = owner + "U" + String(format: "%06d", serial)
        return prefix + String(NaccsContainerNumber.checkDigit(of: prefix) ?? 0)
    }
}

extension NaccsItemValues {
    /// Values with repeated items given as arrays.
    init(_ single: [String: String], rows: [String: [String]]) {
        self.init(single)
        for (item, values) in rows { setOccurrences(item, values) }
    }
}
