"""Load a workspace exactly as the gateway does at startup, for the commands that read one.

The core checks the files; the gateway then validates the sections of gateway.yaml it owns
(``server``, ``auth``, ``cors``, ...) with ``AGENT_GATEWAY_*`` overrides applied. Going through
the gateway's own loader means ``check`` passes exactly when ``serve`` would start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from agent_gateway_core.workspace import WorkspaceState


def load_gateway_workspace(workspace: Path) -> WorkspaceState:
    """The loaded workspace; raises WorkspaceError listing every problem of every file."""
    import asyncio

    from agent_gateway.composition.workspace import load_gateway_workspace as load

    state, _ = asyncio.run(load(workspace))
    return state
