"""Dynamic protobuf classes from descriptor sets (twp/messages.py)."""

import pytest

from twp.frames import METHOD_PATTERN
from twp.messages import DEFAULT_PROTOSET, CallKind, MessageRegistry, ProtosetMissing


@pytest.fixture(scope="module")
def sample_registry(sample_protoset):
    return MessageRegistry.load(sample_protoset)


def test_kinds_and_classes_come_from_the_descriptor_set(sample_registry):
    get = sample_registry.method("township.sample.v1.Tickets/GetTicket")
    assert get.kind is CallKind.UNARY
    assert sample_registry.method("township.sample.v1.Tickets/WatchTickets").kind \
        is CallKind.SERVER_STREAMING
    assert sample_registry.method("township.sample.v1.Tickets/ImportTickets").kind \
        is CallKind.CLIENT_STREAMING
    ticket = get.output_type(id="t-1", title="路灯坏了")
    ticket.opened_at.seconds = 1_700_000_000
    assert get.output_type.FromString(ticket.SerializeToString()) == ticket


def test_json_round_trip(sample_registry):
    method = "township.sample.v1.Tickets/GetTicket"
    request = sample_registry.request_from_json(method, '{"id": "t-9"}')
    assert request.SerializeToString() == b"\x0a\x03t-9"
    reply = sample_registry.method(method).output_type(id="t-9", title="x").SerializeToString()
    assert '"title": "x"' in sample_registry.response_to_json(method, reply)


def test_unknown_method_is_a_clear_error(sample_registry):
    with pytest.raises(KeyError, match="no method"):
        sample_registry.method("township.sample.v1.Tickets/Nope")


def test_missing_descriptor_set_says_how_to_make_it(tmp_path):
    with pytest.raises(ProtosetMissing, match="--descriptor_set_out"):
        MessageRegistry.load(tmp_path / "absent.protoset")


@pytest.mark.skipif(not DEFAULT_PROTOSET.exists(),
                    reason=f"{DEFAULT_PROTOSET} not built yet (protoc --include_imports "
                           "--descriptor_set_out=proto-spec/township.protoset …)")
def test_township_protoset_methods_are_twp_methods():
    registry = MessageRegistry.load()
    assert registry.methods, "the descriptor set defines no service"
    for name in registry.methods:
        info = registry.method(name)
        assert METHOD_PATTERN.fullmatch(name), name
        assert info.kind is not CallKind.BIDI_STREAMING, f"{name} is bidirectional"
        assert info.input_type().SerializeToString() == b""
