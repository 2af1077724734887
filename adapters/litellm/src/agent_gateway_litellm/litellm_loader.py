"""Imports litellm on first use, set up for a server: bundled price map, no telemetry, no retries."""

from __future__ import annotations

import importlib
import os
from functools import cache
from typing import Any

from agent_gateway_core.errors import MissingExtraError


@cache
def load_litellm() -> Any:
    """Import and configure litellm once; later calls return the same module (untyped)."""
    # Without this, importing litellm fetches the model price map over the network.
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    try:
        litellm: Any = importlib.import_module("litellm")
    except ImportError as exc:
        raise MissingExtraError("LiteLLMClient", "litellm") from exc
    litellm.telemetry = False
    # Otherwise litellm prints a "Give Feedback / Get Help" banner on every failed call.
    litellm.suppress_debug_info = True
    # Retries are ours (backoff with jitter, Retry-After); litellm must not add its own.
    litellm.num_retries = 0
    return litellm
