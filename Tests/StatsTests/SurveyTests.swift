import CyberPortTestSupport
import PortAPI
import PortProtocol
import PortRPC
import Testing

@Suite("Port statistics survey", .timeLimit(.minutes(2)))
struct SurveyTests {
    static func cargo(
        _ code: String, _ direction: Cyberport_Stats_V1_CargoDirection, partner: String,
        _ quantity: Cyberport_Stats_V1_CargoLine.Quantity, form: Cyberport_Stats_V1_CargoForm = .other
    ) -> Cyberport_Stats_V1_CargoLine {
        var line = Cyberport_Stats_V1_CargoLine()
        line.commodityCode = code
        line.direction = direction
        line.partnerPort = partner
        line.quantity = quantity
        line.form = form
        return line
    }

    @Test("resubmissions keep the history; the authority approves or rejects; respondents see only their own", arguments: TestBackend.available)
    func workflow(backend: TestBackend) async throws {
        try await withStats(backend) { stats in
            let authority = try await stats.portAuthority(["JPTYO"])
            try await stats.createPort("JPTYO", .a, by: authority)
            let respondent = try await stats.member(["terminalOperator"])
            let other = try await stats.member(["warehouseOperator"])
            var content = Cyberport_Stats_V1_SurveyContent()
            var measure = Cyberport_Stats_V1_WeightAndVolume()
            measure.weightKg = 1_000
            measure.volumeLitres = 2_266
            content.cargo = [Self.cargo("252", .export, partner: "USLAX", .weightAndVolume(measure))]
            let first = try await stats.submit("JPTYO", month: 4, content, by: respondent)
            #expect(first.revision == 1 && first.state == .submitted && first.respondent == respondent.organization)
            #expect(first.content?.cargo.first?.convertedFreightTonsMilli == 2_000, "2,266 L / 1,133 L = 2 t beats 1,000 kg")

            content.cargo.append(Self.cargo("091", .import, partner: "CASRY", .logLitres(835_000)))
            await expectRPCError(.aborted, reason: "STALE_ETAG") {
                try await stats.submit("JPTYO", month: 4, content, by: respondent, etag: "\"v9\"")
            }
            let second = try await stats.submit("JPTYO", month: 4, content, by: respondent, etag: first.etag)
            #expect(second.name == first.name && second.revision == 2 && second.content?.cargo.count == 2)
            #expect(second.content?.cargo.last?.convertedFreightTonsMilli == 1_000_000, "835 m³ of logs = 1,000 t")

            var revisions = Cyberport_Stats_V1_ListSurveyRevisionsRequest()
            revisions.parent = first.name
            let history = try await stats.survey.listSurveyRevisions(revisions, options: authority.options).revisions
            #expect(history.map(\.revision) == [1, 2] && history.map { $0.content?.cargo.count ?? 0 } == [1, 2])

            // Respondents see their own; others are denied whether or not the submission exists.
            var get = Cyberport_Stats_V1_GetSurveySubmissionRequest()
            get.name = first.name
            #expect(try await stats.survey.getSurveySubmission(get, options: respondent.options).revision == 2)
            await expectRPCError(.permissionDenied) { try await stats.survey.getSurveySubmission(get, options: other.options) }
            await expectRPCError(.permissionDenied) { try await stats.survey.listSurveyRevisions(revisions, options: other.options) }
            get.name = "ports/JPTYO/surveySubmissions/01a1fe4c-58df-7974-a1e6-a33417bc9120"
            await expectRPCError(.permissionDenied) { try await stats.survey.getSurveySubmission(get, options: other.options) }
            var list = Cyberport_Stats_V1_ListSurveySubmissionsRequest()
            list.parent = "ports/JPTYO"
            #expect(try await stats.survey.listSurveySubmissions(list, options: other.options).submissions.isEmpty)
            #expect(try await stats.survey.listSurveySubmissions(list, options: authority.options).submissions.map(\.name) == [first.name])

            // Only the authority decides; with the current etag; once.
            await expectRPCError(.permissionDenied) { try await stats.approve(second, by: respondent) }
            await expectRPCError(.aborted) { try await stats.approve(first, by: authority) }
            let approved = try await stats.approve(second, by: authority)
            await expectRPCError(.failedPrecondition, reason: "ALREADY_DECIDED") { try await stats.approve(approved, by: authority) }
            let third = try await stats.submit("JPTYO", month: 4, Cyberport_Stats_V1_SurveyContent(), by: respondent)
            #expect(third.revision == 3 && third.state == .submitted && third.approvedRevision == 2)
            var reject = Cyberport_Stats_V1_RejectSurveySubmissionRequest()
            reject.name = third.name
            reject.reason = "空の調査票"
            reject.etag = third.etag
            let rejected = try await stats.survey.rejectSurveySubmission(reject, options: authority.options)
            #expect(rejected.state == .rejected && rejected.approvedRevision == 2 && rejected.rejectionReason == "空の調査票")
            list.state = .rejected
            #expect(try await stats.survey.listSurveySubmissions(list, options: authority.options).submissions.count == 1)
        }
    }

