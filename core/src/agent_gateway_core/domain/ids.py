"""Identifier formats. These are part of the public contract; do not change them."""

from __future__ import annotations

import os
import threading

_POOL_BYTES = 4096


class _RandomPool:
    """Bytes from the OS's CSPRNG (``os.urandom``), read 4 KiB at a time.

    ``os.urandom`` releases the GIL; on a busy server the thread that called it then waits
    to take the GIL back from the others far longer than the read itself takes. Reading
    once per 256 ids instead of once per id keeps that wait off the request path. A child
    process starts with an empty pool, so it never repeats its parent's ids.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buffer = b""
        self._offset = 0

    def take(self, size: int) -> bytes:
        with self._lock:
            if self._offset + size > len(self._buffer):
                self._buffer, self._offset = os.urandom(max(_POOL_BYTES, size)), 0
            start, self._offset = self._offset, self._offset + size
            return self._buffer[start : self._offset]

    def reset(self) -> None:
        self._lock = threading.Lock()  # another thread may have held it when we forked
        self._buffer, self._offset = b"", 0


_pool = _RandomPool()
os.register_at_fork(after_in_child=_pool.reset)


def _uuid4_hex() -> str:
    """32 hex digits of a random (version 4, RFC 4122 variant) UUID."""
    raw = bytearray(_pool.take(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    return raw.hex()


def new_execution_id() -> str:
    """An execution id: a UUID4 string, e.g. ``'3f2b...-...'``."""
    h = _uuid4_hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_session_id() -> str:
    """A chat session id: ``sess_`` followed by 12 hex characters."""
    return f"sess_{_pool.take(6).hex()}"


def new_record_id() -> str:
    """An opaque id for stored records (messages, deliveries, memories): a UUID4's hex."""
    return _uuid4_hex()


def new_instance_id() -> str:
    """A gateway instance (one process start): ``inst_`` followed by 16 hex characters."""
    return f"inst_{_pool.take(8).hex()}"


def workspace_schedule_id(agent_id: str, name: str) -> str:
    """Schedules declared in AGENT.md: ``{agent_id}:{name}``."""
    return f"{agent_id}:{name}"


def admin_schedule_id(agent_id: str, name: str) -> str:
    """Schedules created at run time by an admin: ``admin:{agent_id}:{name}``."""
    return f"admin:{agent_id}:{name}"
