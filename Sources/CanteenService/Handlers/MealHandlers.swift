import CanteenCore
import TownshipProtos
import TownshipRPC
import TownshipServiceKit

extension CanteenService {
    func registerMeals(_ router: inout RPCRouter) {
        let m = Township_Canteen_V1_CanteenMeals.self
        let store = self.store
        handle(&router, m.reserveMeal) { req, p in
            let elderID = try RequestValidation.elderID(req.elderID)
            let canteenID = try RequestValidation.id(req.canteenID.value, "canteen_id")
            let day = try RequestValidation.date(req.day, "day")
            let sitting = try RequestValidation.text(req.sitting, "sitting", maximum: 32)
            let mode: MealModeRecord
            switch req.mode {
            case .dineIn: mode = .dineIn
            case .delivery: mode = .delivery
            default: throw CanteenRefusal.invalid("mode", "must be DINE_IN or DELIVERY")
            }
            let requestID = try RequestValidation.optionalRequestID(req.clientRequestID)
            let canteen = try await blocking { try store.canteen(id: canteenID) }
            try CanteenAccess.requireMayOrder(p, elderID: elderID, canteen: canteen, store: store)
            let reservation = try await blocking {
                try store.reserve(CanteenStore.NewReservation(elderID: elderID, canteenID: canteenID, day: day, sitting: sitting, mode: mode,
                                                               reservedBy: p.userID, clientRequestID: requestID))
            }
            var r = Township_Canteen_V1_ReservationResponse()
            r.reservation = ProtoMapping.reservation(reservation)
            return r
        }
        handle(&router, m.cancelReservation) { req, p in
            let id = try RequestValidation.reservationID(req.reservationID)
            guard [.admin, .departmentStaff, .canteenOperator, .resident].contains(p.role) else {
                throw CanteenAccess.denied(p, "cancel reservations")
            }
            let existing = try await blocking { try store.reservation(id: id) }
            let canteen = try await blocking { try store.canteen(id: existing.canteenID) }
            do {
                try CanteenAccess.requireMayOrder(p, elderID: existing.elderID, canteen: canteen, store: store)
            } catch let refusal as CanteenRefusal where refusal.status == .permissionDenied {
                // Someone who may not cancel it learns nothing of it, not even that it exists
                // (ids are sequential): the refusal reads like an unknown id.
                throw CanteenRefusal.notFound("RESERVATION_NOT_FOUND", "reservation_id: no reservation \(WireIDs.reservation(id))")
            }
            let reservation = try await blocking { try store.cancelReservation(id: id) }
            var r = Township_Canteen_V1_ReservationResponse()
            r.reservation = ProtoMapping.reservation(reservation)
            return r
        }
        handle(&router, m.listReservations) { req, p in
            let canteenID = try RequestValidation.id(req.canteenID.value, "canteen_id")
            let canteen = try await blocking { try store.canteen(id: canteenID) }
            if p.role != .leader { try CanteenAccess.requireOperator(p, of: canteen, "list reservations", staffToo: true) }
            let day = req.hasDay ? try RequestValidation.date(req.day, "day") : store.today
            let (after, limit) = try RequestValidation.page(req.page, configuration: store.configuration)
            let list = try await blocking { try store.reservations(canteenID: canteenID, day: day, afterID: after, limit: limit) }
            var r = Township_Canteen_V1_ListReservationsResponse()
            r.reservations = list.map(ProtoMapping.reservation)
            r.page = RequestValidation.pageResponse(lastID: list.last?.id, full: list.count == limit)
            return r
        }
        handle(&router, m.checkIn) { req, p in
            let canteenID = try RequestValidation.id(req.canteenID.value, "canteen_id")
            let credential: CanteenStore.Credential
            switch req.credential {
            case .cardNumber(let number): credential = .cardNumber(try RequestValidation.id(number, "card_number"))
            case .qrToken(let token): credential = .qrToken(try RequestValidation.id(token, "qr_token"))
            case nil: throw CanteenRefusal.invalid("credential", "set card_number or qr_token")
            }
            let reservationID = req.hasReservationID ? try RequestValidation.reservationID(req.reservationID) : nil
            let requestID = try RequestValidation.optionalRequestID(req.clientRequestID)
            let canteen = try await blocking { try store.canteen(id: canteenID) }
            try CanteenAccess.requireOperator(p, of: canteen, "check elders in")
            // Group-committed with concurrent check-ins (CheckInGroupCommit), off the cooperative pool.
            let meal = try await store.checkIn(CanteenStore.CheckInRequest(
                canteenID: canteenID, credential: credential, reservationID: reservationID,
                acceptFullPrice: req.acceptFullPrice, clientRequestID: requestID))
            var r = Township_Canteen_V1_CheckInResponse()
            r.meal = ProtoMapping.meal(meal)
            return r
        }
        handle(&router, m.recordNoShows) { req, p in
            let canteenID = try RequestValidation.id(req.canteenID.value, "canteen_id")
            let day = try RequestValidation.date(req.day, "day")
            let canteen = try await blocking { try store.canteen(id: canteenID) }
            try CanteenAccess.requireOperator(p, of: canteen, "record no-shows")
            let marked = try await blocking { try store.recordNoShows(canteenID: canteenID, day: day) }
            var r = Township_Canteen_V1_RecordNoShowsResponse()
            r.marked = Int32(marked)
            return r
        }
    }
}
