import Foundation

/// Realistic demands per category, after the seed reports. `{v}` village, `{g}` group number,
/// `{n}` a small count, `{p}` a person.
enum DescriptionTemplates {
    static let byCategory: [String: [String]] = [
        "power-supply": ["{v}{g}组{p}家临时用电一直没有接通，已经等了{n}天", "{v}村口临时用电线路老化，晚上经常跳闸",
                         "{v}{g}组新建养殖棚需要临时用电，申请后一直没人来处理", "{v}{g}组路灯坏了{n}个，晚上出行不安全"],
        "water-supply": ["{v}{g}组自来水停了{n}天，老人做饭都困难", "{v}{g}组排水沟堵塞，下雨后积水进了院子"],
        "pension": ["社保卡更换后养老金银行网点太远，{p}老人每月取钱要跑十几里路", "{p}的养老金这个月没有到账，想问问原因",
                    "{v}{g}组老人咨询城乡居民养老保险缴费档次怎么选", "社保卡换新后养老金发放银行变了，{v}没有网点"],
        "medical-insurance": ["{p}咨询医保异地就医备案怎么办理", "{v}{g}组村民询问今年医保缴费截止时间"],
        "elderly-care": ["{v}独居老人{p}无人照料，希望纳入居家养老服务", "{v}老年食堂饭菜太咸，老人反映吃不惯",
                         "{p}咨询高龄补贴和养老服务补贴怎么申请"],
        "illegal-building": ["邻居违建挡住道路，{v}{g}组车辆无法通行", "{v}{g}组有人在耕地上违建房屋",
                             "{p}家旁边违建的棚子占了公共通道{n}米", "{v}村道两侧违建摊棚影响通行"],
        "roads": ["{v}{g}组村道坑洼严重，下雨天无法行走", "{v}通往镇上的桥栏杆损坏，存在安全隐患", "{v}{g}组道路硬化工程停工{n}个月"],
        "sanitation": ["{v}{g}组垃圾{n}天没有清运，气味很大", "{v}河道漂浮垃圾较多，希望尽快清理", "{v}{g}组有人焚烧秸秆，烟雾很大"],
        "safety-hazard": ["{v}{g}组有电线杆倾斜，随时可能倒塌", "{v}{g}组老房子墙体开裂，{p}一家仍在居住", "{v}加油站附近有人私自储存液化气"],
        "flood": ["{v}{g}组河堤出现渗水，需要马上处理", "暴雨后{v}{g}组山体有滑坡迹象"],
        "food-safety": ["{v}集市上有商贩销售过期食品", "{v}学校门口小卖部卖三无零食"],
        "neighbour-dispute": ["{p}和邻居因宅基地边界发生纠纷，需要调解", "{v}{g}组两户因排水问题多次争吵"],
        "farming": ["{v}{g}组农田灌溉水渠年久失修", "{p}咨询今年种粮补贴发放时间", "{v}{g}组玉米出现病虫害，需要技术指导"],
        "village-affairs": ["建议{v}在文化广场增设健身器材", "建议{v}村务公开栏每月更新一次", "建议{v}增开到镇上的公交班次"],
    ]

    static func make(category: CategoryID, village: String, rng: inout SeededRandom) -> String {
        let templates = byCategory[category] ?? ["{v}{g}组村民反映的问题需要处理"]
        let person = rng.pick(DemoReferenceData.surnames) + rng.pick(DemoReferenceData.givenNames)
        return rng.pick(templates)
            .replacingOccurrences(of: "{v}", with: village)
            .replacingOccurrences(of: "{g}", with: String(rng.int(1...12)))
            .replacingOccurrences(of: "{n}", with: String(rng.int(2...20)))
            .replacingOccurrences(of: "{p}", with: person)
    }
}
