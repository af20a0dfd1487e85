import Crypto
import Foundation
import Testing
@testable import IntakeCore

@Suite struct AttachmentTests {
    func service(_ h: Harness, maxFileSize: Int64 = 64 * 1024 * 1024, maxChunk: Int = 64 * 1024) throws -> AttachmentService {
        try AttachmentService(store: h.store, directory: h.dir.url.appendingPathComponent("attachments"),
                              limits: AttachmentLimits(maxFileSize: maxFileSize, maxChunkSize: maxChunk), clock: h.clock)
    }

    func payload(_ size: Int) -> Data {
        var rng = SeededRandom(seed: UInt64(size))
        return Data((0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    func sha(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    func files(_ h: Harness, _ sub: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: h.dir.url.appendingPathComponent("attachments/\(sub)").path)
    }

    @Test(arguments: StoreKind.allCases) func uploadInChunksThenDownloadInChunks(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let s = try service(h)
        let id = try await h.ticket(in: .accepted)
        let video = payload(200_000)
        let session = try await s.beginUpload(ticketID: id, declaredSize: Int64(video.count), mediaType: "video/mp4",
                                              fileName: "一体机录像.mp4", by: Fixture.workerA)
        var offset = 0
        while offset < video.count {
            let end = min(offset + 65_536, video.count)
            try await s.appendChunk(video.subdata(in: offset..<end), to: session, by: Fixture.workerA)
            offset = end
        }
        let info = try await s.finishUpload(session, expectedSHA256: sha(video), by: Fixture.workerA)
        #expect(info.size == 200_000 && info.sha256 == sha(video) && info.mediaType == "video/mp4")
        #expect(try files(h, "partial").isEmpty)
        #expect(try files(h, "files") == [info.id])

        var downloaded = Data()
        var position: Int64 = 0
        while true {
            let chunk = try await s.readChunk(attachmentID: info.id, offset: position, maxLength: 50_000, for: Fixture.leader)
            downloaded.append(chunk.data)
            position += Int64(chunk.data.count)
            if chunk.isLast { break }
        }
        #expect(downloaded == video)
        let detail = try await h.store.ticket(id, for: Fixture.workerA)
        #expect(detail.view.attachments.map(\.id) == [info.id])
        #expect(detail.timeline.last?.action == .attach && detail.timeline.last?.details["sha256"] == sha(video))
        // Someone who cannot see the ticket cannot read its attachments.
        #expect(await intakeError { _ = try await s.readChunk(attachmentID: info.id, offset: 0, maxLength: 10, for: Fixture.workerB) }
            .map { if case .permissionDenied = $0 { true } else { false } } == true)
    }

    @Test(arguments: StoreKind.allCases) func sizeLimitIsEnforced(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let s = try service(h, maxFileSize: 1000, maxChunk: 512)
        let id = try await h.ticket(in: .accepted)
        #expect(await intakeError { _ = try await s.beginUpload(ticketID: id, declaredSize: 1001, mediaType: "image/jpeg", fileName: "a.jpg", by: Fixture.workerA) }
                == .attachment(.tooLarge(declared: 1001, limit: 1000)))
        let session = try await s.beginUpload(ticketID: id, declaredSize: 600, mediaType: "image/jpeg", fileName: "a.jpg", by: Fixture.workerA)
        #expect(await intakeError { try await s.appendChunk(payload(513), to: session, by: Fixture.workerA) } == .attachment(.chunkTooLarge(size: 513, limit: 512)))
        try await s.appendChunk(payload(500), to: session, by: Fixture.workerA)
        // More than declared: the upload is discarded entirely.
        #expect(await intakeError { try await s.appendChunk(payload(101), to: session, by: Fixture.workerA) }
                == .attachment(.exceedsDeclaredSize(declared: 600, received: 601)))
        #expect(try files(h, "partial").isEmpty)
        #expect(await intakeError { try await s.appendChunk(payload(1), to: session, by: Fixture.workerA) } == .attachment(.unknownSession(session)))
        #expect(await intakeError { _ = try await s.beginUpload(ticketID: id, declaredSize: 10, mediaType: "application/x-sh", fileName: "a.sh", by: Fixture.workerA) }
                == .attachment(.unsupportedMediaType("application/x-sh")))
        #expect(await intakeError { _ = try await s.beginUpload(ticketID: id, declaredSize: 10, mediaType: "image/png", fileName: "../etc/passwd", by: Fixture.workerA) }
                == .attachment(.invalidFileName("must not contain path separators")))
    }

    @Test(arguments: StoreKind.allCases) func hashOrSizeMismatchLeavesNothing(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let s = try service(h)
        let id = try await h.ticket(in: .accepted)
        let audio = payload(3000)
        let bad = try await s.beginUpload(ticketID: id, declaredSize: 3000, mediaType: "audio/amr", fileName: "录音.amr", by: Fixture.workerA)
        try await s.appendChunk(audio, to: bad, by: Fixture.workerA)
        let wrong = String(repeating: "0", count: 64)
        #expect(await intakeError { _ = try await s.finishUpload(bad, expectedSHA256: wrong, by: Fixture.workerA) }
                == .attachment(.hashMismatch(expected: wrong, actual: sha(audio))))
        let short = try await s.beginUpload(ticketID: id, declaredSize: 3000, mediaType: "audio/amr", fileName: "录音.amr", by: Fixture.workerA)
        try await s.appendChunk(audio.prefix(2000), to: short, by: Fixture.workerA)
        #expect(await intakeError { _ = try await s.finishUpload(short, expectedSHA256: sha(audio), by: Fixture.workerA) }
                == .attachment(.sizeMismatch(declared: 3000, received: 2000)))
        #expect(try files(h, "partial").isEmpty && files(h, "files").isEmpty)
        #expect(try await h.store.ticket(id, for: Fixture.admin).view.attachments.isEmpty)
        #expect(!(try await h.store.timeline(id, for: Fixture.admin)).contains { $0.action == .attach })
    }

    @Test(arguments: StoreKind.allCases) func abortAndInterruptionLeaveNothing(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let s = try service(h)
        let id = try await h.ticket(in: .accepted)
        let aborted = try await s.beginUpload(ticketID: id, declaredSize: 100, mediaType: "image/png", fileName: "p.png", by: Fixture.workerA)
        try await s.appendChunk(payload(50), to: aborted, by: Fixture.workerA)
        await s.abortUpload(aborted, by: Fixture.workerA)
        #expect(try files(h, "partial").isEmpty)

        // A client that disappears mid-upload: its session expires and the partial file goes.
        let idle = try await s.beginUpload(ticketID: id, declaredSize: 100, mediaType: "image/png", fileName: "p.png", by: Fixture.workerA)
        try await s.appendChunk(payload(50), to: idle, by: Fixture.workerA)
        h.clock.advance(by: 16 * 60)
        await s.expireIdleSessions()
        #expect(try files(h, "partial").isEmpty)
        #expect(await s.openSessionCount == 0)

        // A crash mid-upload: the process dies with a partial file, and a crash between the
        // rename and the database commit leaves an unrecorded complete file. Startup removes both.
        let crashed = try await s.beginUpload(ticketID: id, declaredSize: 100, mediaType: "image/png", fileName: "p.png", by: Fixture.workerA)
        try await s.appendChunk(payload(50), to: crashed, by: Fixture.workerA)
        try Data("orphan".utf8).write(to: h.dir.url.appendingPathComponent("attachments/files/not-recorded"))
        let afterRestart = try service(h)
        let cleaned = try await afterRestart.cleanUpOnStartup()
        #expect(cleaned.stalePartialFiles == 1 && cleaned.orphanedFiles == 1)
        #expect(try files(h, "partial").isEmpty && files(h, "files").isEmpty)
        #expect(try await h.store.ticket(id, for: Fixture.admin).view.attachments.isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func sessionsBelongToTheirUploaderAndClosedTicketsRefuse(_ kind: StoreKind) async throws {
        let h = try await Harness(kind)
        let s = try service(h)
        let id = try await h.ticket(in: .accepted)
        let session = try await s.beginUpload(ticketID: id, declaredSize: 10, mediaType: "image/png", fileName: "p.png", by: Fixture.workerA)
        #expect(await intakeError { try await s.appendChunk(payload(5), to: session, by: Fixture.leader) }
                == .permissionDenied("upload session \(session) belongs to another user"))
        let closed = try await h.ticket(in: .closed)
        #expect(await intakeError { _ = try await s.beginUpload(ticketID: closed, declaredSize: 10, mediaType: "image/png", fileName: "p.png", by: Fixture.workerA) }?
            .description.contains("attachments are closed") == true)
        #expect(await intakeError { _ = try await s.beginUpload(ticketID: id, declaredSize: 10, mediaType: "image/png", fileName: "p.png", by: Fixture.workerB) }
            .map { if case .permissionDenied = $0 { true } else { false } } == true)
    }
}
