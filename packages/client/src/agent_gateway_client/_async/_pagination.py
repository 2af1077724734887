"""``AsyncPage``: one page of a list, and the way to the pages after it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Generic, overload

from agent_gateway_client._pages import ItemT, PageData, PageRequest, page_data

if TYPE_CHECKING:
    from agent_gateway_client._async._pipeline import AsyncPipeline


class AsyncPage(Generic[ItemT]):
    """A page of typed items: iterate it, index it, ``len()`` it.

    ``total`` counts the items of every page, ``limit`` and ``offset`` place this one, and
    ``has_more`` says whether :meth:`next_page` has anything to fetch. :meth:`iter_all`
    iterates every item from this page on, fetching the next pages as it goes, and
    :meth:`all` collects them. A route that is not paged answers one page holding everything.
    """

    def __init__(
        self, pipeline: AsyncPipeline, request: PageRequest[ItemT], data: PageData[ItemT]
    ) -> None:
        self._pipeline = pipeline
        self._request = request
        self.items = data.items
        self.total = data.total
        self.limit = data.limit
        self.offset = data.offset
        self._paged = data.paged

    @property
    def has_more(self) -> bool:
        """Whether items come after this page's."""
        return self._paged and bool(self.items) and self.offset + len(self.items) < self.total

    async def next_page(self) -> AsyncPage[ItemT] | None:
        """The page after this one; ``None`` when this is the last."""
        if not self.has_more:
            return None
        return await fetch_page(self._pipeline, self._request.at(self.offset + len(self.items)))

    async def iter_all(self) -> AsyncIterator[ItemT]:
        """Every item of this page and of the pages after it."""
        page: AsyncPage[ItemT] | None = self
        while page is not None:
            for item in page.items:
                yield item
            page = await page.next_page()

    async def all(self) -> list[ItemT]:
        """Every item of this page and of the pages after it, in a list."""
        return [item async for item in self.iter_all()]

    def __iter__(self) -> Iterator[ItemT]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> ItemT: ...
    @overload
    def __getitem__(self, index: slice) -> list[ItemT]: ...
    def __getitem__(self, index: int | slice) -> ItemT | list[ItemT]:
        return self.items[index]

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(items={len(self.items)}, total={self.total}, "
            f"limit={self.limit}, offset={self.offset})"
        )


async def fetch_page(pipeline: AsyncPipeline, request: PageRequest[ItemT]) -> AsyncPage[ItemT]:
    """GET one page."""
    response = await pipeline.send("GET", request.path, params=request.params)
    return AsyncPage(pipeline, request, page_data(request, response.json()))
