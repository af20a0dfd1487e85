import Foundation
import JobFairCore
import TownshipProtos

/// Entities to the wire (phones masked) and from it, checking every field against the
/// service's limits; all problems of a request are reported together, by proto field path.
struct EntityMapping {
    let limits: JobFairLimits

    // MARK: To the wire

    static func fair(_ f: Fair) -> Township_Jobfair_V1_Fair {
        var w = Township_Jobfair_V1_Fair()
        w.id.value = WireIDs.string(f.id); w.name = f.name; w.venue = f.venue; w.organiser = f.organiser
        if let d = date(f.startDate) { w.startDate = d }
        if let d = date(f.endDate) { w.endDate = d }
        return w
    }

    static func enterprise(_ r: EnterpriseRecord) -> Township_Jobfair_V1_Enterprise {
        var w = Township_Jobfair_V1_Enterprise()
        w.id.value = WireIDs.string(r.enterprise.id); w.name = r.enterprise.name; w.creditCode = r.enterprise.creditCode
        w.sector = EnumMapping.sector(r.enterprise.sector); w.address = r.enterprise.address
        w.employerUserIds = r.employerUserIDs.map { var u = Township_Common_V1_UserId(); u.value = $0; return u }
        return w
    }

    static func position(_ r: PositionRecord) -> Township_Jobfair_V1_Position {
        let p = r.position
        var w = Township_Jobfair_V1_Position()
        w.id.value = WireIDs.string(p.id); w.fairID.value = WireIDs.string(r.fairID); w.enterpriseID.value = WireIDs.string(p.enterpriseID)
        w.title = p.title; w.headcount = Int32(p.headcount)
        w.requirements.skills = p.requirements.skills
        w.requirements.minimumEducation = EnumMapping.education(p.requirements.minimumEducation)
        w.requirements.minimumExperienceYears = Int32(p.requirements.minimumExperienceYears)
        w.requirements.certificates = p.requirements.certificates
        w.salaryMinimumPerMonth = money(p.salary.minimumYuanPerMonth)
        w.salaryMaximumPerMonth = money(p.salary.maximumYuanPerMonth)
        w.workLocation = location(p.workLocation)
        w.rankedByEmployer = r.rankedByEmployer
        return w
    }

    /// The phone is always masked.
    static func seeker(_ r: SeekerRecord) -> Township_Jobfair_V1_Seeker {
        let s = r.seeker
        var w = Township_Jobfair_V1_Seeker()
        w.id.value = WireIDs.string(s.id); w.userID.value = r.userID; w.name = s.name; w.phone = s.maskedPhone
        w.education = EnumMapping.education(s.education); w.experienceYears = Int32(s.experienceYears)
        w.skills = s.skills; w.certificates = s.certificates; w.location = location(s.location); w.languages = s.languages
        return w
    }

    static func location(_ l: Location) -> Township_Jobfair_V1_Location {
        var w = Township_Jobfair_V1_Location()
        w.name = l.name; w.eastMetres = Int32(clamping: l.eastMetres); w.northMetres = Int32(clamping: l.northMetres)
        return w
    }

    static func money(_ yuan: Int) -> Township_Common_V1_Money {
        var m = Township_Common_V1_Money()
        m.amountFen = Int64(yuan) * 100; m.currencyCode = "CNY"
        return m
    }

    static func date(_ iso: String) -> Township_Common_V1_LocalDate? {
        let parts = iso.split(separator: "-").compactMap { Int32($0) }
        guard parts.count == 3 else { return nil }
        var d = Township_Common_V1_LocalDate()
        d.year = parts[0]; d.month = parts[1]; d.day = parts[2]
        return d
    }

    // MARK: From the wire

    func text(_ value: String, field: String, required: Bool = true, max: Int? = nil, into errors: inout [ValidationError]) -> String {
        let limit = max ?? limits.maxTextLength
        if required && value.trimmingCharacters(in: .whitespaces).isEmpty {
            errors.append(.init(field: field, message: "must not be empty"))
        } else if value.count > limit {
            errors.append(.init(field: field, message: "at most \(limit) characters, not \(value.count)"))
        }
        return value
    }

