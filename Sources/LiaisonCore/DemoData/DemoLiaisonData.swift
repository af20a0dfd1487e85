import TownshipCreditCode
import TownshipRandom

/// The demo zone at the seeds' scale (scale 1): 55 liaisons (48 from the zone's departments,
/// 2 provincial, 5 municipal) looking after 227 enterprises and social organisations; 282
/// visits; 28 suggestions; 5 party and 8 mass organisations founded; 563 hires; 61.78 million
/// yuan of tax benefits; 154 safety rectification agreements; and six half-month problem
/// lists driven through the real workflow (the current one still in review). `scale` > 1
/// multiplies every count, for benchmarks. The same seed and `now` give the same data.
public struct DemoLiaisonData: Sendable {
    public var departments: [(id: String, name: String)]
    public var liaisons: [Liaison]
    public var organisations: [Organisation]
    public var assignments: [AssignmentHistory]
    public var visits: [Visit]
    public var help: [HelpRecord]
    public var items: [ProblemItem]

    /// The figures at scale 1 (the seeds').
    public enum Seed {
        public static let zoneLiaisons = 48, provincialLiaisons = 2, municipalLiaisons = 5
        public static let enterprises = 196, socialOrganisations = 31
        public static let visits = 282, suggestions = 28, partyOrganisations = 5, massOrganisations = 8
        public static let hires = 563
        public static let taxBenefitFen: Int64 = 6_178_000_000
        public static let safetyAgreements = 154
        /// Past half-month lists with problems, besides the current one.
        public static let pastPeriods = 5
        public static let itemsPerPeriod = 10
    }

    /// The demo liaison user of the gateway (`liaison`) is the first liaison, so signing in
    /// as them shows enterprises.
    public static let demoLiaisonID = "u-liaison"

    /// The zone departments liaisons come from and problems go to (the same codes as intake's).
    public static let departmentSpecs: [(String, String)] = [
        ("dept-social", "社会事务办"), ("dept-construction", "规划建设办"), ("dept-emergency", "应急管理办"),
        ("dept-agriculture", "农业农村办"), ("dept-civil", "民政办"), ("dept-market", "市场监管所"),
        ("dept-enforcement", "综合执法队"), ("dept-hrss", "人社服务中心"), ("dept-power", "电力协调办"),
        ("dept-petition", "信访办"),
    ]

