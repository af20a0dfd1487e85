import CanteenCore
import CanteenService
import Crypto
import Foundation
import GRDB
import NIOCore
import SwiftProtobuf
import Synchronization
import TownshipCertificates
import TownshipProtos
import TownshipRPC
import TownshipTLS
import TownshipWire

/// Certificates for the live tests: the CA, canteen-meals (server), the gateway (may forward
/// principals), an admin tool (may call as itself) and job-fair (not allowed to call).
struct CanteenPKI: Sendable {
    static let identity = "spiffe://township.local/service/canteen-meals"
    let ca: CertificateFiles
    let server: CertificateFiles
    let gateway: CertificateFiles
    let admin: CertificateFiles
    let jobFair: CertificateFiles

    static let shared: CanteenPKI = try! CanteenPKI.make()

    static func make() throws -> CanteenPKI {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("canteen-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ca = try DevelopmentCA.create()
        return CanteenPKI(ca: try ca.write(to: directory),
                          server: try ca.issue(identity: .service("canteen-meals")).write(to: directory),
                          gateway: try ca.issue(identity: .service("gateway")).write(to: directory),
                          admin: try ca.issue(identity: .admin("ops")).write(to: directory),
                          jobFair: try ca.issue(identity: .service("job-fair")).write(to: directory))
    }
}

/// A clock the tests set.
final class TestClock: CanteenClock {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    func now() -> Date { current.withLock { $0 } }
    func set(_ date: Date) { current.withLock { $0 = date } }
}

enum Fixture {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!

    /// `hour`:`minute` on `day` in Shanghai.
    static func at(_ day: CivilDate, _ hour: Int, _ minute: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = shanghai
        return calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hour, minute: minute))!
    }

    static let today = CivilDate(year: 2026, month: 12, day: 2)!

    /// A valid 18-character ID number born on `birth` (YYYYMMDD) with sequence `sequence`.
    static func idNumber(born birth: String, sequence: Int = 123, region: String = "340803") -> String {
        let seventeen = region + birth + String(format: "%03d", sequence)
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let checks: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]
        let sum = zip(seventeen, weights).reduce(0) { $0 + $1.0.wholeNumberValue! * $1.1 }
        return seventeen + String(checks[sum % 11])
    }

    static func principal(_ user: String, _ role: Township_Common_V1_Role) -> Township_Common_V1_Principal {
        var p = Township_Common_V1_Principal()
        p.userID.value = user; p.role = role
        return p
    }

    static let admin = principal("admin-1", .admin)
    static let staff = principal("civil-1", .departmentStaff)
    static let leader = principal("leader-1", .leader)
    /// Works at K1 only.
    static let operatorK1 = principal("op-k1", .canteenOperator)
    /// Works at K2 only.
    static let operatorK2 = principal("op-k2", .canteenOperator)
    static let family = principal("son-1", .resident)
    static let stranger = principal("resident-9", .resident)
    static let employer = principal("emp-1", .employer)
}

/// canteen-meals live on 127.0.0.1 over mutual TLS, with a test clock and a fresh SQLite file.
final class LiveCanteen: Sendable {
    let directory: URL
    let clock: TestClock
    let store: CanteenStore
    let serverTask: Task<Void, Error>
    let port: Int
    let gateway: RPCClient

    var databasePath: String { directory.appendingPathComponent("canteen-meals.sqlite").path }

    init(now: Date = Fixture.at(Fixture.today, 8), configuration: CanteenConfiguration = CanteenConfiguration()) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("canteen-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        clock = TestClock(now)
        store = try CanteenStore(path: directory.appendingPathComponent("canteen-meals.sqlite").path,
                                 idLookupKey: SymmetricKey(size: .bits256), configuration: configuration, clock: clock)
        let service = CanteenService(store: store, callerPolicy: CallerPolicy(
            allowedCallers: ["spiffe://township.local/service/gateway", "spiffe://township.local/admin/*"]))
        let pki = CanteenPKI.shared
        let contexts = try ReloadableTLSContext(configuration: .server(
            certificateChainPath: pki.server.certificatePath, privateKeyPath: pki.server.privateKeyPath, trustedCAPath: pki.ca.certificatePath))
        let server = RPCServer(configuration: RPCServerConfiguration(drainTimeout: .seconds(5)),
                               router: service.makeRouter(), security: TLSServerTransport(contexts: contexts))
        serverTask = Task { try await server.run() }
        port = try await server.localAddress().port!
        gateway = try Self.client(port: port, files: pki.gateway)
    }

