"""The chat-completions request body, encoded with one JSON pass per call."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from agent_gateway_core.domain.tool import ToolSpec
from agent_gateway_core.llm.openai_wire import request_options, to_openai_messages, to_openai_tools
from agent_gateway_core.ports.llm_client import LLMRequest

# Prefixes that name a route, not the model: the server knows the model by the rest.
_ROUTE_PREFIXES = ("openai/", "openai_compat/")
_ENCODER = json.JSONEncoder(separators=(",", ":"))
_STREAM_OPTIONS = {"include_usage": True}
# Tool lists are few and long-lived (one per agent); the bound keeps a caller that builds a
# new tuple per request from growing the cache.
_TOOLS_CACHE_SIZE = 64


def wire_model_name(model: str) -> str:
    """The model name the server knows: ``model`` without one leading route prefix."""
    for prefix in _ROUTE_PREFIXES:
        if model.startswith(prefix):
            return model[len(prefix) :]
    return model


class RequestEncoder:
    """Builds request bodies; each tool list is serialised once, then reused by identity."""

    __slots__ = ("_tools_json",)

    def __init__(self) -> None:
        self._tools_json: dict[int, tuple[Sequence[ToolSpec], bytes]] = {}

    def encode(self, request: LLMRequest, *, stream: bool) -> bytes:
        """The JSON body for ``request``; ``extra`` keys override the ones built here."""
        body: dict[str, Any] = {
            "model": wire_model_name(request.model),
            "messages": to_openai_messages(request.messages),
            **request_options(request),
        }
        if stream:
            body["stream"] = True
            body["stream_options"] = _STREAM_OPTIONS
        if request.extra:
            body.update(request.extra)
        encoded = _ENCODER.encode(body).encode()
        if not request.tools or "tools" in body:
            return encoded
        # Splice the cached tools into the encoded object: `{...}` becomes `{...,"tools":[...]}`.
        return b"".join((encoded[:-1], b',"tools":', self._tools(request.tools), b"}"))

    def _tools(self, tools: Sequence[ToolSpec]) -> bytes:
        cached = self._tools_json.get(id(tools))
        # Holding the sequence keeps its id from being reused while the entry lives.
        if cached is not None and cached[0] is tools:
            return cached[1]
        encoded = _ENCODER.encode(to_openai_tools(tools)).encode()
        if len(self._tools_json) >= _TOOLS_CACHE_SIZE:
            del self._tools_json[next(iter(self._tools_json))]
        self._tools_json[id(tools)] = (tools, encoded)
        return encoded
