"""Shared pieces of the loopback tests: an echo service for twp/server.py and helpers."""

from __future__ import annotations

import asyncio
import contextlib

from twp.client import Client
from twp.connection import Limits
from twp.echo import (  # noqa: F401  (re-exported for the tests)
    COLLECT, FAIL, HANG, PARSE, REPEAT, REPEAT_COUNT, SAY, WHO, EchoService,
)
from twp.server import Server
from twp.tls import client_context, server_context

ECHO_ID = "spiffe://township.local/service/echo"
CLIENT_ID = "spiffe://township.local/admin/peer-test"
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
