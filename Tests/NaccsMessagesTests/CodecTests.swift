import NaccsMessages
import Testing

/// The input and output common headers, bodies and result codes: encode → decode → equal for every business code,
/// fixed-width fitting, and typed errors naming the field and offset.
@Suite("NACCS codec")
struct CodecTests {
    @Test("every business code's input message round-trips")
    func inputRoundTrip() throws {
        let catalog = try Samples.catalog()
        for code in catalog.businessCodes {
            let values = Samples.values(for: code.input)
            #expect(code.input.check(values).isEmpty, "\(code.code): \(code.input.check(values))")
            let body = try code.input.encode(values)
            #expect(body.count == code.input.byteCount)
            let message = NaccsInputMessage(header: Samples.inputHeader(code.code), body: body)
            let bytes = try message.encoded()
            #expect(bytes.count == 400 + code.input.byteCount)
            #expect(String(decoding: bytes[392..<398], as: UTF8.self) == pad6(bytes.count))
            let decoded = try NaccsInputMessage(decoding: bytes)
            #expect(decoded == message, "\(code.code)")
            #expect(try code.input.decode(decoded.body) == values, "\(code.code)")
        }
    }

    @Test("every business code's outputs round-trip: result notice, reply, reports")
    func outputRoundTrip() throws {
        let catalog = try Samples.catalog()
        for code in catalog.businessCodes {
            var notice = Samples.values(for: code.resultNotice)
            notice.setOccurrences("RCD", [NaccsResultCode(.warning, 12, item: "CNO", repetition: 2).description])
            var outputs = [(code.resultNotice, notice, code.resultOutputCode, NaccsMessageKind.resultNotice)]
            if let reply = code.reply {
                outputs.append((reply, Samples.values(for: reply, rows: 3), code.replyOutputCode, code.replyKind))
            }
            for (layout, values, outputCode, kind) in outputs {
                let message = NaccsOutputMessage(
                    header: Samples.outputHeader(code.code, outputCode: outputCode, kind: kind),
                    body: try layout.encode(values))
                let decoded = try NaccsOutputMessage(decoding: try message.encoded())
                #expect(decoded == message, "\(code.code) \(outputCode)")
                #expect(try layout.decode(decoded.body) == values, "\(code.code) \(outputCode)")
            }
        }
        for report in catalog.reports {
            let values = Samples.values(for: report.layout)
            let message = NaccsOutputMessage(
                header: Samples.outputHeader(report.trigger, outputCode: report.outputCode, kind: report.kind),
                body: try report.layout.encode(values))
            #expect(try NaccsOutputMessage(decoding: try message.encoded()) == message)
        }
    }

    @Test("header fields sit at the reference offsets")
    func headerOffsets() throws {
        let header = Samples.inputHeader("EDA")
        let bytes = try NaccsInputMessage(header: header, body: []).encoded()
        #expect(bytes.count == 400)
        let text = { (range: Range<Int>) in String(decoding: bytes[range], as: UTF8.self) }
        #expect(text(0..<3) == "   ")
        #expect(text(3..<8) == "EDA  ")
        #expect(text(29..<34) == "ABC1D")
        #expect(text(34..<37) == "001")
        #expect(text(37..<45) == "Secr3tPw")
        #expect(text(219..<245).hasPrefix("handover-EDA"))
        #expect(text(253..<263) == "IDEDA01   ")
        #expect(text(263..<363).hasPrefix("index for EDA"))
        #expect(text(364..<365) == "1")
        #expect(text(392..<398) == "000400")
        #expect(text(398..<400) == "\r\n")

        let output = NaccsOutputHeader(
            businessCode: "EDA", outputInformationCode: "*SEDA", receivedAt: "20240115093000", userCode: "ABC1D",
            subject: "10000000001", splitSerial: 2, isFinal: false, kind: .resultNotice, inputInformationID: "X1")
        let out = try NaccsOutputMessage(header: output, body: []).encoded()
        let outText = { (range: Range<Int>) in String(decoding: out[range], as: UTF8.self) }
        #expect(outText(3..<8) == "EDA  ")
        #expect(outText(8..<15) == "*SEDA  ")
        #expect(outText(15..<29) == "20240115093000")
        #expect(outText(29..<34) == "ABC1D")
        #expect(outText(115..<126) == "10000000001")
        #expect(outText(245..<248) == "002")
        #expect(outText(248..<249) == " ")
        #expect(outText(249..<250) == "R")
        #expect(outText(253..<263) == "X1        ")
        #expect(outText(392..<398) == "000400")
    }

