#!/usr/bin/env python3
"""Writes frames.json: the TWP/1 golden vectors.

Every byte is assembled here by hand with `struct`, deliberately not through any
implementation of the protocol, so the vectors are an independent statement of the spec.
Run: python3 proto-spec/vectors/generate_vectors.py

How the format of README.md is used here:
- `frames` lists every frame decoded from `input`, except one that causes a
  `connection_error` (and anything after it). A frame that is `ignored`, `refused` or gets a
  `call_error` is listed: it decoded fine, the reaction is a matter of state. So `encode` is
  true for those vectors too.
- `setup` holds the whole HELLO exchange in wire order; the receiver's own HELLO states exactly
  `defaults` + `local`. Before its peer's HELLO a receiver has only its own frames in setup.
- The receiver's receive credit per call is its own `initial_stream_credit`; its send credit is
  the peer's (§9).
- Vectors whose description starts with "settled:" fix a point the prose leaves open.
"""

import json
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).with_name("frames.json")

DEFAULTS = {
    "max_frame_size": 4194304,
    "max_concurrent_requests": 128,
    "initial_stream_credit": 16,
    "capabilities": 1,
}

HELLO, PING, PONG, GOAWAY = 0x01, 0x02, 0x03, 0x04
REQUEST, RESPONSE, MESSAGE, END_STREAM = 0x10, 0x11, 0x12, 0x13
ERROR, CANCEL, REFUSED, CREDIT = 0x14, 0x15, 0x16, 0x17
TYPE_NAMES = {
    HELLO: "HELLO", PING: "PING", PONG: "PONG", GOAWAY: "GOAWAY", REQUEST: "REQUEST",
    RESPONSE: "RESPONSE", MESSAGE: "MESSAGE", END_STREAM: "END_STREAM", ERROR: "ERROR",
    CANCEL: "CANCEL", REFUSED: "REFUSED", CREDIT: "CREDIT",
}
ACK = COMPRESSED = 0x01

STATUS = {
    "OK": 0, "CANCELLED": 1, "UNKNOWN": 2, "INVALID_ARGUMENT": 3, "DEADLINE_EXCEEDED": 4,
    "NOT_FOUND": 5, "ALREADY_EXISTS": 6, "PERMISSION_DENIED": 7, "RESOURCE_EXHAUSTED": 8,
    "FAILED_PRECONDITION": 9, "ABORTED": 10, "OUT_OF_RANGE": 11, "UNIMPLEMENTED": 12,
    "INTERNAL": 13, "UNAVAILABLE": 14, "DATA_LOSS": 15, "UNAUTHENTICATED": 16,
}
CODE = {
    "OK": 0, "PROTOCOL_ERROR": 256, "FRAME_TOO_LARGE": 257, "UNSUPPORTED_VERSION": 258,
    "COMPRESSION_ERROR": 259, "FLOW_CONTROL_ERROR": 260, "HELLO_TIMEOUT": 261,
    "ENHANCE_YOUR_CALM": 262, "INTERNAL_ERROR": 263,
}

TRACEPARENT = b"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
assert len(TRACEPARENT) == 55
METHOD = "township.intake.v1.Intake/SubmitTicket"
STREAM_METHOD = "township.intake.v1.Intake/WatchTickets"
UPLOAD_METHOD = "township.intake.v1.Intake/ImportTickets"
# A proto3 message on the wire: field 1 (string) = "ticket-1".
PAYLOAD = bytes.fromhex("0a087469636b65742d31")
BIG_PAYLOAD = (b"\x0a\x82\x0f" + (b"township " * 216)[:1922])  # 1,925 bytes, compressible


# ---------------------------------------------------------------- raw assembly

def raw(ftype, flags, rid, body):
    """A frame whose Length is computed from the body."""
    return struct.pack(">IBBI", 6 + len(body), ftype, flags, rid) + body


def raw_len(length, ftype, flags, rid, body):
    """A frame with an explicit (possibly lying) Length."""
    return struct.pack(">IBBI", length, ftype, flags, rid) + body


def hello_body(version=1, max_frame_size=4194304, max_concurrent_requests=0,
               initial_stream_credit=16, capabilities=1, agent=b"", reserved=0,
               agent_len=None, trailing=b""):
    if agent_len is None:
        agent_len = len(agent)
    return struct.pack(">HIHHIIB", version, max_frame_size, max_concurrent_requests,
                       initial_stream_credit, capabilities, reserved, agent_len) + agent + trailing


def goaway_body(last, code, msg=b"", msg_len=None):
    return struct.pack(">IHH", last, code, len(msg) if msg_len is None else msg_len) + msg


def request_body(method=METHOD.encode(), metadata=b"", message=b"", timeout_ms=0,
                 method_len=None, metadata_len=None):
    return (struct.pack(">IH", timeout_ms, len(method) if method_len is None else method_len)
            + method
            + struct.pack(">H", len(metadata) if metadata_len is None else metadata_len)
            + metadata + message)


def md_entry(key, value, value_len=None):
    return struct.pack(">BH", key, len(value) if value_len is None else value_len) + value


def error_body(status, msg=b"", details=b"", msg_len=None):
    return struct.pack(">HH", status, len(msg) if msg_len is None else msg_len) + msg + details


def refused_body(status, msg=b"", msg_len=None):
    return struct.pack(">HH", status, len(msg) if msg_len is None else msg_len) + msg


def compressed_form(message, declared=None, stream=None):
    stream = zlib.compress(message) if stream is None else stream
    return struct.pack(">I", len(message) if declared is None else declared) + stream


# ---------------------------------------------------------------- frames with expected objects

def obj(ftype, flags, rid, **fields):
    return {"type": TYPE_NAMES[ftype], "flags": flags, "request_id": rid, **fields}


def f_hello(ack=False, version=1, max_frame_size=4194304, max_concurrent_requests=None,
            initial_stream_credit=16, capabilities=1, agent="", trailing=b"", reserved=0):
    if max_concurrent_requests is None:
        max_concurrent_requests = 128 if ack else 0
    body = hello_body(version, max_frame_size, max_concurrent_requests, initial_stream_credit,
                      capabilities, agent.encode(), reserved, trailing=trailing)
    flags = ACK if ack else 0
    return raw(HELLO, flags, 0, body), obj(
        HELLO, flags, 0, version=version, max_frame_size=max_frame_size,
        max_concurrent_requests=max_concurrent_requests,
        initial_stream_credit=initial_stream_credit, capabilities=capabilities, agent=agent)


def f_ping(opaque):
    return raw(PING, 0, 0, opaque), obj(PING, 0, 0, opaque_hex=opaque.hex())


def f_pong(opaque):
    return raw(PONG, 0, 0, opaque), obj(PONG, 0, 0, opaque_hex=opaque.hex())


def f_goaway(last, code, msg=""):
    return (raw(GOAWAY, 0, 0, goaway_body(last, CODE[code], msg.encode())),
            obj(GOAWAY, 0, 0, last_request_id=last, code=code, message=msg))


def f_request(rid, method=METHOD, metadata=(), message=b"", timeout_ms=0):
    md = b"".join(md_entry(k, v) for k, v in metadata)
    return (raw(REQUEST, 0, rid, request_body(method.encode(), md, message, timeout_ms)),
            obj(REQUEST, 0, rid, timeout_ms=timeout_ms, method=method,
                metadata=[{"key": k, "value_hex": v.hex()} for k, v in metadata],
                message_hex=message.hex()))


