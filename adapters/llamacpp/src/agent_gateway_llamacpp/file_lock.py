"""An exclusive lock on a file, held across processes (two gateways fetching one model)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def exclusive_file_lock(path: Path) -> Iterator[None]:
    """Hold an OS lock on ``path`` (created if missing); blocks until other holders release it.

    The OS drops the lock when its holder dies, so a crash never leaves the cache locked. On
    Windows there is no ``flock``: no lock is taken there, and concurrent fetches stay correct
    (each moves a verified file into place atomically), they only download twice.
    """
    if sys.platform == "win32":
        yield
        return
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
