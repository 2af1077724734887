"""``options.model``: a caller may name only a model the gateway is configured for.

The configured models are gateway.yaml's ``model.default`` and ``model.fallback`` and each
agent's model and fallbacks (what the composition starts clients for), plus
``model.allowed_overrides``: exact names, or a prefix ending in ``*`` (``openai/*``; ``*``
alone allows any model). Anything else is a 422 ``model_not_allowed`` naming the model and
how to allow it, before anything runs or is stored: the gateway's credentials are never
spent on, nor the provider's error text shown for, a model nobody configured.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent_gateway.api.schemas import InvokeOptions
from agent_gateway.composition.model_clients import workspace_models
from agent_gateway_core.errors import ModelNotAllowedError
from agent_gateway_core.workspace import WorkspaceState


def check_model_override(workspace: WorkspaceState, options: InvokeOptions | None) -> None:
    """Raise ModelNotAllowedError when ``options.model`` is set to a model not allowed."""
    if options is None or options.model is None:
        return
    if not _allowed_in(workspace).allows(options.model):
        raise ModelNotAllowedError(options.model)


@dataclass(frozen=True, slots=True)
class _AllowedModels:
    workspace: WorkspaceState
    names: frozenset[str]
    prefixes: tuple[str, ...]

    def allows(self, model: str) -> bool:
        return model in self.names or model.startswith(self.prefixes)


_last: _AllowedModels | None = None  # of the last workspace asked about (one per reload)


def _allowed_in(workspace: WorkspaceState) -> _AllowedModels:
    global _last
    if _last is None or _last.workspace is not workspace:
        overrides = workspace.model.allowed_overrides
        _last = _AllowedModels(
            workspace,
            frozenset([*workspace_models(workspace), *overrides]),
            tuple(entry.removesuffix("*") for entry in overrides if entry.endswith("*")),
        )
    return _last
