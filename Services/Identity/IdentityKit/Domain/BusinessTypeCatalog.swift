/// The 12 business types (業種) of Cyber Port, with the ids and keys the real system uses.
enum BusinessTypeCatalog {
    /// id, key, Japanese name, English name.
    static let all: [(id: Int32, key: String, ja: String, en: String)] = [
        (1, "oceanShipping", "外航船社", "Ocean (international) carrier"),
        (2, "coastalFeeder", "内航船社", "Coastal (domestic feeder) carrier"),
        (3, "shippingAgent", "船舶代理店", "Ship agent"),
        (4, "roadTransport", "陸運業者", "Trucking (inland haulage) company"),
        (5, "terminalOperator", "ターミナルオペレーター", "Container terminal operator"),
        (6, "warehouseOperator", "倉庫業者", "Warehouse operator"),
        (7, "customsBroker", "通関業者", "Customs broker"),
        (8, "forwarder", "海貨業者", "Port cargo forwarder (kaika)"),
        (9, "nvocc", "NVOCC/国際フォワーダー", "NVOCC or international freight forwarder"),
        (10, "shipperOrConsignee", "荷主", "Shipper or consignee (cargo owner)"),
        (11, "vgmNotification", "届出荷送人", "Shipper that weighs its own containers for VGM (notified to MLIT)"),
        (12, "vgmRegistration", "登録確定事業者", "Registered third-party VGM determiner"),
    ]
}

extension BusinessTypeCatalog {
    /// All keys, in id order.
    static let keys: [String] = all.map(\.key)
    static let keySet: Set<String> = Set(keys)

    /// The id of a key (for ordering), nil for an unknown key.
    static func id(of key: String) -> Int32? { all.first { $0.key == key }?.id }

    /// `keys` de-duplicated and in catalogue order.
    static func ordered<S: Sequence>(_ keys: S) -> [String] where S.Element == String {
        let wanted = Set(keys)
        return Self.keys.filter { wanted.contains($0) }
    }
}
