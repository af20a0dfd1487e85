"""An asyncio TWP/1 client over stdlib ssl: mutual TLS, HELLO, unary, server- and
client-streaming calls, ping, cancel and deadlines (spec §1, §2, §5, §8, §9, §11).

    client = await Client.connect("127.0.0.1", 7443, ssl_context=client_context(ca, cert, key),
                                  server_id="spiffe://township.local/service/intake")
    reply = await client.unary("township.intake.v1.Intake/SubmitTicket", request_bytes)
"""

from __future__ import annotations

import asyncio
import itertools
import math
import os
import ssl
import time
from collections.abc import AsyncIterable, Iterable

from .connection import (
    CallRefused, CallRejected, Connection, ConnectionError, FrameReceived, Ignored, Limits,
)
from .frames import (
    FLAG_COMPRESSED, Cancel, Code, Credit, EndStream, Error, Frame, GoAway, Hello, Message,
    MetadataEntry, Ping, Pong, Refused, Request, Response, Role, Status, deflate,
    encode_frame, status_name,
)
from .tls import IdentityError, peer_identity

COMPRESS_FROM = 1024          # §8: compress only messages of 1,024 bytes or more
READ_CHUNK = 64 * 1024
RETRYABLE = {Status.RESOURCE_EXHAUSTED, Status.ABORTED, Status.UNAVAILABLE}


class TwpError(Exception):
    pass


class CallError(TwpError):
    """The server answered ERROR (or the client's own deadline passed)."""

    def __init__(self, status: int, message: str = "", details: bytes = b""):
        super().__init__(f"{status_name(status)}: {message}")
        self.status = status
        self.status_name = status_name(status)
        self.message = message
        self.details = details

    @property
    def retryable(self) -> bool:
        return self.status in RETRYABLE


class DeadlineExceeded(CallError):
    def __init__(self, message: str = "deadline exceeded"):
        super().__init__(Status.DEADLINE_EXCEEDED, message)


class CallRefusedError(TwpError):
    """The call was not processed at all: always safe to retry (§4.5)."""

    def __init__(self, status: int, message: str = ""):
        super().__init__(f"refused {status_name(status)}: {message}")
        self.status = status
        self.message = message
        self.retryable = True


class ConnectionLost(TwpError):
    """The connection is gone: calls in flight fail with UNAVAILABLE (§7.2, §10).
    `code` is the connection error code of a GOAWAY involved, else None."""

    def __init__(self, code: int | None, message: str):
        where = f" ({Code(code).name if code in Code._value2member_map_ else code})" \
            if code is not None else ""
        super().__init__(f"connection lost{where}: {message}")
        self.code = code
        self.status = Status.UNAVAILABLE
        self.message = message
        self.retryable = True


