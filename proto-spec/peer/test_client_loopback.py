"""The Python client against a tiny Python TWP/1 server on 127.0.0.1, over real mutual TLS
with certificates made by the openssl command line."""

from __future__ import annotations

import asyncio
import ssl
import time

import pytest

from loopback import (
    CLIENT_ID, COLLECT, ECHO_ID, FAIL, HANG, PARSE, REPEAT, REPEAT_COUNT, SAY, WHO, EchoService,
    connect, echo_server, run,
)
from twp.client import CallError, ConnectionLost, DeadlineExceeded
from twp.connection import Limits
from twp.frames import FLAG_COMPRESSED, Status
from twp.server import Server, client_streaming, server_streaming, unary
from twp.tls import IdentityError, server_context

# ------------------------------------------------------------------------------ calls

def test_unary_echo_and_server_hello(pki):
    async def scenario():
        async with echo_server(pki) as (server, _):
            async with await connect(pki, server) as client:
                assert client.server_identity == ECHO_ID
                assert client.server_hello.agent == "echo-test"
                assert client.server_hello.max_concurrent_requests == 128
                assert await client.unary(SAY, b"\x0a\x05hello") == b"\x0a\x05hello"
                assert await client.unary(SAY, b"") == b""
                assert await client.unary(WHO, b"") == CLIENT_ID.encode()
    run(scenario())


def test_large_messages_are_compressed(pki):
    big = b"township governance " * 10_000
    async def scenario():
        async with echo_server(pki) as (server, service):
            async with await connect(pki, server) as client:
                assert await client.unary(SAY, big) == big
                assert await client.unary(SAY, b"small") == b"small"
        assert service.request_flags == [FLAG_COMPRESSED, 0]
    run(scenario())


def test_server_streaming_beyond_initial_credit(pki):
    async def scenario():
        async with echo_server(pki) as (server, _):
            async with await connect(pki, server,
                                     limits=Limits(initial_stream_credit=3)) as client:
                got = [m async for m in client.server_stream(REPEAT, b"tick")]
        assert got == [b"%d:tick" % i for i in range(REPEAT_COUNT)]
    run(scenario())


def test_client_streaming_waits_for_credit(pki):
    async def scenario():
        async with echo_server(pki, Limits(initial_stream_credit=2)) as (server, _):
            async with await connect(pki, server) as client:
                assert client.server_hello.initial_stream_credit == 2
                parts = [b"m%d" % i for i in range(25)]
                assert await client.client_stream(COLLECT, parts) == b"|".join(parts)

                async def generated():
                    for i in range(5):
                        yield b"g%d" % i
                assert await client.client_stream(COLLECT, generated()) == b"g0|g1|g2|g3|g4"
                assert await client.client_stream(COLLECT, []) == b""
    run(scenario())


def test_ping(pki):
    async def scenario():
        async with echo_server(pki) as (server, _):
            async with await connect(pki, server) as client:
                rtt = await client.ping()
                assert 0 < rtt < 5
    run(scenario())


def test_cancel_reaches_the_server_and_the_connection_lives_on(pki):
    async def scenario():
        async with echo_server(pki) as (server, service):
            async with await connect(pki, server) as client:
                call = await client.start(HANG, b"x")
                await asyncio.wait_for(service.hanging.wait(), 5)
                await call.cancel()
                ctx = service.hang_contexts[0]
                await asyncio.wait_for(ctx.cancelled.wait(), 5)
                assert await client.unary(SAY, b"after") == b"after"
    run(scenario())


def test_closing_a_server_stream_early_cancels_it(pki):
    async def scenario():
        async with echo_server(pki) as (server, service):
            async with await connect(pki, server,
                                     limits=Limits(initial_stream_credit=2)) as client:
                stream = client.server_stream(REPEAT, b"s")
                assert await anext(stream) == b"0:s"
                await stream.aclose()
                await asyncio.wait_for(service.stream_stopped.wait(), 5)
                assert await client.unary(SAY, b"still here") == b"still here"
    run(scenario())


def test_deadline(pki):
    async def scenario():
        async with echo_server(pki) as (server, service):
            async with await connect(pki, server) as client:
                started = time.monotonic()
                with pytest.raises(DeadlineExceeded) as raised:
                    await client.unary(HANG, b"", timeout=0.3)
                assert raised.value.status == Status.DEADLINE_EXCEEDED
                assert time.monotonic() - started < 3
                assert service.hang_contexts[0].request.timeout_ms == 300
                assert await client.unary(SAY, b"ok") == b"ok"
    run(scenario())


def test_error_with_details_and_unknown_method(pki):
    async def scenario():
        async with echo_server(pki) as (server, _):
            async with await connect(pki, server) as client:
                with pytest.raises(CallError) as raised:
                    await client.unary(FAIL, b"")
                assert (raised.value.status, raised.value.message, raised.value.details) == \
                    (Status.NOT_FOUND, "no ticket 7", b"\x0a\x01x")
                with pytest.raises(CallError) as raised:
                    await client.unary("township.test.v1.Echo/Nope", b"")
                assert raised.value.status == Status.UNIMPLEMENTED
    run(scenario())


def test_bad_metadata_fails_only_that_call(pki):
    async def scenario():
        async with echo_server(pki) as (server, _):
            async with await connect(pki, server) as client:
                with pytest.raises(CallError) as raised:
                    await client.unary(SAY, b"", metadata=[(0x03, b"has space")])
                assert raised.value.status == Status.INVALID_ARGUMENT
                assert await client.unary(SAY, b"ok", metadata=[(0x03, b"key-1")]) == b"ok"
    run(scenario())


