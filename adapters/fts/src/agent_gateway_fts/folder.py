"""The markdown files of a folder: which there are, which changed, and their passages.

Blocking file I/O: called from worker threads only.
"""

from __future__ import annotations

import logging
import stat
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from agent_gateway_fts.chunking import markdown_sections
from agent_gateway_fts.index import FileStamp, FtsIndex, IndexedFile, Passage

logger = logging.getLogger(__name__)

# A bigger "markdown" file is most likely a log or a dump, not documentation.
MAX_FILE_BYTES = 5_000_000
# Files read, then written in one transaction, at a time.
BATCH_FILES = 200


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """What one synchronisation of the index with the folder did."""

    added: int
    changed: int
    removed: int
    unchanged: int
    passages: int
    """Passages in the index afterwards."""
    seconds: float


def scan(folder: Path, pattern: str) -> dict[str, FileStamp]:
    """The stamp of every file under ``folder`` matching the glob ``pattern``, by its path
    relative to ``folder`` with ``/`` separators. Hidden files and folders are skipped, and
    so are names that are not valid Unicode (SQLite could not store them)."""
    stamps: dict[str, FileStamp] = {}
    for path in folder.glob(pattern):
        relative = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in relative.split("/")):
            continue
        try:
            relative.encode("utf-8")
            status = path.stat()
        except UnicodeEncodeError:
            _warn_of_bad_name(relative)
            continue
        except OSError:
            continue  # gone since globbed, or a broken symlink
        if stat.S_ISREG(status.st_mode):
            stamps[relative] = FileStamp(status.st_mtime_ns, status.st_size)
    return stamps


@cache  # once per name, not at every look at the folder
def _warn_of_bad_name(relative: str) -> None:
    logger.warning("skipping %r: its name is not valid UTF-8", relative)


def synchronize(index: FtsIndex, folder: Path, pattern: str, *, chunk_chars: int) -> RefreshReport:
    """Bring ``index`` in line with the files of ``folder``: only files whose stamp differs
    from the indexed one are read again."""
    started = time.perf_counter()
    known = index.stamps()
    found = scan(folder, pattern)
    removed = [path for path in known if path not in found]
    stale = [path for path, stamp in found.items() if known.get(path) != stamp]
    if removed:
        index.update(removed, {})
    # Files are read before taking the index's lock, so searches go on meanwhile, and in
    # batches, so that a big first build holds a bounded amount of text in memory. Each
    # stamp was taken before its read: a file edited in between is seen again next time.
    for start in range(0, len(stale), BATCH_FILES):
        batch = {
            path: read_file(folder, path, found[path], chunk_chars)
            for path in stale[start : start + BATCH_FILES]
        }
        vanished = [path for path, file in batch.items() if file is None]
        index.update(vanished, {path: file for path, file in batch.items() if file is not None})
    return RefreshReport(
        added=sum(1 for path in stale if path not in known),
        changed=sum(1 for path in stale if path in known),
        removed=len(removed),
        unchanged=len(found) - len(stale),
        passages=index.count(),
        seconds=time.perf_counter() - started,
    )


def read_file(
    folder: Path, relative: str, stamp: FileStamp, chunk_chars: int
) -> IndexedFile | None:
    """The passages of one file; None when it is gone. An unreadable or oversized file is
    logged and indexed with no passages, so that it is not read again until it changes."""
    if stamp.size > MAX_FILE_BYTES:
        logger.warning("skipping %s: %d bytes, over %d", relative, stamp.size, MAX_FILE_BYTES)
        return IndexedFile(stamp, ())
    try:
        raw = (folder / relative).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        logger.warning("skipping %s: %s", relative, exc)
        return IndexedFile(stamp, ())
    text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
    return IndexedFile(stamp, passages(relative, text, chunk_chars))


def passages(relative: str, markdown: str, chunk_chars: int) -> list[Passage]:
    """The passages of one markdown file, each opening with where it comes from:
    ``Source: guides/setup.md — Install > Linux``."""
    found: list[Passage] = []
    for section in markdown_sections(markdown, chunk_chars=chunk_chars):
        trail = " > ".join(section.headings)
        source = f"Source: {relative} — {trail}" if trail else f"Source: {relative}"
        found.append(Passage(trail, section.text, f"{source}\n\n{section.text}"))
    return found
