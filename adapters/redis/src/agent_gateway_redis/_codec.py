"""Jobs as JSON, dead-letter envelopes, and delivery receipts."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from agent_gateway_core.ports.execution_queue import ExecutionJob


def encode_job(job: ExecutionJob) -> str:
    """``job`` as the JSON a stream entry carries (see :meth:`ExecutionJob.to_json`)."""
    return job.to_json()


def decode_job(raw: str | bytes, *, attempt: int | None = None) -> ExecutionJob:
    """The job in ``raw``; ``attempt`` (the queue's own count) wins over the stored one."""
    job = ExecutionJob.from_json(raw)
    return job if attempt is None else dataclasses.replace(job, attempt=attempt)


def encode_dead_letter(job_json: str, attempt: int, error: str) -> str:
    """A dead job: the stream entry's JSON unchanged, with its last attempt and error."""
    # The job is spliced in as is, as the Lua script that dead-letters expired jobs does.
    head = json.dumps({"attempt": attempt, "error": error}, separators=(",", ":"))
    return f'{head[:-1]},"job":{job_json}}}'


def decode_dead_letter(raw: str | bytes) -> ExecutionJob:
    envelope: dict[str, Any] = json.loads(raw)
    job = envelope["job"]
    return decode_job(json.dumps(job), attempt=int(envelope["attempt"]))


@dataclass(frozen=True, slots=True)
class Receipt:
    """One hand-over: the stream entry, the attempt it was handed out on, and to whom."""

    entry_id: str
    attempt: int
    consumer: str

    def encode(self) -> str:
        return f"{self.entry_id}|{self.attempt}|{self.consumer}"

    @classmethod
    def decode(cls, receipt: str) -> Receipt | None:
        """``None`` for a receipt this queue did not write (acking it is then a no-op)."""
        entry_id, _, rest = receipt.partition("|")
        attempt, _, consumer = rest.partition("|")
        if not entry_id or not consumer or not attempt.isdigit():
            return None
        return cls(entry_id, int(attempt), consumer)


def text(value: str | bytes) -> str:
    """A reply as ``str``, whether or not the client decodes responses."""
    return value.decode() if isinstance(value, bytes) else value
