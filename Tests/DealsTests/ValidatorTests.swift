import PortValidation
import Testing

/// The domain validators of Services/Deals/DealsKit/Validation against the vectors of
/// shared/domain/cyberport-reference.md §7 and edge cases.
@Suite("ValidatorTests")
struct ValidatorTests {
    /// The rule id of an invalid result, or nil when valid.
    static func rule(_ result: ValidationResult) -> String? { result.violation?.rule }

    // MARK: ISO 6346

    @Test(
        "ISO 6346 valid container numbers normalise",
        arguments: [
            ("CSQU3054383", "CSQU3054383"),
            ("MWCU6059784", "MWCU6059784"),
            ("csqu3054383", "CSQU3054383"),
            ("CSQU 305438 3", "CSQU3054383"),
            (" mwcu-605978-4 ", "MWCU6059784"),
            ("ＣＳＱＵ３０５４３８３", "CSQU3054383"),
        ])
    func containerValid(input: String, normalized: String) {
        #expect(ContainerNumber.validate(input) == .valid(normalized: normalized))
    }

    @Test(
        "ISO 6346 invalid container numbers name the rule",
        arguments: [
            ("CSQU3054384", "ISO6346_CHECK_DIGIT"),
            ("MWCU6059780", "ISO6346_CHECK_DIGIT"),
            ("CSQU305438", "ISO6346_LENGTH"),
            ("CSQU30543833", "ISO6346_LENGTH"),
            ("", "ISO6346_LENGTH"),
            ("C5QU3054383", "ISO6346_OWNER_CODE"),
            ("CSQX3054383", "ISO6346_CATEGORY"),
            ("CSQU30543A3", "ISO6346_SERIAL"),
        ])
    func containerInvalid(input: String, rule: String) {
        #expect(Self.rule(ContainerNumber.validate(input)) == rule)
    }

    @Test("ISO 6346 check digit message names the expected digit and the letter table skips multiples of 11")
    func containerDetails() {
        #expect(ContainerNumber.validate("CSQU3054384").violation?.message.contains("should be 3") == true)
        #expect(ContainerNumber.checkDigit("MWCU605978") == 4)
        #expect(ContainerNumber.checkDigit("CSQU305438") == 3)
        #expect(ContainerNumber.checkDigit("CSQU30543") == nil)
        // J and Z categories are accepted.
        let j = "ABCJ123456"
        let z = "ABCZ123456"
        #expect(ContainerNumber.validate(j + String(ContainerNumber.checkDigit(j)!)).isValid)
        #expect(ContainerNumber.validate(z + String(ContainerNumber.checkDigit(z)!)).isValid)
    }

    // MARK: IMO

    @Test(
        "IMO ship numbers with and without prefix",
        arguments: [
            ("9074729", "IMO9074729"),
            ("IMO9321483", "IMO9321483"),
            ("imo 9074729", "IMO9074729"),
            ("IMO 9321483", "IMO9321483"),
        ])
    func imoShipValid(input: String, normalized: String) {
        #expect(IMOShipNumber.validate(input) == .valid(normalized: normalized))
    }

    @Test(
        "IMO ship numbers rejected",
        arguments: [
            ("9074728", "IMO_CHECK_DIGIT"),
            ("IMO9321484", "IMO_CHECK_DIGIT"),
            ("907472", "IMO_FORMAT"),
            ("90747290", "IMO_FORMAT"),
            ("IMO90747A9", "IMO_FORMAT"),
            ("IMX9074729", "IMO_FORMAT"),
        ])
    func imoShipInvalid(input: String, rule: String) {
        #expect(Self.rule(IMOShipNumber.validate(input)) == rule)
    }

    /// Company vectors computed from the formula: 1·8+2·6+3·4+4·2+5·9+6·7 = 127, (11 − 127 mod 11) mod 10 = 5.
    @Test(
        "IMO company numbers use weights 8,6,4,2,9,7",
        arguments: [
            ("1234565", "1234565" as String?, nil as String?),
            ("IMO 5746385", "5746385", nil),
            ("0000014", "0000014", nil),
            ("1234567", nil, "IMO_COMPANY_CHECK_DIGIT"),
            ("123456", nil, "IMO_COMPANY_FORMAT"),
        ])
    func imoCompany(input: String, normalized: String?, rule: String?) {
        let result = IMOCompanyNumber.validate(input)
        #expect(result.normalized == normalized)
        #expect(Self.rule(result) == rule)
    }

