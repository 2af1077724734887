"""Safe read-modify-write of one small file shared by threads and processes.

:func:`exclusive` serialises writers: a thread lock for this process, and on POSIX an
advisory ``flock`` on a hidden sibling ``.{name}.lock`` that other processes (another gateway
worker, a CLI) take too. The file itself is never locked, so it can be replaced:
:func:`write_atomically` writes a temporary file beside it, syncs it and renames it over the
old one, so a reader (who takes no lock) sees the old file or the new one, never a mixture.
Call these from a worker thread, not the event loop: they block.
"""

from __future__ import annotations

import os
import secrets
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

if sys.platform != "win32":
    import fcntl

# A fixed set of locks, one picked by the path's hash: memory stays bounded however many
# users have files. Two files may share a lock; nothing ever holds two, so no deadlock.
_THREAD_LOCKS = tuple(threading.Lock() for _ in range(64))


def lock_file(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


@contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold the write lock of ``path`` (creating its directory if needed)."""
    with _THREAD_LOCKS[hash(str(path.absolute())) % len(_THREAD_LOCKS)]:
        if sys.platform == "win32":  # no flock: only this process is serialised
            yield
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_file(path), os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the flock


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path``'s content with ``text`` (UTF-8) in one step, durably."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    # 0o666 lets the umask decide a new file's mode; an existing file keeps its own.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with open(fd, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        with suppress(FileNotFoundError):
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)


def remove(path: Path) -> None:
    """Delete ``path`` (if present), durably."""
    with suppress(FileNotFoundError):
        path.unlink()
        _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    # The rename is durable only once the directory entry is on disk (POSIX only).
    if sys.platform == "win32":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
