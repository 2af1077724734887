"""Background executions: accepted now, run later, by this process or a queue worker.

:class:`BackgroundExecutions` is the use case (submit, cancel, run a delivered job);
:class:`QueueWorker` is the consume loop a worker runs. :class:`InstanceLease` keeps this
process's lease as a gateway instance and has :class:`OrphanRecovery` end or hand back what
stopped instances left. A :class:`~agent_gateway_core.Runtime` composes them all, so an
embedded runtime gets them as well as the HTTP gateway does.
"""

from agent_gateway_core.background.executions import BackgroundExecutions
from agent_gateway_core.background.jobs import job_for, request_from_record
from agent_gateway_core.background.lease import InstanceLease
from agent_gateway_core.background.queued import end_queued
from agent_gateway_core.background.recovery import OrphanRecovery, RecoveryReport
from agent_gateway_core.background.worker import QueueWorker

__all__ = [
    "BackgroundExecutions",
    "InstanceLease",
    "OrphanRecovery",
    "QueueWorker",
    "RecoveryReport",
    "end_queued",
    "job_for",
    "request_from_record",
]