    @Test("a valid ship number is not necessarily a valid company number and vice versa")
    func imoDistinct() {
        #expect(IMOCompanyNumber.validate("9074729").violation?.rule == "IMO_COMPANY_CHECK_DIGIT")
        #expect(IMOShipNumber.validate("1234565").violation?.rule == "IMO_CHECK_DIGIT")
    }

    // MARK: UN/LOCODE

    @Test(
        "UN/LOCODE",
        arguments: [
            ("JPTYO", "JPTYO" as String?, nil as String?),
            ("jp ukb", "JPUKB", nil),
            ("CNZZZ", "CNZZZ", nil),
            ("USNY2", "USNY2", nil),
            ("JPTY0", nil, "UNLOCODE_LOCATION"),
            ("JPTY1", nil, "UNLOCODE_LOCATION"),
            ("J1TYO", nil, "UNLOCODE_COUNTRY"),
            ("JPTY", nil, "UNLOCODE_LENGTH"),
            ("JPTYOX", nil, "UNLOCODE_LENGTH"),
        ])
    func unLocode(input: String, normalized: String?, rule: String?) {
        let result = UNLocode.validate(input)
        #expect(result.normalized == normalized)
        #expect(Self.rule(result) == rule)
    }

    // MARK: HS

    @Test(
        "HS / 統計品目番号",
        arguments: [
            ("847130000", HSCode.Length.statistical, "847130000" as String?, nil as String?),
            ("8471.30.000", .statistical, "847130000", nil),
            ("0101.21.000", .statistical, "010121000", nil),
            ("847130", .statistical, nil, "HS_LENGTH"),
            ("847130", .hs6, "847130", nil),
            ("8471.30", .hs6OrStatistical, "847130", nil),
            ("847130000", .hs6OrStatistical, "847130000", nil),
            ("84713000", .hs6OrStatistical, nil, "HS_LENGTH"),
            ("847130000", .hs6, nil, "HS_LENGTH"),
            ("771000000", .statistical, nil, "HS_CHAPTER"),
            ("001000000", .statistical, nil, "HS_CHAPTER"),
            ("981000000", .statistical, nil, "HS_CHAPTER"),
            ("97010000A", .statistical, nil, "HS_FORMAT"),
            ("", .statistical, nil, "HS_FORMAT"),
        ])
    func hsCode(input: String, length: HSCode.Length, normalized: String?, rule: String?) {
        let result = HSCode.validate(input, length: length)
        #expect(result.normalized == normalized)
        #expect(Self.rule(result) == rule)
    }

    // MARK: Dangerous goods

    @Test(
        "UN numbers",
        arguments: [
            ("UN1203", "1203" as String?, nil as String?),
            ("1203", "1203", nil),
            ("un 1203", "1203", nil),
            ("0004", "0004", nil),
            ("UN3599", "3599", nil),
            ("UN0000", nil, "UN_NUMBER_RANGE"),
            ("3600", nil, "UN_NUMBER_RANGE"),
            ("UN120", nil, "UN_NUMBER_FORMAT"),
            ("12034", nil, "UN_NUMBER_FORMAT"),
            ("NA1993", nil, "UN_NUMBER_FORMAT"),
        ])
    func unNumber(input: String, normalized: String?, rule: String?) {
        let result = UNNumber.validate(input)
        #expect(result.normalized == normalized)
        #expect(Self.rule(result) == rule)
    }

    @Test(
        "IMDG classes accepted",
        arguments: [
            ("1.4S", "1.4S"), ("1.4 s", "1.4S"), ("1.1D", "1.1D"), ("1.5D", "1.5D"), ("1.6N", "1.6N"), ("1.3", "1.3"),
            ("2.1", "2.1"), ("2.3", "2.3"), ("3", "3"), ("4.1", "4.1"), ("4.3", "4.3"), ("5.2", "5.2"), ("6.2", "6.2"),
            ("7", "7"), ("8", "8"), ("9", "9"),
        ])
    func imdgValid(input: String, normalized: String) {
        #expect(IMDGClass.validate(input) == .valid(normalized: normalized))
    }

    @Test(
        "IMDG classes rejected",
        arguments: [
            ("4.4", "IMDG_CLASS"), ("1.7", "IMDG_CLASS"), ("2.4", "IMDG_CLASS"), ("5.3", "IMDG_CLASS"),
            ("6.3", "IMDG_CLASS"), ("10", "IMDG_CLASS"), ("1", "IMDG_CLASS"), ("", "IMDG_CLASS"), ("3A", "IMDG_CLASS"),
            ("2.1A", "IMDG_CLASS"), ("1.4A", "IMDG_COMPATIBILITY_GROUP"), ("1.5S", "IMDG_COMPATIBILITY_GROUP"),
            ("1.1I", "IMDG_COMPATIBILITY_GROUP"), ("1.6S", "IMDG_COMPATIBILITY_GROUP"),
        ])
    func imdgInvalid(input: String, rule: String) {
        #expect(Self.rule(IMDGClass.validate(input)) == rule)
    }

