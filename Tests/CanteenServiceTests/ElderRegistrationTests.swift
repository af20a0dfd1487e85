import CanteenCore
import Foundation
import Testing
import TownshipProtos
import TownshipRPC
import TownshipWire

@Suite("canteen-meals: elders over live RPC")
struct ElderRegistrationTests {
    typealias API = Township_Canteen_V1_CanteenMeals

    @Test("registration reads the birth date and tier, shows the number masked, and a dump holds no whole number")
    func registration() async throws {
        try await LiveCanteen.with { live in
            let elder = try await live.register(born: "19450315", sequence: 42)
            let number = Fixture.idNumber(born: "19450315", sequence: 42)
            #expect(elder.maskedIDNumber == String(number.prefix(4)) + "**********" + String(number.suffix(4)))
            #expect(elder.birthDate.year == 1945 && elder.birthDate.month == 3 && elder.birthDate.day == 15)
            #expect(elder.tier == .ageTier80Plus)
            // Looked up by the number typed at a counter.
            var get = Township_Canteen_V1_GetElderRequest(); get.idNumber = number
            #expect(try await live.call(API.getElder, get, as: Fixture.leader).elder.elderID == elder.elderID)
            // A resident may not probe whether an ID number is registered, even their own elder's.
            try await live.addFamily(elder.elderID)
            #expect(await rpcFailure { _ = try await live.call(API.getElder, get, as: Fixture.family) }?.status == .permissionDenied)
            // Neither the database nor its WAL holds the whole number or its birth-date run.
            for path in [live.databasePath, live.databasePath + "-wal"] {
                let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
                #expect(bytes.range(of: Data(number.utf8)) == nil)
                #expect(bytes.range(of: Data(number.prefix(14).utf8)) == nil)
            }
        }
    }

    @Test("the tier follows birthdays: 69 the day before, 70 on the day")
    func tierOnBirthday() async throws {
        try await LiveCanteen.with(now: Fixture.at(CivilDate(year: 2026, month: 12, day: 1)!, 9)) { live in
            let elder = try await live.register(born: "19561202")
            #expect(elder.tier == .ageTier60To69)
            live.clock.set(Fixture.at(Fixture.today, 9))
            var get = Township_Canteen_V1_GetElderRequest(); get.elderID = elder.elderID
            #expect(try await live.call(API.getElder, get, as: Fixture.staff).elder.tier == .ageTier70To79)
        }
    }

    @Test("bad ID numbers, under-60s and a second registration are refused, naming the field, and store nothing")
    func refusals() async throws {
        try await LiveCanteen.with { live in
            var bad = Township_Canteen_V1_RegisterElderRequest()
            bad.name = "张三"; bad.communityID.value = "C01"; bad.home.latitude = 30.5; bad.home.longitude = 117
            var number = Array(Fixture.idNumber(born: "19500101"))
            number[17] = number[17] == "1" ? "2" : "1"
            bad.idNumber = String(number)
            let wrongCheck = await rpcFailure { _ = try await live.call(API.registerElder, bad, as: Fixture.staff) }
            #expect(wrongCheck?.status == .invalidArgument)
            #expect(wrongCheck?.fields == ["id_number"])
            #expect(wrongCheck?.message.contains("check digit") == true)
            bad.idNumber = "12345"
            #expect(await rpcFailure { _ = try await live.call(API.registerElder, bad, as: Fixture.staff) }?.fields == ["id_number"])
            let young = await rpcFailure { try await live.register(born: "19800101") }
            #expect(young?.status == .failedPrecondition)
            #expect(young?.reason == "ELDER_UNDER_AGE")
            #expect(try live.count("SELECT COUNT(*) FROM elders") == 0)

            let first = try await live.register(requestID: "req-1")
            // A retry of the same request returns the first answer.
            #expect(try await live.register(requestID: "req-1").elderID == first.elderID)
            let again = await rpcFailure { try await live.register(requestID: "req-2") }
            #expect(again?.status == .alreadyExists)
            #expect(again?.reason == "ELDER_ALREADY_REGISTERED")
            #expect(try live.count("SELECT COUNT(*) FROM elders") == 1)
        }
    }

    @Test("a reissued card revokes the old one; a revoked card is refused at check-in and recorded")
    func cards() async throws {
        try await LiveCanteen.with { live in
            let (elder, card) = try await live.standardSetup()
            #expect(card.cardNumber.hasPrefix("C") && card.qrToken.count >= 40)
            let second = try await live.issueCard(elder.elderID)
            #expect(second.cardNumber != card.cardNumber)
            let old = await rpcFailure { _ = try await live.checkIn(card: card.cardNumber, at: "K1") }
            #expect(old?.reason == "CARD_REVOKED")
            let unknown = await rpcFailure { _ = try await live.checkIn(card: "C999999999999", at: "K1") }
            #expect(unknown?.status == .notFound)
            #expect(unknown?.reason == "CARD_NOT_FOUND")
            #expect(try live.count("SELECT COUNT(*) FROM meals") == 0)
            #expect(try live.count("SELECT COUNT(*) FROM refused_claims") == 2)
            // By QR token, the new card works.
            var r = Township_Canteen_V1_CheckInRequest()
            r.canteenID.value = "K1"; r.qrToken = second.qrToken
            let meal = try await live.call(API.checkIn, r, as: Fixture.operatorK1).meal
            #expect(meal.subsidy.amountFen == 500)
            #expect(meal.payable.amountFen == 1000)
        }
    }
}
