#!/usr/bin/env python3
"""Writes liaison.json: golden proto3 encodings of enterprise-liaison messages.

The bytes are assembled by hand from the field numbers in township/liaison/v1/liaison.proto
(deliberately not through swift-protobuf or the Python protobuf runtime), and each vector
carries the proto3 JSON form a decoder must produce. Checked by
proto-spec/peer/test_liaison_vectors.py (Python protobuf, from township.protoset) and by
Tests/LiaisonServiceTests/LiaisonVectorTests.swift (the generated Swift).

Usage: python3 proto-spec/vectors/generate_liaison_vectors.py
"""

import json
from pathlib import Path


def varint(n: int) -> bytes:
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tag(field: int, wire: int) -> bytes:
    return varint(field << 3 | wire)


def vint(field: int, n: int) -> bytes:
    return tag(field, 0) + varint(n)


def ld(field: int, payload: bytes) -> bytes:
    return tag(field, 2) + varint(len(payload)) + payload


def s(field: int, text: str) -> bytes:
    return ld(field, text.encode("utf-8"))


def id_(field: int, value: str) -> bytes:  # township.common.v1.*Id { string value = 1; }
    return ld(field, s(1, value))


def ts(field: int, seconds: int) -> bytes:  # google.protobuf.Timestamp
    return ld(field, vint(1, seconds))


CLAIMED_AT = 1773626400    # 2026-03-16T02:00:00Z
DUE_AT = CLAIMED_AT + 7 * 86400
FILED_AT = 1772503200      # 2026-03-03T02:00:00Z

