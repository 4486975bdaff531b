/// The 12 business types (業種) of Cyber Port, by key, in id order (business_types.tsv; IdentityKit's
/// BusinessTypeCatalog holds the same keys). The catalog's permission matrix has one row per business type × form.
public enum BusinessTypes {
    /// The keys in id order: id 1 is `oceanShipping`, id 12 is `vgmRegistration`.
    public static let keys: [String] = [
        "oceanShipping", "coastalFeeder", "shippingAgent", "roadTransport", "terminalOperator", "warehouseOperator",
        "customsBroker", "forwarder", "nvocc", "shipperOrConsignee", "vgmNotification", "vgmRegistration",
    ]
}
