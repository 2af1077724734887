# Generated from _async/client.py by scripts/gen_sync_client.py: do not edit.
# Change the async source and run `uv run python scripts/gen_sync_client.py`.
"""``GatewayClientSync``: the client of one gateway, with every namespace of the HTTP API."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Self, Unpack

import httpx

from agent_gateway_client._batch import DEFAULT_MAX_CONCURRENCY, Batch
from agent_gateway_client._config import ClientConfig, ClientOptions, load_config
from agent_gateway_client._store import ResponseStore
from agent_gateway_client._sync._middleware import Middleware
from agent_gateway_client._sync._pipeline import Pipeline
from agent_gateway_client._sync.resources.admin import Admin
from agent_gateway_client._sync.resources.agents import Agents
from agent_gateway_client._sync.resources.catalog import Skills, Tools
from agent_gateway_client._sync.resources.chat import Chat
from agent_gateway_client._sync.resources.conversations import Conversations
from agent_gateway_client._sync.resources.executions import Executions
from agent_gateway_client._sync.resources.notifications import Notifications
from agent_gateway_client._sync.resources.schedules import Schedules
from agent_gateway_client._sync.resources.sessions import Sessions
from agent_gateway_client._sync.resources.user_config import UserConfig
from agent_gateway_client._tracking import Tracking
from agent_gateway_client._types import QueryParams, RequestHook, Timeout
from agent_gateway_client.models.health import Health


class GatewayClientSync:
    """A client of one Agent Gateway, with one pool of HTTP connections.

    Settings come from the arguments, then ``AGENT_GATEWAY_URL`` / ``AGENT_GATEWAY_API_KEY``,
    then a profile of ``~/.config/agent-gateway/client.toml`` (see :class:`ClientConfig`);
    ``config`` gives them all at once instead, the other arguments overriding it. ``transport``
    replaces the network (an ``httpx`` transport, such as a mock).

    The namespaces mirror the HTTP API: ``agents``, ``chat``, ``sessions``, ``executions``,
    ``tools``, ``skills``, ``conversations``, ``schedules``, ``notifications``, ``config``
    (personal agents) and ``admin``. Close the client with ``with`` or :meth:`close`.

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
        transport: httpx.BaseTransport | None = None,
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
        self._pipeline = Pipeline(config, transport=transport)
        self.store: ResponseStore = self._pipeline.store
        """The catalog's answers kept by this client: ``clear()``, ``hits``, ``misses``."""
        self.agents = Agents(self._pipeline)
        self.chat = Chat(self._pipeline)
        self.sessions = Sessions(self._pipeline)
        self.executions = Executions(self._pipeline)
        self.tools = Tools(self._pipeline)
        self.skills = Skills(self._pipeline)
        self.conversations = Conversations(self._pipeline)
        self.schedules = Schedules(self._pipeline)
        self.notifications = Notifications(self._pipeline)
        self.config = UserConfig(self._pipeline)
        self.admin = Admin(self._pipeline)

    def health(self) -> Health:
        """The gateway's health; a degraded or starting gateway (503) is an answer too."""
        response = self._pipeline.send("GET", "/v1/health", allow_statuses={503})
        return Health.model_validate(response.json())

    def request(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams | None = None,
        json: Any = None,
        content: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        timeout: Timeout = None,
    ) -> httpx.Response:
        """Any route, through the same authentication, retries and errors as the namespaces:
        the answer, read; an error status raises its :class:`GatewayError`. ``path`` is
        relative to the base URL (``/v1/agents``)."""
        return self._pipeline.send(
            method,
            path,
            params=params,
            json=json,
            content=content,
            headers=headers,
            timeout=timeout,
        )

    @contextmanager
    def stream(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams | None = None,
        json: Any = None,
        content: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        timeout: Timeout = None,
    ) -> Iterator[httpx.Response]:
        """Like :meth:`request`, with the answer's body unread, to read as it arrives
        (``iter_lines()``, ``iter_bytes()``); closed when the ``with`` block ends."""
        with self._pipeline.stream(
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
    ) -> Batch:
        """A batch of calls run together, at most ``max_concurrency`` at a time:
        ``batch.add(client.agents.invoke, "triage", text, tag=...)``, then
        ``for tag, result in batch.execute()`` (results as the calls end). The first
        call to raise stops the batch and is raised, unless ``return_exceptions`` (then it is
        the call's result); ``progress`` shows a rich progress bar on stderr (the
        ``agent-gateway-client[progress]`` extra)."""
        return Batch(
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

    def add_middleware(self, middleware: Middleware) -> None:
        """Wrap every send in ``middleware`` (see :class:`Middleware`); the first added
        is outermost."""
        self._pipeline.add_middleware(middleware)

    def close(self) -> None:
        """Close the connection pool (idempotent)."""
        self._pipeline.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.settings.base_url!r})"
