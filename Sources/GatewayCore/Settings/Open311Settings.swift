import Configuration
import TownshipServiceRuntime
import Foundation

/// The `open311.*` keys: how GeoReport v2 (`/open311/v2/`) is offered.
///
/// | key | meaning (default) |
/// | --- | --- |
/// | `open311.publicRead` | GETs need no session and no key (true, as for the demo); false: an `api_key` (or a session) is required |
/// | `open311.publicLocation` | where a request is shown: "rounded" (its point rounded to 3 decimals, about 110 m; the village centre when it has none) or "village" (always the village centre) ("rounded") |
/// | `open311.jurisdictionID` | the one `jurisdiction_id` accepted (absent or empty is accepted too; any other is 404) ("township.local") |
/// | `open311.apiKeysDatabase` | SQLite file of the client applications' API keys (`open311-api-keys.sqlite` beside `users.database`) |
/// | `open311.maxPageSize` | requests per answer at most, GeoReport's limit (1000) |
/// | `open311.maxPageNumber` | the highest `page` a client may ask for (20; page N reads N × page_size tickets) |
/// | `open311.defaultWindowDays` | the `start_date`/`end_date` window when neither is given, and the widest allowed (90) |
public struct Open311Settings: Sendable, Equatable {
    public enum PublicLocation: String, Sendable, Equatable {
        case rounded, village
    }

    public var publicRead = true
    public var publicLocation = PublicLocation.rounded
    public var jurisdictionID = "township.local"
    /// Nil: `open311-api-keys.sqlite` in the users database's folder.
    public var apiKeysDatabasePath: String?
    public var maxPageSize = 1000
    public var maxPageNumber = 20
    public var defaultWindowDays = 90

    public init() {}

    /// Where the API keys are stored, given the users database's path.
    public func apiKeysPath(usersDatabasePath: String) -> String {
        if let apiKeysDatabasePath { return apiKeysDatabasePath }
        let directory = (usersDatabasePath as NSString).deletingLastPathComponent
        return directory.isEmpty ? "open311-api-keys.sqlite" : directory + "/open311-api-keys.sqlite"
    }

    static let knownKeys: [String: ConfigurationValueKind] = [
        "open311.publicRead": .boolean, "open311.publicLocation": .string, "open311.jurisdictionID": .string,
        "open311.apiKeysDatabase": .string, "open311.maxPageSize": .integer, "open311.maxPageNumber": .integer,
        "open311.defaultWindowDays": .integer,
    ]

    init(config: ConfigReader) throws {
        self.init()
        publicRead = config.bool(forKey: "open311.publicRead", default: publicRead)
        let location = config.string(forKey: "open311.publicLocation", default: publicLocation.rawValue)
        guard let parsed = PublicLocation(rawValue: location) else {
            throw GatewaySettings.Invalid(description: "open311.publicLocation must be \"rounded\" or \"village\", not \"\(location)\"")
        }
        publicLocation = parsed
        jurisdictionID = config.string(forKey: "open311.jurisdictionID", default: jurisdictionID)
        apiKeysDatabasePath = config.string(forKey: "open311.apiKeysDatabase")
        maxPageSize = config.int(forKey: "open311.maxPageSize", default: maxPageSize)
        maxPageNumber = config.int(forKey: "open311.maxPageNumber", default: maxPageNumber)
        defaultWindowDays = config.int(forKey: "open311.defaultWindowDays", default: defaultWindowDays)
        guard !jurisdictionID.isEmpty else { throw GatewaySettings.Invalid(description: "open311.jurisdictionID must not be empty") }
        guard (1...1000).contains(maxPageSize) else { throw GatewaySettings.Invalid(description: "open311.maxPageSize must be within 1...1000") }
        guard (1...1000).contains(maxPageNumber) else { throw GatewaySettings.Invalid(description: "open311.maxPageNumber must be within 1...1000") }
        guard (1...3660).contains(defaultWindowDays) else { throw GatewaySettings.Invalid(description: "open311.defaultWindowDays must be within 1...3660") }
    }
}
