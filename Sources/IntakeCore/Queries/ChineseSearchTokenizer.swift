/// Segments text for the FTS5 index, because FTS5's default tokenizer keeps a run of Chinese
/// characters as one token (so "违建" would never match inside "邻居违建挡住道路").
///
/// Indexing: each run of CJK characters yields its unigrams and overlapping bigrams; other
/// letters and digits form words. Querying: a CJK term of one character matches its unigram,
/// longer terms match all their bigrams; the store then checks the exact substring, so the
/// bigram AND never returns a false hit ("临时" + "用电" in different places).
public enum ChineseSearchTokenizer {
    enum Piece { case cjk([Character]), word(String) }

    static func isCJK(_ c: Character) -> Bool {
        guard let s = c.unicodeScalars.first, c.unicodeScalars.count == 1 else { return false }
        switch s.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2EBEF, 0x3040...0x30FF, 0xAC00...0xD7AF: return true
        default: return false
        }
    }

    static func pieces(_ text: String) -> [Piece] {
        var out: [Piece] = []
        var cjk: [Character] = []
        var word = ""
        func flush() {
            if !cjk.isEmpty { out.append(.cjk(cjk)); cjk = [] }
            if !word.isEmpty { out.append(.word(word.lowercased())); word = "" }
        }
        for c in text {
            if isCJK(c) {
                if !word.isEmpty { flush() }
                cjk.append(c)
            } else if c.isLetter || c.isNumber {
                if !cjk.isEmpty { flush() }
                word.append(c)
            } else {
                flush()
            }
        }
        flush()
        return out
    }

    /// The text stored in the FTS5 column: tokens separated by spaces.
    public static func indexText(_ text: String) -> String {
        var tokens: [String] = []
        for piece in pieces(text) {
            switch piece {
            case .word(let w): tokens.append(w)
            case .cjk(let chars):
                for (i, c) in chars.enumerated() {
                    tokens.append(String(c))
                    if i + 1 < chars.count { tokens.append(String([c, chars[i + 1]])) }
                }
            }
        }
        return tokens.joined(separator: " ")
    }

    /// An FTS5 MATCH expression for a user query and the exact terms to confirm, or nil if the
    /// query has nothing searchable. Every token is quoted, so FTS5 syntax in the query is inert.
    public static func query(_ text: String) -> (match: String, terms: [String])? {
        guard let (unique, terms) = queryTokens(text) else { return nil }
        let match = unique.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " AND ")
        return (match, terms)
    }

    /// The tokens every match must hold (distinct, in query order) and the exact terms to
    /// confirm; nil if the query has nothing searchable. The engine-neutral half of `query`.
    public static func queryTokens(_ text: String) -> (tokens: [String], terms: [String])? {
        var tokens: [String] = []
        var terms: [String] = []
        for term in text.split(whereSeparator: { $0.isWhitespace }) {
            var termHasTokens = false
            for piece in pieces(String(term)) {
                switch piece {
                case .word(let w): tokens.append(w); termHasTokens = true
                case .cjk(let chars):
                    termHasTokens = true
                    if chars.count == 1 { tokens.append(String(chars[0])) }
                    for i in 0..<max(chars.count - 1, 0) { tokens.append(String([chars[i], chars[i + 1]])) }
                }
            }
            if termHasTokens { terms.append(String(term).lowercased()) }
        }
        guard !tokens.isEmpty else { return nil }
        var seen = Set<String>()
        return (tokens.filter { seen.insert($0).inserted }, terms)
    }
}
