"""Model clients: litellm for provider models, the bundled local model for ``local/...``, and
the lean OpenAI-compatible client for ``openai_compat/...``."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import NamedTuple

from agent_gateway_core.errors import LLMError
from agent_gateway_core.ports.llm_client import LLMClient, LLMRequest, LLMResponse, LLMStreamEvent

LOCAL_PREFIX = "local/"
OPENAI_COMPAT_PREFIX = "openai_compat/"


class RoutingLLMClient(LLMClient):
    """Sends each request to the client registered for its model's prefix, else the default.

    Prefixes are matched longest first, so ``local/`` can be served by the bundled model while
    ``openai/...``, ``anthropic/...`` and every other litellm model string go to litellm.
    """

    def __init__(
        self,
        default: LLMClient,
        routes: Mapping[str, LLMClient] | None = None,
        *,
        on_first_response: Callable[[], None] | None = None,
        models: Sequence[str] = (),
    ) -> None:
        self._default = default
        self._models = tuple(models)  # the workspace's models, for warm_up
        self._routes = sorted((routes or {}).items(), key=lambda item: -len(item[0]))
        # Called once, after the first answer: the model client library is loaded by then.
        self._on_first_response = on_first_response

    def _client_for(self, model: str) -> LLMClient:
        for prefix, client in self._routes:
            if model.startswith(prefix):
                return client
        return self._default

    async def complete(self, request: LLMRequest) -> LLMResponse:
        response = await self._client_for(request.model).complete(request)
        self._answered()
        return response

    async def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        async for event in self._client_for(request.model).stream(request):
            yield event
        self._answered()

    async def warm_up(self) -> None:
        """Load now what the first call to each of the workspace's models would load (litellm
        takes seconds to import): for a worker, whose whole job is calling them."""
        clients = {id(c): c for c in map(self._client_for, self._models)}
        for client in clients.values():
            while isinstance(client, LazyLLMClient):
                client = client.built()
            warm_up = getattr(client, "warm_up", None)  # not every client has a library to load
            if warm_up is not None:
                await warm_up()

    def _answered(self) -> None:
        if self._on_first_response is not None:
            callback, self._on_first_response = self._on_first_response, None
            callback()

    async def aclose(self) -> None:
        clients = {id(c): c for c in [self._default, *(c for _, c in self._routes)]}
        for client in clients.values():
            await client.aclose()


class LazyLLMClient(LLMClient):
    """Builds its client on first use, so an optional adapter costs nothing until called."""

    def __init__(self, factory: Callable[[], LLMClient]) -> None:
        self._factory = factory
        self._client: LLMClient | None = None

    def _get(self) -> LLMClient:
        if self._client is None:
            self._client = self._factory()
        return self._client

    def built(self) -> LLMClient:
        """The client, built now if it was not yet."""
        return self._get()

    async def complete(self, request: LLMRequest) -> LLMResponse:
        return await self._get().complete(request)

    def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        return self._get().stream(request)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()


class LocalEndpoint(NamedTuple):
    """Where the local model answers, and the per-process key it demands."""

    base_url: str
    api_key: str
    model_name: str


class LocalModelClient(LLMClient):
    """Serves ``local/<name>`` through an OpenAI-compatible client pointed at the local server.

    ``endpoint`` resolves (once the server is ready) to where it answers; requests wait for it,
    so the gateway can become healthy while the model is still loading.
    """

    def __init__(self, client: LLMClient, endpoint: Callable[[], Awaitable[LocalEndpoint]]) -> None:
        self._client = client
        self._endpoint = endpoint

    async def _rewrite(self, request: LLMRequest) -> LLMRequest:
        endpoint = await self._endpoint()
        return dataclasses.replace(
            request,
            model=f"openai/{endpoint.model_name}",
            api_base=endpoint.base_url,
            api_key=endpoint.api_key,
        )

    async def complete(self, request: LLMRequest) -> LLMResponse:
        rewritten = await self._rewrite(request)
        try:
            response = await self._client.complete(rewritten)
        except LLMError as exc:
            exc.model = request.model  # errors, too, name the model that was asked for
            raise
        return _renamed(response, request.model)

    async def stream(self, request: LLMRequest) -> AsyncIterator[LLMStreamEvent]:
        rewritten = await self._rewrite(request)
        try:
            async for event in self._client.stream(rewritten):
                yield _renamed(event, request.model) if isinstance(event, LLMResponse) else event
        except LLMError as exc:
            exc.model = request.model
            raise

    async def aclose(self) -> None:
        await self._client.aclose()


def _renamed(response: LLMResponse, model: str) -> LLMResponse:
    """Report the model under the name the agent asked for (``local/...``)."""
    usage = response.usage.model_copy(update={"models_used": (model,)})
    return dataclasses.replace(response, model=model, usage=usage)
