"""An echo service for twp/server.py: for the loopback tests and for testing other
clients (`python3 -m twp serve-echo`). It records what it saw so tests can check the far side.

Methods (message bytes are opaque):
  Say       unary: returns the request
  Repeat    server-streaming: REPEAT_COUNT messages b"<i>:" + request
  Collect   client-streaming: the messages joined with b"|"
  Hang      unary: never answers (for cancel and deadline tests)
  Fail      unary: ERROR(NOT_FOUND, "no ticket 7", details 0a0178)
  WhoAmI    unary: the caller's SPIFFE id
  Parse     unary: decodes the request as google.protobuf.StringValue and returns its value
"""

from __future__ import annotations

import asyncio

from google.protobuf import wrappers_pb2

from .client import CallError
from .frames import Status
from .server import client_streaming, server_streaming, unary

SAY = "township.test.v1.Echo/Say"
REPEAT = "township.test.v1.Echo/Repeat"
COLLECT = "township.test.v1.Echo/Collect"
HANG = "township.test.v1.Echo/Hang"
FAIL = "township.test.v1.Echo/Fail"
WHO = "township.test.v1.Echo/WhoAmI"
PARSE = "township.test.v1.Echo/Parse"
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

    async def parse(self, ctx, message):
        return wrappers_pb2.StringValue.FromString(message).value.encode()

    def handlers(self):
        return {SAY: unary(self.say), REPEAT: server_streaming(self.repeat),
                COLLECT: client_streaming(self.collect), HANG: unary(self.hang),
                FAIL: unary(self.fail), WHO: unary(self.who),
                PARSE: unary(self.parse)}
