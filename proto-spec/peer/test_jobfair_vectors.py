"""The job-fair golden vectors (../vectors/jobfair_messages.json) against the descriptor set.

Each vector's JSON, parsed with the message class of its method from township.protoset,
encodes to exactly its bytes, and its bytes decode to the same message; so the peer can build
and read every job-fair call (`python3 -m twp call ... township.jobfair.v1.JobFair/<Method>`).
"""

import json
from pathlib import Path

import pytest
from google.protobuf import json_format

from twp.messages import DEFAULT_PROTOSET, MessageRegistry

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "jobfair_messages.json"
CASES = json.loads(VECTORS.read_text())["vectors"]


@pytest.fixture(scope="module")
def registry():
    assert DEFAULT_PROTOSET.exists(), "proto-spec/township.protoset is missing: run proto-spec/generate.sh"
    return MessageRegistry.load()


def test_every_job_fair_method_has_a_vector_or_is_a_read(registry):
    methods = [m for m in registry.methods if m.startswith("township.jobfair.v1.JobFair/")]
    assert len(methods) == 20, methods
    covered = {case["method"] for case in CASES}
    assert covered <= set(methods)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_vector_encodes_and_decodes(registry, case):
    info = registry.method(case["method"])
    cls = info.input_type if case["direction"] == "request" else info.output_type
    assert cls.DESCRIPTOR.full_name == case["type"]
    from_json = json_format.ParseDict(case["json"], cls())
    assert from_json.SerializeToString(deterministic=True).hex() == case["hex"]
    decoded = cls.FromString(bytes.fromhex(case["hex"]))
    assert decoded == from_json
    # And as the CLI prints it: proto3 JSON that parses back to the same message.
    assert json_format.Parse(json_format.MessageToJson(decoded), cls()) == decoded
