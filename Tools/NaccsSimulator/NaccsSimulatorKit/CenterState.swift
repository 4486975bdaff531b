import NaccsMessages

/// What the simulated center remembers across business codes. Statuses (`STS`): declarations and cargo `10`
/// registered, `20` declared, `30` permitted; containers `01` vanned, `02` in the CY, `03` out of the CY;
/// bonded transports `10` registered, `30` approved; change and amendment applications `10` registered, `30` applied.
struct CenterState {
    /// A declaration (EDA/IDA) and its life.
    struct Declaration {
        enum Direction { case export, `import` }
        let number: String
        let direction: Direction
        var values: NaccsItemValues
        var status: String
        var registeredOn: String
        var permitDate = ""
        var permitTime = ""
        /// An IDA01 change waiting for IDE.
        var pendingChange: NaccsItemValues?
    }

    /// A change (EAA) or amendment (AMA) application.
    struct Application {
        let number: String
        let declaration: String
        var values: NaccsItemValues
        var status = "10"
    }

    /// A container as the CY and vanning registrations see it.
    struct Container {
        var status = "01"
        var date = ""
        var time = ""
        var emptyFull = ""
        var place = ""
        var callSign = ""
        var voyage = ""
        var exportControlNumbers: [String] = []
    }

    var counters: [String: Int] = [:]
    /// Export cargo (ECR/SCR) by 輸出管理番号.
    var exportCargo: [String: NaccsItemValues] = [:]
    private(set) var declarations: [String: Declaration] = [:]
    /// The latest export declaration number by 輸出管理番号, and import by B/L number (neither changes after EDA/IDA:
    /// no change or amendment layout carries ECN or BLN).
    private var exportByControlNumber: [String: String] = [:]
    private var importByBillOfLading: [String: String] = [:]
    var applications: [String: Application] = [:]
    var attachments: [String: NaccsItemValues] = [:]
    /// Bonded transports by number, with status and approval date.
    var transports: [String: (values: NaccsItemValues, status: String, approvedOn: String)] = [:]
    var pickups: [String: (values: NaccsItemValues, status: String)] = [:]
    var bookings: [String: NaccsItemValues] = [:]
    /// ACL01 data by booking number.
    var acl: [String: NaccsItemValues] = [:]
    var containers: [String: Container] = [:]
    var deliveryOrders: [String: NaccsItemValues] = [:]
    /// Registered items by layout and key, for call-ups (`EDA` → DNO → items).
    var records: [String: [String: NaccsItemValues]] = [:]

    /// The next number of a series: `prefix` and a zero-padded counter making `width` characters.
    mutating func issue(_ series: String, prefix: String, width: Int) -> String {
        let next = counters[series, default: 0] + 1
        counters[series] = next
        let digits = String(next)
        return prefix + String(repeating: "0", count: max(0, width - prefix.count - digits.count)) + digits
    }

    /// Whether the number in `item` exists.
    func exists(_ item: String, _ value: String) -> Bool {
        switch item {
        case "ECN": return exportCargo[value] != nil
        case "DNO": return declarations[value] != nil
        case "ANO": return applications[value] != nil
        case "ATN": return attachments[value] != nil
        case "TNO": return transports[value] != nil
        case "PID": return pickups[value] != nil
        default: return true
        }
    }

    /// The latest import declaration for B/L `bl`.
    func importDeclaration(billOfLading bl: String) -> Declaration? { importByBillOfLading[bl].flatMap { declarations[$0] } }

    /// The latest export declaration for 輸出管理番号 `ecn`.
    func exportDeclaration(controlNumber ecn: String) -> Declaration? {
        exportByControlNumber[ecn].flatMap { declarations[$0] }
    }

    /// Adds a new declaration (EDA/IDA) and indexes it.
    mutating func add(_ declaration: Declaration) {
        declarations[declaration.number] = declaration
        if declaration.direction == .export, let ecn = declaration.values["ECN"] {
            exportByControlNumber[ecn] = declaration.number
        } else if declaration.direction == .import, let bl = declaration.values["BLN"] {
            importByBillOfLading[bl] = declaration.number
        }
    }

    /// Replaces a declaration's state (status, permit, values other than ECN and BLN).
    mutating func update(_ declaration: Declaration) { declarations[declaration.number] = declaration }
}
