import Foundation
import GRDB
import JobFairCore

/// A round that would not be stable: never stored (a bug, reported as INTERNAL).
struct UnstableRound: Error, CustomStringConvertible {
    let blockingPairs: Int
    var description: String { "the matcher produced \(blockingPairs) blocking pairs; the round was not stored" }
}

/// Match runs, stored rounds, results, differences and offers.
extension JobFairStore {
    /// Starts a match run unless one is running (then false: the caller refuses the request).
    func beginMatchRun() -> Bool {
        matchRunning.withLock { running in
            if running { return false }
            running = true
            return true
        }
    }

    func endMatchRun() { matchRunning.withLock { $0 = false } }

    /// Ranks and matches the fair as stored now, checks the result has no blocking pair, and
    /// stores it as the fair's next round with every seeker's explanation. Refused with
    /// MATCH_ALREADY_RUNNING while another run is in progress.
    public func runMatch(fairID: Int, now: Date = Date()) async throws -> RoundSummary {
        guard beginMatchRun() else { throw JobFairError.matchAlreadyRunning }
        defer { endMatchRun() }
        let instance = try await pool.read { db in try Self.instance(db, fairID: fairID) }
        let round: FairRound
        do {
            round = try FairMatcher.run(instance)
        } catch {
            throw JobFairError.invalid(error.errors)
        }
        let blocking = BlockingPairs.count(round.ranked.problem, round.result)
        guard blocking == 0 else { throw UnstableRound(blockingPairs: blocking) }
        let assignments = round.assignments
        return try await pool.write { db in
            let number = (try Int.fetchOne(db, sql: "SELECT MAX(number) FROM rounds WHERE fair_id = ?", arguments: [fairID]) ?? 0) + 1
            let previous = try Self.assignments(db, fairID: fairID, round: number - 1)
            let summary = RoundSummary(
                fairID: fairID, number: number, createdAt: now, seekers: instance.seekers.count, positions: instance.positions.count,
                places: round.ranked.problem.capacities.reduce(0) { $0 + Int($1) }, matched: assignments.count,
                unmatched: instance.seekers.count - assignments.count, blockingPairs: blocking,
                changedFromPrevious: RoundDiff.changes(from: previous, to: assignments).count, proposals: round.result.proposals)
            try db.execute(sql: """
                INSERT INTO rounds (fair_id, number, created_at, seekers, positions, places, matched, unmatched, blocking_pairs, changed, proposals)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [fairID, number, now.timeIntervalSince1970, summary.seekers, summary.positions, summary.places,
                                 summary.matched, summary.unmatched, blocking, summary.changedFromPrevious, summary.proposals])
            let insert = try db.makeStatement(sql: """
                INSERT INTO round_results (fair_id, round, seeker_id, position_id, choice_number, explanation, outcomes) VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            for explanation in round.explanations {
                let choices = explanation.outcomes.enumerated().map { StoredChoice($1, number: $0 + 1) }
                try insert.execute(arguments: [fairID, number, explanation.seekerID, explanation.positionID, explanation.choiceNumber,
                                               explanation.text, Self.json(choices)])
            }
            return summary
        }
    }

    /// The fair as a matching round reads it: its positions and their enterprises, the
    /// seekers with a list at it, and the enterprises' rankings.
    static func instance(_ db: Database, fairID: Int) throws -> FairInstance {
        let fair = try fair(db, fairID)
        let positions = try positions(db, fairID: fairID).map(\.position)
        let enterprises = try Set(positions.map(\.enterpriseID)).sorted().map { try enterprise(db, $0).enterprise }
        // Seekers hired after an earlier round are out of the pool, and their places are taken.
        let hired = try hires(db, fairID: fairID)
        var lists = try lists(db, fairID: fairID)
        var placesTaken: [Int: Int] = [:]
        for (seeker, position) in hired {
            lists[seeker] = nil
            placesTaken[position, default: 0] += 1
        }
        let seekers = try lists.keys.sorted().map { id in
            var seeker = try seeker(db, id).seeker
            seeker.choices = lists[id]!
            return seeker
        }
        return FairInstance(fair: fair, enterprises: enterprises, positions: positions, seekers: seekers,
                            employerRankings: try rankings(db, fairID: fairID, lists: lists), placesTaken: placesTaken)
    }

    /// Each hired seeker's position: the seekers whose latest recorded step is HIRED.
    static func hires(_ db: Database, fairID: Int) throws -> [Int: Int] {
        var hired: [Int: Int] = [:]
        for step in try latestSteps(db, fairID: fairID) where step.state == .hired { hired[step.seekerID] = step.positionID }
        return hired
    }

    /// Each seeker's latest recorded step after a round of the fair, whichever round it followed.
    static func latestSteps(_ db: Database, fairID: Int) throws -> [(seekerID: Int, positionID: Int, round: Int, state: OfferState?)] {
        try Row.fetchAll(db, sql: """
            SELECT o.seeker_id, o.position_id, o.round, o.state FROM outcomes o
            WHERE o.fair_id = ? AND o.round = (SELECT MAX(round) FROM outcomes l WHERE l.fair_id = o.fair_id AND l.seeker_id = o.seeker_id)
            ORDER BY o.seeker_id
            """, arguments: [fairID]).map { row in
            (seekerID: row["seeker_id"], positionID: row["position_id"], round: row["round"], state: OfferState(rawValue: row["state"]))
        }
    }

    /// The matched pairs of a stored round (empty for round 0).
    static func assignments(_ db: Database, fairID: Int, round: Int) throws -> [Int: Int] {
        var pairs: [Int: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT seeker_id, position_id FROM round_results WHERE fair_id = ? AND round = ? AND position_id IS NOT NULL",
                                    arguments: [fairID, round]) {
            pairs[row["seeker_id"]] = row["position_id"]
        }
        return pairs
    }

    /// Round `number` of the fair (0: the latest), ROUND_NOT_FOUND if there is none.
    static func resolveRound(_ db: Database, fairID: Int, number: Int) throws -> Int {
        _ = try fair(db, fairID)
        let latest = try Int.fetchOne(db, sql: "SELECT MAX(number) FROM rounds WHERE fair_id = ?", arguments: [fairID]) ?? 0
        let wanted = number == 0 ? latest : number
        guard wanted >= 1, wanted <= latest else {
            throw JobFairError.notFound(reason: "ROUND_NOT_FOUND", latest == 0 ? "fair \(fairID) has no round yet (RunMatch)" : "fair \(fairID) has rounds 1...\(latest), not \(number)")
        }
        return wanted
    }

    public func round(fairID: Int, number: Int) async throws -> RoundSummary {
        try await pool.read { db in
            let number = try Self.resolveRound(db, fairID: fairID, number: number)
            let row = try Row.fetchOne(db, sql: "SELECT * FROM rounds WHERE fair_id = ? AND number = ?", arguments: [fairID, number])!
            return RoundSummary(fairID: fairID, number: number, createdAt: Date(timeIntervalSince1970: row["created_at"]),
                                seekers: row["seekers"], positions: row["positions"], places: row["places"], matched: row["matched"],
                                unmatched: row["unmatched"], blockingPairs: row["blocking_pairs"], changedFromPrevious: row["changed"],
                                proposals: row["proposals"])
        }
    }

    public func roundDiff(fairID: Int, number: Int) async throws -> (round: Int, changes: [RoundChange]) {
        try await pool.read { db in
            let number = try Self.resolveRound(db, fairID: fairID, number: number)
            let changes = RoundDiff.changes(from: try Self.assignments(db, fairID: fairID, round: number - 1),
                                            to: try Self.assignments(db, fairID: fairID, round: number))
            return (number, changes)
        }
    }

    public func seekerResult(fairID: Int, round number: Int, seekerID: Int) async throws -> SeekerResult {
        try await pool.read { db in
            let number = try Self.resolveRound(db, fairID: fairID, number: number)
            _ = try Self.seeker(db, seekerID)
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM round_results WHERE fair_id = ? AND round = ? AND seeker_id = ?",
                                             arguments: [fairID, number, seekerID]) else {
                throw JobFairError.notFound(reason: "SEEKER_NOT_FOUND", "seeker \(seekerID) was not in round \(number) of fair \(fairID) (no list at the fair then, or hired after an earlier round)")
            }
            let state = try Int.fetchOne(db, sql: "SELECT state FROM outcomes WHERE fair_id = ? AND round = ? AND seeker_id = ?", arguments: [fairID, number, seekerID])
            return SeekerResult(round: number, seekerID: seekerID, positionID: row["position_id"], choiceNumber: row["choice_number"],
                                outcomes: try Self.decode([StoredChoice].self, row["outcomes"]), explanation: row["explanation"],
                                outcome: state.flatMap(OfferState.init(rawValue:)))
        }
    }