    static func client(port: Int, files: CertificateFiles) throws -> RPCClient {
        let pki = CanteenPKI.shared
        return RPCClient(
            configuration: RPCClientConfiguration(endpoints: [RPCEndpoint(host: "127.0.0.1", port: port)],
                                                  serverIdentity: CanteenPKI.identity, maxAttempts: 1),
            security: TLSClientTransport(contexts: try ReloadableTLSContext(configuration: .client(
                certificateChainPath: files.certificatePath, privateKeyPath: files.privateKeyPath,
                trustedCAPath: pki.ca.certificatePath, expectedServerIdentity: CanteenPKI.identity))))
    }

    func stop() async {
        await gateway.shutdown()
        serverTask.cancel()
        _ = try? await serverTask.value
        try? FileManager.default.removeItem(at: directory)
    }

    static func options(_ principal: Township_Common_V1_Principal?) -> CallOptions {
        var options = CallOptions(timeout: .seconds(30))
        if let principal { options.principal = ByteBuffer(bytes: try! principal.serializedBytes() as [UInt8]) }
        return options
    }

    func call<Req: SwiftProtobuf.Message, Resp: SwiftProtobuf.Message>(
        _ method: MethodDescriptor<Req, Resp>, _ request: Req, as principal: Township_Common_V1_Principal
    ) async throws -> Resp {
        try await gateway.unary(method.path, request, as: Resp.self, options: Self.options(principal))
    }

    /// Runs `body` against a fresh live service and always stops it.
    static func with(now: Date = Fixture.at(Fixture.today, 8), configuration: CanteenConfiguration = CanteenConfiguration(),
                     _ body: (LiveCanteen) async throws -> Void) async throws {
        let live = try await LiveCanteen(now: now, configuration: configuration)
        do { try await body(live) } catch { await live.stop(); throw error }
        await live.stop()
    }

    // MARK: Shortcuts

    typealias API = Township_Canteen_V1_CanteenMeals

    @discardableResult
    func register(born: String = "19500101", sequence: Int = 123, name: String = "王秀英", community: String = "C01",
                  requestID: String = UUID().uuidString, by p: Township_Common_V1_Principal = Fixture.staff) async throws -> Township_Canteen_V1_Elder {
        var r = Township_Canteen_V1_RegisterElderRequest()
        r.clientRequestID = requestID
        r.idNumber = Fixture.idNumber(born: born, sequence: sequence)
        r.name = name; r.communityID.value = community
        r.home.latitude = 30.545; r.home.longitude = 117.005
        r.address = "菱北街道1号"
        return try await call(API.registerElder, r, as: p).elder
    }

    @discardableResult
    func putCanteen(_ id: String, staff: [String], seats: Int32 = 80, status: Township_Canteen_V1_CanteenStatus = .operating,
                    operatorID: String = "OP1", latitude: Double = 30.545, longitude: Double = 117.005) async throws -> Township_Canteen_V1_Canteen {
        var c = Township_Canteen_V1_Canteen()
        c.canteenID.value = id; c.name = "老年食堂\(id)"; c.status = status; c.communityID.value = "C01"
        c.location.latitude = latitude; c.location.longitude = longitude
        c.seatsPerSitting = seats
        var lunch = Township_Canteen_V1_Sitting(); lunch.name = "lunch"; lunch.startsAt = "11:00"; lunch.endsAt = "13:00"
        c.sittings = [lunch]
        c.operatorID.value = operatorID; c.operatorName = "运营方\(operatorID)"
        c.staffUserIds = staff.map { var u = Township_Common_V1_UserId(); u.value = $0; return u }
        var r = Township_Canteen_V1_PutCanteenRequest(); r.canteen = c
        return try await call(API.putCanteen, r, as: Fixture.staff).canteen
    }

