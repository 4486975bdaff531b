/// The output tables of the port statistics survey (港湾調査; MLIT 利用上の注意). 甲種 ports report all of them
/// monthly; 乙種 ports report the first three yearly.
enum SurveyTableCatalog {
    /// number, Japanese name, English name, reported by 乙種 (class B) ports.
    static let all: [(number: Int32, ja: String, en: String, classB: Bool)] = [
        (1, "入港船舶", "Vessels entering port", true),
        (2, "船舶乗降人員", "Passengers embarking and disembarking", true),
        (3, "海上出入貨物", "Seaborne cargo in and out", true),
        (4, "自動車航送車両台数", "Vehicles carried by car ferries", false),
        (5, "コンテナ個数・シャーシ台数", "Containers and chassis", false),
    ]
}