    /// The matches of a round, at one enterprise's positions or all, by position then seeker.
    public func matches(fairID: Int, round number: Int, enterpriseID: Int?) async throws -> (round: Int, matches: [MatchRecord]) {
        try await pool.read { db in
            let number = try Self.resolveRound(db, fairID: fairID, number: number)
            if let enterpriseID { _ = try Self.enterprise(db, enterpriseID) }
            let rows = try Row.fetchAll(db, sql: """
                SELECT r.seeker_id, r.position_id, r.choice_number, o.state FROM round_results r
                JOIN positions p ON p.id = r.position_id
                LEFT JOIN outcomes o ON o.fair_id = r.fair_id AND o.round = r.round AND o.seeker_id = r.seeker_id
                WHERE r.fair_id = ? AND r.round = ? AND (? IS NULL OR p.enterprise_id = ?)
                ORDER BY r.position_id, r.seeker_id
                """, arguments: [fairID, number, enterpriseID, enterpriseID])
            let matches = try rows.map { row in
                MatchRecord(seeker: try Self.seeker(db, row["seeker_id"]), positionID: row["position_id"], choiceNumber: row["choice_number"],
                            outcome: (row["state"] as Int?).flatMap(OfferState.init(rawValue:)))
            }
            return (number, matches)
        }
    }

