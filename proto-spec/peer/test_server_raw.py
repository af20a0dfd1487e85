"""The Python server (twp/server.py) fed raw bytes over real TLS: the reactions of §2 and §10
as seen on the wire."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import struct

from loopback import ECHO_ID, HANG, SAY, EchoService, connect, run
from twp.connection import Limits
from twp.frames import (
    Code, GoAway, Hello, Request, Response, Role, decode_all, encode_frame,
)
from twp.server import Server
from twp.tls import client_context, server_context, peer_identity


async def start(pki, hello_timeout=10.0, limits=Limits()):
    service = EchoService()
    leaf = pki["server"]
    server = await Server.start("127.0.0.1", 0, server_context(pki["ca"], leaf.cert, leaf.key),
                                service.handlers(), limits, hello_timeout=hello_timeout)
    return server, service


async def raw_connect(pki, server):
    leaf = pki["client"]
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", server.port, ssl=client_context(pki["ca"], leaf.cert, leaf.key))
    assert peer_identity(writer.get_extra_info("ssl_object")) == ECHO_ID
    return reader, writer


async def read_frames_until_close(reader) -> list:
    data = await asyncio.wait_for(reader.read(-1), 10)
    return decode_all(data, Role.CLIENT)


async def read_one_frame(reader):
    (length,) = struct.unpack(">I", await reader.readexactly(4))
    return decode_all(struct.pack(">I", length) + await reader.readexactly(length),
                      Role.CLIENT)[0]


def test_hello_timeout(pki):
    async def scenario():
        server, _ = await start(pki, hello_timeout=0.5)
        try:
            reader, writer = await raw_connect(pki, server)
            frames = await read_frames_until_close(reader)
            assert frames == [GoAway(0, Code.HELLO_TIMEOUT, "no HELLO in time")]
            writer.close()
        finally:
            await server.stop()
    run(scenario())


def test_version_mismatch_gets_goaway_supported_1(pki):
    async def scenario():
        server, _ = await start(pki)
        try:
            reader, writer = await raw_connect(pki, server)
            writer.write(struct.pack(">IBBI", 6 + 19, 1, 0, 0)
                         + struct.pack(">HIHHIIB", 2, 4194304, 0, 16, 1, 0, 0))
            frames = await read_frames_until_close(reader)
            assert frames == [GoAway(0, Code.UNSUPPORTED_VERSION, "supported: 1")]
            writer.close()
        finally:
            await server.stop()
    run(scenario())


def test_malformed_frame_closes_with_highest_request_id(pki):
    async def scenario():
        server, service = await start(pki)
        try:
            reader, writer = await raw_connect(pki, server)
            writer.write(encode_frame(Hello(agent="raw")))
            hello = await read_one_frame(reader)
            assert hello.is_ack and hello.max_concurrent_requests == 128
            writer.write(encode_frame(Request(1, SAY, b"one")))
            assert await read_one_frame(reader) == Response(1, b"one")
            writer.write(encode_frame(Request(3, HANG, b"")))
            await asyncio.wait_for(service.hanging.wait(), 5)
            writer.write(struct.pack(">IBBI", 6, 0x42, 0, 0))  # unknown frame type
            frames = await read_frames_until_close(reader)
            assert len(frames) == 1 and isinstance(frames[0], GoAway)
            assert (frames[0].last_request_id, frames[0].code) == (3, Code.PROTOCOL_ERROR)
            writer.close()
        finally:
            await server.stop()
    run(scenario())


def test_request_over_the_limit_is_refused_and_the_connection_stays(pki):
    async def scenario():
        server, service = await start(pki, limits=Limits(max_concurrent_requests=1))
        try:
            reader, writer = await raw_connect(pki, server)
            writer.write(encode_frame(Hello()))
            await read_one_frame(reader)
            writer.write(encode_frame(Request(1, HANG, b"")))
            await asyncio.wait_for(service.hanging.wait(), 5)
            writer.write(encode_frame(Request(2, SAY, b"x")))
            refused = await read_one_frame(reader)
            assert (type(refused).__name__, refused.request_id, refused.status) == \
                ("Refused", 2, 8)
            writer.write(encode_frame(Request(3, SAY, b"x")))
            refused = await read_one_frame(reader)
            assert refused.request_id == 3 and refused.status == 8
            writer.close()
        finally:
            await server.stop()
    run(scenario())


def test_connection_error_ends_with_goaway_then_close_notify(pki):
    """Settled (§10): a connection error is GOAWAY, then TLS close_notify, then FIN. A blocking
    client that does not suppress ragged EOFs reads a clean end only if close_notify came."""
    async def scenario():
        server, _ = await start(pki)
        try:
            def client() -> list:
                leaf = pki["client"]
                context = client_context(pki["ca"], leaf.cert, leaf.key)
                with socket.create_connection(("127.0.0.1", server.port), timeout=10) as tcp:
                    with context.wrap_socket(tcp, suppress_ragged_eofs=False) as tls:
                        tls.sendall(encode_frame(Hello(agent="raw"))
                                    + struct.pack(">IBBI", 6, 0x42, 0, 0))  # unknown frame type
                        data = b""
                        # A bare FIN raises ssl.SSLEOFError here instead of returning b"".
                        while chunk := tls.recv(65536):
                            data += chunk
                        return decode_all(data, Role.CLIENT)
            frames = await asyncio.to_thread(client)
            assert isinstance(frames[-1], GoAway) and frames[-1].code == Code.PROTOCOL_ERROR
        finally:
            await server.stop()
    run(scenario())


def test_peers_stalled_before_tls_are_closed_and_others_are_served(pki):
    """A peer that connects and sends nothing, and one that sends only its ClientHello, are
    closed by the HELLO deadline (which counts the TLS handshake, §2); a good client is served
    during and after."""
    async def scenario():
        server, _ = await start(pki, hello_timeout=0.5)
        try:
            silent_reader, silent_writer = await asyncio.open_connection("127.0.0.1", server.port)
            leaf = pki["client"]
            outgoing = ssl.MemoryBIO()
            tls = client_context(pki["ca"], leaf.cert, leaf.key).wrap_bio(ssl.MemoryBIO(), outgoing)
            with contextlib.suppress(ssl.SSLWantReadError):
                tls.do_handshake()
            hello_reader, hello_writer = await asyncio.open_connection("127.0.0.1", server.port)
            hello_writer.write(outgoing.read())  # the ClientHello; the answer is never read into TLS
            async with await connect(pki, server) as client:
                assert await client.unary(SAY, b"during") == b"during"
            for reader in (silent_reader, hello_reader):
                await asyncio.wait_for(reader.read(-1), 5)  # EOF: the server closed it
            async with await connect(pki, server) as client:
                assert await client.unary(SAY, b"after") == b"after"
            silent_writer.close()
            hello_writer.close()
        finally:
            await server.stop()
    run(scenario())
