import CanteenCore
import Foundation
import Testing
import TownshipProtos
import TownshipRPC
import TownshipWire

@Suite("canteen-meals: reservations over live RPC")
struct ReservationOverRPCTests {
    typealias API = Township_Canteen_V1_CanteenMeals

    @Test("a family member reserves and cancels before the cut-off; after it both are refused")
    func cutOff() async throws {
        try await LiveCanteen.with { live in
            let (elder, _) = try await live.standardSetup()
            let reservation = try await live.reserve(elder.elderID, mode: .delivery)
            #expect(reservation.status == .active && reservation.reservedBy.value == "son-1")
            var cancel = Township_Canteen_V1_CancelReservationRequest(); cancel.reservationID = reservation.reservationID
            #expect(try await live.call(API.cancelReservation, cancel, as: Fixture.family).reservation.status == .cancelled)
            // Cancelling again is a no-op.
            #expect(try await live.call(API.cancelReservation, cancel, as: Fixture.family).reservation.status == .cancelled)
            let again = try await live.reserve(elder.elderID)
            // Lunch starts at 11:00; the cut-off (120 minutes) is 09:00.
            live.clock.set(Fixture.at(Fixture.today, 9, 30))
            var cancelAgain = Township_Canteen_V1_CancelReservationRequest(); cancelAgain.reservationID = again.reservationID
            let late = await rpcFailure { _ = try await live.call(API.cancelReservation, cancelAgain, as: Fixture.family) }
            #expect(late?.reason == "RESERVATION_CUTOFF_PASSED")
            let lateReserve = await rpcFailure { _ = try await live.reserve(elder.elderID, day: Fixture.today) }
            #expect(lateReserve?.reason == "RESERVATION_CUTOFF_PASSED")
            #expect(try live.count("SELECT COUNT(*) FROM reservations WHERE status = 'active'") == 1)
        }
    }

    @Test("someone else's reservation reads like an unknown one to a resident who may not cancel it, and stays")
    func othersReservationsAreNotConfirmed() async throws {
        try await LiveCanteen.with { live in
            let (elder, _) = try await live.standardSetup()
            let reservation = try await live.reserve(elder.elderID)
            var cancel = Township_Canteen_V1_CancelReservationRequest(); cancel.reservationID = reservation.reservationID
            let refused = await rpcFailure { _ = try await live.call(API.cancelReservation, cancel, as: Fixture.stranger) }
            var unknown = Township_Canteen_V1_CancelReservationRequest(); unknown.reservationID.value = "R999999"
            let missing = await rpcFailure { _ = try await live.call(API.cancelReservation, unknown, as: Fixture.stranger) }
            #expect(refused?.reason == "RESERVATION_NOT_FOUND" && missing?.reason == "RESERVATION_NOT_FOUND", "\(String(describing: refused)) \(String(describing: missing))")
            #expect(try live.count("SELECT COUNT(*) FROM reservations WHERE status = 'active'") == 1)
            let byEmployer = await rpcFailure { _ = try await live.call(API.cancelReservation, cancel, as: Fixture.employer) }
            #expect(byEmployer?.reason != "RESERVATION_NOT_FOUND" && byEmployer != nil)
        }
    }

    @Test("a full sitting is refused; a meal checked in against a cancelled reservation is refused and recorded")
    func fullSittingAndCancelledMeal() async throws {
        try await LiveCanteen.with { live in
            try await live.putCanteen("K1", staff: ["op-k1"], seats: 1)
            try await live.putMenu("K1")
            let a = try await live.register(sequence: 1)
            let b = try await live.register(sequence: 2)
            try await live.addFamily(a.elderID)
            try await live.addFamily(b.elderID)
            let card = try await live.issueCard(a.elderID)
            let first = try await live.reserve(a.elderID)
            let full = await rpcFailure { _ = try await live.reserve(b.elderID) }
            #expect(full?.reason == "SITTING_FULL")
            // Delivery takes no seat.
            #expect(try await live.reserve(b.elderID, mode: .delivery).status == .active)
            var cancel = Township_Canteen_V1_CancelReservationRequest(); cancel.reservationID = first.reservationID
            _ = try await live.call(API.cancelReservation, cancel, as: Fixture.family)
            live.clock.set(Fixture.at(Fixture.today, 11, 30))
            let afterCancel = await rpcFailure { _ = try await live.checkIn(card: card.cardNumber, at: "K1", reservation: first.reservationID.value) }
            #expect(afterCancel?.reason == "RESERVATION_CANCELLED")
            #expect(try live.count("SELECT COUNT(*) FROM refused_claims WHERE reason = 'meal_after_cancellation'") == 1)
            #expect(try live.count("SELECT COUNT(*) FROM meals") == 0)
        }
    }

    @Test("no-shows are the reservations of a past day that were not served")
    func noShows() async throws {
        try await LiveCanteen.with { live in
            let (elder, card) = try await live.standardSetup()
            let b = try await live.register(sequence: 7)
            try await live.addFamily(b.elderID)
            let served = try await live.reserve(elder.elderID)
            _ = try await live.reserve(b.elderID)
            live.clock.set(Fixture.at(Fixture.today, 11, 30))
            _ = try await live.checkIn(card: card.cardNumber, at: "K1", reservation: served.reservationID.value)
            var r = Township_Canteen_V1_RecordNoShowsRequest()
            r.canteenID.value = "K1"; r.day.year = 2026; r.day.month = 12; r.day.day = 2
            let early = await rpcFailure { _ = try await live.call(API.recordNoShows, r, as: Fixture.operatorK1) }
            #expect(early?.fields == ["day"])
            live.clock.set(Fixture.at(Fixture.today.adding(days: 1)!, 8))
            #expect(try await live.call(API.recordNoShows, r, as: Fixture.operatorK1).marked == 1)
            #expect(try await live.call(API.recordNoShows, r, as: Fixture.operatorK1).marked == 0)
            #expect(try live.count("SELECT COUNT(*) FROM reservations WHERE status = 'no_show'") == 1)
            #expect(try live.count("SELECT COUNT(*) FROM reservations WHERE status = 'served'") == 1)
        }
    }
}