    public static func make(now: Instant, seed: UInt64 = 14, scale: Int = 1, policy: DeadlinePolicy = .standard) -> DemoLiaisonData {
        var random = SplitMix64(seed: seed)
        let scale = max(1, scale)
        let start = now.adding(days: -400)
        var data = DemoLiaisonData(departments: departmentSpecs.map { (id: $0.0, name: $0.1) }, liaisons: [], organisations: [],
                                   assignments: [], visits: [], help: [], items: [])

        // Liaisons.
        let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
        let given = ["建国", "海燕", "志强", "丽华", "晓东", "春梅", "伟", "静", "磊", "敏", "军", "芳"]
        func name() -> String { "\(surnames[random.below(surnames.count)])\(given[random.below(given.count)])" }
        var origins: [LiaisonOrigin] = []
        origins += Array(repeating: .zoneDepartment, count: Seed.zoneLiaisons * scale)
        origins += Array(repeating: .provincial, count: Seed.provincialLiaisons * scale)
        origins += Array(repeating: .municipal, count: Seed.municipalLiaisons * scale)
        for (i, origin) in origins.enumerated() {
            let id = i == 0 ? demoLiaisonID : "liaison-\(String(format3: i + 1))"
            let department = origin == .zoneDepartment ? departmentSpecs[i % departmentSpecs.count].0 : nil
            data.liaisons.append(Liaison(id: id, name: name(), origin: origin, departmentID: department))
        }

        // Organisations, each assigned from `start`; one in twenty changed liaison 100 days ago.
        let prefixes = ["恒达", "鑫源", "华兴", "瑞丰", "永盛", "金桥", "宏远", "新纪元", "博雅", "同心"]
        let trades = ["机械制造有限公司", "电子科技有限公司", "物流有限公司", "食品有限公司", "建材有限公司", "纺织有限公司"]
        let societies = ["志愿者协会", "商会", "社会工作服务中心", "养老服务中心"]
        let total = (Seed.enterprises + Seed.socialOrganisations) * scale
        for i in 0..<total {
            let isEnterprise = i < Seed.enterprises * scale
            let prefix = prefixes[random.below(prefixes.count)]
            let name = isEnterprise ? "\(prefix)\(trades[random.below(trades.count)])（\(i + 1)）" : "\(prefix)\(societies[random.below(societies.count)])（\(i + 1)）"
            let id = "org-\(String(format3: i + 1))"
            data.organisations.append(Organisation(id: id, name: name, kind: isEnterprise ? .enterprise : .socialOrganisation,
                                                   creditCode: creditCode(&random, socialOrganisation: !isEnterprise)))
            var history = AssignmentHistory(organisationID: id)
            let first = data.liaisons[i % data.liaisons.count].id
            _ = try? history.assign(liaisonID: first, now: start)
            if i % 20 == 19 {
                _ = try? history.assign(liaisonID: data.liaisons[(i + 7) % data.liaisons.count].id, now: now.adding(days: -100))
            }
            data.assignments.append(history)
        }

        // Visits over the last half year, by whoever was assigned that day.
        func pastDay(_ maxDaysAgo: Int) -> (LocalDate, Instant) {
            let at = now.adding(days: -random.below(maxDaysAgo) - 1)
            return (LocalDate(containing: at), at)
        }
        let findings = ["用工缺口较大，技术工人招聘难", "厂区消防通道堆放杂物", "申请研发费用加计扣除政策咨询", "职工子女入学需协调",
                        "企业有意成立党支部", "周边道路破损影响货车通行", "电力容量不足影响扩产"]
        for v in 0..<(Seed.visits * scale) {
            let o = random.below(total)
            let (date, at) = pastDay(180)
            let liaison = data.assignments[o].liaison(at: at)!
            data.visits.append(Visit(id: Int64(v + 1), liaisonID: liaison, organisationID: data.organisations[o].id, date: date,
                                     findings: findings[random.below(findings.count)], followUps: random.below(2) == 0 ? ["两周内回访"] : []))
        }

        // Help, adding up exactly to the seeds' figures.
        var helpID: Int64 = 0
        func addHelp(_ kind: HelpKind, _ amount: Int64, organisation o: Int, note: String = "") {
            let (date, at) = pastDay(360)
            helpID += 1
            data.help.append(HelpRecord(id: helpID, liaisonID: data.assignments[o].liaison(at: at)!, organisationID: data.organisations[o].id,
                                        date: date, kind: kind, amount: amount, note: note))
        }
        for (amount, parts, kind) in [(Int64(Seed.hires), 60, HelpKind.recruiting), (Seed.taxBenefitFen, 40, .taxBenefit)] {
            let whole = amount * Int64(scale)
            let count = parts * scale
            let weights = (0..<count).map { _ in Int64(1 + random.below(100)) }
            let sum = weights.reduce(0, +)
            var given: Int64 = 0
            for (i, weight) in weights.enumerated() {
                let share = i == count - 1 ? whole - given : whole * weight / sum
                given += share
                addHelp(kind, share, organisation: random.below(Seed.enterprises * scale))
            }
        }
        for _ in 0..<(Seed.partyOrganisations * scale) { addHelp(.partyOrganisation, 1, organisation: random.below(total), note: "成立党支部") }
        for _ in 0..<(Seed.massOrganisations * scale) { addHelp(.massOrganisation, 1, organisation: random.below(total), note: "成立工会") }
        for _ in 0..<(Seed.suggestions * scale) { addHelp(.suggestion, 1, organisation: random.below(total), note: "建议增开公交线路") }
        // Safety agreements at distinct organisations: every k-th one of a shuffled list.
        var order = Array(0..<total)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, random.below(i + 1)) }
        for o in order.prefix(Seed.safetyAgreements * scale) { addHelp(.safetyAgreement, 1, organisation: o, note: "签订安全整改承诺书") }

        data.items = problemLists(&random, data: data, now: now, scale: scale, policy: policy)
        return data
    }

    /// Past lists driven through the workflow: filed during the period, a merge per list,
    /// published the day after, claimed (or assigned after the window), answered, confirmed
    /// and cleared — each step only if its moment has come.
    static func problemLists(_ random: inout SplitMix64, data: DemoLiaisonData, now: Instant, scale: Int, policy: DeadlinePolicy) -> [ProblemItem] {
        let workflow = ProblemWorkflow(policy: policy)
        let office = ProblemActor.office("u-admin")
        let titles: [(String, ProblemType)] = [
            ("招工难，缺少技术工人", .common), ("厂区周边道路破损", .individual), ("用电容量不足，扩产受限", .difficult),
            ("职工子女入学", .individual), ("消防设施老化", .individual), ("融资难、贷款审批慢", .difficult),
            ("公交线路不便，职工通勤难", .common), ("排污管网未接通", .difficult),
        ]
        var items: [ProblemItem] = []
        var nextID: Int64 = 1
        let current = ProblemPeriod(containing: now)
        var period = current
        for _ in 0..<Seed.pastPeriods { period = period.previous }
        while period <= current {
            var filed: [ProblemItem] = []
            let span = (min(period.end, now).secondsSinceEpoch - period.start.secondsSinceEpoch)
            for _ in 0..<(Seed.itemsPerPeriod * scale) {
                let o = random.below(data.organisations.count)
                let at = period.start.adding(seconds: Int64(random.below(Int(max(1, span)))))
                let (title, type) = titles[random.below(titles.count)]
                guard let liaison = data.assignments[o].liaison(at: at), at <= now,
                      let item = try? workflow.file(id: nextID, title: title, description: "\(title)，请相关部门协调解决。", type: type,
                                                    organisationID: data.organisations[o].id, by: .liaison(liaison),
                                                    assignments: data.assignments[o], now: at) else { continue }
                nextID += 1
                filed.append(item)
            }
            guard period < current else { items += filed; break }
            let reviewAt = period.end
            // Merge the first two items that share a title into a common one.
            var byTitle: [String: [Int]] = [:]
            for (i, item) in filed.enumerated() { byTitle[item.title, default: []].append(i) }
            if let pair = byTitle.values.filter({ $0.count >= 2 }).min(by: { $0[0] < $1[0] }),
               let merged = try? workflow.merge([filed[pair[0]], filed[pair[1]]], newID: nextID, title: filed[pair[0]].title,
                                                description: filed[pair[0]].description, by: office, now: reviewAt) {
                nextID += 1
                filed[pair[0]] = merged.absorbed[0]
                filed[pair[1]] = merged.absorbed[1]
                filed.append(merged.common)
            }
            let publishAt = reviewAt.adding(days: 1)
            guard publishAt <= now, let published = try? workflow.publish(filed, period: period, by: office, now: publishAt) else {
                items += filed
                period = period.next
                continue
            }
            let publishedIDs = Set(published.map(\.id))
            items += filed.filter { !publishedIDs.contains($0.id) }
            for var item in published {
                let department = data.departments[random.below(data.departments.count)].id
                let claimDelay = random.below(5)
                var at = publishAt.adding(days: claimDelay).adding(seconds: 3600 * Int64(1 + random.below(8)))
                if at <= now {
                    if claimDelay < policy.claimWindowDays {
                        item = (try? workflow.claim(item, by: .department(department, user: "u-\(department)"), now: at)) ?? item
                    } else {
                        item = workflow.sweep(item, now: at) ?? item
                        item = (try? workflow.assign(item, to: department, by: office, now: at)) ?? item
                    }
                }
                at = at.adding(days: 1 + random.below(9))
                if item.state == .claimed, at <= now {
                    item = workflow.sweep(item, now: at.adding(seconds: -1)) ?? item
                    item = (try? workflow.answer(item, solution: "已与企业对接，制定解决方案并明确责任人。", by: .department(department, user: "u-\(department)"), now: at)) ?? item
                }
                at = at.adding(days: 3 + random.below(10))
                if item.state == .answered, at <= now, random.below(4) != 0 {
                    item = (try? workflow.confirm(item, note: "企业确认问题已解决", by: .office("u-admin"), assignments: [], now: at)) ?? item
                    at = at.adding(days: 1)
                    if at <= now { item = (try? workflow.clear(item, by: office, now: at)) ?? item }
                }
                items.append(workflow.sweep(item, now: now) ?? item)
            }
            period = period.next
        }
        return items.sorted { $0.id < $1.id }
    }

    /// A well-formed credit code: "91" (enterprise) or "52" (social organisation), a region,
    /// nine random characters and the check character.
    static func creditCode(_ random: inout SplitMix64, socialOrganisation: Bool) -> String {
        var body = (socialOrganisation ? "52" : "91") + "330106"
        for _ in 0..<9 { body.append(CreditCode.alphabet[random.below(CreditCode.alphabet.count)]) }
        return body + String(CreditCode.checkCharacter(forFirst17: body)!)
    }
}

extension String {
    /// "007": zero-padded to three digits (more digits when larger).
    init(format3 n: Int) {
        let digits = String(n)
        self = String(repeating: "0", count: Swift.max(0, 3 - digits.count)) + digits
    }
}
