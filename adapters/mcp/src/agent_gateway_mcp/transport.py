"""Noticing that a transport's connection ended, whichever side ended it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from types import TracebackType
from typing import Any, Self

import anyio

# The SDK's stream types; only ``Transport`` itself is exported from ``mcp.client``.
from mcp.client._transport import ReadStream, TransportStreams
from mcp.shared.message import SessionMessage

__all__ = ["TransportStreams", "watch_end"]

Incoming = SessionMessage | Exception


@asynccontextmanager
async def watch_end(
    transport: AbstractAsyncContextManager[TransportStreams], on_end: Callable[[], None]
) -> AsyncIterator[TransportStreams]:
    """``transport``, calling ``on_end`` when its read side ends: a stdio server that exited,
    an HTTP transport torn down. The SDK session only fails the requests then waiting."""
    async with transport as (read_stream, write_stream):
        yield _EndWatchingStream(read_stream, on_end), write_stream


class _EndWatchingStream:
    """A read stream that reports its end (EOF, or closed under the reader)."""

    def __init__(self, inner: ReadStream[Incoming], on_end: Callable[[], None]) -> None:
        self._inner = inner
        self._on_end = on_end

    @property
    def last_context(self) -> Any:
        # The SDK reads the sender's context from context-aware streams; pass it through.
        return getattr(self._inner, "last_context", None)

    async def receive(self) -> Incoming:
        try:
            return await self._inner.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            self._on_end()
            raise

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> Incoming:
        try:
            return await self.receive()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.aclose()
