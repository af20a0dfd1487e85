"""The HTTP requests python-open311 1.1 makes, byte for byte as its source builds them
(open311/open311.py and open311/api/api.py of the sdist on PyPI), sent from Python 3: for
machines without a Python 2.7 to run the library itself (open311_clients.py does that). The
answers are read the way its xml2dict does: an element with text is its text, otherwise a
dict of its children, repeated children a list.

    python3 open311_shapes.py BASE_URL JURISDICTION_ID API_KEY

Prints one JSON line of what it saw; exits 1 with "FAIL: ..." at the first failed check.
"""
import json
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from urllib.parse import urlencode


def check(condition, message):
    if not condition:
        print("FAIL: " + message)
        sys.exit(1)


def node(element):
    """xml2dict's _parse_node, without attributes (GeoReport has none)."""
    if element.text and element.text.strip():
        return element.text
    tree = {}
    for child in element:
        value = node(child)
        if child.tag not in tree:
            tree[child.tag] = value
        else:
            if not isinstance(tree[child.tag], list):
                tree[child.tag] = [tree[child.tag]]
            tree[child.tag].append(value)
    return tree or None


def xml2dict(data):
    root = ET.fromstring(data)
    return {root.tag: node(root)}


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class Shapes:
    """Open311(endpoint=..., format=..., jurisdiction=..., api_key=...) as requests."""

    def __init__(self, endpoint, jurisdiction, api_key, fmt="xml"):
        self.endpoint, self.jurisdiction, self.api_key, self.format = endpoint.rstrip("/"), jurisdiction, api_key, fmt

    def call_api(self, directory, output_format=None, **kwargs):
        # API.call_api: base_url + '/' + directory + '?' + urlencode(kwargs); urlopen(url).read()
        url = self.endpoint + "/" + directory
        if kwargs:
            url += "?" + urlencode(kwargs)
        data = urllib.request.urlopen(url).read()
        return json.loads(data) if (output_format or self.format) == "json" else xml2dict(data)

    def service_list(self):
        # Always services.xml, whatever the format.
        return self.call_api("services.xml", output_format="xml", jurisdiction_id=self.jurisdiction)["services"]["service"]

    def service_definition(self, code):
        # 'service/' (singular) + code + '.' + format
        return self.call_api("service/" + code + "." + self.format, jurisdiction_id=self.jurisdiction)

    def service_requests(self, **kwargs):
        kwargs.update({"jurisdiction_id": self.jurisdiction})
        return self.call_api("requests." + self.format, **kwargs)["service_requests"]["request"]

    def get_service_request(self, number):
        return self.call_api("requests/" + number + "." + self.format, jurisdiction_id=self.jurisdiction)

    def post_service_request(self, **kwargs):
        # The key and jurisdiction in the query string, the report as the form body.
        params = urlencode({"jurisdiction_id": self.jurisdiction, "api_key": self.api_key})
        url = self.endpoint + "/requests." + self.format + "?" + params
        data = urllib.request.urlopen(url, urlencode(kwargs).encode()).read()
        return json.loads(data) if self.format == "json" else xml2dict(data)

    def request_id_from_token(self, token):
        return self.call_api("tokens/" + token + "." + self.format, jurisdiction_id=self.jurisdiction)["service_requests"]["request"]


def main():
    base, jurisdiction, api_key = sys.argv[1], sys.argv[2], sys.argv[3]
    seen = {}
    # The library's default jurisdiction is "" (a defaultdict(str)), sent as jurisdiction_id=.
    check(len(as_list(Shapes(base, "", "").service_list())) >= 10, "service_list with jurisdiction_id=")
    client = Shapes(base, jurisdiction, api_key)
    codes = [service["service_code"] for service in as_list(client.service_list())]
    check("uncategorised" in codes, "service_list: %r" % codes)
    seen["services"] = len(codes)
    code = [c for c in codes if c != "uncategorised"][0]
    check(client.service_definition(code)["service_definition"]["service_code"] == code, "service_definition")
    requests = as_list(client.service_requests())
    check(0 < len(requests) <= 1000, "service_requests: %d" % len(requests))
    seen["requests"] = len(requests)
    check(all(r["status"] == "closed" for r in as_list(client.service_requests(status="closed"))), "status=closed")
    first = requests[0]["service_request_id"]
    check(client.get_service_request(first)["service_requests"]["request"]["service_request_id"] == first, "get_service_request")
    posted = client.post_service_request(service_code=code, description="Shapes of python-open311 1.1", lat="30.6", long="114.3",
                                         email="shapes@mail.example", account_id="shapes-account")
    answer = posted["service_requests"]["request"]
    check(answer["service_request_id"] and answer["account_id"] == "shapes-account", "post_service_request: %r" % posted)
    seen["posted"] = answer["service_request_id"]
    try:
        client.request_id_from_token(answer["service_request_id"])
        check(False, "tokens/ answered")
    except urllib.error.HTTPError as error:
        check(error.code == 404, "tokens/: %d" % error.code)
    json_client = Shapes(base, jurisdiction, api_key, fmt="json")
    check(json_client.service_definition(code)["service_code"] == code, "service_definition in JSON")
    check(json_client.get_service_request(seen["posted"])[0]["service_request_id"] == seen["posted"], "get_service_request in JSON")
    check(json_client.post_service_request(service_code=code, description="JSON shape", lat="30.55", long="114.25")[0]["service_request_id"],
          "post_service_request in JSON")
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
