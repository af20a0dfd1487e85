import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Makes `import twp` work when pytest is started from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parent))

ECHO_ID = "spiffe://township.local/service/echo"
CLIENT_ID = "spiffe://township.local/admin/peer-test"

from certs import make_ca, make_leaf  # noqa: E402

SAMPLE_PROTO = """
syntax = "proto3";
package township.sample.v1;
import "google/protobuf/timestamp.proto";

message Ticket { string id = 1; string title = 2; google.protobuf.Timestamp opened_at = 3; }
message GetTicketRequest { string id = 1; }
message Summary { int32 count = 1; }

service Tickets {
  rpc GetTicket(GetTicketRequest) returns (Ticket);
  rpc WatchTickets(GetTicketRequest) returns (stream Ticket);
  rpc ImportTickets(stream Ticket) returns (Summary);
}
"""


@pytest.fixture(scope="session")
def sample_protoset(tmp_path_factory) -> Path:
    """A descriptor set made by protoc from a small sample service (imports included)."""
    protoc = shutil.which("protoc")
    if protoc is None:
        pytest.skip("protoc is not installed (apt-get install protobuf-compiler)")
    d = tmp_path_factory.mktemp("protos")
    (d / "sample.proto").write_text(SAMPLE_PROTO)
    out = d / "sample.protoset"
    subprocess.run([protoc, f"-I{d}", "--include_imports", f"--descriptor_set_out={out}",
                    "sample.proto"], check=True)
    return out


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    d = tmp_path_factory.mktemp("pki")
    ca, _ = make_ca(d, "ca")
    make_ca(d, "other-ca")
    return {
        "ca": ca,
        "server": make_leaf(d, "echo", [f"URI:{ECHO_ID}", "IP:127.0.0.1"]),
        "client": make_leaf(d, "peer-test", [f"URI:{CLIENT_ID}"]),
        "two-uris": make_leaf(d, "two-uris", [f"URI:{ECHO_ID}",
                                              "URI:spiffe://township.local/service/intake"]),
        "foreign-client": make_leaf(d, "foreign", [f"URI:{CLIENT_ID}"], ca="other-ca"),
    }
