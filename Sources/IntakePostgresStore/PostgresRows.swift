import Foundation
import GRDB
import Logging
import PostgresNIO

/// An SQL text with its parameters, built piece by piece: every value goes in as a bind
/// (`$n`), never into the text. For queries whose shape depends on the input (filters,
/// visibility); fixed queries use `PostgresQuery`'s interpolation directly.
struct BoundSQL {
    var text = ""
    var binds = PostgresBindings()

    init(_ text: String = "") { self.text = text }

    /// Adds a value and returns its placeholder.
    mutating func bind(_ value: (any DatabaseValueConvertible)?) -> String {
        switch value?.databaseValue.storage ?? .null {
        case .null: binds.appendNull()
        case .int64(let v): binds.append(v)
        case .double(let v): binds.append(v)
        case .string(let v): binds.append(v)
        case .blob(let v): binds.append(ByteBuffer(bytes: v))
        }
        return "$\(binds.count)"
    }

    /// Adds a text array (`text[]`) and returns its placeholder.
    mutating func bind(strings: [String]) -> String {
        binds.append(strings)
        return "$\(binds.count)"
    }

    /// A `?`-placeholder condition from the engine-neutral `VisibilityScope`, renumbered.
    mutating func append(questionMarks condition: String, _ values: [String]) {
        text += render(questionMarks: condition, values)
    }

    /// The condition with its `?`s replaced by the placeholders of its values, now bound.
    mutating func render(questionMarks condition: String, _ values: [String]) -> String {
        var remaining = values[...]
        var out = ""
        for character in condition {
            if character == "?", let value = remaining.popFirst() { out += bind(value) } else { out.append(character) }
        }
        return out
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: text, binds: binds) }
}

/// PostgreSQL rows as GRDB `Row`s, so both stores decode tickets, events and attachments
/// with the one `RowCoding` (same column names, same integer-millisecond instants).
enum PostgresRows {
    static func row(_ row: PostgresRow) throws -> Row {
        var values: [String: (any DatabaseValueConvertible)?] = [:]
        for cell in row {
            values[cell.columnName] = try value(cell)
        }
        return Row(values)
    }

    private static func value(_ cell: PostgresCell) throws -> (any DatabaseValueConvertible)? {
        guard cell.bytes != nil else { return nil }
        switch cell.dataType {
        case .int2, .int4, .int8: return try cell.decode(Int64.self)
        case .float4, .float8: return try cell.decode(Double.self)
        case .bool: return try cell.decode(Bool.self) ? Int64(1) : Int64(0)
        case .bytea: return Data(try cell.decode(ByteBuffer.self).readableBytesView)
        case .text, .varchar, .bpchar, .name: return try cell.decode(String.self)
        // Columns no reader needs in a `Row` (the search tsvector of `SELECT t.*`).
        default: return nil
        }
    }
}

extension PostgresConnection {
    /// Runs the query and returns its rows as `Row`s.
    func rows(_ query: PostgresQuery, _ logger: Logger) async throws -> [Row] {
        try await self.query(query, logger: logger).collect().map(PostgresRows.row)
    }

    func row(_ query: PostgresQuery, _ logger: Logger) async throws -> Row? {
        try await rows(query, logger).first
    }

    func execute(_ query: PostgresQuery, _ logger: Logger) async throws {
        _ = try await self.query(query, logger: logger).collect()
    }

    /// The first column of the first row, if any.
    func scalar<T: DatabaseValueConvertible>(_ type: T.Type, _ query: PostgresQuery, _ logger: Logger) async throws -> T? {
        guard let row = try await row(query, logger), let first = row.columnNames.first else { return nil }
        return row[first]
    }
}
