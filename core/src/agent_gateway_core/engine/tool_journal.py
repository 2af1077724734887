"""The tool-call journal: a re-run of an execution does not repeat completed tool calls.

A background execution may run again from the start after its worker died (see
:mod:`~agent_gateway_core.background.recovery`); its event log keeps the earlier attempts'
events. Each tool call gets a key before it runs, recorded in its ``tool.call`` and
``tool.result`` events: the tool's name, a digest of its canonical JSON arguments and its
occurrence among the calls with the same name and arguments in this run, so the same call made
twice is two entries. A re-run loads the earlier ``tool.result`` events once, and a call whose
key has a successful result gets that result back instead of running its handler again.
Failed results are not replayed; tools marked ``idempotent`` always run.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from agent_gateway_core.domain.events import EventType
from agent_gateway_core.domain.messages import ToolCall
from agent_gateway_core.ports.persistence.executions import ExecutionStore


def canonical_arguments(arguments: object) -> str:
    """The arguments as JSON with sorted keys and no spaces, the same for equal arguments."""
    return json.dumps(
        arguments, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def journal_key(name: str, arguments: object, occurrence: int) -> str:
    """``<name>:<first 32 hex of sha256(canonical arguments)>:<occurrence from 0>``."""
    digest = hashlib.sha256(canonical_arguments(arguments).encode()).hexdigest()[:32]
    return f"{name}:{digest}:{occurrence}"


class ToolJournal:
    """Hands out the key of each tool call of one run and the earlier results to replay."""

    __slots__ = ("_occurrences", "_outputs")

    def __init__(self) -> None:
        self._occurrences: Counter[tuple[str, str]] = Counter()
        self._outputs: dict[str, str | None] = {}

    async def load(self, store: ExecutionStore, execution_id: str) -> None:
        """Read the successful ``tool.result`` events already stored for ``execution_id``
        (by earlier attempts: call it before this run writes any)."""
        for event in await store.list_events(execution_id):
            data = event.data
            key = data.get("key")
            if event.type is EventType.TOOL_RESULT and data.get("success") and key:
                self._outputs.setdefault(key, data.get("output"))

    def key(self, call: ToolCall) -> str:
        """The key of ``call``, the next occurrence of its name and arguments in this run."""
        identity = (call.name, canonical_arguments(call.arguments))
        occurrence = self._occurrences[identity]
        self._occurrences[identity] += 1
        return journal_key(call.name, call.arguments, occurrence)

    def recorded(self, key: str) -> tuple[bool, str | None]:
        """``(True, output)`` when an earlier attempt completed the call ``key``, the output
        as recorded (the text the model was given)."""
        if key not in self._outputs:
            return False, None
        return True, self._outputs[key]