def f_request_compressed(rid, message, method=METHOD):
    body = request_body(method.encode(), b"", compressed_form(message))
    return (raw(REQUEST, COMPRESSED, rid, body),
            obj(REQUEST, COMPRESSED, rid, timeout_ms=0, method=method, metadata=[],
                message_hex=message.hex()))


def f_response(rid, message=PAYLOAD):
    return raw(RESPONSE, 0, rid, message), obj(RESPONSE, 0, rid, message_hex=message.hex())


def f_message(rid, message=PAYLOAD):
    return raw(MESSAGE, 0, rid, message), obj(MESSAGE, 0, rid, message_hex=message.hex())


def f_compressed(ftype, rid, message):
    return (raw(ftype, COMPRESSED, rid, compressed_form(message)),
            obj(ftype, COMPRESSED, rid, message_hex=message.hex()))


def f_end(rid):
    return raw(END_STREAM, 0, rid, b""), obj(END_STREAM, 0, rid)


def f_cancel(rid):
    return raw(CANCEL, 0, rid, b""), obj(CANCEL, 0, rid)


def f_error(rid, status, msg="", details=b""):
    return (raw(ERROR, 0, rid, error_body(STATUS[status], msg.encode(), details)),
            obj(ERROR, 0, rid, status=status, message=msg, details_hex=details.hex()))


def f_refused(rid, status, msg=""):
    return (raw(REFUSED, 0, rid, refused_body(STATUS[status], msg.encode())),
            obj(REFUSED, 0, rid, status=status, message=msg))


def f_credit(rid, increment):
    return (raw(CREDIT, 0, rid, struct.pack(">I", increment)),
            obj(CREDIT, 0, rid, increment=increment))


# ---------------------------------------------------------------- setups

def local_hello_for(receiver, local):
    limits = {**DEFAULTS, **(local or {})}
    ack = receiver == "server"
    return f_hello(ack=ack, max_frame_size=limits["max_frame_size"],
                   max_concurrent_requests=limits["max_concurrent_requests"] if ack else 0,
                   initial_stream_credit=limits["initial_stream_credit"],
                   capabilities=limits["capabilities"])[0]


def handshake(receiver, local=None, peer_hello=None):
    """Setup frames of a completed HELLO exchange, in wire order."""
    mine = {"from": "local", "hex": local_hello_for(receiver, local).hex()}
    if receiver == "server":
        theirs = peer_hello if peer_hello is not None else f_hello()[0]
        return [{"from": "peer", "hex": theirs.hex()}, mine]
    theirs = peer_hello if peer_hello is not None else f_hello(ack=True)[0]
    return [mine, {"from": "peer", "hex": theirs.hex()}]


def peer(b):
    return {"from": "peer", "hex": b.hex()}


def local_(b):
    return {"from": "local", "hex": b.hex()}


VECTORS = []


def vec(name, spec, description, receiver, input_bytes, frames, outcome="ok", encode=None,
        local=None, setup=None, last_request_id=None):
    if encode is None:
        encode = outcome in ("ok", "ignored") or (
            isinstance(outcome, dict) and ("call_error" in outcome or "refused" in outcome))
    v = {"name": name, "spec": spec, "description": description, "receiver": receiver}
    if local:
        v["local"] = local
    v["setup"] = setup if setup is not None else []
    v["input"] = input_bytes.hex()
    v["expect"] = {"frames": frames, "outcome": outcome, "encode": encode}
    if last_request_id is not None:
        v["expect"]["last_request_id"] = last_request_id
    assert all(v["name"] != o["name"] for o in VECTORS), name
    VECTORS.append(v)


def conn_err(code):
    return {"connection_error": code}


def call_err(rid, status):
    return {"call_error": {"request_id": rid, "status": status}}


def refused(rid, status):
    return {"refused": {"request_id": rid, "status": status}}


def one(name, spec, description, receiver, frame, **kw):
    """A vector whose input is one valid frame, delivered."""
    b, o = frame
    vec(name, spec, description, receiver, b, [o], **kw)


def bad(name, spec, description, receiver, input_bytes, code, frames=(), **kw):
    vec(name, spec, description, receiver, input_bytes, list(frames), conn_err(code),
        encode=False, **kw)


# ================================================================= valid frames

SRV = handshake("server")
CLI = handshake("client")

one("hello-client-minimal", "§4.1", "client HELLO, no agent, defaults; server receives it first",
    "server", f_hello())
one("hello-client-with-agent", "§4.1", "client HELLO with a UTF-8 agent string",
    "server", f_hello(agent="twp-peer/1.0 (python; 乡镇)"))
one("hello-client-bounds-low", "§2", "client HELLO with the lowest allowed values",
    "server", f_hello(max_frame_size=16384, initial_stream_credit=1, capabilities=0))
one("hello-client-bounds-high", "§2",
    "client HELLO with the highest allowed values and a 255-byte agent",
    "server", f_hello(max_frame_size=16777216, initial_stream_credit=1024, agent="a" * 255))
one("hello-client-reserved-capability-bits", "§2.1",
    "reserved capability bits set by the peer are ignored on receipt (decoded as sent)",
    "server", f_hello(capabilities=0xFFFFFFFF))
one("hello-client-nonzero-max-concurrent", "§2",
    "settled: a client's max_concurrent_requests is meaningless; nonzero is in range and accepted",
    "server", f_hello(max_concurrent_requests=7))
b, o = f_hello(trailing=b"\x00\x01extension")
vec("hello-client-trailing-extension", "§12",
    "client HELLO with trailing bytes after the agent: ignored", "server", b, [o], encode=False)
b, o = f_hello(agent="x", trailing=b"\xff" * 16, reserved=0xDEADBEEF)
vec("hello-client-reserved-field-nonzero", "§4.1",
    "the reserved field is ignored on receipt (and trailing bytes too)", "server", b, [o],
    encode=False)
b, o = f_hello(trailing=b"\x00" * (1024 - 6 - 19))
assert struct.unpack(">I", b[:4])[0] == 1024
vec("hello-length-1024-before-hello", "§10",
    "before the peer's HELLO a frame of Length exactly 1,024 is accepted", "server", b, [o],
    encode=False)
one("hello-server-ack-minimal", "§4.1", "server HELLO with ACK, no agent, defaults",
    "client", f_hello(ack=True), setup=[local_(local_hello_for("client", None))])
one("hello-server-ack-with-agent", "§4.1", "server HELLO with ACK and an agent",
    "client", f_hello(ack=True, agent="township-intake/1.0"),
    setup=[local_(local_hello_for("client", None))])
b, o = f_hello(ack=True, agent="s", trailing=b"future-extension")
vec("hello-server-ack-trailing-extension", "§12",
    "server HELLO with trailing extension bytes: ignored", "client", b, [o], encode=False,
    setup=[local_(local_hello_for("client", None))])

one("ping-to-server", "§4", "PING carries 8 opaque bytes", "server",
    f_ping(bytes.fromhex("0102030405060708")), setup=SRV)
one("ping-to-client", "§4", "the server may PING the client too", "client",
    f_ping(bytes.fromhex("ffffffffffffffff")), setup=CLI)
