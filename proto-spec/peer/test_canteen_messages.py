"""The Python peer and canteen-meals: every golden vector of proto-spec/vectors/canteen-messages.json
encodes and decodes through the peer's descriptor-driven registry (twp/messages.py), so
`python -m twp` can call every canteen method from JSON."""

import json
from pathlib import Path

import pytest
from google.protobuf import json_format

from twp.messages import DEFAULT_PROTOSET, CallKind, MessageRegistry

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "canteen-messages.json"
SERVICE = "township.canteen.v1.CanteenMeals"

pytestmark = pytest.mark.skipif(not DEFAULT_PROTOSET.exists(), reason="proto-spec/township.protoset not built")


@pytest.fixture(scope="module")
def registry():
    return MessageRegistry.load()


@pytest.fixture(scope="module")
def vectors():
    data = json.loads(VECTORS.read_text())
    assert data["service"] == SERVICE
    return data["vectors"]


def test_every_canteen_method_is_unary_with_typed_messages(registry):
    names = [m for m in registry.methods if m.startswith(SERVICE + "/")]
    assert len(names) == 23
    for name in names:
        assert registry.method(name).kind is CallKind.UNARY, name


@pytest.mark.parametrize("side", ["request", "response"])
def test_vectors_encode_and_decode(registry, vectors, side):
    for v in vectors:
        info = registry.method(v["method"])
        cls = info.input_type if side == "request" else info.output_type
        message = json_format.ParseDict(v[f"{side}_json"], cls())
        assert message.SerializeToString(deterministic=True).hex() == v[f"{side}_hex"], v["name"]
        decoded = cls.FromString(bytes.fromhex(v[f"{side}_hex"]))
        assert decoded == message, v["name"]


def test_id_numbers_only_masked_in_answers(vectors):
    for v in vectors:
        answer = json.dumps(v["response_json"], ensure_ascii=False)
        assert "idNumber" not in answer, v["name"]
