"""Schedules as written in AGENT.md, checked beyond what the domain model checks."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator

from agent_gateway_core.domain.agent import ScheduleSpec
from agent_gateway_core.workspace.cron import cron_error


class ScheduleEntry(ScheduleSpec):
    """A :class:`ScheduleSpec` whose cron fields and time zone are known to be valid."""

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        error = cron_error(value)
        if error:
            raise ValueError(f"invalid cron expression {value!r}: {error}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_time_zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(
                f"unknown time zone {value!r}; use an IANA name such as 'UTC' or 'Europe/London'"
            ) from None
        return value


def duplicate_names_error(schedules: Sequence[ScheduleSpec]) -> str | None:
    """Names used by two schedules of one agent (they share the id ``{agent}:{name}``)."""
    first_use: dict[str, int] = {}
    clashes = []
    for index, schedule in enumerate(schedules):
        if schedule.name in first_use:
            clashes.append(
                f"{schedule.name!r} (schedules.{first_use[schedule.name]} and schedules.{index})"
            )
        first_use.setdefault(schedule.name, index)
    return f"duplicate schedule names: {', '.join(clashes)}" if clashes else None
