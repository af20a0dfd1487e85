"""Shared pieces of the loopback tests: an echo service for twp/server.py and helpers."""

from __future__ import annotations

import asyncio
import contextlib

from twp.client import CallError, Client
from twp.connection import Limits
from twp.frames import Status
from twp.server import Server, client_streaming, server_streaming, unary
from twp.tls import client_context, server_context

ECHO_ID = "spiffe://township.local/service/echo"
CLIENT_ID = "spiffe://township.local/admin/peer-test"
SAY = "township.test.v1.Echo/Say"
REPEAT = "township.test.v1.Echo/Repeat"
COLLECT = "township.test.v1.Echo/Collect"
HANG = "township.test.v1.Echo/Hang"
FAIL = "township.test.v1.Echo/Fail"
WHO = "township.test.v1.Echo/WhoAmI"
REPEAT_COUNT = 40


class EchoService:
    """Handlers that record what the server saw, so tests can check the far side."""

    def __init__(self):
        self.hanging = asyncio.Event()
        self.hang_contexts = []
        self.stream_stopped = asyncio.Event()
        self.request_flags = []

    async def say(self, ctx, message):
        self.request_flags.append(ctx.request.flags)
        return message

    async def repeat(self, ctx, message):
        try:
            for i in range(REPEAT_COUNT):
                yield b"%d:" % i + message
        finally:
            self.stream_stopped.set()

    async def collect(self, ctx, messages):
        return b"|".join([m async for m in messages])

    async def hang(self, ctx, message):
        self.hang_contexts.append(ctx)
        self.hanging.set()
        await asyncio.Event().wait()

    async def fail(self, ctx, message):
        raise CallError(Status.NOT_FOUND, "no ticket 7", b"\x0a\x01x")

    async def who(self, ctx, message):
        return ctx.identity.encode()

    def handlers(self):
        return {SAY: unary(self.say), REPEAT: server_streaming(self.repeat),
                COLLECT: client_streaming(self.collect), HANG: unary(self.hang),
                FAIL: unary(self.fail), WHO: unary(self.who)}


@contextlib.asynccontextmanager
async def echo_server(pki, limits=Limits(agent="echo-test")):
    service = EchoService()
    leaf = pki["server"]
    server = await Server.start("127.0.0.1", 0, server_context(pki["ca"], leaf.cert, leaf.key),
                                service.handlers(), limits)
    try:
        yield server, service
    finally:
        await server.stop()


async def connect(pki, server, leaf="client", server_id=ECHO_ID, limits=None):
    cert = pki[leaf]
    kwargs = {"limits": limits} if limits else {}
    return await Client.connect("127.0.0.1", server.port, server_id=server_id,
                                ssl_context=client_context(pki["ca"], cert.cert, cert.key),
                                **kwargs)


def run(coro, timeout=30):
    async def bounded():
        return await asyncio.wait_for(coro, timeout)
    return asyncio.run(bounded())
