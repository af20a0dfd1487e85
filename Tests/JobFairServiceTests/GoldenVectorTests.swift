import Foundation
import SwiftProtobuf
import Testing
import TownshipProtos

/// proto-spec/vectors/jobfair_messages.json (written with Python's protobuf runtime) against
/// swift-protobuf: each vector's JSON encodes to exactly its bytes, and its bytes decode to
/// the same message.
@Suite struct GoldenVectorTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("proto-spec/vectors/jobfair_messages.json")

    static let types: [String: any SwiftProtobuf.Message.Type] = [
        "township.jobfair.v1.CreateFairRequest": Township_Jobfair_V1_CreateFairRequest.self,
        "township.jobfair.v1.RegisterEnterpriseRequest": Township_Jobfair_V1_RegisterEnterpriseRequest.self,
        "township.jobfair.v1.CreatePositionRequest": Township_Jobfair_V1_CreatePositionRequest.self,
        "township.jobfair.v1.PutSeekerProfileRequest": Township_Jobfair_V1_PutSeekerProfileRequest.self,
        "township.jobfair.v1.SeekerResponse": Township_Jobfair_V1_SeekerResponse.self,
        "township.jobfair.v1.SetApplicationsRequest": Township_Jobfair_V1_SetApplicationsRequest.self,
        "township.jobfair.v1.SetRankingRequest": Township_Jobfair_V1_SetRankingRequest.self,
        "township.jobfair.v1.RunMatchRequest": Township_Jobfair_V1_RunMatchRequest.self,
        "township.jobfair.v1.RoundResponse": Township_Jobfair_V1_RoundResponse.self,
        "township.jobfair.v1.SeekerResultResponse": Township_Jobfair_V1_SeekerResultResponse.self,
        "township.jobfair.v1.RecordOutcomeRequest": Township_Jobfair_V1_RecordOutcomeRequest.self,
        "township.jobfair.v1.GetFairFiguresResponse": Township_Jobfair_V1_GetFairFiguresResponse.self,
    ]

    @Test func everyVectorEncodesAndDecodesByteForByte() throws {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.file)) as? [String: Any])
        let vectors = try #require(root["vectors"] as? [[String: Any]])
        #expect(vectors.count >= 12)
        for vector in vectors {
            let name = vector["name"] as? String ?? "?"
            let type = try #require(Self.types[vector["type"] as? String ?? ""], "no Swift type for \(name)")
            let json = String(decoding: try JSONSerialization.data(withJSONObject: vector["json"]!), as: UTF8.self)
            let hex = vector["hex"] as? String ?? ""
            let fromJSON = try type.init(jsonString: json)
            let bytes: [UInt8] = try fromJSON.serializedBytes()
            #expect(bytes.map { String(format: "%02x", $0) }.joined() == hex, "\(name): encoding differs")
            let decoded = try type.init(serializedBytes: Self.bytes(hex))
            #expect(decoded.isEqualTo(message: fromJSON), "\(name): decoding differs")
        }
    }

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }
}
