/// Checks a whole fair before it is matched; `validate` lists every problem, each naming
/// its field. Nothing is changed: the caller refuses the input when the list is non-empty.
public enum FairValidator {
    public static func validate(_ instance: FairInstance) -> [ValidationError] {
        var errors: [ValidationError] = []
        let fair = instance.fair
        if fair.name.isEmpty { errors.append(.init(field: "fair.name", message: "must not be empty")) }
        if !isISODate(fair.startDate) { errors.append(.init(field: "fair.startDate", message: "'\(fair.startDate)' is not a YYYY-MM-DD date")) }
        if !isISODate(fair.endDate) { errors.append(.init(field: "fair.endDate", message: "'\(fair.endDate)' is not a YYYY-MM-DD date")) }
        if isISODate(fair.startDate), isISODate(fair.endDate), fair.endDate < fair.startDate {
            errors.append(.init(field: "fair.endDate", message: "\(fair.endDate) is before the start \(fair.startDate)"))
        }

        var enterpriseIDs = Set<Int>()
        for (index, enterprise) in instance.enterprises.enumerated() {
            let path = "enterprises[\(index)]"
            if !enterpriseIDs.insert(enterprise.id).inserted { errors.append(.init(field: "\(path).id", message: "id \(enterprise.id) is used twice")) }
            if enterprise.name.isEmpty { errors.append(.init(field: "\(path).name", message: "must not be empty")) }
            if let error = CreditCode.validate(enterprise.creditCode, field: "\(path).creditCode") { errors.append(error) }
        }

        var positionIDs = Set<Int>()
        for (index, position) in instance.positions.enumerated() {
            errors += validate(position, path: "positions[\(index)]", enterpriseIDs: enterpriseIDs)
            if !positionIDs.insert(position.id).inserted { errors.append(.init(field: "positions[\(index)].id", message: "id \(position.id) is used twice")) }
        }

        var seekerIDs = Set<Int>()
        for (index, seeker) in instance.seekers.enumerated() {
            errors += validate(seeker, path: "seekers[\(index)]", positionIDs: positionIDs)
            if !seekerIDs.insert(seeker.id).inserted { errors.append(.init(field: "seekers[\(index)].id", message: "id \(seeker.id) is used twice")) }
        }

        for (positionID, taken) in instance.placesTaken.sorted(by: { $0.key < $1.key }) {
            if !positionIDs.contains(positionID) {
                errors.append(.init(field: "placesTaken[\(positionID)]", message: "no position \(positionID)"))
            } else if taken < 0 {
                errors.append(.init(field: "placesTaken[\(positionID)]", message: "must not be negative"))
            }
        }

        var applicants: [Int: Set<Int>] = [:]
        for seeker in instance.seekers { for choice in seeker.choices { applicants[choice, default: []].insert(seeker.id) } }
        var rankedPositions = Set<Int>()
        for (index, ranking) in instance.employerRankings.enumerated() {
            errors += validate(ranking, path: "employerRankings[\(index)]", applicants: applicants[ranking.positionID] ?? [], positionIDs: positionIDs)
            if !rankedPositions.insert(ranking.positionID).inserted {
                errors.append(.init(field: "employerRankings[\(index)].positionID", message: "position \(ranking.positionID) is ranked twice"))
            }
        }
        return errors
    }

    /// Throws every problem at once.
    public static func check(_ instance: FairInstance) throws(ValidationErrors) {
        let errors = validate(instance)
        if !errors.isEmpty { throw ValidationErrors(errors) }
    }

    /// Ids index flat arrays and the matcher's 32-bit keys: they must be in 0..<2^31.
    static let idRange = 0...Int(Int32.max)

    public static func validate(_ position: Position, path: String, enterpriseIDs: Set<Int>) -> [ValidationError] {
        var errors: [ValidationError] = []
        if !idRange.contains(position.id) { errors.append(.init(field: "\(path).id", message: "must be in 0...\(Int32.max)")) }
        if !enterpriseIDs.contains(position.enterpriseID) { errors.append(.init(field: "\(path).enterpriseID", message: "no enterprise \(position.enterpriseID)")) }
        if position.title.isEmpty { errors.append(.init(field: "\(path).title", message: "must not be empty")) }
        if position.headcount < 1 { errors.append(.init(field: "\(path).headcount", message: "must be at least 1, not \(position.headcount)")) }
        if position.requirements.minimumExperienceYears < 0 {
            errors.append(.init(field: "\(path).requirements.minimumExperienceYears", message: "must not be negative"))
        }
        let salary = position.salary
        if salary.minimumYuanPerMonth < 0 { errors.append(.init(field: "\(path).salary.minimumYuanPerMonth", message: "must not be negative")) }
        if salary.maximumYuanPerMonth < salary.minimumYuanPerMonth {
            errors.append(.init(field: "\(path).salary.maximumYuanPerMonth", message: "\(salary.maximumYuanPerMonth) is below the minimum \(salary.minimumYuanPerMonth)"))
        }
        return errors
    }

    public static func validate(_ seeker: Seeker, path: String, positionIDs: Set<Int>) -> [ValidationError] {
        var errors: [ValidationError] = []
        if !idRange.contains(seeker.id) { errors.append(.init(field: "\(path).id", message: "must be in 0...\(Int32.max)")) }
        if seeker.name.isEmpty { errors.append(.init(field: "\(path).name", message: "must not be empty")) }
        if seeker.experienceYears < 0 { errors.append(.init(field: "\(path).experienceYears", message: "must not be negative")) }
        if seeker.choices.count > Seeker.maximumChoices {
            errors.append(.init(field: "\(path).choices", message: "at most \(Seeker.maximumChoices) positions may be ranked, not \(seeker.choices.count)"))
        }
        var seen = Set<Int>()
        for (index, choice) in seeker.choices.enumerated() {
            if !seen.insert(choice).inserted {
                errors.append(.init(field: "\(path).choices[\(index)]", message: "position \(choice) is ranked twice"))
            } else if !positionIDs.contains(choice) {
                errors.append(.init(field: "\(path).choices[\(index)]", message: "no position \(choice)"))
            }
        }
        return errors
    }

    public static func validate(_ ranking: EmployerRanking, path: String, applicants: Set<Int>, positionIDs: Set<Int>) -> [ValidationError] {
        guard positionIDs.contains(ranking.positionID) else {
            return [.init(field: "\(path).positionID", message: "no position \(ranking.positionID)")]
        }
        var errors: [ValidationError] = []
        var seen = Set<Int>()
        for (index, seekerID) in ranking.seekerIDs.enumerated() {
            if !seen.insert(seekerID).inserted {
                errors.append(.init(field: "\(path).seekerIDs[\(index)]", message: "seeker \(seekerID) is ranked twice"))
            } else if !applicants.contains(seekerID) {
                errors.append(.init(field: "\(path).seekerIDs[\(index)]", message: "seeker \(seekerID) did not apply to position \(ranking.positionID)"))
            }
        }
        return errors
    }

    static func isISODate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return false }
        return year >= 1900 && (1...12).contains(month) && (1...31).contains(day)
    }
}