one("pong-to-server", "§11", "PONG answering the server's own PING", "server",
    f_pong(bytes.fromhex("0001020304050607")),
    setup=SRV + [local_(f_ping(bytes.fromhex("0001020304050607"))[0])])
one("goaway-from-client", "§11", "client graceful close: GOAWAY(0, OK)", "server",
    f_goaway(0, "OK"), setup=SRV)
one("goaway-from-server-drain", "§11", "server drain with a message", "client",
    f_goaway(3, "OK", "draining for restart"), setup=CLI + [local_(f_request(3)[0])])
one("goaway-unsupported-version-instead-of-hello", "§2",
    "settled: a server may answer HELLO with GOAWAY (§2), so a client accepts GOAWAY before HELLO",
    "client", f_goaway(0, "UNSUPPORTED_VERSION", "supported: 1"),
    setup=[local_(local_hello_for("client", None))])

one("request-no-metadata", "§4.3", "unary REQUEST, no deadline, no metadata", "server",
    f_request(1, message=PAYLOAD), setup=SRV)
one("request-with-timeout", "§4.3", "REQUEST with timeout_ms = 30,000", "server",
    f_request(1, message=PAYLOAD, timeout_ms=30000), setup=SRV)
one("request-empty-message", "§5", "client-streaming REQUEST: empty message part", "server",
    f_request(1, method=UPLOAD_METHOD), setup=SRV)
PRINCIPAL = bytes.fromhex("0a05752d31303112066c6561646572")
one("request-every-metadata-key", "§6",
    "traceparent (55 bytes), tracestate, idempotency-key, principal", "server",
    f_request(1, metadata=[(0x01, TRACEPARENT), (0x02, b"rojo=00f067aa0ba902b7"),
                           (0x03, b"ticket-2026-11-24-0001"), (0x04, PRINCIPAL)],
              message=PAYLOAD, timeout_ms=5000), setup=SRV)
one("request-metadata-at-limits", "§6",
    "idempotency key of 128 bytes and tracestate of 512 bytes: both at their limits",
    "server", f_request(1, metadata=[(0x03, b"~" * 128), (0x02, b"k=" + b"v" * 510)]),
    setup=SRV)
one("request-unknown-and-private-metadata-keys", "§6",
    "reserved (0x05, 0x7f) and private (0x80, 0xff) keys are decoded and ignored", "server",
    f_request(1, metadata=[(0x05, b"future"), (0x7F, b""), (0x80, b"\x00\xff"),
                           (0xFF, b"private")], message=PAYLOAD), setup=SRV)
one("request-unknown-metadata-key-repeated", "§6",
    "settled: only known keys are checked for duplicates; an unknown key given twice is ignored",
    "server", f_request(1, metadata=[(0x90, b"a"), (0x90, b"b")]), setup=SRV)
one("request-server-streaming", "§5", "server-streaming REQUEST", "server",
    f_request(7, method=STREAM_METHOD, message=PAYLOAD), setup=SRV)

ONE_SENT = CLI + [local_(f_request(1)[0])]
one("response", "§4", "RESPONSE for the client's REQUEST 1", "client", f_response(1),
    setup=ONE_SENT)
one("response-empty-message", "§4", "RESPONSE holding an empty (all-default) proto3 message",
    "client", f_response(1, b""), setup=ONE_SENT)
one("message-to-server", "§5", "client-streaming MESSAGE on an open call", "server",
    f_message(1), setup=SRV + [peer(f_request(1, method=UPLOAD_METHOD)[0])])
one("message-to-client", "§5", "server-streaming MESSAGE", "client", f_message(1),
    setup=ONE_SENT)
one("end-stream-to-server", "§5", "client ends its stream", "server", f_end(1),
    setup=SRV + [peer(f_request(1, method=UPLOAD_METHOD)[0])])
one("end-stream-to-client", "§5", "server ends its stream", "client", f_end(1),
    setup=ONE_SENT)
one("error-without-details", "§4.4", "ERROR with a message and no details", "client",
    f_error(1, "NOT_FOUND", "ticket not found"), setup=ONE_SENT)
one("error-with-details", "§4.4", "ERROR with a message and an ErrorDetails body",
    "client", f_error(1, "INVALID_ARGUMENT", "bad field", bytes.fromhex("0a057469746c65")),
    setup=ONE_SENT)
one("error-empty-message", "§4.4", "ERROR with an empty message", "client",
    f_error(1, "INTERNAL"), setup=ONE_SENT)
one("cancel", "§5", "client cancels an open call", "server", f_cancel(1),
    setup=SRV + [peer(f_request(1)[0])])
one("refused-resource-exhausted", "§4.5", "REFUSED at the concurrency limit", "client",
    f_refused(1, "RESOURCE_EXHAUSTED", "too many calls"), setup=ONE_SENT)
one("refused-unavailable", "§4.5", "REFUSED while draining", "client",
    f_refused(1, "UNAVAILABLE", "draining"), setup=ONE_SENT)
one("credit-to-server", "§9", "client grants the server more MESSAGE credit", "server",
    f_credit(1, 16), setup=SRV + [peer(f_request(1, method=STREAM_METHOD)[0])])
one("credit-to-client", "§9", "server grants the client more MESSAGE credit (maximum increment)",
    "client", f_credit(1, 1024), setup=ONE_SENT)

b, o = f_request_compressed(1, BIG_PAYLOAD)
vec("request-compressed", "§8", "REQUEST whose message part is compressed (decode only)",
    "server", b, [o], encode=False, setup=SRV)
b, o = f_compressed(RESPONSE, 1, BIG_PAYLOAD)
vec("response-compressed", "§8", "compressed RESPONSE (decode only)", "client", b, [o],
    encode=False, setup=ONE_SENT)
b, o = f_compressed(MESSAGE, 1, BIG_PAYLOAD)
vec("message-compressed", "§8", "compressed MESSAGE from the client (decode only)", "server",
    b, [o], encode=False, setup=SRV + [peer(f_request(1, method=UPLOAD_METHOD)[0])])
SMALL = {"max_frame_size": 16384}
b, o = f_compressed(MESSAGE, 1, b"\x00" * 16384)
vec("message-compressed-at-cap", "§8",
    "uncompressed_len equal to the receiver's max_frame_size is allowed", "server", b, [o],
    encode=False, local=SMALL,
    setup=handshake("server", SMALL) + [peer(f_request(1, method=UPLOAD_METHOD)[0])])
b, o = f_message(1, b"\x01" * (16384 - 6))
vec("message-length-equals-max-frame-size", "§10", "Length exactly the receiver's max_frame_size",
    "server", b, [o], local=SMALL,
    setup=handshake("server", SMALL) + [peer(f_request(1, method=UPLOAD_METHOD)[0])])

frames = [f_ping(b"pingpong"), f_request(1, message=PAYLOAD),
          f_request(2, method=UPLOAD_METHOD), f_message(2), f_message(2, b""), f_end(2),
          f_credit(1, 4), f_cancel(1)]
vec("several-frames-in-one-input", "§3", "eight frames back to back in one read", "server",
    b"".join(f[0] for f in frames), [f[1] for f in frames], setup=SRV)
