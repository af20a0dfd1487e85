/// The sizes a caller controls, bounded (configured by `jobFair.*` keys, deploy/job-fair.example.md).
public struct JobFairLimits: Sendable, Hashable {
    /// Characters of a name, title, venue, address or location name.
    public var maxTextLength = 200
    /// Entries of skills, certificates, languages and employer user ids lists.
    public var maxListEntries = 32
    /// Seekers an enterprise ranking may name.
    public var maxRankingLength = 5000
    /// Places of one position.
    public var maxHeadcount = 10_000
    /// Positions one enterprise may offer at one fair.
    public var maxPositionsPerEnterprise = 500

    public init() {}
}