    func putMenu(_ canteen: String, day: CivilDate = Fixture.today, priceFen: Int64 = 1500) async throws {
        var r = Township_Canteen_V1_PutMenuRequest()
        r.menu.canteenID.value = canteen
        r.menu.day.year = Int32(day.year); r.menu.day.month = Int32(day.month); r.menu.day.day = Int32(day.day)
        var dish = Township_Canteen_V1_Dish(); dish.name = "红烧肉"; dish.price.amountFen = 800; dish.price.currencyCode = "CNY"
        r.menu.dishes = [dish]
        r.menu.mealPrice.amountFen = priceFen; r.menu.mealPrice.currencyCode = "CNY"
        _ = try await call(API.putMenu, r, as: Fixture.admin)
    }

    func issueCard(_ elder: Township_Canteen_V1_ElderId) async throws -> Township_Canteen_V1_Card {
        var r = Township_Canteen_V1_IssueCardRequest(); r.elderID = elder; r.clientRequestID = UUID().uuidString
        return try await call(API.issueCard, r, as: Fixture.staff).card
    }

    func checkIn(card: String, at canteen: String, fullPrice: Bool = false, reservation: String? = nil,
                 by p: Township_Common_V1_Principal? = nil) async throws -> Township_Canteen_V1_Meal {
        var r = Township_Canteen_V1_CheckInRequest()
        r.clientRequestID = UUID().uuidString
        r.canteenID.value = canteen; r.cardNumber = card; r.acceptFullPrice = fullPrice
        if let reservation { r.reservationID.value = reservation }
        return try await call(API.checkIn, r, as: p ?? (canteen == "K1" ? Fixture.operatorK1 : Fixture.operatorK2)).meal
    }

    func reserve(_ elder: Township_Canteen_V1_ElderId, at canteen: String = "K1", day: CivilDate = Fixture.today,
                 mode: Township_Canteen_V1_MealMode = .dineIn, by p: Township_Common_V1_Principal = Fixture.family) async throws -> Township_Canteen_V1_Reservation {
        var r = Township_Canteen_V1_ReserveMealRequest()
        r.clientRequestID = UUID().uuidString
        r.elderID = elder; r.canteenID.value = canteen
        r.day.year = Int32(day.year); r.day.month = Int32(day.month); r.day.day = Int32(day.day)
        r.sitting = "lunch"; r.mode = mode
        return try await call(API.reserveMeal, r, as: p).reservation
    }

    func addFamily(_ elder: Township_Canteen_V1_ElderId, _ user: String = "son-1") async throws {
        var r = Township_Canteen_V1_AddFamilyMemberRequest(); r.elderID = elder; r.userID.value = user
        _ = try await call(API.addFamilyMember, r, as: Fixture.staff)
    }

    /// Two canteens (K1, K2) with menus today, one elder with a card and a family member.
    func standardSetup() async throws -> (elder: Township_Canteen_V1_Elder, card: Township_Canteen_V1_Card) {
        try await putCanteen("K1", staff: ["op-k1"])
        try await putCanteen("K2", staff: ["op-k2"], operatorID: "OP2")
        try await putMenu("K1")
        try await putMenu("K2")
        let elder = try await register()
        try await addFamily(elder.elderID)
        return (elder, try await issueCard(elder.elderID))
    }

    /// A number read straight from the SQLite file (a second connection, as an auditor would).
    func count(_ sql: String) throws -> Int {
        try DatabaseQueue(path: databasePath).read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }
}

/// The RPC error a call failed with (nil when it succeeded), with its ErrorDetails.
func rpcFailure(_ body: () async throws -> Void) async -> (status: CallStatus, message: String, reason: String, fields: [String])? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        let details = (try? Township_Common_V1_ErrorDetails(serializedBytes: Array(error.details.readableBytesView))) ?? .init()
        return (error.status, error.message, details.reason, details.fieldViolations.map(\.field))
    } catch {
        return (.unknown, "\(error)", "", [])
    }
}
