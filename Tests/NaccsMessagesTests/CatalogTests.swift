import Foundation
import NaccsMessages
import Testing

/// The embedded NACCS catalog: the 68 business codes with their kinds, layouts for each, item root paths that exist
/// in the Deals root document, and broken catalogs rejected with file and line.
@Suite("NACCS catalog")
struct CatalogTests {
    /// The 68 codes of naccs_api_codes.tsv (seed 004) with their kinds: r register, c call, b register-and-call,
    /// i inquiry.
    static let expected = """
        ACL01 r ACL11 c ECR r BKC r BKR r BKC11 c BIC r ECR11 c EDA b EDC r EAA b EDB c BOC r BID r EAC r EAB c BOB r \
        BIE r VAN11 c VAE11 c VAN r VAE r VAC r CYA r CYD01 r SCR r SCR11 c IDB c IDD c IDA b IDC r IDA01 b IDE r MSX r \
        MSY c MSY01 r AMA r AMB c MSB r AMC r OLC r OLC11 c OLA r OLA11 c OLC20 r BOA r BIA r DOR r RSS11 c RSS12 c \
        RST11 c RSS01 r RST01 r CYO r ICG i ICN i IID i IMI i IEX i IER i IWS i ICI i IDI i IFR i IML i IAR i IES i IAL i
        """

    @Test("all 68 business codes, each with its kind")
    func codesAndKinds() throws {
        let catalog = try Samples.catalog()
        let words = Self.expected.split(separator: " ").map(String.init)
        let kinds: [String: NaccsProcedureKind] = ["r": .register, "c": .call, "b": .registerAndCall, "i": .inquiry]
        let expected = stride(from: 0, to: words.count, by: 2).map { (words[$0], kinds[words[$0 + 1]]) }
        #expect(catalog.businessCodes.count == 68)
        #expect(catalog.businessCodes.map(\.code) == expected.map(\.0))
        for (code, kind) in expected { #expect(catalog.businessCode(code)?.kind == kind, "\(code)") }
        #expect(Set(catalog.businessCodes.map(\.id)).count == 68)
    }

    @Test("the chains and inquiries of issue 5 have typed item lists, with a documented source")
    func typedChains() throws {
        let catalog = try Samples.catalog()
        let chains = [
            "BKR", "BKC", "ECR", "VAN", "VAE", "CYA", "CYO", "ACL01", "EDA", "EDC", "EDB", "EAA", "EAC", "IDA", "IDC",
            "IDB", "IDA01", "IDE", "MSX", "AMA", "AMC", "OLA", "OLC", "DOR", "IEX", "IID", "ICG", "ICN", "IAL", "IES",
            "IDI", "IER", "IWS", "ICI", "IFR", "IML", "IAR", "IMI",
        ]
        for code in chains {
            let business = try #require(catalog.businessCode(code), "\(code)")
            #expect(!business.input.fields.isEmpty, "\(code)")
            #expect(!business.source.isEmpty, "\(code)")
            if business.kind == .inquiry { #expect(business.reply?.name == "\(code).reply") }
        }
        // Numbers NACCS issues are result items of the registrations that issue them.
        #expect(catalog.businessCode("ECR")?.result?.field("ECN")?.required == true)
        #expect(catalog.businessCode("EDA")?.result?.field("DNO")?.required == true)
        #expect(catalog.businessCode("IDA")?.result?.field("DNO")?.required == true)
        #expect(catalog.businessCode("EDB")?.reply?.name == "EDA")
        #expect(catalog.report(triggeredBy: "EDC")?.kind == .report)
        #expect(catalog.report(triggeredBy: "IDC")?.layout.field("DNO") != nil)
        // Container numbers repeat in VAE; CYA takes one container with date, time, empty/full.
        #expect(catalog.businessCode("VAE")?.input.repeatCount(of: "CNO") == 20)
        #expect(catalog.businessCode("CYA")?.input.fields.map(\.item.abbreviation).prefix(4) == ["CNO", "DTM", "TIM", "EFG"])
    }

    @Test("output information codes follow the NACCS patterns")
    func outputCodes() throws {
        let catalog = try Samples.catalog()
        #expect(catalog.businessCode("EDA")?.resultOutputCode == "*SEDA")
        #expect(catalog.businessCode("ACL01")?.resultOutputCode == "*SACL01")
        #expect(catalog.businessCode("IEX")?.replyOutputCode == "SIEX100")
        #expect(catalog.businessCode("ACL11")?.replyOutputCode == "SACL111")
        for code in catalog.businessCodes {
            #expect((5...7).contains(code.resultOutputCode.utf8.count))
            #expect(code.replyOutputCode.utf8.count == 7)
        }
    }

    @Test("every root path exists in the Deals root document, in a repeated row only for repeated data")
    func rootPathsExist() throws {
        let catalog = try Samples.catalog()
        let rootURL = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Services/Deals/catalog/root.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: rootURL)) as? [String: Any]
        let paths = Set(((json?["paths"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String })
        #expect(paths.count > 100)
        var mapped = 0
        for item in catalog.items.values {
            guard let path = item.rootPath else { continue }
            mapped += 1
            #expect(paths.contains(path), "\(item.abbreviation) maps from \(path), which root.json does not have")
        }
        #expect(mapped >= 40)
        // In an input, a repeated group maps all of its mapped items from one repeated row of the root document.
        for code in catalog.businessCodes {
            for group in code.input.groups where group.repeatCount > 1 {
                let paths = group.fields.compactMap(\.item.rootPath)
                let rows = Set(paths.map { $0.components(separatedBy: "[]").first ?? $0 })
                #expect(rows.count <= 1, "\(code.code).\(group.name ?? "") mixes rows \(rows)")
                #expect(paths.allSatisfy { $0.contains("[]") }, "\(code.code).\(group.name ?? "") maps a single value")
            }
        }
    }

    @Test("a broken catalog is rejected with the file and line")
    func brokenCatalog() throws {
        var files = NaccsCatalog.embeddedFiles()
        files["layouts.tsv"] = (files["layouts.tsv"] ?? "") + "\nEDA\tZZZ\tM\t1\t-\nEDA\tCNO\tX\t1\t-\n"
        files["items.tsv"] = (files["items.tsv"] ?? "") + "\nQQ\tbad\tbad\t0\tz\t-\t-\n"
        do {
            _ = try NaccsCatalog.parse(files: files)
            Issue.record("a broken catalog parsed")
        } catch {
            let messages = error.problems.map(\.description)
            #expect(messages.contains { $0.hasPrefix("layouts.tsv:") && $0.contains("unknown item ZZZ") })
            #expect(messages.contains { $0.hasPrefix("layouts.tsv:") && $0.contains("required must be M or C") })
            #expect(messages.contains { $0.hasPrefix("items.tsv:") && $0.contains("item QQ") })
        }
        files = NaccsCatalog.embeddedFiles()
        files.removeValue(forKey: "reports.tsv")
        #expect(throws: NaccsCatalogError.self) { try NaccsCatalog.parse(files: files) }
    }
}