    @Test("content is validated line by line; periods follow the port's class", arguments: TestBackend.available)
    func validation(backend: TestBackend) async throws {
        try await withStats(backend) { stats in
            let authority = try await stats.portAuthority(["JPTYO", "JPSMA"])
            try await stats.createPort("JPTYO", .a, by: authority)
            try await stats.createPort("JPSMA", .b, by: authority)
            let respondent = try await stats.member(["oceanShipping"])
            func content(_ configure: (inout Cyberport_Stats_V1_SurveyContent) -> Void) -> Cyberport_Stats_V1_SurveyContent {
                var content = Cyberport_Stats_V1_SurveyContent()
                configure(&content)
                return content
            }
            let unknown = content { $0.cargo = [Self.cargo("999", .export, partner: "USLAX", .drums(4))] }
            await expectRPCError(.invalidArgument, field: "content.cargo[0].commodity_code") {
                try await stats.submit("JPTYO", month: 1, unknown, by: respondent)
            }
            let domesticExport = content { $0.cargo = [Self.cargo("252", .export, partner: "JPOSA", .drums(4))] }
            await expectRPCError(.invalidArgument, field: "content.cargo[0].partner_port") {
                try await stats.submit("JPTYO", month: 1, domesticExport, by: respondent)
            }
            let logsAsCars = content { $0.cargo = [Self.cargo("252", .coastalInbound, partner: "JPOSA", .logLitres(835))] }
            await expectRPCError(.invalidArgument, field: "content.cargo[0].log_litres") {
                try await stats.submit("JPTYO", month: 1, logsAsCars, by: respondent)
            }
            var badTEU = Self.cargo("541", .import, partner: "CNSHA", .freightTonsMilli(5_000), form: .container)
            badTEU.containers = 2
            badTEU.teu = 7
            await expectRPCError(.invalidArgument, field: "content.cargo[0].teu") {
                try await stats.submit("JPTYO", month: 1, content { $0.cargo = [badTEU] }, by: respondent)
            }
            var tiny = Cyberport_Stats_V1_ShipEntryLine()
            tiny.shipClass = .fishing
            tiny.trade = .domestic
            tiny.grossTonnage = 4
            tiny.shipCount = 1
            await expectRPCError(.invalidArgument, field: "content.ships[0].gross_tonnage") {
                try await stats.submit("JPTYO", month: 1, content { $0.ships = [tiny] }, by: respondent)
            }
            await expectRPCError(.failedPrecondition, reason: "WRONG_SURVEY_PERIOD") {
                try await stats.submit("JPTYO", month: 0, Cyberport_Stats_V1_SurveyContent(), by: respondent)
            }
            await expectRPCError(.failedPrecondition, reason: "WRONG_SURVEY_PERIOD") {
                try await stats.submit("JPSMA", month: 6, Cyberport_Stats_V1_SurveyContent(), by: respondent)
            }
            var vehicle = Cyberport_Stats_V1_VehicleLine()
            vehicle.kind = .truck
            vehicle.direction = .coastalOutbound
            vehicle.vehicles = 3
            await expectRPCError(.failedPrecondition, reason: "NOT_REPORTED_BY_CLASS_B") {
                try await stats.submit("JPSMA", month: 0, content { $0.vehicles = [vehicle] }, by: respondent)
            }
            let many = content { content in
                content.cargo = Array(repeating: Self.cargo("541", .import, partner: "CNSHA", .drums(4)), count: 20_001)
            }
            await expectRPCError(.resourceExhausted, reason: "TOO_MANY_LINES") {
                try await stats.submit("JPTYO", month: 1, many, by: respondent)
            }
            await expectRPCError(.invalidArgument, field: "month") {
                try await stats.submit("JPTYO", month: 13, Cyberport_Stats_V1_SurveyContent(), by: respondent)
            }
        }
    }

    @Test("the commodity classification: 9 major classes, 81 middle classes with 3-digit codes")
    func classification() async throws {
        try await withStats(.sqlite) { stats in
            let member = try await stats.member(["forwarder"])
            let names = try await stats.commodityNames(member)
            #expect(names.count == 81)
            #expect(Set(names.values.map(\.0)) == Set(1...9))
            #expect(names["011"]?.1 == "麦" && names["252"]?.1 == "完成自動車" && names["541"]?.0 == 9)
            #expect(names.keys.allSatisfy { $0.count == 3 && $0.allSatisfy(\.isNumber) })
            var request = Cyberport_Stats_V1_ListCommodityClassesRequest()
            request.majorClass = 2
            let forest = try await stats.survey.listCommodityClasses(request, options: member.options)
            #expect(forest.commodityClasses.map(\.code) == ["091", "092", "101", "111", "112", "121"])
            #expect(forest.classificationVersion == "1999" && forest.totalSize == 6)
            #expect(forest.commodityClasses.first?.majorClassNameJa == "林産品")
        }
    }
}
