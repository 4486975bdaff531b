import DealsKit
import Foundation
import Logging
import PortAPI
import PortProtocol
import PortRPC
import Testing

/// The embedded form catalog (Services/Deals/catalog/): it loads, it is complete and consistent, and a broken one is
/// rejected with messages naming the file and field.
@Suite("Form catalog")
struct FormCatalogTests {
    static let expectedCodes = [
        "UL010", "UL020", "UL030", "UL040", "UL050", "UL060", "UL070", "UL080", "UL090", "UL100", "UL110", "UL120",
        "UL130", "UL140", "UL150", "UL160", "UL170", "UL180", "UL190", "UL200", "UL210", "UL220", "UL230", "UL240",
        "UL250", "UL260", "UL270", "UL280", "UL290", "UL300", "UL310", "UL320", "UL330", "UL340", "UL350", "UL360",
        "UL440", "UL480", "UL490",
    ]

    /// The embedded files, as the loader sees them, for corruption tests.
    static func files() -> [String: String] {
        FormCatalog.embeddedFiles()
    }

    /// The problems of parsing `files`, or [] if they parse.
    static func problems(_ files: [String: String]) -> [CatalogError.Problem] {
        do {
            _ = try FormCatalog.parse(files: files)
            return []
        } catch let error as CatalogError {
            return error.problems
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    /// `files` with the JSON file `path` rewritten by `edit`.
    static func editing(
        _ files: [String: String], _ path: String, _ edit: (inout [String: Any]) -> Void
    ) throws -> [String: String] {
        let text = try #require(files[path])
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        var object = try #require(parsed as? [String: Any])
        edit(&object)
        var copy = files
        copy[path] = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        return copy
    }

    @Test("the catalog loads, with all 39 forms of forms.tsv in code order, once each")
    func loads() throws {
        let catalog = try FormCatalog.load()
        #expect(catalog.forms.map(\.code) == Self.expectedCodes)
        #expect(catalog.form(code: "UL290")?.nameEn == "Arrival notice (A/N)")
        #expect(catalog.form(code: "UL290")?.usedInImport == true)
        #expect(catalog.form(code: "UL290")?.usedInExport == false)
        #expect(catalog.form(code: "UL999") == nil)
        for form in catalog.forms {
            #expect(form.fields.count >= 8, "\(form.code) has only \(form.fields.count) fields")
            #expect(!form.source.isEmpty)
        }
    }

    @Test("key forms have full field lists, units and the four edit-lock triggers")
    func keyForms() throws {
        let catalog = try FormCatalog.load()
        for code in ["UL010", "UL030", "UL040", "UL050", "UL060", "UL070", "UL080", "UL090", "UL140", "UL150", "UL180", "UL290", "UL300", "UL440"] {
            let form = try #require(catalog.form(code: code))
            #expect(form.fields.count >= 15, "\(code) has \(form.fields.count) fields")
        }
        #expect(Set(catalog.forms.filter(\.editLockTrigger).map(\.code)) == ["UL040", "UL050", "UL150", "UL290"])
        #expect(catalog.form(code: "UL090")?.unit == .container)
        #expect(catalog.form(code: "UL080")?.unit == .eir)
        #expect(catalog.form(code: "UL150")?.unit == .bl)
        #expect(catalog.form(code: "UL480")?.unit == .unlimited)
        let ul090 = try #require(catalog.form(code: "UL090"))
        #expect(ul090.field(named: "containerNo")?.type == .containerNo)
        #expect(ul090.field(named: "containerNo")?.rootPath == "containers[].containerNo")
        #expect(ul090.field(named: "containerDeliveryTime")?.type == .time)
        let ul290 = try #require(catalog.form(code: "UL290"))
        #expect(ul290.field(named: "amountForeign")?.type == .number(precision: 12, scale: 3))
        #expect(ul290.field(named: "amountJpy")?.type == .number(precision: 12, scale: 0))
        let ul150 = try #require(catalog.form(code: "UL150"))
        #expect(ul150.field(named: "blNo")?.rootPath == "billOfLading.number")
        #expect(ul150.field(named: "vesselName")?.rootPath == "seaWay.vesselName")
        #expect(ul150.field(named: "shipperName")?.rootPath == "parties.shipper.name")
        let containers = try #require(ul150.field(named: "containers"))
        guard case .group(let rows, _) = containers.type else {
            Issue.record("UL150 containers is not a group")
            return
        }
        #expect(containers.rootPath == "containers[]")
        #expect(rows.first { $0.name == "containerNo" }?.rootPath == "containers[].containerNo")
    }

    @Test("every binding points to a real root path of a compatible type")
    func bindings() throws {
        let catalog = try FormCatalog.load()
        var bound = 0
        for form in catalog.forms {
            for (path, field) in form.allFields {
                guard let rootPath = field.rootPath else { continue }
                bound += 1
                let item = try #require(catalog.root.item(at: rootPath), "\(form.code) \(path) → \(rootPath)")
                #expect(item.type.kind == field.type.kind, "\(form.code) \(path): \(field.type) vs \(item.type)")
            }
        }
        #expect(bound > 500)
        #expect(catalog.root.item(at: "seaWay.vesselName") != nil)
        #expect(catalog.root.item(at: "containers[].containerVerifiedGrossMass") != nil)
        #expect(catalog.root.item(at: "containerRequests[].unNo")?.type == .unNumber)
    }

    @Test("every type is valid: text has a length, numbers a precision, codes an existing list, groups fields")
    func types() throws {
        let catalog = try FormCatalog.load()
        #expect(catalog.codeList(named: "containerSizeTypes")?.contains("45G1") == true)
        #expect(catalog.codeList(named: "weightUnits")?.codes.map(\.code) == ["KGM", "TNE", "LBR"])
        for form in catalog.forms {
            for (path, field) in form.allFields {
                let name = "\(form.code) \(path)"
                #expect(field.name.first?.isLowercase == true, "\(name)")
                #expect(!field.labelJa.isEmpty, "\(name)")
                switch field.type {
                case .text(let maxLength): #expect(maxLength > 0, "\(name)")
                case .number(let precision, let scale): #expect(precision > 0 && scale >= 0 && scale <= precision, "\(name)")
                case .code(let list): #expect(catalog.codeList(named: list) != nil, "\(name): \(list)")
                case .group(let fields, let maxRows):
                    #expect(!fields.isEmpty && maxRows >= 0, "\(name)")
                    #expect(!fields.contains { $0.type.kind == "group" }, "\(name) nests a group")
                default: break
                }
            }
        }
    }

    @Test("the permission matrix is complete: 12 business types × 39 forms, a reason each, someone writes every form")
    func matrix() throws {
        let catalog = try FormCatalog.load()
        #expect(catalog.permissions.entries.count == 12 * 39)
        for code in Self.expectedCodes {
            let rows = catalog.permissions.entries(form: code)
            #expect(rows.map(\.businessType) == BusinessTypes.keys, "\(code)")
            #expect(rows.contains { $0.permission == .readWrite }, "\(code) has no writer")
            #expect(rows.allSatisfy { $0.reason.count >= 10 }, "\(code)")
        }
        #expect(catalog.permission(businessType: "shipperOrConsignee", form: "UL010") == .readWrite)
        #expect(catalog.permission(businessType: "terminalOperator", form: "UL090") == .read)
        #expect(catalog.permission(businessType: "oceanShipping", form: "UL050") == .readWrite)
        #expect(catalog.permission(businessType: "oceanShipping", form: "UL150") == .readWrite)
        #expect(catalog.permission(businessType: "vgmRegistration", form: "UL440") == .readWrite)
        #expect(catalog.permission(businessType: "roadTransport", form: "UL010") == Permission.none)
        #expect(catalog.permission(businessType: "nobody", form: "UL010") == Permission.none)
        #expect(catalog.permissions.entry(businessType: "oceanShipping", form: "UL150")?.reason.contains("carrier") == true)
    }

    @Test("the embedded files parse to the same catalog as load()")
    func parseEmbedded() throws {
        let parsed = try FormCatalog.parse(files: Self.files())
        #expect(parsed.forms == (try FormCatalog.load()).forms)
    }

    @Test("a field of an unknown type or with a broken binding is named with its file and field")
    func corruptedFields() throws {
        let files = Self.files()
        let unknownType = try Self.editing(files, "forms/UL010.json") { form in
            var fields = form["fields"] as! [[String: Any]]
            fields[0]["type"] = "txt"
            form["fields"] = fields
        }
        let problems = Self.problems(unknownType)
        #expect(problems.contains { $0.file == "forms/UL010.json" && $0.field == "bookingNo" && $0.message.contains("unknown type \"txt\"") })

        let badRoot = try Self.editing(files, "forms/UL150.json") { form in
            var fields = form["fields"] as! [[String: Any]]
            let index = fields.firstIndex { $0["name"] as? String == "vesselName" }!
            fields[index]["root"] = "seaWay.vesselNameX"
            form["fields"] = fields
        }
        let rootProblems = Self.problems(badRoot)
        #expect(rootProblems.count == 1)
        #expect(rootProblems.first?.description.contains("forms/UL150.json: vesselName: bound to \"seaWay.vesselNameX\"") == true)

        let tooLong = try Self.editing(files, "forms/UL040.json") { form in
            var fields = form["fields"] as! [[String: Any]]
            let index = fields.firstIndex { $0["name"] as? String == "bookingNo" }!
            fields[index]["maxLength"] = 500
            form["fields"] = fields
        }
        #expect(Self.problems(tooLong).contains { $0.field == "bookingNo" && $0.message.contains("maxLength 500 exceeds") })

        let badList = try Self.editing(files, "forms/UL090.json") { form in
            var fields = form["fields"] as! [[String: Any]]
            let index = fields.firstIndex { $0["name"] as? String == "sizeType" }!
            fields[index]["codeList"] = "noSuchList"
            form["fields"] = fields
        }
        #expect(Self.problems(badList).contains { $0.file == "forms/UL090.json" && $0.field == "sizeType" && $0.message.contains("noSuchList") })

        let badGroupRow = try Self.editing(files, "forms/UL150.json") { form in
            var fields = form["fields"] as! [[String: Any]]
            let index = fields.firstIndex { $0["name"] as? String == "containers" }!
            var rows = fields[index]["fields"] as! [[String: Any]]
            rows[0]["root"] = "cargoLines[].containerNo"
            fields[index]["fields"] = rows
            form["fields"] = fields
        }
        #expect(Self.problems(badGroupRow).contains { $0.field == "containers.containerNo" && $0.message.contains("outside its group's row") })
    }

    @Test("missing forms, wrong triggers, bad JSON and a broken permission matrix are start-up errors")
    func corruptedFiles() throws {
        let files = Self.files()
        var missing = files
        missing["forms/UL300.json"] = nil
        #expect(Self.problems(missing).contains { $0.file == "forms/UL300.json" && $0.message.contains("missing") })

        let trigger = try Self.editing(files, "forms/UL100.json") { $0["editLockTrigger"] = true }
        #expect(Self.problems(trigger).contains { $0.file == "forms/UL100.json" && $0.field == "editLockTrigger" })

        var badJSON = files
        badJSON["root.json"] = "{ not json"
        #expect(Self.problems(badJSON).contains { $0.file == "root.json" && $0.message.contains("not valid JSON") })

        let missingKey = try Self.editing(files, "forms/UL200.json") { $0["unit"] = nil }
        #expect(Self.problems(missingKey).contains { $0.file == "forms/UL200.json" && $0.message.contains("\"unit\"") })

        var permissions = files
        let lines = try #require(files["permissions.tsv"]).split(separator: "\n").map(String.init)
        permissions["permissions.tsv"] = (lines.filter { !$0.hasPrefix("forwarder\tUL040\t") }
            + ["nobody\tUL040\tRW\tthe nobody issues everything", "oceanShipping\tUL050\tW\tthe carrier issues it"])
            .joined(separator: "\n")
        let permissionProblems = Self.problems(permissions)
        #expect(permissionProblems.contains { $0.file == "permissions.tsv" && $0.message.contains("unknown business type \"nobody\"") })
        #expect(permissionProblems.contains { $0.message.contains("permission must be RW, R or -") })
        #expect(permissionProblems.contains { $0.field == "forwarder × UL040" && $0.message.contains("missing row") })

        let noWriter = try #require(files["permissions.tsv"]).split(separator: "\n").map { line in
            line.contains("\tUL480\tRW\t") ? line.replacingOccurrences(of: "\tUL480\tRW\t", with: "\tUL480\tR\t") : String(line)
        }
        var writerless = files
        writerless["permissions.tsv"] = noWriter.joined(separator: "\n")
        #expect(Self.problems(writerless).contains { $0.field == "UL480" && $0.message.contains("no business type has RW") })

        #expect(throws: CatalogError.self) { try FormCatalog.parse(files: trigger) }
        do {
            _ = try FormCatalog.parse(files: trigger)
        } catch {
            #expect("\(error)".contains("forms/UL100.json: editLockTrigger: the edit-lock trigger forms are exactly"))
        }
    }

    @Test("GetFormDefinition through the real client returns the fields, unit, edit lock and default permissions")
    func throughTheClient() async throws {
        var configuration = ServerConfiguration()
        configuration.port = 0
        let server = RPCServer(services: try DealsServer.services(), configuration: configuration, logger: Logger(label: "test"))
        try await server.start()
        let client = try RPCClient(target: "127.0.0.1:\(try #require(server.localPort))")
        let deals = Cyberport_Deals_V1_DealServiceClient(client)
        var request = Cyberport_Deals_V1_GetFormDefinitionRequest()
        request.name = "formDefinitions/UL090"
        let ul090 = try await deals.getFormDefinition(request)
        #expect(ul090.code == "UL090")
        #expect(ul090.unit == .container)
        #expect(!ul090.editLockTrigger)
        #expect(!ul090.source.isEmpty)
        let containerNo = try #require(ul090.fields.first { $0.name == "containerNo" })
        #expect(containerNo.type == .containerNo)
        #expect(containerNo.required)
        #expect(containerNo.rootPath == "containers[].containerNo")
        let time = try #require(ul090.fields.first { $0.name == "containerDeliveryTime" })
        #expect(time.type == .time)
        #expect(ul090.defaultPermissions.count == 12)
        #expect(ul090.defaultPermissions.first { $0.businessType == "terminalOperator" }?.permission == .read)
        #expect(ul090.defaultPermissions.allSatisfy { !$0.reason.isEmpty })

        request.name = "formDefinitions/UL150"
        let ul150 = try await deals.getFormDefinition(request)
        #expect(ul150.editLockTrigger)
        #expect(ul150.unit == .bl)
        let blNo = try #require(ul150.fields.first { $0.name == "blNo" })
        #expect(blNo.type == .text && blNo.maxLength == 35 && blNo.rootPath == "billOfLading.number")
        let containers = try #require(ul150.fields.first { $0.name == "containers" })
        #expect(containers.type == .group)
        #expect(containers.maxRows == 999)
        #expect(containers.fields.contains { $0.name == "sizeType" && $0.type == .code && $0.codeList == "containerSizeTypes" })
        let weight = try #require(containers.fields.first { $0.name == "grossWeight" })
        #expect(weight.type == .number && weight.precision == 12 && weight.scale == 3)
        #expect(ul150.defaultPermissions.first { $0.businessType == "oceanShipping" }?.permission == .readWrite)
        #expect(ul150.defaultPermissions.first { $0.businessType == "roadTransport" }?.permission == Cyberport_Deals_V1_FormPermission.none)

        request.name = "formDefinitions/UL999"
        await #expect(throws: (any Error).self) { try await deals.getFormDefinition(request) }
        await client.close()
        await server.shutdown()
    }
}
