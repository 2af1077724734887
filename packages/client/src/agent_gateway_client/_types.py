"""Types both clients share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

RequestHook = Callable[[httpx.Request], None]
"""Called with each request before its first attempt (its retries reuse it): the place to
add headers per request (``request.headers[...] = ...``). It must not send anything."""

QueryParams = Mapping[str, Any]
"""Query values; ``None`` values are left out, a ``datetime`` is sent as ISO 8601."""

Timeout = float | httpx.Timeout | None
"""Seconds for every phase, or an ``httpx.Timeout``; ``None`` keeps the client's."""

AsyncBatchCall = Callable[..., Awaitable[Any]]
"""What ``AsyncBatch.add`` takes: any coroutine function, such as ``client.agents.invoke``."""

BatchCall = Callable[..., Any]
"""What ``Batch.add`` takes: any function, such as ``client.agents.invoke``."""
