"""``WebhookBackend``: the NotificationBackend that POSTs signed JSON to webhook URLs."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType
from typing import Any, Self

import httpx

from agent_gateway_core.domain.notification import Notification
from agent_gateway_core.errors import NotificationDeliveryError
from agent_gateway_core.ports.notification_backend import NotificationBackend
from agent_gateway_webhooks.endpoint import WebhookEndpoint
from agent_gateway_webhooks.outcome import failure_for_status
from agent_gateway_webhooks.payload import build_body
from agent_gateway_webhooks.pinned_request import pinned_request
from agent_gateway_webhooks.settings import read_settings
from agent_gateway_webhooks.signing import signature_headers, signing_key
from agent_gateway_webhooks.ssrf import (
    Resolver,
    TargetRefusedError,
    TargetUnresolvedError,
    VettedTarget,
    vet,
    vet_target,
)
from agent_gateway_webhooks.urls import display_url

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Route:
    """Where one notification goes: resolved from an inline url or a named endpoint."""

    label: str
    url: str
    key: bytes | None
    payload_template: str | None

    @property
    def where(self) -> str:
        return f"{self.label} ({display_url(self.url)})"


class WebhookBackend(NotificationBackend):
    """POSTs notifications as JSON to webhook endpoints, signed per Standard Webhooks.

    A notification goes to ``notification.url`` when it has one (an inline webhook from
    AGENT.md: signed with ``default_secret``, its own ``payload_template``), else to the
    endpoint named ``notification.target``. An endpoint whose ``events`` leave out the
    notification's event type is skipped: ``send`` returns without sending, which is not a
    failure.

    Each request carries ``webhook-id`` (the notification's ``delivery_id``, the same on
    every attempt, so receivers can drop repeats; a fresh ``msg_...`` id when it has none).
    With a secret it also carries ``webhook-timestamp`` and ``webhook-signature``
    (see :mod:`agent_gateway_webhooks.signing`); with no secret at all it is sent unsigned.

    Before each request the SSRF guard (:mod:`agent_gateway_webhooks.ssrf`) resolves the
    host and refuses private, loopback, link-local and similar addresses unless
    ``allow_private_targets``; the request then connects to a vetted address. Redirects are
    not followed. The backend's own HTTP client ignores proxy environment variables; an
    injected ``client`` is used as it is (an HTTP proxy on it would see the vetted address
    as the host).

    Failures raise :class:`NotificationDeliveryError` only; ``permanent`` for an unknown
    webhook, a refused URL, a broken template and statuses 3xx, 400, 401, 403, 404, 410 and
    422; ``retry_after`` for 429 and 503 with ``Retry-After``. ``send`` never retries.
    """

    name = "webhook"

    def __init__(
        self,
        endpoints: Iterable[WebhookEndpoint] = (),
        *,
        default_secret: str = "",
        allow_private_targets: bool = False,
        timeout_seconds: float = 10.0,
        client: httpx.AsyncClient | None = None,
        resolver: Resolver | None = None,
    ) -> None:
        """``client``: an httpx client to send with (not closed by ``aclose``); ``resolver``:
        ``(host, port) -> addresses`` instead of the system resolver (tests).

        Raises ``ValueError`` on a duplicate endpoint name or a malformed secret.
        """
        if timeout_seconds <= 0:
            raise ValueError("timeout_seconds must be positive")
        self._endpoints: dict[str, WebhookEndpoint] = {}
        for endpoint in endpoints:
            self.add_endpoint(endpoint)
        self._default_key = signing_key(default_secret) if default_secret else None
        self._allow_private = allow_private_targets
        self._timeout = timeout_seconds
        self._resolver = resolver
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(
            timeout=timeout_seconds, follow_redirects=False, trust_env=False
        )
        self._closed = False
        self._user_agent = f"agent-gateway-webhooks/{_package_version()}"

    @classmethod
    def from_settings(
        cls,
        notifications: Mapping[str, Any],
        *,
        timeout_seconds: float = 10.0,
        client: httpx.AsyncClient | None = None,
    ) -> Self:
        """A backend for gateway.yaml's ``notifications`` section (``webhooks``,
        ``webhook_secret``, ``allow_private_targets``); see :mod:`.settings`.

        Raises ``ConfigError`` naming the key of a wrong value.
        """
        settings = read_settings(notifications)
        return cls(
            settings.endpoints,
            default_secret=settings.default_secret,
            allow_private_targets=settings.allow_private_targets,
            timeout_seconds=timeout_seconds,
            client=client,
        )

    @property
    def endpoints(self) -> tuple[WebhookEndpoint, ...]:
        """The named endpoints, in the order they were added."""
        return tuple(self._endpoints.values())

    def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        """Register a named endpoint; ``ValueError`` if the name is taken."""
        if endpoint.name in self._endpoints:
            raise ValueError(f"a webhook named {endpoint.name!r} is already registered")
        self._endpoints[endpoint.name] = endpoint

    async def vet_endpoints(self) -> dict[str, str]:
        """Endpoint name → what the SSRF guard (or DNS) says is wrong with its URL now,
        for those with a problem: a startup warning, since every send checks again."""
        problems: dict[str, str] = {}
        for endpoint in self._endpoints.values():
            problem = await vet(
                endpoint.url, allow_private=self._allow_private, resolver=self._resolver
            )
            if problem is not None:
                problems[endpoint.name] = problem
        return problems

    async def send(self, notification: Notification) -> None:
        """Deliver ``notification`` once; see the class docstring for what fails how."""
        try:
            await self._send(notification)
        except NotificationDeliveryError:
            raise
        except Exception as exc:  # the port promises nothing else escapes
            raise NotificationDeliveryError(
                f"webhook delivery failed: {type(exc).__name__}: {exc}"
            ) from exc

    async def aclose(self) -> None:
        """Close the HTTP client the backend created (an injected one stays open)."""
        self._closed = True
        if self._owns_client:
            await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _send(self, notification: Notification) -> None:
        if self._closed:
            raise NotificationDeliveryError("the webhook backend is closed")
        route = self._route(notification)
        if route is None:
            return
        body = build_body(notification, route.payload_template, where=route.where)
        target = await self._vet(route)
        message_id = notification.delivery_id or f"msg_{uuid.uuid4().hex}"
        headers = {
            "Content-Type": "application/json",
            "User-Agent": self._user_agent,
            "webhook-id": message_id,
        }
        if route.key is not None:
            headers |= signature_headers(route.key, message_id, body, now=time.time())
        response = await self._post(target, body, headers, where=route.where)
        failure = failure_for_status(
            response.status_code, response.headers.get("Retry-After"), where=route.where
        )
        if failure is not None:
            raise failure

    def _route(self, notification: Notification) -> _Route | None:
        if notification.url:
            return _Route(
                "inline webhook",
                notification.url,
                self._default_key,
                notification.payload_template,
            )
        if not notification.target:
            raise NotificationDeliveryError(
                "a webhook notification needs a webhook name (target) or a url", permanent=True
            )
        endpoint = self._endpoints.get(notification.target)
        if endpoint is None:
            known = ", ".join(repr(name) for name in self._endpoints) or "none"
            raise NotificationDeliveryError(
                f"unknown webhook {notification.target!r}; known webhooks: {known}",
                permanent=True,
            )
        if not endpoint.accepts(notification.event.event_type):
            return None
        return _Route(
            f"webhook {endpoint.name!r}",
            endpoint.url,
            signing_key(endpoint.secret) if endpoint.secret else self._default_key,
            # The AGENT.md target's own template wins over the endpoint's, as in the
            # existing product.
            notification.payload_template or endpoint.payload_template,
        )

    async def _vet(self, route: _Route) -> VettedTarget:
        try:
            async with asyncio.timeout(self._timeout):
                return await vet_target(
                    route.url, allow_private=self._allow_private, resolver=self._resolver
                )
        except TimeoutError as exc:
            raise NotificationDeliveryError(
                f"{route.where}: resolving the host timed out after {self._timeout:g}s"
            ) from exc
        except TargetRefusedError as exc:
            logger.warning("%s: %s", route.where, exc)
            raise NotificationDeliveryError(f"{route.where}: {exc}", permanent=True) from exc
        except TargetUnresolvedError as exc:
            raise NotificationDeliveryError(f"{route.where}: {exc}") from exc

    async def _post(
        self, target: VettedTarget, body: bytes, headers: Mapping[str, str], *, where: str
    ) -> httpx.Response:
        refused: httpx.ConnectError | None = None
        # A refused connection sent nothing, so the next vetted address may be tried.
        for address in target.addresses:
            request = pinned_request(
                self._client,
                target,
                address,
                content=body,
                headers=headers,
                timeout=self._timeout,
            )
            try:
                response = await self._client.send(request, follow_redirects=False, stream=True)
            except httpx.ConnectError as exc:
                refused = exc
                continue
            except httpx.TimeoutException as exc:
                raise NotificationDeliveryError(
                    f"{where}: timed out after {self._timeout:g}s ({type(exc).__name__})"
                ) from exc
            except httpx.HTTPError as exc:
                raise NotificationDeliveryError(f"{where}: {type(exc).__name__}: {exc}") from exc
            await self._drain(response)
            return response
        raise NotificationDeliveryError(f"{where}: cannot connect ({refused})") from refused

    async def _drain(self, response: httpx.Response) -> None:
        """Read and drop a small body, so that the connection can serve the next request;
        a large or slow one is cut off with its connection. Only the status and headers
        matter."""
        received = 0
        try:
            async with asyncio.timeout(self._timeout):
                async for chunk in response.aiter_raw():
                    received += len(chunk)
                    if received > _DRAIN_LIMIT_BYTES:
                        break
        except (TimeoutError, httpx.HTTPError):
            pass  # the answer's status already arrived; a broken body changes nothing
        finally:
            await response.aclose()


_DRAIN_LIMIT_BYTES = 64 * 1024


@functools.cache
def _package_version() -> str:
    try:
        return version("agent-gateway-webhooks")
    except PackageNotFoundError:
        return "0"
