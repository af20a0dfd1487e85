import LiaisonCore

/// A small zone: two liaisons, three enterprises, all assigned from day 0, and a workflow
/// with the standard policy; the clock starts on 2026-03-02 09:00 (UTC+8).
struct Zone {
    let workflow = ProblemWorkflow()
    let start = LocalDate(year: 2026, month: 3, day: 2)!.start.adding(seconds: 9 * 3600)
    var histories: [String: AssignmentHistory] = [:]
    var nextID: Int64 = 1

    static let alice = ProblemActor.liaison("l-alice")
    static let bob = ProblemActor.liaison("l-bob")
    static let office = ProblemActor.office("u-admin")
    static let social = ProblemActor.department("dept-social", user: "u-dept")
    static let construction = ProblemActor.department("dept-construction", user: "u-cons")

    init() {
        let begin = LocalDate(year: 2026, month: 1, day: 1)!.start
        for (org, liaison) in [("org-1", "l-alice"), ("org-2", "l-alice"), ("org-3", "l-bob")] {
            var history = AssignmentHistory(organisationID: org)
            _ = try! history.assign(liaisonID: liaison, now: begin)
            histories[org] = history
        }
    }

    mutating func file(_ org: String, by actor: ProblemActor, title: String = "招工难", type: ProblemType = .individual, at: Instant? = nil) throws -> ProblemItem {
        defer { nextID += 1 }
        return try workflow.file(id: nextID, title: title, description: "\(title)：详情", type: type, organisationID: org,
                                 by: actor, assignments: histories[org]!, now: at ?? start)
    }

    /// One published item at org-1, published at the start of the next period.
    mutating func published() throws -> (ProblemItem, Instant) {
        let item = try file("org-1", by: Zone.alice)
        let at = item.period.end.adding(seconds: 3600)
        return (try workflow.publish([item], period: item.period, by: Zone.office, now: at)[0], at)
    }
}
