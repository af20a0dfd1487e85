"""Test certificates made with the `openssl` command line: a suite CA (ECDSA P-256) and
leaves whose identity is one SPIFFE URI SAN (spec §1)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Leaf:
    cert: str
    key: str


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_ca(directory: Path, name: str = "ca") -> tuple[str, str]:
    _openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f"{name}.key",
             cwd=directory)
    _openssl("req", "-x509", "-new", "-key", f"{name}.key", "-sha256", "-days", "2",
             "-subj", f"/CN=Township test {name}", "-out", f"{name}.pem",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=directory)
    return str(directory / f"{name}.pem"), str(directory / f"{name}.key")


def make_leaf(directory: Path, name: str, sans: list[str], ca: str = "ca") -> Leaf:
    """A leaf signed by `ca`, with subjectAltNames such as 'URI:spiffe://…', 'IP:127.0.0.1'."""
    _openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f"{name}.key",
             cwd=directory)
    _openssl("req", "-new", "-key", f"{name}.key", "-subj", f"/CN={name}", "-out",
             f"{name}.csr", cwd=directory)
    ext = directory / f"{name}.ext"
    lines = ["basicConstraints=critical,CA:FALSE",
             "keyUsage=critical,digitalSignature",
             "extendedKeyUsage=serverAuth,clientAuth"]
    if sans:
        lines.append("subjectAltName=" + ",".join(sans))
    ext.write_text("\n".join(lines) + "\n")
    _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
             "-CAcreateserial", "-sha256", "-days", "2", "-extfile", ext.name,
             "-out", f"{name}.pem", cwd=directory)
    return Leaf(str(directory / f"{name}.pem"), str(directory / f"{name}.key"))
