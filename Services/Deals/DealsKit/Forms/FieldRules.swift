import PortValidation

/// The rules a value written to a form field must follow, by the field's catalog type, and its canonical text.
///
/// - containerNo → ISO 6346 (``ContainerNumber``); imoNumber → IMO ship number; unLocode; unNumber; imdgClass; date
///   (stored YYYY-MM-DD); time (HHMM).
/// - hsCode → 6 digits (HS subheading) or 9 digits (統計品目番号), as the catalog's field type says (``HSCode``).
/// - number(p,s) → ``DecimalNumber``; negative values only for temperatures and flash points.
/// - integer → 0…999,999,999.
/// - code → a code of the field's code list (compared upper-cased, stored as listed).
/// - boolean → "true" / "false".
/// - text → at most maxLength characters, no control characters but line breaks and tabs, surrounding blanks trimmed.
/// - Seal numbers: a field named `sealNo` (or ending in `SealNo`) holds the seals of one container, separated by commas,
///   semicolons or blanks: at most 6 (`SEAL_COUNT`), each 1–15 letters or digits (`SEAL_FORMAT`); stored comma-separated
///   ("SEAL1,SEAL2"). Its maxLength (15) is the length of one seal.
///
/// A blank value clears the field and is always allowed.
enum FieldRules {
    /// Largest value of an integer field.
    static let maximumInteger = 999_999_999

    /// The canonical text of `value` for `field` ("" when blank), or the rule it breaks.
    static func normalize(_ value: String, field: FieldSchema, catalog: FormCatalog) -> ValidationResult {
        if value.allSatisfy({ $0.isWhitespace }) { return .valid(normalized: "") }
        if isSealField(field.name) { return seals(value) }
        switch field.type {
        case .text(let maxLength): return text(value, maxLength: maxLength)
        case .number(let precision, let scale):
            return FieldValidation.validate(
                value, .number(precision: precision, scale: scale, signed: allowsNegative(field.name)))
        case .integer: return FieldValidation.validate(value, .integer(0...maximumInteger))
        case .date: return FieldValidation.validate(value, .date)
        case .time: return FieldValidation.validate(value, .time)
        case .code(let list): return code(value, list: catalog.codeList(named: list))
        case .containerNo: return FieldValidation.validate(value, .containerNumber)
        case .imoNumber: return FieldValidation.validate(value, .imoShipNumber)
        case .unLocode: return FieldValidation.validate(value, .unLocode)
        case .hsCode: return FieldValidation.validate(value, .hsCode(.hs6OrStatistical))
        case .unNumber: return FieldValidation.validate(value, .unNumber)
        case .imdgClass: return FieldValidation.validate(value, .imdgClass)
        case .boolean: return boolean(value)
        case .group:
            return .invalid(FieldRuleViolation(rule: "GROUP_VALUE", message: "a group takes rows, not a value"))
        }
    }

    static func isSealField(_ name: String) -> Bool { name == "sealNo" || name.hasSuffix("SealNo") }

    /// Temperatures (reefer set points) and flash points may be below zero.
    static func allowsNegative(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.contains("temperature") || lower.contains("flashpoint")
    }

    static func text(_ value: String, maxLength: Int) -> ValidationResult {
        let trimmed = value.trimmingWhitespace()
        if trimmed.unicodeScalars.contains(where: {
            $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\r" && $0 != "\t"
        }) {
            return .invalid(FieldRuleViolation(rule: "TEXT_CONTROL", message: "must not contain control characters"))
        }
        guard trimmed.count <= maxLength else {
            return .invalid(
                FieldRuleViolation(
                    rule: "TEXT_LENGTH", message: "at most \(maxLength) characters; got \(trimmed.count)"))
        }
        return .valid(normalized: trimmed)
    }

    static func code(_ value: String, list: CodeList?) -> ValidationResult {
        let wanted = value.trimmingWhitespace().uppercased()
        guard let list else {
            return .invalid(FieldRuleViolation(rule: "CODE_LIST", message: "the field's code list is unknown"))
        }
        if let code = list.codes.first(where: { $0.code.uppercased() == wanted }) { return .valid(normalized: code.code) }
        let shown = list.codes.prefix(12).map(\.code).joined(separator: ", ")
        let more = list.codes.count > 12 ? ", …" : ""
        return .invalid(
            FieldRuleViolation(
                rule: "CODE_LIST", message: "\"\(wanted)\" is not in the code list \(list.name) (\(shown)\(more))"))
    }

    static func boolean(_ value: String) -> ValidationResult {
        switch value.trimmingWhitespace().lowercased() {
        case "true": .valid(normalized: "true")
        case "false": .valid(normalized: "false")
        default: .invalid(FieldRuleViolation(rule: "BOOLEAN", message: "a yes/no value is \"true\" or \"false\""))
        }
    }

    static func seals(_ value: String) -> ValidationResult {
        let separators: Set<Character> = [",", ";", " ", "\t", "\n", "\r", "\u{3000}", "、"]
        let seals = value.split(whereSeparator: { separators.contains($0) }).map(String.init)
        switch SealNumbers.validate(seals) {
        case .success(let normalized): return .valid(normalized: normalized.joined(separator: ","))
        case .failure(let violation): return .invalid(violation)
        }
    }
}

extension String {
    /// Without leading and trailing whitespace.
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