    @Test("fitting refuses to truncate and names the field and width")
    func fitting() throws {
        var header = Samples.inputHeader("EDA")
        header.userCode = "TOOLONG"
        #expect(throws: NaccsFittingError.tooLong(field: "userCode", width: 5, length: 7)) {
            try NaccsInputMessage(header: header, body: []).encoded()
        }
        header = Samples.inputHeader("eda")
        #expect(throws: NaccsFittingError.invalidCharacter(field: "businessCode", position: 1, characterSet: .alphanumeric)) {
            try NaccsInputMessage(header: header, body: []).encoded()
        }
        header = Samples.inputHeader("EDA")
        header.password = "Zq9x wd"
        do {
            _ = try NaccsInputMessage(header: header, body: []).encoded()
            Issue.record("a password with a space was encoded")
        } catch {
            #expect(error == .invalidCharacter(field: "password", position: 5, characterSet: .password))
            #expect(!error.description.contains("Zq9x"))
        }
        #expect(!String(describing: header).contains("Zq9x wd"))
        #expect(!String(reflecting: header).contains("Zq9x wd"))
        var dumped = ""
        dump(header, to: &dumped)
        #expect(!dumped.contains("Zq9x wd"))

        let catalog = try Samples.catalog()
        let cya = try #require(catalog.businessCode("CYA")).input
        var values = NaccsItemValues(["CNO": "CSQU30543830000"])
        #expect(throws: NaccsFittingError.tooLong(field: "CNO", width: 12, length: 15)) { try cya.encode(values) }
        values = NaccsItemValues(["CNO": "CSQU3054383", "TIM": "9:30"])
        #expect(throws: NaccsFittingError.invalidCharacter(field: "TIM", position: 2, characterSet: .numeric)) {
            try cya.encode(values)
        }
        values = NaccsItemValues(["CNO": "csqu3054383"])
        #expect(throws: NaccsFittingError.invalidCharacter(field: "CNO", position: 1, characterSet: .alphanumeric)) {
            try cya.encode(values)
        }
        values = NaccsItemValues(["XYZ": "1"])
        #expect(throws: NaccsFittingError.unknownItem(layout: "CYA", item: "XYZ")) { try cya.encode(values) }
        let vae = try #require(catalog.businessCode("VAE")).input
        values = NaccsItemValues()
        values.setOccurrences("CNO", Array(repeating: "CSQU3054383", count: 21))
        #expect(throws: NaccsFittingError.tooManyOccurrences(field: "CNO", maximum: 20, count: 21)) {
            try vae.encode(values)
        }
        values = NaccsItemValues(["SNO": "Seal\\1"])
        #expect(throws: NaccsFittingError.invalidCharacter(field: "SNO[1]", position: 2, characterSet: .alphanumeric)) {
            try vae.encode(values)
        }
        let text = try #require(catalog.items["RMK"])
        let layout = NaccsLayout(name: "T", groups: [.init(name: nil, repeatCount: 1, fields: [.init(item: text, required: false)])])
        #expect(throws: NaccsFittingError.invalidCharacter(field: "RMK", position: 4, characterSet: .text)) {
            try layout.encode(NaccsItemValues(["RMK": "yen\\"]))
        }
        #expect(throws: NaccsFittingError.invalidCharacter(field: "RMK", position: 1, characterSet: .text)) {
            try layout.encode(NaccsItemValues(["RMK": "漢字"]))
        }
        let big = NaccsInputMessage(header: Samples.inputHeader("EDA"), body: Array(repeating: 0x41, count: 700_000))
        #expect(throws: NaccsFittingError.messageTooLong(length: 700_400, maximum: 700_000)) { try big.encoded() }
    }

    @Test("values are normalised: padding and trailing blank rows are not data")
    func normalisation() throws {
        var values = NaccsItemValues()
        values.setOccurrences("CNO", ["A  ", "", "B", "", ""])
        #expect(values.occurrences("CNO") == ["A", "", "B"])
        values["CNO"] = "   "
        #expect(values.isEmpty)
        values.set("SNO", at: 2, "X")
        #expect(values["SNO", 0] == "" && values["SNO", 2] == "X")
    }

    @Test("check reports required items, dates, times, decimals and allowed values per occurrence")
    func checks() throws {
        let catalog = try Samples.catalog()
        let cya = try #require(catalog.businessCode("CYA")).input
        let problems = cya.check(NaccsItemValues(["CNO": "CSQU3054383", "DTM": "20230230", "TIM": "2460", "EFG": "3"]))
        #expect(problems.contains(.init(item: "DTM", occurrence: 1, kind: .invalidDate)))
        #expect(problems.contains(.init(item: "TIM", occurrence: 1, kind: .invalidTime)))
        #expect(problems.contains(.init(item: "EFG", occurrence: 1, kind: .notAllowed(["4", "5"]))))
        #expect(problems.contains(.init(item: "CYC", occurrence: 1, kind: .missing)))
        let vae = try #require(catalog.businessCode("VAE")).input
        var values = NaccsItemValues(["ECN": "E1"])
        values.set("SNO", at: 1, "SEAL")
        #expect(vae.check(values) == [.init(item: "CNO", occurrence: 1, kind: .missing), .init(item: "CNO", occurrence: 2, kind: .missing)])
        let eda = try #require(catalog.businessCode("EDA")).input
        var edaValues = Samples.values(for: eda)
        edaValues["GWT"] = "1.2.3"
        #expect(eda.check(edaValues) == [.init(item: "GWT", occurrence: 1, kind: .invalidDecimal)])
        edaValues["GWT"] = "12."
        #expect(eda.check(edaValues) == [.init(item: "GWT", occurrence: 1, kind: .invalidDecimal)])
    }

    @Test("processing-result codes: the 15-character form, classes and meaning")
    func resultCodes() {
        #expect(NaccsResultCode.normal.description == "00000-0000-0000")
        #expect(NaccsResultCode(parsing: "00000-0000-0000") == .normal)
        #expect(NaccsResultCode.normal.isNormal && !NaccsResultCode.normal.isError)
        let busy = NaccsResultCode(.system, 11)
        #expect(busy.description == "A0011-0000-0000")
        #expect(busy.resultClass == .system && busy.isError && busy.itemAbbreviation == nil)
        let item = NaccsResultCode(.singleItem, 4, item: "CNO", repetition: 3)
        #expect(item.description == "S0004-CNO -0003")
        #expect(NaccsResultCode(parsing: item.description) == item)
        #expect(item.itemAbbreviation == "CNO")
        #expect(NaccsResultCode(.warning, 1).isError == false)
        #expect(NaccsResultCode(.instruction, 1).isError == false)
        for resultClass in NaccsResultClass.allCases {
            let code = NaccsResultCode(resultClass, 1234, item: "QT1", repetition: 12)
            #expect(NaccsResultCode(parsing: code.description) == code)
            #expect(!resultClass.meaning.isEmpty)
        }
        for bad in ["", "00000-0000-000", "X0001-0000-0000", "A000A-0000-0000", "00001-0000-0000", "A0001_0000-0000",
            "A0001-cno -0000", "A0001-    -0000", "A0001-0000-00x0"]
        {
            #expect(NaccsResultCode(parsing: bad) == nil, "\(bad)")
        }
        #expect(NaccsMessageKind.allCases.map(\.rawValue) == ["R", "M", "P", "C", "U"])
    }

    @Test("the decoder names the field and offset of what is wrong")
    func decodingErrors() throws {
        let catalog = try Samples.catalog()
        let cya = try #require(catalog.businessCode("CYA")).input
        let body = try cya.encode(Samples.values(for: cya))
        let good = try NaccsInputMessage(header: Samples.inputHeader("CYA"), body: body).encoded()

        func failure(_ bytes: [UInt8]) -> NaccsDecodingError? {
            do {
                _ = try NaccsInputMessage(decoding: bytes)
                return nil
            } catch { return error }
        }
        #expect(failure(Array(good.prefix(100)))?.reason == .truncated(needed: 400, available: 100))
        var bytes = good
        bytes[398] = 0x20
        #expect(failure(bytes) == NaccsDecodingError(offset: 398, field: "header", reason: .missingLineBreak))
        bytes = good
        bytes[1] = 0x41
        #expect(failure(bytes) == NaccsDecodingError(offset: 1, field: "reserved0", reason: .reservedNotBlank))
        bytes = good
        bytes[364] = 0x20
        #expect(failure(bytes) == NaccsDecodingError(offset: 364, field: "systemID", reason: .blank))
        bytes = good
        bytes[30] = 0x61
        #expect(failure(bytes) == NaccsDecodingError(offset: 30, field: "userCode", reason: .invalidCharacter(byte: 0x61, characterSet: .alphanumeric)))
        bytes = good
        bytes.append(contentsOf: [0x41, 0x0D, 0x0A])
        #expect(failure(bytes)?.reason == .lengthMismatch(declared: good.count, actual: good.count + 3))
        bytes = good
        bytes[445] = 0x0A
        #expect(failure(bytes)?.field == "body")
        bytes = good
        bytes[400] = 0xFF
        #expect(failure(bytes) == NaccsDecodingError(offset: 400, field: "body", reason: .invalidCharacter(byte: 0xFF, characterSet: nil)))
        #expect(failure(Array(repeating: 0x20, count: 700_001))?.reason == .tooLong(maximum: 700_000))

        func bodyFailure(_ bytes: [UInt8]) -> NaccsDecodingError? {
            do {
                _ = try cya.decode(bytes)
                return nil
            } catch { return error }
        }
        var lines = body
        lines.insert(0x41, at: 12)  // CNO (width 12) line now 13 wide
        #expect(bodyFailure(lines) == NaccsDecodingError(offset: 12, field: "CNO", reason: .lineTooLong(width: 12, length: 13)))
        #expect(bodyFailure(body + [0x0D, 0x0A]) == NaccsDecodingError(offset: body.count, field: "body", reason: .extraLines(expected: cya.lineCount)))
        #expect(bodyFailure(Array(body.prefix(14)))?.field == "DTM")
        lines = body
        lines[14] = 0x41  // DTM is numeric
        #expect(bodyFailure(lines) == NaccsDecodingError(offset: 14, field: "DTM", reason: .invalidCharacter(byte: 0x41, characterSet: .numeric)))
        // Short lines count as padded.
        let short = Array("CSQU3054383\r\n20240115\r\n\r\n5\r\nJPTYO\r\n\r\n\r\n\r\n".utf8)
        #expect(try cya.decode(short) == NaccsItemValues(["CNO": "CSQU3054383", "DTM": "20240115", "EFG": "5", "CYC": "JPTYO"]))
        var out = try NaccsOutputMessage(
            header: Samples.outputHeader("CYA", outputCode: "*SCYA", kind: .resultNotice), body: []
        ).encoded()
        out[249] = 0x5A
        var outputFailure: NaccsDecodingError?
        do {
            _ = try NaccsOutputMessage(decoding: out)
        } catch { outputFailure = error }
        #expect(outputFailure == NaccsDecodingError(offset: 249, field: "kind", reason: .invalidCharacter(byte: 0x5A, characterSet: nil)))
    }

    @Test("ISO 6346 container numbers and calendar arithmetic")
    func validators() {
        #expect(NaccsContainerNumber.isValid("CSQU3054383"))
        #expect(NaccsContainerNumber.isValid("MWCU6059784"))
        #expect(!NaccsContainerNumber.isValid("CSQU3054384"))
        #expect(!NaccsContainerNumber.isValid("CSQU305438"))
        #expect(NaccsContainerNumber.isValid("12345"))
        #expect(NaccsContainerNumber.checkDigit(of: "CSQU305438") == 3)
        #expect(NaccsDate.dayNumber("19700101") == 0)
        #expect(NaccsDate.dayNumber("20000301") == 11_017)
        #expect(NaccsDate.dayNumber("20240229") != nil && NaccsDate.dayNumber("20230229") == nil)
    }

    private func pad6(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: 6 - digits.count) + digits
    }
}
