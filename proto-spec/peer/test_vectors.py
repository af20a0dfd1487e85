"""Every golden vector of proto-spec/vectors/frames.json against the Python peer.

Never skips: a missing or unreadable frames.json is a failure.
"""

import json
from pathlib import Path

import pytest

from twp.connection import (
    CallRefused, CallRejected, Connection, ConnectionError, FrameReceived, Ignored, Limits,
)
from twp.frames import (
    Cancel, Code, Credit, EndStream, Error, GoAway, Hello, MetadataEntry, Message, Ping, Pong,
    Refused, Request, Response, Role, Status, code_name, decode_all, encode_frame, status_name,
)

VECTORS_FILE = Path(__file__).resolve().parent.parent / "vectors" / "frames.json"
DOCUMENT = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
VECTORS = DOCUMENT["vectors"]


def to_obj(frame) -> dict:
    """A frame as the vector format writes it (vectors/README.md)."""
    base = {"type": frame.type.name, "flags": frame.flags, "request_id": frame.request_id}
    match frame:
        case Hello():
            base.update(version=frame.version, max_frame_size=frame.max_frame_size,
                        max_concurrent_requests=frame.max_concurrent_requests,
                        initial_stream_credit=frame.initial_stream_credit,
                        capabilities=frame.capabilities, agent=frame.agent)
        case Ping() | Pong():
            base.update(opaque_hex=frame.opaque.hex())
        case GoAway():
            base.update(last_request_id=frame.last_request_id, code=code_name(frame.code),
                        message=frame.message)
        case Request():
            base.update(timeout_ms=frame.timeout_ms, method=frame.method,
                        metadata=[{"key": e.key, "value_hex": e.value.hex()}
                                  for e in frame.metadata],
                        message_hex=frame.message.hex())
        case Response() | Message():
            base.update(message_hex=frame.message.hex())
        case Error():
            base.update(status=status_name(frame.status), message=frame.message,
                        details_hex=frame.details.hex())
        case Refused():
            base.update(status=status_name(frame.status), message=frame.message)
        case Credit():
            base.update(increment=frame.increment)
    return base


def from_obj(o: dict):
    flags, rid = o["flags"], o["request_id"]
    match o["type"]:
        case "HELLO":
            return Hello(o["version"], o["max_frame_size"], o["max_concurrent_requests"],
                         o["initial_stream_credit"], o["capabilities"], o["agent"], flags, rid)
        case "PING":
            return Ping(bytes.fromhex(o["opaque_hex"]), flags, rid)
        case "PONG":
            return Pong(bytes.fromhex(o["opaque_hex"]), flags, rid)
        case "GOAWAY":
            return GoAway(o["last_request_id"], Code[o["code"]], o["message"], flags, rid)
        case "REQUEST":
            md = tuple(MetadataEntry(e["key"], bytes.fromhex(e["value_hex"]))
                       for e in o["metadata"])
            return Request(rid, o["method"], bytes.fromhex(o["message_hex"]), o["timeout_ms"],
                           md, flags)
        case "RESPONSE":
            return Response(rid, bytes.fromhex(o["message_hex"]), flags)
        case "MESSAGE":
            return Message(rid, bytes.fromhex(o["message_hex"]), flags)
        case "END_STREAM":
            return EndStream(rid, flags)
        case "ERROR":
            return Error(rid, Status[o["status"]], o["message"], bytes.fromhex(o["details_hex"]),
                         flags)
        case "CANCEL":
            return Cancel(rid, flags)
        case "REFUSED":
            return Refused(rid, Status[o["status"]], o["message"], flags)
        case "CREDIT":
            return Credit(rid, o["increment"], flags)
    raise ValueError(o["type"])


def limits_for(vector) -> Limits:
    merged = {**DOCUMENT["defaults"], **vector.get("local", {})}
    return Limits(max_frame_size=merged["max_frame_size"],
                  max_concurrent_requests=merged["max_concurrent_requests"],
                  initial_stream_credit=merged["initial_stream_credit"],
                  capabilities=merged["capabilities"])