    /// Records the next step of a match of the fair's latest round. The same state again
    /// changes nothing; any other move not allowed is INVALID_TRANSITION.
    public func recordOutcome(fairID: Int, seekerID: Int, positionID: Int, state: OfferState, by userID: String,
                              now: Date = Date()) async throws -> (round: Int, state: OfferState) {
        try await pool.write { db in
            let number = try Self.resolveRound(db, fairID: fairID, number: 0)
            _ = try Self.seeker(db, seekerID)
            let matched = try Int.fetchOne(db, sql: "SELECT position_id FROM round_results WHERE fair_id = ? AND round = ? AND seeker_id = ?",
                                           arguments: [fairID, number, seekerID])
            guard matched == positionID else {
                throw JobFairError.notMatched("round \(number) of fair \(fairID) did not match seeker \(seekerID) to position \(positionID)")
            }
            let current = try Int.fetchOne(db, sql: "SELECT state FROM outcomes WHERE fair_id = ? AND round = ? AND seeker_id = ?",
                                           arguments: [fairID, number, seekerID]).flatMap(OfferState.init(rawValue:))
            if current == state { return (number, state) }
            guard OfferState.allowed(from: current, to: state) else {
                throw JobFairError.invalidTransition("the match of seeker \(seekerID) is \(current.map { "\($0)" } ?? "not offered yet"); it cannot become \(state)")
            }
            try db.execute(sql: "INSERT OR REPLACE INTO outcomes (fair_id, round, seeker_id, position_id, state, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [fairID, number, seekerID, positionID, state.rawValue, userID, now.timeIntervalSince1970])
            return (number, state)
        }
    }
}
