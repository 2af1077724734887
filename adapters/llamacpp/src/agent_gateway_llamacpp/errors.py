"""Errors of the local model, placed in the core error tree::

ConfigError
└── UnknownLocalModelError         a ``local/<name>`` model this adapter does not ship
BackendUnavailableError
├── ModelDownloadError             the model file could not be fetched
│   └── ModelChecksumError         it was fetched, but its sha256 is wrong
└── LocalModelServerError          the llama.cpp server did not start or died
"""

from __future__ import annotations

from collections.abc import Iterable

from agent_gateway_core.errors import BackendUnavailableError, ConfigError

HOSTED_MODEL_HINT = (
    "set AGENT_GATEWAY_MODEL to a hosted model instead "
    "(e.g. AGENT_GATEWAY_MODEL=openai/gpt-4o-mini with OPENAI_API_KEY set)"
)


class UnknownLocalModelError(ConfigError):
    """A ``local/<name>`` model string names no model this adapter ships."""

    code = "unknown_local_model"

    def __init__(self, name: str, known: Iterable[str]) -> None:
        self.name = name
        choices = ", ".join(f"local/{k}" for k in sorted(known))
        super().__init__(f"unknown local model {name!r}; the local models are: {choices}")


class ModelDownloadError(BackendUnavailableError):
    """The model file could not be downloaded; the message names the cause and the way out."""

    code = "model_download_error"


class ModelChecksumError(ModelDownloadError):
    """A downloaded model file does not have the expected sha256 (it was deleted)."""

    code = "model_checksum_error"


class LocalModelServerError(BackendUnavailableError):
    """The llama.cpp server process did not become ready, or exited; holds its last log lines."""

    code = "local_model_server_error"
