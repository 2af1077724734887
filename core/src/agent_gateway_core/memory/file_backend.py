"""MemoryManager in Markdown files inside the workspace: no server, readable, editable, diffable."""

from __future__ import annotations

import asyncio
import logging
import os
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent_gateway_core.clock import SystemClock
from agent_gateway_core.domain.ids import new_record_id
from agent_gateway_core.domain.memory import (
    MemoryRecord,
    MemoryScope,
    MemorySource,
    MemoryType,
    NewMemory,
)
from agent_gateway_core.memory.file_layout import (
    AGENT_FILE,
    USER_SUFFIX,
    USERS_DIR,
    agent_dir,
    scope_file,
    user_filename,
    user_id_from_filename,
)
from agent_gateway_core.memory.file_lock import exclusive, remove, write_atomically
from agent_gateway_core.memory.markdown_format import (
    clean_content,
    line_count,
    owner_of,
    parse,
    render,
)
from agent_gateway_core.memory.relevance import rank_by_relevance
from agent_gateway_core.memory.scope_edit import ScopeEdit, edit_scope
from agent_gateway_core.ports.clock import Clock
from agent_gateway_core.ports.memory_manager import MemoryManager

logger = logging.getLogger(__name__)

_ID_LENGTH = 12  # as long as 0.2's ids; unique within a file is what matters
_MIN_LINES = line_count({MemoryType.SEMANTIC: 1})


class FileMemoryManager(MemoryManager):
    """Each scope is one Markdown file under ``root`` (the workspace), laid out and formatted
    as agents-gateway 0.2 did, so its files load unchanged:

    - ``{root}/agents/{agent_id}/MEMORY.md``: the agent-wide scope;
    - ``{root}/agents/{agent_id}/memory/{user_id}.md``: a user's scope (``user-<hash>.md``
      for ids that are not plain file names). Invalid agent ids raise ``ValueError``, and so
      does a user file whose header names another user. ``scopes()`` cannot list 0.2's
      hashed files (they name no user) until their user writes to them once.

    The format is described in :mod:`agent_gateway_core.memory.markdown_format`; content is
    stored on one line (line breaks collapse to spaces, comment markers are broken apart),
    and the returned record holds the content as stored.

    Every read parses the file as it is now, so hand edits count at once. Writes read, change
    and replace the file under a lock that other threads and, on POSIX, other processes
    respect, and replace it atomically: readers never see a half-written file. A write that
    would take a file past ``max_lines`` lines first evicts the least valuable memories
    (lowest importance, then oldest; a new memory less important than all others may itself
    be the one evicted) and logs a warning. A file a person made longer is trimmed on the
    next write, not on reads.
    """

    def __init__(
        self, root: Path | str, *, max_lines: int = 200, clock: Clock | None = None
    ) -> None:
        if max_lines < _MIN_LINES:
            raise ValueError(f"max_lines must be at least {_MIN_LINES}, got {max_lines}")
        self._root = Path(root)
        self._max_lines = max_lines
        self._clock = clock or SystemClock()

    @property
    def root(self) -> Path:
        return self._root

    @property
    def max_lines(self) -> int:
        return self._max_lines

    def path_for(self, scope: MemoryScope) -> Path:
        """The file holding ``scope``'s memories (it may not exist yet)."""
        return scope_file(self._root, scope)

    async def remember(
        self,
        scope: MemoryScope,
        content: str,
        metadata: dict[str, Any] | None = None,
        *,
        memory_type: MemoryType = MemoryType.SEMANTIC,
        importance: float = 0.5,
        source: MemorySource = MemorySource.MANUAL,
    ) -> MemoryRecord:
        memory = NewMemory(
            content=content,
            metadata=dict(metadata or {}),
            memory_type=memory_type,
            importance=importance,
            source=source,
        )
        return (await self.replace(scope, (), [memory]))[0]

    async def recall(self, scope: MemoryScope, query: str, limit: int = 10) -> list[MemoryRecord]:
        return rank_by_relevance(await self.list_all(scope), query, limit)

    async def list_all(self, scope: MemoryScope) -> list[MemoryRecord]:
        return await asyncio.to_thread(_read, self.path_for(scope), scope)

    async def forget(self, scope: MemoryScope, memory_id: str) -> bool:
        edit = await self._change(scope, lambda current: [memory_id], ())
        return edit.removed > 0

    async def clear(self, scope: MemoryScope) -> int:
        edit = await self._change(scope, lambda current: [r.id for r in current], ())
        return edit.removed

    async def scopes(self, agent_id: str) -> list[MemoryScope]:
        return await asyncio.to_thread(_scan, agent_id, agent_dir(self._root, agent_id))

    async def replace(
        self, scope: MemoryScope, remove_ids: Sequence[str], add: Sequence[NewMemory]
    ) -> list[MemoryRecord]:
        # Cleaned before the lock is taken: an empty memory fails without touching the file.
        cleaned = [_cleaned(memory) for memory in add]
        edit = await self._change(scope, lambda current: remove_ids, cleaned)
        return edit.stored

    # ------------------------------------------------------------ in a worker thread

    async def _change(
        self,
        scope: MemoryScope,
        removing: Callable[[list[MemoryRecord]], Sequence[str]],
        add: Sequence[NewMemory],
    ) -> ScopeEdit:
        now = self._clock.now()  # on the loop: a Clock is not promised to be thread-safe
        return await asyncio.to_thread(
            self._change_file, self.path_for(scope), scope, removing, add, now
        )

    def _change_file(
        self,
        path: Path,
        scope: MemoryScope,
        removing: Callable[[list[MemoryRecord]], Sequence[str]],
        add: Sequence[NewMemory],
        now: datetime,
    ) -> ScopeEdit:
        if not add and not path.exists():  # nothing to remove: take no lock, create nothing
            return ScopeEdit(records=[], stored=[], removed=0, created=0)
        with exclusive(path):
            current = _read(path, scope)
            edit = edit_scope(
                current,
                scope,
                removing(current),
                add,
                created_at=lambda: now,
                new_id=lambda: new_record_id()[:_ID_LENGTH],
            )
            if edit.changed:
                records = self._fit(path, edit.records)
                if records:
                    write_atomically(path, render(records, scope.user_id))
                else:  # an empty scope has no file, so scopes() need not list it
                    remove(path)
            return edit

    def _fit(self, path: Path, records: list[MemoryRecord]) -> list[MemoryRecord]:
        """``records`` without the least valuable ones, until the file fits ``max_lines``."""
        kinds = Counter(record.memory_type for record in records)
        if line_count(kinds) <= self._max_lines:
            return records
        by_value = sorted(
            range(len(records)),
            key=lambda i: (records[i].importance, records[i].created_at, i),
        )
        evicted: set[int] = set()
        for index in by_value:
            if line_count(kinds) <= self._max_lines:
                break
            kinds[records[index].memory_type] -= 1
            evicted.add(index)
        logger.warning(
            "memory file %s would exceed its cap of %d lines: evicted %d least valuable "
            "memories (lowest importance, then oldest)",
            path,
            self._max_lines,
            len(evicted),
        )
        return [record for index, record in enumerate(records) if index not in evicted]


