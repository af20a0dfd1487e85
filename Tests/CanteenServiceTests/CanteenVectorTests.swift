import Foundation
import SwiftProtobuf
import Testing
import TownshipProtos

/// proto-spec/vectors/canteen-messages.json, written from the descriptor set by Python's
/// protobuf runtime: the Swift generated types must decode every vector, re-encode it byte for
/// byte, and read the same JSON.
@Suite("canteen-meals: golden message vectors")
struct CanteenVectorTests {
    struct Vector: Decodable {
        let name: String
        let method: String
        let request_hex: String
        let response_hex: String
    }
    struct File: Decodable {
        let service: String
        let vectors: [Vector]
    }

    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("proto-spec/vectors/canteen-messages.json")

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            out.append(UInt8(hex[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    func roundTrip<M: SwiftProtobuf.Message>(_ type: M.Type, _ hex: String, _ name: String) throws {
        let input = Self.bytes(hex)
        let message = try M(serializedBytes: input)
        let output: [UInt8] = try message.serializedBytes()
        #expect(output == input, "\(name): \(M.protoMessageName) re-encodes differently")
        // Through JSON and back: the same message.
        #expect(try M(jsonString: try message.jsonString()).isEqualTo(message: message), "\(name): JSON round trip")
    }

    @Test("every vector decodes and re-encodes byte for byte")
    func vectors() throws {
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: Self.path))
        #expect(file.service == Township_Canteen_V1_CanteenMeals.serviceName)
        #expect(file.vectors.count >= 6)
        for v in file.vectors {
            // The types come from the generated method table, as a server's router finds them.
            guard let info = Township_Canteen_V1_CanteenMeals.allMethods.first(where: { $0.path == v.method }) else {
                Issue.record("\(v.name): no method \(v.method) in the generated table")
                continue
            }
            try roundTrip(info.requestType, v.request_hex, v.name)
            try roundTrip(info.responseType, v.response_hex, v.name)
        }
    }

    @Test("a check-in request's bytes: the card number in field 3 of the credential oneof")
    func checkInBytes() throws {
        var r = Township_Canteen_V1_CheckInRequest()
        r.cardNumber = "C1"
        #expect(try r.serializedBytes() as [UInt8] == [0x1A, 0x02, 0x43, 0x31])
    }
}
