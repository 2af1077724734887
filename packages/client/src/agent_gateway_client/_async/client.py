"""``GatewayClient``: the client of one gateway, with every namespace of the HTTP API."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any, Self, Unpack

import httpx

from agent_gateway_client._async._middleware import AsyncMiddleware
from agent_gateway_client._async._pipeline import AsyncPipeline
from agent_gateway_client._async.resources.admin import AsyncAdmin
from agent_gateway_client._async.resources.agents import AsyncAgents
from agent_gateway_client._async.resources.catalog import AsyncSkills, AsyncTools
from agent_gateway_client._async.resources.chat import AsyncChat
from agent_gateway_client._async.resources.conversations import AsyncConversations
from agent_gateway_client._async.resources.executions import AsyncExecutions
from agent_gateway_client._async.resources.notifications import AsyncNotifications
from agent_gateway_client._async.resources.schedules import AsyncSchedules
from agent_gateway_client._async.resources.sessions import AsyncSessions
from agent_gateway_client._async.resources.user_config import AsyncUserConfig
from agent_gateway_client._batch import DEFAULT_MAX_CONCURRENCY, AsyncBatch
from agent_gateway_client._config import ClientConfig, ClientOptions, load_config
from agent_gateway_client._store import ResponseStore
from agent_gateway_client._tracking import Tracking
from agent_gateway_client._types import QueryParams, RequestHook, Timeout
from agent_gateway_client.models.health import Health


class GatewayClient:
    """A client of one Agent Gateway, with one pool of HTTP connections.

    Settings come from the arguments, then ``AGENT_GATEWAY_URL`` / ``AGENT_GATEWAY_API_KEY``,
    then a profile of ``~/.config/agent-gateway/client.toml`` (see :class:`ClientConfig`);
    ``config`` gives them all at once instead, the other arguments overriding it. ``transport``
    replaces the network (an ``httpx`` transport, such as a mock).

    The namespaces mirror the HTTP API: ``agents``, ``chat``, ``sessions``, ``executions``,
    ``tools``, ``skills``, ``conversations``, ``schedules``, ``notifications``, ``config``
    (personal agents) and ``admin``. Close the client with ``async with`` or :meth:`aclose`.

    Around them: :meth:`create_batch` (many calls at once, with a concurrency limit),
    :meth:`tracking` (label the requests of a block, and make its re-runs idempotent) and
    ``store`` (the catalog's answers kept and revalidated with ETags; ``cache=False`` turns it
    off).
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        profile: str | None = None,
        config: ClientConfig | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        settings: dict[str, Any] = {"base_url": base_url, "api_key": api_key, **options}
        if config is None:
            config = load_config(profile=profile, **settings)
        else:
            settings.pop("config_file", None)
            overrides = {key: value for key, value in settings.items() if value is not None}
            config = dataclasses.replace(config, **overrides)
        self.settings: ClientConfig = config
        """The settings in effect."""
        self._pipeline = AsyncPipeline(config, transport=transport)
        self.store: ResponseStore = self._pipeline.store
        """The catalog's answers kept by this client: ``clear()``, ``hits``, ``misses``."""
        self.agents = AsyncAgents(self._pipeline)
        self.chat = AsyncChat(self._pipeline)
        self.sessions = AsyncSessions(self._pipeline)
        self.executions = AsyncExecutions(self._pipeline)
        self.tools = AsyncTools(self._pipeline)
        self.skills = AsyncSkills(self._pipeline)
        self.conversations = AsyncConversations(self._pipeline)
        self.schedules = AsyncSchedules(self._pipeline)
        self.notifications = AsyncNotifications(self._pipeline)
        self.config = AsyncUserConfig(self._pipeline)
        self.admin = AsyncAdmin(self._pipeline)

    async def health(self) -> Health:
        """The gateway's health; a degraded or starting gateway (503) is an answer too."""
        response = await self._pipeline.send("GET", "/v1/health", allow_statuses={503})
        return Health.model_validate(response.json())

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams | None = None,
        json: Any = None,
        content: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109 (httpx's timeouts of this request)
    ) -> httpx.Response:
        """Any route, through the same authentication, retries and errors as the namespaces:
        the answer, read; an error status raises its :class:`GatewayError`. ``path`` is
        relative to the base URL (``/v1/agents``)."""
        return await self._pipeline.send(
            method,
            path,
            params=params,
            json=json,
            content=content,
            headers=headers,
            timeout=timeout,
        )

    @asynccontextmanager
    async def stream(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams | None = None,
        json: Any = None,
        content: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        timeout: Timeout = None,  # noqa: ASYNC109 (httpx's timeouts of this request)
    ) -> AsyncIterator[httpx.Response]:
        """Like :meth:`request`, with the answer's body unread, to read as it arrives
        (``aiter_lines()``, ``aiter_bytes()``); closed when the ``with`` block ends."""
        async with self._pipeline.stream(
            method,
            path,
            params=params,
            json=json,
            content=content,
            headers=headers,
            timeout=timeout,
        ) as response:
            yield response

    def create_batch(
        self,
        *,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        return_exceptions: bool = False,
        progress: bool = False,
    ) -> AsyncBatch:
        """A batch of calls run together, at most ``max_concurrency`` at a time:
        ``batch.add(client.agents.invoke, "triage", text, tag=...)``, then
        ``async for tag, result in batch.execute()`` (results as the calls end). The first
        call to raise stops the batch and is raised, unless ``return_exceptions`` (then it is
        the call's result); ``progress`` shows a rich progress bar on stderr (the
        ``agent-gateway-client[progress]`` extra)."""
        return AsyncBatch(
            max_concurrency=max_concurrency,
            return_exceptions=return_exceptions,
            progress=progress,
        )

    def tracking(self, label: str) -> Tracking:
        """A block whose requests carry the tracking ``label``: ``with client.tracking(...):``
        (a plain ``with``, whatever the client). Its invoke and chat calls without an
        ``idempotency_key`` get keys derived from the label and the request, the same in
        every run of the block, so a re-run returns the first run's executions instead of
        running the agents again. The label (1 to 200 printable ASCII characters) names one
        run: put what makes a run unique in it (a date). The block follows the code into the
        tasks it starts; other tasks and threads do not see it."""
        return Tracking(self._pipeline, label)

    def add_request_hook(self, hook: RequestHook) -> None:
        """Call ``hook(request)`` on every request before it is sent, to add headers (its
        retries reuse the request as the hook left it)."""
        self._pipeline.add_request_hook(hook)

    def add_middleware(self, middleware: AsyncMiddleware) -> None:
        """Wrap every send in ``middleware`` (see :class:`AsyncMiddleware`); the first added
        is outermost."""
        self._pipeline.add_middleware(middleware)

    async def aclose(self) -> None:
        """Close the connection pool (idempotent)."""
        await self._pipeline.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.settings.base_url!r})"