frames = [f_message(1), f_message(1, b"\x08\x01"), f_end(1)]
vec("several-frames-to-client", "§3", "a server stream in one read", "client",
    b"".join(f[0] for f in frames), [f[1] for f in frames], setup=ONE_SENT)

b1, o1 = f_ping(b"12345678")
b2, _ = f_request(1, message=PAYLOAD)
vec("split-frame-mid-body", "§10", "a whole PING then a REQUEST cut in its body: incomplete",
    "server", b1 + b2[:17], [o1], "incomplete", encode=False, setup=SRV)
vec("split-frame-mid-prefix", "§10", "three bytes of a Length prefix: incomplete", "server",
    b2[:3], [], "incomplete", encode=False, setup=SRV)
vec("split-frame-header-only", "§10", "prefix, type, flags and id but no body yet", "server",
    b2[:10], [], "incomplete", encode=False, setup=SRV)
vec("split-hello", "§10", "a client HELLO cut short: waits for more", "server",
    f_hello()[0][:20], [], "incomplete", encode=False)

CREDIT1 = {"initial_stream_credit": 1}
b, o = f_message(1)
vec("message-after-local-credit", "§9",
    "with credit 1, a second MESSAGE is fine after the receiver granted CREDIT(1)", "server",
    b, [o], local=CREDIT1,
    setup=handshake("server", CREDIT1) + [peer(f_request(1, method=UPLOAD_METHOD)[0]),
                                          peer(f_message(1)[0]), local_(f_credit(1, 1)[0])])
ONECALL = {"max_concurrent_requests": 1}
one("concurrency-slot-freed-by-cancel", "§10",
    "limit 1: after CANCEL of call 1 a new REQUEST is run", "server", f_request(2),
    local=ONECALL,
    setup=handshake("server", ONECALL) + [peer(f_request(1)[0]), peer(f_cancel(1)[0])])
one("concurrency-slot-freed-by-response", "§10",
    "limit 1: after the server's RESPONSE to call 1 a new REQUEST is run", "server",
    f_request(2), local=ONECALL,
    setup=handshake("server", ONECALL) + [peer(f_request(1)[0]), local_(f_response(1)[0])])
one("response-after-server-goaway", "§11", "calls up to last_request_id still complete",
    "client", f_response(1), setup=ONE_SENT + [peer(f_goaway(1, "OK")[0])])

# ---------------------------------------------------------------- late frames
ENDED = SRV + [peer(f_request(1)[0]), local_(f_response(1)[0])]
one("late-message-ignored", "§5", "MESSAGE for a call the server already answered", "server",
    f_message(1), outcome="ignored", setup=ENDED)
one("late-end-stream-ignored", "§5", "END_STREAM for an ended call", "server", f_end(1),
    outcome="ignored", setup=ENDED)
one("late-cancel-ignored", "§5", "CANCEL crossing the server's RESPONSE", "server",
    f_cancel(1), outcome="ignored", setup=ENDED)
one("late-credit-ignored", "§5", "CREDIT for a call the client cancelled", "server",
    f_credit(1, 8), outcome="ignored", setup=SRV + [peer(f_request(1)[0]), peer(f_cancel(1)[0])])
one("late-message-after-error-ignored", "§5", "MESSAGE for a call the server failed with ERROR",
    "server", f_message(1), outcome="ignored",
    setup=SRV + [peer(f_request(1, method=UPLOAD_METHOD)[0]),
                 local_(f_error(1, "INVALID_ARGUMENT")[0])])
one("late-frame-skipped-id-ignored", "§10",
    "settled: an id below the highest REQUEST id that was never used counts as ended", "server",
    f_message(3), outcome="ignored", setup=SRV + [peer(f_request(5)[0])])
one("client-late-response-after-cancel-ignored", "§5",
    "client discards a RESPONSE for a call it cancelled", "client", f_response(1),
    outcome="ignored", setup=ONE_SENT + [local_(f_cancel(1)[0])])
one("client-late-message-after-cancel-ignored", "§5",
    "client discards a stream MESSAGE for a call it cancelled", "client", f_message(1),
    outcome="ignored", setup=ONE_SENT + [local_(f_cancel(1)[0])])

# ================================================================= malformed: framing

bad("length-below-6", "§3", "Length 5 cannot hold type, flags and id", "server",
    struct.pack(">I", 5) + b"\x02\x00\x00\x00\x00", "PROTOCOL_ERROR", setup=SRV)
bad("length-zero-prefix-alone", "§10", "Length 0 is rejected from the prefix alone", "server",
    struct.pack(">I", 0), "PROTOCOL_ERROR", setup=SRV)
bad("length-over-max-frame-size", "§10", "Length = max_frame_size + 1, whole frame present",
    "server", raw(MESSAGE, 0, 1, b"\x00" * (16384 - 5)), "FRAME_TOO_LARGE", local=SMALL,
    setup=handshake("server", SMALL) + [peer(f_request(1, method=UPLOAD_METHOD)[0])])
bad("length-over-max-frame-size-prefix-alone", "§10",
    "FRAME_TOO_LARGE is decided from the 4-byte prefix: no body follows", "server",
    struct.pack(">I", 16385), "FRAME_TOO_LARGE", local=SMALL,
    setup=handshake("server", SMALL))
bad("length-max-u32-prefix-alone", "§10", "Length 0xffffffff from the prefix alone", "server",
    b"\xff\xff\xff\xff", "FRAME_TOO_LARGE", setup=SRV)
bad("length-over-1024-before-hello", "§10",
    "before the client's HELLO the limit is 1,024: prefix alone", "server",
    struct.pack(">I", 1025), "FRAME_TOO_LARGE")
bad("length-over-1024-before-server-hello", "§10",
    "a client also limits frames to 1,024 before the server's HELLO", "client",
    struct.pack(">I", 1025) + b"\x01\x01", "FRAME_TOO_LARGE",
    setup=[local_(local_hello_for("client", None))])

for t in (0x00, 0x05, 0x18, 0xFF):
    bad(f"unknown-type-0x{t:02x}", "§10", f"frame type 0x{t:02x} is not defined", "server",
        raw(t, 0, 0 if t < 0x10 else 1, b""), "PROTOCOL_ERROR", setup=SRV)

OPEN1 = SRV + [peer(f_request(1, method=UPLOAD_METHOD)[0])]
flag_cases = [
    ("hello-client", "server", raw(HELLO, 0x02, 0, hello_body()), []),
    ("hello-server", "client", raw(HELLO, ACK | 0x80, 0, hello_body(max_concurrent_requests=128)),
     [local_(local_hello_for("client", None))]),
    ("ping", "server", raw(PING, 0x01, 0, b"\x00" * 8), SRV),
    ("pong", "server", raw(PONG, 0x01, 0, b"\x00" * 8), SRV),
    ("goaway", "server", raw(GOAWAY, 0x01, 0, goaway_body(0, 0)), SRV),
    ("request", "server", raw(REQUEST, 0x02, 1, request_body(message=PAYLOAD)), SRV),
    ("response", "client", raw(RESPONSE, 0x80, 1, PAYLOAD), ONE_SENT),
    ("message", "server", raw(MESSAGE, 0x02, 1, PAYLOAD), OPEN1),
    ("end-stream", "server", raw(END_STREAM, 0x01, 1, b""), OPEN1),
    ("error", "client", raw(ERROR, 0x01, 1, error_body(2)), ONE_SENT),
    ("cancel", "server", raw(CANCEL, 0x01, 1, b""), OPEN1),
    ("refused", "client", raw(REFUSED, 0x01, 1, refused_body(8)), ONE_SENT),
    ("credit", "server", raw(CREDIT, 0x01, 1, struct.pack(">I", 1)), OPEN1),
]
for name, receiver, frame_bytes, setup in flag_cases:
    bad(f"flags-not-allowed-{name}", "§4", f"{name.upper()} with a flag bit it does not allow",
        receiver, frame_bytes, "PROTOCOL_ERROR", setup=setup)