def run(vector):
    """Feeds setup and input; returns (frames as objects, outcome as in the vector format)."""
    role = Role(vector["receiver"])
    limits = limits_for(vector)
    conn = Connection(role, limits)
    for step in vector["setup"]:
        data = bytes.fromhex(step["hex"])
        if step["from"] == "peer":
            events = conn.receive(data)
            assert events and all(isinstance(e, FrameReceived) for e in events), events
        else:
            for frame in decode_all(data, role.peer):
                if isinstance(frame, Hello):
                    # The receiver's own HELLO must state the limits the vector gives it.
                    assert frame.max_frame_size == limits.max_frame_size
                    assert frame.initial_stream_credit == limits.initial_stream_credit
                    assert frame.capabilities == limits.capabilities
                conn.sent(frame)
    events = conn.receive(bytes.fromhex(vector["input"]))
    frames = [to_obj(e.frame) for e in events if not isinstance(e, ConnectionError)]
    last = events[-1] if events else None
    match last:
        case ConnectionError():
            outcome = {"connection_error": last.code.name}
            assert conn.pending_bytes >= 0
            if "last_request_id" in vector["expect"]:
                assert last.goaway.last_request_id == vector["expect"]["last_request_id"]
        case CallRejected():
            outcome = {"call_error": {"request_id": last.frame.request_id,
                                      "status": last.status.name}}
        case CallRefused():
            outcome = {"refused": {"request_id": last.frame.request_id,
                                   "status": last.status.name}}
        case Ignored():
            outcome = "ignored"
        case _:
            outcome = "incomplete" if conn.pending_bytes else "ok"
    # Only the last event may be anything but a delivered frame.
    assert all(isinstance(e, FrameReceived) for e in events[:-1]), events
    return frames, outcome


def test_vector_file_is_complete():
    assert DOCUMENT["protocol"] == "twp/1"
    names = [v["name"] for v in VECTORS]
    assert len(names) == len(set(names))
    assert len(VECTORS) >= 80
    for v in VECTORS:
        assert v["input"] == v["input"].lower()
        assert v["spec"].startswith("§") and v["description"]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector(vector):
    frames, outcome = run(vector)
    assert frames == vector["expect"]["frames"]
    assert outcome == vector["expect"]["outcome"]
    if vector["expect"]["encode"]:
        encoded = b"".join(encode_frame(from_obj(o)) for o in vector["expect"]["frames"])
        assert encoded.hex() == vector["input"]


def test_connection_error_goaway_names_highest_request_id():
    vector = next(v for v in VECTORS if v["name"] == "request-id-duplicate")
    conn = Connection(Role.SERVER, limits_for(vector))
    for step in vector["setup"]:
        if step["from"] == "peer":
            conn.receive(bytes.fromhex(step["hex"]))
    events = conn.receive(bytes.fromhex(vector["input"]))
    assert isinstance(events[-1], ConnectionError)
    assert events[-1].goaway.last_request_id == 5
    assert events[-1].goaway.code == Code.PROTOCOL_ERROR
    assert conn.receive(b"\x00\x00\x00\x0e\x02\x00\x00\x00\x00\x00" + b"\x00" * 8) == []


@pytest.mark.parametrize("frame", [
    Request(1, "", b""), Request(1, "a.B/C", metadata=(MetadataEntry(1, b"x" * 9000),)),
    Request(0, "a.B/C"), Ping(b"1234567"), Error(1, Status.OK), Credit(1, 0), Credit(1, 1025),
    Error(1, 70000), GoAway(0, Code.OK, "m" * 1025), Hello(max_frame_size=1), Message(1, flags=2),
    Hello(flags=1, max_concurrent_requests=0),
], ids=lambda f: type(f).__name__)
def test_encoder_refuses_frames_the_spec_forbids(frame):
    with pytest.raises(ValueError):
        encode_frame(frame)
