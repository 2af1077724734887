"""The schedules a process fires, each with the next occurrence it has not handled yet."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from agent_gateway_core.domain.agent import AgentDefinition, AgentScope
from agent_gateway_core.domain.schedule import ScheduleRecord
from agent_gateway_core.scheduling.cron_times import fire_times, next_fire_time

_ONE_SECOND = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class Due:
    """What to do about a schedule now: fire ``fire_at`` (oldest first). ``missed_since`` is
    the first of the occurrences skipped for being later than the grace period allows."""

    record: ScheduleRecord
    fire_at: tuple[datetime, ...]
    missed_since: datetime | None


def fires(record: ScheduleRecord, agents: Mapping[str, AgentDefinition]) -> bool:
    """Whether the record is fired at all: enabled, live, of a known and enabled agent that
    is not personal (a scheduled run has no user whose configuration it could use)."""
    agent = agents.get(record.agent_id)
    return (
        record.enabled
        and not record.deleted
        and agent is not None
        and agent.enabled
        and agent.scope is not AgentScope.PERSONAL
    )


class Timetable:
    """Schedule id → (record, next unhandled occurrence). Pure: no I/O, time passed in."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[ScheduleRecord, datetime | None]] = {}

    def earliest(self) -> datetime | None:
        pending = [at for _, at in self._entries.values() if at is not None]
        return min(pending, default=None)

    def replace(
        self,
        records: list[ScheduleRecord],
        agents: Mapping[str, AgentDefinition],
        *,
        now: datetime,
        grace: timedelta,
        catch_up: bool,
    ) -> None:
        """Take ``records`` as the schedules to fire. An unchanged one keeps its next
        occurrence. A new or changed one starts after ``now``; with ``catch_up`` (as a
        process starts) from the first occurrence within the grace period that is later than
        its last change and its last run, so a process starting just after an occurrence
        (which another may have fired: the claim decides) does not lose it, and a schedule
        created or resumed just before does not fire one from before."""
        entries: dict[str, tuple[ScheduleRecord, datetime | None]] = {}
        for record in records:
            if not fires(record, agents):
                continue
            known = self._entries.get(record.id)
            if known is not None and _same_timetable(known[0], record):
                entries[record.id] = (record, known[1])
                continue
            # Nothing from before the schedule's last change (its creation, a resume...) nor
            # at or before its last run (by this process or a replica).
            start = max(now - grace - _ONE_SECOND, record.updated_at) if catch_up else now
            if record.last_run_at is not None:
                start = max(start, record.last_run_at)
            entries[record.id] = (record, next_fire_time(record.cron_expr, record.timezone, start))
        self._entries = entries

    def take_due(self, now: datetime, *, grace: timedelta, coalesce: bool) -> list[Due]:
        """Every schedule with occurrences up to ``now``, advanced past them."""
        due: list[Due] = []
        for schedule_id, (record, first) in list(self._entries.items()):
            if first is None or first > now:
                continue
            window_start = now - grace
            timely_after = max(first - _ONE_SECOND, window_start - _ONE_SECOND)
            timely = fire_times(record.cron_expr, record.timezone, timely_after, now)
            missed_since = first if first < window_start else None
            if coalesce:
                timely = timely[-1:]
            self._entries[schedule_id] = (
                record,
                next_fire_time(record.cron_expr, record.timezone, now),
            )
            due.append(Due(record, tuple(timely), missed_since))
        return due

    def retry(self, schedule_id: str, fire_at: datetime) -> None:
        """Handle ``fire_at`` again on the next pass (its claim could not be made)."""
        entry = self._entries.get(schedule_id)
        if entry is not None and (entry[1] is None or fire_at < entry[1]):
            self._entries[schedule_id] = (entry[0], fire_at)


def _same_timetable(old: ScheduleRecord, new: ScheduleRecord) -> bool:
    return (old.cron_expr, old.timezone, old.enabled) == (new.cron_expr, new.timezone, new.enabled)
