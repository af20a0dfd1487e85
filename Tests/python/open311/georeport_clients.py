"""Every function of the PyPI client `georeport` 0.3.1 (Python 3), unmodified, against a live
gateway, in JSON and in XML, checked against GeoReport v2 (wiki.open311.org/GeoReport_v2).

Started by Tests/SuiteEndToEndTests/Open311ClientLibrariesTests.swift (which runs intake
seeded with 500 tickets and the gateway); it starts nothing itself.

    python3 georeport_clients.py BASE_URL JURISDICTION_ID

Prints one JSON line of what it saw; exits 1 with "FAIL: ..." at the first failed check.
"""
import datetime
import json
import sys

from georeport import GeoReport
from georeport.cityendpoint import CityEndpoints

SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url",
}


def check(condition, message):
    if not condition:
        print("FAIL: " + message)
        sys.exit(1)


def as_list(value):
    """xmltodict gives one element as a dict, several as a list, none as None."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def w3c(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def exercise(client, fmt):
    seen = {}
    services = as_list(client.get_service_list())
    codes = [service["service_code"] for service in services]
    check(len(services) >= 10, f"{fmt}: only {len(services)} services")
    check("uncategorised" in codes, f"{fmt}: no uncategorised service in {codes}")
    for service in services:
        check(set(service) == SERVICE_FIELDS, f"{fmt}: service fields {sorted(service)}")
        check(service["type"] == "realtime", f"{fmt}: type {service['type']}")
    seen["services"] = len(services)

    definition = client.get_service_definition(codes[0])
    check(definition["service_code"] == codes[0], f"{fmt}: definition {definition}")
    attributes = definition["attributes"] if fmt == "json" else as_list(definition["attributes"]["attribute"])
    check(attributes and attributes[0]["code"] == "village_id", f"{fmt}: attributes {attributes}")
    values = attributes[0]["values"] if fmt == "json" else as_list(attributes[0]["values"]["value"])
    check(len(values) == 42, f"{fmt}: {len(values)} villages in the definition")

    requests = as_list(client.get_service_requests())
    check(0 < len(requests) <= 1000, f"{fmt}: {len(requests)} requests by default")
    ninety_days_ago = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=90, minutes=5)
    for request in requests:
        check(set(request) == REQUEST_FIELDS, f"{fmt}: request fields {sorted(request)}")
        check(request["status"] in ("open", "closed"), f"{fmt}: status {request['status']}")
        check(request["service_code"] in codes, f"{fmt}: service_code {request['service_code']} is not a service")
        check(request["lat"] is not None and request["long"] is not None, f"{fmt}: no point for {request['service_request_id']}")
        check(w3c(request["requested_datetime"]) >= ninety_days_ago, f"{fmt}: {request['requested_datetime']} is outside the default window")
    seen["requests"] = len(requests)

    ids = [request["service_request_id"] for request in requests[:3]]
    by_id = as_list(client.get_service_requests(service_request_id=",".join(ids)))
    check(sorted(r["service_request_id"] for r in by_id) == sorted(ids), f"{fmt}: by id {ids}")

    opened = as_list(client.get_service_requests(status="open"))
    closed = as_list(client.get_service_requests(status="closed"))
    both = as_list(client.get_service_requests(status="open,closed"))
    check(all(r["status"] == "open" for r in opened), f"{fmt}: status=open")
    check(all(r["status"] == "closed" for r in closed), f"{fmt}: status=closed")
    check(len(opened) + len(closed) == len(both) == len(requests), f"{fmt}: {len(opened)} + {len(closed)} vs {len(both)}")
    seen["open"], seen["closed"] = len(opened), len(closed)

    code = requests[0]["service_code"]
    by_code = as_list(client.get_service_requests(service_code=code))
    check(by_code and all(r["service_code"] == code for r in by_code), f"{fmt}: service_code={code}")

    end = datetime.datetime.now(datetime.timezone.utc)
    start = end - datetime.timedelta(days=30)
    fmt_date = "%Y-%m-%dT%H:%M:%SZ"
    recent = as_list(client.get_service_requests(start_date=start.strftime(fmt_date), end_date=end.strftime(fmt_date)))
    check(all(start - datetime.timedelta(seconds=1) <= w3c(r["requested_datetime"]) <= end for r in recent), f"{fmt}: dates")
    check(len(recent) <= len(requests), f"{fmt}: 30 days hold more than 90")
    seen["last30days"] = len(recent)

    one = client.get_service_request(ids[0])
    check(one["service_request_id"] == ids[0], f"{fmt}: one request {one}")
    check(set(one) == REQUEST_FIELDS, f"{fmt}: one request's fields {sorted(one)}")
    seen["ids"] = ids
    return seen


def main():
    base, jurisdiction = sys.argv[1], sys.argv[2]
    results = {fmt: exercise(GeoReport(base, jurisdiction=jurisdiction, output_format=fmt), fmt) for fmt in ("json", "xml")}
    check({k: v for k, v in results["json"].items()} == results["xml"], f"json and xml differ: {results}")
    # The remaining functions need no server: the known cities and a client for one of them.
    check("Boston, MA" in CityEndpoints.list_cities(), "list_cities")
    check(GeoReport.from_city("Boston, MA").root_address.endswith("/open311/v2"), "from_city")
    print(json.dumps(results["json"]))


if __name__ == "__main__":
    main()