def _read(path: Path, scope: MemoryScope) -> list[MemoryRecord]:
    loaded = _load(path)
    if loaded is None:
        return []
    text, modified_at = loaded
    parsed = parse(text, scope, modified_at)
    # A plain user id that spells another user's hashed file name, or a case-insensitive file
    # system folding "Alice" onto "alice": the header says whose file it is.
    if parsed.owner is not None and parsed.owner != scope.user_id:
        raise ValueError(f"{path} holds the memories of another user, not {scope.user_id!r}")
    return parsed.records


def _scan(agent_id: str, directory: Path) -> list[MemoryScope]:
    """The scopes with records among the agent's files, agent-wide first, then users by id."""
    users_dir = directory / USERS_DIR
    try:
        names = sorted(os.listdir(users_dir))
    except (FileNotFoundError, NotADirectoryError):
        names = []
    files: list[tuple[Path, str | None]] = [(directory / AGENT_FILE, None)]
    files += [
        (users_dir / name, name)
        for name in names
        if not name.startswith(".") and name.endswith(USER_SUFFIX)  # not lock or temp files
    ]
    found: list[MemoryScope] = []
    for path, name in files:
        loaded = _load(path)
        if loaded is None:
            continue
        text, modified_at = loaded
        scope = _scope_of(agent_id, name, text)
        if scope is not None and parse(text, scope, modified_at).records:
            found.append(scope)
    return sorted(found, key=lambda scope: (scope.user_id is not None, scope.user_id or ""))


def _scope_of(agent_id: str, name: str | None, text: str) -> MemoryScope | None:
    """Whose file this is (``name`` None: the agent-wide file); None if that can't be told,
    or its header names a user its file name does not belong to (a copied file)."""
    owner = owner_of(text)
    if name is None:
        return MemoryScope(agent_id=agent_id) if owner is None else None
    # 0.2's files name no user in a header; a hashed file name hides it, so those are skipped.
    user_id = owner or user_id_from_filename(name)
    if user_id is None or user_filename(user_id) != name:
        return None
    return MemoryScope(agent_id=agent_id, user_id=user_id)


def _load(path: Path) -> tuple[str, datetime] | None:
    """The file's text and modification time, read from one open file; ``None`` if absent."""
    try:
        with open(path, "rb") as stream:
            data = stream.read()
            modified = os.fstat(stream.fileno()).st_mtime
    except FileNotFoundError:
        return None
    # utf-8-sig: editors on Windows may start the file with a byte order mark.
    return data.decode("utf-8-sig"), datetime.fromtimestamp(modified, UTC)


def _cleaned(memory: NewMemory) -> NewMemory:
    content = clean_content(memory.content)
    if not content:
        raise ValueError("a memory's content must hold more than white space")
    return memory.model_copy(update={"content": content})
