#!/usr/bin/env python3
"""Writes jobfair_messages.json: golden vectors for the job-fair service's calls.

Each vector is one request or response of `township.jobfair.v1.JobFair` as proto3 JSON and
its binary encoding, made with Python's protobuf runtime from proto-spec/township.protoset (an
implementation independent of swift-protobuf). The Swift tests
(Tests/JobFairServiceTests/GoldenVectorTests.swift) and the peer
(proto-spec/peer/test_jobfair_vectors.py) check both directions against it.

Usage: python3 proto-spec/vectors/generate_jobfair_vectors.py
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "peer"))

from google.protobuf import json_format  # noqa: E402
from twp.messages import MessageRegistry  # noqa: E402

SERVICE = "township.jobfair.v1.JobFair"

CALLS = [
    ("create-fair", "CreateFair", "request", {
        "clientRequestId": "fair-2026-spring",
        "fair": {"name": "2026年春季就业招聘会", "startDate": {"year": 2026, "month": 3, "day": 14},
                 "endDate": {"year": 2026, "month": 3, "day": 15}, "venue": "镇文化广场", "organiser": "镇党建联盟"}}),
    ("register-enterprise", "RegisterEnterprise", "request", {
        "clientRequestId": "e-1",
        "enterprise": {"name": "闽兴机械制造有限公司", "creditCode": "91350100000000001L",
                       "sector": "SECTOR_MANUFACTURING", "address": "东山村工业路8号",
                       "employerUserIds": [{"value": "u-employer"}]}}),
    ("create-position", "CreatePosition", "request", {
        "clientRequestId": "p-1",
        "position": {"fairId": {"value": "1"}, "enterpriseId": {"value": "1"}, "title": "电焊工", "headcount": 3,
                     "requirements": {"skills": ["电焊", "机械识图"], "minimumEducation": "EDUCATION_JUNIOR_SECONDARY",
                                      "minimumExperienceYears": 2, "certificates": ["焊工证"]},
                     "salaryMinimumPerMonth": {"amountFen": "600000", "currencyCode": "CNY"},
                     "salaryMaximumPerMonth": {"amountFen": "900000", "currencyCode": "CNY"},
                     "workLocation": {"name": "东山村", "eastMetres": 1200, "northMetres": -300}}}),
    ("put-seeker-profile", "PutSeekerProfile", "request", {
        "seeker": {"name": "陈伟", "phone": "13812345678", "education": "EDUCATION_VOCATIONAL_SECONDARY",
                   "experienceYears": 4, "skills": ["电焊"], "certificates": ["焊工证"],
                   "location": {"name": "西坑村", "eastMetres": 3000, "northMetres": 0}, "languages": ["普通话", "闽南话"]}}),
    ("seeker-response-masked", "PutSeekerProfile", "response", {
        "seeker": {"id": {"value": "17"}, "userId": {"value": "u-seeker"}, "name": "陈伟", "phone": "138****5678",
                   "education": "EDUCATION_VOCATIONAL_SECONDARY", "experienceYears": 4}}),
    ("set-applications", "SetApplications", "request", {
        "fairId": {"value": "1"}, "positionIds": [{"value": "1003"}, {"value": "1001"}, {"value": "1010"}]}),
    ("set-ranking", "SetRanking", "request", {
        "positionId": {"value": "1003"}, "seekerIds": [{"value": "17"}, {"value": "4"}]}),
    ("run-match", "RunMatch", "request", {"fairId": {"value": "1"}}),
    ("round", "RunMatch", "response", {
        "round": {"fairId": {"value": "1"}, "number": 2, "createdAt": "2026-03-15T08:00:00Z", "seekers": 3000,
                  "positions": 812, "places": 1790, "matched": 1402, "unmatched": 1598, "changedFromPrevious": 37,
                  "proposals": "5210"}}),
    ("seeker-result", "GetSeekerResult", "response", {
        "round": 2, "seekerId": {"value": "17"}, "positionId": {"value": "1001"}, "choiceNumber": 2,
        "outcomes": [
            {"choiceNumber": 1, "positionId": {"value": "1003"}, "kind": "CHOICE_OUTCOME_KIND_FILLED_BY_HIGHER_RANKED",
             "places": 3, "yourPlace": 5, "lastAdmittedPlace": 3, "rankedCount": 9},
            {"choiceNumber": 2, "positionId": {"value": "1001"}, "kind": "CHOICE_OUTCOME_KIND_MATCHED"},
            {"choiceNumber": 3, "positionId": {"value": "1010"}, "kind": "CHOICE_OUTCOME_KIND_NOT_NEEDED"}],
        "explanation": "Matched to your 2nd choice, 普工 at 闽兴机械制造有限公司. Your 1st choice, 电焊工 at 闽兴机械制造有限公司, filled its 3 places with applicants it ranks higher (you were 5th of 9; the last place went to its 3rd).",
        "outcome": "OUTCOME_STATE_OFFERED"}),
    ("record-outcome", "RecordOutcome", "request", {
        "fairId": {"value": "1"}, "seekerId": {"value": "17"}, "positionId": {"value": "1001"}, "state": "OUTCOME_STATE_HIRED"}),
    ("fair-figures", "GetFairFigures", "response", {
        "fair": {"id": {"value": "1"}, "name": "2026年春季就业招聘会"}, "latestRound": 1,
        "totals": {"positions": 812, "places": 1790, "seekers": 3000, "applications": 15800, "matched": 1402,
                   "unmatched": 1598, "offers": 700, "acceptances": 588, "refusals": 28, "hires": 560, "unfilledPositions": 240},
        "sectors": [{"sector": "SECTOR_LOGISTICS", "figures": {"positions": 180, "hires": 120}}],
        "enterprises": [{"enterpriseId": {"value": "1"}, "name": "闽兴机械制造有限公司", "sector": "SECTOR_MANUFACTURING",
                         "figures": {"positions": 11, "places": 25, "matched": 20, "hires": 14}}]}),
]


def main():
    registry = MessageRegistry.load()
    vectors = []
    for name, method, direction, body in CALLS:
        info = registry.method(f"{SERVICE}/{method}")
        cls = info.input_type if direction == "request" else info.output_type
        message = json_format.ParseDict(body, cls())
        vectors.append({
            "name": name,
            "method": f"{SERVICE}/{method}",
            "direction": direction,
            "type": cls.DESCRIPTOR.full_name,
            "json": body,
            "hex": message.SerializeToString(deterministic=True).hex(),
        })
    out = HERE / "jobfair_messages.json"
    out.write_text(json.dumps({"service": SERVICE, "vectors": vectors}, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {len(vectors)} vectors to {out}")


if __name__ == "__main__":
    main()
