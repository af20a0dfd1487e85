import Foundation
import TownshipProtos

/// A GeoReport v2 POST form as intake's SubmitTicket: `service_code` required (a category, or
/// `uncategorised`), the reporter optional (anonymous reports are allowed), the village from
/// `village_id` (or `attribute[village_id]`), else from `address_id` (the township's address
/// ids start with their village's id and a '-', e.g. "V01-0042"), else the village whose centre
/// is nearest `lat`/`long`. Every field a client sends is kept: email, device and account go
/// with the reporter (masked like the reporter's name), media_url, address_id and zipcode
/// with the submission.
struct Open311Submission {
    let request: Township_Intake_V1_SubmitTicketRequest

    init(form: Open311Form, catalog: Open311Catalog) throws {
        guard let code = form.serviceCode?.trimmingCharacters(in: .whitespaces), !code.isEmpty else {
            throw GatewayError.badRequest("service_code is required (see services.json)")
        }
        let category = catalog.categories[code]
        guard code == Open311Catalog.uncategorisedCode || category?.active == true else {
            throw GatewayError.badRequest("service_code '\(code.prefix(64))' is not a service (see services.json)")
        }
        var submit = Township_Intake_V1_SubmitTicketRequest()
        submit.clientRequestID = form.clientRequestID.flatMap { $0.isEmpty ? nil : $0 } ?? UUID().uuidString
        submit.submission.channel = .other
        if code != Open311Catalog.uncategorisedCode { submit.submission.categoryID.value = code }
        let description = form.description?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        // Intake needs words; the service's name says what the reporter chose.
        submit.submission.problemDescription = description.isEmpty ? (category.map { Open311Catalog.name($0.name) } ?? "未分类问题") : description

        var point: (Double, Double)?
        switch (Self.present(form.latitude), Self.present(form.longitude)) {
        case (nil, nil): break
        case (let lat?, let long?):
            guard let latitude = Double(lat), let longitude = Double(long), (-90...90).contains(latitude), (-180...180).contains(longitude) else {
                throw GatewayError.badRequest("lat and long must be WGS-84 degrees")
            }
            point = (latitude, longitude)
            submit.submission.place.location.latitude = latitude
            submit.submission.place.location.longitude = longitude
        default: throw GatewayError.badRequest("lat and long go together")
        }
        let addressID = Self.present(form.addressID)
        let village = try Self.village(form: form, addressID: addressID, point: point, catalog: catalog)
        submit.submission.place.villageID.value = village
        if let address = Self.present(form.address) { submit.submission.place.address = address }
        if let addressID { submit.submission.addressID = addressID }
        if let zipcode = Self.present(form.zipcode) { submit.submission.zipcode = zipcode }
        if let media = Self.present(form.mediaURL) {
            guard let url = URL(string: media), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw GatewayError.badRequest("media_url must be an http or https URL")
            }
            submit.submission.mediaURL = media
        }

        submit.reporter.name = Self.name(first: Self.present(form.firstName), last: Self.present(form.lastName))
        if let phone = Self.present(form.phone) { submit.reporter.phone = phone }
        if let email = Self.present(form.email) { submit.reporter.email = email }
        if let device = Self.present(form.deviceID) { submit.reporter.deviceID = device }
        if let account = Self.present(form.accountID) { submit.reporter.accountID = account }
        submit.note = "Open311"
        request = submit
    }

    static func present(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// Chinese names are family name then given name, written together; others with a space.
    static func name(first: String?, last: String?) -> String {
        let parts = [last, first].compactMap { $0 }
        let chinese = parts.contains { $0.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }
        return parts.joined(separator: chinese ? "" : " ")
    }

    static func village(form: Open311Form, addressID: String?, point: (Double, Double)?, catalog: Open311Catalog) throws -> String {
        if let given = present(form.villageID) ?? present(form.attributes["village_id"]) {
            guard catalog.villages[given]?.active == true else { throw GatewayError.badRequest("village_id '\(given.prefix(64))' is not an active village") }
            return given
        }
        if let addressID {
            // Village ids may contain '-' themselves ("v-west"): the longest that fits wins.
            let village = catalog.orderedVillages.filter { $0.active && addressID.hasPrefix($0.id.value + "-") }
                .max { $0.id.value.count < $1.id.value.count }
            guard let village else {
                throw GatewayError.badRequest("address_id '\(addressID.prefix(64))' is not in the township's address register (it starts with a village id and '-')")
            }
            return village.id.value
        }
        if let (latitude, longitude) = point {
            guard let village = catalog.nearestVillage(latitude: latitude, longitude: longitude) else {
                throw GatewayError.badRequest("no village centre is known to place lat/long in; give village_id")
            }
            return village.id.value
        }
        throw GatewayError.badRequest("say where the problem is: lat and long, address_id, or village_id")
    }
}
