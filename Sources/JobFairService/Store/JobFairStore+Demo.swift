import Foundation
import GRDB
import JobFairCore

/// Loading a generated fair (the demo's, or a scaled one) in one transaction, ids kept.
extension JobFairStore {
    /// The demo users of the gateway: the employer manages the first enterprise, the seeker
    /// owns the first seeker profile; every other seeker gets the user id `demo-seeker-<id>`.
    public static let demoEmployerUserID = "u-employer"
    public static let demoSeekerUserID = "u-seeker"

    public func load(_ instance: FairInstance) async throws {
        try await pool.write { db in
            let f = instance.fair
            try db.execute(sql: "INSERT INTO fairs (id, name, start_date, end_date, venue, organiser, client_request_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [f.id, f.name, f.startDate, f.endDate, f.venue, f.organiser, "demo-fair-\(f.id)"])
            for (index, e) in instance.enterprises.enumerated() {
                try db.execute(sql: "INSERT INTO enterprises (id, name, credit_code, sector, address, client_request_id) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [e.id, e.name, e.creditCode, e.sector.rawValue, e.address, "demo-enterprise-\(e.id)"])
                if index == 0 {
                    try db.execute(sql: "INSERT INTO enterprise_employers (enterprise_id, user_id) VALUES (?, ?)", arguments: [e.id, Self.demoEmployerUserID])
                }
            }
            let position = try db.makeStatement(sql: """
                INSERT INTO positions (id, fair_id, enterprise_id, title, headcount, requirements, salary_min_yuan, salary_max_yuan, work_location, client_request_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
                """)
            for p in instance.positions {
                try position.execute(arguments: [p.id, f.id, p.enterpriseID, p.title, p.headcount, Self.json(p.requirements),
                                                 p.salary.minimumYuanPerMonth, p.salary.maximumYuanPerMonth, Self.json(p.workLocation)])
            }
            let seeker = try db.makeStatement(sql: "INSERT INTO seekers (id, user_id, profile) VALUES (?, ?, ?)")
            let list = try db.makeStatement(sql: "INSERT INTO applications (fair_id, seeker_id, position_ids) VALUES (?, ?, ?)")
            for (index, s) in instance.seekers.enumerated() {
                var profile = s
                profile.choices = []
                try seeker.execute(arguments: [s.id, index == 0 ? Self.demoSeekerUserID : "demo-seeker-\(s.id)", Self.json(profile)])
                try list.execute(arguments: [f.id, s.id, Self.json(s.choices)])
            }
            for ranking in instance.employerRankings {
                try db.execute(sql: "INSERT INTO rankings (position_id, seeker_ids) VALUES (?, ?)", arguments: [ranking.positionID, Self.json(ranking.seekerIDs)])
            }
        }
    }

    /// After the demo's first round: the first `hires` matches (by seeker id) hired, the next
    /// `refusals` refused, the next `pending` offered; one transaction. Returns the hires made.
    public func recordDemoOutcomes(fairID: Int, hires: Int, refusals: Int, pending: Int, now: Date = Date()) async throws -> Int {
        try await pool.write { db in
            let round = try Self.resolveRound(db, fairID: fairID, number: 0)
            let matches = try Self.assignments(db, fairID: fairID, round: round).sorted { $0.key < $1.key }
            let insert = try db.makeStatement(sql: """
                INSERT OR REPLACE INTO outcomes (fair_id, round, seeker_id, position_id, state, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, 'seed', ?)
                """)
            var hired = 0
            for (index, (seeker, position)) in matches.enumerated() {
                let state: OfferState
                if index < hires { state = .hired; hired += 1 } else if index < hires + refusals { state = .refused } else if index < hires + refusals + pending { state = .offered } else { break }
                try insert.execute(arguments: [fairID, round, seeker, position, state.rawValue, now.timeIntervalSince1970])
            }
            return hired
        }
    }
}
