import GRDB
import Testing
@testable import IntakeCore

/// Tickets decoded by column position, found once per result set.
@Suite struct ColumnPositionsTests {
    @Test func positionsAreFoundByNameWhateverTheColumnOrder() throws {
        let row: Row = ["b": 2, "a": 1, "c": 3]
        let columns = try ColumnPositions(row, naming: ["a", "c"])
        #expect(row[columns["a"]] as Int == 1)
        #expect(row[columns["c"]] as Int == 3)
    }

    @Test func aRowLackingATicketColumnIsAClearErrorNotACrash() throws {
        let row: Row = ["id": "t-1", "number": 7]
        #expect(throws: IntakeError.invalidInput("a stored row lacks the column latitude")) {
            try RowCoding.ticket(row)
        }
    }
}
