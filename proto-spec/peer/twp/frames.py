"""TWP/1 frame codec (spec §3, §4, §6, §8): bytes <-> typed frames, no connection state.

The decoder checks everything a single frame can break on its own: Length, type, flags,
request id, direction for the receiving role, body layout, field ranges and UTF-8.
Rules that need connection state (HELLO order, call ids, credit, negotiated compression)
live in connection.py.
"""

from __future__ import annotations

import enum
import re
import struct
import zlib
from dataclasses import dataclass

PREFIX_LEN = 4
HEADER_LEN = 6  # type + flags + request id, counted in Length
LIMIT_BEFORE_HELLO = 1024
MIN_MAX_FRAME_SIZE = 16_384
MAX_MAX_FRAME_SIZE = 16_777_216
MAX_INITIAL_CREDIT = 1024
MAX_CREDIT_INCREMENT = 1024
MAX_AVAILABLE_CREDIT = 65_536
MAX_TEXT = 1024  # ERROR / REFUSED / GOAWAY message
MAX_METHOD = 255
MAX_METADATA_BLOCK = 8192
MAX_AGENT = 255
HELLO_FIXED = 19
PROTOCOL_VERSION = 1
CAP_ZLIB = 0x1
FLAG_ACK = 0x01
FLAG_COMPRESSED = 0x01

