import Hummingbird

/// The fields of a GeoReport v2 `POST requests` form that the gateway reads. Other fields
/// (`attribute[…]`, `email`, `media_url`, …) are accepted and ignored.
struct Open311Form: Decodable, Sendable {
    var serviceCode: String?
    var description: String?
    var villageID: String?
    var latitude: String?
    var longitude: String?
    var address: String?
    var firstName: String?
    var lastName: String?
    var phone: String?
    var clientRequestID: String?

    enum CodingKeys: String, CodingKey {
        case serviceCode = "service_code", description, villageID = "village_id", latitude = "lat", longitude = "long"
        case address = "address_string", firstName = "first_name", lastName = "last_name", phone
        case clientRequestID = "client_request_id"
    }

    /// Parses an `application/x-www-form-urlencoded` body with Hummingbird's decoder, which
    /// reports a malformed body as an error (Foundation's `URLComponents.percentEncodedQuery`
    /// setter traps on one: a raw space, raw Chinese text or a lone `%` used to kill the
    /// gateway). Raw UTF-8 and spaces are taken as they are, as browsers' parsers do; a `%` not
    /// followed by two hex digits, a repeated field or a field given as a list is refused.
    static func parse(_ body: ByteBuffer) throws -> Open311Form {
        let text = String(buffer: body)
        do {
            return try URLEncodedFormDecoder().decode(Open311Form.self, from: text)
        } catch let error as URLEncodedFormError {
            throw GatewayError.badRequest("the form body is not application/x-www-form-urlencoded: \(error.description)", reason: "INVALID_FORM")
        } catch {
            throw GatewayError.badRequest("the form body has a field of the wrong shape (each field is one value)", reason: "INVALID_FORM")
        }
    }
}