    func list(_ values: [String], field: String, into errors: inout [ValidationError]) -> [String] {
        if values.count > limits.maxListEntries {
            errors.append(.init(field: field, message: "at most \(limits.maxListEntries) entries, not \(values.count)"))
            return []
        }
        for (index, value) in values.enumerated() { _ = text(value, field: "\(field)[\(index)]", max: 64, into: &errors) }
        return values
    }

    func isoDate(_ d: Township_Common_V1_LocalDate, field: String, into errors: inout [ValidationError]) -> String {
        var components = DateComponents()
        components.year = Int(d.year); components.month = Int(d.month); components.day = Int(d.day)
        guard (1900...2200).contains(d.year), (1...12).contains(d.month), (1...31).contains(d.day),
              Calendar(identifier: .gregorian).date(from: components).map({ Calendar(identifier: .gregorian).component(.day, from: $0) == Int(d.day) }) == true
        else {
            errors.append(.init(field: field, message: "not a calendar date (year 1900...2200)"))
            return ""
        }
        return String(format: "%04d-%02d-%02d", d.year, d.month, d.day)
    }

    func fair(_ w: Township_Jobfair_V1_Fair) throws -> Fair {
        var errors: [ValidationError] = []
        let fair = Fair(id: 0, name: text(w.name, field: "fair.name", into: &errors),
                        startDate: isoDate(w.startDate, field: "fair.start_date", into: &errors),
                        endDate: isoDate(w.endDate, field: "fair.end_date", into: &errors),
                        venue: text(w.venue, field: "fair.venue", into: &errors), organiser: text(w.organiser, field: "fair.organiser", into: &errors))
        if !fair.startDate.isEmpty, !fair.endDate.isEmpty, fair.endDate < fair.startDate {
            errors.append(.init(field: "fair.end_date", message: "\(fair.endDate) is before the start \(fair.startDate)"))
        }
        guard errors.isEmpty else { throw JobFairError.invalid(errors) }
        return fair
    }

    func enterprise(_ w: Township_Jobfair_V1_Enterprise) throws -> EnterpriseRecord {
        var errors: [ValidationError] = []
        let name = text(w.name, field: "enterprise.name", into: &errors)
        if let e = CreditCode.validate(w.creditCode, field: "enterprise.credit_code") { errors.append(e) }
        var sector = Sector.services
        do { sector = try EnumMapping.sector(w.sector, field: "enterprise.sector") } catch let JobFairError.invalid(e) { errors += e }
        let address = text(w.address, field: "enterprise.address", required: false, into: &errors)
        if w.employerUserIds.count > 16 { errors.append(.init(field: "enterprise.employer_user_ids", message: "at most 16, not \(w.employerUserIds.count)")) }
        for (index, user) in w.employerUserIds.enumerated() {
            if user.value.isEmpty || user.value.utf8.count > 64 || !user.value.utf8.allSatisfy(WireIDs.allowed.contains) {
                errors.append(.init(field: "enterprise.employer_user_ids[\(index)].value", message: "an id is 1 to 64 bytes of letters, digits, '.', '_', ':' or '-'"))
            }
        }
        guard errors.isEmpty else { throw JobFairError.invalid(errors) }
        return EnterpriseRecord(enterprise: Enterprise(id: 0, name: name, creditCode: w.creditCode, sector: sector, address: address),
                                employerUserIDs: w.employerUserIds.map(\.value))
    }

    func location(_ w: Township_Jobfair_V1_Location, field: String, into errors: inout [ValidationError]) -> Location {
        if abs(Int(w.eastMetres)) > 1_000_000 || abs(Int(w.northMetres)) > 1_000_000 {
            errors.append(.init(field: field, message: "coordinates must be within ±1000000 metres"))
        }
        return Location(name: text(w.name, field: "\(field).name", required: false, into: &errors), eastMetres: Int(w.eastMetres), northMetres: Int(w.northMetres))
    }

