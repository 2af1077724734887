"""Lazy imports of optional adapters, failing with the exact install line."""

from __future__ import annotations

import importlib
from types import ModuleType

from agent_gateway_core.errors import MissingExtraError


def import_adapter(module: str, *, feature: str, extra: str) -> ModuleType:
    """Import an adapter module, or raise MissingExtraError naming ``agents-gateway[extra]``."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        # The adapter or one of its drivers is absent: either way the extra is not installed.
        raise MissingExtraError(feature, extra) from exc