    @Test(
        "packing groups",
        arguments: [
            ("I", "I" as String?), ("ii", "II"), ("III", "III"), ("PG II", "II"), ("3", "III"), ("IV", nil), ("", nil),
            ("0", nil),
        ])
    func packingGroup(input: String, normalized: String?) {
        let result = PackingGroup.validate(input)
        #expect(result.normalized == normalized)
        #expect(Self.rule(result) == (normalized == nil ? "PACKING_GROUP" : nil))
    }

    // MARK: Number(p,s) and integers

    @Test(
        "Number(p,s) accepted and normalised",
        arguments: [
            ("123456789.123", 12, 3, false, "123456789.123"),
            ("0", 12, 3, false, "0"),
            ("+007.500", 12, 3, false, "7.5"),
            ("-0.0", 12, 3, false, "0"),
            (".5", 12, 3, false, "0.5"),
            ("5.", 12, 3, false, "5"),
            (" 42 ", 12, 0, false, "42"),
            ("999999999999", 12, 0, false, "999999999999"),
            ("-12.25", 12, 3, true, "-12.25"),
            ("0012.5000", 4, 1, false, "12.5"),
            ("12345", 5, 0, false, "12345"),
        ])
    func numberValid(input: String, precision: Int, scale: Int, signed: Bool, normalized: String) {
        #expect(
            DecimalNumber.validate(input, precision: precision, scale: scale, signed: signed)
                == .valid(normalized: normalized))
    }

    @Test(
        "Number(p,s) rejected",
        arguments: [
            ("1234567890.1", 12, 3, false, "NUMBER_PRECISION"),
            ("1.1234", 12, 3, false, "NUMBER_SCALE"),
            ("1.5", 12, 0, false, "NUMBER_SCALE"),
            ("1000000000000", 12, 0, false, "NUMBER_PRECISION"),
            ("-1", 12, 3, false, "NUMBER_SIGN"),
            ("1,234", 12, 3, false, "NUMBER_FORMAT"),
            ("1e3", 12, 3, false, "NUMBER_FORMAT"),
            ("1.2.3", 12, 3, false, "NUMBER_FORMAT"),
            (".", 12, 3, false, "NUMBER_FORMAT"),
            ("", 12, 3, false, "NUMBER_FORMAT"),
            ("-", 12, 3, true, "NUMBER_FORMAT"),
            ("1 000", 12, 3, false, "NUMBER_FORMAT"),
            ("1", 3, 4, false, "NUMBER_DEFINITION"),
        ])
    func numberInvalid(input: String, precision: Int, scale: Int, signed: Bool, rule: String) {
        #expect(Self.rule(DecimalNumber.validate(input, precision: precision, scale: scale, signed: signed)) == rule)
    }

    @Test("Number(p,s) messages state the limits")
    func numberMessages() {
        let message = DecimalNumber.validate("12345678901.5", precision: 13, scale: 3).violation?.message
        #expect(message == "at most 10 digits before the point and 3 after")
        #expect(
            DecimalNumber.validate("1.5", precision: 12, scale: 0).violation?.message
                == "a whole number of at most 12 digits")
    }

    @Test(
        "integers within a range",
        arguments: [
            ("1", 1...999, "1" as String?, nil as String?),
            ("0999", 1...999, "999", nil),
            ("+5", 1...999, "5", nil),
            ("-3", -10...10, "-3", nil),
            ("0", 1...999, nil, "INTEGER_RANGE"),
            ("1000", 1...999, nil, "INTEGER_RANGE"),
            ("99999999999999999999999", 1...999, nil, "INTEGER_RANGE"),
            ("1.0", 1...999, nil, "INTEGER_FORMAT"),
            ("", 1...999, nil, "INTEGER_FORMAT"),
            ("abc", 1...999, nil, "INTEGER_FORMAT"),
        ])
    func integer(input: String, range: ClosedRange<Int>, normalized: String?, rule: String?) {
        let result = IntegerValue.validate(input, range: range)
        #expect(result.normalized == normalized)
        #expect(Self.rule(result) == rule)
    }

    // MARK: Dates and times

    @Test(
        "dates",
        arguments: [
            ("2024-02-29", "2024-02-29" as String?, nil as String?),
            ("20240229", "2024-02-29", nil),
            ("2024/12/31", "2024-12-31", nil),
            ("2000-02-29", "2000-02-29", nil),
            ("2023-02-29", nil, "DATE_CALENDAR"),
            ("1900-02-29", nil, "DATE_CALENDAR"),
            ("2023-04-31", nil, "DATE_CALENDAR"),
            ("2023-13-01", nil, "DATE_CALENDAR"),
            ("2023-00-10", nil, "DATE_CALENDAR"),
            ("2023-01-00", nil, "DATE_CALENDAR"),
            ("0000-01-01", nil, "DATE_CALENDAR"),
            ("2023-1-01", nil, "DATE_FORMAT"),
            ("2023-01/01", nil, "DATE_FORMAT"),
            ("230101", nil, "DATE_FORMAT"),
            ("2023O101", nil, "DATE_FORMAT"),
        ])
    func date(input: String, normalized: String?, rule: String?) {
        let result = CalendarDate.validate(input)
        #expect(result.normalized == normalized)
        #expect(Self.rule(result) == rule)
    }

    @Test(
        "HHMM times",
        arguments: [
            ("0000", "0000" as String?, nil as String?),
            ("2359", "2359", nil),
            ("09:30", "0930", nil),
            ("2400", nil, "TIME_RANGE"),
            ("1260", nil, "TIME_RANGE"),
            ("930", nil, "TIME_FORMAT"),
            ("12345", nil, "TIME_FORMAT"),
            ("ab12", nil, "TIME_FORMAT"),
        ])
    func time(input: String, normalized: String?, rule: String?) {
        let result = TimeOfDay.validate(input)
        #expect(result.normalized == normalized)
        #expect(Self.rule(result) == rule)
    }

    // MARK: Seals

    @Test(
        "seal lists",
        arguments: [
            (["ab123"], nil as String?),
            (["S1", "S2", "S3", "S4", "S5", "S6"], nil),
            ([], nil),
            (["123456789012345"], nil),
            (["S1", "S2", "S3", "S4", "S5", "S6", "S7"], "SEAL_COUNT"),
            (["1234567890123456"], "SEAL_FORMAT"),
            ([""], "SEAL_FORMAT"),
            (["AB-12"], "SEAL_FORMAT"),
            (["AB 12"], "SEAL_FORMAT"),
        ])
    func seals(seals: [String], rule: String?) throws {
        switch SealNumbers.validate(seals) {
        case .success(let normalized):
            #expect(rule == nil)
            #expect(normalized == seals.map { $0.uppercased() })
        case .failure(let violation):
            #expect(violation.rule == rule)
        }
    }

    @Test("seal failure names its position")
    func sealPosition() {
        guard case .failure(let violation) = SealNumbers.validate(["OK1", "BAD!"]) else {
            Issue.record("expected a failure")
            return
        }
        #expect(violation.rule == "SEAL_FORMAT")
        #expect(violation.message.hasPrefix("seal 2:"))
    }

    // MARK: Dispatcher

    @Test(
        "FieldValidation.validate dispatches on the field type",
        arguments: [
            ("csqu3054383", FieldValueType.containerNumber, "CSQU3054383" as String?),
            ("9074729", .imoShipNumber, "IMO9074729"),
            ("1234565", .imoCompanyNumber, "1234565"),
            ("jptyo", .unLocode, "JPTYO"),
            ("8471.30.000", .hsCode(), "847130000"),
            ("8471.30", .hsCode(.hs6), "847130"),
            ("UN1203", .unNumber, "1203"),
            ("1.4s", .imdgClass, "1.4S"),
            ("ii", .packingGroup, "II"),
            ("123456789.123", .number(precision: 12, scale: 3), "123456789.123"),
            ("1234567890.1", .number(precision: 12, scale: 3), nil),
            ("5", .integer(1...9), "5"),
            ("20240229", .date, "2024-02-29"),
            ("2400", .time, nil),
            ("abc", .sealNumber, "ABC"),
        ])
    func dispatch(input: String, type: FieldValueType, normalized: String?) {
        #expect(FieldValidation.validate(input, type).normalized == normalized)
    }

    @Test("ValidationResult.get throws the violation")
    func resultGet() throws {
        #expect(throws: FieldRuleViolation.self) { try UNNumber.validate("UN0000").get() }
        #expect(try UNNumber.validate("UN1203").get() == "1203")
        let violation = FieldRuleViolation(rule: "X_RULE", message: "why")
        #expect(violation.description == "X_RULE: why")
    }
}
