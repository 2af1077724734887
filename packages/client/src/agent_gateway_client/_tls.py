"""What ``verify`` and ``cert`` become for httpx: an SSL context when a file is involved (httpx
deprecates paths in favour of contexts), else the boolean as given."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx

from agent_gateway_client._errors import ConfigurationError


def ssl_context(verify: bool | str, cert: str | tuple[str, str] | None) -> ssl.SSLContext | bool:
    """``verify``: check the server's certificate (``True``), don't (``False``), or check it
    against this CA bundle file or directory; ``cert``: a client certificate file (with its
    key), or ``(certificate, key)``. A file that cannot be loaded is a
    :class:`ConfigurationError`."""
    try:
        return _context(verify, cert)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigurationError(f"cannot load the TLS files (verify, cert): {exc}") from exc


def _context(verify: bool | str, cert: str | tuple[str, str] | None) -> ssl.SSLContext | bool:
    if isinstance(verify, str):
        path = Path(verify).expanduser()
        if path.is_dir():
            context = ssl.create_default_context(capath=str(path))
        else:
            context = ssl.create_default_context(cafile=str(path))
    elif cert is None:
        return verify
    else:
        context = httpx.create_ssl_context(verify=verify)
    if cert is not None:
        certfile, keyfile = (cert, None) if isinstance(cert, str) else cert
        context.load_cert_chain(
            str(Path(certfile).expanduser()), str(Path(keyfile).expanduser()) if keyfile else None
        )
    return context
