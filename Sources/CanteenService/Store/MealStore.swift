import CanteenCore
import Foundation
import GRDB

/// Reservations, check-ins and no-shows.
extension CanteenStore {
    public struct NewReservation: Sendable {
        public var elderID: Int64
        public var canteenID: String
        public var day: CivilDate
        public var sitting: String
        public var mode: MealModeRecord
        public var reservedBy: String
        public var clientRequestID: String?

        public init(elderID: Int64, canteenID: String, day: CivilDate, sitting: String, mode: MealModeRecord, reservedBy: String,
                    clientRequestID: String?) {
            self.elderID = elderID
            self.canteenID = canteenID
            self.day = day
            self.sitting = sitting
            self.mode = mode
            self.reservedBy = reservedBy
            self.clientRequestID = clientRequestID
        }
    }

    /// The sitting's cut-off: reservations and cancellations end this many minutes before it starts.
    func cutoff(_ day: CivilDate, _ sitting: SittingRecord) -> Date {
        instant(day, minute: sitting.startMinute - configuration.reservationCutoffMinutes)
    }

    /// Reserves a seat (or a delivery) while the sitting has room and before its cut-off; the
    /// count and the insert are one transaction, so concurrent reservations cannot overfill it.
    public func reserve(_ new: NewReservation) throws -> ReservationRecord {
        let now = clock.now()
        return try pool.write { db in
            if let request = new.clientRequestID,
               let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM reservations WHERE client_request_id = ?"), arguments: [request]) {
                let existing = Self.reservation(row)
                guard existing.elderID == new.elderID, existing.canteenID == new.canteenID, existing.day == new.day else {
                    throw CanteenRefusal.invalid("client_request_id", "was already used for another reservation")
                }
                return existing
            }
            guard let elder = try Self.elder(db, id: new.elderID) else { throw CanteenRefusal.elderNotFound(WireIDs.elder(new.elderID)) }
            _ = try elder.eligibility.tier(on: new.day)
            let canteen = try Self.canteen(db, id: new.canteenID)
            guard canteen.status == .operating else {
                throw CanteenRefusal.precondition("CANTEEN_NOT_OPERATING", "canteen_id: \(canteen.id) is under construction")
            }
            guard let sitting = canteen.sittings.first(where: { $0.name == new.sitting }) else {
                throw CanteenRefusal.notFound("SITTING_NOT_FOUND", "sitting: canteen \(canteen.id) has no sitting '\(new.sitting)'")
            }
            guard now < cutoff(new.day, sitting) else {
                throw CanteenRefusal.precondition("RESERVATION_CUTOFF_PASSED",
                                                  "day: reservations for \(new.day) \(sitting.name) closed \(configuration.reservationCutoffMinutes) minutes before it starts")
            }
            let taken = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM reservations WHERE canteen_id = ? AND day = ? AND sitting = ? AND status <> 'cancelled' AND mode = 'dine_in'
                """, arguments: [canteen.id, new.day.description, sitting.name])!
            if new.mode == .dineIn, taken >= canteen.seatsPerSitting {
                throw CanteenRefusal.precondition("SITTING_FULL", "sitting: all \(canteen.seatsPerSitting) seats of \(new.day) \(sitting.name) are reserved")
            }
            if try Int64.fetchOne(db, sql: "SELECT id FROM reservations WHERE elder_id = ? AND day = ? AND sitting = ? AND status <> 'cancelled'",
                                  arguments: [new.elderID, new.day.description, sitting.name]) != nil {
                throw CanteenRefusal.precondition("ALREADY_RESERVED", "sitting: the elder already has a reservation for \(new.day) \(sitting.name)")
            }
            try db.cachedStatement(sql: """
                INSERT INTO reservations (elder_id, canteen_id, day, sitting, mode, status, reserved_by, client_request_id)
                VALUES (?, ?, ?, ?, ?, 'active', ?, ?)
                """).execute(arguments: [new.elderID, canteen.id, new.day.description, sitting.name, new.mode.rawValue, new.reservedBy,
                                 new.clientRequestID])
            return ReservationRecord(id: db.lastInsertedRowID, elderID: new.elderID, canteenID: canteen.id, day: new.day,
                                     sitting: sitting.name, mode: new.mode, status: .active, reservedBy: new.reservedBy)
        }
    }

    static func reservation(_ row: Row) -> ReservationRecord {
        ReservationRecord(id: row["id"], elderID: row["elder_id"], canteenID: row["canteen_id"], day: row.civilDate("day"),
                          sitting: row["sitting"], mode: MealModeRecord(rawValue: row["mode"]) ?? .dineIn,
                          status: ReservationState(rawValue: row["status"]) ?? .active, reservedBy: row["reserved_by"])
    }

    public func reservation(id: Int64) throws -> ReservationRecord {
        guard let row = try pool.read({ db in try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM reservations WHERE id = ?"), arguments: [id]) }) else {
            throw CanteenRefusal.notFound("RESERVATION_NOT_FOUND", "reservation_id: no reservation \(WireIDs.reservation(id))")
        }
        return Self.reservation(row)
    }

    /// Cancels until the cut-off; cancelling a cancelled reservation is a no-op.
    public func cancelReservation(id: Int64) throws -> ReservationRecord {
        let now = clock.now()
        return try pool.write { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM reservations WHERE id = ?"), arguments: [id]) else {
                throw CanteenRefusal.notFound("RESERVATION_NOT_FOUND", "reservation_id: no reservation \(WireIDs.reservation(id))")
            }
            var reservation = Self.reservation(row)
            switch reservation.status {
            case .cancelled: return reservation
            case .served, .noShow:
                throw CanteenRefusal.precondition("RESERVATION_CUTOFF_PASSED", "reservation_id: the reservation was already \(reservation.status.rawValue)")
            case .active: break
            }
            let canteen = try Self.canteen(db, id: reservation.canteenID)
            if let sitting = canteen.sittings.first(where: { $0.name == reservation.sitting }), now >= cutoff(reservation.day, sitting) {
                throw CanteenRefusal.precondition("RESERVATION_CUTOFF_PASSED",
                                                  "reservation_id: cancellations for \(reservation.day) \(sitting.name) closed at the cut-off")
            }
            try db.cachedStatement(sql: "UPDATE reservations SET status = 'cancelled' WHERE id = ?").execute( arguments: [id])
            reservation.status = .cancelled
            return reservation
        }
    }

    public func reservations(canteenID: String, day: CivilDate, afterID: Int64, limit: Int) throws -> [ReservationRecord] {
        try pool.read { db in
            _ = try Self.canteen(db, id: canteenID)
            return try Row.fetchAll(db, sql: "SELECT * FROM reservations WHERE canteen_id = ? AND day = ? AND id > ? ORDER BY id LIMIT ?",
                                    arguments: [canteenID, day.description, afterID, limit]).map(Self.reservation)
        }
    }

    public enum Credential: Sendable {
        case cardNumber(String)
        case qrToken(String)
    }

    public struct CheckInRequest: Sendable {
        public var canteenID: String
        public var credential: Credential
        public var reservationID: Int64?
        public var acceptFullPrice: Bool
        public var clientRequestID: String?

        public init(canteenID: String, credential: Credential, reservationID: Int64?, acceptFullPrice: Bool, clientRequestID: String?) {
            self.canteenID = canteenID
            self.credential = credential
            self.reservationID = reservationID
            self.acceptFullPrice = acceptFullPrice
            self.clientRequestID = clientRequestID
        }
    }

    /// What a check-in decided: a meal, or a refusal recorded as a claim.
    enum CheckInOutcome: Sendable {
        case served(MealRecord)
        case refused(CanteenRefusal)
    }

    /// Records a meal served now (see `CheckInGroupCommit`: concurrent check-ins share one
    /// durable commit, each in its own savepoint). A refused claim is committed (for the
    /// settlement's reconciliation) and then thrown.
    public func checkIn(_ request: CheckInRequest) async throws -> MealRecord {
        switch try await checkIns.submit(request, limit: configuration.checkInQueueLimit, apply: { [self] batch in applyCheckIns(batch) }) {
        case .served(let meal): return meal
        case .refused(let refusal): throw refusal
        }
    }

    /// One check-in inside the caller's transaction: the card, the elder's eligibility today,
    /// the reservation, the menu price and the subsidy, and the insert into `subsidised_days`
    /// whose primary key (elder, day) lets exactly one of concurrent check-ins for an elder
    /// take the day's subsidy (check-ins are applied one after the other by the one writer).
    func checkIn(_ request: CheckInRequest, in db: Database, now: Date, day: CivilDate) throws -> CheckInOutcome {
        let table = configuration.subsidyTable
        do {
            if let key = request.clientRequestID,
               let mealID = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM meals WHERE client_request_id = ?"), arguments: [key]) {
                return .served(try Self.meal(db, id: mealID)!)
            }
            let canteen = try Self.canteen(db, id: request.canteenID)
            guard canteen.status == .operating else {
                throw CanteenRefusal.precondition("CANTEEN_NOT_OPERATING", "canteen_id: \(canteen.id) is under construction")
            }
            guard let menu = try Self.menu(db, canteenID: canteen.id, day: day) else {
                throw CanteenRefusal.notFound("MENU_NOT_FOUND", "canteen_id: \(canteen.id) has no menu for \(day): set it first")
            }
            func refuse(_ kind: RefusalKind, masked: String?, subsidy: Int?, _ refusal: CanteenRefusal) throws -> CheckInOutcome {
                try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO refused_claims (canteen_id, operator_id, day, reason, masked, subsidy_fen, client_request_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [canteen.id, canteen.operatorID, day.description, kind.rawValue, masked, subsidy, request.clientRequestID])
                return .refused(refusal)
            }
            let cardRow: Row?
            switch request.credential {
            case .cardNumber(let number): cardRow = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM cards WHERE card_number = ?"), arguments: [number])
            case .qrToken(let token): cardRow = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM cards WHERE qr_token = ?"), arguments: [token])
            }
            guard let cardRow else {
                return try refuse(.unknownCard, masked: nil, subsidy: nil,
                                  CanteenRefusal.notFound("CARD_NOT_FOUND", "card: no card matches the card number or QR token"))
            }
            let card = Self.card(cardRow, withToken: false)
            let elder = try Self.elder(db, id: card.elderID)!
            let tier: AgeTier
            do {
                tier = try elder.eligibility.tier(on: day)
            } catch {
                if case .ended(let reason, let from) = error {
                    return try refuse(.ended(reason), masked: elder.masked, subsidy: nil, CanteenRefusal.precondition(
                        "ELIGIBILITY_ENDED", "card: the elder's eligibility ended from \(from) (\(reason.rawValue))"))
                }
                throw error
            }
            guard !card.revoked else {
                return try refuse(.cardRevoked, masked: elder.masked, subsidy: nil,
                                  CanteenRefusal.precondition("CARD_REVOKED", "card: card \(card.cardNumber) is revoked"))
            }
            if let reservationID = request.reservationID {
                guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM reservations WHERE id = ?"), arguments: [reservationID]),
                      case let reservation = Self.reservation(row), reservation.elderID == elder.id, reservation.canteenID == canteen.id,
                      reservation.day == day else {
                    throw CanteenRefusal.notFound("RESERVATION_NOT_FOUND",
                                                  "reservation_id: no reservation \(WireIDs.reservation(reservationID)) of this elder here today")
                }
                if reservation.status == .cancelled {
                    return try refuse(.mealAfterCancellation, masked: elder.masked, subsidy: nil, CanteenRefusal.precondition(
                        "RESERVATION_CANCELLED", "reservation_id: \(WireIDs.reservation(reservationID)) was cancelled"))
                }
                try db.cachedStatement(sql: "UPDATE reservations SET status = 'served' WHERE id = ?").execute( arguments: [reservationID])
            }
            let price = try table.price(menuPrice: menu.mealPriceFen, eligibility: elder.eligibility, on: day)
            // The once-a-day rule, decided by the primary key of subsidised_days.
            var subsidy = price.subsidy
            if subsidy > 0 {
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO subsidised_days (elder_id, day) VALUES (?, ?)").execute( arguments: [elder.id, day.description])
                if db.changesCount == 0 {
                    guard request.acceptFullPrice else {
                        return try refuse(.secondSubsidisedMeal, masked: elder.masked, subsidy: price.subsidy, CanteenRefusal.precondition(
                            "SUBSIDY_ALREADY_USED_TODAY",
                            "card: the elder already had a subsidised meal on \(day); check in with accept_full_price to serve at full price"))
                    }
                    subsidy = 0
                }
            }
            let fullPrice = subsidy == 0 && price.subsidy > 0
            try db.cachedStatement(sql: """
                INSERT INTO meals (elder_id, canteen_id, operator_id, day, served_at, tier, menu_price_fen, subsidy_fen, full_price,
                                   reservation_id, client_request_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [elder.id, canteen.id, canteen.operatorID, day.description, now.timeIntervalSince1970, tier.rawValue,
                                 menu.mealPriceFen, subsidy, fullPrice, request.reservationID, request.clientRequestID])
            return .served(MealRecord(id: db.lastInsertedRowID, elderID: elder.id, masked: elder.masked, canteenID: canteen.id, day: day,
                                      servedAt: now, tier: tier, menuPriceFen: menu.mealPriceFen, subsidyFen: subsidy, fullPrice: fullPrice))
        }
    }

    static func meal(_ db: Database, id: Int64) throws -> MealRecord? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT meals.*, elders.masked FROM meals JOIN elders ON elders.id = meals.elder_id WHERE meals.id = ?
            """, arguments: [id]) else { return nil }
        return MealRecord(id: row["id"], elderID: row["elder_id"], masked: row["masked"], canteenID: row["canteen_id"],
                          day: row.civilDate("day"), servedAt: Date(timeIntervalSince1970: row["served_at"]),
                          tier: AgeTier(rawValue: row["tier"]) ?? .age60to69, menuPriceFen: row["menu_price_fen"],
                          subsidyFen: row["subsidy_fen"], fullPrice: (row["full_price"] as Int) != 0)
    }

    /// Marks the still-active reservations of a day that has ended as no-shows.
    public func recordNoShows(canteenID: String, day: CivilDate) throws -> Int {
        guard day < today else { throw CanteenRefusal.invalid("day", "\(day) has not ended yet") }
        return try pool.write { db in
            _ = try Self.canteen(db, id: canteenID)
            try db.cachedStatement(sql: "UPDATE reservations SET status = 'no_show' WHERE canteen_id = ? AND day = ? AND status = 'active'").execute(
                           arguments: [canteenID, day.description])
            return db.changesCount
        }
    }
}