id_cases = [
    ("hello", "server", raw(HELLO, 0, 1, hello_body()), []),
    ("ping", "server", raw(PING, 0, 1, b"\x00" * 8), SRV),
    ("pong", "client", raw(PONG, 0, 9, b"\x00" * 8), CLI),
    ("goaway", "server", raw(GOAWAY, 0, 1, goaway_body(0, 0)), SRV),
]
for name, receiver, frame_bytes, setup in id_cases:
    bad(f"connection-frame-with-id-{name}", "§3", f"{name.upper()} must have request id 0",
        receiver, frame_bytes, "PROTOCOL_ERROR", setup=setup)
id0_cases = [
    ("request", "server", raw(REQUEST, 0, 0, request_body()), SRV),
    ("message", "server", raw(MESSAGE, 0, 0, PAYLOAD), OPEN1),
    ("end-stream", "server", raw(END_STREAM, 0, 0, b""), OPEN1),
    ("cancel", "server", raw(CANCEL, 0, 0, b""), OPEN1),
    ("credit", "server", raw(CREDIT, 0, 0, struct.pack(">I", 1)), OPEN1),
    ("response", "client", raw(RESPONSE, 0, 0, PAYLOAD), ONE_SENT),
    ("error", "client", raw(ERROR, 0, 0, error_body(2)), ONE_SENT),
]
for name, receiver, frame_bytes, setup in id0_cases:
    bad(f"call-frame-with-id-0-{name}", "§3", f"{name.upper()} with request id 0",
        receiver, frame_bytes, "PROTOCOL_ERROR", setup=setup)

OPEN1_UNARY = SRV + [peer(f_request(1)[0])]
dir_cases = [
    ("response-to-server", "server", f_response(1)[0], OPEN1_UNARY),
    ("error-to-server", "server", f_error(1, "INTERNAL")[0], OPEN1_UNARY),
    ("refused-to-server", "server", f_refused(1, "UNAVAILABLE")[0], OPEN1_UNARY),
    ("request-to-client", "client", f_request(2)[0], ONE_SENT),
    ("cancel-to-client", "client", f_cancel(1)[0], ONE_SENT),
]
for name, receiver, frame_bytes, setup in dir_cases:
    bad(f"wrong-direction-{name}", "§4", f"{name.split('-to-')[0].upper()} sent to a {receiver}",
        receiver, frame_bytes, "PROTOCOL_ERROR", setup=setup)

# ---------------------------------------------------------------- malformed: bodies
bad("truncated-hello-18-bytes", "§4.1", "HELLO body of 18 bytes (no agent_len)", "server",
    raw(HELLO, 0, 0, hello_body()[:18]), "PROTOCOL_ERROR")
bad("truncated-goaway", "§4.2", "GOAWAY body of 7 bytes", "server",
    raw(GOAWAY, 0, 0, goaway_body(0, 0)[:7]), "PROTOCOL_ERROR", setup=SRV)
bad("truncated-request-in-timeout", "§4.3", "REQUEST body of 3 bytes", "server",
    raw(REQUEST, 0, 1, b"\x00\x00\x00"), "PROTOCOL_ERROR", setup=SRV)
bad("truncated-request-no-metadata-len", "§4.3",
    "REQUEST ends right after the method: metadata_len missing", "server",
    raw(REQUEST, 0, 1, struct.pack(">IH", 0, len(METHOD)) + METHOD.encode()), "PROTOCOL_ERROR",
    setup=SRV)
bad("truncated-error", "§4.4", "ERROR body of 3 bytes", "client",
    raw(ERROR, 0, 1, b"\x00\x02\x00"), "PROTOCOL_ERROR", setup=ONE_SENT)
bad("truncated-refused", "§4.5", "REFUSED body of 3 bytes", "client",
    raw(REFUSED, 0, 1, b"\x00\x08\x00"), "PROTOCOL_ERROR", setup=ONE_SENT)
bad("credit-body-3-bytes", "§4", "CREDIT body must be exactly 4 bytes: 3", "server",
    raw(CREDIT, 0, 1, b"\x00\x00\x01"), "PROTOCOL_ERROR", setup=OPEN1)
bad("credit-body-5-bytes", "§4", "CREDIT body must be exactly 4 bytes: 5", "server",
    raw(CREDIT, 0, 1, b"\x00\x00\x00\x01\x00"), "PROTOCOL_ERROR", setup=OPEN1)
bad("ping-7-bytes", "§4", "PING body of 7 bytes", "server", raw(PING, 0, 0, b"\x00" * 7),
    "PROTOCOL_ERROR", setup=SRV)
bad("ping-9-bytes", "§4", "PING body of 9 bytes", "server", raw(PING, 0, 0, b"\x00" * 9),
    "PROTOCOL_ERROR", setup=SRV)
bad("pong-7-bytes", "§4", "PONG body of 7 bytes", "client", raw(PONG, 0, 0, b"\x00" * 7),
    "PROTOCOL_ERROR", setup=CLI)
bad("end-stream-not-empty", "§4", "END_STREAM with a 1-byte body", "server",
    raw(END_STREAM, 0, 1, b"\x00"), "PROTOCOL_ERROR", setup=OPEN1)
bad("end-stream-not-empty-to-client", "§4", "END_STREAM with a body, sent to a client", "client",
    raw(END_STREAM, 0, 1, PAYLOAD), "PROTOCOL_ERROR", setup=ONE_SENT)
bad("cancel-not-empty", "§4", "CANCEL with a 4-byte body", "server",
    raw(CANCEL, 0, 1, b"\x00\x00\x00\x00"), "PROTOCOL_ERROR", setup=OPEN1)

bad("hello-agent-len-past-frame", "§4.1", "agent_len 10 with 3 agent bytes", "server",
    raw(HELLO, 0, 0, hello_body(agent=b"abc", agent_len=10)), "PROTOCOL_ERROR")
bad("request-method-len-past-frame", "§4.3", "method_len larger than what follows", "server",
    raw(REQUEST, 0, 1, struct.pack(">IH", 0, 200) + METHOD.encode()), "PROTOCOL_ERROR",
    setup=SRV)
bad("request-metadata-len-past-frame", "§4.3", "metadata_len larger than what follows", "server",
    raw(REQUEST, 0, 1, request_body(metadata=md_entry(1, TRACEPARENT), metadata_len=100)),
    "PROTOCOL_ERROR", setup=SRV)
bad("request-metadata-value-len-past-block", "§6",
    "an entry's value_len runs past metadata_len (though not past the frame)", "server",
    raw(REQUEST, 0, 1, request_body(metadata=md_entry(0x03, b"abc", value_len=5),
                                    message=PAYLOAD)), "PROTOCOL_ERROR", setup=SRV)
