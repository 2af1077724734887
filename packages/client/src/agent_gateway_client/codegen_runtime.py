"""What the modules ``agents-gateway codegen`` writes call at run time.

A generated helper (``TriageAgent.invoke(client, message, input)``) runs the agent with
:func:`run_agent` (or :func:`run_agent_sync`), which waits for an agent that runs in the
background, then reads the output into the agent's declared model with
:func:`parse_output`, which raises :class:`AgentOutputError` when it does not match.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import pydantic

from agent_gateway_client._errors import FieldError, GatewayError

if TYPE_CHECKING:
    from agent_gateway_client._async.client import GatewayClient
    from agent_gateway_client._sync.client import GatewayClientSync
    from agent_gateway_client.models.agents import InvokeOptions

ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)

_IN_BACKGROUND = frozenset({"queued", "running"})
_SHOWN_ERRORS = 3


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentRun:
    """A finished, successful execution of an agent: its ``output`` (the JSON its output
    schema describes, ``None`` for an agent without one) and its ``raw_text``."""

    agent_id: str
    execution_id: str
    output: Any
    raw_text: str


class AgentOutputError(GatewayError, ValueError):
    """An agent's output does not match the model generated from its output schema (the
    agent changed since the module was generated, or its schema lets through more than the
    model does). ``errors`` names each problem's field path, ``output`` is what came."""

    def __init__(
        self, run: AgentRun, model: type[pydantic.BaseModel], error: pydantic.ValidationError
    ) -> None:
        self.agent_id = run.agent_id
        self.output = run.output
        self.model = model
        self.errors = [
            FieldError(".".join(str(part) for part in item["loc"]), item["msg"], item["type"])
            for item in error.errors()
        ]
        shown = "; ".join(f"{e.path or '(root)'}: {e.message}" for e in self.errors[:_SHOWN_ERRORS])
        more = len(self.errors) - _SHOWN_ERRORS
        super().__init__(
            f"the output of agent {run.agent_id!r} does not match {model.__name__}: {shown}"
            + (f" (and {more} more)" if more > 0 else ""),
            code="output_mismatch",
            execution_id=run.execution_id,
        )


async def run_agent(
    client: GatewayClient,
    agent_id: str,
    message: str,
    *,
    input: pydantic.BaseModel | Mapping[str, Any] | None = None,
    options: InvokeOptions | None = None,
    idempotency_key: str | None = None,
    wait_timeout: float | None = 300.0,
) -> AgentRun:
    """Invoke the agent (``input`` as JSON: a model's fields by their schema names, those
    not set left out) and, if it runs in the background, wait for it (``wait_timeout``
    seconds, ``None``: no limit). Errors are the client's: a failed execution raises the
    error of its status, or :class:`ExecutionFailedError` after a wait."""
    result = await client.agents.invoke(
        agent_id,
        message,
        input=input_json(input),
        options=options,
        idempotency_key=idempotency_key,
    )
    if result.status not in _IN_BACKGROUND:
        return AgentRun(
            agent_id=agent_id,
            execution_id=result.execution_id,
            output=result.output,
            raw_text=result.raw_text,
        )
    execution = await client.executions.wait(result.execution_id, timeout=wait_timeout)
    return AgentRun(
        agent_id=agent_id,
        execution_id=execution.id,
        output=execution.result,
        raw_text=execution.raw_text or "",
    )


def run_agent_sync(
    client: GatewayClientSync,
    agent_id: str,
    message: str,
    *,
    input: pydantic.BaseModel | Mapping[str, Any] | None = None,
    options: InvokeOptions | None = None,
    idempotency_key: str | None = None,
    wait_timeout: float | None = 300.0,
) -> AgentRun:
    """:func:`run_agent` with a :class:`GatewayClientSync`."""
    result = client.agents.invoke(
        agent_id,
        message,
        input=input_json(input),
        options=options,
        idempotency_key=idempotency_key,
    )
    if result.status not in _IN_BACKGROUND:
        return AgentRun(
            agent_id=agent_id,
            execution_id=result.execution_id,
            output=result.output,
            raw_text=result.raw_text,
        )
    execution = client.executions.wait(result.execution_id, timeout=wait_timeout)
    return AgentRun(
        agent_id=agent_id,
        execution_id=execution.id,
        output=execution.result,
        raw_text=execution.raw_text or "",
    )


def parse_output(run: AgentRun, model: type[ModelT]) -> ModelT:
    """The run's output as ``model``; :class:`AgentOutputError` when it does not match."""
    try:
        return model.model_validate(run.output)
    except pydantic.ValidationError as exc:
        raise AgentOutputError(run, model, exc) from exc


def input_json(value: pydantic.BaseModel | Mapping[str, Any] | None) -> dict[str, Any] | None:
    """An agent's input as the JSON object the gateway takes."""
    if value is None:
        return None
    if isinstance(value, pydantic.BaseModel):
        dumped = value.model_dump(mode="json", by_alias=True, exclude_unset=True)
        if not isinstance(dumped, dict):
            raise TypeError(f"an agent's input is a JSON object, not {type(dumped).__name__}")
        return dumped
    return dict(value)
