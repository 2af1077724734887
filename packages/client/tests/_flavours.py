"""One test, both clients: ``GatewayClient`` awaited in the test's loop, ``GatewayClientSync``
run in a worker thread, behind the same awaitable surface.

Every method call on a :class:`Both` returns a :class:`Call`, which can be awaited (the
result), iterated with ``async for`` (a generator method) or entered with ``async with`` (a
context-manager method). Namespaces and pages come back wrapped the same way.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any

_OURS = ("agent_gateway_client._async", "agent_gateway_client._sync", "agent_gateway_client._batch")
_DONE = object()


class Both:
    """An object of either client; ``target`` is the object itself."""

    def __init__(self, target: Any, *, sync: bool) -> None:
        self.target = target
        self.sync = sync

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.target, name)
        if inspect.ismethod(value):
            return lambda *args, **kwargs: Call(value, args, kwargs, sync=self.sync)
        return wrap(value, sync=self.sync)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.target)

    def __len__(self) -> int:
        return len(self.target)

    def __getitem__(self, index: Any) -> Any:
        return self.target[index]


def wrap(value: Any, *, sync: bool) -> Any:
    """Our namespaces and pages wrapped, anything else as it is."""
    if type(value).__module__.startswith(_OURS):
        return Both(value, sync=sync)
    return value


class Call:
    def __init__(self, function: Callable[..., Any], args: Any, kwargs: Any, *, sync: bool) -> None:
        self._call: Callable[[], Any] = lambda: function(*args, **kwargs)
        self._sync = sync
        self._context: Any = None

    def __await__(self) -> Any:
        return self._result().__await__()

    async def _result(self) -> Any:
        if self._sync:
            return wrap(await asyncio.to_thread(self._call), sync=True)
        value = self._call()
        return wrap(await value if inspect.isawaitable(value) else value, sync=False)

    def __aiter__(self) -> Any:
        if self._sync:
            return _InThread(self._call())
        return self._call().__aiter__()

    async def __aenter__(self) -> Any:
        self._context = self._call()
        if self._sync:
            return await asyncio.to_thread(self._context.__enter__)
        return await self._context.__aenter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Any:
        if self._sync:
            return await asyncio.to_thread(self._context.__exit__, exc_type, exc, tb)
        return await self._context.__aexit__(exc_type, exc, tb)


class _InThread:
    """A sync iterator stepped in a worker thread."""

    def __init__(self, iterator: Any) -> None:
        self._iterator = iterator

    def __aiter__(self) -> _InThread:
        return self

    async def __anext__(self) -> Any:
        item = await asyncio.to_thread(next, self._iterator, _DONE)
        if item is _DONE:
            raise StopAsyncIteration
        return item

    async def aclose(self) -> None:
        await asyncio.to_thread(self._iterator.close)
