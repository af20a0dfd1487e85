"""A small asyncio TWP/1 server: enough to prove the client (tests) and to give the
Swift client something independent to talk to. Handlers work on message bytes.

    handlers = {"pkg.Svc/Say": unary(say), "pkg.Svc/Watch": server_streaming(watch), …}
    server = await Server.start("127.0.0.1", 0, server_context(ca, cert, key), handlers)
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from google.protobuf.message import DecodeError

from .client import COMPRESS_FROM, CallError
from .connection import (
    CallRefused, CallRejected, Connection, ConnectionError, FrameReceived, Ignored, Limits,
)
from .frames import (
    FLAG_COMPRESSED, Cancel, Code, Credit, EndStream, Error, Frame, GoAway, Hello, Message,
    Ping, Pong, Refused, Request, Response, Role, Status, deflate, encode_frame,
)
from .messages import CallKind
from .tls import IdentityError, peer_identity

HELLO_TIMEOUT = 10.0


@dataclass
class CallContext:
    identity: str               # the client's SPIFFE id
    request: Request            # the REQUEST frame (method, metadata, timeout)
    cancelled: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(frozen=True)
class Handler:
    kind: CallKind
    function: Callable


def unary(fn: Callable[[CallContext, bytes], Awaitable[bytes]]) -> Handler:
    return Handler(CallKind.UNARY, fn)


def server_streaming(fn: Callable[[CallContext, bytes], AsyncIterator[bytes]]) -> Handler:
    return Handler(CallKind.SERVER_STREAMING, fn)


def client_streaming(fn: Callable[[CallContext, AsyncIterator[bytes]], Awaitable[bytes]]
                     ) -> Handler:
    return Handler(CallKind.CLIENT_STREAMING, fn)


class _ServerCall:
    def __init__(self, conn: "_ServerConnection", context: CallContext):
        self.conn = conn
        self.context = context
        self.inbox: asyncio.Queue = asyncio.Queue()   # MESSAGE bytes, None at END_STREAM
        self.credit_changed = asyncio.Event()
        self.task: asyncio.Task | None = None
        self.consumed = 0

    async def inbound(self) -> AsyncIterator[bytes]:
        while (item := await self.inbox.get()) is not None:
            self.consumed += 1
            threshold = max(1, self.conn.limits.initial_stream_credit // 2)
            if self.consumed >= threshold:
                increment, self.consumed = self.consumed, 0
                await self.conn.send(Credit(self.context.request.request_id, increment))
            yield item

    async def send_message(self, message: bytes) -> None:
        rid = self.context.request.request_id
        while self.conn.connection.send_credit(rid) == 0:
            self.credit_changed.clear()
            await self.credit_changed.wait()
        await self.conn.send_message(Message, rid, message)


class _ServerConnection:
    def __init__(self, server: "Server", reader, writer, identity: str, hello_deadline: float):
        self.server = server
        self.reader, self.writer = reader, writer
        self.identity = identity
        self.limits = server.limits
        self.connection = Connection(Role.SERVER, server.limits)
        self.calls: dict[int, _ServerCall] = {}
        self.closing = False
        self.hello_deadline = hello_deadline

    async def send(self, frame: Frame) -> None:
        if self.closing:
            return
        self.connection.sent(frame)
        self.writer.write(encode_frame(frame))
        await self.writer.drain()

    async def send_message(self, kind, request_id: int, message: bytes) -> None:
        flags = 0
        if self.connection.zlib_negotiated and len(message) >= COMPRESS_FROM \
                and len(deflate(message)) < len(message):
            flags = FLAG_COMPRESSED
        await self.send(kind(request_id=request_id, message=message, flags=flags))

    async def run(self) -> None:
        try:
            first = await asyncio.wait_for(self._read_until_hello(),
                                           max(0.0, self.hello_deadline - time.monotonic()))
            if not first:
                return
            while not self.closing:
                data = await self.reader.read(64 * 1024)
                if not data:
                    break
                await self._handle(self.connection.receive(data))
        except asyncio.TimeoutError:
            await self._close_with(GoAway(0, Code.HELLO_TIMEOUT, "no HELLO in time"))
        except (OSError, ssl.SSLError, asyncio.IncompleteReadError):
            pass
        finally:
            for call in self.calls.values():
                if call.task:
                    call.task.cancel()
            self.writer.close()

    async def _read_until_hello(self) -> bool:
        while self.connection.peer_hello is None:
            data = await self.reader.read(64 * 1024)
            if not data:
                return False
            await self._handle(self.connection.receive(data))
            if self.closing:
                return False
        return True

    async def _close_with(self, goaway: GoAway) -> None:
        await self.send(goaway)
        self.closing = True

    async def _handle(self, events) -> None:
        for event in events:
            match event:
                case ConnectionError(goaway=goaway):
                    await self._close_with(goaway)
                    return
                case CallRejected(frame=request, status=status, reason=reason):
                    await self.send(Error(request.request_id, status, reason))
                case CallRefused(frame=request, status=status, reason=reason):
                    await self.send(Refused(request.request_id, status, reason))
                case Ignored():
                    pass
                case FrameReceived(frame=frame):
                    await self._on_frame(frame)

    async def _on_frame(self, frame: Frame) -> None:
        match frame:
            case Hello():
                await self.send(self.limits.hello(Role.SERVER))
            case Ping():
                await self.send(Pong(frame.opaque))
            case Pong():
                pass
            case GoAway():
                if not self.calls:
                    self.closing = True
            case Request():
                self._start_call(frame)
            case Message() | EndStream() | Credit():
                call = self.calls.get(frame.request_id)
                if call is None:
                    return  # the handler already answered; the frame is late
                if isinstance(frame, Credit):
                    call.credit_changed.set()
                else:
                    call.inbox.put_nowait(frame.message if isinstance(frame, Message) else None)
            case Cancel():
                call = self.calls.pop(frame.request_id, None)
                if call:
                    call.context.cancelled.set()
                    call.task.cancel()

    def _start_call(self, request: Request) -> None:
        call = _ServerCall(self, CallContext(self.identity, request))
        self.calls[request.request_id] = call
        call.task = asyncio.create_task(self._run_call(call))

    async def _run_call(self, call: _ServerCall) -> None:
        request = call.context.request
        rid = request.request_id
        handler = self.server.handlers.get(request.method)
        try:
            if handler is None:
                raise CallError(Status.UNIMPLEMENTED, f"unknown method {request.method}")
            if not self.server.authorize(self.identity, request.method):
                raise CallError(Status.PERMISSION_DENIED, f"{self.identity} may not call this")
            if handler.kind is CallKind.CLIENT_STREAMING and request.message:
                raise CallError(Status.INVALID_ARGUMENT,
                                "client-streaming REQUEST must have an empty message part")
            timeout = request.timeout_ms / 1000 if request.timeout_ms else None
            async with asyncio.timeout(timeout):
                await self._dispatch(handler, call)
        except asyncio.CancelledError:
            return  # CANCEL received or connection gone: send nothing more (§5)
        except TimeoutError:
            await self._end(rid, Error(rid, Status.DEADLINE_EXCEEDED, "deadline exceeded"))
        except CallError as e:
            await self._end(rid, Error(rid, e.status, e.message[:1024], e.details))
        except DecodeError as e:
            # A message that does not decode as the method's input is a wrong request (§5);
            # the framing was intact, so the connection stays.
            await self._end(rid, Error(rid, Status.INVALID_ARGUMENT,
                                       f"the request does not decode: {e}"[:1024]))
        except Exception as e:  # a handler bug must not kill the connection
            await self._end(rid, Error(rid, Status.INTERNAL, f"{type(e).__name__}"))

    async def _dispatch(self, handler: Handler, call: _ServerCall) -> None:
        rid = call.context.request.request_id
        match handler.kind:
            case CallKind.UNARY:
                reply = await handler.function(call.context, call.context.request.message)
                await self._end(rid, None, reply)
            case CallKind.SERVER_STREAMING:
                async for item in handler.function(call.context, call.context.request.message):
                    await call.send_message(item)
                await self._end(rid, EndStream(rid))
            case CallKind.CLIENT_STREAMING:
                reply = await handler.function(call.context, call.inbound())
                await self._end(rid, None, reply)

    async def _end(self, rid: int, frame: Frame | None, reply: bytes | None = None) -> None:
        if self.calls.pop(rid, None) is None:
            return  # cancelled meanwhile
        try:
            if reply is not None:
                await self.send_message(Response, rid, reply)
            else:
                await self.send(frame)
        except (OSError, ssl.SSLError):
            pass


class Server:
    def __init__(self, handlers: dict[str, Handler], limits: Limits,
                 authorize: Callable[[str, str], bool], ssl_context: ssl.SSLContext,
                 hello_timeout: float):
        self.ssl_context = ssl_context
        self.hello_timeout = hello_timeout
        self.handlers = handlers
        self.limits = limits
        self.authorize = authorize
        self._server: asyncio.base_events.Server | None = None
        self.connections: set[asyncio.Task] = set()

    @classmethod
    async def start(cls, host: str, port: int, ssl_context: ssl.SSLContext,
                    handlers: dict[str, Handler], limits: Limits = Limits(),
                    authorize: Callable[[str, str], bool] = lambda identity, method: True,
                    hello_timeout: float = HELLO_TIMEOUT) -> "Server":
        server = cls(handlers, limits, authorize, ssl_context, hello_timeout)
        # TLS is started by hand after the accept so that the HELLO deadline counts the
        # handshake too (§2).
        server._server = await asyncio.start_server(server._accept, host, port)
        return server

    @property
    def port(self) -> int:
        return self._server.sockets[0].getsockname()[1]

    async def _accept(self, reader, writer) -> None:
        task = asyncio.current_task()
        self.connections.add(task)
        hello_deadline = time.monotonic() + self.hello_timeout
        try:
            try:
                await writer.start_tls(self.ssl_context,
                                       ssl_handshake_timeout=self.hello_timeout)
                identity = peer_identity(writer.get_extra_info("ssl_object"))
            except (IdentityError, ssl.SSLError, OSError, asyncio.TimeoutError):
                writer.close()
                return
            await _ServerConnection(self, reader, writer, identity, hello_deadline).run()
        finally:
            self.connections.discard(task)

    async def stop(self) -> None:
        self._server.close()
        for task in list(self.connections):
            task.cancel()
        await asyncio.gather(*self.connections, return_exceptions=True)
        await self._server.wait_closed()
