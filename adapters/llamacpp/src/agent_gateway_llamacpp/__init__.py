"""Agent Gateway adapter: a small bundled model served by llama.cpp on 127.0.0.1.

``local/<name>`` model strings name the models listed in ``BUILTIN_LOCAL_MODELS``; their files
are fetched once into a cache (``ensure_model_file``) and served over an OpenAI-compatible
HTTP API by ``LocalModelServer``. Importing this package does no I/O and does not load llama.cpp.
"""

from agent_gateway_llamacpp.errors import (
    LocalModelServerError,
    ModelChecksumError,
    ModelDownloadError,
    UnknownLocalModelError,
)
from agent_gateway_llamacpp.model_files import (
    cached_model_path,
    default_cache_dir,
    ensure_model_file,
)
from agent_gateway_llamacpp.model_spec import (
    BUILTIN_LOCAL_MODELS,
    LOCAL_MODEL_PREFIX,
    SMOLLM2_135M_INSTRUCT,
    LocalModelSpec,
    local_model_spec,
)
from agent_gateway_llamacpp.server import LocalModelServer

__all__ = [
    "BUILTIN_LOCAL_MODELS",
    "LOCAL_MODEL_PREFIX",
    "SMOLLM2_135M_INSTRUCT",
    "LocalModelServer",
    "LocalModelServerError",
    "LocalModelSpec",
    "ModelChecksumError",
    "ModelDownloadError",
    "UnknownLocalModelError",
    "cached_model_path",
    "default_cache_dir",
    "ensure_model_file",
    "local_model_spec",
]