VECTORS = [
    {
        "name": "file-a-difficult-problem",
        "message": "township.liaison.v1.FileProblemRequest",
        "bytes": s(1, "r-0001") + s(2, "org-001") + vint(3, 3) + s(4, "用电容量不足") + s(5, "扩产受限，需协调增容"),
        "json": {"clientRequestId": "r-0001", "organisationId": "org-001", "type": "PROBLEM_TYPE_DIFFICULT",
                 "title": "用电容量不足", "description": "扩产受限，需协调增容"},
    },
    {
        "name": "claim-an-item",
        "message": "township.liaison.v1.ClaimProblemRequest",
        "bytes": vint(1, 42),
        "json": {"itemId": "42"},
    },
    {
        "name": "publish-the-first-half-of-march",
        "message": "township.liaison.v1.PublishListRequest",
        "bytes": s(1, "2026-03-1"),
        "json": {"period": "2026-03-1"},
    },
    {
        "name": "merge-two-items",
        "message": "township.liaison.v1.MergeProblemsRequest",
        "bytes": s(1, "m-1") + ld(2, varint(7) + varint(9)) + s(3, "招工难") + s(4, "两家企业反映"),
        "json": {"clientRequestId": "m-1", "itemIds": ["7", "9"], "title": "招工难", "description": "两家企业反映"},
    },
    {
        "name": "record-tax-benefits-in-fen",
        "message": "township.liaison.v1.RecordHelpRequest",
        "bytes": s(1, "h-1") + ld(2, s(3, "org-001") + s(4, "2026-03-10") + vint(5, 2)
                                   + ld(7, vint(1, 150_000_000) + s(2, "CNY"))),
        "json": {"clientRequestId": "h-1", "help": {"organisationId": "org-001", "date": "2026-03-10",
                                                    "kind": "HELP_KIND_TAX_BENEFIT",
                                                    "taxBenefit": {"amountFen": "150000000", "currencyCode": "CNY"}}},
    },
    {
        "name": "a-claimed-common-item",
        "message": "township.liaison.v1.ProblemResponse",
        "bytes": ld(1, vint(1, 42) + s(2, "2026-03-1") + vint(3, 2) + s(4, "招工难") + s(5, "两家企业反映")
                    + vint(6, 4)
                    + ld(7, s(1, "org-001") + id_(2, "u-liaison") + ts(3, FILED_AT) + vint(4, 7))
                    + ld(7, s(1, "org-002") + id_(2, "u-liaison") + ts(3, FILED_AT) + vint(4, 9))
                    + ld(9, varint(7) + varint(9))
                    + id_(11, "dept-hrss") + ts(13, CLAIMED_AT) + ts(14, DUE_AT)
                    + ld(24, ts(1, CLAIMED_AT) + vint(2, 5) + s(3, "department:dept-hrss/u-dept"))),
        "json": {"item": {
            "itemId": "42", "period": "2026-03-1", "type": "PROBLEM_TYPE_COMMON", "title": "招工难",
            "description": "两家企业反映", "state": "PROBLEM_STATE_CLAIMED",
            "sources": [
                {"organisationId": "org-001", "liaisonId": {"value": "u-liaison"}, "filedAt": "2026-03-03T02:00:00Z", "originalItemId": "7"},
                {"organisationId": "org-002", "liaisonId": {"value": "u-liaison"}, "filedAt": "2026-03-03T02:00:00Z", "originalItemId": "9"}],
            "mergedFrom": ["7", "9"], "departmentId": {"value": "dept-hrss"},
            "claimedAt": "2026-03-16T02:00:00Z", "solutionDueAt": "2026-03-23T02:00:00Z",
            "timeline": [{"at": "2026-03-16T02:00:00Z", "kind": "TIMELINE_KIND_CLAIMED", "actor": "department:dept-hrss/u-dept"}]}},
    },
    {
        "name": "figures-with-the-seed-tax-benefits",
        "message": "township.liaison.v1.GetFiguresResponse",
        "bytes": s(1, "2026-03-1")
                 + ld(2, vint(1, 48) + vint(2, 2) + vint(3, 5) + vint(4, 196) + vint(5, 31) + vint(6, 282)
                      + vint(7, 563) + ld(8, vint(1, 6_178_000_000) + s(2, "CNY")) + vint(9, 5) + vint(10, 8)
                      + vint(11, 28) + vint(12, 154))
                 + ld(3, vint(1, 10) + vint(2, 8) + vint(3, 2) + vint(5, 9) + vint(6, 7) + vint(8, 4)
                      + vint(9, 800) + vint(10, 700) + vint(11, 400))
                 + ld(4, id_(1, "dept-hrss") + ld(2, vint(1, 3) + vint(2, 3) + vint(9, 1000))),
        "json": {"period": "2026-03-1",
                 "help": {"zoneDepartmentLiaisons": 48, "provincialLiaisons": 2, "municipalLiaisons": 5,
                          "enterprises": 196, "socialOrganisations": 31, "visits": 282, "hires": "563",
                          "taxBenefits": {"amountFen": "6178000000", "currencyCode": "CNY"},
                          "partyOrganisations": 5, "massOrganisations": 8, "suggestions": 28, "safetyAgreements": 154},
                 "total": {"published": 10, "claimed": 8, "assigned": 2, "answered": 9, "answeredOnTime": 7,
                           "cleared": 4, "claimRatePermille": 800, "answeredOnTimePermille": 700, "clearedPermille": 400},
                 "byDepartment": [{"departmentId": {"value": "dept-hrss"},
                                   "counts": {"published": 3, "claimed": 3, "claimRatePermille": 1000}}]},
    },
    {
        "name": "already-claimed-error-details",
        "message": "township.common.v1.ErrorDetails",
        "bytes": s(1, "ALREADY_CLAIMED"),
        "json": {"reason": "ALREADY_CLAIMED"},
    },
]


def main() -> None:
    out = {
        "about": "proto3 encodings of township.liaison.v1 messages; see generate_liaison_vectors.py",
        "vectors": [{"name": v["name"], "message": v["message"], "hex": v["bytes"].hex(), "json": v["json"]} for v in VECTORS],
    }
    path = Path(__file__).with_name("liaison.json")
    path.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(VECTORS)} vectors to {path}")


if __name__ == "__main__":
    main()
