import GRDB
import JobFairCore

/// Seeker profiles, their lists per fair, and enterprises' rankings of applicants.
extension JobFairStore {
    /// Creates or replaces the profile of `userID` (its id stays).
    public func putSeeker(_ seeker: Seeker, userID: String) async throws -> SeekerRecord {
        try await pool.write { db in
            var profile = seeker
            profile.choices = []
            if let id = try Int.fetchOne(db, sql: "SELECT id FROM seekers WHERE user_id = ?", arguments: [userID]) {
                profile.id = id
                try db.execute(sql: "UPDATE seekers SET profile = ? WHERE id = ?", arguments: [Self.json(profile), id])
            } else {
                try db.execute(sql: "INSERT INTO seekers (id, user_id, profile) VALUES (?, ?, '')", arguments: [seeker.id > 0 ? seeker.id : nil, userID])
                profile.id = Int(db.lastInsertedRowID)
                try db.execute(sql: "UPDATE seekers SET profile = ? WHERE id = ?", arguments: [Self.json(profile), profile.id])
            }
            return try Self.seeker(db, profile.id)
        }
    }

    public func seeker(_ id: Int) async throws -> SeekerRecord {
        try await pool.read { db in try Self.seeker(db, id) }
    }

    /// The profile of `userID`, SEEKER_NOT_FOUND if they have none yet.
    public func seeker(userID: String) async throws -> SeekerRecord {
        try await pool.read { db in
            guard let id = try Int.fetchOne(db, sql: "SELECT id FROM seekers WHERE user_id = ?", arguments: [userID]) else {
                throw JobFairError.notFound(reason: "SEEKER_NOT_FOUND", "user \(userID) has no seeker profile yet (PutSeekerProfile)")
            }
            return try Self.seeker(db, id)
        }
    }

    static func seeker(_ db: Database, _ id: Int) throws -> SeekerRecord {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM seekers WHERE id = ?", arguments: [id]) else { throw notFound("seeker", id) }
        return SeekerRecord(seeker: try decode(Seeker.self, row["profile"]), userID: row["user_id"])
    }

    // MARK: Lists

    /// Replaces the seeker's list at the fair: at most `Seeker.maximumChoices`, no repeats,
    /// each a position of that fair; every problem named by `position_ids[i]`.
    public func setApplications(fairID: Int, seekerID: Int, positionIDs: [Int]) async throws -> [Int] {
        try await pool.write { db in
            _ = try Self.fair(db, fairID)
            _ = try Self.seeker(db, seekerID)
            var errors: [ValidationError] = []
            if positionIDs.count > Seeker.maximumChoices {
                errors.append(.init(field: "position_ids", message: "at most \(Seeker.maximumChoices) positions may be ranked, not \(positionIDs.count)"))
            }
            let inFair = Set(try Int.fetchAll(db, sql: "SELECT id FROM positions WHERE fair_id = ?", arguments: [fairID]))
            var seen = Set<Int>()
            for (index, id) in positionIDs.enumerated() {
                if !seen.insert(id).inserted {
                    errors.append(.init(field: "position_ids[\(index)]", message: "position \(id) is ranked twice"))
                } else if !inFair.contains(id) {
                    errors.append(.init(field: "position_ids[\(index)]", message: "no position \(id) at fair \(fairID)"))
                }
            }
            guard errors.isEmpty else { throw JobFairError.invalid(errors) }
            try db.execute(sql: "INSERT OR REPLACE INTO applications (fair_id, seeker_id, position_ids) VALUES (?, ?, ?)",
                           arguments: [fairID, seekerID, Self.json(positionIDs)])
            return positionIDs
        }
    }

    public func applications(fairID: Int, seekerID: Int) async throws -> [Int] {
        try await pool.read { db in
            _ = try Self.fair(db, fairID)
            _ = try Self.seeker(db, seekerID)
            return try Self.applications(db, fairID: fairID, seekerID: seekerID)
        }
    }

    static func applications(_ db: Database, fairID: Int, seekerID: Int) throws -> [Int] {
        try String.fetchOne(db, sql: "SELECT position_ids FROM applications WHERE fair_id = ? AND seeker_id = ?", arguments: [fairID, seekerID])
            .map { try decode([Int].self, $0) } ?? []
    }

    /// Every list at a fair: seeker id → position ids.
    static func lists(_ db: Database, fairID: Int) throws -> [Int: [Int]] {
        var lists: [Int: [Int]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT seeker_id, position_ids FROM applications WHERE fair_id = ?", arguments: [fairID]) {
            lists[row["seeker_id"]] = try decode([Int].self, row["position_ids"])
        }
        return lists
    }