class Call:
    """One call on a connection. Frames for it arrive through `_deliver`."""

    def __init__(self, client: "Client", request_id: int, deadline: float | None):
        self.client = client
        self.request_id = request_id
        self.deadline = deadline
        self._inbox: asyncio.Queue = asyncio.Queue()
        self._wakeup = asyncio.Event()    # credit arrived or the call ended
        self.finished = False             # the call ended for the client
        self._failure: BaseException | None = None
        self._consumed_since_grant = 0
        self._release = None              # frees the client's concurrency slot

    # ---- fed by the reader
    def _end(self) -> None:
        """The call is over for the client: forget it and free its concurrency slot, once."""
        self.finished = True
        self.client._calls.pop(self.request_id, None)
        release, self._release = self._release, None
        if release is not None:
            release()

    def _deliver(self, item) -> None:
        if isinstance(item, (Response, Error, Refused, EndStream, BaseException)):
            self._end()
            if not isinstance(item, EndStream) and not isinstance(item, Response):
                self._failure = _as_exception(item)
        if isinstance(item, Credit):
            self._wakeup.set()
            return
        self._wakeup.set()
        self._inbox.put_nowait(item)

    def _remaining(self) -> float | None:
        if self.deadline is None:
            return None
        return self.deadline - time.monotonic()

    async def _next(self):
        remaining = self._remaining()
        if remaining is not None and remaining <= 0:
            raise DeadlineExceeded()
        try:
            return await asyncio.wait_for(self._inbox.get(), remaining)
        except asyncio.TimeoutError:
            raise DeadlineExceeded() from None

    # ---- used by callers
    async def send(self, message: bytes) -> None:
        """One client-streaming MESSAGE, waiting for credit."""
        while True:
            if self._failure is not None:
                raise self._failure
            if self.finished:
                raise TwpError("the call has ended")
            if self.client.connection.send_credit(self.request_id) > 0:
                break
            self._wakeup.clear()
            remaining = self._remaining()
            try:
                await asyncio.wait_for(self._wakeup.wait(), remaining)
            except asyncio.TimeoutError:
                raise DeadlineExceeded() from None
        await self.client._send_message_frame(Message, self.request_id, message)

    async def close_send(self) -> None:
        await self.client._send(EndStream(self.request_id))

    async def receive(self) -> bytes | None:
        """The next server MESSAGE, or None after END_STREAM; raises on ERROR/REFUSED."""
        item = await self._next()
        if isinstance(item, Message):
            await self._grant_credit()
            return item.message
        if isinstance(item, EndStream):
            return None
        if isinstance(item, Response):
            raise TwpError("RESPONSE on a streaming call")
        raise _as_exception(item)

    async def response(self) -> bytes:
        item = await self._next()
        if isinstance(item, Response):
            return item.message
        if isinstance(item, (Message, EndStream)):
            raise TwpError(f"{type(item).__name__} where a RESPONSE was expected")
        raise _as_exception(item)

    async def cancel(self) -> None:
        """Abandon the call (§5); frames already on the wire are discarded."""
        if self.finished:
            return
        self._end()
        if not self.client._closed:
            await self.client._send(Cancel(self.request_id))

    async def _grant_credit(self) -> None:
        self._consumed_since_grant += 1
        threshold = max(1, self.client.limits.initial_stream_credit // 2)
        if self._consumed_since_grant >= threshold and not self.finished:
            increment, self._consumed_since_grant = self._consumed_since_grant, 0
            await self.client._send(Credit(self.request_id, increment))


def _as_exception(item) -> BaseException:
    if isinstance(item, BaseException):
        return item
    if isinstance(item, Error):
        return CallError(item.status, item.message, item.details)
    if isinstance(item, Refused):
        return CallRefusedError(item.status, item.message)
    return TwpError(f"unexpected {item!r}")


class Client:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 limits: Limits, server_identity: str):
        self.reader, self.writer = reader, writer
        self.limits = limits
        self.server_identity = server_identity
        self.connection = Connection(Role.CLIENT, limits)
        self.server_hello: Hello | None = None
        self.server_goaway: GoAway | None = None
        self._hello = asyncio.get_running_loop().create_future()
        self._calls: dict[int, Call] = {}
        self._ids = itertools.count(1)
        self._pings: dict[bytes, asyncio.Future] = {}
        self._closed = False
        self._slots: asyncio.Semaphore | None = None
        self._reader_task: asyncio.Task | None = None

    # ------------------------------------------------------------------ connecting

    @classmethod
    async def connect(cls, host: str, port: int, *, ssl_context: ssl.SSLContext, server_id: str,
                      limits: Limits = Limits(max_concurrent_requests=0),
                      hello_timeout: float = 10.0) -> "Client":
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=ssl_context, limit=READ_CHUNK),
            hello_timeout)
        try:
            identity = peer_identity(writer.get_extra_info("ssl_object"))
            if identity != server_id:
                raise IdentityError(f"server is {identity}, expected {server_id}")
            client = cls(reader, writer, limits, identity)
            client._reader_task = asyncio.create_task(client._read_loop())
            await client._send(limits.hello(Role.CLIENT))
            await asyncio.wait_for(asyncio.shield(client._hello), hello_timeout)
        except BaseException:
            writer.close()
            raise
        return client

    # ------------------------------------------------------------------ calls

    async def start(self, method: str, message: bytes = b"", *, timeout: float | None = None,
                    metadata: Iterable[tuple[int, bytes]] = ()) -> Call:
        """Sends a REQUEST and returns its Call. Waits for a free slot under the server's
        max_concurrent_requests so that calls are not refused for our own eagerness."""
        if self._closed:
            raise ConnectionLost(None, "client is closed")
        if self.server_goaway is not None:
            raise CallRefusedError(Status.UNAVAILABLE, "server sent GOAWAY: use another connection")
        deadline = None if timeout is None else time.monotonic() + timeout
        await self._slots.acquire()
        call = None
        try:
            request_id = next(self._ids)
            if request_id > 0xFFFFFFFF:
                raise CallRefusedError(Status.UNAVAILABLE, "request ids exhausted: reconnect")
            call = Call(self, request_id, deadline)
            call._release = self._slots.release
            self._calls[request_id] = call
            timeout_ms = 0 if timeout is None else max(1, math.ceil(timeout * 1000))
            entries = tuple(MetadataEntry(k, v) for k, v in metadata)
            await self._send_message_frame(Request, request_id, message, method=method,
                                           timeout_ms=timeout_ms, metadata=entries)
        except BaseException:
            if call is not None:
                call._end()
            else:
                self._slots.release()
            raise
        return call

    async def unary(self, method: str, message: bytes, *, timeout: float | None = None,
                    metadata: Iterable[tuple[int, bytes]] = ()) -> bytes:
        call = await self.start(method, message, timeout=timeout, metadata=metadata)
        try:
            return await call.response()
        finally:
            await self._finish(call)

    async def server_stream(self, method: str, message: bytes, *, timeout: float | None = None,
                            metadata: Iterable[tuple[int, bytes]] = ()):
        """Async generator of the server's messages; closing it early cancels the call."""
        call = await self.start(method, message, timeout=timeout, metadata=metadata)
        try:
            while (item := await call.receive()) is not None:
                yield item
        finally:
            await self._finish(call)

    async def client_stream(self, method: str,
                            messages: Iterable[bytes] | AsyncIterable[bytes], *,
                            timeout: float | None = None,
                            metadata: Iterable[tuple[int, bytes]] = ()) -> bytes:
        call = await self.start(method, b"", timeout=timeout, metadata=metadata)
        try:
            try:
                if isinstance(messages, AsyncIterable):
                    async for m in messages:
                        await call.send(m)
                else:
                    for m in messages:
                        await call.send(m)
                await call.close_send()
            except CallError:
                if call._failure is None:
                    raise
            return await call.response()
        finally:
            await self._finish(call)

    async def _finish(self, call: Call) -> None:
        """A call abandoned before its end (deadline, error, early close) is cancelled."""
        if not call.finished:
            await asyncio.shield(call.cancel())

    async def ping(self, timeout: float = 5.0) -> float:
        """Round-trip time of a PING in seconds."""
        opaque = os.urandom(8)
        future = asyncio.get_running_loop().create_future()
        self._pings[opaque] = future
        started = time.monotonic()
        try:
            await self._send(Ping(opaque))
            await asyncio.wait_for(future, timeout)
        finally:
            self._pings.pop(opaque, None)
        return time.monotonic() - started

    async def close(self) -> None:
        """Graceful close (§11): GOAWAY(0, OK) when no call is in flight, then close_notify."""
        if self._closed:
            return
        try:
            if not self._calls:
                await self._send(GoAway(0, Code.OK))
        except (ConnectionLost, OSError):
            pass
        self._shutdown(ConnectionLost(None, "client closed"))
        try:
            await asyncio.wait_for(self.writer.wait_closed(), 2.0)
        except (asyncio.TimeoutError, OSError, ssl.SSLError):
            pass

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()

    # ------------------------------------------------------------------ sending

    async def _send(self, frame: Frame) -> None:
        if self._closed:
            raise ConnectionLost(None, "connection closed")
        data = encode_frame(frame)
        limit = self.server_hello.max_frame_size if self.server_hello else 1024
        if len(data) - 4 > limit:
            raise ValueError(f"frame of {len(data) - 4} bytes over the server's max {limit}")
        self.connection.sent(frame)
        self.writer.write(data)
        await self.writer.drain()

    async def _send_message_frame(self, kind, request_id: int, message: bytes, **fields):
        flags = 0
        if self.connection.zlib_negotiated and len(message) >= COMPRESS_FROM:
            if len(deflate(message)) < len(message):
                flags = FLAG_COMPRESSED
        await self._send(kind(request_id=request_id, message=message, flags=flags, **fields))

    # ------------------------------------------------------------------ receiving

    async def _read_loop(self) -> None:
        try:
            while True:
                data = await self.reader.read(READ_CHUNK)
                if not data:
                    raise ConnectionLost(None, "server closed the connection")
                for event in self.connection.receive(data):
                    await self._on_event(event)
                if self._closed:
                    return
        except (ConnectionLost, IdentityError) as e:
            self._shutdown(e)
        except (OSError, ssl.SSLError, asyncio.IncompleteReadError) as e:
            # Includes a fatal TLS alert on the first read: the server refused us (§1).
            self._shutdown(ConnectionLost(None, f"{type(e).__name__}: {e}"))
        except asyncio.CancelledError:
            self._shutdown(ConnectionLost(None, "closed"))
            raise

    async def _on_event(self, event) -> None:
        match event:
            case FrameReceived(frame=Hello() as hello):
                self.server_hello = hello
                self._slots = asyncio.Semaphore(hello.max_concurrent_requests)
                if not self._hello.done():
                    self._hello.set_result(hello)
            case FrameReceived(frame=Ping() as ping):
                await self._send(Pong(ping.opaque))
            case FrameReceived(frame=Pong() as pong):
                future = self._pings.get(pong.opaque)
                if future and not future.done():
                    future.set_result(None)
            case FrameReceived(frame=GoAway() as goaway):
                self._on_goaway(goaway)
            case FrameReceived(frame=frame):
                call = self._calls.get(frame.request_id)
                if call is not None:
                    call._deliver(frame)
            case Ignored():
                pass
            case ConnectionError() as failure:
                try:
                    self.writer.write(encode_frame(failure.goaway))
                except OSError:
                    pass
                self._shutdown(ConnectionLost(failure.code, failure.reason))
            case CallRejected() | CallRefused():
                raise AssertionError("a client never judges REQUESTs")

    def _on_goaway(self, goaway: GoAway) -> None:
        self.server_goaway = goaway
        if not self._hello.done():
            self._hello.set_exception(ConnectionLost(goaway.code, goaway.message))
        for rid, call in list(self._calls.items()):
            if rid > goaway.last_request_id:
                # Not processed: safe to retry elsewhere (§4.2).
                call._deliver(CallRefusedError(Status.UNAVAILABLE, "not processed (GOAWAY)"))

    def _shutdown(self, reason: BaseException) -> None:
        if self._closed:
            return
        self._closed = True
        if not self._hello.done():
            self._hello.set_exception(reason)
        failure = reason if isinstance(reason, ConnectionLost) \
            else ConnectionLost(None, f"{type(reason).__name__}: {reason}")
        for call in list(self._calls.values()):
            call._deliver(failure)
        self._calls.clear()
        for future in self._pings.values():
            if not future.done():
                future.set_exception(failure)
        self.writer.close()
        if self._reader_task and self._reader_task is not asyncio.current_task():
            self._reader_task.cancel()
