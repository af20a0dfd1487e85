#!/usr/bin/env python3
"""Writes canteen-messages.json: golden vectors of canteen-meals calls.

Each vector is one call's request and answer, as proto3 JSON (what `township call` and the
gateway speak) and as the exact protobuf bytes on the wire (the REQUEST/RESPONSE message
part of TWP/1). The bytes come from the reference protobuf runtime for Python, driven only by
the descriptor set (proto-spec/township.protoset): independent of the Swift code generator,
which Tests/CanteenServiceTests/CanteenVectorTests.swift checks against them, as
proto-spec/peer/test_canteen_messages.py checks the Python peer.

Run: python3 proto-spec/vectors/generate_canteen_vectors.py   (after proto-spec/generate.sh)
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "peer"))

from google.protobuf import json_format  # noqa: E402
from twp.messages import MessageRegistry  # noqa: E402

OUT = HERE / "canteen-messages.json"
SERVICE = "township.canteen.v1.CanteenMeals"

CALLS = [
    ("register-elder", "RegisterElder",
     {"clientRequestId": "req-1", "idNumber": "340803194912310028", "name": "王秀英",
      "communityId": {"value": "C01"}, "home": {"latitude": 30.545, "longitude": 117.005},
      "address": "菱北街道1号", "flags": ["SUBSIDY_FLAG_LIVING_ALONE"]},
     {"elder": {"elderId": {"value": "E000001"}, "maskedIdNumber": "3408**********0028", "name": "王秀英",
                "birthDate": {"year": 1949, "month": 12, "day": 31}, "tier": "AGE_TIER_70_TO_79",
                "flags": ["SUBSIDY_FLAG_LIVING_ALONE"], "communityId": {"value": "C01"},
                "home": {"latitude": 30.545, "longitude": 117.005}, "address": "菱北街道1号"}}),
    ("reserve-meal", "ReserveMeal",
     {"clientRequestId": "req-2", "elderId": {"value": "E000001"}, "canteenId": {"value": "K01"},
      "day": {"year": 2026, "month": 12, "day": 2}, "sitting": "lunch", "mode": "MEAL_MODE_DELIVERY"},
     {"reservation": {"reservationId": {"value": "R000001"}, "elderId": {"value": "E000001"},
                      "canteenId": {"value": "K01"}, "day": {"year": 2026, "month": 12, "day": 2},
                      "sitting": "lunch", "mode": "MEAL_MODE_DELIVERY", "status": "RESERVATION_STATUS_ACTIVE",
                      "reservedBy": {"value": "family-1"}}}),
    ("check-in-by-card", "CheckIn",
     {"clientRequestId": "req-3", "canteenId": {"value": "K01"}, "cardNumber": "C000000000001"},
     {"meal": {"mealId": {"value": "M000001"}, "elderId": {"value": "E000001"},
               "maskedIdNumber": "3408**********0028", "canteenId": {"value": "K01"},
               "day": {"year": 2026, "month": 12, "day": 2}, "servedAt": "2026-12-02T03:30:00Z",
               "tier": "AGE_TIER_70_TO_79", "menuPrice": {"amountFen": "1500", "currencyCode": "CNY"},
               "subsidy": {"amountFen": "600", "currencyCode": "CNY"},
               "payable": {"amountFen": "900", "currencyCode": "CNY"}}}),
    ("check-in-full-price-by-qr", "CheckIn",
     {"clientRequestId": "req-4", "canteenId": {"value": "K02"}, "qrToken": "q9Zb3x",
      "acceptFullPrice": True},
     {"meal": {"mealId": {"value": "M000002"}, "elderId": {"value": "E000001"},
               "maskedIdNumber": "3408**********0028", "canteenId": {"value": "K02"},
               "day": {"year": 2026, "month": 12, "day": 2}, "servedAt": "2026-12-02T03:31:00Z",
               "tier": "AGE_TIER_70_TO_79", "menuPrice": {"amountFen": "1500", "currencyCode": "CNY"},
               "subsidy": {"currencyCode": "CNY"}, "payable": {"amountFen": "1500", "currencyCode": "CNY"},
               "fullPrice": True}}),
    ("issue-settlement", "IssueSettlement",
     {"operatorId": {"value": "OP1"}, "month": "2026-11"},
     {"settlement": {"settlementId": {"value": "S-OP1-2026-11"}, "operatorId": {"value": "OP1"},
                     "month": "2026-11",
                     "lines": [{"mealId": {"value": "M000001"}, "canteenId": {"value": "K01"},
                                "day": {"year": 2026, "month": 11, "day": 2},
                                "maskedIdNumber": "3408**********0028",
                                "subsidy": {"amountFen": "600", "currencyCode": "CNY"}}],
                     "totalSubsidy": {"amountFen": "600", "currencyCode": "CNY"},
                     "digest": "0f" * 32,
                     "refused": [{"reason": "REFUSAL_REASON_SECOND_SUBSIDISED_MEAL", "canteenId": {"value": "K02"},
                                  "day": {"year": 2026, "month": 11, "day": 2},
                                  "maskedIdNumber": "3408**********0028"}],
                     "issuedAt": "2026-12-01T01:00:00Z", "digestVerified": True}}),
    ("propose-sites", "ProposeSites",
     {"k": 2, "reach": {"minutes": 15, "speedKmPerHour": 4, "detourFactor": 1.3}},
     {"total": "12568", "coveredBefore": "7000", "coveredAfter": "7900",
      "proposed": [{"site": {"name": "社区01驿站1", "location": {"latitude": 30.55, "longitude": 117.01}},
                    "adds": "500", "coversAlone": "480"},
                   {"site": {"name": "社区02驿站2", "location": {"latitude": 30.54, "longitude": 117.0}},
                    "adds": "400", "coversAlone": "400"}],
      "greedyCovered": "7900"}),
]


def main():
    registry = MessageRegistry.load()
    vectors = []
    for name, method, request, response in CALLS:
        info = registry.method(f"{SERVICE}/{method}")
        req = json_format.ParseDict(request, info.input_type())
        resp = json_format.ParseDict(response, info.output_type())
        vectors.append({
            "name": name, "method": info.wire_name,
            "request_json": request, "request_hex": req.SerializeToString(deterministic=True).hex(),
            "response_json": response, "response_hex": resp.SerializeToString(deterministic=True).hex(),
        })
    OUT.write_text(json.dumps({"service": SERVICE, "vectors": vectors}, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {len(vectors)} vectors to {OUT}")


if __name__ == "__main__":
    main()
