import LiaisonCore
import TownshipProtos

/// The intake ticket a referred item becomes: filed through the channel OTHER (intake.proto:
/// "say which in the description"), for the village the office chose, with the item's title,
/// description and sources in the description, and the referral's idempotency key as its
/// `client_request_id`, so intake files it once whichever key it reads.
enum IntakeSubmission {
    /// intake.proto: a problem description is 1 to 4000 characters, a note at most 1000, a
    /// reporter name at most 64.
    static let maxDescriptionCharacters = 4000

    static func request(for item: ProblemItem) -> Township_Intake_V1_SubmitTicketRequest {
        var request = Township_Intake_V1_SubmitTicketRequest()
        request.clientRequestID = Referral.idempotencyKey(itemID: item.id)
        request.reporter.name = "enterprise-liaison"
        request.submission.channel = .other
        request.submission.place.villageID.value = item.referral?.villageID ?? ""
        request.submission.priority = .normal
        let sources = item.organisationIDs.joined(separator: ", ")
        let text = "【企业联络疑难问题转办 / referred by enterprise-liaison, item \(item.id), list \(item.period)】\(item.title)\n"
            + "\(item.description)\n来源企业 / organisations: \(sources)"
        request.submission.problemDescription = String(text.prefix(maxDescriptionCharacters))
        request.note = "referred by \(item.referral?.requestedBy ?? "the zone office")"
        return request
    }
}
