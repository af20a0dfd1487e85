"""TLS 1.3 + mutual TLS + ALPN `twp/1` + SPIFFE identities (spec §1), on stdlib ssl."""

from __future__ import annotations

import re
import ssl

ALPN = "twp/1"
SPIFFE_ID = re.compile(r"spiffe://township\.local/(service|admin)/[a-z][a-z0-9-]{0,62}")


class IdentityError(Exception):
    """The peer's certificate does not carry the identity it must."""


def _base_context(purpose: ssl.Purpose, ca: str, cert: str, key: str) -> ssl.SSLContext:
    protocol = ssl.PROTOCOL_TLS_CLIENT if purpose is ssl.Purpose.SERVER_AUTH \
        else ssl.PROTOCOL_TLS_SERVER
    context = ssl.SSLContext(protocol)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.maximum_version = ssl.TLSVersion.TLSv1_3
    context.load_verify_locations(cafile=ca)
    context.load_cert_chain(certfile=cert, keyfile=key)
    context.set_alpn_protocols([ALPN])
    context.verify_mode = ssl.CERT_REQUIRED
    return context


def client_context(ca: str, cert: str, key: str) -> ssl.SSLContext:
    context = _base_context(ssl.Purpose.SERVER_AUTH, ca, cert, key)
    # Identity is the SPIFFE URI SAN, checked after the handshake, not the host name.
    context.check_hostname = False
    return context


def server_context(ca: str, cert: str, key: str) -> ssl.SSLContext:
    return _base_context(ssl.Purpose.CLIENT_AUTH, ca, cert, key)


def peer_identity(ssl_object: ssl.SSLObject | ssl.SSLSocket) -> str:
    """The single SPIFFE URI SAN of the verified peer certificate; IdentityError otherwise."""
    if ssl_object.version() != "TLSv1.3":
        raise IdentityError(f"negotiated {ssl_object.version()}, TLS 1.3 required")
    if ssl_object.selected_alpn_protocol() != ALPN:
        raise IdentityError(f"ALPN {ssl_object.selected_alpn_protocol()!r}, {ALPN!r} required")
    cert = ssl_object.getpeercert()
    if not cert:
        raise IdentityError("peer sent no certificate")
    uris = [value for kind, value in cert.get("subjectAltName", ()) if kind == "URI"]
    if len(uris) != 1:
        raise IdentityError(f"certificate has {len(uris)} URI SANs, exactly 1 required")
    if not SPIFFE_ID.fullmatch(uris[0]):
        raise IdentityError(f"URI SAN {uris[0]!r} is not a Township SPIFFE id")
    return uris[0]
