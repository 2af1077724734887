"""An HTTP request that connects to a vetted address while addressing the URL's host."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from agent_gateway_webhooks.ssrf import VettedTarget


def pinned_request(
    client: httpx.AsyncClient,
    target: VettedTarget,
    address: str,
    *,
    content: bytes,
    headers: Mapping[str, str],
    timeout: float,
) -> httpx.Request:
    """A POST of ``content`` to ``target.url`` whose connection goes to ``address``.

    The URL's host is swapped for the address, so nothing resolves the name again; the
    ``Host`` header keeps the original host and port, and over TLS the server name (SNI)
    and the certificate check stay on the original host (httpx's ``sni_hostname``).
    HTTPS requests ask to close the connection afterwards: the connection pool knows only
    the address, so a kept connection could otherwise serve another host name on the same
    address under the wrong certificate.
    """
    if target.host_is_address:
        return client.build_request(
            "POST", target.url, content=content, headers=dict(headers), timeout=timeout
        )
    pinned_headers = {**headers, "Host": target.url.netloc.decode("ascii")}
    extensions: dict[str, Any] = {}
    if target.url.scheme == "https":
        extensions["sni_hostname"] = target.url.raw_host.decode("ascii")
        pinned_headers["Connection"] = "close"
    return client.build_request(
        "POST",
        target.url.copy_with(host=address.split("%", 1)[0]),
        content=content,
        headers=pinned_headers,
        timeout=timeout,
        extensions=extensions,
    )
