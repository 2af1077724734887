"""Lazy imports of optional adapters, failing with the exact install line."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType

from agent_gateway_core.errors import MissingExtraError


def import_adapter(module: str, *, feature: str, extra: str) -> ModuleType:
    """Import an adapter module, or raise MissingExtraError naming ``agents-gateway[extra]``."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        # The adapter or one of its drivers is absent: either way the extra is not installed.
        raise MissingExtraError(feature, extra) from exc


def require_installed(module: str, *, feature: str, extra: str) -> None:
    """Raise MissingExtraError naming ``agents-gateway[extra]`` unless ``module`` is installed.

    Nothing is imported: for a driver its adapter loads when it first needs it, checking it is
    there costs a lookup instead of an import at startup.
    """
    if not is_installed(module):
        raise MissingExtraError(feature, extra)


def is_installed(module: str) -> bool:
    """Whether ``module`` can be imported, without importing it."""
    if module in sys.modules:
        return sys.modules[module] is not None  # None: import blocked (tests do this)
    return importlib.util.find_spec(module) is not None
