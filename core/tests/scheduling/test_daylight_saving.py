"""A `30 1 * * *` schedule in Europe/London over both of 2026's clock changes, on a clock the
test moves: each day it fires once, at 01:30 London time or as Debian cron would around a
change (docs/schedules.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from agent_gateway_core.domain.agent import ScheduleSpec

from .conftest import agent, workspace

pytestmark = pytest.mark.unit

NIGHTLY = ScheduleSpec(
    name="nightly", cron="30 1 * * *", message="Nightly report", timezone="Europe/London"
)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


async def test_spring_forward_fires_once_at_the_end_of_the_gap(cluster_at: Any) -> None:
    # 29 March 2026: London jumps from 01:00 GMT to 02:00 BST; 01:30 does not exist that day.
    cluster = cluster_at(utc(3, 27, 12))
    await cluster.replica(workspace(agent("reporter", NIGHTLY)))
    await cluster.run_until(utc(3, 31, 0))
    assert await cluster.fire_times("reporter:nightly") == [
        utc(3, 28, 1, 30),  # 01:30 GMT
        utc(3, 29, 1, 0),  # 02:00 BST, the first minute after the gap
        utc(3, 30, 0, 30),  # 01:30 BST
    ]


async def test_fall_back_fires_once_on_the_first_of_the_two_0130s(cluster_at: Any) -> None:
    # 25 October 2026: London goes from 02:00 BST back to 01:00 GMT; 01:30 happens twice.
    cluster = cluster_at(utc(10, 23, 12))
    await cluster.replica(workspace(agent("reporter", NIGHTLY)))
    await cluster.run_until(utc(10, 27, 0))
    assert await cluster.fire_times("reporter:nightly") == [
        utc(10, 24, 0, 30),  # 01:30 BST
        utc(10, 25, 0, 30),  # the first 01:30 (BST); not again at 01:30 GMT
        utc(10, 26, 1, 30),  # 01:30 GMT
    ]


async def test_an_interval_schedule_follows_real_time_through_the_repeated_hour(
    cluster_at: Any,
) -> None:
    half_hourly = ScheduleSpec(
        name="half-hourly", cron="*/30 * * * *", message="Check", timezone="Europe/London"
    )
    cluster = cluster_at(utc(10, 24, 23, 10))
    await cluster.replica(workspace(agent("reporter", half_hourly)))
    await cluster.run_until(utc(10, 25, 2, 10))
    assert await cluster.fire_times("reporter:half-hourly") == [
        utc(10, 24, 23, 30),
        utc(10, 25, 0, 0),  # 01:00 BST
        utc(10, 25, 0, 30),  # 01:30 BST
        utc(10, 25, 1, 0),  # 01:00 GMT
        utc(10, 25, 1, 30),  # 01:30 GMT
        utc(10, 25, 2, 0),
    ]


async def test_a_schedule_without_a_zone_uses_the_workspace_timezone(cluster_at: Any) -> None:
    nine = ScheduleSpec(name="nine", cron="0 9 * * *", message="Morning")
    cluster = cluster_at(utc(7, 1, 0))
    await cluster.replica(workspace(agent("reporter", nine), timezone="America/New_York"))
    await cluster.run_until(utc(7, 2, 0))
    assert await cluster.fire_times("reporter:nine") == [utc(7, 1, 13)]  # 09:00 EDT
