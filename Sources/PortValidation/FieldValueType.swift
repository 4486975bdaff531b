/// The domain type of a form field's value, naming which validator applies.
public enum FieldValueType: Hashable, Sendable {
    /// ISO 6346 container number.
    case containerNumber
    /// IMO ship identification number.
    case imoShipNumber
    /// IMO company / registered owner number.
    case imoCompanyNumber
    /// UN/LOCODE.
    case unLocode
    /// Commodity code (9-digit 統計品目番号 by default).
    case hsCode(HSCode.Length = .statistical)
    /// UN number of a dangerous substance.
    case unNumber
    /// IMDG class or division.
    case imdgClass
    /// Packing group I/II/III.
    case packingGroup
    /// Number(precision, scale), optionally signed.
    case number(precision: Int, scale: Int, signed: Bool = false)
    /// Whole number within an inclusive range.
    case integer(ClosedRange<Int>)
    /// Calendar date (YYYY-MM-DD or YYYYMMDD).
    case date
    /// Time of day HHMM.
    case time
    /// One seal number (a list is checked with `SealNumbers.validate(_: [String])`).
    case sealNumber
}

/// Entry point for form-field updates: `FieldValidation.validate(value, type)`.
public enum FieldValidation {
    /// Validates `value` as `type`, returning the normalised text or the violated rule.
    public static func validate(_ value: String, _ type: FieldValueType) -> ValidationResult {
        switch type {
        case .containerNumber: ContainerNumber.validate(value)
        case .imoShipNumber: IMOShipNumber.validate(value)
        case .imoCompanyNumber: IMOCompanyNumber.validate(value)
        case .unLocode: UNLocode.validate(value)
        case .hsCode(let length): HSCode.validate(value, length: length)
        case .unNumber: UNNumber.validate(value)
        case .imdgClass: IMDGClass.validate(value)
        case .packingGroup: PackingGroup.validate(value)
        case .number(let precision, let scale, let signed):
            DecimalNumber.validate(value, precision: precision, scale: scale, signed: signed)
        case .integer(let range): IntegerValue.validate(value, range: range)
        case .date: CalendarDate.validate(value)
        case .time: TimeOfDay.validate(value)
        case .sealNumber: SealNumbers.validate(value)
        }
    }
}
