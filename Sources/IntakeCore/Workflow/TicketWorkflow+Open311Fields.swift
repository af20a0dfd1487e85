import Foundation

extension TicketWorkflow {
    /// Limits of the fields Open311 clients add (see intake.proto's Reporter and Submission).
    static func validateOpen311Fields(_ report: NewTicket) throws(IntakeError) {
        let limits: [(String, String?, Int)] = [
            ("reporter email", report.reporter.email, 254), ("reporter device id", report.reporter.deviceID, 128),
            ("reporter account id", report.reporter.accountID, 128), ("media url", report.mediaURL, 2048),
            ("address id", report.addressID, 64), ("zipcode", report.zipcode, 16),
        ]
        for (name, value, limit) in limits {
            guard let value else { continue }
            guard value.count <= limit else { throw .invalidInput("\(name) exceeds \(limit) characters") }
            guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw .invalidInput("\(name) has control characters")
            }
        }
        if let media = report.mediaURL {
            let lower = media.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { throw .invalidInput("media url must be http or https") }
        }
    }
}
