import Foundation
import NIOCore
import SwiftProtobuf
import TownshipProtos

/// What a resident's phone sends when filing a problem: a name and phone, a place with a
/// point and an address, a few sentences in Chinese (about 200 bytes of UTF-8).
enum SubmissionBody {
    static let descriptions = [
        "村口路灯已经连续三个晚上不亮了，老人晚上出门散步很不方便，希望尽快派人来修理。",
        "小区东门外的下水道井盖松动，车辆经过时响声很大，担心有孩子踩上去发生危险。",
        "河边垃圾堆放了好几天没有人清理，天气热了气味很重，附近居民意见很大。",
        "菜市场旁边的路面塌陷了一个坑，下雨天积水很深，电动车经过容易摔倒。",
    ]

    static func request(worker: Int, key: String, village: String) -> Township_Intake_V1_SubmitTicketRequest {
        var request = Township_Intake_V1_SubmitTicketRequest()
        request.clientRequestID = key
        request.reporter.name = "居民\(worker)"
        request.reporter.phone = String(format: "139%08d", worker)
        request.submission.channel = .hotline96150
        request.submission.place.villageID.value = village
        request.submission.place.address = "幸福路\(worker % 97 + 1)号"
        request.submission.place.location.latitude = 30.27 + Double(worker % 100) / 10_000
        request.submission.place.location.longitude = 120.15 + Double(worker % 100) / 10_000
        request.submission.problemDescription = descriptions[worker % descriptions.count] + "（\(key)）"
        request.submission.priority = .normal
        return request
    }

    /// The resident the gateway forwards for caller `worker`.
    static func principal(worker: Int) -> ByteBuffer {
        var principal = Township_Common_V1_Principal()
        principal.userID.value = "bench-resident-\(worker)"
        principal.role = .resident
        return ByteBuffer(bytes: (try? principal.serializedBytes() as [UInt8]) ?? [])
    }
}
