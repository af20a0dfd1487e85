/// Row id of a ticket; stable for the ticket's life and never reused.
public typealias TicketID = Int64
/// Codes of reference data, chosen by the township (e.g. "V01", "V01-G03", "dept-social").
public typealias VillageID = String
public typealias GridID = String
public typealias DepartmentID = String
public typealias CategoryID = String
/// The user id the gateway forwards in the end-user principal.
public typealias UserID = String
