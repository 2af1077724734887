"""What every fake server of this package does besides serving: ``async with`` and a run on a
background thread's event loop for synchronous callers."""

from __future__ import annotations

import asyncio
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Self


class Served(ABC):
    """Subclasses implement ``start`` (bind and serve) and ``aclose`` (stop; idempotent)."""

    thread_name = "fake-server"

    @abstractmethod
    async def start(self) -> None:
        """Bind and serve; return once requests are accepted."""

    @abstractmethod
    async def aclose(self) -> None:
        """Stop serving; calling it twice is harmless."""

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    @contextmanager
    def running_in_thread(self) -> Iterator[Self]:
        """Serve from a background thread with its own event loop, for sync callers."""
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name=self.thread_name, daemon=True)
        thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self.start(), loop).result()
            yield self
        finally:
            asyncio.run_coroutine_threadsafe(self.aclose(), loop).result()
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
            loop.close()
