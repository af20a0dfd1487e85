import CanteenCore
import Crypto
import Foundation
import GRDB

/// Elders, their cards and their family members.
extension CanteenStore {
    public struct NewElder: Sendable {
        public var idNumber: String
        public var name: String
        public var community: String
        public var home: GeoPoint
        public var address: String
        public var flags: Set<SubsidyFlag>
        public var clientRequestID: String?

        public init(idNumber: String, name: String, community: String, home: GeoPoint, address: String,
                    flags: Set<SubsidyFlag>, clientRequestID: String?) {
            self.idNumber = idNumber
            self.name = name
            self.community = community
            self.home = home
            self.address = address
            self.flags = flags
            self.clientRequestID = clientRequestID
        }
    }

    /// Registers an elder once, 60 or older today. A retry with the same client request id
    /// returns the first answer.
    public func register(_ new: NewElder) throws -> ElderRecord {
        let id = try ResidentIDNumber(new.idNumber, today: today)
        _ = try AgeTier.of(birthDate: id.birthDate, on: today)
        let protected = protector.protect(id)
        let registeredAt = clock.now().timeIntervalSince1970
        return try pool.write { db in
            if let request = new.clientRequestID,
               let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, lookup_digest FROM elders WHERE client_request_id = ?"), arguments: [request]) {
                let digest: String = row["lookup_digest"]
                guard digest == protected.lookupDigest else {
                    throw CanteenRefusal.invalid("client_request_id", "was already used for another registration")
                }
                return try Self.elder(db, id: row["id"])!
            }
            if let existing = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM elders WHERE lookup_digest = ?"), arguments: [protected.lookupDigest]) {
                throw CanteenRefusal(.alreadyExists, "ELDER_ALREADY_REGISTERED",
                                     "id_number: this ID number is already registered as elder \(WireIDs.elder(existing))")
            }
            try Self.insertElder(db, protected: protected, new: new, registeredAt: registeredAt)
            return try Self.elder(db, id: db.lastInsertedRowID)!
        }
    }

    static func insertElder(_ db: Database, protected: ProtectedResidentID, new: NewElder, registeredAt: Double) throws {
        // Cached: seeding inserts thousands.
        try db.cachedStatement(sql: """
            INSERT INTO elders (lookup_digest, masked, name, birth_date, community, latitude, longitude, address, flags,
                                client_request_id, registered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [protected.lookupDigest, protected.masked, new.name, protected.birthDate.description, new.community,
                             new.home.latitude, new.home.longitude, new.address, flagsText(new.flags), new.clientRequestID, registeredAt])
    }

    static func flagsText(_ flags: Set<SubsidyFlag>) -> String { flags.map(\.rawValue).sorted().joined(separator: ",") }
    static func flags(_ text: String) -> Set<SubsidyFlag> { Set(text.split(separator: ",").compactMap { SubsidyFlag(rawValue: String($0)) }) }

    static func elder(_ db: Database, id: Int64) throws -> ElderRecord? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM elders WHERE id = ?"), arguments: [id]) else { return nil }
        var elder = elderRecord(row)
        elder.cardNumber = try String.fetchOne(db.cachedStatement(sql: "SELECT card_number FROM cards WHERE elder_id = ? AND revoked = 0"), arguments: [id])
        elder.familyUserIDs = try String.fetchAll(db.cachedStatement(sql: "SELECT user_id FROM family_members WHERE elder_id = ? ORDER BY user_id"), arguments: [id])
        return elder
    }

    static func elderRecord(_ row: Row) -> ElderRecord {
        var end: EligibilityEnd?
        if let reason: String = row["end_reason"], let r = EligibilityEnd.Reason(rawValue: reason) {
            end = EligibilityEnd(reason: r, from: row.civilDate("end_from"))
        }
        return ElderRecord(id: row["id"], masked: row["masked"], name: row["name"], birthDate: row.civilDate("birth_date"),
                           community: row["community"], home: GeoPoint(latitude: row["latitude"], longitude: row["longitude"]),
                           address: row["address"], flags: flags(row["flags"]), end: end, cardNumber: nil, familyUserIDs: [])
    }

    public func elder(id: Int64) throws -> ElderRecord {
        guard let elder = try pool.read({ db in try Self.elder(db, id: id) }) else { throw CanteenRefusal.elderNotFound(WireIDs.elder(id)) }
        return elder
    }

    /// The elder with this ID number (typed at a counter), found by its digest.
    public func elder(idNumber: String) throws -> ElderRecord {
        let id = try ResidentIDNumber(idNumber, today: today)
        let digest = protector.lookupDigest(of: id)
        guard let elder = try pool.read({ db -> ElderRecord? in
            guard let key = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM elders WHERE lookup_digest = ?"), arguments: [digest]) else { return nil }
            return try Self.elder(db, id: key)
        }) else { throw CanteenRefusal.notFound("ELDER_NOT_FOUND", "id_number: no elder is registered with this ID number") }
        return elder
    }

    /// Elders after `afterID` in registration order, filtered; tier on `today`.
    public func elders(community: String?, tier: AgeTier?, afterID: Int64, limit: Int) throws -> [ElderRecord] {
        let today = self.today
        return try pool.read { db in
            var out: [ElderRecord] = []
            var cursor = afterID
            // Tier is a function of the day, not a column: filter in batches until the page is full.
            while out.count < limit {
                let rows = try Row.fetchAll(db, sql: """
                    SELECT * FROM elders WHERE id > ? AND (? IS NULL OR community = ?) ORDER BY id LIMIT ?
                    """, arguments: [cursor, community, community, limit * 2])
                guard let last = rows.last else { break }
                cursor = last["id"]
                for row in rows where out.count < limit {
                    let elder = Self.elderRecord(row)
                    if let tier, (try? elder.eligibility.tier(on: today)) != tier { continue }
                    out.append(try Self.elder(db, id: elder.id)!)
                }
            }
            return out
        }
    }

    public func setFlags(elderID: Int64, flags: Set<SubsidyFlag>) throws -> ElderRecord {
        try pool.write { db in
            try db.cachedStatement(sql: "UPDATE elders SET flags = ? WHERE id = ?").execute( arguments: [Self.flagsText(flags), elderID])
            guard db.changesCount == 1 else { throw CanteenRefusal.elderNotFound(WireIDs.elder(elderID)) }
            return try Self.elder(db, id: elderID)!
        }
    }

    /// Ends eligibility from a day and revokes the active card. The same end again is a no-op.
    public func endEligibility(elderID: Int64, end: EligibilityEnd) throws -> ElderRecord {
        try pool.write { db in
            guard let elder = try Self.elder(db, id: elderID) else { throw CanteenRefusal.elderNotFound(WireIDs.elder(elderID)) }
            if let existing = elder.end {
                guard existing == end else {
                    throw CanteenRefusal.precondition("ELIGIBILITY_ALREADY_ENDED",
                                                      "end: eligibility already ended from \(existing.from) (\(existing.reason.rawValue))")
                }
                return elder
            }
            try db.cachedStatement(sql: "UPDATE elders SET end_reason = ?, end_from = ? WHERE id = ?").execute(
                           arguments: [end.reason.rawValue, end.from.description, elderID])
            try db.cachedStatement(sql: "UPDATE cards SET revoked = 1, revoke_reason = 'eligibility ended' WHERE elder_id = ? AND revoked = 0").execute(
                           arguments: [elderID])
            return try Self.elder(db, id: elderID)!
        }
    }

    /// A new card for the elder; the previous one, if any, is revoked in the same transaction.
    public func issueCard(elderID: Int64, clientRequestID: String?) throws -> CardRecord {
        let issuedAt = clock.now()
        let token = Self.randomToken()
        return try pool.write { db in
            if let request = clientRequestID,
               let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM cards WHERE client_request_id = ?"), arguments: [request]) {
                guard (row["elder_id"] as Int64) == elderID else {
                    throw CanteenRefusal.invalid("client_request_id", "was already used for another elder's card")
                }
                return Self.card(row, withToken: true)
            }
            guard let elder = try Self.elder(db, id: elderID) else { throw CanteenRefusal.elderNotFound(WireIDs.elder(elderID)) }
            if let end = elder.end { throw EligibilityError.ended(reason: end.reason, from: end.from) }
            try db.cachedStatement(sql: "UPDATE cards SET revoked = 1, revoke_reason = 'reissued' WHERE elder_id = ? AND revoked = 0").execute(
                           arguments: [elderID])
            let serial = (try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM cards")!) + 1
            let number = String(format: "C%012lld", serial)
            try db.execute(sql: """
                INSERT INTO cards (card_number, qr_token, elder_id, revoked, issued_at, client_request_id) VALUES (?, ?, ?, 0, ?, ?)
                """, arguments: [number, token, elderID, issuedAt.timeIntervalSince1970, clientRequestID])
            return CardRecord(cardNumber: number, qrToken: token, elderID: elderID, revoked: false, issuedAt: issuedAt)
        }
    }

    static func card(_ row: Row, withToken: Bool) -> CardRecord {
        CardRecord(cardNumber: row["card_number"], qrToken: withToken ? row["qr_token"] : "", elderID: row["elder_id"],
                   revoked: (row["revoked"] as Int) != 0, issuedAt: Date(timeIntervalSince1970: row["issued_at"]))
    }

    /// 32 random bytes, base64url without padding: the QR code's content.
    static func randomToken() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        return bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public func revokeCard(number: String, reason: String) throws -> CardRecord {
        try pool.write { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM cards WHERE card_number = ?"), arguments: [number]) else {
                throw CanteenRefusal.notFound("CARD_NOT_FOUND", "card_number: no card \(number)")
            }
            if (row["revoked"] as Int) == 0 {
                try db.cachedStatement(sql: "UPDATE cards SET revoked = 1, revoke_reason = ? WHERE card_number = ?").execute( arguments: [reason, number])
            }
            var card = Self.card(row, withToken: false)
            card.revoked = true
            return card
        }
    }

    public func addFamilyMember(elderID: Int64, userID: String) throws -> ElderRecord {
        let limit = configuration.maximumFamilyMembers
        return try pool.write { db in
            guard let elder = try Self.elder(db, id: elderID) else { throw CanteenRefusal.elderNotFound(WireIDs.elder(elderID)) }
            if elder.familyUserIDs.contains(userID) { return elder }
            guard elder.familyUserIDs.count < limit else {
                throw CanteenRefusal(.resourceExhausted, "TOO_MANY_FAMILY_MEMBERS", "user_id: the elder already has \(limit) family members")
            }
            try db.cachedStatement(sql: "INSERT INTO family_members (elder_id, user_id) VALUES (?, ?)").execute( arguments: [elderID, userID])
            return try Self.elder(db, id: elderID)!
        }
    }

    public func isFamilyMember(userID: String, elderID: Int64) throws -> Bool {
        try pool.read { db in
            try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM family_members WHERE elder_id = ? AND user_id = ?"), arguments: [elderID, userID]) ?? false
        }
    }
}
