import PortServiceKit
import PortValidation

/// The id of a form within its deal: the form code for forms held once per B/L ("UL040"), "{code}~{unit_key}"
/// otherwise ("UL090~MSCU1234565", "UL080~EIR-0042", "UL070~batch-2").
///
/// The unit key is a valid ISO 6346 container number for per-container forms (normalised: "mscu 123456-5" becomes
/// "MSCU1234565"), and 1–36 characters of A–Z a–z 0–9 - _ for per-EIR and unlimited forms.
struct FormID: Sendable, Hashable, CustomStringConvertible {
    let schema: FormSchema
    let unitKey: String

    var code: String { schema.code }
    var description: String { unitKey.isEmpty ? schema.code : "\(schema.code)~\(unitKey)" }

    /// A form id from a code and a unit key; INVALID_ARGUMENT naming `codeField` or `keyField`.
    init(code: String, unitKey: String, catalog: FormCatalog, codeField: String, keyField: String) throws {
        guard let schema = catalog.form(code: code) else {
            throw APIError.invalidArgument(field: codeField, "unknown form code \"\(code)\" (UL010 … UL490)")
        }
        self.schema = schema
        switch schema.unit {
        case .bl:
            guard unitKey.isEmpty else {
                throw APIError.invalidArgument(
                    field: keyField, "\(code) is held once per B/L and takes no unit key; got \"\(unitKey)\"")
            }
            self.unitKey = ""
        case .container:
            guard !unitKey.isEmpty else {
                throw APIError.invalidArgument(
                    field: keyField, "\(code) is held once per container: the container number is required",
                    reason: "REQUIRED_FIELD")
            }
            switch ContainerNumber.validate(unitKey) {
            case .valid(let normalized): self.unitKey = normalized
            case .invalid(let violation):
                throw APIError.invalidArgument(field: keyField, "\(code) unit key: \(violation)", reason: violation.rule)
            }
        case .eir, .unlimited:
            guard Self.isCustomKey(unitKey) else {
                let what = schema.unit == .eir ? "the EIR number" : "a custom id"
                throw APIError.invalidArgument(
                    field: keyField, "\(code) needs \(what): 1–36 characters of A–Z a–z 0–9 - _; got \"\(unitKey)\"")
            }
            self.unitKey = unitKey
        }
    }

    static func isCustomKey(_ text: String) -> Bool {
        (1...36).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45
                    || byte == 95
            }
    }
}

/// "deals/{deal_number}/forms/{form_id}".
struct FormName: Sendable, Hashable, CustomStringConvertible {
    let deal: DealName
    let id: FormID

    init(deal: DealName, id: FormID) {
        self.deal = deal
        self.id = id
    }

    /// Parses a form name; INVALID_ARGUMENT naming `field` (also for an unknown code or a unit key that does not fit
    /// the form's unit). A container number in the id is normalised.
    init(parsing text: String, field: String, catalog: FormCatalog) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "deals", DealName.isDealNumber(parts[1]), parts[2] == "forms" else {
            throw APIError.invalidArgument(
                field: field, "expected \"deals/{deal_number}/forms/{form_id}\", e.g. deals/EXP_20261121_000123/forms/UL040")
        }
        let formID = parts[3]
        let code: Substring
        let key: Substring
        if let tilde = formID.firstIndex(of: "~") {
            code = formID[..<tilde]
            key = formID[formID.index(after: tilde)...]
        } else {
            code = formID
            key = ""
        }
        deal = DealName(dealNumber: String(parts[1]))
        id = try FormID(code: String(code), unitKey: String(key), catalog: catalog, codeField: field, keyField: field)
    }

    var description: String { "\(deal)/forms/\(id)" }
}

/// "deals/{deal_number}/rootDocument".
struct RootDocumentName: Sendable, Hashable, CustomStringConvertible {
    let deal: DealName

    init(parsing text: String, field: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "deals", DealName.isDealNumber(parts[1]), parts[2] == "rootDocument" else {
            throw APIError.invalidArgument(field: field, "expected \"deals/{deal_number}/rootDocument\"")
        }
        deal = DealName(dealNumber: String(parts[1]))
    }

    var description: String { "\(deal)/rootDocument" }
}