def test_calls_beyond_the_server_limit_wait_instead_of_being_refused(pki):
    async def scenario():
        async with echo_server(pki, Limits(max_concurrent_requests=2)) as (server, _):
            async with await connect(pki, server) as client:
                replies = await asyncio.gather(*(client.unary(SAY, b"%d" % i)
                                                 for i in range(12)))
                assert replies == [b"%d" % i for i in range(12)]
    run(scenario())


def test_calls_fail_unavailable_when_the_server_goes_away(pki):
    async def scenario():
        async with echo_server(pki) as (server, service):
            client = await connect(pki, server)
            task = asyncio.create_task(client.unary(HANG, b""))
            await asyncio.wait_for(service.hanging.wait(), 5)
            await server.stop()
            with pytest.raises(ConnectionLost) as raised:
                await task
            assert raised.value.status == Status.UNAVAILABLE
            await client.close()
    run(scenario())


# ------------------------------------------------------------------------------ identity

def test_client_refuses_a_server_with_another_identity(pki):
    async def scenario():
        async with echo_server(pki) as (server, _):
            with pytest.raises(IdentityError, match="expected"):
                await connect(pki, server, server_id="spiffe://township.local/service/intake")
    run(scenario())


def test_client_refuses_a_certificate_with_two_uri_sans(pki):
    async def scenario():
        service = EchoService()
        leaf = pki["two-uris"]
        server = await Server.start("127.0.0.1", 0,
                                    server_context(pki["ca"], leaf.cert, leaf.key),
                                    service.handlers())
        try:
            with pytest.raises(IdentityError, match="2 URI SANs"):
                await connect(pki, server)
        finally:
            await server.stop()
    run(scenario())


def test_server_refuses_a_client_from_another_ca(pki):
    async def scenario():
        async with echo_server(pki) as (server, _):
            with pytest.raises((ConnectionLost, ssl.SSLError, ConnectionResetError)):
                client = await connect(pki, server, leaf="foreign-client")
                await client.unary(SAY, b"")
    run(scenario())


# ------------------------------------------------------------------------------ the CLI

def test_cli_calls_every_kind_through_a_descriptor_set(pki, sample_protoset):
    import json
    import sys
    from pathlib import Path

    service = "township.sample.v1.Tickets"

    async def get_ticket(ctx, message):
        return message + b"\x12\x05title"           # Ticket{id from the request, title}

    async def watch(ctx, message):
        for _ in range(3):
            yield message

    async def import_tickets(ctx, messages):
        count = len([m async for m in messages])
        return b"\x08" + bytes([count])             # Summary{count}

    handlers = {f"{service}/GetTicket": unary(get_ticket),
                f"{service}/WatchTickets": server_streaming(watch),
                f"{service}/ImportTickets": client_streaming(import_tickets)}

    async def cli(server, *args):
        leaf = pki["client"]
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "twp", "call", "--ca", pki["ca"], "--cert", leaf.cert,
            "--key", leaf.key, "--server-id", ECHO_ID, "--protoset", str(sample_protoset),
            f"127.0.0.1:{server.port}", *args,
            cwd=Path(__file__).resolve().parent,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await process.communicate()
        return process.returncode, out.decode(), err.decode()

    async def scenario():
        leaf = pki["server"]
        server = await Server.start("127.0.0.1", 0,
                                    server_context(pki["ca"], leaf.cert, leaf.key), handlers)
        try:
            code, out, err = await cli(server, f"{service}/GetTicket", '{"id": "t-1"}')
            assert (code, json.loads(out)) == (0, {"id": "t-1", "title": "title"}), err
            code, out, err = await cli(server, f"{service}/WatchTickets", '{"id": "w"}')
            assert code == 0 and out.count('"id": "w"') == 3, err
            code, out, err = await cli(server, f"{service}/ImportTickets",
                                       '[{"id": "a"}, {"id": "b"}]')
            assert (code, json.loads(out)) == (0, {"count": 2}), err
            code, out, err = await cli(server, f"{service}/Missing", "{}")
            assert code == 1 and "no method" in err
        finally:
            await server.stop()
    run(scenario(), timeout=60)


def test_a_cancelled_call_frees_its_slot(pki):
    async def scenario():
        async with echo_server(pki, Limits(max_concurrent_requests=1)) as (server, service):
            async with await connect(pki, server) as client:
                for _ in range(3):
                    call = await client.start(HANG, b"")
                    await call.cancel()
                assert await asyncio.wait_for(client.unary(SAY, b"free"), 5) == b"free"
                with pytest.raises(DeadlineExceeded):
                    await client.unary(HANG, b"", timeout=0.2)
                assert await asyncio.wait_for(client.unary(SAY, b"again"), 5) == b"again"
    run(scenario())


def test_an_undecodable_request_is_invalid_argument_and_the_connection_stays(pki):
    """Settled (§5): a request message that does not decode as the method's input type is
    the call's INVALID_ARGUMENT, as the Swift server answers too."""
    async def scenario():
        async with echo_server(pki) as (server, _):
            async with await connect(pki, server) as client:
                with pytest.raises(CallError) as raised:
                    await client.unary(PARSE, b"\xff\xff")
                assert raised.value.status == Status.INVALID_ARGUMENT
                assert await client.unary(PARSE, b"\x0a\x02ok") == b"ok"
    run(scenario())
