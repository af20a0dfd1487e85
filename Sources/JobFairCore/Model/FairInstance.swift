/// An enterprise's own ranking of the applicants to one of its positions, best first.
/// Applicants it leaves out are not ranked (it will not hire them); an empty list ranks nobody.
public struct EmployerRanking: Sendable, Hashable, Codable {
    public var positionID: Int
    public var seekerIDs: [Int]

    public init(positionID: Int, seekerIDs: [Int]) {
        self.positionID = positionID
        self.seekerIDs = seekerIDs
    }
}

/// Everything a matching round reads: one fair, its enterprises, positions and seekers, and
/// the rankings enterprises gave themselves (positions without one are ranked by fit score).
public struct FairInstance: Sendable, Hashable, Codable {
    public var fair: Fair
    public var enterprises: [Enterprise]
    public var positions: [Position]
    public var seekers: [Seeker]
    public var employerRankings: [EmployerRanking]
    /// Places of a position (by id) already filled by hires after earlier rounds: the round
    /// matches only the rest (a position with none left takes nobody, and its applicants are
    /// told so). Empty for a first round.
    public var placesTaken: [Int: Int]

    public init(fair: Fair, enterprises: [Enterprise], positions: [Position], seekers: [Seeker], employerRankings: [EmployerRanking] = [],
                placesTaken: [Int: Int] = [:]) {
        self.fair = fair
        self.enterprises = enterprises
        self.positions = positions
        self.seekers = seekers
        self.employerRankings = employerRankings
        self.placesTaken = placesTaken
    }
}
