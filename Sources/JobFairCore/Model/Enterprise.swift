/// The township's sectors that hire at its fairs.
public enum Sector: String, Sendable, Hashable, Codable, CaseIterable {
    case manufacturing
    case logistics
    case services
    case agricultureProcessing
}

/// An enterprise offering positions at a fair.
public struct Enterprise: Sendable, Hashable, Codable {
    public var id: Int
    public var name: String
    /// 统一社会信用代码 (GB 32100-2015), 18 characters with a check character.
    public var creditCode: String
    public var sector: Sector
    public var address: String

    public init(id: Int, name: String, creditCode: String, sector: Sector, address: String) {
        self.id = id
        self.name = name
        self.creditCode = creditCode
        self.sector = sector
        self.address = address
    }
}
