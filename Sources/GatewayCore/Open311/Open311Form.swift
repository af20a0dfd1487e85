import Hummingbird

/// The fields of a GeoReport v2 `POST requests` form. Besides the spec's fields the gateway
/// takes `village_id` (also as `attribute[village_id]`, the attribute of every service
/// definition) and `client_request_id` (a retry with the same one files nothing twice).
/// Other `attribute[…]` fields are accepted and ignored.
struct Open311Form: Decodable, Sendable {
    var jurisdictionID: String?
    var apiKey: String?
    var serviceCode: String?
    var description: String?
    var villageID: String?
    var latitude: String?
    var longitude: String?
    var address: String?
    var addressID: String?
    var zipcode: String?
    var email: String?
    var deviceID: String?
    var accountID: String?
    var firstName: String?
    var lastName: String?
    var phone: String?
    var mediaURL: String?
    var clientRequestID: String?
    var attributes: [String: String] = [:]

    enum CodingKeys: String, CodingKey {
        case jurisdictionID = "jurisdiction_id", apiKey = "api_key"
        case serviceCode = "service_code", description, villageID = "village_id", latitude = "lat", longitude = "long"
        case address = "address_string", addressID = "address_id", zipcode, email, deviceID = "device_id", accountID = "account_id"
        case firstName = "first_name", lastName = "last_name", phone, mediaURL = "media_url"
        case clientRequestID = "client_request_id", attribute
    }

    init() {}

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func field(_ key: CodingKeys) throws -> String? { try container.decodeIfPresent(String.self, forKey: key) }
        jurisdictionID = try field(.jurisdictionID)
        apiKey = try field(.apiKey)
        serviceCode = try field(.serviceCode)
        description = try field(.description)
        villageID = try field(.villageID)
        latitude = try field(.latitude)
        longitude = try field(.longitude)
        address = try field(.address)
        addressID = try field(.addressID)
        zipcode = try field(.zipcode)
        email = try field(.email)
        deviceID = try field(.deviceID)
        accountID = try field(.accountID)
        firstName = try field(.firstName)
        lastName = try field(.lastName)
        phone = try field(.phone)
        mediaURL = try field(.mediaURL)
        clientRequestID = try field(.clientRequestID)
        // attribute[CODE]=value; a multi-value attribute (attribute[CODE][]=…) is ignored like
        // every attribute but village_id.
        attributes = (try? container.decodeIfPresent([String: String].self, forKey: .attribute)) ?? [:]
    }

    /// Parses an `application/x-www-form-urlencoded` body with Hummingbird's decoder, which
    /// reports a malformed body as an error (Foundation's `URLComponents.percentEncodedQuery`
    /// setter traps on one: a raw space, raw Chinese text or a lone `%` used to kill the
    /// gateway). Raw UTF-8 and spaces are taken as they are, as browsers' parsers do; a `%` not
    /// followed by two hex digits, a repeated field or a field given as a list is refused.
    static func parse(_ body: ByteBuffer) throws -> Open311Form {
        let text = String(buffer: body)
        if text.isEmpty { return Open311Form() }
        do {
            return try URLEncodedFormDecoder().decode(Open311Form.self, from: text)
        } catch let error as URLEncodedFormError {
            throw GatewayError.badRequest("the form body is not application/x-www-form-urlencoded: \(error.description)", reason: "INVALID_FORM")
        } catch {
            throw GatewayError.badRequest("the form body has a field of the wrong shape (each field is one value)", reason: "INVALID_FORM")
        }
    }
}