bad("request-metadata-entry-header-truncated", "§6",
    "metadata block of 2 bytes cannot hold an entry header (3 bytes)", "server",
    raw(REQUEST, 0, 1, request_body(metadata=b"\x03\x00")), "PROTOCOL_ERROR", setup=SRV)
bad("request-metadata-len-over-8192", "§10",
    "settled: metadata_len over 8,192 is a PROTOCOL_ERROR even when the bytes are present",
    "server", raw(REQUEST, 0, 1, request_body(metadata=md_entry(0x80, b"\x00" * 8190))),
    "PROTOCOL_ERROR", setup=SRV)
bad("request-method-len-zero", "§4.3", "settled: method_len 0 is outside 1 – 255", "server",
    raw(REQUEST, 0, 1, request_body(method=b"")), "PROTOCOL_ERROR", setup=SRV)
bad("request-method-len-256", "§10",
    "settled: a method of 256 bytes breaks the 255-byte limit: PROTOCOL_ERROR", "server",
    raw(REQUEST, 0, 1, request_body(method=b"a." + b"a" * 240 + b".S/M" + b"x" * 10)),
    "PROTOCOL_ERROR", setup=SRV)
bad("goaway-message-len-past-frame", "§4.2", "GOAWAY message_len larger than what follows",
    "server", raw(GOAWAY, 0, 0, goaway_body(0, 0, b"bye", msg_len=4)), "PROTOCOL_ERROR",
    setup=SRV)
bad("goaway-trailing-bytes", "§4.2",
    "settled: bytes after a GOAWAY's message are malformed (only HELLO may be extended)",
    "client", raw(GOAWAY, 0, 0, goaway_body(0, 0, b"bye") + b"\x00"), "PROTOCOL_ERROR",
    setup=CLI)
bad("error-message-len-past-frame", "§4.4", "ERROR message_len larger than the body", "client",
    raw(ERROR, 0, 1, error_body(13, b"oops", msg_len=50)), "PROTOCOL_ERROR", setup=ONE_SENT)
bad("refused-message-len-past-frame", "§4.5", "REFUSED message_len larger than the body",
    "client", raw(REFUSED, 0, 1, refused_body(14, b"x", msg_len=2)), "PROTOCOL_ERROR",
    setup=ONE_SENT)
bad("refused-trailing-bytes", "§4.5", "settled: bytes after a REFUSED message are malformed",
    "client", raw(REFUSED, 0, 1, refused_body(14, b"x") + b"\x01"), "PROTOCOL_ERROR",
    setup=ONE_SENT)

bad("request-method-not-utf8", "§10", "method bytes that are not UTF-8", "server",
    raw(REQUEST, 0, 1, request_body(method=b"township.intake.v1.Intake/Submit\xff")),
    "PROTOCOL_ERROR", setup=SRV)
bad("goaway-message-not-utf8", "§10", "GOAWAY message that is not UTF-8", "client",
    raw(GOAWAY, 0, 0, goaway_body(0, 0, b"\xc3\x28")), "PROTOCOL_ERROR", setup=CLI)
bad("error-message-not-utf8", "§10", "ERROR message that is not UTF-8 (overlong encoding)",
    "client", raw(ERROR, 0, 1, error_body(2, b"\xc0\xaf")), "PROTOCOL_ERROR", setup=ONE_SENT)
bad("refused-message-not-utf8", "§10", "REFUSED message that is not UTF-8 (surrogate)",
    "client", raw(REFUSED, 0, 1, refused_body(8, b"\xed\xa0\x80")), "PROTOCOL_ERROR",
    setup=ONE_SENT)
bad("hello-agent-not-utf8", "§2", "agent that is not UTF-8", "server",
    raw(HELLO, 0, 0, hello_body(agent=b"\xfe\xff")), "PROTOCOL_ERROR")

bad("error-message-over-1024", "§10", "ERROR message of 1,025 bytes", "client",
    raw(ERROR, 0, 1, error_body(2, b"e" * 1025)), "PROTOCOL_ERROR", setup=ONE_SENT)
bad("goaway-message-over-1024", "§10", "GOAWAY message of 1,025 bytes", "client",
    raw(GOAWAY, 0, 0, goaway_body(0, 0, b"g" * 1025)), "PROTOCOL_ERROR", setup=CLI)
bad("refused-message-over-1024", "§10", "REFUSED message of 1,025 bytes", "client",
    raw(REFUSED, 0, 1, refused_body(8, b"r" * 1025)), "PROTOCOL_ERROR", setup=ONE_SENT)
one("error-message-1024", "§4.4", "ERROR message of exactly 1,024 bytes is allowed", "client",
    f_error(1, "UNKNOWN", "m" * 1024), setup=ONE_SENT)
bad("error-status-ok", "§4.4", "settled: ERROR with status OK is a PROTOCOL_ERROR", "client",
    raw(ERROR, 0, 1, error_body(0, b"")), "PROTOCOL_ERROR", setup=ONE_SENT)
bad("credit-increment-zero", "§4", "settled: CREDIT increment 0 is outside 1 – 1,024",
    "server", raw(CREDIT, 0, 1, struct.pack(">I", 0)), "PROTOCOL_ERROR", setup=OPEN1)
bad("credit-increment-1025", "§4", "settled: CREDIT increment 1,025 is outside 1 – 1,024",
    "server", raw(CREDIT, 0, 1, struct.pack(">I", 1025)), "PROTOCOL_ERROR", setup=OPEN1)

# ---------------------------------------------------------------- malformed: HELLO state
bad("frame-before-hello-ping", "§2", "PING before the client's HELLO", "server",
    f_ping(b"\x00" * 8)[0], "PROTOCOL_ERROR")
bad("frame-before-hello-request", "§2", "REQUEST before the client's HELLO", "server",
    f_request(1)[0], "PROTOCOL_ERROR")
bad("frame-before-server-hello", "§2", "a client receives PING before the server's HELLO",
    "client", f_ping(b"\x00" * 8)[0], "PROTOCOL_ERROR",
    setup=[local_(local_hello_for("client", None))])
b, o = f_hello()
bad("second-hello-to-server", "§10", "a second client HELLO after the exchange", "server",
    b, "PROTOCOL_ERROR", setup=SRV)
b, o = f_hello()
bad("second-hello-in-one-read", "§10", "two client HELLOs in one read: the first is decoded",
    "server", b + b, "PROTOCOL_ERROR", frames=[o])
bad("second-hello-to-client", "§10", "a second server HELLO", "client",
    f_hello(ack=True)[0], "PROTOCOL_ERROR", setup=CLI)
bad("hello-from-client-with-ack", "§10", "client HELLO carrying ACK", "server",
    f_hello(ack=True)[0], "PROTOCOL_ERROR")
bad("hello-from-server-without-ack", "§10", "server HELLO without ACK", "client",
    raw(HELLO, 0, 0, hello_body(max_concurrent_requests=128)), "PROTOCOL_ERROR",
    setup=[local_(local_hello_for("client", None))])
for name, kwargs in [("max-frame-size-16383", {"max_frame_size": 16383}),
                     ("max-frame-size-16777217", {"max_frame_size": 16777217}),
                     ("initial-credit-0", {"initial_stream_credit": 0}),
                     ("initial-credit-1025", {"initial_stream_credit": 1025})]:
    bad(f"bad-hello-{name}", "§2", f"client HELLO with {name.replace('-', ' ')}: out of range",
        "server", raw(HELLO, 0, 0, hello_body(**kwargs)), "PROTOCOL_ERROR")
