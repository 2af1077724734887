"""MarkdownFolderRetriever: the Retriever port over a folder of markdown files."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from pathlib import Path, PurePath
from typing import Literal

from agent_gateway_core.errors import BackendUnavailableError, ConfigError
from agent_gateway_core.ports.retriever import RetrievalQuery, Retriever
from agent_gateway_fts.folder import RefreshReport, synchronize
from agent_gateway_fts.index import FtsIndex, require_fts5
from agent_gateway_fts.query import match_expression

logger = logging.getLogger(__name__)

Refresh = Literal["on_change", "on_start"]
MIN_CHUNK_CHARS = 200


class MarkdownFolderRetriever(Retriever):
    """Passages of the markdown files under ``folder``, found with SQLite FTS5 and bm25.

    Each file is cut into sections by its headings (long ones further on paragraph
    boundaries, to at most ``chunk_chars``); a passage opens with its origin, e.g.
    ``Source: guides/setup.md — Install > Linux``, then the section's text. The index is in
    memory, or in the SQLite file ``index_path``, reused across restarts: only files whose
    modification time or size changed are read again.

    ``initialize()`` builds or brings the index up to date (a first ``retrieve`` does it
    otherwise). With ``refresh="on_change"``, ``retrieve`` also looks for added, changed and
    removed files when ``recheck_seconds`` have passed since the last look, so edits to the
    docs show up without a restart; with ``"on_start"`` it never looks again unless
    :meth:`refresh` is called. ``close()`` releases the index; a later call opens it again.

    The query's words (stopwords aside) are OR-ed, each as a quoted string, so no input is
    ever FTS5 syntax; one with no words returns ``[]``. Raises ConfigError, naming the
    problem, for a missing folder or a SQLite without FTS5; ``retrieve`` raises
    BackendUnavailableError when the folder or the index fails it later.
    """

    def __init__(
        self,
        folder: str | Path,
        *,
        index_path: str | Path | None = None,
        glob: str = "**/*.md",
        chunk_chars: int = 1500,
        refresh: Refresh = "on_change",
        recheck_seconds: float = 2.0,
    ) -> None:
        self.folder = Path(folder).expanduser().absolute()
        self.index_path = None if index_path is None else Path(index_path).expanduser()
        self.glob = glob
        self.chunk_chars = chunk_chars
        self.refresh_mode: Refresh = refresh
        self.recheck_seconds = recheck_seconds
        self._check_settings()
        require_fts5()
        self._index: FtsIndex | None = None
        # One synchronisation at a time; it also guards opening and closing ``_index``.
        self._sync_lock = threading.Lock()
        self._next_check = 0.0  # time.monotonic() from which the folder is looked at again

    async def initialize(self) -> None:
        """Open the index and bring it up to date with the folder."""
        report = await asyncio.to_thread(self._refresh_now)
        logger.info("%r: %s", self, _describe(report))

    async def refresh(self) -> RefreshReport:
        """Bring the index up to date with the folder now, whatever ``refresh`` says.

        Raises ConfigError when the folder is gone, BackendUnavailableError when the index
        fails."""
        return await asyncio.to_thread(self._refresh_now)

    async def retrieve(self, query: RetrievalQuery) -> list[str]:
        expression = match_expression(query.query)
        if expression is None or query.limit <= 0:
            return []
        # One hop to a worker thread for the (rare) folder check and the search together.
        # If the caller times out meanwhile, the thread still finishes: a refresh is never
        # left half-written, and the next call finds it done.
        try:
            return await asyncio.to_thread(self._search, expression, query.limit)
        except ConfigError as exc:
            raise BackendUnavailableError(str(exc)) from exc

    async def close(self) -> None:
        """Release the index (an in-memory one is gone; a file stays for the next start)."""
        await asyncio.to_thread(self._close)

    def __repr__(self) -> str:
        return f"MarkdownFolderRetriever({str(self.folder)!r})"

    # ------------------------------------------------------------- worker threads only

    def _search(self, expression: str, limit: int) -> list[str]:
        index = self._index
        if index is None or self._due():
            index = self._refresh_if_due()
        return index.search(expression, limit)

    def _due(self) -> bool:
        return self.refresh_mode == "on_change" and time.monotonic() >= self._next_check

    def _refresh_if_due(self) -> FtsIndex:
        with self._sync_lock:
            # Concurrent searches that found the check due wait here; the first one syncs,
            # the others find it no longer due.
            self._check_folder()
            fresh = self._index is None
            index = self._opened()
            if fresh or self._due():
                self._sync(index)
            return index

    def _refresh_now(self) -> RefreshReport:
        with self._sync_lock:
            self._check_folder()
            return self._sync(self._opened())

    def _opened(self) -> FtsIndex:
        """The index, opened if needed; called with ``_sync_lock`` held."""
        if self._index is None:
            self._index = FtsIndex.open(self.index_path, self._built_from())
        return self._index

    def _sync(self, index: FtsIndex) -> RefreshReport:
        """Sync ``index`` with the folder; called with ``_sync_lock`` held."""
        try:
            report = synchronize(index, self.folder, self.glob, chunk_chars=self.chunk_chars)
        except OSError as exc:
            raise BackendUnavailableError(f"{self!r}: cannot read the folder: {exc}") from exc
        self._next_check = time.monotonic() + self.recheck_seconds
        if report.added or report.changed or report.removed:
            logger.debug("%r: %s", self, _describe(report))
        return report

    def _close(self) -> None:
        with self._sync_lock:
            index, self._index = self._index, None
            self._next_check = 0.0
            if index is not None:
                index.close()

    def _check_folder(self) -> None:
        if not self.folder.is_dir():
            raise ConfigError(
                f"MarkdownFolderRetriever: folder {str(self.folder)!r} does not exist "
                "or is not a folder"
            )

    def _built_from(self) -> str:
        """What the rows of a persistent index depend on besides the files themselves."""
        return f"folder={self.folder.resolve()};chunk_chars={self.chunk_chars}"

    def _check_settings(self) -> None:
        """Raise ConfigError naming the first setting that cannot work."""
        self._check_folder()
        pattern = PurePath(self.glob)
        if not self.glob or pattern.is_absolute() or ".." in pattern.parts:
            raise ConfigError(
                f"MarkdownFolderRetriever: glob {self.glob!r} must be a pattern inside the "
                "folder, such as '**/*.md'"
            )
        if self.chunk_chars < MIN_CHUNK_CHARS:
            raise ConfigError(
                f"MarkdownFolderRetriever: chunk_chars must be at least {MIN_CHUNK_CHARS}, "
                f"not {self.chunk_chars}"
            )
        if self.refresh_mode not in ("on_change", "on_start"):
            raise ConfigError(
                "MarkdownFolderRetriever: refresh must be 'on_change' or 'on_start', "
                f"not {self.refresh_mode!r}"
            )
        if not self.recheck_seconds >= 0:  # also refuses NaN
            raise ConfigError(
                "MarkdownFolderRetriever: recheck_seconds must be 0 or more, "
                f"not {self.recheck_seconds!r}"
            )


def _describe(report: RefreshReport) -> str:
    return (
        f"{report.added} added, {report.changed} changed, {report.removed} removed, "
        f"{report.unchanged} unchanged files; {report.passages} passages "
        f"({report.seconds:.2f}s)"
    )
