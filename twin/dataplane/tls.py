"""A local CA and a server certificate for 127.0.0.1 and localhost, made with openssl once per local dir."""

from __future__ import annotations

import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

from twin.dataplane.config import DataPlaneError, binary, tls_dir

SERVER_EXTENSIONS = """basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


@dataclass(frozen=True)
class Certificates:
    ca: Path
    cert: Path
    key: Path


def paths() -> Certificates:
    directory = tls_dir()
    return Certificates(ca=directory / "ca.pem", cert=directory / "server.pem", key=directory / "server.key")


def ensure() -> Certificates:
    """Create the CA and the CA-signed server certificate unless both exist."""
    certificates = paths()
    if certificates.ca.is_file() and certificates.cert.is_file() and certificates.key.is_file():
        return certificates
    directory = tls_dir()
    directory.mkdir(parents=True, exist_ok=True)
    ca_key = directory / "ca.key"
    request = directory / "server.csr"
    extensions = directory / "server.ext"
    extensions.write_text(SERVER_EXTENSIONS)
    _openssl(
        [
            *("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "3650"),
            *("-keyout", str(ca_key), "-out", str(certificates.ca), "-subj", "/O=xyz twin/CN=twin local data plane CA"),
            *("-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"),
        ]
    )
    _openssl(
        [
            *("req", "-newkey", "rsa:2048", "-nodes", "-sha256", "-keyout", str(certificates.key)),
            *("-out", str(request), "-subj", "/O=xyz twin/CN=localhost"),
        ]
    )
    _openssl(
        [
            *("x509", "-req", "-sha256", "-days", "825", "-in", str(request), "-CA", str(certificates.ca)),
            *("-CAkey", str(ca_key), "-set_serial", "0x" + secrets.token_hex(16), "-extfile", str(extensions)),
            *("-out", str(certificates.cert)),
        ]
    )
    ca_key.chmod(0o600)
    certificates.key.chmod(0o600)
    request.unlink()
    return certificates


def _openssl(arguments: list[str]) -> None:
    result = subprocess.run([binary("openssl"), *arguments], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise DataPlaneError(f"openssl {arguments[0]} failed: {result.stderr.strip()}")
