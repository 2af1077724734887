"""The base of every model the client returns."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class GatewayModel(BaseModel):
    """An answer of the gateway. Fields the client does not know yet are kept (in
    ``model_extra``, and as attributes), so a newer server never breaks an older client."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Usage(GatewayModel):
    """Tokens and cost of an execution (summed over its model calls)."""

    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    llm_calls: int = 0
    tool_calls: int = 0
    models_used: list[str] = []

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


class ToolCall(GatewayModel):
    """A tool call the model asked for; ``arguments`` is parsed JSON."""

    id: str
    name: str
    arguments: dict[str, Any] = {}