    // MARK: Rankings

    /// Sets (or with nil removes) the enterprise's ranking of a position's applicants.
    public func setRanking(positionID: Int, seekerIDs: [Int]?) async throws -> Int {
        let limits = self.limits
        return try await pool.write { db in
            let record = try Self.position(db, positionID)
            guard let seekerIDs else {
                try db.execute(sql: "DELETE FROM rankings WHERE position_id = ?", arguments: [positionID])
                return 0
            }
            if seekerIDs.count > limits.maxRankingLength {
                throw JobFairError.invalid(field: "seeker_ids", "at most \(limits.maxRankingLength) seekers (jobFair.maxRankingLength), not \(seekerIDs.count)")
            }
            let applicants = Set(try Self.lists(db, fairID: record.fairID).filter { $0.value.contains(positionID) }.keys)
            var errors: [ValidationError] = []
            var seen = Set<Int>()
            for (index, id) in seekerIDs.enumerated() {
                if !seen.insert(id).inserted {
                    errors.append(.init(field: "seeker_ids[\(index)]", message: "seeker \(id) is ranked twice"))
                } else if !applicants.contains(id) {
                    errors.append(.init(field: "seeker_ids[\(index)]", message: "seeker \(id) did not apply to position \(positionID)"))
                }
            }
            guard errors.isEmpty else { throw JobFairError.invalid(errors) }
            try db.execute(sql: "INSERT OR REPLACE INTO rankings (position_id, seeker_ids) VALUES (?, ?)", arguments: [positionID, Self.json(seekerIDs)])
            return seekerIDs.count
        }
    }

    /// Every ranking of a fair's positions, each reduced to the seekers who still list the
    /// position (a seeker who dropped it drops out of the ranking).
    static func rankings(_ db: Database, fairID: Int, lists: [Int: [Int]]) throws -> [EmployerRanking] {
        let rows = try Row.fetchAll(db, sql: "SELECT r.position_id, r.seeker_ids FROM rankings r JOIN positions p ON p.id = r.position_id WHERE p.fair_id = ? ORDER BY r.position_id",
                                    arguments: [fairID])
        return try rows.map { row in
            let positionID: Int = row["position_id"]
            let ids = try decode([Int].self, row["seeker_ids"]).filter { lists[$0]?.contains(positionID) == true }
            return EmployerRanking(positionID: positionID, seekerIDs: ids)
        }
    }

    /// The seekers who listed a position, in the order the next round ranks them, then the
    /// ones it does not rank by seeker id.
    public func applicants(positionID: Int) async throws -> (rankedByEmployer: Bool, applicants: [ApplicantRecord]) {
        try await pool.read { db in
            let record = try Self.position(db, positionID)
            let lists = try Self.lists(db, fairID: record.fairID)
            let ranking = try Self.rankings(db, fairID: record.fairID, lists: lists).first { $0.positionID == positionID }
            var applicants: [ApplicantRecord] = []
            for (seekerID, choices) in lists {
                guard let index = choices.firstIndex(of: positionID) else { continue }
                let seeker = try Self.seeker(db, seekerID)
                let missed = FitScore.hardRequirementFailure(of: seeker.seeker, for: record.position).map(ExplanationWriter.describe)
                applicants.append(ApplicantRecord(seeker: seeker, choiceNumber: index + 1, hardRequirementMissed: missed,
                                                  fitScore: missed == nil ? FitScore.score(of: seeker.seeker, for: record.position) : 0, rankingPlace: nil))
            }
            if let ranking {
                let places = Dictionary(uniqueKeysWithValues: ranking.seekerIDs.enumerated().map { ($1, $0 + 1) })
                for i in applicants.indices { applicants[i].rankingPlace = places[applicants[i].seeker.seeker.id] }
            } else {
                let ordered = applicants.filter { $0.hardRequirementMissed == nil }
                    .sorted { ($0.fitScore, -$0.seeker.seeker.id) > ($1.fitScore, -$1.seeker.seeker.id) }
                let places = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($1.seeker.seeker.id, $0 + 1) })
                for i in applicants.indices { applicants[i].rankingPlace = places[applicants[i].seeker.seeker.id] }
            }
            applicants.sort { a, b in
                switch (a.rankingPlace, b.rankingPlace) {
                case let (x?, y?): x < y
                case (.some, nil): true
                case (nil, .some): false
                case (nil, nil): a.seeker.seeker.id < b.seeker.seeker.id
                }
            }
            return (ranking != nil, applicants)
        }
    }
}
