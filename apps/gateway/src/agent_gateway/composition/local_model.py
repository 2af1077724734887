"""The bundled local model: started in the background when an agent uses ``local/...``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from agent_gateway.composition.extras import import_adapter
from agent_gateway.composition.llm import LocalEndpoint

logger = logging.getLogger("agent_gateway")

NOTICE = (
    "agents use the bundled local model %s. It is tiny: it shows the plumbing (HTTP, tools, "
    "streaming, persistence), not what a real model can do. Point every agent at a real "
    "provider with one env var, e.g. AGENT_GATEWAY_MODEL__DEFAULT=openai/gpt-4o-mini (with "
    "OPENAI_API_KEY set)."
)


class LocalModelHandle:
    """Starts the local model server without blocking startup; requests wait until it's ready.

    Downloading the model file (once, then cached) and loading it take seconds, so the gateway
    becomes healthy first and the first request to a ``local/`` model waits for the server.
    """

    def __init__(self, model_name: str) -> None:
        self._adapter = import_adapter(
            "agent_gateway_llamacpp", feature="the bundled local model", extra="local"
        )
        self._model_name = model_name
        self._ready: asyncio.Future[LocalEndpoint] = asyncio.get_running_loop().create_future()
        self._server: Any = None
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="local-model-server")

    @classmethod
    def start(cls, model_name: str = "smollm2-135m-instruct") -> LocalModelHandle:
        handle = cls(model_name)
        logger.warning(NOTICE, model_name)
        return handle

    @property
    def state(self) -> str:
        if not self._ready.done():
            return "starting"
        return "failed" if self._ready.exception() else "ready"

    async def endpoint(self) -> LocalEndpoint:
        """Where the server answers, once it does; raises if it could not start."""
        return await asyncio.shield(self._ready)

    async def _run(self) -> None:
        try:
            spec = self._adapter.local_model_spec(f"local/{self._model_name}")
            async with await self._adapter.LocalModelServer.from_spec(spec) as server:
                self._server = server
                self._ready.set_result(
                    LocalEndpoint(server.base_url, server.api_key, server.model_name)
                )
                logger.info("local model %s ready at %s", self._model_name, server.base_url)
                await self._stop.wait()
        except Exception as exc:
            logger.error("the local model could not start: %s", exc)
            if not self._ready.done():
                self._ready.set_exception(exc)
                self._ready.exception()  # retrieved here; callers of base_url() get it too

    async def aclose(self) -> None:
        self._stop.set()
        if not self._task.done():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._task), timeout=10)
        if not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
