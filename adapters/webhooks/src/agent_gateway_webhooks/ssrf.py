"""The SSRF guard: a webhook may not reach this host's or its network's private addresses.

A URL is refused when its scheme is not http(s), when it carries credentials, or — unless
private targets are allowed (``notifications.allow_private_targets``) — when its host is, or
resolves to, any address that is loopback, private (RFC 1918, ``fc00::/7``), link-local
(``169.254/16`` with the cloud metadata address, ``fe80::/10``), unspecified, multicast,
reserved or otherwise not globally routable (``100.64/10``), including those addresses
embedded in IPv6 (``::ffff:127.0.0.1``, 6to4, NAT64).

``vet_target`` returns the vetted addresses; the backend connects to one of them rather
than resolving the name again, so the name cannot change its answer between the check and
the connection (DNS rebinding).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import httpx

Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
"""``(host, port) -> addresses``; the default asks the system resolver without blocking."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_HINT = "set notifications.allow_private_targets to allow it"
_METADATA_ADDRESSES = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class TargetRefusedError(Exception):
    """The guard refused a URL; the message says why."""


class TargetUnresolvedError(Exception):
    """The URL's host did not resolve (this may mend: DNS can come back)."""


@dataclass(frozen=True, slots=True)
class VettedTarget:
    """A URL whose host resolved to ``addresses``, all of them allowed, in resolver order."""

    url: httpx.URL
    addresses: tuple[str, ...]

    @property
    def host_is_address(self) -> bool:
        """Whether the URL names an address rather than a host name."""
        return _literal_address(self.url) is not None


def address_problem(address: str, *, allow_private: bool = False) -> str | None:
    """Why the guard refuses to connect to ``address`` (``"a loopback address"``), or
    ``None``."""
    if allow_private:
        return None
    return _describe(ipaddress.ip_address(address))


def check_target(url: str, *, allow_private: bool = False) -> str | None:
    """What is wrong with ``url`` as a webhook target, judged without DNS, or ``None``.

    Catches a wrong scheme, credentials in the URL, and a host that is a refused address
    or ``localhost``; a name that *resolves* to a refused address needs :func:`vet`.
    """
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        return f"refused: not a valid URL ({exc})"
    if parsed.scheme not in ("http", "https"):
        return f"refused: the scheme {parsed.scheme or '(none)'!r} is not http or https"
    if parsed.userinfo:
        return "refused: the URL carries credentials (user:password@host)"
    if not parsed.host:
        return "refused: the URL has no host"
    if allow_private:
        return None
    address = _literal_address(parsed)
    if address is not None:
        reason = _describe(address)
        return f"refused: {address} is {reason}; {_HINT}" if reason else None
    host = parsed.host.rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return f"refused: {parsed.host} is a loopback host name; {_HINT}"
    return None


async def vet_target(
    url: str, *, allow_private: bool = False, resolver: Resolver | None = None
) -> VettedTarget:
    """Check ``url``, resolve its host, and check every address it resolves to.

    Raises :class:`TargetRefusedError` (refused: the message names the address and why) or
    :class:`TargetUnresolvedError`.
    """
    problem = check_target(url, allow_private=allow_private)
    if problem is not None:
        raise TargetRefusedError(problem)
    parsed = httpx.URL(url)
    literal = _literal_address(parsed)
    if literal is not None:
        return VettedTarget(parsed, (str(literal),))
    host = parsed.raw_host.decode("ascii")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        addresses = tuple(await (resolver or resolve)(host, port))
    except OSError as exc:
        raise TargetUnresolvedError(f"cannot resolve {host}: {exc}") from exc
    if not addresses:
        raise TargetUnresolvedError(f"cannot resolve {host}: no address")
    if not allow_private:
        for address in addresses:
            reason = address_problem(address)
            if reason is not None:
                raise TargetRefusedError(
                    f"refused: {host} resolves to {address}, {reason}; {_HINT}"
                )
    return VettedTarget(parsed, addresses)


async def vet(
    url: str, *, allow_private: bool = False, resolver: Resolver | None = None
) -> str | None:
    """What is wrong with ``url`` now (refused, or its host does not resolve), or ``None``.

    For a startup warning about static configuration; sending checks again every time.
    """
    try:
        await vet_target(url, allow_private=allow_private, resolver=resolver)
    except (TargetRefusedError, TargetUnresolvedError) as exc:
        return str(exc)
    return None


async def resolve(host: str, port: int) -> list[str]:
    """The addresses of ``host``, in the system resolver's order, without duplicates."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _literal_address(url: httpx.URL) -> IPAddress | None:
    try:
        return ipaddress.ip_address(url.host)
    except ValueError:
        return None


def _describe(address: IPAddress) -> str | None:
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            reason = _describe(embedded)
            return f"{reason} (IPv6 form of {embedded})" if reason else None
    if address.is_loopback:
        return "a loopback address"
    if address in _METADATA_ADDRESSES:
        return "the cloud metadata address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_reserved:  # before private: Python counts 240.0.0.0/4 as both
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "not a globally routable address"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None
