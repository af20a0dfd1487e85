"""enterprise-liaison's golden message vectors (proto-spec/vectors/liaison.json) against the
descriptor set: each vector's bytes decode to its JSON, and its JSON encodes to its bytes."""

import json
from pathlib import Path

import pytest
from google.protobuf import json_format

from twp.messages import DEFAULT_PROTOSET, MessageRegistry

VECTORS = json.loads((Path(__file__).resolve().parents[1] / "vectors" / "liaison.json").read_text(encoding="utf-8"))["vectors"]

pytestmark = pytest.mark.skipif(not DEFAULT_PROTOSET.exists(), reason=f"{DEFAULT_PROTOSET} not built yet")


@pytest.fixture(scope="module")
def registry():
    return MessageRegistry.load()


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_bytes_decode_to_the_json_and_back(registry, vector):
    cls = registry.message_class(vector["message"])
    decoded = cls.FromString(bytes.fromhex(vector["hex"]))
    assert json_format.MessageToDict(decoded) == vector["json"]
    parsed = json_format.ParseDict(vector["json"], cls())
    assert parsed.SerializeToString(deterministic=True).hex() == vector["hex"]


def test_the_peer_knows_every_liaison_method(registry):
    methods = [m for m in registry.methods if m.startswith("township.liaison.v1.EnterpriseLiaison/")]
    assert "township.liaison.v1.EnterpriseLiaison/FileProblem" in methods
    assert "township.liaison.v1.EnterpriseLiaison/ReferToIntake" in methods
    assert len(methods) == 23
    for name in methods:
        info = registry.method(name)
        assert info.input_type().SerializeToString() == b""