METHOD_PATTERN = re.compile(
    r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.[A-Z][A-Za-z0-9]*/[A-Z][A-Za-z0-9]*")


class FrameType(enum.IntEnum):
    HELLO = 0x01
    PING = 0x02
    PONG = 0x03
    GOAWAY = 0x04
    REQUEST = 0x10
    RESPONSE = 0x11
    MESSAGE = 0x12
    END_STREAM = 0x13
    ERROR = 0x14
    CANCEL = 0x15
    REFUSED = 0x16
    CREDIT = 0x17


class Role(enum.Enum):
    CLIENT = "client"
    SERVER = "server"

    @property
    def peer(self) -> "Role":
        return Role.SERVER if self is Role.CLIENT else Role.CLIENT


class Status(enum.IntEnum):
    """Call status, §7.1."""
    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16


class Code(enum.IntEnum):
    """Connection error code, §7.2."""
    OK = 0
    PROTOCOL_ERROR = 256
    FRAME_TOO_LARGE = 257
    UNSUPPORTED_VERSION = 258
    COMPRESSION_ERROR = 259
    FLOW_CONTROL_ERROR = 260
    HELLO_TIMEOUT = 261
    ENHANCE_YOUR_CALM = 262
    INTERNAL_ERROR = 263


def status_name(value: int) -> str:
    """Unknown codes read as UNKNOWN (§12) but the number is kept in the frame."""
    try:
        return Status(value).name
    except ValueError:
        return "UNKNOWN"


def code_name(value: int) -> str:
    try:
        return Code(value).name
    except ValueError:
        return f"CODE_{value}"


class ConnectionFailure(Exception):
    """The input breaks the spec so the connection must close with GOAWAY(code)."""

    def __init__(self, code: Code, reason: str):
        super().__init__(f"{code.name}: {reason}")
        self.code = code
        self.reason = reason


def protocol_error(reason: str) -> ConnectionFailure:
    return ConnectionFailure(Code.PROTOCOL_ERROR, reason)


# --------------------------------------------------------------------------- frames

@dataclass(frozen=True)
class Hello:
    version: int = PROTOCOL_VERSION
    max_frame_size: int = 4_194_304
    max_concurrent_requests: int = 0
    initial_stream_credit: int = 16
    capabilities: int = CAP_ZLIB
    agent: str = ""
    flags: int = 0
    request_id: int = 0
    type = FrameType.HELLO

    @property
    def is_ack(self) -> bool:
        return bool(self.flags & FLAG_ACK)


@dataclass(frozen=True)
class Ping:
    opaque: bytes
    flags: int = 0
    request_id: int = 0
    type = FrameType.PING


@dataclass(frozen=True)
class Pong:
    opaque: bytes
    flags: int = 0
    request_id: int = 0
    type = FrameType.PONG


@dataclass(frozen=True)
class GoAway:
    last_request_id: int
    code: int = Code.OK
    message: str = ""
    flags: int = 0
    request_id: int = 0
    type = FrameType.GOAWAY


@dataclass(frozen=True)
class MetadataEntry:
    key: int
    value: bytes


@dataclass(frozen=True)
class Request:
    request_id: int
    method: str
    message: bytes = b""
    timeout_ms: int = 0
    metadata: tuple[MetadataEntry, ...] = ()
    flags: int = 0
    type = FrameType.REQUEST


@dataclass(frozen=True)
class Response:
    request_id: int
    message: bytes = b""
    flags: int = 0
    type = FrameType.RESPONSE


@dataclass(frozen=True)
class Message:
    request_id: int
    message: bytes = b""
    flags: int = 0
    type = FrameType.MESSAGE


@dataclass(frozen=True)
class EndStream:
    request_id: int
    flags: int = 0
    type = FrameType.END_STREAM


@dataclass(frozen=True)
class Error:
    request_id: int
    status: int
    message: str = ""
    details: bytes = b""
    flags: int = 0
    type = FrameType.ERROR


@dataclass(frozen=True)
class Cancel:
    request_id: int
    flags: int = 0
    type = FrameType.CANCEL


@dataclass(frozen=True)
class Refused:
    request_id: int
    status: int
    message: str = ""
    flags: int = 0
    type = FrameType.REFUSED


@dataclass(frozen=True)
class Credit:
    request_id: int
    increment: int
    flags: int = 0
    type = FrameType.CREDIT


Frame = (Hello | Ping | Pong | GoAway | Request | Response | Message | EndStream | Error
         | Cancel | Refused | Credit)

CONNECTION_TYPES = {FrameType.HELLO, FrameType.PING, FrameType.PONG, FrameType.GOAWAY}
MESSAGE_TYPES = {FrameType.REQUEST, FrameType.RESPONSE, FrameType.MESSAGE}
ALLOWED_FLAGS = {t: (FLAG_COMPRESSED if t in MESSAGE_TYPES else 0) for t in FrameType}
ALLOWED_FLAGS[FrameType.HELLO] = FLAG_ACK
# Types a receiver of the given role may get; others travel the wrong way (§4 table).
ONLY_TO_SERVER = {FrameType.REQUEST, FrameType.CANCEL}
ONLY_TO_CLIENT = {FrameType.RESPONSE, FrameType.ERROR, FrameType.REFUSED}


# --------------------------------------------------------------------------- stream splitting

@dataclass
class RawFrame:
    type: int
    flags: int
    request_id: int
    body: bytes


class FrameSplitter:
    """Cuts a byte stream into raw frames; judges Length from the 4-byte prefix alone."""

    def __init__(self, max_length: int = LIMIT_BEFORE_HELLO):
        self.max_length = max_length
        self._buffer = bytearray()

    @property
    def pending(self) -> int:
        return len(self._buffer)

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def next(self) -> RawFrame | None:
        """The next whole frame, None if more bytes are needed; raises ConnectionFailure."""
        if len(self._buffer) < PREFIX_LEN:
            return None
        (length,) = struct.unpack_from(">I", self._buffer)
        if length < HEADER_LEN:
            raise protocol_error(f"Length {length} < 6")
        if length > self.max_length:
            raise ConnectionFailure(Code.FRAME_TOO_LARGE,
                                    f"Length {length} > {self.max_length}")
        if len(self._buffer) < PREFIX_LEN + length:
            return None
        ftype, flags, request_id = struct.unpack_from(">BBI", self._buffer, PREFIX_LEN)
        body = bytes(self._buffer[PREFIX_LEN + HEADER_LEN:PREFIX_LEN + length])
        del self._buffer[:PREFIX_LEN + length]
        return RawFrame(ftype, flags, request_id, body)


# --------------------------------------------------------------------------- decoding

class _Reader:
    """Reads fields off a body; running past the end is a PROTOCOL_ERROR."""

    def __init__(self, data: bytes, what: str):
        self.data = data
        self.pos = 0
        self.what = what

    def take(self, n: int, field_name: str) -> bytes:
        if self.pos + n > len(self.data):
            raise protocol_error(f"{self.what}: {field_name} runs past the end")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u8(self, name: str) -> int:
        return self.take(1, name)[0]

    def u16(self, name: str) -> int:
        return struct.unpack(">H", self.take(2, name))[0]

    def u32(self, name: str) -> int:
        return struct.unpack(">I", self.take(4, name))[0]

    def rest(self) -> bytes:
        out = self.data[self.pos:]
        self.pos = len(self.data)
        return out

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos

    def end(self) -> None:
        if self.remaining:
            raise protocol_error(f"{self.what}: {self.remaining} unexpected trailing bytes")


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise protocol_error(f"{what} is not UTF-8") from None


def _text(r: _Reader, what: str) -> str:
    length = r.u16(f"{what} length")
    if length > MAX_TEXT:
        raise protocol_error(f"{what} of {length} bytes > {MAX_TEXT}")
    return _utf8(r.take(length, what), what)


def check_header(raw: RawFrame, receiver: Role) -> FrameType:
    """Type, flags, id and direction: the checks every frame shares (§3, §4, §10)."""
    try:
        ftype = FrameType(raw.type)
    except ValueError:
        raise protocol_error(f"unknown frame type 0x{raw.type:02x}") from None
    if raw.flags & ~ALLOWED_FLAGS[ftype]:
        raise protocol_error(f"{ftype.name}: flags 0x{raw.flags:02x} not allowed")
    if ftype in CONNECTION_TYPES and raw.request_id != 0:
        raise protocol_error(f"{ftype.name} with request id {raw.request_id}")
    if ftype not in CONNECTION_TYPES and raw.request_id == 0:
        raise protocol_error(f"{ftype.name} with request id 0")
    wrong_way = ONLY_TO_SERVER if receiver is Role.CLIENT else ONLY_TO_CLIENT
    if ftype in wrong_way:
        raise protocol_error(f"{ftype.name} sent to a {receiver.value}")
    if ftype is FrameType.HELLO:
        if receiver is Role.SERVER and raw.flags & FLAG_ACK:
            raise protocol_error("client HELLO with ACK")
        if receiver is Role.CLIENT and not raw.flags & FLAG_ACK:
            raise protocol_error("server HELLO without ACK")
    return ftype


def decode_hello(raw: RawFrame) -> Hello:
    r = _Reader(raw.body, "HELLO")
    # The version decides what the rest means, so it is judged first (settled point).
    if len(raw.body) >= 2:
        (version,) = struct.unpack_from(">H", raw.body)
        if version != PROTOCOL_VERSION:
            # The exact message §2 asks for.
            raise ConnectionFailure(Code.UNSUPPORTED_VERSION, f"supported: {PROTOCOL_VERSION}")
    if len(raw.body) < HELLO_FIXED:
        raise protocol_error(f"HELLO body of {len(raw.body)} bytes < {HELLO_FIXED}")
    version = r.u16("version")
    max_frame_size = r.u32("max_frame_size")
    max_concurrent = r.u16("max_concurrent_requests")
    credit = r.u16("initial_stream_credit")
    capabilities = r.u32("capabilities")
    r.u32("reserved")  # ignored on receipt
    agent = _utf8(r.take(r.u8("agent_len"), "agent"), "agent")
    # Trailing bytes are extensions (§12): ignored.
    hello = Hello(version, max_frame_size, max_concurrent, credit, capabilities, agent,
                  raw.flags, raw.request_id)
    check_hello_ranges(hello)
    return hello


def check_hello_ranges(hello: Hello) -> None:
    if not MIN_MAX_FRAME_SIZE <= hello.max_frame_size <= MAX_MAX_FRAME_SIZE:
        raise protocol_error(f"bad HELLO: max_frame_size {hello.max_frame_size}")
    if not 1 <= hello.initial_stream_credit <= MAX_INITIAL_CREDIT:
        raise protocol_error(f"bad HELLO: initial_stream_credit {hello.initial_stream_credit}")
    if hello.is_ack and hello.max_concurrent_requests == 0:
        raise protocol_error("bad HELLO: server max_concurrent_requests 0")
    if len(hello.agent.encode()) > MAX_AGENT:
        raise protocol_error("bad HELLO: agent over 255 bytes")


def decode_metadata(block: bytes) -> tuple[MetadataEntry, ...]:
    r = _Reader(block, "metadata")
    entries = []
    while r.remaining:
        key = r.u8("key")
        value = r.take(r.u16("value_len"), "metadata value")
        entries.append(MetadataEntry(key, value))
    return tuple(entries)


def decode_request(raw: RawFrame) -> Request:
    r = _Reader(raw.body, "REQUEST")
    timeout_ms = r.u32("timeout_ms")
    method_len = r.u16("method_len")
    if not 1 <= method_len <= MAX_METHOD:
        raise protocol_error(f"method_len {method_len} outside 1 – {MAX_METHOD}")
    method = _utf8(r.take(method_len, "method"), "method")
    metadata_len = r.u16("metadata_len")
    if metadata_len > MAX_METADATA_BLOCK:
        raise protocol_error(f"metadata_len {metadata_len} > {MAX_METADATA_BLOCK}")
    metadata = decode_metadata(r.take(metadata_len, "metadata"))
    return Request(raw.request_id, method, r.rest(), timeout_ms, metadata, raw.flags)


def decode_goaway(raw: RawFrame) -> GoAway:
    r = _Reader(raw.body, "GOAWAY")
    last = r.u32("last_request_id")
    code = r.u16("code")
    message = _text(r, "GOAWAY message")
    r.end()
    return GoAway(last, code, message, raw.flags, raw.request_id)


def decode_error(raw: RawFrame) -> Error:
    r = _Reader(raw.body, "ERROR")
    status = r.u16("status")
    if status == Status.OK:
        raise protocol_error("ERROR with status OK")
    message = _text(r, "ERROR message")
    return Error(raw.request_id, status, message, r.rest(), raw.flags)


def decode_refused(raw: RawFrame) -> Refused:
    r = _Reader(raw.body, "REFUSED")
    status = r.u16("status")
    message = _text(r, "REFUSED message")
    r.end()
    return Refused(raw.request_id, status, message, raw.flags)


def _exact(raw: RawFrame, size: int, name: str) -> bytes:
    if len(raw.body) != size:
        raise protocol_error(f"{name} body of {len(raw.body)} bytes, must be {size}")
    return raw.body


def decode_credit(raw: RawFrame) -> Credit:
    (increment,) = struct.unpack(">I", _exact(raw, 4, "CREDIT"))
    if not 1 <= increment <= MAX_CREDIT_INCREMENT:
        raise protocol_error(f"CREDIT increment {increment} outside 1 – {MAX_CREDIT_INCREMENT}")
    return Credit(raw.request_id, increment, raw.flags)


def decode_body(raw: RawFrame, ftype: FrameType) -> Frame:
    """The typed frame; message parts stay compressed if the flag says so."""
    match ftype:
        case FrameType.HELLO:
            return decode_hello(raw)
        case FrameType.PING:
            return Ping(_exact(raw, 8, "PING"), raw.flags)
        case FrameType.PONG:
            return Pong(_exact(raw, 8, "PONG"), raw.flags)
        case FrameType.GOAWAY:
            return decode_goaway(raw)
        case FrameType.REQUEST:
            return decode_request(raw)
        case FrameType.RESPONSE:
            return Response(raw.request_id, raw.body, raw.flags)
        case FrameType.MESSAGE:
            return Message(raw.request_id, raw.body, raw.flags)
        case FrameType.END_STREAM:
            _exact(raw, 0, "END_STREAM")
            return EndStream(raw.request_id, raw.flags)
        case FrameType.ERROR:
            return decode_error(raw)
        case FrameType.CANCEL:
            _exact(raw, 0, "CANCEL")
            return Cancel(raw.request_id, raw.flags)
        case FrameType.REFUSED:
            return decode_refused(raw)
        case FrameType.CREDIT:
            return decode_credit(raw)
    raise AssertionError(ftype)


def decode_frame(raw: RawFrame, receiver: Role) -> Frame:
    return decode_body(raw, check_header(raw, receiver))


# --------------------------------------------------------------------------- compression (§8)

def inflate(form: bytes, cap: int) -> bytes:
    """The message of a compressed form, inflating at most cap (+1 to see overflow) bytes."""
    if len(form) < 4:
        raise ConnectionFailure(Code.COMPRESSION_ERROR, "compressed form shorter than 4 bytes")
    (declared,) = struct.unpack_from(">I", form)
    if declared > cap:
        raise ConnectionFailure(Code.COMPRESSION_ERROR, f"uncompressed_len {declared} > {cap}")
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(form[4:], declared + 1)
    except zlib.error as e:
        raise ConnectionFailure(Code.COMPRESSION_ERROR, f"corrupt zlib stream: {e}") from None
    if len(out) > declared:
        raise ConnectionFailure(Code.COMPRESSION_ERROR, "inflates past uncompressed_len")
    if not inflater.eof:
        raise ConnectionFailure(Code.COMPRESSION_ERROR, "truncated zlib stream")
    if inflater.unused_data:
        raise ConnectionFailure(Code.COMPRESSION_ERROR, "bytes after the zlib stream")
    if len(out) != declared:
        raise ConnectionFailure(Code.COMPRESSION_ERROR,
                                f"inflated {len(out)} bytes, declared {declared}")
    return out


def deflate(message: bytes) -> bytes:
    return struct.pack(">I", len(message)) + zlib.compress(message)


# --------------------------------------------------------------------------- encoding

def _encode_text(text: str, what: str) -> bytes:
    data = text.encode("utf-8")
    if len(data) > MAX_TEXT:
        raise ValueError(f"{what} of {len(data)} bytes > {MAX_TEXT}")
    return struct.pack(">H", len(data)) + data


def _message_part(frame: Request | Response | Message) -> bytes:
    return deflate(frame.message) if frame.flags & FLAG_COMPRESSED else frame.message


def encode_body(frame: Frame) -> bytes:
    match frame:
        case Hello():
            try:
                check_hello_ranges(frame)
            except ConnectionFailure as bad:
                raise ValueError(bad.reason) from None
            agent = frame.agent.encode("utf-8")
            return struct.pack(">HIHHIIB", frame.version, frame.max_frame_size,
                               frame.max_concurrent_requests, frame.initial_stream_credit,
                               frame.capabilities, 0, len(agent)) + agent
        case Ping() | Pong():
            if len(frame.opaque) != 8:
                raise ValueError("PING/PONG carry exactly 8 bytes")
            return frame.opaque
        case GoAway():
            return struct.pack(">IH", frame.last_request_id, frame.code) + _encode_text(
                frame.message, "GOAWAY message")
        case Request():
            method = frame.method.encode("utf-8")
            if not 1 <= len(method) <= MAX_METHOD:
                raise ValueError(f"method of {len(method)} bytes")
            for e in frame.metadata:
                if not 0 <= e.key <= 0xFF or len(e.value) > MAX_METADATA_BLOCK:
                    raise ValueError(f"metadata entry 0x{e.key:x} of {len(e.value)} bytes")
            block = b"".join(struct.pack(">BH", e.key, len(e.value)) + e.value
                             for e in frame.metadata)
            if len(block) > MAX_METADATA_BLOCK:
                raise ValueError(f"metadata block of {len(block)} bytes > {MAX_METADATA_BLOCK}")
            return (struct.pack(">IH", frame.timeout_ms, len(method)) + method
                    + struct.pack(">H", len(block)) + block + _message_part(frame))
        case Response() | Message():
            return _message_part(frame)
        case EndStream() | Cancel():
            return b""
        case Error():
            if frame.status == Status.OK:
                raise ValueError("ERROR never carries OK")
            return (struct.pack(">H", frame.status) + _encode_text(frame.message, "ERROR message")
                    + frame.details)
        case Refused():
            return struct.pack(">H", frame.status) + _encode_text(frame.message,
                                                                  "REFUSED message")
        case Credit():
            if not 1 <= frame.increment <= MAX_CREDIT_INCREMENT:
                raise ValueError(f"CREDIT increment {frame.increment}")
            return struct.pack(">I", frame.increment)
    raise TypeError(f"not a frame: {frame!r}")


def encode_frame(frame: Frame) -> bytes:
    """Wire bytes of a frame; a COMPRESSED flag makes the encoder compress the message.
    Raises ValueError for a frame the spec does not allow."""
    if not 0 <= frame.request_id <= 0xFFFFFFFF:
        raise ValueError(f"request id {frame.request_id} out of range")
    if isinstance(frame, (Error, Refused, GoAway)):
        value = frame.code if isinstance(frame, GoAway) else frame.status
        if not 0 <= value <= 0xFFFF:
            raise ValueError(f"status/code {value} out of range")
    if frame.flags & ~ALLOWED_FLAGS[frame.type]:
        raise ValueError(f"{frame.type.name}: flags 0x{frame.flags:02x} not allowed")
    if (frame.type in CONNECTION_TYPES) != (frame.request_id == 0):
        raise ValueError(f"{frame.type.name} with request id {frame.request_id}")
    body = encode_body(frame)
    return struct.pack(">IBBI", HEADER_LEN + len(body), frame.type, frame.flags,
                       frame.request_id) + body


def decode_all(data: bytes, receiver: Role) -> list[Frame]:
    """Every frame in data (whole frames only, no compression handling): for tests and tools."""
    splitter = FrameSplitter(MAX_MAX_FRAME_SIZE)
    splitter.feed(data)
    frames = []
    while (raw := splitter.next()) is not None:
        frames.append(decode_frame(raw, receiver))
    if splitter.pending:
        raise ValueError(f"{splitter.pending} bytes of an incomplete frame")
    return frames
