/// Education levels, ordered: a position's minimum is met by that level or any higher one.
public enum Education: Int, Sendable, Hashable, Comparable, Codable, CaseIterable {
    case primary = 0          // 小学
    case juniorSecondary      // 初中
    case seniorSecondary      // 高中
    case vocationalSecondary  // 中专
    case juniorCollege        // 大专
    case bachelor             // 本科
    case master               // 硕士
    case doctorate            // 博士

    public static func < (lhs: Education, rhs: Education) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The name used on certificates and in explanations.
    public var chineseName: String {
        switch self {
        case .primary: "小学"
        case .juniorSecondary: "初中"
        case .seniorSecondary: "高中"
        case .vocationalSecondary: "中专"
        case .juniorCollege: "大专"
        case .bachelor: "本科"
        case .master: "硕士"
        case .doctorate: "博士"
        }
    }
}
