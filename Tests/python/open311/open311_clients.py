# -*- coding: utf-8 -*-
"""Every function of the PyPI client `open311` 1.1 (Python 2 only), unmodified, against a live
gateway: XML, its default, for everything, and JSON where the library can read JSON at all
(service_list always fetches services.xml, and service_requests indexes
['service_requests']['request'], so those two are XML-only in the library itself).

Started by Tests/SuiteEndToEndTests/Open311ClientLibrariesTests.swift with a Python 2.7 that
has `open311==1.1` (Tests/python/open311/requirements-python2.txt); it starts nothing itself.

    python2 open311_clients.py BASE_URL JURISDICTION_ID API_KEY

Prints one JSON line of what it saw; exits 1 with "FAIL: ..." at the first failed check.
"""
from __future__ import print_function

import json
import sys

try:
    from urllib2 import HTTPError
except ImportError:  # pragma: no cover - the library itself needs Python 2
    from urllib.error import HTTPError

from open311 import Open311

REQUEST_FIELDS = set([
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
])


def check(condition, message):
    if not condition:
        print("FAIL: " + message)
        sys.exit(1)


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def main():
    base, jurisdiction, api_key = sys.argv[1], sys.argv[2], sys.argv[3]
    seen = {}

    # The library's defaults: XML, and an empty jurisdiction_id on every call.
    bare = Open311(endpoint=base)
    check(len(as_list(bare.service_list())) >= 10, "service_list without a jurisdiction")

    client = Open311(endpoint=base, format="xml", jurisdiction=jurisdiction, api_key=api_key)
    services = as_list(client.service_list())
    codes = [service["service_code"] for service in services]
    check("uncategorised" in codes and len(codes) >= 10, "service_list: %r" % codes)
    seen["services"] = len(codes)
    code = [c for c in codes if c != "uncategorised"][0]

    definition = client.service_definition(code)["service_definition"]
    check(definition["service_code"] == code, "service_definition: %r" % definition)
    check(as_list(definition["attributes"]["attribute"])[0]["code"] == "village_id", "service_definition attributes")

    requests = as_list(client.service_requests())
    check(0 < len(requests) <= 1000, "service_requests: %d" % len(requests))
    for request in requests:
        check(set(request.keys()) == REQUEST_FIELDS, "request fields %r" % sorted(request.keys()))
    seen["requests"] = len(requests)
    closed = as_list(client.service_requests(status="closed"))
    check(all(r["status"] == "closed" for r in closed), "service_requests(status=closed)")
    seen["closed"] = len(closed)
    first = requests[0]["service_request_id"]
    by_id = as_list(client.service_requests(service_request_id=first))
    check([r["service_request_id"] for r in by_id] == [first], "service_requests(service_request_id=...)")

    one = client.get_service_request(first)["service_requests"]["request"]
    check(one["service_request_id"] == first, "get_service_request: %r" % one)

    # POST: api_key in the query string, the report in the form body, as the library sends it.
    posted = client.post_service_request(
        service_code=code, description="Street light out (python-open311 1.1)", lat="30.6", long="114.3",
        address_string="3rd group", email="ann.lee@mail.example", device_id="py2-device", account_id="py2-account",
        first_name="Ann", last_name="Lee", phone="13800001111", media_url="https://photos.example/py2.jpg")
    answer = posted["service_requests"]["request"]
    new_id = answer["service_request_id"]
    check(new_id and answer["account_id"] == "py2-account", "post_service_request: %r" % posted)
    filed = client.get_service_request(new_id)["service_requests"]["request"]
    check(filed["description"] == "Street light out (python-open311 1.1)", "the posted request: %r" % filed)
    check(filed["media_url"] == "https://photos.example/py2.jpg", "media_url kept: %r" % filed)
    check(filed["status"] == "open" and filed["service_code"] == code, "the posted request: %r" % filed)
    raw = json.dumps(filed)
    for secret in ("Ann", "Lee", "13800001111", "ann.lee", "py2-device", "py2-account"):
        check(secret not in raw, "the public view shows %s" % secret)
    seen["posted"] = new_id

    # tokens/ is not offered (ids come back at once): a 404, as discovery says.
    try:
        client.request_id_from_token(new_id)
        check(False, "request_id_from_token answered")
    except HTTPError as error:
        check(error.code == 404, "request_id_from_token: %d" % error.code)

    # JSON where the library reads it.
    client.configure(format="json")
    check(client.format == "json", "configure")
    client.output_format = "json"
    check(client.service_definition(code)["service_code"] == code, "service_definition in JSON")
    check(client.get_service_request(new_id)[0]["service_request_id"] == new_id, "get_service_request in JSON")
    again = client.post_service_request(service_code=code, description="Second report", lat="30.55", long="114.25")
    check(again[0]["service_request_id"] and again[0]["service_request_id"] != new_id, "post_service_request in JSON: %r" % again)
    client.reset()
    check(client.format == "xml", "reset")

    # Without a key the POST is refused in the spec's format (401).
    keyless = Open311(endpoint=base, jurisdiction=jurisdiction)
    try:
        keyless.post_service_request(service_code=code, description="x", lat="30.6", long="114.3")
        check(False, "a POST without api_key was accepted")
    except HTTPError as error:
        check(error.code == 401, "keyless POST: %d" % error.code)
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
