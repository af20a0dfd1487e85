import CanteenCore
import Foundation
import GRDB
import NIOCore
import Testing
import TownshipProtos
import TownshipRPC
import TownshipWire

@Suite("canteen-meals: authorization matrix over live RPC")
struct AuthorizationMatrixTests {
    typealias API = Township_Canteen_V1_CanteenMeals

    @Test("the caller and the principal are checked before anything else")
    func callerAndPrincipal() async throws {
        try await LiveCanteen.with { live in
            let jobFair = try LiveCanteen.client(port: live.port, files: CanteenPKI.shared.jobFair)
            let admin = try LiveCanteen.client(port: live.port, files: CanteenPKI.shared.admin)
            defer { Task { await jobFair.shutdown(); await admin.shutdown() } }
            let path = API.getSubsidyTable.path
            let request = Township_Canteen_V1_GetSubsidyTableRequest()
            let notAllowed = await rpcFailure {
                _ = try await jobFair.unary(path, request, as: Township_Canteen_V1_SubsidyTable.self, options: LiveCanteen.options(Fixture.admin))
            }
            #expect(notAllowed?.status == .permissionDenied)
            let forwarded = await rpcFailure {
                _ = try await admin.unary(path, request, as: Township_Canteen_V1_SubsidyTable.self, options: LiveCanteen.options(Fixture.admin))
            }
            #expect(forwarded?.status == .permissionDenied)
            // An admin tool without a principal acts as itself (`township call`).
            let table = try await admin.unary(path, request, as: Township_Canteen_V1_SubsidyTable.self, options: LiveCanteen.options(nil))
            #expect(table.maximumPerMeal.amountFen == 1200)
            #expect(await rpcFailure {
                _ = try await live.gateway.unary(path, request, as: Township_Canteen_V1_SubsidyTable.self, options: LiveCanteen.options(nil))
            }?.status == .unauthenticated)
        }
    }

    /// Who may do what: each row is a call and the roles that may make it; every other role
    /// must get PERMISSION_DENIED and change nothing.
    @Test("each method admits exactly the roles canteen.proto lists")
    func matrix() async throws {
        try await LiveCanteen.with { live in
            let (elder, card) = try await live.standardSetup()
            let roles: [(String, Township_Common_V1_Principal)] = [
                ("admin", Fixture.admin), ("staff", Fixture.staff), ("leader", Fixture.leader), ("opK1", Fixture.operatorK1),
                ("opK2", Fixture.operatorK2), ("family", Fixture.family), ("stranger", Fixture.stranger), ("employer", Fixture.employer),
            ]
            func attempt(_ p: Township_Common_V1_Principal, _ row: String) async -> Bool {
                let failure = await rpcFailure {
                    switch row {
                    case "ListElders":
                        _ = try await live.call(API.listElders, .init(), as: p)
                    case "GetElder":
                        var r = Township_Canteen_V1_GetElderRequest(); r.elderID = elder.elderID
                        _ = try await live.call(API.getElder, r, as: p)
                    case "SetElderFlags":
                        var r = Township_Canteen_V1_SetElderFlagsRequest(); r.elderID = elder.elderID; r.flags = [.livingAlone]
                        _ = try await live.call(API.setElderFlags, r, as: p)
                    case "PutMenuK1":
                        try await live.putMenuAs(p, canteen: "K1")
                    case "ReserveK1":
                        _ = try await live.reserve(elder.elderID, by: p)
                    case "ListReservationsK1":
                        var r = Township_Canteen_V1_ListReservationsRequest(); r.canteenID.value = "K1"
                        _ = try await live.call(API.listReservations, r, as: p)
                    case "CheckInK1":
                        var r = Township_Canteen_V1_CheckInRequest(); r.canteenID.value = "K1"; r.cardNumber = card.cardNumber
                        r.acceptFullPrice = true
                        _ = try await live.call(API.checkIn, r, as: p)
                    case "GetMealFigures":
                        _ = try await live.call(API.getMealFigures, .init(), as: p)
                    case "GetCoverage":
                        _ = try await live.call(API.getCoverage, .init(), as: p)
                    case "ListCanteens":
                        _ = try await live.call(API.listCanteens, .init(), as: p)
                    default:
                        Issue.record("unknown row \(row)")
                    }
                }
                if let failure, failure.status != .permissionDenied { Issue.record("\(row): unexpected \(failure)") }
                return failure == nil
            }
            let expected: [(String, Set<String>)] = [
                ("ListElders", ["admin", "staff", "leader"]),
                ("GetElder", ["admin", "staff", "leader", "opK1", "opK2", "family"]),
                ("SetElderFlags", ["admin", "staff"]),
                ("PutMenuK1", ["admin", "staff", "opK1"]),
                ("ReserveK1", ["admin", "staff", "opK1", "family"]),
                ("ListReservationsK1", ["admin", "staff", "leader", "opK1"]),
                ("CheckInK1", ["admin", "opK1"]),
                ("GetMealFigures", ["admin", "staff", "leader"]),
                ("GetCoverage", ["admin", "staff", "leader"]),
                ("ListCanteens", ["admin", "staff", "leader", "opK1", "opK2", "family", "stranger"]),
            ]
            for (row, allowed) in expected {
                for (name, principal) in roles {
                    let before = try live.count("SELECT (SELECT COUNT(*) FROM reservations) * 1000 + (SELECT COUNT(*) FROM meals)")
                    let admitted = await attempt(principal, row)
                    #expect(admitted == allowed.contains(name), "\(row) as \(name)")
                    if !admitted {
                        #expect(try live.count("SELECT (SELECT COUNT(*) FROM reservations) * 1000 + (SELECT COUNT(*) FROM meals)") == before)
                    }
                    if row == "ReserveK1", admitted {
                        // Free the sitting for the next role.
                        try live.clearReservations()
                    }
                }
            }
        }
    }
}

extension LiveCanteen {
    func putMenuAs(_ p: Township_Common_V1_Principal, canteen: String) async throws {
        var r = Township_Canteen_V1_PutMenuRequest()
        r.menu.canteenID.value = canteen
        r.menu.day.year = 2026; r.menu.day.month = 12; r.menu.day.day = 3
        var dish = Township_Canteen_V1_Dish(); dish.name = "饺子"
        r.menu.dishes = [dish]
        r.menu.mealPrice.amountFen = 1400; r.menu.mealPrice.currencyCode = "CNY"
        _ = try await call(Township_Canteen_V1_CanteenMeals.putMenu, r, as: p)
    }

    func clearReservations() throws {
        try GRDB.DatabaseQueue(path: databasePath).write { db in try db.execute(sql: "DELETE FROM reservations") }
    }
}
