import Foundation
import TownshipProtos

/// Intake's reference data as GeoReport needs it: categories (services and their groups),
/// departments (the agency responsible) and villages (the centre shown for a request without
/// a point, and the village a POST's `lat`/`long` fall into). Fetched for each answer, all
/// three at once, as the public reader.
struct Open311Catalog: Sendable {
    var categories: [String: Township_Intake_V1_Category] = [:]
    var orderedCategories: [Township_Intake_V1_Category] = []
    var departments: [String: Township_Intake_V1_Department] = [:]
    var villages: [String: Township_Intake_V1_Village] = [:]
    var orderedVillages: [Township_Intake_V1_Village] = []

    /// The code uncategorised tickets are shown with; also listed as a service, and accepted
    /// in a POST (the ticket is then filed without a category, for triage to classify).
    static let uncategorisedCode = "uncategorised"

    static func load(from intake: IntakeBackend) async throws -> Open311Catalog {
        let methods = Township_Intake_V1_Intake.self
        let reader = Open311Access.publicReader
        async let categories = intake.call(methods.listCategories, .init(), for: reader)
        async let departments = intake.call(methods.listDepartments, .init(), for: reader)
        async let villages = intake.call(methods.listVillages, .init(), for: reader)
        var catalog = Open311Catalog()
        catalog.orderedCategories = try await categories.categories
        for category in catalog.orderedCategories { catalog.categories[category.id.value] = category }
        for department in try await departments.departments { catalog.departments[department.id.value] = department }
        catalog.orderedVillages = try await villages.villages
        for village in catalog.orderedVillages { catalog.villages[village.id.value] = village }
        return catalog
    }

    /// The name shown for a category: Chinese first, as the township writes it.
    static func name(_ text: Township_Common_V1_LocalizedText) -> String {
        text.zh.isEmpty ? text.en : text.zh
    }

    /// The active village whose centre is nearest to the point (equirectangular distance:
    /// villages are a few kilometres apart, so the approximation is exact enough); nil when
    /// no active village has a centre.
    func nearestVillage(latitude: Double, longitude: Double) -> Township_Intake_V1_Village? {
        let scale = cos(latitude * .pi / 180)
        func distance(_ village: Township_Intake_V1_Village) -> Double {
            let dy = village.center.latitude - latitude
            let dx = (village.center.longitude - longitude) * scale
            return dx * dx + dy * dy
        }
        return orderedVillages.filter { $0.active && $0.hasCenter }.min { distance($0) < distance($1) }
    }
}
