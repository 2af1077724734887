"""Cron schedules: fired once per occurrence across replicas, managed at run time.

See :class:`~agent_gateway_core.scheduling.engine.SchedulerEngine` and docs/schedules.md.
"""

from agent_gateway_core.scheduling.config import SchedulerConfig
from agent_gateway_core.scheduling.engine import SchedulerEngine
from agent_gateway_core.scheduling.views import ScheduleView

__all__ = ["ScheduleView", "SchedulerConfig", "SchedulerEngine"]
