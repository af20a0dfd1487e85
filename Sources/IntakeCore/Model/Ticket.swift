import Foundation

/// How a demand reached the township (seed channels).
public enum Channel: String, Sendable, Codable, CaseIterable {
    case kioskVideo = "kiosk_video"              // 一体机 video in the village service centre
    case hotline96150 = "hotline_96150"
    case hotline12345 = "hotline_12345"
    case gridPhoto = "grid_photo"                // 一拍即办
    case fridayOfficeHours = "friday_office_hours" // 周五集中办公
    case other
}

public enum Priority: String, Sendable, Codable, CaseIterable {
    case normal, high
    /// Urgent tickets are due the same day whatever their category's rule says.
    case urgent
}

/// What came of the ticket, kept apart from closure: "closed" is not "fixed".
public enum ResolutionOutcome: String, Sendable, Codable, CaseIterable {
    case fixed
    case cannotBeFixed = "cannot_be_fixed"
    case notOurResponsibility = "not_our_responsibility"
    case duplicate
}

/// Who handles an accepted ticket: the village itself or a township department.
public enum HandlingLevel: String, Sendable, Codable, CaseIterable {
    case village, department
}

public struct GeoPoint: Sendable, Hashable, Codable {
    public var latitude: Double
    public var longitude: Double
    public init(latitude: Double, longitude: Double) { self.latitude = latitude; self.longitude = longitude }
}

/// The person who reported the demand. `phone` is the stored number; reads mask it
/// (see `PhoneMasking`) for everyone but the accountable owner and the reporter themselves.
public struct Reporter: Sendable, Hashable, Codable {
    public var name: String
    public var phone: String
    /// Set when a resident files through their own account; residents may read only these tickets.
    public var userID: UserID?
    /// Contact and origin a client application gives (Open311's email, device_id, account_id):
    /// personal data, shown only where the full phone is.
    public var email: String?
    public var deviceID: String?
    public var accountID: String?
    public init(name: String, phone: String, userID: UserID? = nil, email: String? = nil, deviceID: String? = nil, accountID: String? = nil) {
        self.name = name; self.phone = phone; self.userID = userID
        self.email = email; self.deviceID = deviceID; self.accountID = accountID
    }
}

/// What a channel delivers when a demand is reported.
public struct NewTicket: Sendable, Hashable {
    public var channel: Channel
    public var reporter: Reporter
    public var villageID: VillageID
    public var gridID: GridID?
    public var location: GeoPoint?
    public var address: String?
    public var categoryID: CategoryID?
    public var description: String
    public var priority: Priority
    /// Attachments the same user uploaded beforehand without a ticket, claimed by this submission.
    public var attachmentIDs: [String]
    /// What an Open311 client may add: a URL of media kept elsewhere, the address register's id
    /// of the spot, its postal code.
    public var mediaURL: String?
    public var addressID: String?
    public var zipcode: String?
    public init(channel: Channel, reporter: Reporter, villageID: VillageID, gridID: GridID? = nil,
                location: GeoPoint? = nil, address: String? = nil, categoryID: CategoryID? = nil,
                description: String, priority: Priority = .normal, attachmentIDs: [String] = [],
                mediaURL: String? = nil, addressID: String? = nil, zipcode: String? = nil) {
        self.channel = channel; self.reporter = reporter; self.villageID = villageID; self.gridID = gridID
        self.location = location; self.address = address; self.categoryID = categoryID
        self.description = description; self.priority = priority; self.attachmentIDs = attachmentIDs
        self.mediaURL = mediaURL; self.addressID = addressID; self.zipcode = zipcode
    }
}

/// The current state of a ticket. The ledger holds how it got there.
public struct Ticket: Sendable, Hashable {
    public var id: TicketID
    /// Human-readable number, unique per township and year: "2026-000123".
    public var number: String
    public var channel: Channel
    public var reporter: Reporter
    public var villageID: VillageID
    public var gridID: GridID?
    public var location: GeoPoint?
    public var address: String?
    public var categoryID: CategoryID?
    public var description: String
    public var priority: Priority
    public var status: TicketStatus
    public var outcome: ResolutionOutcome?
    /// The worker who accepted the ticket and stays accountable (首问责任制).
    public var ownerUserID: UserID?
    public var handlingLevel: HandlingLevel?
    public var departmentID: DepartmentID?
    public var duplicateOf: TicketID?
    public var rejectionReason: String?
    public var resultNote: String?
    public var dueAt: Date?
    public var escalationLevel: Int
    public var satisfied: Bool?
    public var reopenCount: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// First time anyone acted on the ticket after submission (accept, reject or link).
    public var respondedAt: Date?
    public var repliedAt: Date?
    public var closedAt: Date?
    /// As in `NewTicket`.
    public var mediaURL: String? = nil
    public var addressID: String? = nil
    public var zipcode: String? = nil

    /// Open for deadline purposes: someone still owes the resident an answer.
    public var isAwaitingAnswer: Bool { TicketStatus.clockRunning.contains(status) }

    /// Refuses attachments to a closed or rejected ticket.
    public func requireOpenForAttachments() throws(IntakeError) {
        guard !TicketStatus.terminal.contains(status) else {
            throw .invalidInput("ticket \(number) is \(status.rawValue); attachments are closed")
        }
    }

    public func isOverdue(at now: Date) -> Bool {
        guard isAwaitingAnswer, let dueAt else { return false }
        return now >= dueAt
    }
}

/// A ticket as a principal may see it: the phone is masked unless they may see it in full.
public struct TicketView: Sendable, Hashable {
    public var ticket: Ticket
    public var attachments: [AttachmentInfo]
    public var isPhoneMasked: Bool
}

/// A ticket with its timeline, read from the ledger.
public struct TicketDetail: Sendable, Hashable {
    public var view: TicketView
    public var timeline: [LedgerEvent]

    public init(view: TicketView, timeline: [LedgerEvent]) { self.view = view; self.timeline = timeline }
}

public enum PhoneMasking {
    /// "13812345678" → "138****5678"; shorter numbers keep only their last two digits.
    public static func mask(_ phone: String) -> String {
        let chars = Array(phone)
        if chars.count >= 11 {
            return String(chars.prefix(3)) + "****" + String(chars.suffix(4))
        }
        if chars.count <= 2 { return String(repeating: "*", count: chars.count) }
        return String(repeating: "*", count: chars.count - 2) + String(chars.suffix(2))
    }
}
