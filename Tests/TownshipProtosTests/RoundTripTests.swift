import Foundation
import SwiftProtobuf
import Testing
import TownshipProtos

@Suite("Round trips through binary and proto3 JSON")
struct RoundTripTests {
    @Test("a ticket survives the binary encoding unchanged")
    func ticketBinary() throws {
        let ticket = Sample.ticket
        let bytes: [UInt8] = try ticket.serializedBytes()
        let decoded = try Township_Intake_V1_Ticket(serializedBytes: bytes)
        #expect(decoded == ticket)
        #expect(decoded.deadline.rule.workingDays == 3)
    }

    @Test("a ticket survives the proto3 JSON mapping unchanged")
    func ticketJSON() throws {
        let ticket = Sample.ticket
        let json = try ticket.jsonString()
        let decoded = try Township_Intake_V1_Ticket(jsonString: json)
        #expect(decoded == ticket)
    }

    @Test("the JSON mapping uses the names peers rely on")
    func ticketJSONNames() throws {
        let object = try jsonObject(Sample.ticket.jsonString())
        #expect(object["number"] as? String == "2026-000123")
        #expect(object["status"] as? String == "TICKET_STATUS_IN_PROGRESS")
        #expect(object["outcome"] as? String == "OUTCOME_CANNOT_BE_FIXED")
        #expect(object["version"] as? String == "9", "int64 is a JSON string in proto3")
        #expect(object["createdAt"] as? String == "2026-05-28T20:27:00Z")
        let submission = try #require(object["submission"] as? [String: Any])
        #expect(submission["channel"] as? String == "CHANNEL_GRID_PHOTO")
        let owner = try #require(object["owner"] as? [String: Any])
        #expect(owner["role"] as? String == "ROLE_GRID_WORKER")
        let id = try #require(object["id"] as? [String: Any])
        #expect(id["value"] as? String == "t-01J9Z8")
        let deadline = try #require(object["deadline"] as? [String: Any])
        let rule = try #require(deadline["rule"] as? [String: Any])
        #expect(rule["escalateAfter"] as? String == "3600.500s")
    }

    @Test("the sample ticket sets every field of every message it contains")
    func sampleCoversSchema() throws {
        let set = try DescriptorSet.load()
        let object = try jsonObject(Sample.ticket.jsonString())
        let missing = missingFields(
            in: object, of: "township.intake.v1.Ticket", set: set, path: "ticket")
        #expect(missing.isEmpty, "fields left at their default: \(missing)")
    }

    @Test("a ledger event with its oneof details survives both encodings")
    func ledgerEvent() throws {
        let event = Sample.ledgerEvent
        let bytes: [UInt8] = try event.serializedBytes()
        #expect(try Township_Intake_V1_LedgerEvent(serializedBytes: bytes) == event)
        let json = try event.jsonString()
        let fromJSON = try Township_Intake_V1_LedgerEvent(jsonString: json)
        #expect(fromJSON == event)
        guard case .returnToTriage(let details) = fromJSON.details else {
            Issue.record("details lost: \(String(describing: fromJSON.details))")
            return
        }
        #expect(details.reason == .overlappingDuties)
        #expect(try jsonObject(json)["action"] as? String == "ACTION_RETURN_TO_TRIAGE")
    }

    @Test("error details carry reason, violations, retry-after and both languages")
    func errorDetails() throws {
        var details = Township_Common_V1_ErrorDetails()
        details.reason = "INVALID_TRANSITION"
        details.fieldViolations = [
            .with {
                $0.field = "submission.description"
                $0.description_p = "must be at most 4000 characters"
            }
        ]
        details.retryAfter = Google_Protobuf_Duration(seconds: 2)
        details.message = .with {
            $0.zh = "工单已办结，不能再派单"
            $0.en = "The ticket is closed and cannot be dispatched"
        }
        details.metadata = ["ticket_id": "t-42", "status": "TICKET_STATUS_CLOSED"]
        details.debugInfo = .with {
            $0.stackEntries = ["Workflow.dispatch"]
            $0.detail = "transition CLOSED -> DISPATCHED"
        }
        let bytes: [UInt8] = try details.serializedBytes()
        #expect(try Township_Common_V1_ErrorDetails(serializedBytes: bytes) == details)
        let object = try jsonObject(details.jsonString())
        #expect(object["retryAfter"] as? String == "2s")
        #expect(try Township_Common_V1_ErrorDetails(jsonString: details.jsonString()) == details)
    }

    @Test("malformed input is rejected, not half-decoded")
    func malformedInput() throws {
        let bytes: [UInt8] = try Sample.ticket.serializedBytes()
        #expect(throws: (any Error).self) {
            try Township_Intake_V1_Ticket(serializedBytes: Array(bytes.dropLast(3)))
        }
        #expect(throws: (any Error).self) {
            try Township_Intake_V1_Ticket(jsonString: #"{"status": "TICKET_STATUS_NO_SUCH"}"#)
        }
        #expect(throws: (any Error).self) {
            try Township_Intake_V1_Ticket(jsonString: #"{"noSuchField": 1}"#)
        }
    }

    @Test("the descriptor set holds every schema file under proto-spec/township")
    func descriptorSetIsComplete() throws {
        let set = try DescriptorSet.load()
        let inSet = Set(set.file.map(\.name).filter { $0.hasPrefix("township/") })
        let root = DescriptorSet.url
        let enumerator = try #require(
            FileManager.default.enumerator(atPath: root.appendingPathComponent("township").path))
        var onDisk = Set<String>()
        while let path = enumerator.nextObject() as? String {
            if path.hasSuffix(".proto") { onDisk.insert("township/" + path) }
        }
        #expect(!onDisk.isEmpty)
        #expect(inSet == onDisk, "run proto-spec/generate.sh")
    }
}

private func jsonObject(_ json: String) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(json.utf8))
    return try #require(value as? [String: Any])
}

/// Fields of `messageName` absent from its JSON object (at any depth of our own messages), as
/// dotted paths. Well-known types are leaves; for a repeated field the first element is
/// inspected; of each oneof, one member being present is enough.
private func missingFields(
    in object: [String: Any],
    of messageName: String,
    set: Google_Protobuf_FileDescriptorSet,
    path: String
) -> [String] {
    guard let message = DescriptorSet.message(messageName, in: set) else {
        return ["\(path): unknown message \(messageName)"]
    }
    var missing: [String] = []
    var oneofsPresent = Set<Int32>()
    for field in message.field where field.hasOneofIndex && !field.proto3Optional {
        if object[field.jsonName] != nil { oneofsPresent.insert(field.oneofIndex) }
    }
    for field in message.field {
        let fieldPath = "\(path).\(field.name)"
        let isRealOneof = field.hasOneofIndex && !field.proto3Optional
        guard let value = object[field.jsonName] else {
            if !(isRealOneof && oneofsPresent.contains(field.oneofIndex)) {
                missing.append(fieldPath)
            }
            continue
        }
        guard field.type == .message, !field.typeName.hasPrefix(".google.protobuf.") else {
            continue
        }
        let element = (value as? [Any])?.first ?? value
        if let nested = element as? [String: Any] {
            missing += missingFields(
                in: nested, of: String(field.typeName.dropFirst()), set: set, path: fieldPath)
        }
    }
    return missing
}
