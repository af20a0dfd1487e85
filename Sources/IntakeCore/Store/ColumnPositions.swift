import GRDB

/// Where a result set's columns are, found once by name. GRDB finds a name in a copied row
/// (`fetchAll`, `fetchOne`) by lowercasing every column name on every look-up: about 3,000
/// lowercasings to decode one ticket, the largest cost of a page of tickets.
struct ColumnPositions: Sendable {
    private let byName: [String: Int]

    /// Fails when the row lacks one of `names`, so that reading them by position cannot.
    init(_ row: Row, naming names: [String]) throws {
        var byName: [String: Int] = [:]
        for (index, name) in row.columnNames.enumerated() where byName[name] == nil { byName[name] = index }
        if let missing = names.first(where: { byName[$0] == nil }) {
            throw IntakeError.invalidInput("a stored row lacks the column \(missing)")
        }
        self.byName = byName
    }

    /// The position of `name`. A name `init` did not check is a decoder that reads a column
    /// missing from its list (`RowCoding.ticketColumns`): stop there rather than read another
    /// column's value.
    subscript(_ name: String) -> Int {
        guard let position = byName[name] else { preconditionFailure("column \(name) is read but not in the decoder's column list") }
        return position
    }
}
