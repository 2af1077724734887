"""The Redis keys one queue uses, all derived from its stream key and key prefix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class QueueKeys:
    """``stream`` holds the jobs; the others are auxiliary keys under ``prefix``."""

    stream: str
    prefix: str

    @property
    def pending(self) -> str:
        """Hash: execution id -> the stream entry id of its pending job (the dedupe index)."""
        return f"{self.prefix}:pending"

    @property
    def attempts(self) -> str:
        """Hash: stream entry id -> the attempt it is on (stream entries are immutable)."""
        return f"{self.prefix}:attempts"

    @property
    def dead(self) -> str:
        """List of dead jobs, oldest first."""
        return f"{self.prefix}:dead"

    @property
    def cancel_channel(self) -> str:
        """Pub/sub channel on which cancellation requests are announced."""
        return f"{self.prefix}:cancels"

    def cancel(self, execution_id: str) -> str:
        """String key with a TTL: the durable flag of one cancellation request."""
        return f"{self.prefix}:cancel:{execution_id}"

    def all_static(self) -> tuple[str, ...]:
        """Every key but the per-execution cancel flags (for cleanup in tests and tools)."""
        return (self.stream, self.pending, self.attempts, self.dead)
