import Foundation
import SwiftProtobuf

/// The committed descriptor set (proto-spec/township.protoset), the schemas' single source
/// of truth at run time: tests compare the generated Swift against it.
enum DescriptorSet {
    static let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TownshipProtosTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("proto-spec")

    static func load() throws -> Google_Protobuf_FileDescriptorSet {
        let data = try Data(contentsOf: url.appendingPathComponent("township.protoset"))
        return try Google_Protobuf_FileDescriptorSet(serializedBytes: [UInt8](data))
    }

    /// The message with this full name ("township.intake.v1.Ticket"), if the set has it.
    static func message(
        _ fullName: String, in set: Google_Protobuf_FileDescriptorSet
    ) -> Google_Protobuf_DescriptorProto? {
        for file in set.file {
            let prefix = file.package.isEmpty ? "" : file.package + "."
            if let found = find(fullName, prefix: prefix, in: file.messageType) { return found }
        }
        return nil
    }

    private static func find(
        _ fullName: String, prefix: String, in messages: [Google_Protobuf_DescriptorProto]
    ) -> Google_Protobuf_DescriptorProto? {
        for message in messages {
            let name = prefix + message.name
            if name == fullName { return message }
            if let nested = find(fullName, prefix: name + ".", in: message.nestedType) {
                return nested
            }
        }
        return nil
    }
}
