/// The vocabulary of the demo township's fair: what each sector hires for and asks of people.
struct PositionTemplate {
    var title: String
    var skills: [String]
    var minimumEducation: Education
    var minimumExperienceYears: Int
    var certificates: [String]
    var salary: ClosedRange<Int>
}

enum DemoCatalogue {
    static let templates: [Sector: [PositionTemplate]] = [
        .manufacturing: [
            .init(title: "普工", skills: ["装配", "流水线"], minimumEducation: .juniorSecondary, minimumExperienceYears: 0, certificates: [], salary: 4000...5500),
            .init(title: "数控车床操作工", skills: ["数控编程", "机械识图", "车削"], minimumEducation: .vocationalSecondary, minimumExperienceYears: 1, certificates: [], salary: 5500...8000),
            .init(title: "电焊工", skills: ["电焊", "机械识图"], minimumEducation: .juniorSecondary, minimumExperienceYears: 2, certificates: ["焊工证"], salary: 6000...9000),
            .init(title: "质检员", skills: ["质量检验", "办公软件"], minimumEducation: .seniorSecondary, minimumExperienceYears: 1, certificates: [], salary: 4500...6500),
            .init(title: "设备维修电工", skills: ["电工", "PLC", "机械识图"], minimumEducation: .vocationalSecondary, minimumExperienceYears: 3, certificates: ["电工证"], salary: 6500...9500),
            .init(title: "生产主管", skills: ["班组管理", "质量检验", "办公软件"], minimumEducation: .juniorCollege, minimumExperienceYears: 5, certificates: [], salary: 8000...12000),
        ],
        .logistics: [
            .init(title: "叉车司机", skills: ["叉车", "仓储"], minimumEducation: .juniorSecondary, minimumExperienceYears: 1, certificates: ["叉车证"], salary: 5000...7000),
            .init(title: "仓库管理员", skills: ["仓储", "办公软件"], minimumEducation: .seniorSecondary, minimumExperienceYears: 1, certificates: [], salary: 4500...6000),
            .init(title: "货车司机", skills: ["驾驶", "路线规划"], minimumEducation: .juniorSecondary, minimumExperienceYears: 3, certificates: ["B2驾驶证"], salary: 7000...10000),
            .init(title: "分拣员", skills: ["分拣"], minimumEducation: .primary, minimumExperienceYears: 0, certificates: [], salary: 3800...5000),
            .init(title: "物流调度员", skills: ["路线规划", "办公软件", "沟通"], minimumEducation: .juniorCollege, minimumExperienceYears: 2, certificates: [], salary: 5500...7500),
        ],
        .services: [
            .init(title: "收银员", skills: ["收银", "沟通"], minimumEducation: .seniorSecondary, minimumExperienceYears: 0, certificates: [], salary: 3500...4500),
            .init(title: "厨师", skills: ["烹饪", "食品安全"], minimumEducation: .juniorSecondary, minimumExperienceYears: 2, certificates: ["健康证"], salary: 5000...8000),
            .init(title: "保洁员", skills: ["保洁"], minimumEducation: .primary, minimumExperienceYears: 0, certificates: [], salary: 3000...4000),
            .init(title: "客服专员", skills: ["沟通", "办公软件"], minimumEducation: .juniorCollege, minimumExperienceYears: 0, certificates: [], salary: 4000...5500),
            .init(title: "养老护理员", skills: ["护理", "沟通"], minimumEducation: .juniorSecondary, minimumExperienceYears: 1, certificates: ["养老护理员证"], salary: 4500...6000),
        ],
        .agricultureProcessing: [
            .init(title: "茶叶加工工", skills: ["制茶", "流水线"], minimumEducation: .primary, minimumExperienceYears: 0, certificates: ["健康证"], salary: 3800...5200),
            .init(title: "食品包装工", skills: ["包装", "流水线"], minimumEducation: .primary, minimumExperienceYears: 0, certificates: ["健康证"], salary: 3600...4800),
            .init(title: "冷库管理员", skills: ["仓储", "冷链"], minimumEducation: .seniorSecondary, minimumExperienceYears: 2, certificates: [], salary: 4800...6500),
            .init(title: "食品检验员", skills: ["质量检验", "食品安全"], minimumEducation: .juniorCollege, minimumExperienceYears: 1, certificates: [], salary: 5000...7000),
            .init(title: "果蔬分拣员", skills: ["分拣", "包装"], minimumEducation: .primary, minimumExperienceYears: 0, certificates: [], salary: 3500...4500),
        ],
    ]

    static let namePrefixes = ["闽兴", "华源", "恒达", "鑫盛", "永泰", "宏峰", "绿野", "金穗", "顺通", "安捷", "佳禾", "远航", "瑞丰", "天成", "福润", "海峡", "山泉", "新桥"]
    static let nameSuffixes: [Sector: [String]] = [
        .manufacturing: ["机械制造有限公司", "电子科技有限公司", "鞋业有限公司", "五金制品有限公司"],
        .logistics: ["物流有限公司", "供应链管理有限公司", "货运有限公司"],
        .services: ["餐饮管理有限公司", "家政服务有限公司", "商贸有限公司", "养老服务中心"],
        .agricultureProcessing: ["茶业有限公司", "食品有限公司", "农产品加工有限公司"],
    ]
    static let villages = ["东山村", "西坑村", "南洋村", "北岭村", "溪口村", "石桥村", "上坂村", "下湖村", "后厝村", "新厝村"]
    static let surnames = Array("陈林黄张李王吴刘蔡杨郑许谢洪邱曾廖赖徐周")
    static let givenCharacters = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志雄美玲文")
    static let extraCertificates = ["叉车证", "电工证", "焊工证", "B2驾驶证", "健康证", "养老护理员证"]
    static let regionalLanguages = ["闽南话", "客家话", "莆仙话"]
}
