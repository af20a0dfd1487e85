import Foundation
import GRDB
#if canImport(GRDBSQLite)
import GRDBSQLite
#else
import SQLite3
#endif

/// The current row of a statement GRDB steps, read straight from SQLite: no Swift `String`,
/// `Optional` or type check per column. The statistics pass over thousands of rows of a few
/// short keys and counts, where GRDB's per-column decoding cost more than the step itself
/// (perf, 1M tickets: a third of `GetStatistics`).
struct RawColumns {
    private let statement: SQLiteStatement

    init(_ statement: Statement) {
        self.statement = statement.sqliteStatement
    }

    /// The integer in column `index`; SQLite reads NULL as 0.
    func int(_ index: Int32) -> Int {
        Int(sqlite3_column_int64(statement, index))
    }

    /// The UTF-8 bytes of column `index` (NULL reads as empty), valid until the next step.
    func text(_ index: Int32) -> UnsafeRawBufferPointer {
        // Text first, then its length: the order SQLite documents as free of conversions.
        guard let bytes = sqlite3_column_text(statement, index) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, index)))
    }
}

extension [UInt8] {
    /// Whether these are the bytes of `text` (a column's, from `RawColumns`).
    func equals(_ text: UnsafeRawBufferPointer) -> Bool {
        guard count == text.count else { return false }
        guard let other = text.baseAddress, !isEmpty else { return true }
        return withUnsafeBytes { memcmp($0.baseAddress!, other, count) == 0 }
    }
}
