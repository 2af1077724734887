"""Cron expressions are checked field by field."""

from __future__ import annotations

import pytest

from agent_gateway_core.workspace.cron import cron_error

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "expression",
    [
        "* * * * *",
        "0 9 * * 1-5",
        "*/15 0-6,18-23 1,15 * *",
        "30 8 1 jan,JUL mon-fri",
        "0 0 * * 7",
        "5/10 * * * sun",
        "0 12 31 12 0",
        "  0   9 * *   *  ",
    ],
)
def test_valid_expressions(expression: str) -> None:
    assert cron_error(expression) is None


@pytest.mark.parametrize(
    ("expression", "phrase"),
    [
        ("* * * *", "needs 5 fields"),
        ("* * * * * *", "got 6"),
        ("61 * * * *", "minute field '61': 61 is outside 0-59"),
        ("0 24 * * *", "hour field '24': 24 is outside 0-23"),
        ("0 0 0 * *", "day-of-month field '0': 0 is outside 1-31"),
        ("0 0 * 13 *", "month field '13': 13 is outside 1-12"),
        ("0 0 * * 8", "day-of-week field '8': 8 is outside 0-7"),
        ("0 0 * foo *", "month field 'foo': 'foo' is not a number or a name"),
        ("x * * * *", "minute field 'x': 'x' is not a number"),
        ("*/0 * * * *", "step '0' must be a positive whole number"),
        ("*/a * * * *", "step 'a' must be a positive whole number"),
        ("30-10 * * * *", "range '30-10' runs backwards"),
        ("1,,2 * * * *", "'' is not a number"),
        ("0 0 * * fri-mon", "range 'fri-mon' runs backwards"),
        ("0 0 31 2 *", "it can never fire"),  # valid fields, but no 31 February
    ],
)
def test_invalid_expressions_say_which_field_and_why(expression: str, phrase: str) -> None:
    error = cron_error(expression)

    assert error is not None
    assert phrase in error