    func yuan(_ m: Township_Common_V1_Money, field: String, into errors: inout [ValidationError]) -> Int {
        if !m.currencyCode.isEmpty && m.currencyCode != "CNY" { errors.append(.init(field: "\(field).currency_code", message: "must be CNY")) }
        guard m.amountFen >= 0, m.amountFen % 100 == 0, m.amountFen <= 100_000_000 else {
            errors.append(.init(field: "\(field).amount_fen", message: "whole yuan (a multiple of 100 fen), 0 to 1000000 yuan"))
            return 0
        }
        return Int(m.amountFen / 100)
    }

    /// A position's changeable fields (fair and enterprise are checked by the caller).
    func position(_ w: Township_Jobfair_V1_Position, id: Int, enterpriseID: Int) throws -> Position {
        var errors: [ValidationError] = []
        let title = text(w.title, field: "position.title", into: &errors)
        if w.headcount < 1 || Int(w.headcount) > limits.maxHeadcount {
            errors.append(.init(field: "position.headcount", message: "must be within 1...\(limits.maxHeadcount), not \(w.headcount)"))
        }
        let skills = list(w.requirements.skills, field: "position.requirements.skills", into: &errors)
        let certificates = list(w.requirements.certificates, field: "position.requirements.certificates", into: &errors)
        var education = Education.primary
        if w.requirements.minimumEducation != .unspecified {
            do { education = try EnumMapping.education(w.requirements.minimumEducation, field: "position.requirements.minimum_education") } catch let JobFairError.invalid(e) { errors += e }
        }
        if !(0...60).contains(w.requirements.minimumExperienceYears) {
            errors.append(.init(field: "position.requirements.minimum_experience_years", message: "must be within 0...60"))
        }
        let low = yuan(w.salaryMinimumPerMonth, field: "position.salary_minimum_per_month", into: &errors)
        let high = yuan(w.salaryMaximumPerMonth, field: "position.salary_maximum_per_month", into: &errors)
        if high < low { errors.append(.init(field: "position.salary_maximum_per_month", message: "\(high) yuan is below the minimum \(low)")) }
        let location = location(w.workLocation, field: "position.work_location", into: &errors)
        guard errors.isEmpty else { throw JobFairError.invalid(errors) }
        return Position(id: id, enterpriseID: enterpriseID, title: title, headcount: Int(w.headcount),
                        requirements: Requirements(skills: skills, minimumEducation: education, minimumExperienceYears: Int(w.requirements.minimumExperienceYears), certificates: certificates),
                        salary: SalaryRange(minimumYuanPerMonth: low, maximumYuanPerMonth: high), workLocation: location)
    }

    func seeker(_ w: Township_Jobfair_V1_Seeker) throws -> Seeker {
        var errors: [ValidationError] = []
        let name = text(w.name, field: "seeker.name", max: 64, into: &errors)
        let digits = w.phone.hasPrefix("+") ? String(w.phone.dropFirst()) : w.phone
        if !(5...20).contains(digits.count) || !digits.allSatisfy(\.isASCII) || !digits.allSatisfy(\.isNumber) {
            errors.append(.init(field: "seeker.phone", message: "5 to 20 digits, optionally after '+'"))
        }
        var education = Education.primary
        do { education = try EnumMapping.education(w.education, field: "seeker.education") } catch let JobFairError.invalid(e) { errors += e }
        if !(0...60).contains(w.experienceYears) { errors.append(.init(field: "seeker.experience_years", message: "must be within 0...60")) }
        let seeker = Seeker(id: 0, name: name, phone: w.phone, education: education, experienceYears: Int(w.experienceYears),
                            skills: list(w.skills, field: "seeker.skills", into: &errors),
                            certificates: list(w.certificates, field: "seeker.certificates", into: &errors),
                            location: location(w.location, field: "seeker.location", into: &errors),
                            languages: list(w.languages, field: "seeker.languages", into: &errors), choices: [])
        guard errors.isEmpty else { throw JobFairError.invalid(errors) }
        return seeker
    }
}
