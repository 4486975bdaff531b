/// A fixed, ordered list of reference resources (business types, form kinds, NACCS procedures …) served the AIP
/// way: List with pagination and an optional filter, Get by resource name "{collection}/{id}".
public struct ReferenceCatalog<Item: Sendable>: Sendable {
    /// One page of a list.
    public struct Page: Sendable {
        public var items: [Item]
        public var nextPageToken: String
        /// How many items match the filter in all.
        public var totalSize: Int32
    }

    /// The collection id in resource names, e.g. "businessTypes".
    public let collection: String
    /// How errors name one item, e.g. "business type".
    public let resourceType: String
    public let items: [Item]
    private let id: @Sendable (Item) -> String
    private let paginator: Paginator

    public init(
        collection: String, resourceType: String, items: [Item], paginator: Paginator = Paginator(),
        id: @escaping @Sendable (Item) -> String
    ) {
        self.collection = collection
        self.resourceType = resourceType
        self.items = items
        self.id = id
        self.paginator = paginator
    }

    /// A page of the items that pass `filter`; `query` names the filter so that page tokens stay bound to it.
    public func list(
        pageSize: Int32, pageToken: String, query: String = "", filter: (Item) -> Bool = { _ in true }
    ) throws -> Page {
        let matching = items.filter(filter)
        let page = try paginator.page(matching, pageSize: pageSize, pageToken: pageToken, query: query)
        return Page(items: page.items, nextPageToken: page.nextPageToken, totalSize: Int32(matching.count))
    }

    /// The item named `name`: INVALID_ARGUMENT for a malformed name, NOT_FOUND for an unknown id.
    public func get(name: String, field: String = "name") throws -> Item {
        let wanted = try ResourceName.id(of: name, collection: collection, field: field)
        guard let item = items.first(where: { id($0) == wanted }) else {
            throw APIError.notFound(resourceType, name: name)
        }
        return item
    }
}