bad("bad-hello-server-max-concurrent-0", "§2", "a server HELLO with max_concurrent_requests 0",
    "client", raw(HELLO, ACK, 0, hello_body(max_concurrent_requests=0)), "PROTOCOL_ERROR",
    setup=[local_(local_hello_for("client", None))])
bad("bad-hello-server-initial-credit-0", "§2", "a server HELLO with initial_stream_credit 0",
    "client", raw(HELLO, ACK, 0, hello_body(max_concurrent_requests=128, initial_stream_credit=0)),
    "PROTOCOL_ERROR", setup=[local_(local_hello_for("client", None))])
bad("version-mismatch-2", "§2", "client HELLO with version 2: UNSUPPORTED_VERSION", "server",
    raw(HELLO, 0, 0, hello_body(version=2)), "UNSUPPORTED_VERSION")
bad("version-mismatch-0", "§2",
    "settled: version 0 is 'another version' (UNSUPPORTED_VERSION), not a range error",
    "server", raw(HELLO, 0, 0, hello_body(version=0)), "UNSUPPORTED_VERSION")
bad("version-mismatch-from-server", "§10", "server HELLO with version 2", "client",
    raw(HELLO, ACK, 0, hello_body(version=2, max_concurrent_requests=128)),
    "UNSUPPORTED_VERSION", setup=[local_(local_hello_for("client", None))])

# ---------------------------------------------------------------- malformed: call state
b, o = f_request(5)
bad("request-id-duplicate", "§5", "a second REQUEST with id 5", "server", b + b,
    "PROTOCOL_ERROR", frames=[o], setup=SRV)
b3, _ = f_request(3)
bad("request-id-decreasing", "§5", "REQUEST 3 after REQUEST 5", "server", b + b3,
    "PROTOCOL_ERROR", frames=[o], setup=SRV)
bad("request-id-reused-after-end", "§5", "REQUEST reusing the id of an ended call", "server",
    f_request(1)[0], "PROTOCOL_ERROR", setup=ENDED)
for name, fb in [("message", f_message(2)[0]), ("credit", f_credit(2, 1)[0]),
                 ("cancel", f_cancel(2)[0]), ("end-stream", f_end(2)[0])]:
    bad(f"{name}-never-opened", "§10",
        f"{name.upper()} for id 2, above the highest REQUEST id 1", "server", fb,
        "PROTOCOL_ERROR", setup=OPEN1)
bad("message-never-opened-no-requests", "§10", "MESSAGE with no REQUEST yet", "server",
    f_message(1)[0], "PROTOCOL_ERROR", setup=SRV)
bad("message-after-end-stream", "§10", "MESSAGE after the client's END_STREAM on an open call",
    "server", f_end(1)[0] + f_message(1)[0], "PROTOCOL_ERROR", frames=[f_end(1)[1]],
    setup=OPEN1)
bad("second-end-stream", "§10", "two END_STREAMs on an open call", "server",
    f_end(1)[0] + f_end(1)[0], "PROTOCOL_ERROR", frames=[f_end(1)[1]], setup=OPEN1)
bad("client-response-for-id-never-sent", "§10", "RESPONSE for id 2; the client sent only 1",
    "client", f_response(2)[0], "PROTOCOL_ERROR", setup=ONE_SENT)
bad("client-message-for-id-never-sent", "§10", "MESSAGE before the client sent any REQUEST",
    "client", f_message(1)[0], "PROTOCOL_ERROR", setup=CLI)
bad("client-error-for-id-never-sent", "§10", "ERROR for an id the client never used", "client",
    f_error(9, "INTERNAL")[0], "PROTOCOL_ERROR", setup=ONE_SENT)

# ---------------------------------------------------------------- compression
NOZLIB = {"capabilities": 0}
bad("compressed-without-zlib-local", "§8",
    "COMPRESSED MESSAGE when the receiver did not advertise ZLIB", "server",
    f_compressed(MESSAGE, 1, BIG_PAYLOAD)[0], "PROTOCOL_ERROR", local=NOZLIB,
    setup=handshake("server", NOZLIB) + [peer(f_request(1, method=UPLOAD_METHOD)[0])])
bad("compressed-without-zlib-peer", "§10",
    "settled: COMPRESSED REQUEST when only the receiver advertised ZLIB: not negotiated (§10)",
    "server", f_request_compressed(1, BIG_PAYLOAD)[0], "PROTOCOL_ERROR",
    setup=handshake("server", None, f_hello(capabilities=0)[0]))
bad("compressed-without-zlib-to-client", "§8", "COMPRESSED RESPONSE to a client without ZLIB",
    "client", f_compressed(RESPONSE, 1, BIG_PAYLOAD)[0], "PROTOCOL_ERROR", local=NOZLIB,
    setup=handshake("client", NOZLIB) + [local_(f_request(1)[0])])
