"""The status a sync call answers for each way its execution can end."""

from __future__ import annotations

import pytest

from agent_gateway.api.errors import status_for_error_code

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("llm_timeout", 504),
        ("execution_timeout", 504),
        ("execution_cancelled", 409),
        ("guardrail_triggered", 422),
        ("output_validation_error", 502),
        ("llm_rate_limit_error", 502),
        ("gateway_stopped", 503),  # ended by another instance: this one lost its lease
        ("something_new", 500),
        (None, 500),
    ],
)
def test_each_ending_has_its_status(code: str | None, status: int) -> None:
    assert status_for_error_code(code) == status
