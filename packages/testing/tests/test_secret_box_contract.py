"""HmacSecretBox passes the SecretBox contract."""

from __future__ import annotations

import pytest

from agent_gateway_core.testing import HmacSecretBox
from agent_gateway_testing.contracts import SecretBoxContract

pytestmark = pytest.mark.unit


class TestHmacSecretBox(SecretBoxContract):
    @pytest.fixture
    def secret_box(self) -> HmacSecretBox:
        return HmacSecretBox("contract-key")

    @pytest.fixture
    def other_secret_box(self) -> HmacSecretBox:
        return HmacSecretBox(b"another-key")
