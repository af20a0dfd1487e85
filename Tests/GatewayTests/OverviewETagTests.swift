@testable import GatewayCore
import Testing

/// What the overview's ETag is a digest of: its content without the members stamped with the
/// time of asking.
@Suite struct OverviewETagTests {
    typealias Answer = OverviewService.Answer

    static func cut(_ text: String) -> String {
        String(decoding: Answer.withoutVolatileValues(Array(text.utf8)), as: UTF8.self)
    }

    @Test func volatileValuesAreCutAndEverythingElseKept() {
        #expect(Self.cut(#"{"a":"x","computedAt":"2026-12-02T05:00:00Z","b":[1,"computedAt"]}"#) == #"{"a":"x",,"b":[1,"computedAt"]}"#)
        #expect(Self.cut(#"[{"computedAt":"1"},{"computedAt":"2"}]"#) == #"[{},{}]"#)
        #expect(Self.cut(#"{"n":1}"#) == #"{"n":1}"#)
        #expect(Self.cut(#"{"computedAt":"never closed"#) == #"{"#)
        #expect(Self.cut("") == "")
    }

    @Test func anOverviewThatDiffersOnlyInWhenItWasComputedKeepsItsETag() {
        let earlier = #"{"statistics":{"total":3,"computedAt":"2026-12-02T05:00:00Z"}}"#
        let later = #"{"statistics":{"total":3,"computedAt":"2026-12-02T05:00:02Z"}}"#
        let changed = #"{"statistics":{"total":4,"computedAt":"2026-12-02T05:00:02Z"}}"#
        #expect(Answer.etag(of: earlier) == Answer.etag(of: later))
        #expect(Answer.etag(of: later) != Answer.etag(of: changed))
    }
}
