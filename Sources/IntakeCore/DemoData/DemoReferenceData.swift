import Foundation

/// The demo township at the seed figures' scale: 42 villages; 56 level-1, 56 level-2 and
/// 278 level-3 grids, one worker each; 10 departments; a two-level category taxonomy.
public enum DemoReferenceData {
    static let villageNames = [
        "青山", "柳树", "杨庄", "李家", "王岗", "河口", "石桥", "东湖", "西岭", "南坪", "北塘", "桃园", "梨花", "枣林",
        "高家", "张湾", "陈庄", "刘营", "马头", "牛栏", "凤凰", "龙泉", "金沙", "银杏", "白马", "黄土", "红旗", "新华",
        "团结", "胜利", "和平", "永安", "长乐", "太平", "富民", "兴旺", "三合", "五里", "七星", "八角", "九龙", "十里",
    ]
    static let surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"]
    static let givenNames = ["建国", "秀英", "桂兰", "志强", "海燕", "国庆", "玉梅", "德胜", "春花", "文明", "丽华", "小军", "红梅", "永福", "淑珍", "伟", "芳", "磊", "静", "勇"]

    /// (id, name, kind, parent, departments) — leaves carry the department that handles them.
    static let categorySpecs: [(String, String, CategoryKind, String?)] = [
        ("livelihood", "民生服务", .help, nil),
        ("construction", "城乡建设", .complaint, nil),
        ("safety", "安全应急", .urgent, nil),
        ("governance", "社会治理", .proposal, nil),
        ("power-supply", "供电用电", .help, "livelihood"),
        ("water-supply", "供水排水", .help, "livelihood"),
        ("pension", "社保养老金", .enquiry, "livelihood"),
        ("medical-insurance", "医疗保险", .enquiry, "livelihood"),
        ("elderly-care", "养老服务", .help, "livelihood"),
        ("illegal-building", "违章建筑", .complaint, "construction"),
        ("roads", "道路设施", .complaint, "construction"),
        ("sanitation", "环境卫生", .complaint, "construction"),
        ("safety-hazard", "安全隐患", .urgent, "safety"),
        ("flood", "防汛险情", .urgent, "safety"),
        ("food-safety", "食品安全", .complaint, "safety"),
        ("neighbour-dispute", "邻里纠纷", .help, "governance"),
        ("farming", "农业生产", .help, "governance"),
        ("village-affairs", "村务建议", .proposal, "governance"),
    ]

    static let departmentSpecs: [(String, String, [String])] = [
        ("dept-social", "社会事务办", ["pension", "medical-insurance", "elderly-care"]),
        ("dept-construction", "规划建设办", ["illegal-building", "roads"]),
        ("dept-emergency", "应急管理办", ["safety-hazard", "flood"]),
        ("dept-agriculture", "农业农村办", ["farming", "water-supply"]),
        ("dept-civil", "民政办", ["elderly-care", "neighbour-dispute"]),
        ("dept-market", "市场监管所", ["food-safety"]),
        ("dept-enforcement", "综合执法队", ["illegal-building", "sanitation"]),
        ("dept-hrss", "人社服务中心", ["pension", "medical-insurance"]),
        ("dept-power", "电力协调办", ["power-supply"]),
        ("dept-petition", "信访办", ["neighbour-dispute", "village-affairs"]),
    ]

    /// The demo villages' centres: a 7 × 6 grid over the box the demo tickets' points fall in
    /// (30.5–30.7 N, 114.2–114.4 E), village i in row i / 7, column i % 7.
    static func villageCenter(_ index: Int) -> GeoPoint {
        let (row, column) = (index / 7, index % 7)
        return GeoPoint(latitude: 30.5 + 0.2 * (Double(row) + 0.5) / 6, longitude: 114.2 + 0.2 * (Double(column) + 0.5) / 7)
    }

    public static func make() -> ReferenceData {
        var villages: [Village] = []
        var grids: [Grid] = []
        var workers: [GridWorker] = []
        var rng = SeededRandom(seed: 0x7069_6E67)
        func personName() -> String { rng.pick(surnames) + rng.pick(givenNames) }
        for (i, name) in villageNames.enumerated() {
            villages.append(Village(id: String(format: "V%02d", i + 1), name: name + "村", center: villageCenter(i)))
        }
        // 56 level-1 grids: the first 14 villages have two, the rest one.
        var level2: [Grid] = []
        for (i, village) in villages.enumerated() {
            for k in 1...(i < 14 ? 2 : 1) {
                let g1 = Grid(id: "\(village.id)-L1-\(k)", villageID: village.id, level: 1, name: "\(village.name)第\(k)一级网格")
                let g2 = Grid(id: "\(village.id)-L2-\(k)", villageID: village.id, level: 2, parentID: g1.id, name: "\(village.name)第\(k)二级网格")
                grids += [g1, g2]
                level2.append(g2)
                workers.append(GridWorker(userID: "gw1-\(village.id)-\(k)", name: personName(), gridID: g1.id, level: 1))
                workers.append(GridWorker(userID: "gw2-\(village.id)-\(k)", name: personName(), gridID: g2.id, level: 2))
            }
        }
        // 278 level-3 grids: five under each level-2 grid except the last two, which have four.
        for (i, parent) in level2.enumerated() {
            for k in 1...(i < 54 ? 5 : 4) {
                let g3 = Grid(id: "\(parent.id)-G\(k)", villageID: parent.villageID, level: 3, parentID: parent.id,
                              name: "\(parent.name)\(k)号网格")
                grids.append(g3)
                workers.append(GridWorker(userID: "gw3-\(g3.id)", name: personName(), gridID: g3.id, level: 3))
            }
        }
        let categories = categorySpecs.map { Category(id: $0.0, name: $0.1, kind: $0.2, parentID: $0.3) }
        let departments = departmentSpecs.map { Department(id: $0.0, name: $0.1, categoryIDs: $0.2) }
        return ReferenceData(villages: villages, grids: grids, gridWorkers: workers, departments: departments, categories: categories)
    }
}
