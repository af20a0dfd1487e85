/// A job seeker and the positions they want, most wanted first.
public struct Seeker: Sendable, Hashable, Codable {
    /// The most positions a seeker may rank.
    public static let maximumChoices = 10

    public var id: Int
    public var name: String
    /// Stored in full; shown only through `maskedPhone`.
    public var phone: String
    public var education: Education
    public var experienceYears: Int
    public var skills: [String]
    public var certificates: [String]
    public var location: Location
    /// Languages of the region the seeker speaks (e.g. 普通话, 闽南话).
    public var languages: [String]
    /// Position ids, most wanted first: at most `maximumChoices`, no repeats.
    public var choices: [Int]

    public init(id: Int, name: String, phone: String, education: Education, experienceYears: Int, skills: [String], certificates: [String] = [], location: Location, languages: [String], choices: [Int]) {
        self.id = id
        self.name = name
        self.phone = phone
        self.education = education
        self.experienceYears = experienceYears
        self.skills = skills
        self.certificates = certificates
        self.location = location
        self.languages = languages
        self.choices = choices
    }

    /// The phone as reads show it.
    public var maskedPhone: String { PhoneMasking.mask(phone) }
}
