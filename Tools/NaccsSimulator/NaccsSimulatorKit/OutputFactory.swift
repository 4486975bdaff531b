import NaccsMessages

/// Builds the simulator's output messages, echoing the input's hand-over fields as NACCS does.
struct OutputFactory {
    let catalog: NaccsCatalog

    /// The fields outputs copy from their input.
    struct Echo: Sendable {
        var businessCode: String
        var userCode: String
        var mailAddress: String
        var messageHandOver: String
        var inputInformationID: String
        var indexHandOver: String

        init(header: NaccsInputHeader, mailAddress: String) {
            businessCode = header.businessCode
            userCode = header.userCode
            self.mailAddress = mailAddress
            messageHandOver = header.messageHandOver
            inputInformationID = header.inputInformationID
            indexHandOver = header.indexHandOver
        }

        init(businessCode: String) {
            self.businessCode = businessCode
            userCode = ""
            mailAddress = ""
            messageHandOver = ""
            inputInformationID = ""
            indexHandOver = ""
        }
    }

    /// An output message: `values` encoded with `layout`. Values that do not fit (echoed from a bad input) are
    /// dropped rather than failing the answer.
    func output(
        _ echo: Echo, outputCode: String, kind: NaccsMessageKind, layout: NaccsLayout, values: NaccsItemValues,
        subject: String, receivedAt: String
    ) -> [UInt8] {
        let body = (try? layout.encode(values)) ?? (try? layout.encode(NaccsItemValues())) ?? []
        let header = NaccsOutputHeader(
            businessCode: fitting(echo.businessCode, 5, .alphanumeric), outputInformationCode: outputCode,
            receivedAt: receivedAt, userCode: fitting(echo.userCode, 5, .alphanumeric),
            userMailAddress: fitting(echo.mailAddress, 64, .text), subject: fitting(subject, 64, .text),
            messageHandOver: echo.messageHandOver, kind: kind, inputInformationID: echo.inputInformationID,
            indexHandOver: echo.indexHandOver)
        return (try? NaccsOutputMessage(header: header, body: body).encoded()) ?? []
    }

    /// A processing-result notice for `code` (or for an input whose business code is unknown: `*S` + what was sent).
    func resultNotice(
        _ echo: Echo, code: NaccsBusinessCode?, results: [NaccsResultCode], values: NaccsItemValues, subject: String,
        receivedAt: String
    ) -> [UInt8] {
        var all = values
        all.setOccurrences("RCD", Array(results.prefix(NaccsOutputMessage.resultCodeLines)).map(\.description))
        let layout = code?.resultNotice ?? catalog.resultCodes
        let outputCode = code?.resultOutputCode ?? "*S" + String(echo.businessCode.prefix(5))
        if code == nil || !results.allSatisfy({ !$0.isError }) {
            var codesOnly = NaccsItemValues()
            codesOnly.setOccurrences("RCD", all.occurrences("RCD"))
            all = codesOnly
        }
        return output(echo, outputCode: outputCode, kind: .resultNotice, layout: layout, values: all, subject: subject, receivedAt: receivedAt)
    }

    private func fitting(_ value: String, _ width: Int, _ set: NaccsCharacterSet) -> String {
        let bytes = value.utf8
        guard bytes.count <= width, bytes.allSatisfy(set.allows) else { return "" }
        return value
    }
}
