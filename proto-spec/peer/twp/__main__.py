"""Command line: `python3 -m twp call|ping …` against a TWP/1 server."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from google.protobuf.message import DecodeError

from .client import CallError, CallRefusedError, Client, ConnectionLost
from .connection import Limits
from .messages import CallKind, MessageRegistry, ProtosetMissing
from .tls import IdentityError, client_context


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python3 -m twp", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve-echo", help="run the echo service (twp/echo.py)")
    serve.add_argument("--ca", required=True)
    serve.add_argument("--cert", required=True, help="server certificate (PEM)")
    serve.add_argument("--key", required=True)
    serve.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: any)")
    for name in ("call", "ping"):
        p = sub.add_parser(name)
        p.add_argument("--ca", required=True, help="CA certificate (PEM)")
        p.add_argument("--cert", required=True, help="client certificate (PEM)")
        p.add_argument("--key", required=True, help="client private key (PEM)")
        p.add_argument("--server-id", required=True,
                       help="expected server identity, e.g. spiffe://township.local/service/intake")
        p.add_argument("address", help="HOST:PORT")
        if name == "call":
            p.add_argument("method", help="package.Service/Method")
            p.add_argument("json", help="request as JSON; for client-streaming a JSON array")
            p.add_argument("--protoset", help="descriptor set (default proto-spec/township.protoset)")
            p.add_argument("--timeout", type=float, default=30.0, help="deadline in seconds")
    return parser.parse_args(argv)


async def serve_echo(args) -> int:
    from .echo import EchoService
    from .server import Server
    from .tls import server_context

    server = await Server.start("127.0.0.1", args.port,
                                server_context(args.ca, args.cert, args.key),
                                EchoService().handlers(), Limits(agent="twp-python-echo/1"))
    print(f"listening on 127.0.0.1:{server.port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()
    return 0


async def run(args) -> int:
    if args.command == "serve-echo":
        return await serve_echo(args)
    host, _, port = args.address.rpartition(":")
    registry = None
    if args.command == "call":
        registry = MessageRegistry.load(args.protoset)
        info = registry.method(args.method)
    client = await Client.connect(host, int(port), server_id=args.server_id,
                                  ssl_context=client_context(args.ca, args.cert, args.key))
    async with client:
        if args.command == "ping":
            print(f"PONG in {await client.ping() * 1000:.2f} ms "
                  f"({client.server_hello.agent or 'no agent'})")
            return 0
        if info.kind is CallKind.CLIENT_STREAMING:
            items = json.loads(args.json)
            if not isinstance(items, list):
                raise SystemExit("client-streaming method: give a JSON array of requests")
            payloads = [registry.request_from_json(args.method, json.dumps(i)).SerializeToString()
                        for i in items]
            reply = await client.client_stream(args.method, payloads, timeout=args.timeout)
            print(registry.response_to_json(args.method, reply))
        elif info.kind is CallKind.SERVER_STREAMING:
            payload = registry.request_from_json(args.method, args.json).SerializeToString()
            async for item in client.server_stream(args.method, payload, timeout=args.timeout):
                print(registry.response_to_json(args.method, item))
        elif info.kind is CallKind.UNARY:
            payload = registry.request_from_json(args.method, args.json).SerializeToString()
            print(registry.response_to_json(args.method,
                                            await client.unary(args.method, payload,
                                                               timeout=args.timeout)))
        else:
            raise SystemExit(f"{args.method}: bidirectional streaming is not part of TWP/1")
    return 0


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:
        return 0
    except CallError as e:
        print(f"error: {e.status_name}: {e.message}", file=sys.stderr)
        return 2
    except DecodeError as e:
        # An answer that does not decode is the server's bug: INTERNAL on this side (§5).
        print(f"error: INTERNAL: the server's answer does not decode: {e}", file=sys.stderr)
        return 2
    except (CallRefusedError, ConnectionLost, IdentityError, ProtosetMissing, KeyError,
            OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
