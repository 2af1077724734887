"""When a 5-field cron expression fires, in an IANA time zone, as UTC instants.

Wall-clock times are matched in the schedule's zone, so ``30 1 * * *`` in Europe/London is
01:30 London time in winter and in summer. Across daylight-saving changes it behaves as
Debian cron does (cronsim implements this): a fixed-time job whose time is skipped in spring
fires once, at the first minute after the gap; one whose time happens twice in autumn fires
once, the first time. Jobs with ``*`` in the minute or hour field follow real time, so
``*/15 * * * *`` keeps firing every 15 minutes through both changes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim


def time_zone_problem(name: str) -> str | None:
    """Why ``name`` is not a known IANA time zone, or ``None``."""
    try:
        zone(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return f"unknown time zone {name!r}; use an IANA name such as 'UTC' or 'Europe/London'"
    return None


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def next_fire_time(expression: str, time_zone: str, after: datetime) -> datetime | None:
    """The first instant strictly after ``after`` at which the schedule fires, in UTC, or
    ``None`` if it never fires again. ``expression`` and ``time_zone`` must be valid."""
    local = after.astimezone(zone(time_zone)).replace(microsecond=0)
    try:
        fire = next(CronSim(expression, local))
    except StopIteration:
        return None
    return fire.astimezone(UTC)


def fire_times(expression: str, time_zone: str, after: datetime, until: datetime) -> list[datetime]:
    """Every fire time in ``(after, until]``, oldest first, in UTC."""
    times: list[datetime] = []
    current = next_fire_time(expression, time_zone, after)
    while current is not None and current <= until:
        times.append(current)
        current = next_fire_time(expression, time_zone, current)
    return times
