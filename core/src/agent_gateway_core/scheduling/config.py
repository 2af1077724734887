"""How a SchedulerEngine fires: misfires, overlaps, claims, and how often it looks for changes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class SchedulerConfig:
    """The ``scheduler:`` settings the engine acts on.

    - ``misfire_grace_seconds``: an occurrence noticed up to this late still fires (once);
      an older one is skipped and logged.
    - ``coalesce``: when several occurrences of one schedule are due at once (the process
      was stalled), fire only the latest; otherwise fire each.
    - ``max_instances``: with 1, an occurrence is skipped while the schedule's previous run
      is still queued or running; above 1, runs may overlap.
    - ``claim_ttl_seconds``: how long an occurrence's claim is kept; at least the grace
      period plus a minute, so no replica can claim an occurrence again while it may still
      consider it due.
    - ``sync_interval_seconds``: how often the engine checks the store for schedules created,
      changed or deleted by other processes: the bound on how late they see a change.
    """

    misfire_grace_seconds: float = 60.0
    coalesce: bool = True
    max_instances: int = 1
    claim_ttl_seconds: float = 300.0
    sync_interval_seconds: float = 5.0

    def __post_init__(self) -> None:
        if self.misfire_grace_seconds < 0:
            raise ValueError("misfire_grace_seconds must be 0 or more")
        if self.max_instances < 1:
            raise ValueError("max_instances must be at least 1")
        if self.sync_interval_seconds <= 0:
            raise ValueError("sync_interval_seconds must be positive")

    @property
    def claim_seconds(self) -> float:
        return max(self.claim_ttl_seconds, self.misfire_grace_seconds + 60.0)
