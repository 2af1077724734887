"""Check a standard 5-field cron expression field by field, so mistakes surface at load time;
then that it can fire at all (``0 0 31 2 *`` cannot).

Each field is a comma-separated list of ``*``, ``N``, ``N-M`` or a name (``jan``, ``mon``),
each optionally followed by ``/STEP``. Day of week runs 0-7, where both 0 and 7 are Sunday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from cronsim import CronSim, CronSimError

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


@dataclass(frozen=True, slots=True)
class _Field:
    label: str
    low: int
    high: int
    names: tuple[str, ...] = ()  # names[i] stands for low + i

    def value(self, token: str) -> int | None:
        if token.isdigit():
            return int(token)
        lowered = token.lower()
        return self.low + self.names.index(lowered) if lowered in self.names else None


_FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day-of-month", 1, 31),
    _Field("month", 1, 12, _MONTHS),
    _Field("day-of-week", 0, 7, _WEEKDAYS),
)


def cron_error(expression: str) -> str | None:
    """Why ``expression`` is not a valid 5-field cron expression, or ``None`` when it is."""
    parts = expression.split()
    if len(parts) != len(_FIELDS):
        return f"needs 5 fields (minute hour day-of-month month day-of-week), got {len(parts)}"
    for part, field in zip(parts, _FIELDS, strict=True):
        for item in part.split(","):
            error = _item_error(item, field)
            if error:
                return f"{field.label} field {part!r}: {error}"
    try:
        CronSim(expression, datetime(2000, 1, 1, tzinfo=UTC))
    except CronSimError as exc:  # e.g. "0 0 31 2 *": no month has that day
        return f"it can never fire ({exc})"
    return None


def _item_error(item: str, field: _Field) -> str | None:
    base, has_step, step = item.partition("/")
    if has_step and not (step.isdigit() and int(step) > 0):
        return f"step {step!r} must be a positive whole number"
    if base == "*":
        return None
    first, is_range, last = base.partition("-")
    bounds: list[int] = []
    for token in (first, last) if is_range else (first,):
        number = field.value(token)
        if number is None:
            return f"{token!r} is not a number" + (" or a name" if field.names else "")
        if not field.low <= number <= field.high:
            return f"{number} is outside {field.low}-{field.high}"
        bounds.append(number)
    if is_range and bounds[0] > bounds[1]:
        return f"range {base!r} runs backwards"
    return None
