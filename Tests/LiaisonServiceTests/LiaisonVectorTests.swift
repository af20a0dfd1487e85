import Foundation
import SwiftProtobuf
import TownshipProtos
import Testing

/// proto-spec/vectors/liaison.json (bytes assembled by hand from the field numbers) against
/// the generated Swift: the bytes decode to the vector's JSON, and encode back byte for byte.
@Suite struct LiaisonVectorTests {
    struct Vector: Decodable {
        let name: String
        let message: String
        let hex: String
    }

    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../proto-spec/vectors/liaison.json").standardized

    static let types: [String: any SwiftProtobuf.Message.Type] = [
        "township.liaison.v1.FileProblemRequest": Township_Liaison_V1_FileProblemRequest.self,
        "township.liaison.v1.ClaimProblemRequest": Township_Liaison_V1_ClaimProblemRequest.self,
        "township.liaison.v1.PublishListRequest": Township_Liaison_V1_PublishListRequest.self,
        "township.liaison.v1.MergeProblemsRequest": Township_Liaison_V1_MergeProblemsRequest.self,
        "township.liaison.v1.RecordHelpRequest": Township_Liaison_V1_RecordHelpRequest.self,
        "township.liaison.v1.ProblemResponse": Township_Liaison_V1_ProblemResponse.self,
        "township.liaison.v1.GetFiguresResponse": Township_Liaison_V1_GetFiguresResponse.self,
        "township.common.v1.ErrorDetails": Township_Common_V1_ErrorDetails.self,
    ]

    @Test func everyVectorDecodesToItsJSONAndEncodesBack() throws {
        let data = try Data(contentsOf: Self.file)
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let vectors = try #require(root["vectors"] as? [[String: Any]])
        #expect(vectors.count == 8)
        for vector in vectors {
            let name = vector["name"] as! String
            let type = try #require(Self.types[vector["message"] as! String], "\(name)")
            let bytes = try #require(Self.bytes(hex: vector["hex"] as! String))
            let decoded = try type.init(serializedBytes: bytes)
            let json = String(decoding: try JSONSerialization.data(withJSONObject: vector["json"]!), as: UTF8.self)
            let fromJSON = try type.init(jsonString: json)
            #expect(decoded.isEqualTo(message: fromJSON), "\(name)")
            #expect(try decoded.serializedBytes() as [UInt8] == bytes, "\(name)")
        }
    }

    static func bytes(hex: String) -> [UInt8]? {
        var out: [UInt8] = []
        var chars = hex.makeIterator()
        while let high = chars.next() {
            guard let low = chars.next(), let byte = UInt8(String([high, low]), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }
}
