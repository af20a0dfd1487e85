import Foundation
import SwiftProtobuf
import TownshipProtos

/// Messages with every field set to a non-default value, so that a round trip that loses any
/// field shows up as an inequality (and a JSON encoding that omits a field as a missing key).
enum Sample {
    static func timestamp(_ seconds: Int64, nanos: Int32 = 0) -> Google_Protobuf_Timestamp {
        Google_Protobuf_Timestamp(seconds: seconds, nanos: nanos)
    }

    static func principal(
        _ id: String, role: Township_Common_V1_Role
    ) -> Township_Common_V1_Principal {
        var principal = Township_Common_V1_Principal()
        principal.userID = .with { $0.value = id }
        principal.displayName = "王网格员"
        principal.role = role
        principal.gridID = .with { $0.value = "grid-07-3" }
        principal.departmentID = .with { $0.value = "dept-social" }
        principal.villageID = .with { $0.value = "village-07" }
        return principal
    }

    static var deadlineRule: Township_Intake_V1_DeadlineRule {
        .with {
            $0.unit = .workingDays
            $0.workingDays = 3
            $0.remindBefore = Google_Protobuf_Duration(seconds: 4 * 3600)
            $0.escalateAfter = Google_Protobuf_Duration(seconds: 3600, nanos: 500_000_000)
        }
    }

    static var ticket: Township_Intake_V1_Ticket {
        var ticket = Township_Intake_V1_Ticket()
        ticket.id = .with { $0.value = "t-01J9Z8" }
        ticket.number = "2026-000123"
        ticket.reporter = .with {
            $0.name = "李*"
            $0.phone = "138****5678"
            $0.masked = true
            $0.email = "li@mail.example"
            $0.deviceID = "device-1"
            $0.accountID = "account-1"
        }
        ticket.submission = .with {
            $0.channel = .gridPhoto
            $0.place = .with {
                $0.villageID = .with { $0.value = "village-07" }
                $0.gridID = .with { $0.value = "grid-07-3" }
                $0.location = .with {
                    $0.latitude = 30.274_085
                    $0.longitude = 120.155_070
                    $0.accuracyMeters = 12.5
                }
                $0.address = "三组水井旁"
            }
            $0.categoryID = .with { $0.value = "cat-power-temporary" }
            $0.problemDescription = "临时用电一直没有解决 (temporary power never fixed)"
            $0.priority = .urgent
            $0.attachmentIds = [.with { $0.value = "att-1" }, .with { $0.value = "att-2" }]
            $0.reportedAt = timestamp(1_780_000_000)
            $0.mediaURL = "https://photos.example/att-1.jpg"
            $0.addressID = "village-07-0042"
            $0.zipcode = "311100"
        }
        ticket.attachments = [
            .with {
                $0.id = .with { $0.value = "att-1" }
                $0.fileName = "现场.jpg"
                $0.mediaType = "image/jpeg"
                $0.sizeBytes = 1_048_576
                $0.sha256 = Data((0..<32).map { UInt8($0) })
                $0.uploadedAt = timestamp(1_780_000_010, nanos: 123_000_000)
                $0.uploadedBy = .with { $0.value = "u-grid-1" }
            }
        ]
        ticket.status = .inProgress
        ticket.outcome = .cannotBeFixed
        ticket.result = "已联系供电所，需等待线路改造"
        ticket.owner = principal("u-grid-1", role: .gridWorker)
        ticket.handlerLevel = .department
        ticket.departmentID = .with { $0.value = "dept-construction" }
        ticket.villageHandlerID = .with { $0.value = "u-cadre-9" }
        ticket.deadline = .with {
            $0.clockStartedAt = timestamp(1_780_001_000)
            $0.rule = deadlineRule
            $0.dueAt = timestamp(1_780_300_000)
            $0.remindAt = timestamp(1_780_285_600)
            $0.reminded = true
            $0.overdue = true
            $0.escalated = true
        }
        ticket.duplicateOf = .with { $0.value = "t-00000A" }
        ticket.followUp = .with {
            $0.result = .dissatisfied
            $0.comment = "还是没有电"
        }
        ticket.reopenCount = 1
        ticket.returnCount = 2
        ticket.reportedAt = timestamp(1_780_000_000)
        ticket.createdAt = timestamp(1_780_000_020)
        ticket.updatedAt = timestamp(1_780_400_000)
        ticket.finishedAt = timestamp(1_780_500_000)
        ticket.version = 9
        ticket.submittedBy = principal("u-kiosk-operator", role: .resident)
        return ticket
    }

    static var ledgerEvent: Township_Intake_V1_LedgerEvent {
        var event = Township_Intake_V1_LedgerEvent()
        event.position = 4_711
        event.ticketID = .with { $0.value = "t-01J9Z8" }
        event.sequence = 4
        event.actor = principal("u-dept-3", role: .departmentStaff)
        event.occurredAt = timestamp(1_780_001_000)
        event.fromStatus = .dispatched
        event.toStatus = .returned
        event.action = .returnToTriage
        event.note = "不属于本科室"
        event.previousHash = Data(repeating: 0xAB, count: 32)
        event.hash = Data(repeating: 0xCD, count: 32)
        event.startedClock = .with {
            $0.rule = deadlineRule
            $0.dueAt = timestamp(1_780_300_000)
        }
        event.returnToTriage = .with {
            $0.reason = .overlappingDuties
            $0.explanation = "与城建办职能交叉"
        }
        return event
    }
}
