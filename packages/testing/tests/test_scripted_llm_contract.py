"""ScriptedLLM, the in-process fake, passes the LLMClient contract."""

from __future__ import annotations

import pytest

from agent_gateway_core.testing.scripted_llm import ScriptedLLM
from agent_gateway_testing.contracts import LLMClientContract, LLMHarness

pytestmark = pytest.mark.unit


class TestScriptedLLMContract(LLMClientContract):
    @pytest.fixture
    def llm_harness(self) -> LLMHarness:
        llm = ScriptedLLM()
        return LLMHarness(client=llm, model="scripted/model", push=llm.push)
