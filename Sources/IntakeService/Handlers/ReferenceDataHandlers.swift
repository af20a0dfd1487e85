import Foundation
import IntakeCore
import TownshipProtos
import TownshipRPC
import TownshipServiceKit

extension IntakeService {
    func registerReferenceData(_ router: inout RPCRouter) {
        let methods = Township_Intake_V1_Intake.self
        router.unary(methods.listVillages.path, Township_Intake_V1_ListVillagesRequest.self, Township_Intake_V1_ListVillagesResponse.self) { req, ctx in
            try await serve(ctx) { _ in
                let (items, page) = try ReferenceMapping.page(store.referenceData().villages, req.page)
                var r = Township_Intake_V1_ListVillagesResponse()
                r.villages = items.map(ReferenceMapping.village); r.page = page
                return r
            }
        }
        router.unary(methods.listGrids.path, Township_Intake_V1_ListGridsRequest.self, Township_Intake_V1_ListGridsResponse.self) { req, ctx in
            try await serve(ctx) { _ in
                let data = store.referenceData()
                let workers = Dictionary(grouping: data.gridWorkers, by: \.gridID)
                let grids = data.grids.filter { req.villageID.value.isEmpty || $0.villageID == req.villageID.value }
                let (items, page) = try ReferenceMapping.page(grids, req.page)
                var r = Township_Intake_V1_ListGridsResponse()
                r.grids = items.map { ReferenceMapping.grid($0, workers: workers[$0.id] ?? []) }; r.page = page
                return r
            }
        }
        router.unary(methods.listDepartments.path, Township_Intake_V1_ListDepartmentsRequest.self, Township_Intake_V1_ListDepartmentsResponse.self) { req, ctx in
            try await serve(ctx) { _ in
                let departments = store.referenceData().departments.filter {
                    req.categoryID.value.isEmpty || $0.categoryIDs.contains(req.categoryID.value)
                }
                let (items, page) = try ReferenceMapping.page(departments, req.page)
                var r = Township_Intake_V1_ListDepartmentsResponse()
                r.departments = items.map(ReferenceMapping.department); r.page = page
                return r
            }
        }
        router.unary(methods.listCategories.path, Township_Intake_V1_ListCategoriesRequest.self, Township_Intake_V1_ListCategoriesResponse.self) { req, ctx in
            try await serve(ctx) { _ in
                let policy = store.configuration.reminderPolicy
                let (items, page) = try ReferenceMapping.page(store.referenceData().categories, req.page)
                var r = Township_Intake_V1_ListCategoriesResponse()
                r.categories = items.map { ReferenceMapping.category($0, policy: policy) }; r.page = page
                return r
            }
        }
        router.unary(methods.getWorkingCalendar.path, Township_Intake_V1_GetWorkingCalendarRequest.self, Township_Intake_V1_GetWorkingCalendarResponse.self) { req, ctx in
            try await serve(ctx) { _ in
                guard (2000...2100).contains(req.year) else {
                    throw ServiceError.invalidArgument(field: "year", "must be within 2000...2100")
                }
                let calendar = store.configuration.calendar
                func wire(_ days: Set<LocalDate>) -> [Township_Common_V1_LocalDate] {
                    days.filter { $0.year == Int(req.year) }.sorted().map { d in
                        var w = Township_Common_V1_LocalDate()
                        w.year = Int32(d.year); w.month = Int32(d.month); w.day = Int32(d.day)
                        return w
                    }
                }
                var r = Township_Intake_V1_GetWorkingCalendarResponse()
                r.calendar.year = req.year
                r.calendar.holidays = wire(calendar.holidays)
                r.calendar.extraWorkingDays = wire(calendar.workingWeekendDays)
                return r
            }
        }
    }
}
