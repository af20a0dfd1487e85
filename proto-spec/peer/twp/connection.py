"""TWP/1 receiver state machine (spec §2, §5, §6, §8, §9, §10, §11), no I/O.

`Connection.receive(bytes)` turns what the peer sent into events; `Connection.sent(frame)`
records what we sent (our HELLO, REQUESTs, CREDITs, GOAWAY, …) so that the rules that
depend on both directions hold. After a ConnectionError event the connection is dead:
the owner sends the event's GOAWAY and closes.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

from .frames import (
    CAP_ZLIB, FLAG_COMPRESSED, LIMIT_BEFORE_HELLO, MAX_AVAILABLE_CREDIT, METHOD_PATTERN,
    Cancel, Code, ConnectionFailure, Credit, EndStream, Error, Frame, FrameSplitter,
    GoAway, Hello, Message, Ping, Pong, Refused, Request, Response, Role, Status,
    decode_frame, inflate, protocol_error,
)

# Metadata keys, §6.
KEY_TRACEPARENT = 0x01
KEY_TRACESTATE = 0x02
KEY_IDEMPOTENCY = 0x03
KEY_PRINCIPAL = 0x04
KNOWN_KEYS = {KEY_TRACEPARENT, KEY_TRACESTATE, KEY_IDEMPOTENCY, KEY_PRINCIPAL}


@dataclass(frozen=True)
class Limits:
    """What this side enforces on what it receives: the content of its own HELLO."""
    max_frame_size: int = 4_194_304
    max_concurrent_requests: int = 128
    initial_stream_credit: int = 16
    capabilities: int = CAP_ZLIB
    agent: str = "twp-peer-python/1"

    def hello(self, role: Role) -> Hello:
        server = role is Role.SERVER
        return Hello(max_frame_size=self.max_frame_size,
                     max_concurrent_requests=self.max_concurrent_requests if server else 0,
                     initial_stream_credit=self.initial_stream_credit,
                     capabilities=self.capabilities, agent=self.agent,
                     flags=1 if server else 0)


# --------------------------------------------------------------------------- events

@dataclass(frozen=True)
class FrameReceived:
    frame: Frame


@dataclass(frozen=True)
class Ignored:
    """A late frame for an ended call (§5): dropped."""
    frame: Frame


@dataclass(frozen=True)
class CallRejected:
    """The REQUEST was decoded but fails for its call only: answer ERROR(status)."""
    frame: Request
    status: Status
    reason: str


@dataclass(frozen=True)
class CallRefused:
    """The REQUEST is not processed at all: answer REFUSED(status)."""
    frame: Request
    status: Status
    reason: str


@dataclass(frozen=True)
class ConnectionError:
    """Send `goaway`, then close."""
    code: Code
    reason: str
    goaway: GoAway


Event = FrameReceived | Ignored | CallRejected | CallRefused | ConnectionError


@dataclass
class CallState:
    receive_credit: int          # MESSAGEs we still accept
    send_credit: int             # MESSAGEs we may still send
    peer_finished_sending: bool = False   # the peer sent END_STREAM


class PingRateLimit:
    """ENHANCE_YOUR_CALM when PINGs exceed 10/s sustained: a bucket of 20 refilled at 10/s."""

    def __init__(self, rate: float = 10.0, burst: float = 20.0, clock=time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens, self.stamp = burst, clock()

    def allow(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


# --------------------------------------------------------------------------- the machine

class Connection:
    def __init__(self, role: Role, limits: Limits = Limits(), clock=time.monotonic):
        self.role = role
        self.limits = limits
        self.peer_hello: Hello | None = None
        self.local_hello_sent = False
        self.peer_goaway: GoAway | None = None
        self.local_goaway: GoAway | None = None
        self.calls: dict[int, CallState] = {}
        self.highest_id = 0          # server: highest REQUEST id received; client: sent
        self.closed: ConnectionError | None = None
        self.ping_limit = PingRateLimit(clock=clock)
        self.pings_outstanding: set[bytes] = set()
        self._splitter = FrameSplitter(LIMIT_BEFORE_HELLO)

    # ---- negotiated facts

    @property
    def zlib_negotiated(self) -> bool:
        return bool(self.peer_hello and self.limits.capabilities & self.peer_hello.capabilities
                    & CAP_ZLIB)

    @property
    def pending_bytes(self) -> int:
        """Bytes of a frame that has not fully arrived."""
        return self._splitter.pending

    @property
    def open_calls(self) -> int:
        return len(self.calls)

    # ---- receiving

    def receive(self, data: bytes) -> list[Event]:
        if self.closed:
            return []
        self._splitter.feed(data)
        events: list[Event] = []
        try:
            while (raw := self._splitter.next()) is not None:
                event = self._on_frame(decode_frame(raw, self.role))
                if event is not None:
                    events.append(event)
        except ConnectionFailure as failure:
            events.append(self._fail(failure))
        return events

    def _fail(self, failure: ConnectionFailure) -> ConnectionError:
        last = self.highest_id if self.role is Role.SERVER else 0
        self.closed = ConnectionError(failure.code, failure.reason,
                                      GoAway(last, failure.code, failure.reason[:200]))
        return self.closed

    def _on_frame(self, frame: Frame) -> Event | None:
        if isinstance(frame, Hello):
            return self._on_hello(frame)
        if self.peer_hello is None:
            # A server may say GOAWAY instead of HELLO (e.g. UNSUPPORTED_VERSION, §2).
            if not (self.role is Role.CLIENT and isinstance(frame, GoAway)):
                raise protocol_error(f"{frame.type.name} before HELLO")
        frame = self._inflated(frame)
        match frame:
            case Ping():
                if not self.ping_limit.allow():
                    raise ConnectionFailure(Code.ENHANCE_YOUR_CALM, "too many PINGs")
            case Pong():
                self.pings_outstanding.discard(frame.opaque)
            case GoAway():
                self.peer_goaway = frame
            case Request():
                return self._on_request(frame)
            case _:
                return self._on_call_frame(frame)
        return FrameReceived(frame)

    def _on_hello(self, hello: Hello) -> Event:
        if self.peer_hello is not None:
            raise protocol_error("second HELLO")
        self.peer_hello = hello
        self._splitter.max_length = self.limits.max_frame_size
        return FrameReceived(hello)

    def _inflated(self, frame: Frame) -> Frame:
        if not isinstance(frame, (Request, Response, Message)):
            return frame
        if not frame.flags & FLAG_COMPRESSED:
            return frame
        if not self.zlib_negotiated:
            raise protocol_error("COMPRESSED frame without negotiated ZLIB")
        return dataclasses.replace(frame, message=inflate(frame.message,
                                                          self.limits.max_frame_size))

    def _on_request(self, request: Request) -> Event:
        rid = request.request_id
        if rid <= self.highest_id:
            raise protocol_error(f"REQUEST id {rid} not above {self.highest_id}")
        self.highest_id = rid
        if self.local_goaway is not None:
            return CallRefused(request, Status.UNAVAILABLE, "draining")
        if len(self.calls) >= self.limits.max_concurrent_requests:
            return CallRefused(request, Status.RESOURCE_EXHAUSTED,
                               f"{len(self.calls)} calls in progress")
        problem = request_problem(request)
        if problem is not None:
            return CallRejected(request, Status.INVALID_ARGUMENT, problem)
        self.calls[rid] = CallState(receive_credit=self.limits.initial_stream_credit,
                                    send_credit=self.peer_hello.initial_stream_credit)
        return FrameReceived(request)

    def _on_call_frame(self, frame: Frame) -> Event:
        rid = frame.request_id
        call = self.calls.get(rid)
        if call is None:
            if rid > self.highest_id:
                side = "never opened" if self.role is Role.SERVER else "never sent"
                raise protocol_error(f"{frame.type.name} for id {rid}, {side}")
            return Ignored(frame)
        match frame:
            case Message():
                if call.peer_finished_sending:
                    raise protocol_error(f"MESSAGE after END_STREAM on call {rid}")
                if call.receive_credit == 0:
                    raise ConnectionFailure(Code.FLOW_CONTROL_ERROR,
                                            f"MESSAGE without credit on call {rid}")
                call.receive_credit -= 1
            case EndStream():
                if call.peer_finished_sending:
                    raise protocol_error(f"second END_STREAM on call {rid}")
                call.peer_finished_sending = True
                if self.role is Role.CLIENT:
                    del self.calls[rid]
            case Credit():
                if call.send_credit + frame.increment > MAX_AVAILABLE_CREDIT:
                    raise ConnectionFailure(Code.FLOW_CONTROL_ERROR,
                                            f"credit overflow on call {rid}")
                call.send_credit += frame.increment
            case Cancel() | Response() | Error() | Refused():
                del self.calls[rid]
        return FrameReceived(frame)

    # ---- sending

    def sent(self, frame: Frame) -> None:
        """Record a frame this side sent. Raises ValueError if it breaks the rules."""
        match frame:
            case Hello():
                self.local_hello_sent = True
            case Ping():
                self.pings_outstanding.add(frame.opaque)
            case GoAway():
                self.local_goaway = frame
            case Request():
                if frame.request_id <= self.highest_id:
                    raise ValueError(f"request id {frame.request_id} not increasing")
                self.highest_id = frame.request_id
                self.calls[frame.request_id] = CallState(
                    receive_credit=self.limits.initial_stream_credit,
                    send_credit=self.peer_hello.initial_stream_credit if self.peer_hello else 0)
            case Message():
                call = self.calls.get(frame.request_id)
                if call is None:
                    raise ValueError(f"MESSAGE on closed call {frame.request_id}")
                if call.send_credit == 0:
                    raise ValueError(f"no credit to send on call {frame.request_id}")
                call.send_credit -= 1
            case Credit():
                call = self.calls.get(frame.request_id)
                if call is not None:
                    call.receive_credit += frame.increment
            case Cancel():
                self.calls.pop(frame.request_id, None)
            case Response() | Error() | Refused():
                self.calls.pop(frame.request_id, None)
            case EndStream():
                if self.role is Role.SERVER:
                    self.calls.pop(frame.request_id, None)

    def send_credit(self, request_id: int) -> int:
        call = self.calls.get(request_id)
        return call.send_credit if call else 0


# --------------------------------------------------------------------------- call-level checks

def request_problem(request: Request) -> str | None:
    """Why the REQUEST fails with INVALID_ARGUMENT (§4.3, §6), or None."""
    if not METHOD_PATTERN.fullmatch(request.method):
        return f"method {request.method!r} is not package.Service/Method"
    seen: set[int] = set()
    for entry in request.metadata:
        if entry.key not in KNOWN_KEYS:
            continue  # reserved and private keys are ignored, duplicates included
        if entry.key in seen:
            return f"metadata key 0x{entry.key:02x} given twice"
        seen.add(entry.key)
        problem = metadata_value_problem(entry.key, entry.value)
        if problem is not None:
            return problem
    return None


def metadata_value_problem(key: int, value: bytes) -> str | None:
    ascii_only = all(b < 0x80 for b in value)
    if key == KEY_TRACEPARENT and (len(value) != 55 or not ascii_only):
        return "traceparent must be 55 ASCII bytes"
    if key == KEY_TRACESTATE and (len(value) > 512 or not ascii_only):
        return "tracestate must be at most 512 ASCII bytes"
    if key == KEY_IDEMPOTENCY and not (1 <= len(value) <= 128
                                       and all(0x21 <= b <= 0x7E for b in value)):
        return "idempotency-key must be 1 – 128 printable ASCII bytes"
    if key == KEY_PRINCIPAL and len(value) > 4096:
        return "principal over 4,096 bytes"
    return None
