import IntakeCore

/// Chinese search on PostgreSQL: the description's `ChineseSearchTokenizer` tokens stored as
/// tsvector lexemes (`array_to_tsvector`, so PostgreSQL's parser never re-splits them) under a
/// GIN index; a query requires every token of every term (tsquery AND), then the exact term
/// as a substring, as the SQLite store does with FTS5.
enum PostgresSearch {
    /// A lexeme is at most 2 KB; no query can name a longer token (queries are at most 200
    /// characters), so longer ones are left out rather than failing the insert.
    static let maxLexemeBytes = 1_000

    static func lexemes(_ description: String) -> [String] {
        ChineseSearchTokenizer.indexText(description).split(separator: " ").map(String.init).filter { $0.utf8.count <= maxLexemeBytes }
    }

    /// The condition over `ticket t` for a search text; nil when it holds nothing searchable.
    static func condition(_ text: String, _ sql: inout BoundSQL) -> String? {
        guard let (tokens, terms) = ChineseSearchTokenizer.queryTokens(text) else { return nil }
        var clauses = ["t.search @@ \(sql.bind(tsquery(tokens)))::tsquery"]
        for term in terms { clauses.append("strpos(lower(t.description), \(sql.bind(term))) > 0") }
        return clauses.joined(separator: " AND ")
    }

    /// `'a' & 'b'`: each token quoted (quote doubled, backslash escaped), so it is one lexeme
    /// whatever it holds; the text is bound as a parameter, never spliced into the SQL.
    static func tsquery(_ tokens: [String]) -> String {
        tokens.map { "'" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'" }
            .joined(separator: " & ")
    }
}