good = zlib.compress(BIG_PAYLOAD)
corrupt = bytearray(good)
corrupt[len(corrupt) // 2] ^= 0xFF
corrupt_checksum = good[:-1] + bytes([good[-1] ^ 0x01])
comp_cases = [
    ("corrupt-deflate", "a byte flipped in the middle of the deflate data",
     compressed_form(BIG_PAYLOAD, stream=bytes(corrupt))),
    ("corrupt-header", "a zlib header that is not a zlib header",
     compressed_form(BIG_PAYLOAD, stream=b"\x00\x00" + good[2:])),
    ("bad-adler32", "the adler-32 trailer does not match",
     compressed_form(BIG_PAYLOAD, stream=corrupt_checksum)),
    ("truncated", "the zlib stream is cut 6 bytes before its end",
     compressed_form(BIG_PAYLOAD, stream=good[:-6])),
    ("trailing-bytes", "bytes after the end of the zlib stream",
     compressed_form(BIG_PAYLOAD, stream=good + b"\x00\x01")),
    ("declared-smaller", "uncompressed_len smaller than what the stream inflates to",
     compressed_form(BIG_PAYLOAD, declared=len(BIG_PAYLOAD) - 1)),
    ("declared-larger", "uncompressed_len larger than what the stream inflates to",
     compressed_form(BIG_PAYLOAD, declared=len(BIG_PAYLOAD) + 1)),
    ("shorter-than-4", "a compressed form of 3 bytes", b"\x00\x00\x01"),
    ("empty", "a compressed form of 0 bytes", b""),
]
for name, description, body in comp_cases:
    bad(f"compressed-{name}", "§8", description, "server", raw(MESSAGE, COMPRESSED, 1, body),
        "COMPRESSION_ERROR", setup=OPEN1)
bomb = b"\x00" * 16385
bad("compressed-declared-over-cap", "§8",
    "uncompressed_len 16,385 over the receiver's max_frame_size 16,384", "server",
    raw(MESSAGE, COMPRESSED, 1, compressed_form(bomb)), "COMPRESSION_ERROR", local=SMALL,
    setup=handshake("server", SMALL) + [peer(f_request(1, method=UPLOAD_METHOD)[0])])
bad("compressed-lies-under-cap", "§8",
    "declares 16 bytes but inflates to 16,385: stop at the cap, COMPRESSION_ERROR", "server",
    raw(MESSAGE, COMPRESSED, 1, compressed_form(bomb, declared=16)), "COMPRESSION_ERROR",
    local=SMALL,
    setup=handshake("server", SMALL) + [peer(f_request(1, method=UPLOAD_METHOD)[0])])
bad("compressed-request-empty-message-part", "§8",
    "a COMPRESSED REQUEST whose message part is empty is shorter than 4 bytes", "server",
    raw(REQUEST, COMPRESSED, 1, request_body()), "COMPRESSION_ERROR", setup=SRV)
bad("compressed-response-corrupt", "§8", "a corrupt compressed RESPONSE to a client", "client",
    raw(RESPONSE, COMPRESSED, 1, compressed_form(BIG_PAYLOAD, stream=bytes(corrupt))),
    "COMPRESSION_ERROR", setup=ONE_SENT)

# ---------------------------------------------------------------- flow control
b, o = f_message(1)
bad("message-without-credit", "§9", "initial credit 1: the second MESSAGE has no credit",
    "server", b + b, "FLOW_CONTROL_ERROR", frames=[o], local=CREDIT1,
    setup=handshake("server", CREDIT1) + [peer(f_request(1, method=UPLOAD_METHOD)[0])])
b, o = f_message(1)
bad("message-without-credit-to-client", "§9",
    "client's initial credit 2: the third server MESSAGE has no credit", "client",
    b * 3, "FLOW_CONTROL_ERROR", frames=[o, o], local={"initial_stream_credit": 2},
    setup=handshake("client", {"initial_stream_credit": 2}) + [local_(f_request(1)[0])])
credits = [f_credit(1, 1024) for _ in range(64)]
bad("credit-overflow", "§9",
    "peer's initial credit 1,024 plus 63 × 1,024 = 65,536 is fine; the 64th CREDIT overflows",
    "server", b"".join(c[0] for c in credits), "FLOW_CONTROL_ERROR",
    frames=[c[1] for c in credits[:63]],
    setup=handshake("server", None, f_hello(initial_stream_credit=1024)[0])
    + [peer(f_request(1, method=STREAM_METHOD)[0])])

# ---------------------------------------------------------------- refused
b, o = f_request(3)
vec("request-over-max-concurrent", "§10", "limit 1 with call 1 open: REQUEST 3 is REFUSED",
    "server", b, [o], refused(3, "RESOURCE_EXHAUSTED"), local=ONECALL,
    setup=handshake("server", ONECALL) + [peer(f_request(1)[0])])
b, o = f_request(2)
vec("request-after-local-goaway", "§11", "after the server's GOAWAY(1, OK): REFUSED(UNAVAILABLE)",
    "server", b, [o], refused(2, "UNAVAILABLE"),
    setup=SRV + [peer(f_request(1)[0]), local_(f_goaway(1, "OK")[0])])

# ---------------------------------------------------------------- call errors
md_cases = [
    ("duplicate-key", "idempotency-key given twice", [(0x03, b"k1"), (0x03, b"k2")]),
    ("duplicate-traceparent", "traceparent given twice",
     [(0x01, TRACEPARENT), (0x02, b"a=b"), (0x01, TRACEPARENT)]),
    ("traceparent-54-bytes", "traceparent must be exactly 55 bytes", [(0x01, TRACEPARENT[:54])]),
    ("traceparent-56-bytes", "traceparent must be exactly 55 bytes", [(0x01, TRACEPARENT + b"0")]),
    ("traceparent-not-ascii", "traceparent with a non-ASCII byte",
     [(0x01, TRACEPARENT[:54] + b"\xe9")]),
    ("tracestate-513-bytes", "tracestate over 512 bytes", [(0x02, b"k=" + b"v" * 511)]),
    ("idempotency-key-space", "idempotency key with a space (0x20 is not printable here)",
     [(0x03, b"ticket 1")]),
    ("idempotency-key-empty", "idempotency key of 0 bytes", [(0x03, b"")]),
    ("idempotency-key-129-bytes", "idempotency key of 129 bytes", [(0x03, b"k" * 129)]),
    ("idempotency-key-del", "idempotency key with 0x7f", [(0x03, b"abc\x7f")]),
    ("principal-4097-bytes", "principal over 4,096 bytes", [(0x04, b"\x00" * 4097)]),
]
for name, description, md in md_cases:
    b, o = f_request(1, metadata=md, message=PAYLOAD)
    vec(f"metadata-{name}", "§6", description + ": ERROR(INVALID_ARGUMENT), connection stays",
        "server", b, [o], call_err(1, "INVALID_ARGUMENT"), setup=SRV)
for name, method in [("lowercase-service", "township.intake.v1.intake/SubmitTicket"),
                     ("no-package", "Intake/SubmitTicket"),
                     ("no-slash", "township.intake.v1.Intake.SubmitTicket"),
                     ("uppercase-package", "Township.intake.v1.Intake/SubmitTicket"),
                     ("trailing-space", "township.intake.v1.Intake/SubmitTicket ")]:
    b, o = f_request(1, method=method, message=PAYLOAD)
    vec(f"method-bad-name-{name}", "§4.3",
        f"method {method!r} does not match the regular expression: ERROR(INVALID_ARGUMENT)",
        "server", b, [o], call_err(1, "INVALID_ARGUMENT"), setup=SRV)
b1, o1 = f_request(1, message=PAYLOAD)
b2, o2 = f_request(2, metadata=[(0x03, b"")])
vec("call-error-after-good-request", "§10",
    "a good REQUEST then one with a bad metadata value: only call 2 fails", "server", b1 + b2,
    [o1, o2], call_err(2, "INVALID_ARGUMENT"), setup=SRV)


# ---------------------------------------------------------------- settled: last_request_id
# A REQUEST that breaks the connection was not processed: it does not count for the GOAWAY's
# last_request_id, whether it fails to parse or its compressed message is bad (§4.2, §13).
b1, o1 = f_request(1, message=PAYLOAD)
bad_body = request_body(b"", b"", PAYLOAD)
vec("settled-unparsable-request-not-counted", "§4.2",
    "settled: a REQUEST that fails to parse (method length 0) does not count for GOAWAY's "
    "last_request_id: GOAWAY(1, PROTOCOL_ERROR)", "server", b1 + raw(REQUEST, 0, 2, bad_body),
    [o1], conn_err("PROTOCOL_ERROR"), encode=False, setup=SRV, last_request_id=1)
vec("settled-bad-compressed-request-not-counted", "§4.2",
    "settled: a REQUEST whose compressed message is corrupt does not count for GOAWAY's "
    "last_request_id either: GOAWAY(1, COMPRESSION_ERROR)", "server",
    b1 + raw(REQUEST, COMPRESSED, 2, request_body(METHOD.encode(), b"",
                                                  compressed_form(BIG_PAYLOAD, stream=bytes(corrupt)))),
    [o1], conn_err("COMPRESSION_ERROR"), encode=False, setup=SRV, last_request_id=1)


def main():
    document = {"protocol": "twp/1", "defaults": DEFAULTS, "vectors": VECTORS}
    OUT.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(VECTORS)} vectors to {OUT}")


if __name__ == "__main__":
    main()
